/**
 * Events: the signed, hash-linked records a community is made of.
 *
 * Wire form (canonical CBOR, see `docs/protocol.md` §3):
 *
 * ```text
 * event     = [ header: bstr, signature: bstr(64), body: bstr ]
 *           / [ header: bstr, signature: bstr(64), body: bstr, payload: bstr ]   ; version 2 only
 * header v1 = [ 1, community, author, seq, prev, parents, time, module, type, bodyHash, bodySize ]
 * header v2 = [ 2, community, author, seq, prev, parents, time, module, type, bodyHash, bodySize,
 *               payloadHash, payloadSize ]
 * id        = SHA-256(header)
 * signed    = "affinity/event/v1" || 0x00 || id
 * ```
 *
 * An event with a payload is written as version 2: its header commits to the payload by
 * hash and size, and the payload travels as a fourth item, which the fold never sees. An
 * event whose payload was erased is the same event without the fourth item: the same id,
 * the same signature, still valid (protocol §3a). Events without a payload are written as
 * version 1, as they always were.
 *
 * @module
 */
import { Effect } from "effect"
import * as Bytes from "./Bytes.ts"
import * as Cbor from "./Cbor.ts"
import type { CryptoShape } from "./Crypto.ts"
import { sha256, sha256Equals } from "./Hash.ts"
import { type Envelope, makeEnvelope, read, withoutPayload } from "./internal/envelope.ts"

/** The envelope version of events without a payload. */
export const VERSION = 1

/** The envelope version of events whose header commits to a payload. */
export const VERSION_PAYLOAD = 2

/** Hard limits every replica enforces before anything else. */
export const Limits = {
  /** Largest encoded event without its payload, in bytes. */
  maxEventBytes: 70_000,
  /** Largest encoded body, in bytes. */
  maxBodyBytes: 65_536,
  /**
   * Largest payload, in bytes: 128 KiB, so that the largest event with its payload fits in
   * the smallest sync frame a peer may announce (256 KiB, protocol §13 S9).
   */
  maxPayloadBytes: 131_072,
  /**
   * Largest encoded event with its payload: {@link maxEventBytes} and the payload item (a
   * head of at most 5 bytes, then {@link maxPayloadBytes} bytes), in bytes.
   */
  maxWireBytes: 70_000 + 5 + 131_072,
  /** Most causal parents one event may name. */
  maxParents: 32
} as const

/** Prefix of every signed message, so event signatures mean nothing elsewhere. */
export const SIGNING_DOMAIN = Bytes.utf8("affinity/event/v1\u0000")

const MODULE_NAME = /^[a-z][a-z0-9-]{0,31}$/
const TYPE_NAME = /^[a-z][a-z0-9.-]{0,63}$/

/** The signed part of an event. */
export interface Header {
  readonly version: number
  /** Id of the community's genesis event; `null` only in the genesis itself. */
  readonly community: Uint8Array | null
  /** The signing device's ed25519 public key. */
  readonly author: Uint8Array
  /** Position in the author's chain, from 1. */
  readonly seq: number
  /** Id of the author's previous event; `null` exactly when `seq` is 1. */
  readonly prev: Uint8Array | null
  /** Ids of the heads the author had seen, strictly ascending, without `prev`. */
  readonly parents: ReadonlyArray<Uint8Array>
  /** Claimed time, milliseconds since 1970 (advisory; see community time). */
  readonly time: number
  readonly module: string
  readonly type: string
  readonly bodyHash: Uint8Array
  readonly bodySize: number
  /** SHA-256 of the payload the event commits to (version 2), or `null` (version 1: none). */
  readonly payloadHash: Uint8Array | null
  /** Length of that payload in bytes (version 2), or 0 (version 1). */
  readonly payloadSize: number
}

