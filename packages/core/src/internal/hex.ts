/** Hex encoding for runtimes without a native one (see `Bytes.toHex`). */

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

/** Character codes of the hex of 32 bytes (ids and keys, the common case), reused. */
const codes32: Array<number> = new Array<number>(64).fill(0)

/** Hex from character codes, for runtimes without `Buffer`. */
export const hexFromCodes = (bytes: Uint8Array): string => {
  if (bytes.length === 32) {
    // A plain array of numbers passes to `fromCharCode` about twice as fast as a typed array.
    for (let i = 0; i < 32; i++) {
      const b = bytes[i]! << 1
      codes32[i << 1] = HEX_CODES[b]!
      codes32[(i << 1) + 1] = HEX_CODES[b + 1]!
    }
    return String.fromCharCode.apply(null, codes32)
  }
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
