/**
 * SHA-256 over large inputs fed to `@noble/hashes` in slices, with a turn of the event loop
 * between them: for hosts without a native streaming hash (browsers), where one call over
 * megabytes would hold up the page. See `Hash.sha256Async` and `Hash.sha256Framed`.
 *
 * @module
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js"
import { yieldToHost } from "./yieldToHost.ts"

/** Bytes hashed between two turns of the event loop. */
export const SLICE_BYTES = 256 * 1024

/** SHA-256 of `bytes`, {@link SLICE_BYTES} at a time. */
export const sha256InSlices = async (bytes: Uint8Array): Promise<Uint8Array> => {
  const hasher = nobleSha256.create()
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    if (at > 0) await yieldToHost()
    hasher.update(bytes.subarray(at, Math.min(bytes.length, at + SLICE_BYTES)))
  }
  return hasher.digest()
}

/** `Hash.sha256Framed` of `parts[0 … count)`, about {@link SLICE_BYTES} at a time (a larger part alone). */
export const framedInSlices = async (parts: ReadonlyArray<Uint8Array>, count: number): Promise<Uint8Array> => {
  const hasher = nobleSha256.create()
  const chunk = new Uint8Array(SLICE_BYTES)
  let from = 0
  while (from < count) {
    if (from > 0) await yieldToHost()
    let to = from
    let bytes = 0
    while (to < count && (to === from || bytes + 4 + parts[to]!.length <= SLICE_BYTES)) bytes += 4 + parts[to++]!.length
    feed((b) => hasher.update(b), chunk, parts, from, to)
    from = to
  }
  return hasher.digest()
}

/**
 * Hand `u32be(len(p)) || p` for each of `parts[from … to)` to `update`, gathered in `chunk`
 * so that a streaming hash sees a few large inputs rather than many small ones.
 */
export const feed = (update: (bytes: Uint8Array) => void, chunk: Uint8Array, parts: ReadonlyArray<Uint8Array>, from: number, to: number): void => {
  let at = 0
  for (let k = from; k < to; k++) {
    const p = parts[k]!
    if (at + 4 + p.length > chunk.length) {
      if (at > 0) update(chunk.subarray(0, at))
      at = 0
      if (4 + p.length > chunk.length) {
        update(Uint8Array.of(p.length >>> 24, (p.length >>> 16) & 255, (p.length >>> 8) & 255, p.length & 255))
        update(p)
        continue
      }
    }
    at = frame(chunk, at, p)
  }
  if (at > 0) update(chunk.subarray(0, at))
}

/** Write `u32be(len(p)) || p` into `into` at `at`; the offset after it. */
const frame = (into: Uint8Array, at: number, p: Uint8Array): number => {
  const len = p.length
  into[at] = len >>> 24
  into[at + 1] = (len >>> 16) & 255
  into[at + 2] = (len >>> 8) & 255
  into[at + 3] = len & 255
  into.set(p, at + 4)
  return at + 4 + len
}
