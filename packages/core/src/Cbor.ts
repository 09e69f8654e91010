/**
 * Canonical CBOR: the only encoding Affinity hashes, signs or stores.
 *
 * The value model is a strict subset of CBOR (RFC 8949): unsigned and negative integers
 * within ±(2^53 − 1), byte strings, UTF-8 text strings, arrays, maps with text keys,
 * `true`, `false` and `null`. No floats, tags, `undefined` or indefinite lengths.
 * Encoding follows RFC 8949 §4.2.1 (core deterministic encoding): shortest heads, map
 * keys sorted by their encoded bytes. Decoding is strict: bytes are accepted only if they
 * decode within the model and re-encode to exactly the same bytes.
 *
 * @module
 */
import { decode as cborDecode, encode as cborEncode, rfc8949EncodeOptions } from "cborg"
import { equals } from "./Bytes.ts"

/** A value of Affinity's CBOR subset. */
export type Value =
  | number
  | boolean
  | null
  | string
  | Uint8Array
  | ReadonlyArray<Value>
  | { readonly [key: string]: Value }

/** Why bytes or a value are outside the canonical model. */
export interface CborIssue {
  readonly _tag: "CborIssue"
  readonly message: string
}

const issue = (message: string): CborIssue => ({ _tag: "CborIssue", message })

const decodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: false
} as const

/** Maximum nesting of arrays and maps. */
export const MAX_DEPTH = 32

/**
 * The first problem that keeps `value` out of the model, or `undefined` when it fits.
 */
export const check = (value: unknown, depth = 0): CborIssue | undefined => {
  if (depth > MAX_DEPTH) return issue(`nesting deeper than ${MAX_DEPTH}`)
  switch (typeof value) {
    case "number":
      if (!Number.isSafeInteger(value)) return issue(`${value} is not a safe integer`)
      if (Object.is(value, -0)) return issue("-0 is not an integer encoding")
      return undefined
    case "boolean":
    case "string":
      return undefined
    case "object": {
      if (value === null || value instanceof Uint8Array) return undefined
      if (Array.isArray(value)) {
        for (const item of value) {
          const bad = check(item, depth + 1)
          if (bad) return bad
        }
        return undefined
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return issue("only plain objects are maps")
      for (const item of Object.values(value as object)) {
        const bad = check(item, depth + 1)
        if (bad) return bad
      }
      return undefined
    }
    default:
      return issue(`${typeof value} has no encoding`)
  }
}

/** Canonical bytes of a value. Throws a `TypeError` when the value is outside the model. */
export const encode = (value: Value): Uint8Array => {
  const bad = check(value)
  if (bad) throw new TypeError(`cannot encode: ${bad.message}`)
  return cborEncode(value, rfc8949EncodeOptions)
}

/** Canonical bytes of a value already known to be in the model (skips the check). */
export const encodeTrusted = (value: Value): Uint8Array => cborEncode(value, rfc8949EncodeOptions)

/** Result of a strict decode. */
export type Decoded = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly issue: CborIssue }

/** Strictly decode canonical bytes; never throws. */
export const decode = (bytes: Uint8Array): Decoded => {
  let value: unknown
  try {
    value = cborDecode(bytes, decodeOptions)
  } catch (e) {
    return { ok: false, issue: issue(e instanceof Error ? e.message : String(e)) }
  }
  const bad = check(value)
  if (bad) return { ok: false, issue: bad }
  let again: Uint8Array
  try {
    again = cborEncode(value, rfc8949EncodeOptions)
  } catch (e) {
    return { ok: false, issue: issue(e instanceof Error ? e.message : String(e)) }
  }
  if (!equals(again, bytes)) return { ok: false, issue: issue("bytes are not in canonical form") }
  return { ok: true, value: value as Value }
}
