/**
 * Introductions: how a member asks a relay to keep a community (`docs/protocol.md`, §13,
 * S14).
 *
 * A relay decides for itself which communities it keeps on disk across restarts; the
 * example relay keeps those its operator allows and those a member introduces, and serves
 * any other from memory until nobody uses it. An introduction is the request: "keep
 * community C", signed by one of the member's device keys. A relay checks the signature,
 * and checks against the community's own events that the key acts for a member.
 *
 * ## Wire form
 *
 * ```text
 * introduction = [1, community: bstr(32), key: bstr(32), time: uint, signature: bstr(64)]   canonical CBOR
 * signed       = "affinity/relay-introduction/1" 0x00 ‖ community ‖ key ‖ time (8 bytes, big-endian)
 * ```
 *
 * `time` is when it was signed, in milliseconds since 1970. An introduction travels as
 * hex in the query of the WebSocket URL, one `introduce` parameter per community, at most
 * {@link MAX_PER_CONNECTION} of them: `wss://relay.example/?introduce=<hex>&introduce=<hex>`
 * ({@link url}). A relay may ignore one signed long ago or far ahead of its clock (the
 * example relay: more than ten minutes either way), so sign a fresh one for each
 * connection ({@link make}, or `connect(url, { introduce })` of `@affinity/sync-websocket`).
 *
 * @example
 * ```ts
 * import { Client, Storage, Sync } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const me = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: me })
 *
 * const introduction = await Sync.Introduction.make({ device: me, community: garden.id })
 * const address = Sync.Introduction.url("wss://relay.example/", [introduction])
 * console.log(address.startsWith("wss://relay.example/?introduce=")) // true
 *
 * // What the relay reads from the address, and checks.
 * const read = Sync.Introduction.fromUrl(address)
 * console.log(read.ok && read.introductions[0]!.key === me.id) // true
 * console.log(read.ok && (await Sync.Introduction.check(read.introductions[0]!))) // true
 * await client.close()
 * ```
 *
 * @module
 */
import { Clock, Data, Effect } from "effect"
import * as v from "valibot"
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import * as Crypto from "../Crypto.ts"
import { issueText } from "../internal/issues.ts"
import type * as Keys from "../Keys.ts"

/** A signed request to keep a community. */
export interface Introduction {
  /** The community: lower-case hex of its genesis id. */
  readonly community: string
  /** The device key that signed it: lower-case hex of its public key. */
  readonly key: string
  /** When it was signed, in milliseconds since 1970. */
  readonly time: number
  /** Ed25519 signature by `key` over {@link signedMessage} (64 bytes). */
  readonly signature: Uint8Array
}

/** Why bytes, a URL or a request are no introduction, in words a person can act on. */
export class InvalidIntroduction extends Data.TaggedError("InvalidIntroduction")<{
  readonly message: string
}> {}

/** Result of {@link decode}. Never an exception. */
export type Decoded =
  | { readonly ok: true; readonly introduction: Introduction }
  | { readonly ok: false; readonly error: InvalidIntroduction }

/** Result of {@link fromUrl}. Never an exception. */
export type FromUrl =
  | { readonly ok: true; readonly introductions: ReadonlyArray<Introduction> }
  | { readonly ok: false; readonly error: InvalidIntroduction }

/** The first item of an introduction. */
export const VERSION = 1

/** What every signed message starts with: `"affinity/relay-introduction/1"` and a zero byte. */
export const DOMAIN: Uint8Array = Bytes.utf8("affinity/relay-introduction/1\0")

/** The query parameter that carries an introduction. */
export const PARAMETER = "introduce"

/** Most introductions one connection carries; a relay may refuse a connection with more. */
export const MAX_PER_CONNECTION = 16

/** Longest hex text of one introduction a reader of URLs looks at (an introduction is at most 145 bytes). */
const MAX_HEX = 1024

const invalid = (message: string) => new InvalidIntroduction({ message })

