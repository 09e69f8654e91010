/**
 * Invitations: a code that carries what a newcomer needs to join a community — its
 * genesis (whose id is the community id), the relays to sync through, and who invited —
 * signed by the inviter's device key (`docs/protocol.md`, §13, S15). A code made by any
 * program opens in any other: the web app, the member CLI, the bridge.
 *
 * ## Wire form
 *
 * ```text
 * code   = base64url, without padding, of the canonical CBOR map
 *          { v: 1, g: <genesis event bytes>, r: [<relay url>…], i: <inviter key (32 bytes)>, s: <signature (64 bytes)> }
 * signed = "affinity-web/invitation/v1" 0x00 ‖ community id (32 bytes) ‖ canonical CBOR of { v, r, i }
 * link   = <app address>#join=<code>
 * ```
 *
 * The community id is the id of the genesis event, so the signature covers every byte of
 * the genesis, every relay and the inviter. In a link, the part after `#` never reaches a
 * web server.
 *
 * Opening a code ({@link decode}) checks everything that can be checked before syncing:
 * the shape, the genesis (a well-formed `core/genesis` whose signature verifies) and the
 * inviter's signature. Whether the inviter belongs to the community is known only once
 * the log has synced.
 *
 * @example
 * ```ts
 * import { Client, Invitation, Storage } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const ada = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: ada })
 *
 * const code = await Invitation.make({ genesis: garden.export()[0]!, relays: ["wss://relay.example/"], inviter: ada })
 * const link = Invitation.link("https://app.example/", code)
 *
 * // What the newcomer's program reads from the link, checked.
 * const opened = await Invitation.decode(link)
 * console.log(opened.ok && opened.invitation.community === garden.id) // true
 * console.log(opened.ok && opened.invitation.name, opened.ok && opened.invitation.inviterIsFounder) // Garden true
 * await client.close()
 * ```
 *
 * @module
 */
import { Data, Effect } from "effect"
import * as v from "valibot"
import * as Bytes from "./Bytes.ts"
import * as Cbor from "./Cbor.ts"
import * as Crypto from "./Crypto.ts"
import * as Event from "./Event.ts"
import { issueText } from "./internal/issues.ts"
import type * as Keys from "./Keys.ts"

/** The version of the format, the value of `v`. */
export const VERSION = 1

/** What every signed message starts with: `"affinity-web/invitation/v1"` and a zero byte. */
export const DOMAIN: Uint8Array = Bytes.utf8("affinity-web/invitation/v1\u0000")

/** Most relays an invitation lists. */
export const MAX_RELAYS = 4

/** Longest relay address (characters). */
export const MAX_RELAY_URL = 200

/** Largest genesis an invitation carries (bytes). */
export const MAX_GENESIS = 4096

/** Longest code accepted (characters). */
export const MAX_CODE = 8_192

/** What comes between the app's address and the code in a link. */
export const LINK_MARKER = "#join="

/** A decoded, checked invitation. */
export interface Invitation {
  /** The community: lower-case hex of its genesis id. */
  readonly community: string
  /** The community's name, from the genesis (`""` when it has none). */
  readonly name: string
  /** The genesis event's wire bytes. */
  readonly genesis: Uint8Array
  /** Relay addresses (`ws://` or `wss://`). */
  readonly relays: ReadonlyArray<string>
  /** The inviter's device key: lower-case hex of its public key. */
  readonly inviter: string
  /** Whether the inviter's key is one of the founders named in the genesis. */
  readonly inviterIsFounder: boolean
}

/**
 * Why a code is no invitation:
 *
 * - `Malformed`: not base64url, not canonical CBOR, or not of the shape (a missing or
 *   extra key, a size, a relay that is not a `ws:`/`wss:` address); also, when making
 *   one, relays that no invitation may list.
 * - `UnknownVersion`: `v` is another version than {@link VERSION}.
 * - `BadGenesis`: `g` is not a well-formed `core/genesis` event.
 * - `Tampered`: the genesis's or the inviter's signature does not verify.
 */
export type Reason = "Malformed" | "UnknownVersion" | "BadGenesis" | "Tampered"

/** Why a code is no invitation, or why one cannot be made, in words a person can act on. */
export class InvalidInvitation extends Data.TaggedError("InvalidInvitation")<{
  readonly reason: Reason
  readonly message: string
}> {}

/** Result of {@link decode}. Never an exception. */
export type Decoded =
  | { readonly ok: true; readonly invitation: Invitation }
  | { readonly ok: false; readonly error: InvalidInvitation }

const invalid = (reason: Reason, message: string) => new InvalidInvitation({ reason, message })

/** Whether `url` is a relay address an invitation may list: `ws:` or `wss:` with a host, at most {@link MAX_RELAY_URL} characters. */
export const isRelayUrl = (url: string): boolean => {
  if (url.length > MAX_RELAY_URL) return false
  try {
    const u = new URL(url)
    return (u.protocol === "ws:" || u.protocol === "wss:") && u.hostname !== ""
  } catch {
    return false
  }
}