/** A structurally valid event: decoded, checked, with its id. Its signature is not yet checked. */
export interface Event {
  /** SHA-256 of the header bytes. */
  readonly id: Uint8Array
  /** Lower-case hex of `id`. */
  readonly key: string
  readonly header: Header
  readonly body: Cbor.Value
  readonly headerBytes: Uint8Array
  readonly signature: Uint8Array
  readonly bodyBytes: Uint8Array
  /**
   * The payload, when the event carries it (checked against the header's `payloadHash` and
   * `payloadSize`); `null` when it commits to none, or when its payload was erased or not
   * sent. The fold never sees it.
   */
  readonly payload: Uint8Array | null
  /** The exact wire bytes. */
  readonly bytes: Uint8Array
  /** The bytes a replica stores and folds: the wire bytes without the payload item (`bytes` itself when there is none). */
  readonly stored: Uint8Array
}

/** Why bytes are not an event. Every structural rejection has one of these tags. */
export type StructuralReason =
  | "Oversize"
  | "NotCanonical"
  | "MalformedEnvelope"
  | "UnknownVersion"
  | "MalformedHeader"
  | "BodyMismatch"
  | "MalformedBody"
  | "PayloadMismatch"

/** A structural rejection, with a sentence a person can act on. */
export interface StructuralError {
  readonly _tag: "StructuralError"
  readonly reason: StructuralReason
  readonly message: string
}

const fail = (reason: StructuralReason, message: string): StructuralError => ({
  _tag: "StructuralError",
  reason,
  message
})

/** Result of decoding bytes from anywhere. */
export type DecodeResult =
  | { readonly ok: true; readonly event: Event }
  | { readonly ok: false; readonly error: StructuralError }

const isBytes = (v: unknown, n?: number): v is Uint8Array =>
  v instanceof Uint8Array && (n === undefined || v.length === n)

const isNat = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0

/** Check the header's fields; the first broken rule, or `undefined`. */
const headerProblem = (h: Header): string | undefined => {
  if (!isBytes(h.author, 32)) return "author must be a 32-byte public key"
  if (!isNat(h.seq) || h.seq < 1) return "seq must be an integer from 1"
  if (!isNat(h.time)) return "time must be a non-negative integer of milliseconds"
  if (typeof h.module !== "string" || !MODULE_NAME.test(h.module)) return "module must match [a-z][a-z0-9-]{0,31}"
  if (typeof h.type !== "string" || !TYPE_NAME.test(h.type)) return "type must match [a-z][a-z0-9.-]{0,63}"
  if (!isBytes(h.bodyHash, 32)) return "bodyHash must be 32 bytes"
  if (!isNat(h.bodySize) || h.bodySize > Limits.maxBodyBytes) return `bodySize must be at most ${Limits.maxBodyBytes}`
  if (h.version === VERSION_PAYLOAD) {
    if (!isBytes(h.payloadHash, 32)) return "payloadHash must be 32 bytes"
    if (!isNat(h.payloadSize) || h.payloadSize > Limits.maxPayloadBytes) return `payloadSize must be at most ${Limits.maxPayloadBytes}`
  }
  if (!Array.isArray(h.parents)) return "parents must be an array"
  if (h.parents.length > Limits.maxParents) return `at most ${Limits.maxParents} parents`
  for (let i = 0; i < h.parents.length; i++) {
    const p = h.parents[i]
    if (!isBytes(p, 32)) return "every parent must be a 32-byte id"
    if (i > 0 && Bytes.compare(h.parents[i - 1]!, p) >= 0) return "parents must be strictly ascending"
  }
  if (h.seq === 1) {
    if (h.prev !== null) return "prev must be null when seq is 1"
  } else {
    if (!isBytes(h.prev, 32)) return "prev must be a 32-byte id when seq is above 1"
    const prev = h.prev
    if (h.parents.some((p) => Bytes.equals(p, prev))) return "parents must not repeat prev"
  }
  const genesis = h.module === "core" && h.type === "genesis"
  if (genesis) {
    if (h.community !== null) return "a genesis has no community id (its own id is the community id)"
    if (h.seq !== 1 || h.parents.length !== 0) return "a genesis starts its author's chain and has no parents"
  } else {
    if (!isBytes(h.community, 32)) return "community must be the 32-byte genesis id"
    if (h.seq === 1 && h.parents.length === 0) return "every event but the genesis needs a parent"
  }
  return undefined
}

/** Fields of a header of each version. */
const FIELDS: { readonly [version: number]: number } = { [VERSION]: 11, [VERSION_PAYLOAD]: 13 }

