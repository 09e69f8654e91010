/**
 * The sync protocol's messages and their wire form (see `docs/protocol.md`, §13).
 *
 * Every frame is one canonical CBOR array whose first item is the message kind:
 *
 * ```text
 * hello     = [0, versions: [uint], nonce: bstr(16), maxFrame: uint, window: uint, ...]
 * bye       = [1, reason: tstr, message: tstr]
 * ack       = [2, seq: uint]
 * open      = [3, community: bstr(32), heads: [bstr(32)] / null, count: uint, reply: bool]
 * unknown   = [4, community: bstr(32), message: tstr]
 * reconcile = [5, community: bstr(32), round: uint, step: uint, ranges: [range]]
 * want      = [6, community: bstr(32), ids: [bstr(32)]]
 * events    = [7, community: bstr(32), seq: uint, events: [bstr]]
 * range     = [bound] / [bound, fingerprint: bstr(16)] / [bound, ids: [bstr(32)]]
 * bound     = null / [depth: uint, prefix: bstr(0..32)]
 * ```
 *
 * Decoding is strict (canonical CBOR, then a schema per kind, then the rules a schema
 * cannot say) and never throws: bytes from a peer either become a {@link Message} or a
 * rejection whose message says what was wrong.
 *
 * @module
 */
import * as v from "valibot"
import * as Cbor from "../Cbor.ts"
import * as Bytes from "../Bytes.ts"
import { issueText } from "../internal/issues.ts"

/** Message kinds, the first item of every frame. */
export const Kind = {
  hello: 0,
  bye: 1,
  ack: 2,
  open: 3,
  unknown: 4,
  reconcile: 5,
  want: 6,
  events: 7
} as const

/** Bounds on what one message may carry (frame size bounds everything else). */
export const MessageLimits = {
  /** Versions listed in a hello. */
  maxVersions: 16,
  /** Heads listed in an open; a replica with more sends `null`. */
  maxHeads: 256,
  /** Ranges in one reconcile message. */
  maxRanges: 4096,
  /** Ids in one want, events in one events message, ids in one range. */
  maxItems: 65_536,
  /** Characters of a bye's reason tag and message, and of an unknown's message. */
  maxReason: 64,
  maxText: 1024
} as const

/** An exclusive upper bound over items sorted by (depth, id); `null` is the end of everything. */
export type Bound = { readonly depth: number; readonly prefix: Uint8Array } | null

/** One range of a reconcile message, from the previous range's bound up to `upper`. */
export type Range =
  | { readonly _tag: "Skip"; readonly upper: Bound }
  | { readonly _tag: "Fingerprint"; readonly upper: Bound; readonly fingerprint: Uint8Array }
  | { readonly _tag: "Ids"; readonly upper: Bound; readonly ids: ReadonlyArray<Uint8Array> }

/** The first frame each side sends: what it speaks and what it accepts. */
export interface Hello {
  readonly _tag: "Hello"
  /** Protocol versions the sender speaks, strictly ascending. */
  readonly versions: ReadonlyArray<number>
  /** 16 random bytes; with the peer's, they derive the session salt and roles. */
  readonly nonce: Uint8Array
  /** Largest frame the sender accepts, in bytes. */
  readonly maxFrame: number
  /** Bytes of `events` frames the sender accepts before it acknowledges them. */
  readonly window: number
}

/** The sender is closing the connection, and why. */
export interface Bye {
  readonly _tag: "Bye"
  readonly reason: string
  readonly message: string
}

/** Every `events` frame up to `seq` has been validated (or was lost); its bytes are free again. */
export interface Ack {
  readonly _tag: "Ack"
  readonly seq: number
}

/** The sender carries `community`; these are its heads (or `null`: too many to list). */
export interface Open {
  readonly _tag: "Open"
  readonly community: Uint8Array
  readonly heads: ReadonlyArray<Uint8Array> | null
  /** Delivered events the sender holds. */
  readonly count: number
  /** Whether the receiver should answer with an open of its own. */
  readonly reply: boolean
}

/** The sender does not carry `community` (and will not learn it from this peer). */
export interface Unknown {
  readonly _tag: "Unknown"
  readonly community: Uint8Array
  readonly message: string
}

/** One step of range-based set reconciliation. An empty `ranges` ends the round. */
export interface Reconcile {
  readonly _tag: "Reconcile"
  readonly community: Uint8Array
  readonly round: number
  readonly step: number
  readonly ranges: ReadonlyArray<Range>
}

/** Please send these events. */
export interface Want {
  readonly _tag: "Want"
  readonly community: Uint8Array
  readonly ids: ReadonlyArray<Uint8Array>
}

/** Event wire bytes, parents before children; `seq` numbers the sender's events frames. */
export interface Events {
  readonly _tag: "Events"
  readonly community: Uint8Array
  readonly seq: number
  readonly events: ReadonlyArray<Uint8Array>
}