/** The bytes the inviter signs: the domain, the community id, and the canonical CBOR of `{ v, r, i }`. */
export const signedMessage = (community: Uint8Array, relays: ReadonlyArray<string>, inviter: Uint8Array): Uint8Array =>
  Bytes.concat(DOMAIN, community, Cbor.encode({ v: VERSION, r: [...relays], i: inviter }))

/** The code inside what a person pasted: a link with `#join=…`, or the code itself. */
export const codeOf = (input: string): string => {
  const t = input.trim()
  const at = t.indexOf(LINK_MARKER)
  return at >= 0 ? t.slice(at + LINK_MARKER.length) : t
}

/** The link of a code at the app's address `base` (e.g. `location.origin + location.pathname`). */
export const link = (base: string, code: string): string => `${base}${LINK_MARKER}${code}`

/** Options of {@link sign} and {@link make}. */
export interface SignOptions {
  /** The community's genesis event, its wire bytes. */
  readonly genesis: Uint8Array
  /** Where to sync: up to {@link MAX_RELAYS} `ws:` or `wss:` addresses. */
  readonly relays: ReadonlyArray<string>
  /** The inviting device's key, which signs. */
  readonly inviter: Keys.DeviceKey
}

/** Why `relays` cannot be listed, or `undefined`. */
const relayProblem = (relays: ReadonlyArray<string>): string | undefined => {
  if (relays.length > MAX_RELAYS) return `an invitation names at most ${MAX_RELAYS} relays, not ${relays.length}`
  const bad = relays.find((u) => !isRelayUrl(u))
  return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a ws:// or wss:// address of at most ${MAX_RELAY_URL} characters`
}

/**
 * Sign an invitation and give its code. Fails with {@link InvalidInvitation} when
 * `genesis` is not a genesis event or `relays` are not what an invitation may list, so
 * every code it makes opens.
 */
export const sign = (options: SignOptions): Effect.Effect<string, InvalidInvitation, Crypto.Crypto> =>
  Effect.gen(function* () {
    const g = Event.decode(options.genesis)
    if (!g.ok) return yield* invalid("BadGenesis", `not a genesis event: ${g.error.message}`)
    const h = g.event.header
    if (h.module !== "core" || h.type !== "genesis" || h.community !== null || options.genesis.length > MAX_GENESIS)
      return yield* invalid("BadGenesis", `not a genesis event of at most ${MAX_GENESIS} bytes`)
    const problem = relayProblem(options.relays)
    if (problem !== undefined) return yield* invalid("Malformed", problem)
    const crypto = yield* Crypto.Crypto
    const { publicKey } = options.inviter
    const s = yield* crypto.sign(options.inviter.secret, signedMessage(g.event.id, options.relays, publicKey))
    return Bytes.toBase64url(Cbor.encode({ v: VERSION, g: options.genesis, r: [...options.relays], i: publicKey, s }))
  })

/** The platform's best provider, made once when first needed. */
let best: Promise<Crypto.CryptoShape> | undefined
const bestCrypto = (): Promise<Crypto.CryptoShape> => (best ??= Crypto.makeBest())

/** Options of {@link make}. */
export interface MakeOptions extends SignOptions {
  /** The signer (default: the platform's best provider, `Crypto.makeBest`). */
  readonly crypto?: Crypto.CryptoShape
}

/**
 * {@link sign} for code that does not use Effect. Rejects with an {@link InvalidInvitation}
 * when `genesis` is not a genesis or the relays cannot be listed.
 *
 * @example
 * ```ts
 * import { Client, Invitation, Storage } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const ada = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: ada })
 * const code = await Invitation.make({ genesis: garden.export()[0]!, relays: [], inviter: ada })
 * console.log(/^[A-Za-z0-9_-]+$/.test(code)) // true
 * await Invitation.make({ genesis: garden.export()[0]!, relays: ["http://relay.example/"], inviter: ada }).catch((e: InstanceType<typeof Invitation.InvalidInvitation>) => console.log(e.reason)) // Malformed
 * await client.close()
 * ```
 */
export const make = async (options: MakeOptions): Promise<string> => {
  const crypto = options.crypto ?? (await bestCrypto())
  return Effect.runPromise(Effect.provideService(sign(options), Crypto.Crypto, crypto))
}

const bytesOf = (min: number, max: number, what: string) =>
  v.pipe(
    v.instance(Uint8Array, `${what} must be a byte string`),
    v.minLength(min, min === max ? `${what} must be ${min} bytes` : `${what} must be ${min} to ${max} bytes`),
    v.maxLength(max, min === max ? `${what} must be ${min} bytes` : `${what} must be ${min} to ${max} bytes`)
  )

const Relay = v.pipe(
  v.string("a relay must be text"),
  v.check(isRelayUrl, (issue) => `${JSON.stringify(issue.input)} is not a ws:// or wss:// address`)
)