const headerFromArray = (a: ReadonlyArray<Cbor.Value>): Header =>
  ({
    version: a[0],
    community: a[1],
    author: a[2],
    seq: a[3],
    prev: a[4],
    parents: a[5],
    time: a[6],
    module: a[7],
    type: a[8],
    bodyHash: a[9],
    bodySize: a[10],
    payloadHash: a.length > 11 ? a[11] : null,
    payloadSize: a.length > 12 ? a[12] : 0
  }) as unknown as Header

const headerToArray = (h: Header): Cbor.Value => {
  const fields: Array<Cbor.Value> = [h.version, h.community, h.author, h.seq, h.prev, [...h.parents], h.time, h.module, h.type, h.bodyHash, h.bodySize]
  if (h.version === VERSION_PAYLOAD) fields.push(h.payloadHash, h.payloadSize)
  return fields
}

/** A view of `n` bytes of `b` from `from` (made with the constructor: cheaper than `subarray`, which looks up a species). */
const view = (b: Uint8Array, from: number, n: number): Uint8Array => new Uint8Array(b.buffer, b.byteOffset + from, n)

/** The ASCII text of `b[from … to]` (the reader checked it is ASCII). */
const asciiAt = (b: Uint8Array, from: number, to: number): string => {
  let s = ""
  for (let k = from; k < to; k++) s += String.fromCharCode(b[k]!)
  return s
}

/** The header the reader found in `b` (one object shape with the generic path's). */
const headerAt = (b: Uint8Array, e: Envelope): Header => {
  const parents: Array<Uint8Array> = []
  for (let k = 0; k < e.parentCount; k++) parents.push(view(b, e.parents[k]!, 32))
  return {
    version: e.version,
    community: e.community < 0 ? null : view(b, e.community, 32),
    author: view(b, e.author, 32),
    seq: e.seq,
    prev: e.prev < 0 ? null : view(b, e.prev, 32),
    parents,
    time: e.time,
    module: asciiAt(b, e.moduleStart, e.moduleEnd),
    type: asciiAt(b, e.typeStart, e.typeEnd),
    bodyHash: view(b, e.bodyHash, 32),
    bodySize: e.bodySize,
    payloadHash: e.payloadHash < 0 ? null : view(b, e.payloadHash, 32),
    payloadSize: e.payloadSize
  }
}

/** The envelope {@link decode} reads into (reused: decoding is synchronous). */
const envelope = makeEnvelope()

/** The canonical head of a byte string of `n` bytes: its length. */
const headLength = (n: number): number => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x1_0000 ? 3 : 5)

/** Options of {@link decode}. */
export interface DecodeOptions {
  /**
   * The bytes belong to the caller alone and will never change (a storage adapter's own
   * arrays): the event may keep views into them instead of a copy.
   */
  readonly owned?: boolean
}

const EMPTY_BODY: Cbor.Decoded = { ok: true, value: Object.freeze({}) }

/**
 * SHA-256 of the one-byte body `a0` (the empty map), the body of every tick. Written out,
 * not computed while the module loads: the first hash of a page costs it compiling the
 * hash function before anything is shown.
 */
const EMPTY_BODY_HASH = Bytes.fromHex("c19a797fa1fd590cd2e5b42d1cf5f246e29b91684e2f87404b81dc345c7a56a0")!

/**
 * Decode wire bytes into an event, checking every structural rule except the signature
 * and the links to other events (`docs/protocol.md` §3.2, in its order). Never throws.
 */
