/**
 * Decoding untrusted event bodies and query arguments: small [valibot](https://valibot.dev)
 * schemas with plain messages a person can act on. Every schema here is also a Standard
 * Schema, so it goes straight into `Module.eventType` and `Query.make`; a module package needs
 * no schema library of its own (and may still bring one: any synchronous Standard Schema works).
 *
 * Bodies arrive as values of Affinity's CBOR model, already checked by the host. A map
 * ({@link strict}) takes exactly the keys it names: required ones present, {@link optional}
 * ones absent or well formed (absent ones stay absent, never `undefined`), no other key.
 * A failure names where it is and what was expected (`deadline: expected an integer`), and
 * the host refuses the event `InvalidBody` with that message.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 *
 * const Note = Body.strict({ text: Body.text(1, 280), pinned: Body.optional(Body.literal(["yes", "no"])) })
 * type Note = Body.Infer<typeof Note>
 *
 * const good: Note = { text: "Seed swap on Sunday" }
 * console.log(Body.decode(Note, good).ok) // true
 * console.log(Body.decode(Note, { text: "" })) // { ok: false, message: "text: must not be empty" }
 * console.log(Body.decode(Note, { text: "hi", colour: "red" })) // { ok: false, message: "colour: unexpected key" }
 * ```
 *
 * @module
 */
import * as v from "valibot"
import type * as Cbor from "./Cbor.ts"
import type * as Module from "./Module.ts"
import { issueText } from "./internal/issues.ts"

/** A schema from an untrusted value to `T` (a valibot schema, and so a Standard Schema). */
export type Schema<T> = v.GenericSchema<unknown, T>

/** The value a schema decodes to. */
export type Infer<S extends v.GenericSchema> = v.InferOutput<S>

/** The entries of a {@link strict} map: a schema per key ({@link optional} for keys that may be absent). */
export type Entries = v.ObjectEntries

const objectMessage = (issue: v.BaseIssue<unknown>): string => {
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never") return "unexpected key"
  if (issue.expected?.startsWith('"')) return "missing"
  return `expected a map, got ${issue.received}`
}

/** Whether a value is a plain record (what a CBOR map decodes to), not an array or byte string. */
const isRecord = (u: unknown): boolean => {
  if (u === null || typeof u !== "object") return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A map with exactly the named keys: each required one present, each {@link optional} one
 * absent or well formed, no other key. Anything else is refused with a message naming the
 * key (`title: missing`, `colour: unexpected key`, `expected a map, got 3`).
 */
export const strict = <const E extends Entries>(entries: E) =>
  v.pipe(v.custom<Record<string, unknown>>(isRecord, (i) => `expected a map, got ${i.received}`), v.strictObject(entries, objectMessage))

/** A key of a {@link strict} map that may be absent (when absent, it is absent from the value too). */
export const optional = <const S extends v.GenericSchema>(schema: S) => v.exactOptional(schema)

/** A text string of `min` to `max` characters (UTF-16 code units, as JavaScript counts them). */
export const text = (min: number, max: number): Schema<string> =>
  v.pipe(
    v.string("expected a text string"),
    v.minLength(min, min === 1 ? "must not be empty" : `must have at least ${min} characters`),
    v.maxLength(max, `must have at most ${max} characters`)
  )

/** A text string matching `re`; `what` says in words what is expected (`a module name ([a-z]…)`). */
export const pattern = (re: RegExp, what: string): Schema<string> =>
  v.pipe(v.string(`expected ${what}`), v.regex(re, `expected ${what}`))

/** An integer from `min` to `max` (both included). */
export const int = (min: number, max: number): Schema<number> =>
  v.pipe(
    v.number("expected an integer"),
    v.safeInteger("expected an integer"),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`)
  )

/** One of the given text strings. */
export const literal = <const L extends string>(values: ReadonlyArray<L>): Schema<L> =>
  v.picklist(values as Array<L>, `expected one of ${values.map((x) => `"${x}"`).join(", ")}`)

/** A byte string of exactly `length` bytes. */
export const bytes = (length: number): Schema<Uint8Array> =>
  v.pipe(v.instance(Uint8Array, `expected a byte string of ${length} bytes`), v.length(length, `expected a byte string of ${length} bytes`))

/** An array of `min` to `max` items, each decoded by `item`. */
export const array = <T>(item: Schema<T>, min: number, max: number): Schema<ReadonlyArray<T>> =>
  v.pipe(
    v.array(item, "expected an array"),
    v.minLength(min, `must have at least ${min} item${min === 1 ? "" : "s"}`),
    v.maxLength(max, `must have at most ${max} items`)
  )

/** `null` and nothing else. */
export const nullValue: Schema<null> = v.null("expected null")

/** `null`, or a value of `schema`. */
export const nullable = <T>(schema: Schema<T>): Schema<T | null> => v.nullable(schema)

/** The first of `alternatives` that decodes; `what` says in words what was expected when none does. */
export const oneOf = <T>(what: string, ...alternatives: ReadonlyArray<Schema<T>>): Schema<T> =>
  v.union(alternatives as Array<Schema<T>>, `expected ${what}`)

/**
 * A value of `schema` that also passes `test`: `test` answers `undefined` when the value is
 * good, or a message saying what to change (`a stance "block" needs a reason`).
 */
export const refine = <T>(schema: Schema<T>, test: (value: T) => string | undefined): Schema<T> =>
  v.pipe(
    schema,
    v.rawCheck<T>(({ dataset, addIssue }) => {
      if (!dataset.typed) return
      const message = test(dataset.value)
      if (message !== undefined) addIssue({ message })
    })
  )

/** Any value of the CBOR model (the host has already checked it): an action's body, say. */
export const value: Schema<Cbor.Value> = v.custom<Cbor.Value>(() => true)

/** Decode an untrusted value with a schema of this module (or any valibot schema); never throws. */
export const decode = <T>(schema: Schema<T>, input: unknown): Module.Decoded<T> => {
  try {
    const r = v.safeParse(schema, input, EARLY)
    return r.success ? { ok: true, value: r.output } : { ok: false, message: issueText(r.issues) }
  } catch (e) {
    return { ok: false, message: `the schema failed: ${e instanceof Error ? e.message : String(e)}` }
  }
}

const EARLY = { abortEarly: true } as const
