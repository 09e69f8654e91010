/**
 * The one reader of the event wire format's fixed shapes (`docs/protocol.md` §3.1): the
 * envelope `[header, signature, body]` or `[header, signature, body, payload]` and the
 * header of version 1 (11 fields) or version 2 (13 fields). It finds where every field
 * is, without copying or decoding anything, into one {@link Envelope} object the caller
 * reuses from call to call.
 *
 * It accepts only the exact canonical encodings of those shapes (every head in its
 * shortest form, ASCII names, a version 2 header for a payload) and answers `false` for
 * anything else, so the strict generic decoder, which names what is wrong, decides every
 * other input: it never accepts bytes the generic decoder would refuse. It does not judge
 * the fields' rules (sequence numbers from 1, sorted parents, limits): `Event.decode` does.
 *
 * Every reader of event bytes uses it: `Event.decode` (its fast path), the log reading
 * records back from storage, the log finding the events of an equivocation proof, and the
 * sync hub sorting `core` events first.
 */

/** Where the parts of one event are, as offsets into the bytes last read (valid until the next {@link read}). */
export interface Envelope {
  /** Header version: 1 or 2. */
  version: number
  headerStart: number
  headerEnd: number
  /** Offset of the 64-byte signature. */
  signature: number
  bodyStart: number
  bodyEnd: number
  /** Offset of the payload item (its head), or -1 when the event carries no payload. */
  payloadItem: number
  payloadStart: number
  payloadEnd: number
  /** Offset of the 32-byte community id, or -1 for `null`. */
  community: number
  /** Offset of the 32-byte author key. */
  author: number
  seq: number
  /** Offset of the 32-byte prev id, or -1 for `null`. */
  prev: number
  /** Offsets of the 32-byte parent ids (the first `parentCount` entries). */
  readonly parents: Array<number>
  parentCount: number
  time: number
  moduleStart: number
  moduleEnd: number
  typeStart: number
  typeEnd: number
  /** Offset of the 32-byte body hash. */
  bodyHash: number
  bodySize: number
  /** Offset of the 32-byte payload hash (version 2), or -1. */
  payloadHash: number
  /** The size the header commits the payload to (version 2), or 0. */
  payloadSize: number
}

/** A fresh {@link Envelope} to read into. */
export const makeEnvelope = (): Envelope => ({
  version: 0,
  headerStart: 0,
  headerEnd: 0,
  signature: 0,
  bodyStart: 0,
  bodyEnd: 0,
  payloadItem: -1,
  payloadStart: 0,
  payloadEnd: 0,
  community: -1,
  author: 0,
  seq: 0,
  prev: -1,
  parents: [],
  parentCount: 0,
  time: 0,
  moduleStart: 0,
  moduleEnd: 0,
  typeStart: 0,
  typeEnd: 0,
  bodyHash: 0,
  bodySize: 0,
  payloadHash: -1,
  payloadSize: 0
})

/** Most parents the reader takes (the rule allows 32; more goes to the generic decoder, which names the rule). */
const MAX_PARENTS = 64

/** Reading position in the bytes being read (one reader runs at a time: it is synchronous). */
let at = 0

