/**
 * Small schema decoders for untrusted input (links, codes, files, forms). A decoder accepts
 * exactly one shape and says where and why anything else does not fit; it never throws.
 *
 * @module
 */

/** What a decoder made of one value. */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/** A decoder; `path` names where the value sits, for messages. */
export type Decoder<A> = (u: unknown, path: string) => Decoded<A>

export const ok = <A>(value: A): Decoded<A> => ({ ok: true, value })
export const fail = (path: string, what: string): Decoded<never> => ({ ok: false, message: `${path}: ${what}` })

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && !(u instanceof Uint8Array)

/** Exactly this value. */
export const exactly =
  <const L extends string | number>(value: L): Decoder<L> =>
  (u, path) =>
    u === value ? ok(value) : fail(path, `expected ${JSON.stringify(value)}`)

/** A byte string of `min` to `max` bytes. */
export const bytes =
  (min: number, max = min): Decoder<Uint8Array> =>
  (u, path) =>
    !(u instanceof Uint8Array)
      ? fail(path, "expected bytes")
      : u.length < min || u.length > max
        ? fail(path, min === max ? `expected ${min} bytes` : `expected ${min} to ${max} bytes`)
        : ok(u)

/** An array of `min` to `max` items. */
export const array =
  <A>(item: Decoder<A>, min: number, max: number): Decoder<ReadonlyArray<A>> =>
  (u, path) => {
    if (!Array.isArray(u)) return fail(path, "expected a list")
    if (u.length < min) return fail(path, `needs at least ${min} item${min === 1 ? "" : "s"}`)
    if (u.length > max) return fail(path, `must have at most ${max} items`)
    const out: Array<A> = []
    for (let i = 0; i < u.length; i++) {
      const r = item(u[i], `${path}[${i}]`)
      if (!r.ok) return r
      out.push(r.value)
    }
    return ok(out)
  }

/** A record with exactly these keys (no other key is accepted). */
export const struct =
  <F extends Record<string, Decoder<unknown>>>(fields: F): Decoder<{ readonly [K in keyof F]: F[K] extends Decoder<infer A> ? A : never }> =>
  (u, path) => {
    if (!isRecord(u)) return fail(path, "expected a record")
    for (const k of Object.keys(u)) if (!(k in fields)) return fail(path, `unexpected key "${k}"`)
    const out: Record<string, unknown> = {}
    for (const [k, d] of Object.entries(fields)) {
      if (!(k in u)) return fail(path, `missing "${k}"`)
      const r = d(u[k], `${path}.${k}`)
      if (!r.ok) return r
      out[k] = r.value
    }
    return ok(out as { readonly [K in keyof F]: F[K] extends Decoder<infer A> ? A : never })
  }
