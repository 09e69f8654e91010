/**
 * Signed introductions: how a member asks a relay to keep a community.
 *
 * A relay keeps (on disk, across restarts) the communities its operator allows and those
 * a member introduces; a community a peer merely opens is served from memory and
 * forgotten (see the relay's README). An introduction is a short statement, "keep
 * community C", signed by one of the member's device keys, which the relay checks against
 * the community's own events: the key must act for a full member (a founder, from the
 * genesis on, or anyone admitted since).
 *
 * ## Wire form
 *
 * ```text
 * introduction = [1, community: bstr(32), key: bstr(32), time: uint, signature: bstr(64)]   canonical CBOR
 * signed       = "affinity/relay-introduction/1" 0x00 ‖ community ‖ key ‖ time (8 bytes, big-endian)
 * ```
 *
 * `time` is when it was signed (milliseconds since 1970); a relay accepts it within
 * {@link TOLERANCE} of its own clock, either way. It travels in the query of the
 * WebSocket URL, as hex, once per community: `ws://relay.example/?introduce=<hex>&introduce=<hex>`
 * ({@link url}), at most {@link MAX_PER_CONNECTION} of them. Sign a fresh one for each connection.
 *
 * This module imports only `@affinity/core` and `effect`, so browsers can use it too
 * (`@affinity/example-relay/introduction`).
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Community, Crypto, Keys, Storage } from "@affinity/core"
 * import { Introduction } from "@affinity/example-relay"
 *
 * const layer = Layer.mergeAll(Crypto.layerBest, Storage.layerMemory)
 * const { me, community } = await Effect.runPromise(
 *   Effect.provide(
 *     Effect.gen(function* () {
 *       const me = yield* Keys.generate()
 *       return { me, community: yield* Community.create({ name: "Allotment", author: me }) }
 *     }),
 *     layer
 *   )
 * )
 * const introduction = await Introduction.make({ device: me, community: community.id })
 * const address = Introduction.url("ws://127.0.0.1:8787/", [introduction])
 * console.log(address.startsWith("ws://127.0.0.1:8787/?introduce=")) // true
 * // connect(address) then hands the connection to a sync hub that carries the community.
 * ```
 *
 * @module
 */
import { Bytes, Cbor, Crypto, Keys, Membership, type Community } from "@affinity/core"
import { Clock, Effect, Result, Schema } from "effect"

/** A signed request to keep a community. */
export interface Introduction {
  /** The community (hex of its genesis id). */
  readonly community: string
  /** The device key that signed it (hex). */
  readonly key: string
  /** When it was signed, in milliseconds since 1970. */
  readonly time: number
  /** Ed25519 signature by `key` over {@link signedMessage}. */
  readonly signature: Uint8Array
}

/** Why an introduction was refused, in words a person can act on. */
export interface InvalidIntroduction {
  readonly _tag: "InvalidIntroduction"
  readonly message: string
}

/** Result of {@link decode} and {@link fromUrl}. */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: InvalidIntroduction }

/** How far an introduction's time may be from the relay's clock, either way: ten minutes. */
export const TOLERANCE = 10 * 60 * 1000

/** Most introductions one connection may carry. */
export const MAX_PER_CONNECTION = 16

/** The query parameter that carries an introduction. */
export const PARAMETER = "introduce"

const VERSION = 1
const DOMAIN = Bytes.utf8("affinity/relay-introduction/1\0")

/** The bytes a signature covers. */
export const signedMessage = (community: Uint8Array, key: Uint8Array, time: number): Uint8Array => {
  const stamp = new Uint8Array(8)
  new DataView(stamp.buffer).setBigUint64(0, BigInt(time))
  return Bytes.concat(DOMAIN, community, key, stamp)
}

const invalid = <A>(message: string): Decoded<A> => ({ ok: false, error: { _tag: "InvalidIntroduction", message } })

/**
 * Sign an introduction of `community` (hex id) with `device`, dated now (or `time`).
 */
export const sign = (
  device: Keys.DeviceKey,
  community: string,
  time?: number
): Effect.Effect<Introduction, InvalidIntroduction, Crypto.Crypto> =>
  Effect.gen(function* () {
    const id = Bytes.fromHex(community)
    if (id === undefined || id.length !== 32)
      return yield* Effect.fail<InvalidIntroduction>({ _tag: "InvalidIntroduction", message: `${JSON.stringify(community)} is not a community id (64 hex digits)` })
    const at = time ?? (yield* Clock.currentTimeMillis)
    if (!Number.isSafeInteger(at) || at < 0)
      return yield* Effect.fail<InvalidIntroduction>({ _tag: "InvalidIntroduction", message: `time ${at} is not a whole number of milliseconds since 1970` })
    const crypto = yield* Crypto.Crypto
    const signature = yield* crypto.sign(device.secret, signedMessage(id, device.publicKey, at))
    return { community: Bytes.toHex(id), key: device.id, time: at, signature }
  })

