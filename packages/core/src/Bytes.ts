/**
 * Small byte helpers shared by every part of the SDK.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0))
const hexScratch: Array<number> = []

/**
 * Lower-case hex of some bytes. Short inputs (ids, keys) are built as one flat string from
 * character codes: several times faster to make and to use as a map key than a string
 * concatenated pair by pair.
 */
export const toHex = (bytes: Uint8Array): string => {
  const n = bytes.length
  if (n > 256) return bytesToHex(bytes)
  const codes = hexScratch
  codes.length = 2 * n
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!
    codes[2 * i] = HEX_CODES[b >> 4]!
    codes[2 * i + 1] = HEX_CODES[b & 15]!
  }
  return String.fromCharCode.apply(null, codes)
}

/** Bytes of a hex string; `undefined` when the text is not even-length hex. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined
  return hexToBytes(hex)
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
