/**
 * A scanner for events read back from storage: the offsets of the header fields of a
 * canonical version-1 event, found without copying or decoding anything, into one object
 * reused from call to call. Storage holds only events that were decoded strictly before
 * they were stored; anything this scanner does not expect makes it answer `false`, and
 * the caller takes the full decoding path instead.
 */

/** Offsets into the scanned bytes (valid until the next {@link scan}). */
export interface Scan {
  headerStart: number
  headerEnd: number
  /** Offset of the 32-byte community id. */
  community: number
  /** Offset of the 32-byte author key. */
  author: number
  seq: number
  /** Offset of the 32-byte prev id, or -1. */
  prev: number
  /** Offsets of the 32-byte parent ids (first `parentCount` entries). */
  readonly parents: Array<number>
  parentCount: number
  time: number
  moduleStart: number
  moduleEnd: number
  typeStart: number
  typeEnd: number
}

export const makeScan = (): Scan => ({
  headerStart: 0,
  headerEnd: 0,
  community: 0,
  author: 0,
  seq: 0,
  prev: -1,
  parents: [],
  parentCount: 0,
  time: 0,
  moduleStart: 0,
  moduleEnd: 0,
  typeStart: 0,
  typeEnd: 0
})

let at = 0

/** The argument of a head of major type `major` at `at` (advancing past it), or -1. */
const head = (b: Uint8Array, major: number): number => {
  if (at >= b.length) return -1
  const ib = b[at]!
  if (ib >> 5 !== major) return -1
  const info = ib & 31
  at++
  if (info < 24) return info
  if (info === 24) return at + 1 <= b.length ? b[at++]! : -1
  if (info === 25) {
    if (at + 2 > b.length) return -1
    const v = (b[at]! << 8) | b[at + 1]!
    at += 2
    return v
  }
  if (info === 26) {
    if (at + 4 > b.length) return -1
    const v = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    at += 4
    return v
  }
  if (info === 27) {
    if (at + 8 > b.length) return -1
    const hi = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    const lo = b[at + 4]! * 0x100_0000 + ((b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!)
    at += 8
    const v = hi * 0x1_0000_0000 + lo
    return v <= Number.MAX_SAFE_INTEGER ? v : -1
  }
  return -1
}

/** A 32-byte byte string at `at`: its offset, or -1. */
const id32 = (b: Uint8Array): number => {
  if (at + 34 > b.length || b[at] !== 0x58 || b[at + 1] !== 0x20) return -1
  at += 34
  return at - 32
}

/** Fill `s` with the offsets of event bytes `b`; `false` for anything unexpected. */
export const scan = (b: Uint8Array, s: Scan): boolean => {
  if (b[0] !== 0x83) return false
  at = 1
  const headerLength = head(b, 2)
  if (headerLength < 0 || at + headerLength > b.length) return false
  const headerStart = at
  const headerEnd = at + headerLength
  at = headerEnd
  if (head(b, 2) !== 64) return false
  at += 64
  const bodyLength = head(b, 2)
  if (bodyLength < 0 || at + bodyLength !== b.length) return false
  s.headerStart = headerStart
  s.headerEnd = headerEnd
  at = headerStart
  if (b[at++] !== 0x8b || b[at++] !== 0x01) return false
  if ((s.community = id32(b)) < 0) return false
  if ((s.author = id32(b)) < 0) return false
  if ((s.seq = head(b, 0)) < 1) return false
  if (b[at] === 0xf6) {
    s.prev = -1
    at++
  } else if ((s.prev = id32(b)) < 0) return false
  const count = head(b, 4)
  if (count < 0 || count > 64) return false
  for (let k = 0; k < count; k++) {
    const p = id32(b)
    if (p < 0) return false
    s.parents[k] = p
  }
  s.parentCount = count
  if ((s.time = head(b, 0)) < 0) return false
  const moduleLength = head(b, 3)
  if (moduleLength < 0) return false
  s.moduleStart = at
  s.moduleEnd = at += moduleLength
  const typeLength = head(b, 3)
  if (typeLength < 0) return false
  s.typeStart = at
  s.typeEnd = at += typeLength
  if (id32(b) < 0 || head(b, 0) !== bodyLength || at !== headerEnd) return false
  return true
}
