/**
 * Canonical CBOR: the only encoding Affinity hashes, signs or stores.
 *
 * The value model is a strict subset of CBOR (RFC 8949): unsigned and negative integers
 * within ±(2^53 − 1), byte strings, UTF-8 text strings, arrays, maps with text keys,
 * `true`, `false` and `null`. No floats, tags, `undefined` or indefinite lengths.
 * Encoding follows RFC 8949 §4.2.1 (core deterministic encoding): shortest heads, map
 * keys sorted by their encoded bytes. Decoding is strict: bytes are accepted only if they
 * decode within the model and re-encode to exactly the same bytes. The decoder checks that
 * as it reads (every head in its shortest form, map keys in ascending order of their
 * encodings, UTF-8 that round-trips) rather than by encoding the value again.
 *
 * @module
 */
import { encode as cborEncode, rfc8949EncodeOptions } from "cborg"

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

// --- the strict decoder ------------------------------------------------------------------------
//
// One pass over the bytes, in the model only: unsigned and negative integers (majors 0 and 1)
// within ±(2^53 − 1), byte strings (2), UTF-8 text (3), arrays (4), maps with text keys (5),
// false, true and null (0xf4, 0xf5, 0xf6). Every head must be in its shortest form, map keys
// strictly ascending in the bytewise order of their encodings (which also refuses
// duplicates), and text must be UTF-8 that decodes and encodes back to the same bytes. These
// are exactly the bytes that decode within the model and re-encode to themselves.

/** Why the bytes are refused (thrown inside the decoder, caught by {@link decode}). */
class Refused extends Error {}

const refuse = (message: string): never => {
  throw new Refused(message)
}

const EMPTY = new Uint8Array(0)
let src: Uint8Array = EMPTY
let pos = 0

/** Fatal: ill-formed UTF-8 throws. A leading U+FEFF is a character like any other, not a byte-order mark to drop. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/** The argument of a head whose additional information is `info`, in its shortest form. */
const argument = (info: number): number => {
  if (info < 24) return info
  const b = src
  const at = pos
  if (info === 24) {
    if (at + 1 > b.length) refuse("truncated head")
    pos = at + 1
    const v = b[at]!
    if (v < 24) refuse("a head is not in its shortest form")
    return v
  }
  if (info === 25) {
    if (at + 2 > b.length) refuse("truncated head")
    pos = at + 2
    const v = (b[at]! << 8) | b[at + 1]!
    if (v < 0x100) refuse("a head is not in its shortest form")
    return v
  }
  if (info === 26) {
    if (at + 4 > b.length) refuse("truncated head")
    pos = at + 4
    const v = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    if (v < 0x1_0000) refuse("a head is not in its shortest form")
    return v
  }
  if (info === 27) {
    if (at + 8 > b.length) refuse("truncated head")
    pos = at + 8
    const hi = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    const lo = b[at + 4]! * 0x100_0000 + ((b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!)
    if (hi === 0) refuse("a head is not in its shortest form")
    if (hi >= 0x20_0000) refuse("an integer or length beyond 2^53 - 1")
    return hi * 0x1_0000_0000 + lo
  }
  return refuse(info === 31 ? "indefinite lengths are not allowed" : `reserved additional information ${info}`)
}

/** `n` bytes from `pos` must be there. */
const need = (n: number): void => {
  if (n > src.length - pos) refuse("the input ends inside a value")
}

/** Text of the `n` bytes at `pos`. */
const text = (n: number): string => {
  need(n)
  const b = src
  const start = pos
  const end = (pos = start + n)
  if (n < 16) {
    let s = ""
    for (let i = start; i < end; i++) {
      const c = b[i]!
      if (c >= 0x80) return utf8Text(start, end)
      s += String.fromCharCode(c)
    }
    return s
  }
  return utf8Text(start, end)
}

const utf8Text = (start: number, end: number): string => {
  try {
    return utf8.decode(src.subarray(start, end))
  } catch {
    return refuse("text is not well-formed UTF-8")
  }
}

/** One value at `pos`, at nesting `depth`. */
const item = (depth: number): Value => {
  if (depth > MAX_DEPTH) refuse(`nesting deeper than ${MAX_DEPTH}`)
  if (pos >= src.length) refuse("the input ends before a value")
  const initial = src[pos++]!
  const info = initial & 31
  switch (initial >> 5) {
    case 0:
      return argument(info)
    case 1: {
      const n = argument(info)
      if (n === Number.MAX_SAFE_INTEGER) refuse("an integer below -(2^53 - 1)")
      return -1 - n
    }
    case 2: {
      const n = argument(info)
      need(n)
      pos += n
      return src.slice(pos - n, pos)
    }
    case 3:
      return text(argument(info))
    case 4: {
      const n = argument(info)
      need(n)
      const out: Array<Value> = []
      for (let k = 0; k < n; k++) out.push(item(depth + 1))
      return out
    }
    case 5: {
      const n = argument(info)
      need(2 * n)
      const out: { [key: string]: Value } = {}
      let lastStart = -1
      let lastEnd = -1
      for (let k = 0; k < n; k++) {
        const start = pos
        if (start >= src.length) refuse("the input ends before a map key")
        const head = src[pos++]!
        if (head >> 5 !== 3) refuse("map keys must be text")
        const key = text(argument(head & 31))
        if (lastStart >= 0 && !ascending(lastStart, lastEnd, start, pos)) refuse("map keys are not in ascending order of their encodings, or repeat")
        lastStart = start
        lastEnd = pos
        const value = item(depth + 1)
        if (key === "__proto__") Object.defineProperty(out, key, { value, configurable: true, enumerable: true, writable: true })
        else out[key] = value
      }
      return out
    }
    case 6:
      return refuse("tags are not allowed")
    default:
      if (initial === 0xf4) return false
      if (initial === 0xf5) return true
      if (initial === 0xf6) return null
      return refuse(info >= 25 && info <= 27 ? "floats are not allowed" : "simple values other than false, true and null are not allowed")
  }
}

/** Whether the encoded key at `[b0, b1)` sorts strictly after the one at `[a0, a1)` (bytewise). */
const ascending = (a0: number, a1: number, b0: number, b1: number): boolean => {
  const b = src
  const n = Math.min(a1 - a0, b1 - b0)
  for (let k = 0; k < n; k++) {
    const d = b[b0 + k]! - b[a0 + k]!
    if (d !== 0) return d > 0
  }
  return b1 - b0 > a1 - a0
}

/** Strictly decode canonical bytes; never throws. */
export const decode = (bytes: Uint8Array): Decoded => {
  try {
    // A subclass (Node's Buffer) or another realm's array: read a plain view of its bytes.
    src = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    pos = 0
    const value = item(0)
    if (pos !== src.length) return { ok: false, issue: issue(`${src.length - pos} bytes after the value`) }
    return { ok: true, value }
  } catch (e) {
    return { ok: false, issue: issue(e instanceof Error ? e.message : String(e)) }
  } finally {
    src = EMPTY
  }
}