/**
 * {@link sign} for code that does not use Effect: signs with the platform's best Ed25519
 * provider. Rejects with an {@link InvalidIntroduction} when `community` is not an id.
 */
export const make = async (options: {
  readonly device: Keys.DeviceKey
  readonly community: string
  readonly time?: number
}): Promise<Introduction> => {
  const crypto = await Crypto.makeBest()
  const signed = await Effect.runPromise(
    Effect.result(Effect.provideService(sign(options.device, options.community, options.time), Crypto.Crypto, crypto))
  )
  if (Result.isFailure(signed)) throw Object.assign(new Error(signed.failure.message), signed.failure)
  return signed.success
}

/** The canonical CBOR bytes of an introduction. */
export const encode = (introduction: Introduction): Uint8Array =>
  Cbor.encode([VERSION, Bytes.fromHex(introduction.community)!, Bytes.fromHex(introduction.key)!, introduction.time, introduction.signature])

const bytesOf = (n: number, what: string) =>
  Schema.Uint8Array.check(Schema.isBetweenLength(n, n, { message: `${what} must be ${n} bytes` }))

const Wire = Schema.Tuple([
  Schema.Literal(VERSION).annotate({ message: `an introduction starts with its version, ${VERSION}` }),
  bytesOf(32, "the community id"),
  bytesOf(32, "the key"),
  Schema.Number.check(Schema.isInt({ message: "the time must be a whole number of milliseconds" }), Schema.isGreaterThanOrEqualTo(0)),
  bytesOf(64, "the signature")
])
const decodeWire = Schema.decodeUnknownResult(Wire)

/** Strictly decode an introduction's bytes (canonical CBOR, then its schema). Never throws. */
export const decode = (bytes: Uint8Array): Decoded<Introduction> => {
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok) return invalid(`an introduction is canonical CBOR: ${cbor.issue.message}`)
  const wire = decodeWire(cbor.value)
  if (Result.isFailure(wire)) return invalid(`an introduction is [1, community, key, time, signature]: ${wire.failure.message}`)
  const [, community, key, time, signature] = wire.success
  if (!Number.isSafeInteger(time)) return invalid("the time must be a whole number of milliseconds")
  return { ok: true, value: { community: Bytes.toHex(community), key: Bytes.toHex(key), time, signature } }
}

/** Whether the signature is the key's, over this community and time. */
export const verify = (crypto: Crypto.CryptoShape, introduction: Introduction): Effect.Effect<boolean> => {
  const community = Bytes.fromHex(introduction.community)
  const key = Bytes.fromHex(introduction.key)
  if (community === undefined || key === undefined) return Effect.succeed(false)
  return crypto.verify({ publicKey: key, message: signedMessage(community, key, introduction.time), signature: introduction.signature })
}

/** Whether `at` (milliseconds) is within {@link TOLERANCE} of the introduction's time. */
export const isFresh = (introduction: Introduction, at: number): boolean => Math.abs(at - introduction.time) <= TOLERANCE

/**
 * Whether the introduction's key acts for a full member in the state `community` has
 * folded so far (founders are from the genesis on).
 */
export const byMember = (introduction: Introduction, community: Community.Community): boolean => {
  const core = community.replica.core
  const owner = Membership.deviceOwner(core, introduction.key)
  return owner !== undefined && Membership.identity(core, owner)?.status === "full"
}

/** `relay` (a `ws:` or `wss:` URL) with the introductions in its query. */
export const url = (relay: string, introductions: ReadonlyArray<Introduction>): string => {
  const address = new URL(relay)
  for (const i of introductions) address.searchParams.append(PARAMETER, Bytes.toHex(encode(i)))
  return address.toString()
}

/**
 * The introductions in the path and query of a request (what a WebSocket server sees as
 * the request's URL). Never throws.
 */
export const fromUrl = (requestUrl: string | undefined): Decoded<ReadonlyArray<Introduction>> => {
  if (requestUrl === undefined) return { ok: true, value: [] }
  let params: URLSearchParams
  try {
    params = new URL(requestUrl, "ws://relay.invalid/").searchParams
  } catch {
    return invalid("the request's URL does not parse")
  }
  const given = params.getAll(PARAMETER)
  if (given.length > MAX_PER_CONNECTION)
    return invalid(`${given.length} introductions on one connection; at most ${MAX_PER_CONNECTION}`)
  const out: Array<Introduction> = []
  for (const [n, hex] of given.entries()) {
    const bytes = hex.length <= 1024 ? Bytes.fromHex(hex) : undefined
    if (bytes === undefined) return invalid(`introduction ${n + 1} is not hex (or is too long)`)
    const d = decode(bytes)
    if (!d.ok) return invalid(`introduction ${n + 1}: ${d.error.message}`)
    out.push(d.value)
  }
  return { ok: true, value: out }
}
