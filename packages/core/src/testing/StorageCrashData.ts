/**
 * The deterministic content of the `Storage` crash test ({@link runStorageCrashTest}'s
 * batches and values), shared by the test and the child process it kills: each side
 * derives the same bytes from a number, so the test recognises what the child wrote.
 *
 * @module
 */

/** Batches from this number on are large: writing one takes long enough to be cut by a kill. */
export const LARGE = 1_000_000

/** The records of batch `i`: 1 to 6 records, some of them large, all derived from `i`. */
export const batchRecords = (i: number): Array<Uint8Array> => {
  const count = i >= LARGE ? 2 : 1 + (i % 6)
  return Array.from({ length: count }, (_, j) => {
    const size =
      i >= LARGE
        ? j === 0
          ? 6 * 1024 * 1024 + (i % 1000)
          : 100
        : (i * 7 + j * 13) % 11 === 0
          ? 256 * 1024 + ((i * 31 + j) % 1000)
          : 16 + ((i * 131 + j * 17) % 3000)
    const out = new Uint8Array(size)
    let x = (i * 2654435761 + j * 40503 + 1) >>> 0 || 1
    for (let k = 0; k < size; k++) {
      x ^= x << 13
      x >>>= 0
      x ^= x >>> 17
      x ^= x << 5
      x >>>= 0
      out[k] = x & 0xff
    }
    // The first bytes name the batch and the record, to find them back.
    new DataView(out.buffer).setUint32(0, i)
    new DataView(out.buffer).setUint32(4, j)
    new DataView(out.buffer).setUint32(8, count)
    return out
  })
}

/** The value stored under "head" after batch `i`: long enough that a torn write would show. */
export const valueBytes = (i: number): Uint8Array => {
  const out = new Uint8Array(64 * 1024)
  out.fill(i & 0xff)
  new DataView(out.buffer).setUint32(0, i)
  return out
}

/** Which value `bytes` is, or `undefined` when it is none of them (torn or mixed). */
export const valueIndex = (bytes: Uint8Array): number | undefined => {
  if (bytes.length !== 64 * 1024) return undefined
  const i = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  const expected = valueBytes(i)
  for (let k = 0; k < bytes.length; k++) if (bytes[k] !== expected[k]) return undefined
  return i
}

/** Whether two byte arrays are equal. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false
  return true
}
