/** Base64url without padding (RFC 4648 §5), for codes and links. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]))

/** Base64url text of bytes, without padding. */
export const encode = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63]
  }
  return out
}

/** Bytes of base64url text (no padding), or `undefined` when it is not exactly that. */
export const decode = (text: string): Uint8Array | undefined => {
  if (text.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let value = 0
  let at = 0
  for (const c of text) {
    const v = INDEX.get(c)
    if (v === undefined) return undefined
    value = (value << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[at++] = (value >> bits) & 255
    }
  }
  // Leftover bits must be zero, so each byte string has exactly one text.
  if ((value & ((1 << bits) - 1)) !== 0) return undefined
  return out
}
