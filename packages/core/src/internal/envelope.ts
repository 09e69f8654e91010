/**
 * A fast reader for the two fixed shapes of the wire format: the envelope
 * `[bstr, bstr(64), bstr]` and the 11-field header. It accepts only their exact canonical
 * encodings and answers `undefined` for anything else, so the generic strict decoder
 * (which names the problem) decides every other input. It never accepts bytes the generic
 * decoder would refuse.
 */
import type { Header } from "../Event.ts"

/** Reader position over a byte array. */
interface Cursor {
  readonly b: Uint8Array
  i: number
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER

/** A canonical head of major type `major`: its argument, or -1. */
const head = (c: Cursor, major: number): number => {
  const b = c.b
  if (c.i >= b.length) return -1
  const ib = b[c.i]!
  if (ib >> 5 !== major) return -1
  const info = ib & 31
  c.i++
  if (info < 24) return info
  if (info === 24) {
    if (c.i + 1 > b.length) return -1
    const v = b[c.i]!
    c.i += 1
    return v >= 24 ? v : -1
  }
  if (info === 25) {
    if (c.i + 2 > b.length) return -1
    const v = (b[c.i]! << 8) | b[c.i + 1]!
    c.i += 2
    return v >= 256 ? v : -1
  }
  if (info === 26) {
    if (c.i + 4 > b.length) return -1
    const v = ((b[c.i]! << 24) >>> 0) + (b[c.i + 1]! << 16) + (b[c.i + 2]! << 8) + b[c.i + 3]!
    c.i += 4
    return v >= 65536 ? v : -1
  }
  if (info === 27) {
    if (c.i + 8 > b.length) return -1
    const hi = ((b[c.i]! << 24) >>> 0) + (b[c.i + 1]! << 16) + (b[c.i + 2]! << 8) + b[c.i + 3]!
    const lo = ((b[c.i + 4]! << 24) >>> 0) + (b[c.i + 5]! << 16) + (b[c.i + 6]! << 8) + b[c.i + 7]!
    c.i += 8
    const v = hi * 0x1_0000_0000 + lo
    return hi > 0 && v <= MAX_SAFE ? v : -1
  }
  return -1
}

const bytes = (c: Cursor, size?: number): Uint8Array | undefined => {
  const n = head(c, 2)
  if (n < 0 || (size !== undefined && n !== size) || c.i + n > c.b.length) return undefined
  // A view made with the constructor: cheaper than `subarray`, which looks up a species.
  const out = new Uint8Array(c.b.buffer, c.b.byteOffset + c.i, n)
  c.i += n
  return out
}

const bytesOrNull = (c: Cursor, size: number): Uint8Array | null | undefined => {
  if (c.b[c.i] === 0xf6) {
    c.i++
    return null
  }
  return bytes(c, size)
}

/** ASCII text (the header's names are ASCII by rule; anything else goes to the generic decoder). */
const ascii = (c: Cursor): string | undefined => {
  const n = head(c, 3)
  if (n < 0 || c.i + n > c.b.length) return undefined
  let s = ""
  for (let k = 0; k < n; k++) {
    const ch = c.b[c.i + k]!
    if (ch >= 0x80) return undefined
    s += String.fromCharCode(ch)
  }
  c.i += n
  return s
}

/** The three byte strings of a canonical envelope, or `undefined`. */
export const readEnvelope = (
  b: Uint8Array
): { readonly header: Uint8Array; readonly signature: Uint8Array; readonly body: Uint8Array } | undefined => {
  if (b[0] !== 0x83) return undefined
  const c: Cursor = { b, i: 1 }
  const header = bytes(c)
  const signature = header && bytes(c, 64)
  const body = signature && bytes(c)
  return body && c.i === b.length ? { header: header!, signature: signature!, body } : undefined
}

/** The fields of a canonical version-1 header (as the event's `Header`), or `undefined`. */
export const readHeader = (b: Uint8Array): Header | undefined => {
  if (b[0] !== 0x8b) return undefined
  const c: Cursor = { b, i: 1 }
  const version = head(c, 0)
  if (version !== 1) return undefined
  const community = bytesOrNull(c, 32)
  if (community === undefined) return undefined
  const author = bytes(c, 32)
  if (!author) return undefined
  const seq = head(c, 0)
  if (seq < 0) return undefined
  const prev = bytesOrNull(c, 32)
  if (prev === undefined) return undefined
  const count = head(c, 4)
  if (count < 0 || count > 64) return undefined
  const parents: Array<Uint8Array> = []
  for (let k = 0; k < count; k++) {
    const p = bytes(c, 32)
    if (!p) return undefined
    parents.push(p)
  }
  const time = head(c, 0)
  if (time < 0) return undefined
  const module = ascii(c)
  const type = module === undefined ? undefined : ascii(c)
  if (type === undefined) return undefined
  const bodyHash = bytes(c, 32)
  if (!bodyHash) return undefined
  const bodySize = head(c, 0)
  if (bodySize < 0 || c.i !== b.length) return undefined
  // Same fields in the same order as `Event.ts` builds a header: one object shape for both.
  return { version, community, author, seq, prev, parents, time, module: module!, type, bodyHash, bodySize }
}
