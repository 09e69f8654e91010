/**
 * The JSON view of Affinity's CBOR values that conformance vectors use, and the
 * comparisons the runner makes.
 *
 * A CBOR value maps to JSON one to one, except byte strings, which become
 * `{ "$bytes": "<lower-case hex>" }`. (A map whose only key is `"$bytes"` with a text
 * value therefore has no JSON view distinct from a byte string; vectors never use one.)
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import type * as Cbor from "../Cbor.ts"

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** Whether a JSON value is a JSON object (not an array, not `null`). */
export const isObject = (value: unknown): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The byte string a `{ "$bytes": hex }` object stands for, or `undefined` for any other value. */
const bytesOf = (value: { readonly [key: string]: Json }): Uint8Array | undefined => {
  const keys = Object.keys(value)
  if (keys.length !== 1 || keys[0] !== "$bytes") return undefined
  const hex = value["$bytes"]
  return typeof hex === "string" ? Bytes.fromHex(hex) : undefined
}

/**
 * The JSON view of a CBOR value: byte strings become `{ "$bytes": hex }`. Objects are
 * built with own data properties only, so a key such as `"__proto__"` survives.
 */
export const fromCbor = (value: Cbor.Value): Json => {
  if (value instanceof Uint8Array) return { $bytes: Bytes.toHex(value) }
  if (Array.isArray(value)) return value.map((v: Cbor.Value) => fromCbor(v))
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCbor(v as Cbor.Value)]))
  return value as Json
}

/**
 * The CBOR value a JSON view stands for: `{ "$bytes": hex }` becomes a byte string.
 * Numbers are passed through unchecked (the CBOR encoder refuses non-integers).
 */
export const toCbor = (value: Json): Cbor.Value => {
  if (Array.isArray(value)) return value.map((v: Json) => toCbor(v))
  if (isObject(value)) {
    const bytes = bytesOf(value)
    if (bytes !== undefined) return bytes
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCbor(v)]))
  }
  return value as Cbor.Value
}

/**
 * Structural equality of two JSON values: arrays item by item, objects by their key sets
 * (in any order), numbers with `Object.is` (so `0` and `-0` differ).
 */
export const equal = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => equal(x, b[i]))
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]))
  }
  return Object.is(a, b)
}

/** A JSON object with its keys in ascending order (for stable files). */
export const sortedObject = <V>(entries: Iterable<readonly [string, V]>): { readonly [key: string]: V } =>
  Object.fromEntries([...entries].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
