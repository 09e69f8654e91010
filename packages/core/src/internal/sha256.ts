/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, for runtimes without a synchronous native
 * hash (browsers). The protocol hashes many small inputs (event headers, bodies, ids):
 * this version allocates nothing per call but its 32-byte result, reads the input in
 * place, and keeps its message schedule in one reused array, which makes it several
 * times faster than a general streaming hasher on inputs of a few hundred bytes.
 *
 * Tested against `@noble/hashes` and `node:crypto` on the FIPS examples and on random
 * inputs of every length around the block boundaries (`test/sha256.test.ts`).
 */

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
)

/** The message schedule, reused by every call. */
const W = new Int32Array(64)
/** The working state, reused by every call. */
const H = new Int32Array(8)
/** The last one or two blocks: the input's tail, the padding and the length. */
const tail = new Uint8Array(128)

/** Compress the 64-byte blocks of `p[from … from + 64·blocks)` into `H`. */
const compress = (p: Uint8Array, from: number, blocks: number): void => {
  let h0 = H[0]!, h1 = H[1]!, h2 = H[2]!, h3 = H[3]!, h4 = H[4]!, h5 = H[5]!, h6 = H[6]!, h7 = H[7]!
  for (let block = 0; block < blocks; block++) {
    let at = from + 64 * block
    for (let i = 0; i < 16; i++, at += 4) W[i] = (p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!
    for (let i = 16; i < 64; i++) {
      const a = W[i - 2]!
      const b = W[i - 15]!
      const s1 = ((a >>> 17) | (a << 15)) ^ ((a >>> 19) | (a << 13)) ^ (a >>> 10)
      const s0 = ((b >>> 7) | (b << 25)) ^ ((b >>> 18) | (b << 14)) ^ (b >>> 3)
      W[i] = (s1 + W[i - 7]! + s0 + W[i - 16]!) | 0
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
    h5 = (h5 + f) | 0
    h6 = (h6 + g) | 0
    h7 = (h7 + h) | 0
  }
  H[0] = h0
  H[1] = h1
  H[2] = h2
  H[3] = h3
  H[4] = h4
  H[5] = h5
  H[6] = h6
  H[7] = h7
}

/** SHA-256 of `bytes` (a new 32-byte array). */
export const sha256 = (bytes: Uint8Array): Uint8Array => {
  H[0] = 0x6a09e667
  H[1] = 0xbb67ae85
  H[2] = 0x3c6ef372
  H[3] = 0xa54ff53a
  H[4] = 0x510e527f
  H[5] = 0x9b05688c
  H[6] = 0x1f83d9ab
  H[7] = 0x5be0cd19
  const length = bytes.length
  const whole = length >>> 6
  compress(bytes, 0, whole)
  // The tail, then 0x80, zeros, and the length in bits (big-endian, 64 bits).
  const rest = length & 63
  const blocks = rest < 56 ? 1 : 2
  const end = 64 * blocks
  tail.fill(0, 0, end)
  tail.set(bytes.subarray(64 * whole), 0)
  tail[rest] = 0x80
  const bitsHigh = Math.floor(length / 0x2000_0000)
  const bitsLow = (length << 3) >>> 0
  tail[end - 8] = bitsHigh >>> 24
  tail[end - 7] = bitsHigh >>> 16
  tail[end - 6] = bitsHigh >>> 8
  tail[end - 5] = bitsHigh
  tail[end - 4] = bitsLow >>> 24
  tail[end - 3] = bitsLow >>> 16
  tail[end - 2] = bitsLow >>> 8
  tail[end - 1] = bitsLow
  compress(tail, 0, blocks)
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const v = H[i]!
    out[4 * i] = v >>> 24
    out[4 * i + 1] = v >>> 16
    out[4 * i + 2] = v >>> 8
    out[4 * i + 3] = v
  }
  return out
}
