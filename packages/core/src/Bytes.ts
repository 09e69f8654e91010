/**
 * Small byte helpers shared by every part of the SDK.
 *
 * @module
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"

/** Lower-case hex of some bytes. */
export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes)

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