/** Any sync message. */
export type Message = Hello | Bye | Ack | Open | Unknown | Reconcile | Want | Events

/** Why a frame is not a message. */
export interface Malformed {
  readonly _tag: "MalformedMessage"
  readonly message: string
}

/** Result of {@link decode}. */
export type Decoded = { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly error: Malformed }

// ---------------------------------------------------------------------------------------
// Encoding

const boundValue = (b: Bound): Cbor.Value => (b === null ? null : [b.depth, b.prefix])

const rangeValue = (r: Range): Cbor.Value =>
  r._tag === "Skip"
    ? [boundValue(r.upper)]
    : r._tag === "Fingerprint"
      ? [boundValue(r.upper), r.fingerprint]
      : [boundValue(r.upper), [...r.ids]]

/** The CBOR value of a message (before encoding). */
export const toValue = (m: Message): Cbor.Value => {
  switch (m._tag) {
    case "Hello":
      return [Kind.hello, [...m.versions], m.nonce, m.maxFrame, m.window]
    case "Bye":
      return [Kind.bye, m.reason, m.message]
    case "Ack":
      return [Kind.ack, m.seq]
    case "Open":
      return [Kind.open, m.community, m.heads === null ? null : [...m.heads], m.count, m.reply]
    case "Unknown":
      return [Kind.unknown, m.community, m.message]
    case "Reconcile":
      return [Kind.reconcile, m.community, m.round, m.step, m.ranges.map(rangeValue)]
    case "Want":
      return [Kind.want, m.community, [...m.ids]]
    case "Events":
      return [Kind.events, m.community, m.seq, [...m.events]]
  }
}

/** Canonical bytes of a message. */
export const encode = (m: Message): Uint8Array => Cbor.encodeTrusted(toValue(m))

/**
 * Bytes of an `events` frame besides the events' own bytes and their byte-string heads
 * (see {@link uintSize}): lets a sender pack frames without encoding twice.
 */
export const eventsOverhead = (seq: number, count: number): number => 1 + 1 + 34 + uintSize(seq) + uintSize(count)

/** Bytes of a CBOR head carrying `n` (major type aside). */
export const uintSize = (n: number): number => (n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 4294967296 ? 5 : 9)

// ---------------------------------------------------------------------------------------
// Decoding

const bytesOf = (n: number, what: string) =>
  v.pipe(v.instance(Uint8Array, `${what} must be a byte string`), v.length(n, `${what} must be ${n} bytes`))
const Id = bytesOf(32, "an id")
const Nat = v.pipe(v.number("expected an integer"), v.safeInteger("expected an integer"), v.minValue(0, "expected an integer from 0"))
const Bytes_ = v.instance(Uint8Array, "expected a byte string")
const Prefix = v.pipe(Bytes_, v.maxLength(32, "a bound's prefix is at most 32 bytes"))
const BoundSchema = v.nullable(v.strictTuple([Nat, Prefix], "a bound is null or [depth, prefix]"))
const RangeSchema = v.union(
  [
    v.strictTuple([BoundSchema]),
    v.strictTuple([BoundSchema, bytesOf(16, "a fingerprint")]),
    v.strictTuple([BoundSchema, v.pipe(v.array(Id), v.maxLength(MessageLimits.maxItems, `at most ${MessageLimits.maxItems} ids`))])
  ],
  "a range is [bound], [bound, fingerprint (16 bytes)] or [bound, ids]"
)
const text = (max: number) => v.pipe(v.string("expected a text"), v.maxLength(max, `at most ${max} characters`))
const list = <T extends v.GenericSchema>(item: T, min: number, max: number, what: string) =>
  v.pipe(
    v.array(item, `expected an array of ${what}`),
    v.minLength(min, `at least ${min} ${what}`),
    v.maxLength(max, `at most ${max} ${what}`)
  )
const frame = <const T extends v.TupleItems>(items: T) => v.strictTuple(items, (i) => `expected ${items.length} items, got ${i.received}`)

const schemas: ReadonlyMap<number, v.GenericSchema> = new Map<number, v.GenericSchema>([
  [Kind.hello, frame([v.literal(Kind.hello), list(v.pipe(Nat, v.minValue(1, "a version is at least 1")), 1, MessageLimits.maxVersions, "versions"), bytesOf(16, "a nonce"), Nat, Nat])],
  [Kind.bye, frame([v.literal(Kind.bye), text(MessageLimits.maxReason), text(MessageLimits.maxText)])],
  [Kind.ack, frame([v.literal(Kind.ack), Nat])],
  [Kind.open, frame([v.literal(Kind.open), Id, v.nullable(list(Id, 0, MessageLimits.maxHeads, "heads")), Nat, v.boolean("expected true or false")])],
  [Kind.unknown, frame([v.literal(Kind.unknown), Id, text(MessageLimits.maxText)])],
  [Kind.reconcile, frame([v.literal(Kind.reconcile), Id, Nat, Nat, list(RangeSchema, 0, MessageLimits.maxRanges, "ranges")])],
  [Kind.want, frame([v.literal(Kind.want), Id, list(Id, 1, MessageLimits.maxItems, "ids")])],
  [Kind.events, frame([v.literal(Kind.events), Id, Nat, list(Bytes_, 1, MessageLimits.maxItems, "events")])]
])