export const decode = (bytes: Uint8Array, options?: DecodeOptions): DecodeResult => {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: fail("MalformedEnvelope", "an event is a byte string") }
  // Judged before anything is decoded: only an array of four items may carry a payload.
  if (bytes.length > Limits.maxEventBytes && (bytes[0] !== 0x84 || bytes.length > Limits.maxWireBytes))
    return {
      ok: false,
      error: fail(
        "Oversize",
        bytes[0] === 0x84
          ? `event is ${bytes.length} bytes; the limit with a payload is ${Limits.maxWireBytes}`
          : `event is ${bytes.length} bytes; the limit is ${Limits.maxEventBytes}`
      )
    }
  // The event keeps views into its bytes: copy them once, so a caller reusing its buffer
  // (a network frame, an encoder's scratch space) cannot change an accepted event.
  if (options?.owned !== true) bytes = new Uint8Array(bytes)
  // Canonical envelopes and headers take the one fast reader; anything else the strict
  // generic decoder, which names what is wrong.
  const e = envelope
  let headerBytes: Uint8Array
  let signature: Uint8Array
  let bodyBytes: Uint8Array
  let payload: Uint8Array | null
  /** Offset of the payload item, or -1. */
  let payloadItem: number
  let header: Header | undefined
  if (read(bytes, e)) {
    headerBytes = view(bytes, e.headerStart, e.headerEnd - e.headerStart)
    signature = view(bytes, e.signature, 64)
    bodyBytes = view(bytes, e.bodyStart, e.bodyEnd - e.bodyStart)
    payloadItem = e.payloadItem
    payload = payloadItem < 0 ? null : view(bytes, e.payloadStart, e.payloadEnd - e.payloadStart)
    header = headerAt(bytes, e)
  } else {
    const outer = Cbor.decode(bytes)
    if (!outer.ok) return { ok: false, error: fail("NotCanonical", `envelope: ${outer.issue.message}`) }
    const env = outer.value
    if (
      !Array.isArray(env) ||
      (env.length !== 3 && env.length !== 4) ||
      !isBytes(env[0]) ||
      !isBytes(env[1], 64) ||
      !isBytes(env[2]) ||
      (env.length === 4 && !isBytes(env[3]))
    )
      return {
        ok: false,
        error: fail(
          "MalformedEnvelope",
          "an event is [header bytes, 64-byte signature, body bytes], with the payload bytes as a fourth item when it carries one"
        )
      }
    headerBytes = env[0] as Uint8Array
    signature = env[1] as Uint8Array
    bodyBytes = env[2] as Uint8Array
    payload = env.length === 4 ? (env[3] as Uint8Array) : null
    payloadItem = payload === null ? -1 : bytes.length - headLength(payload.length) - payload.length
  }
  if (payload !== null) {
    if (payloadItem > Limits.maxEventBytes)
      return {
        ok: false,
        error: fail("Oversize", `without its payload the event is ${payloadItem} bytes; the limit is ${Limits.maxEventBytes}`)
      }
    if (payload.length > Limits.maxPayloadBytes)
      return { ok: false, error: fail("Oversize", `the payload is ${payload.length} bytes; the limit is ${Limits.maxPayloadBytes}`) }
  }
  if (!header) {
    const read = headerFields(headerBytes, payload !== null)
    if (!read.ok) return read
    header = headerFromArray(read.fields)
  }
  const problem = headerProblem(header)
  if (problem) return { ok: false, error: fail("MalformedHeader", problem) }
  if (bodyBytes.length !== header.bodySize)
    return { ok: false, error: fail("BodyMismatch", `body is ${bodyBytes.length} bytes, the header says ${header.bodySize}`) }
  const empty = bodyBytes.length === 1 && bodyBytes[0] === 0xa0
  if (empty ? !Bytes.equals(EMPTY_BODY_HASH, header.bodyHash) : !sha256Equals(bodyBytes, header.bodyHash))
    return { ok: false, error: fail("BodyMismatch", "body does not match the header's bodyHash") }
  const body = empty ? EMPTY_BODY : Cbor.decode(bodyBytes)
  if (!body.ok) return { ok: false, error: fail("MalformedBody", `body: ${body.issue.message}`) }
  if (payload !== null) {
    if (payload.length !== header.payloadSize)
      return { ok: false, error: fail("PayloadMismatch", `payload is ${payload.length} bytes, the header says ${header.payloadSize}`) }
    if (!sha256Equals(payload, header.payloadHash!))
      return { ok: false, error: fail("PayloadMismatch", "payload does not match the header's payloadHash") }
  }
  const id = sha256(headerBytes)
  return {
    ok: true,
    event: {
      id,
      key: Bytes.toHex(id),
      header,
      body: body.value,
      headerBytes,
      signature,
      bodyBytes,
      payload,
      bytes,
      stored: payloadItem < 0 ? bytes : withoutPayload(bytes, payloadItem)
    }
  }
}

