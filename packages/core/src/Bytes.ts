/**
 * Small byte helpers shared by every part of the SDK.
 *
 * @module
 */
import { hexToBytes } from "@noble/hashes/utils.js"

/** UTF-16 codes of the two hex digits of each byte value. */
const HEX_CODES = (() => {
  const digits = "0123456789abcdef"
  const codes = new Uint16Array(512)
  for (let b = 0; b < 256; b++) {
    codes[2 * b] = digits.charCodeAt(b >> 4)
    codes[2 * b + 1] = digits.charCodeAt(b & 15)
  }
  return codes
})()

/** Bytes converted per `String.fromCharCode` call (its arguments are bounded). */
const HEX_CHUNK = 4096
const hexScratch = new Uint16Array(2 * HEX_CHUNK)

/**
 * Lower-case hex of some bytes. Built in one step from character codes, so the result is
 * a flat string (a string built by concatenation is a rope that every map lookup would
 * first have to flatten; ids are map keys everywhere).
 */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (let start = 0; start < bytes.length; start += HEX_CHUNK) {
    const end = Math.min(bytes.length, start + HEX_CHUNK)
    for (let i = start; i < end; i++) {
      const b = bytes[i]! << 1
      hexScratch[(i - start) << 1] = HEX_CODES[b]!
      hexScratch[((i - start) << 1) + 1] = HEX_CODES[b + 1]!
    }
    const part = String.fromCharCode.apply(null, hexScratch.subarray(0, (end - start) << 1) as unknown as Array<number>)
    out = start === 0 ? part : out + part
  }
  return out
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