const Wire = v.strictObject(
  {
    v: v.literal(VERSION, `the version must be ${VERSION}`),
    g: bytesOf(1, MAX_GENESIS, "the genesis"),
    r: v.pipe(v.array(Relay, "the relays must be a list"), v.maxLength(MAX_RELAYS, `at most ${MAX_RELAYS} relays`)),
    i: bytesOf(32, 32, "the inviter's key"),
    s: bytesOf(64, 64, "the signature")
  },
  (issue) =>
    issue.path === undefined
      ? "an invitation is a map of v, g, r, i and s"
      : issue.expected === "never"
        ? "an invitation has no such key"
        : "this key is missing"
)

const isMap = (value: Cbor.Value): value is { readonly [key: string]: Cbor.Value } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)

/** A code read and shaped, its signatures not yet checked. */
interface Read {
  readonly genesis: Event.Event
  readonly wire: v.InferOutput<typeof Wire>
}

/** Base64url, canonical CBOR, the schema and the genesis's structure of a code; no signature yet. */
const read = (input: string): { readonly ok: true; readonly read: Read } | { readonly ok: false; readonly error: InvalidInvitation } => {
  const no = (reason: Reason, message: string) => ({ ok: false as const, error: invalid(reason, message) })
  const code = codeOf(input)
  if (code.length === 0) return no("Malformed", "it is empty; paste the whole link or code")
  if (code.length > MAX_CODE) return no("Malformed", "it is far too long to be an invitation")
  const bytes = Bytes.fromBase64url(code)
  if (bytes === undefined) return no("Malformed", "it is not an invitation code: it has characters a code never has, or it was cut short")
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok) return no("Malformed", "it is damaged (it does not decode); ask for the invitation again")
  const value = cbor.value
  if (!isMap(value)) return no("Malformed", "it is not a valid invitation (an invitation is a map of v, g, r, i and s)")
  const version = value["v"]
  if (typeof version === "number" && version !== VERSION)
    return no("UnknownVersion", `it is of version ${version}; this program reads version ${VERSION}`)
  const wire = v.safeParse(Wire, value, { abortEarly: true })
  if (!wire.success) return no("Malformed", `it is not a valid invitation (${issueText(wire.issues)})`)
  const g = Event.decode(wire.output.g)
  if (!g.ok) return no("BadGenesis", `the community's first event in it is damaged: ${g.error.message}`)
  const h = g.event.header
  if (h.module !== "core" || h.type !== "genesis" || h.community !== null)
    return no("BadGenesis", "it does not start a community (its first event is not a genesis)")
  return { ok: true, read: { genesis: g.event, wire: wire.output } }
}

/**
 * Open a link or code: decode it strictly (base64url, canonical CBOR, the schema, a
 * well-formed genesis) and verify the genesis's and the inviter's signatures. Fails with
 * {@link InvalidInvitation}, whose `reason` and `message` say what is wrong.
 */
export const open = (input: string): Effect.Effect<Invitation, InvalidInvitation, Crypto.Crypto> =>
  Effect.gen(function* () {
    const r = read(input)
    if (!r.ok) return yield* r.error
    const { genesis, wire } = r.read
    const crypto = yield* Crypto.Crypto
    const [genesisOk, inviterOk] = yield* crypto.verifyBatch([
      { publicKey: genesis.header.author, message: Event.signingMessage(genesis.id), signature: genesis.signature },
      { publicKey: wire.i, message: signedMessage(genesis.id, wire.r, wire.i), signature: wire.s }
    ])
    if (!genesisOk) return yield* invalid("Tampered", "the community's first event in it was changed: its signature does not verify")
    if (!inviterOk) return yield* invalid("Tampered", "it was changed after it was made: the inviter's signature does not verify")
    const body = genesis.body
    const name = isMap(body) && typeof body["name"] === "string" ? body["name"] : ""
    const founders = isMap(body) && Array.isArray(body["founders"]) ? body["founders"] : []
    return {
      community: genesis.key,
      name,
      genesis: wire.g,
      relays: wire.r,
      inviter: Bytes.toHex(wire.i),
      inviterIsFounder: founders.some((f) => f instanceof Uint8Array && Bytes.equals(f, wire.i))
    }
  })

/**
 * {@link open} for code that does not use Effect (default verifier: the platform's best
 * provider). Never rejects: the result says what is wrong.
 *
 * @example
 * ```ts
 * import { Invitation } from "@affinity/core"
 *
 * const opened = await Invitation.decode("https://app.example/#join=not-a-code!")
 * console.log(opened.ok || opened.error.reason) // Malformed
 * ```
 */
export const decode = async (input: string, crypto?: Crypto.CryptoShape): Promise<Decoded> => {
  const shape = crypto ?? (await bestCrypto())
  return Effect.runPromise(
    Effect.provideService(open(input), Crypto.Crypto, shape).pipe(
      Effect.match({ onSuccess: (invitation) => ({ ok: true, invitation }) as const, onFailure: (error) => ({ ok: false, error }) as const })
    )
  )
}