/**
 * The fields of header bytes, once they are canonical CBOR, an array of a version this
 * replica reads with that version's number of fields (and, with `payload`, a version that
 * commits to one); else the structural error.
 */
const headerFields = (
  bytes: Uint8Array,
  payload: boolean
): { readonly ok: true; readonly fields: ReadonlyArray<Cbor.Value> } | { readonly ok: false; readonly error: StructuralError } => {
  const inner = Cbor.decode(bytes)
  if (!inner.ok) return { ok: false, error: fail("NotCanonical", `header: ${inner.issue.message}`) }
  const arr = inner.value
  if (!Array.isArray(arr) || arr.length < 1) return { ok: false, error: fail("MalformedHeader", "the header is an array whose first item is the version") }
  const version = arr[0]
  if (version !== VERSION && version !== VERSION_PAYLOAD)
    return {
      ok: false,
      error: fail("UnknownVersion", `envelope version ${String(version)} is not supported (this replica reads versions ${VERSION} and ${VERSION_PAYLOAD})`)
    }
  if (version === VERSION && payload)
    return { ok: false, error: fail("MalformedEnvelope", "a version 1 event carries no payload: only a version 2 header commits to one") }
  if (arr.length !== FIELDS[version])
    return { ok: false, error: fail("MalformedHeader", `a version ${version} header has exactly ${FIELDS[version]} fields`) }
  return { ok: true, fields: arr as ReadonlyArray<Cbor.Value> }
}

/**
 * Decode header bytes on their own (as `core/payload.erase` carries them): the header, when
 * they are a canonical header of version 1 or 2 whose fields keep every rule of §3.1; else
 * the structural error. The event's id is the SHA-256 of these bytes. Never throws.
 */
export const decodeHeader = (
  bytes: Uint8Array
): { readonly ok: true; readonly header: Header } | { readonly ok: false; readonly error: StructuralError } => {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: fail("MalformedHeader", "a header is a byte string") }
  const read = headerFields(bytes, false)
  if (!read.ok) return read
  const header = headerFromArray(read.fields)
  const problem = headerProblem(header)
  return problem ? { ok: false, error: fail("MalformedHeader", problem) } : { ok: true, header }
}

/** What an author fills in; the rest (version, body and payload hashes and sizes) is derived. */
export interface Draft {
  readonly community: Uint8Array | null
  readonly author: Uint8Array
  readonly seq: number
  readonly prev: Uint8Array | null
  readonly parents: ReadonlyArray<Uint8Array>
  readonly time: number
  readonly module: string
  readonly type: string
  readonly body: Cbor.Value
  /**
   * Bytes the event carries beside its body, committed to by hash and size in its header
   * (the event is then written as version 2), at most {@link Limits.maxPayloadBytes}. The
   * fold never sees them; they can be erased later and the event stays valid.
   */
  readonly payload?: Uint8Array
}

/** An unsigned event: what the author's key must sign. */
export interface Unsigned {
  readonly id: Uint8Array
  readonly headerBytes: Uint8Array
  readonly bodyBytes: Uint8Array
  /** The payload the header commits to, or `null`. */
  readonly payload: Uint8Array | null
  /** The message to sign: {@link SIGNING_DOMAIN} followed by the id. */
  readonly message: Uint8Array
}

/**
 * Encode a draft into an unsigned event. Parents are sorted and deduplicated for the
 * author. Returns a structural error when the draft breaks a rule.
 */
