/**
 * Small byte helpers shared by every part of the SDK.
 *
 * @module
 */
import { hexToBytes } from "@noble/hashes/utils.js"
import { hexFromCodes } from "./internal/hex.ts"

type NodeBufferClass = { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: "hex"): string } }

/** Node's `Buffer` (its hex encoder is native), reached without an import; `undefined` elsewhere. */
const NodeBuffer: NodeBufferClass | undefined = (() => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const buffer = getBuiltin("node:buffer") as { Buffer?: NodeBufferClass } | undefined
  return typeof buffer?.Buffer?.from === "function" ? buffer.Buffer : undefined
})()

/**
 * Lower-case hex of some bytes. The result is a flat string made in one step (a string
 * built by concatenation is a rope that every map lookup must first flatten, and ids are
 * map keys everywhere): Node's native encoder where there is one, character codes elsewhere.
 */
export const toHex: (bytes: Uint8Array) => string = NodeBuffer
  ? (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")
  : hexFromCodes

/** Bytes of a hex string; `undefined` when the text is not even-length hex. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined
  return hexToBytes(hex)
}

/**
 * A 32-byte value (an identity, a device key, an event id) from hex or from its bytes, for
 * the builders of event bodies; throws a `RangeError` naming `what` when it is neither 64 hex
 * digits nor 32 bytes.
 *
 * ```ts
 * import { Bytes } from "@affinity/core/module"
 *
 * console.log(Bytes.ref32("ab".repeat(32), "member").length) // 32
 * ```
 */
export const ref32 = (ref: string | Uint8Array, what: string): Uint8Array => {
  if (ref instanceof Uint8Array) {
    if (ref.length !== 32) throw new RangeError(`${what} must be 32 bytes`)
    return ref
  }
  const b = fromHex(ref)
  if (b === undefined || b.length !== 32) throw new RangeError(`${what} must be 64 hex characters`)
  return b
}

/** Lexicographic comparison of two byte strings (negative, zero or positive). */
export const compare = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** Whether two byte strings are equal. */
export const equals = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && compare(a, b) === 0

/** Concatenation of byte strings. */
export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const BASE64URL_INDEX = new Map([...BASE64URL].map((c, i) => [c, i]))

/**
 * Base64url text of some bytes, without padding (RFC 4648 §5): the form of codes that
 * people copy and paste, such as invitations.
 *
 * @example
 * ```ts
 * import { Bytes } from "@affinity/core"
 *
 * console.log(Bytes.toBase64url(Uint8Array.of(0xfb, 0xff))) // "-_8"
 * ```
 */
export const toBase64url = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2
    for (let k = 0; k < chars; k++) out += BASE64URL[(n >> (18 - 6 * k)) & 63]
  }
  return out
}

/**
 * Bytes of base64url text without padding; `undefined` when the text is not exactly that:
 * a character outside the alphabet, padding, a length no byte string has, or leftover bits
 * that are not zero (so each byte string has exactly one text). Never throws.
 *
 * @example
 * ```ts
 * import { Bytes } from "@affinity/core"
 *
 * console.log(Bytes.fromBase64url("-_8")) // Uint8Array(2) [ 251, 255 ]
 * console.log(Bytes.fromBase64url("-_9")) // undefined
 * ```
 */
export const fromBase64url = (text: string): Uint8Array | undefined => {
  if (text.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let value = 0
  let at = 0
  for (const c of text) {
    const v = BASE64URL_INDEX.get(c)
    if (v === undefined) return undefined
    value = ((value << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[at++] = (value >> bits) & 255
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) return undefined
  return out
}