/** The bytes a signature covers: the domain, the community id, the key and the time (8 bytes, big-endian). */
export const signedMessage = (community: Uint8Array, key: Uint8Array, time: number): Uint8Array => {
  const stamp = new Uint8Array(8)
  new DataView(stamp.buffer).setBigUint64(0, BigInt(time))
  return Bytes.concat(DOMAIN, community, key, stamp)
}

/** 32 bytes of an id or key given as hex, or `undefined`. */
const bytes32 = (hex: string): Uint8Array | undefined => {
  const b = Bytes.fromHex(hex)
  return b !== undefined && b.length === 32 ? b : undefined
}

const isTime = (time: number): boolean => Number.isSafeInteger(time) && time >= 0

/**
 * Sign an introduction of `community` (hex id) with `device`, dated `time` (default: the
 * Effect clock, milliseconds since 1970). Fails with {@link InvalidIntroduction} when
 * `community` is not 64 hex digits or `time` is not a whole number of milliseconds from 0.
 */
export const sign = (
  device: Keys.DeviceKey,
  community: string,
  time?: number
): Effect.Effect<Introduction, InvalidIntroduction, Crypto.Crypto> =>
  Effect.gen(function* () {
    const id = bytes32(community)
    if (id === undefined) return yield* invalid(`${JSON.stringify(community)} is not a community id (64 hex digits)`)
    const at = time ?? (yield* Clock.currentTimeMillis)
    if (!isTime(at)) return yield* invalid(`time ${at} is not a whole number of milliseconds since 1970`)
    const crypto = yield* Crypto.Crypto
    const signature = yield* crypto.sign(device.secret, signedMessage(id, device.publicKey, at))
    return { community: Bytes.toHex(id), key: Bytes.toHex(device.publicKey), time: at, signature }
  })

/** The platform's best provider, made once when first needed. */
let best: Promise<Crypto.CryptoShape> | undefined
const bestCrypto = (): Promise<Crypto.CryptoShape> => (best ??= Crypto.makeBest())

/** Options of {@link make}. */
export interface MakeOptions {
  /** The device key that signs: one of a member's. */
  readonly device: Keys.DeviceKey
  /** The community (64 hex digits). */
  readonly community: string
  /** When it is signed, in milliseconds since 1970 (default: now). */
  readonly time?: number
  /** The signer (default: the platform's best provider, `Crypto.makeBest`). */
  readonly crypto?: Crypto.CryptoShape
}

/**
 * {@link sign} for code that does not use Effect. Rejects with an
 * {@link InvalidIntroduction} when `community` is not an id or `time` is not a time.
 *
 * @example
 * ```ts
 * import { Client, Storage, Sync } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const me = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: me })
 * const introduction = await Sync.Introduction.make({ device: me, community: garden.id })
 * console.log(introduction.community === garden.id, introduction.key === me.id) // true true
 * await Sync.Introduction.make({ device: me, community: "garden" }).catch((e: unknown) => console.log(String(e))) // InvalidIntroduction: "garden" is not a community id (64 hex digits)
 * await client.close()
 * ```
 */
export const make = async (options: MakeOptions): Promise<Introduction> => {
  const crypto = options.crypto ?? (await bestCrypto())
  return Effect.runPromise(Effect.provideService(sign(options.device, options.community, options.time), Crypto.Crypto, crypto))
}

/**
 * The canonical CBOR bytes of an introduction. Throws a `RangeError` for a value that no
 * {@link sign} or {@link decode} made (an id or key that is not 32 bytes of hex, a
 * signature that is not 64 bytes, a time that is not a whole number from 0).
 */
export const encode = (introduction: Introduction): Uint8Array => {
  const community = bytes32(introduction.community)
  const key = bytes32(introduction.key)
  if (community === undefined || key === undefined || !isTime(introduction.time) || introduction.signature.length !== 64)
    throw new RangeError("not an introduction: community and key are 64 hex digits, time a whole number from 0, the signature 64 bytes")
  return Cbor.encode([VERSION, community, key, introduction.time, introduction.signature])
}

const bytesOf = (n: number, what: string) =>
  v.pipe(v.instance(Uint8Array, `${what} must be a byte string`), v.length(n, `${what} must be ${n} bytes`))

