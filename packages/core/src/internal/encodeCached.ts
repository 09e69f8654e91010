/**
 * Canonical CBOR (`Cbor.encode`, RFC 8949 §4.2.1) of values whose arrays and maps never
 * change once made, as a fold's states: the encoding of each array and map is kept, by
 * object, so encoding a state again after one event encodes only what that event made new
 * and copies the rest. The bytes are exactly those of `Cbor.encode`.
 *
 * @module
 */
import type * as Cbor from "../Cbor.ts"

const utf8 = new TextEncoder()

/** The shortest head of major type `major` with argument `n` (0 ≤ n ≤ 2^53 − 1). */
const head = (major: number, n: number): Uint8Array => {
  const m = major << 5
  if (n < 24) return Uint8Array.of(m | n)
  if (n < 0x100) return Uint8Array.of(m | 24, n)
  if (n < 0x10000) return Uint8Array.of(m | 25, n >>> 8, n & 0xff)
  if (n < 0x100000000) return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  const hi = Math.floor(n / 0x100000000)
  const lo = n >>> 0
  return Uint8Array.of(m | 27, hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff)
}

const TRUE = Uint8Array.of(0xf5)
const FALSE = Uint8Array.of(0xf4)
const NULL = Uint8Array.of(0xf6)

const join = (first: Uint8Array, parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = first.length
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  out.set(first, 0)
  let at = first.length
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

const textBytes = (s: string): Uint8Array => {
  const text = utf8.encode(s)
  return join(head(3, text.length), [text])
}

/** Encoded map keys, kept (short ones, a bounded number): the same keys recur in every state. */
const keys = new Map<string, Uint8Array>()

const keyBytes = (k: string): Uint8Array => {
  let b = keys.get(k)
  if (b === undefined) {
    b = textBytes(k)
    if (k.length <= 80 && keys.size < 100_000) keys.set(k, b)
  }
  return b
}

/**
 * Canonical bytes of `value` (in the model: check it first where it is not known to be),
 * using and filling `cache` for its arrays and maps. The returned bytes of a cached object
 * are shared: do not change them.
 */
export const encodeCached = (value: Cbor.Value, cache: WeakMap<object, Uint8Array>): Uint8Array => {
  switch (typeof value) {
    case "number":
      return value >= 0 ? head(0, value) : head(1, -1 - value)
    case "boolean":
      return value ? TRUE : FALSE
    case "string":
      return textBytes(value)
    default:
      break
  }
  if (value === null) return NULL
  if (value instanceof Uint8Array) return join(head(2, value.length), [value])
  const known = cache.get(value)
  if (known !== undefined) return known
  let out: Uint8Array
  if (Array.isArray(value)) {
    const items = value as ReadonlyArray<Cbor.Value>
    out = join(
      head(4, items.length),
      items.map((x) => encodeCached(x, cache))
    )
  } else {
    const map = value as { readonly [key: string]: Cbor.Value }
    const entries = Object.keys(map).map((k) => [keyBytes(k), map[k]!] as const)
    entries.sort((a, b) => compareBytes(a[0], b[0]))
    const parts: Array<Uint8Array> = []
    for (const [k, v] of entries) parts.push(k, encodeCached(v, cache))
    out = join(head(5, entries.length), parts)
  }
  cache.set(value, out)
  return out
}
