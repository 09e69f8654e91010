/**
 * Strict body decoders and the event-type builder of the governance module.
 *
 * Bodies arrive as canonical CBOR values (already checked by the host). A decoder accepts
 * exactly one shape: required keys present, optional keys either absent or well formed, no
 * other key. Failures name the path and what was expected, so a person can fix the body.
 *
 * @internal
 */
import type { Cbor, Module } from "@affinity/core"

/** The outcome of decoding one value. */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/** A decoder of untrusted values; `path` names where the value sits in the body. */
export type Decoder<A> = (u: unknown, path: string) => Decoded<A>

const ok = <A>(value: A): Decoded<A> => ({ ok: true, value })
const no = (path: string, what: string): Decoded<never> => ({ ok: false, message: `${path}: ${what}` })

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && !(u instanceof Uint8Array)

/** A text string of `min` to `max` characters (UTF-16 code units, as JavaScript counts). */
export const text =
  (min: number, max: number): Decoder<string> =>
  (u, path) =>
    typeof u !== "string"
      ? no(path, "expected a text string")
      : u.length < min
        ? no(path, min === 1 ? "must not be empty" : `must have at least ${min} characters`)
        : u.length > max
          ? no(path, `must have at most ${max} characters`)
          : ok(u)

/** A text string matching a pattern. */
export const pattern =
  (re: RegExp, what: string): Decoder<string> =>
  (u, path) =>
    typeof u === "string" && re.test(u) ? ok(u) : no(path, `expected ${what}`)

/** An integer in `[min, max]`. */
export const int =
  (min: number, max: number): Decoder<number> =>
  (u, path) =>
    typeof u !== "number" || !Number.isSafeInteger(u)
      ? no(path, "expected an integer")
      : u < min || u > max
        ? no(path, `must be between ${min} and ${max}`)
        : ok(u)

/** One of the given text strings. */
export const literal =
  <const L extends string>(values: ReadonlyArray<L>): Decoder<L> =>
  (u, path) =>
    typeof u === "string" && (values as ReadonlyArray<string>).includes(u)
      ? ok(u as L)
      : no(path, `expected one of ${values.map((v) => `"${v}"`).join(", ")}`)

/** A byte string of exactly `length` bytes. */
export const bytes =
  (length: number): Decoder<Uint8Array> =>
  (u, path) =>
    u instanceof Uint8Array && u.length === length ? ok(u) : no(path, `expected a byte string of ${length} bytes`)

/** Any value of the canonical model (the host has already checked it). */
export const anyValue: Decoder<Cbor.Value> = (u) => ok(u as Cbor.Value)

/** An array of `min` to `max` items, each decoded by `item`. */
export const array =
  <A>(item: Decoder<A>, min: number, max: number): Decoder<ReadonlyArray<A>> =>
  (u, path) => {
    if (!Array.isArray(u)) return no(path, "expected an array")
    if (u.length < min) return no(path, `must have at least ${min} item${min === 1 ? "" : "s"}`)
    if (u.length > max) return no(path, `must have at most ${max} items`)
    const out: Array<A> = []
    for (let i = 0; i < u.length; i++) {
      const r = item(u[i], `${path}[${i}]`)
      if (!r.ok) return r
      out.push(r.value)
    }
    return ok(out)
  }

type Fields = { readonly [key: string]: Decoder<unknown> }
type Out<F extends Fields> = { readonly [K in keyof F]: F[K] extends Decoder<infer A> ? A : never }

/**
 * A map with the `required` keys, any of the `optional` keys, and no other key. Optional
 * keys that are absent are absent from the result too (never `undefined`).
 */
export const struct =
  <R extends Fields, O extends Fields = {}>(
    required: R,
    optional?: O
  ): Decoder<Out<R> & { readonly [K in keyof O]?: O[K] extends Decoder<infer A> ? A : never }> =>
  (u, path) => {
    if (!isRecord(u)) return no(path, "expected a map")
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(u)) {
      if (!Object.hasOwn(required, key) && !(optional && Object.hasOwn(optional, key)))
        return no(path, `unexpected key "${key}"`)
    }
    for (const key of Object.keys(required)) {
      if (!Object.hasOwn(u, key)) return no(path, `missing key "${key}"`)
      const r = required[key]!(u[key], `${path}.${key}`)
      if (!r.ok) return r
      out[key] = r.value
    }
    if (optional) {
      for (const key of Object.keys(optional)) {
        if (!Object.hasOwn(u, key)) continue
        const r = optional[key]!(u[key], `${path}.${key}`)
        if (!r.ok) return r
        out[key] = r.value
      }
    }
    return ok(out as Out<R> & { readonly [K in keyof O]?: O[K] extends Decoder<infer A> ? A : never })
  }

/** The first alternative that decodes, or a message listing what was expected. */
export const oneOf =
  <A>(what: string, ...alternatives: ReadonlyArray<Decoder<A>>): Decoder<A> =>
  (u, path) => {
    for (const alt of alternatives) {
      const r = alt(u, path)
      if (r.ok) return r
    }
    return no(path, `expected ${what}`)
  }

/** A decoder whose result is checked by `check` (a message when it is refused). */
export const refine =
  <A>(decoder: Decoder<A>, check: (a: A) => string | undefined): Decoder<A> =>
  (u, path) => {
    const r = decoder(u, path)
    if (!r.ok) return r
    const bad = check(r.value)
    return bad === undefined ? r : no(path, bad)
  }

/**
 * Define an event type from a decoder and typed transitions (the counterpart of
 * `Module.eventType` for decoders written as functions).
 */
export const eventType = <S, B>(def: {
  readonly body: Decoder<B>
  readonly authority: Module.AuthorityKind
  readonly validate?: (state: S, body: B, ctx: Module.EventContext) => Module.Rejection | undefined
  readonly apply: (state: S, body: B, ctx: Module.EventContext) => Module.Applied<S>
}): Module.EventType<S> => ({
  authority: def.authority,
  decode: (body) => def.body(body, "body"),
  validate: (state, body, ctx) => (def.validate ? def.validate(state, body as B, ctx) : undefined),
  apply: (state, body, ctx) => def.apply(state, body as B, ctx)
})