const Wire = v.strictTuple(
  [
    v.literal(VERSION, `an introduction starts with its version, ${VERSION}`),
    bytesOf(32, "the community id"),
    bytesOf(32, "the key"),
    v.pipe(
      v.number("the time must be a whole number of milliseconds"),
      v.safeInteger("the time must be a whole number of milliseconds"),
      v.minValue(0, "the time must be a whole number of milliseconds from 0")
    ),
    bytesOf(64, "the signature")
  ],
  (issue) => `expected 5 items, got ${issue.received}`
)

/** Strictly decode an introduction's bytes: canonical CBOR, then its schema. Never throws. */
export const decode = (bytes: Uint8Array): Decoded => {
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok) return { ok: false, error: invalid(`an introduction is canonical CBOR: ${cbor.issue.message}`) }
  const wire = v.safeParse(Wire, cbor.value, { abortEarly: true })
  if (!wire.success)
    return { ok: false, error: invalid(`an introduction is [1, community, key, time, signature]: ${issueText(wire.issues)}`) }
  const [, community, key, time, signature] = wire.output
  return { ok: true, introduction: { community: Bytes.toHex(community), key: Bytes.toHex(key), time, signature: signature.slice() } }
}

/**
 * Whether the signature is the key's, over this community and time (the protocol's
 * verification rule, §2). Says nothing of whether the key acts for a member, or of the time.
 */
export const verify = (introduction: Introduction): Effect.Effect<boolean, never, Crypto.Crypto> =>
  Effect.gen(function* () {
    const community = bytes32(introduction.community)
    const key = bytes32(introduction.key)
    if (community === undefined || key === undefined || !isTime(introduction.time)) return false
    const crypto = yield* Crypto.Crypto
    return yield* crypto.verify({ publicKey: key, message: signedMessage(community, key, introduction.time), signature: introduction.signature })
  })

/** {@link verify} for code that does not use Effect (default signer: the platform's best provider). Never rejects. */
export const check = async (introduction: Introduction, crypto?: Crypto.CryptoShape): Promise<boolean> => {
  const shape = crypto ?? (await bestCrypto())
  return Effect.runPromise(Effect.provideService(verify(introduction), Crypto.Crypto, shape))
}

/**
 * `base` (a `ws:` or `wss:` URL) with the introductions added to its query, one
 * `introduce` parameter each, after any parameters it has. Throws a `TypeError` when
 * `base` is not a URL, and what {@link encode} throws.
 */
export const url = (base: string | URL, introductions: ReadonlyArray<Introduction>): string => {
  const address = new URL(base)
  for (const i of introductions) address.searchParams.append(PARAMETER, Bytes.toHex(encode(i)))
  return address.toString()
}

/**
 * The introductions in a request's URL: an absolute URL, or the path and query a
 * WebSocket server sees. Refuses more than {@link MAX_PER_CONNECTION}, and any that is not
 * hex or does not {@link decode}. Signatures are not checked here ({@link verify}). Never throws.
 */
export const fromUrl = (requestUrl: string | URL | undefined): FromUrl => {
  if (requestUrl === undefined) return { ok: true, introductions: [] }
  let params: URLSearchParams
  try {
    params = new URL(requestUrl, "ws://relay.invalid/").searchParams
  } catch {
    return { ok: false, error: invalid("the request's URL does not parse") }
  }
  const given = params.getAll(PARAMETER)
  if (given.length > MAX_PER_CONNECTION)
    return { ok: false, error: invalid(`${given.length} introductions on one connection; at most ${MAX_PER_CONNECTION}`) }
  const introductions: Array<Introduction> = []
  for (const [n, hex] of given.entries()) {
    const bytes = hex.length <= MAX_HEX ? Bytes.fromHex(hex) : undefined
    if (bytes === undefined) return { ok: false, error: invalid(`introduction ${n + 1} is not hex (or is too long)`) }
    const d = decode(bytes)
    if (!d.ok) return { ok: false, error: invalid(`introduction ${n + 1}: ${d.error.message}`) }
    introductions.push(d.introduction)
  }
  return { ok: true, introductions }
}