/** The argument of a canonical head of major type `major` at {@link at} (advancing past it), or -1. */
const head = (b: Uint8Array, major: number): number => {
  if (at >= b.length) return -1
  const ib = b[at]!
  if (ib >> 5 !== major) return -1
  const info = ib & 31
  at++
  if (info < 24) return info
  if (info === 24) {
    if (at + 1 > b.length) return -1
    const v = b[at++]!
    return v >= 24 ? v : -1
  }
  if (info === 25) {
    if (at + 2 > b.length) return -1
    const v = (b[at]! << 8) | b[at + 1]!
    at += 2
    return v >= 0x100 ? v : -1
  }
  if (info === 26) {
    if (at + 4 > b.length) return -1
    const v = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    at += 4
    return v >= 0x1_0000 ? v : -1
  }
  if (info === 27) {
    if (at + 8 > b.length) return -1
    const hi = b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    const lo = b[at + 4]! * 0x100_0000 + ((b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!)
    at += 8
    const v = hi * 0x1_0000_0000 + lo
    return hi > 0 && v <= Number.MAX_SAFE_INTEGER ? v : -1
  }
  return -1
}

/** A byte string at {@link at}: the offset of its content (advancing past it), or -1. */
const bytes = (b: Uint8Array): number => {
  const n = head(b, 2)
  if (n < 0 || at + n > b.length) return -1
  at += n
  return at - n
}

/** A 32-byte byte string at {@link at}: its offset, or -1. */
const id32 = (b: Uint8Array): number => {
  if (at + 34 > b.length || b[at] !== 0x58 || b[at + 1] !== 0x20) return -1
  at += 34
  return at - 32
}

/** An ASCII text at {@link at}: the offset of its content (advancing past it), or -1 (names are ASCII by rule; others go to the generic decoder). */
const ascii = (b: Uint8Array): number => {
  const n = head(b, 3)
  if (n < 0 || at + n > b.length) return -1
  for (let k = at; k < at + n; k++) if (b[k]! >= 0x80) return -1
  at += n
  return at - n
}

/**
 * Read event bytes `b` into `e`: `true` when they are the canonical encoding of an
 * envelope of three items (version 1 or 2) or four items (version 2, the fourth its
 * payload) whose header has the fields of its version in their canonical form; `false`
 * for anything else (`e` is then partly overwritten).
 */
export const read = (b: Uint8Array, e: Envelope): boolean => {
  const items = b[0]
  if (items !== 0x83 && items !== 0x84) return false
  at = 1
  const headerStart = bytes(b)
  if (headerStart < 0) return false
  const headerEnd = at
  if (b[at] !== 0x58 || b[at + 1] !== 0x40 || at + 66 > b.length) return false
  e.signature = at + 2
  at += 66
  const bodyStart = bytes(b)
  if (bodyStart < 0) return false
  e.bodyStart = bodyStart
  e.bodyEnd = at
  if (items === 0x84) {
    e.payloadItem = at
    const payloadStart = bytes(b)
    if (payloadStart < 0) return false
    e.payloadStart = payloadStart
    e.payloadEnd = at
  } else {
    e.payloadItem = -1
    e.payloadStart = e.payloadEnd = at
  }
  if (at !== b.length) return false
  e.headerStart = headerStart
  e.headerEnd = headerEnd
  at = headerStart
  const fields = b[at++]
  const version = b[at++]
  if (fields === 0x8b && version === 0x01) {
    if (items === 0x84) return false
    e.version = 1
  } else if (fields === 0x8d && version === 0x02) e.version = 2
  else return false
  if (b[at] === 0xf6) {
    e.community = -1
    at++
  } else if ((e.community = id32(b)) < 0) return false
  if ((e.author = id32(b)) < 0) return false
  if ((e.seq = head(b, 0)) < 0) return false
  if (b[at] === 0xf6) {
    e.prev = -1
    at++
  } else if ((e.prev = id32(b)) < 0) return false
  const count = head(b, 4)
  if (count < 0 || count > MAX_PARENTS) return false
  for (let k = 0; k < count; k++) {
    const p = id32(b)
    if (p < 0) return false
    e.parents[k] = p
  }
  e.parentCount = count
  if ((e.time = head(b, 0)) < 0) return false
  if ((e.moduleStart = ascii(b)) < 0) return false
  e.moduleEnd = at
  if ((e.typeStart = ascii(b)) < 0) return false
  e.typeEnd = at
  if ((e.bodyHash = id32(b)) < 0) return false
  if ((e.bodySize = head(b, 0)) < 0) return false
  if (e.version === 2) {
    if ((e.payloadHash = id32(b)) < 0) return false
    if ((e.payloadSize = head(b, 0)) < 0) return false
  } else {
    e.payloadHash = -1
    e.payloadSize = 0
  }
  return at === headerEnd
}

/** Whether the text at `b[start … end]` is `name` (ASCII). */
export const textIs = (b: Uint8Array, start: number, end: number, name: Uint8Array): boolean => {
  if (end - start !== name.length) return false
  for (let k = 0; k < name.length; k++) if (b[start + k] !== name[k]) return false
  return true
}

/**
 * The bytes a replica stores of the canonical event `b` whose payload item starts at
 * `payloadItem` ({@link Envelope.payloadItem}): the event without it, an envelope of three
 * items (a copy).
 */
export const withoutPayload = (b: Uint8Array, payloadItem: number): Uint8Array => {
  const out = new Uint8Array(payloadItem)
  out.set(b.subarray(0, payloadItem))
  out[0] = 0x83
  return out
}

/** The canonical head of a byte string of `n` bytes. */
const bytesHead = (n: number): Uint8Array =>
  n < 24
    ? Uint8Array.of(0x40 | n)
    : n < 0x100
      ? Uint8Array.of(0x58, n)
      : n < 0x1_0000
        ? Uint8Array.of(0x59, n >>> 8, n & 255)
        : Uint8Array.of(0x5a, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)

/**
 * The wire bytes of a stored event (an envelope of three items, canonical) carrying
 * `payload` as its fourth item.
 */
export const withPayload = (stored: Uint8Array, payload: Uint8Array): Uint8Array => {
  const h = bytesHead(payload.length)
  const out = new Uint8Array(stored.length + h.length + payload.length)
  out.set(stored)
  out[0] = 0x84
  out.set(h, stored.length)
  out.set(payload, stored.length + h.length)
  return out
}