const EARLY = { abortEarly: true } as const

const malformed = (message: string): Decoded => ({ ok: false, error: { _tag: "MalformedMessage", message } })

type RawBound = readonly [number, Uint8Array] | null
const toBound = (b: RawBound): Bound => (b === null ? null : { depth: b[0], prefix: b[1] })

/** Order of two bounds (negative, zero or positive); `null` is above every other bound. */
export const compareBounds = (a: Bound, b: Bound): number => {
  if (a === null) return b === null ? 0 : 1
  if (b === null) return -1
  return a.depth !== b.depth ? a.depth - b.depth : Bytes.compare(a.prefix, b.prefix)
}

/** Strictly decode a frame from a peer. Never throws. */
export const decode = (frame: Uint8Array): Decoded => {
  const cbor = Cbor.decode(frame)
  if (!cbor.ok) return malformed(`the frame is not canonical CBOR: ${cbor.issue.message}`)
  const value = cbor.value
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "number")
    return malformed("a message is an array whose first item is its kind")
  const kind = value[0] as number
  const schema = schemas.get(kind)
  if (!schema) return malformed(`unknown message kind ${kind}`)
  // A hello may carry more items in later versions; version 1 reads the first five.
  const input = kind === Kind.hello && value.length > 5 ? value.slice(0, 5) : value
  const r = v.safeParse(schema, input, EARLY)
  if (!r.success) return malformed(`message kind ${kind}: ${issueText(r.issues)}`)
  const a = r.output as ReadonlyArray<unknown>
  switch (kind) {
    case Kind.hello: {
      const versions = a[1] as ReadonlyArray<number>
      for (let i = 1; i < versions.length; i++)
        if (versions[i]! <= versions[i - 1]!) return malformed("hello: versions must be strictly ascending")
      return {
        ok: true,
        message: { _tag: "Hello", versions, nonce: a[2] as Uint8Array, maxFrame: a[3] as number, window: a[4] as number }
      }
    }
    case Kind.bye:
      return { ok: true, message: { _tag: "Bye", reason: a[1] as string, message: a[2] as string } }
    case Kind.ack:
      return { ok: true, message: { _tag: "Ack", seq: a[1] as number } }
    case Kind.open: {
      const heads = a[2] as ReadonlyArray<Uint8Array> | null
      if (heads) for (let i = 1; i < heads.length; i++)
        if (Bytes.compare(heads[i - 1]!, heads[i]!) >= 0) return malformed("open: heads must be strictly ascending")
      return {
        ok: true,
        message: { _tag: "Open", community: a[1] as Uint8Array, heads, count: a[3] as number, reply: a[4] as boolean }
      }
    }
    case Kind.unknown:
      return { ok: true, message: { _tag: "Unknown", community: a[1] as Uint8Array, message: a[2] as string } }
    case Kind.reconcile: {
      const raw = a[4] as ReadonlyArray<readonly [RawBound] | readonly [RawBound, Uint8Array | ReadonlyArray<Uint8Array>]>
      const ranges: Array<Range> = []
      let previous: Bound | undefined
      for (const item of raw) {
        const upper = toBound(item[0])
        if (previous !== undefined && compareBounds(previous, upper) >= 0)
          return malformed("reconcile: range bounds must be strictly ascending")
        previous = upper
        const payload = item[1]
        if (payload === undefined) ranges.push({ _tag: "Skip", upper })
        else if (payload instanceof Uint8Array) ranges.push({ _tag: "Fingerprint", upper, fingerprint: payload })
        else {
          for (let i = 1; i < payload.length; i++)
            if (Bytes.compare(payload[i - 1]!, payload[i]!) >= 0) return malformed("reconcile: ids in a range must be strictly ascending")
          ranges.push({ _tag: "Ids", upper, ids: payload })
        }
      }
      if (previous !== undefined && previous !== null) return malformed("reconcile: the last range must end at null (the end)")
      return {
        ok: true,
        message: { _tag: "Reconcile", community: a[1] as Uint8Array, round: a[2] as number, step: a[3] as number, ranges }
      }
    }
    case Kind.want:
      return { ok: true, message: { _tag: "Want", community: a[1] as Uint8Array, ids: a[2] as ReadonlyArray<Uint8Array> } }
    default:
      return {
        ok: true,
        message: { _tag: "Events", community: a[1] as Uint8Array, seq: a[2] as number, events: a[3] as ReadonlyArray<Uint8Array> }
      }
  }
}