export const prepare = (
  draft: Draft
): { readonly ok: true; readonly unsigned: Unsigned } | { readonly ok: false; readonly error: StructuralError } => {
  const bad = Cbor.check(draft.body)
  if (bad) return { ok: false, error: fail("MalformedBody", `body: ${bad.message}`) }
  const bodyBytes = Cbor.encodeTrusted(draft.body)
  const payload = draft.payload === undefined ? null : draft.payload
  if (payload !== null && !(payload instanceof Uint8Array))
    return { ok: false, error: fail("MalformedEnvelope", "a payload is a byte string") }
  if (payload !== null && payload.length > Limits.maxPayloadBytes)
    return { ok: false, error: fail("Oversize", `the payload is ${payload.length} bytes; the limit is ${Limits.maxPayloadBytes}`) }
  const parents = dedupeSorted(draft.parents.filter((p) => draft.prev === null || !Bytes.equals(p, draft.prev)))
  const header: Header = {
    version: payload === null ? VERSION : VERSION_PAYLOAD,
    community: draft.community,
    author: draft.author,
    seq: draft.seq,
    prev: draft.prev,
    parents,
    time: draft.time,
    module: draft.module,
    type: draft.type,
    bodyHash: sha256(bodyBytes),
    bodySize: bodyBytes.length,
    payloadHash: payload === null ? null : sha256(payload),
    payloadSize: payload === null ? 0 : payload.length
  }
  const problem = headerProblem(header)
  if (problem) return { ok: false, error: fail("MalformedHeader", problem) }
  const headerBytes = Cbor.encodeTrusted(headerToArray(header))
  const id = sha256(headerBytes)
  return { ok: true, unsigned: { id, headerBytes, bodyBytes, payload: payload === null ? null : payload.slice(), message: signingMessage(id) } }
}

/** Wire bytes of an unsigned event with its signature (and its payload, when it has one). */
export const assemble = (unsigned: Unsigned, signature: Uint8Array): Uint8Array =>
  Cbor.encodeTrusted(
    unsigned.payload === null
      ? [unsigned.headerBytes, signature, unsigned.bodyBytes]
      : [unsigned.headerBytes, signature, unsigned.bodyBytes, unsigned.payload]
  )


/** The message an event's signature covers. */
export const signingMessage = (id: Uint8Array): Uint8Array => Bytes.concat(SIGNING_DOMAIN, id)

/** Sort ids ascending and drop repeats. */
export const dedupeSorted = (ids: ReadonlyArray<Uint8Array>): ReadonlyArray<Uint8Array> => {
  const sorted = [...ids].sort(Bytes.compare)
  return sorted.filter((id, i) => i === 0 || !Bytes.equals(sorted[i - 1]!, id))
}

/**
 * Build, sign and decode an event from a draft with a device's secret key.
 * Fails with the structural error when the draft breaks a rule.
 */
export const sign = (
  crypto: CryptoShape,
  secret: Uint8Array,
  draft: Draft
): Effect.Effect<Event, StructuralError> =>
  Effect.gen(function* () {
    const prepared = prepare(draft)
    if (!prepared.ok) return yield* Effect.fail(prepared.error)
    const signature = yield* crypto.sign(secret, prepared.unsigned.message)
    const decoded = decode(assemble(prepared.unsigned, signature))
    if (!decoded.ok) return yield* Effect.fail(decoded.error)
    return decoded.event
  })

/** Whether an event's signature is valid for its author (one verification). */
export const verify = (crypto: CryptoShape, event: Event): Effect.Effect<boolean> =>
  crypto.verify({ publicKey: event.header.author, message: signingMessage(event.id), signature: event.signature })

/** A person- and tool-readable JSON view of an event (never hashed or signed). */
export const toJson = (event: Event): Record<string, unknown> => ({
  id: event.key,
  community: event.header.community ? Bytes.toHex(event.header.community) : null,
  author: Bytes.toHex(event.header.author),
  seq: event.header.seq,
  prev: event.header.prev ? Bytes.toHex(event.header.prev) : null,
  parents: event.header.parents.map(Bytes.toHex),
  time: event.header.time,
  module: event.header.module,
  type: event.header.type,
  body: jsonView(event.body),
  // Events that commit to a payload say so, and whether this copy carries it (never its bytes).
  ...(event.header.version === VERSION_PAYLOAD
    ? { payload: { hash: Bytes.toHex(event.header.payloadHash!), size: event.header.payloadSize, carried: event.payload !== null } }
    : {})
})

/** JSON view of a CBOR value: byte strings become `{ "$bytes": hex }`. */
export const jsonView = (v: Cbor.Value): unknown => {
  if (v instanceof Uint8Array) return { $bytes: Bytes.toHex(v) }
  if (Array.isArray(v)) return v.map(jsonView)
  if (v !== null && typeof v === "object")
    // fromEntries defines own properties, so a "__proto__" key stays a key.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonView(x as Cbor.Value)]))
  return v
}
