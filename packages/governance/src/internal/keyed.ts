/**
 * A map from hex keys to values kept in 256 plain objects ("buckets") by the key's first two
 * hex digits, so that a changed copy of it copies one bucket, not every entry. The fold keeps
 * earlier states (snapshots), so every change must leave the map it started from intact; with
 * a plain object that meant copying the whole map for each change.
 *
 * @module
 */

/** A map in {@link BUCKETS} plain objects; entries are found by their key's bucket. */
export type Buckets<V> = ReadonlyArray<{ readonly [key: string]: V }>

const BUCKETS = 256

/** Value of a hex digit (any other character gives some number too: it only spreads keys). */
const nibble = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87) & 15

const bucketOf = (key: string): number => ((nibble(key.charCodeAt(0)) << 4) | nibble(key.charCodeAt(1))) & (BUCKETS - 1)

/** The buckets of a plain object's entries. */
export const bucketsFrom = <V>(map: { readonly [key: string]: V }): Buckets<V> => {
  const out: Array<Record<string, V>> = Array.from({ length: BUCKETS }, () => ({}))
  for (const key of Object.keys(map)) out[bucketOf(key)]![key] = map[key]!
  return out
}

/** The value of `key`, or `undefined`. */
export const lookup = <V>(buckets: Buckets<V>, key: string): V | undefined => {
  const bucket = buckets[bucketOf(key)]!
  return Object.hasOwn(bucket, key) ? bucket[key] : undefined
}

/** `buckets` with `key` set to `value`: one bucket copied. */
export const put = <V>(buckets: Buckets<V>, key: string, value: V): Buckets<V> => {
  const b = bucketOf(key)
  const out = buckets.slice()
  out[b] = { ...buckets[b]!, [key]: value }
  return out
}

/** Every entry as one plain object. */
export const flatten = <V>(buckets: Buckets<V>): { readonly [key: string]: V } =>
  Object.assign({}, ...buckets) as { readonly [key: string]: V }
