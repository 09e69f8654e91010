/**
 * Invitations: a link or code that carries what a newcomer needs to join a community —
 * its genesis (from which the community id is the hash), where to sync (relay
 * addresses), and who invited — signed by the inviter's device key.
 *
 * Wire form: the canonical CBOR map
 * `{ v: 1, g: <genesis event bytes>, r: [<relay url>…], i: <inviter public key (32 bytes)>, s: <signature (64 bytes)> }`,
 * written in base64url. `s` is the inviter's ed25519 signature over
 * `"affinity-web/invitation/v1\0" ‖ community id (32 bytes) ‖ canonical CBOR of { v, r, i }`,
 * and the community id is the id of the genesis event, so changing any byte of the
 * genesis, a relay or the inviter makes the signature fail. The link is
 * `<app address>#join=<code>`: the part after `#` never reaches a web server.
 *
 * Decoding checks everything that can be checked before syncing: the shape, the genesis
 * (a well-formed `core/genesis` whose signature verifies) and the inviter's signature.
 * Whether the inviter belongs to the community is known only once the log has synced.
 *
 * @module
 */
import { Bytes, Cbor, type Crypto, Event, type Keys } from "@affinity/core"
import { Effect } from "effect"
import * as Base64 from "./base64.ts"
import * as D from "./decode.ts"

/** Version of the invitation format. */
export const VERSION = 1

/** Signature domain of invitations. */
export const DOMAIN = Bytes.utf8("affinity-web/invitation/v1\u0000")

/** Most relays an invitation lists. */
export const MAX_RELAYS = 4

/** Longest code accepted (characters). */
export const MAX_CODE = 8_192

/** A decoded, checked invitation. */
export interface Invitation {
  /** Community id (hex). */
  readonly community: string
  /** Community name, from the genesis. */
  readonly name: string
  /** Genesis event bytes. */
  readonly genesis: Uint8Array
  /** Relay addresses (`ws://` or `wss://`). */
  readonly relays: ReadonlyArray<string>
  /** The inviter's device key (hex). */
  readonly inviter: string
  /** Whether the inviter is one of the founders named in the genesis. */
  readonly inviterIsFounder: boolean
}

/** Why a link or code is not an invitation; `message` is for people. */
export interface InvitationError {
  readonly _tag: "Malformed" | "UnknownVersion" | "BadGenesis" | "Tampered"
  readonly message: string
}

const error = (tag: InvitationError["_tag"], message: string): InvitationError => ({ _tag: tag, message })

/** Whether `url` is a relay address the app can use: `ws:` or `wss:`, at most 200 characters. */
export const isRelayUrl = (url: string): boolean => {
  if (url.length > 200) return false
  try {
    const u = new URL(url)
    return (u.protocol === "ws:" || u.protocol === "wss:") && u.hostname !== ""
  } catch {
    return false
  }
}

const Relay = D.refine(D.text(1, 200), (u) => (isRelayUrl(u) ? undefined : `"${u}" is not a ws:// or wss:// address`))

const Wire = D.struct({
  v: D.int(0, 1_000_000),
  g: D.bytes(1, 4096),
  r: D.array(Relay, 0, MAX_RELAYS),
  i: D.bytes(32),
  s: D.bytes(64)
})

const message = (community: Uint8Array, v: number, relays: ReadonlyArray<string>, inviter: Uint8Array): Uint8Array =>
  Bytes.concat(DOMAIN, community, Cbor.encode({ v, r: [...relays], i: inviter }))

/** The code of an invitation to `genesis`, signed by `inviter`. */
export const encode = (
  crypto: Crypto.CryptoShape,
  p: { readonly genesis: Uint8Array; readonly relays: ReadonlyArray<string>; readonly inviter: Keys.DeviceKey }
): Promise<string> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const g = Event.decode(p.genesis)
      if (!g.ok) throw new TypeError(`not a genesis: ${g.error.message}`)
      const s = yield* crypto.sign(p.inviter.secret, message(g.event.id, VERSION, p.relays, p.inviter.publicKey))
      return Base64.encode(Cbor.encode({ v: VERSION, g: p.genesis, r: [...p.relays], i: p.inviter.publicKey, s }))
    })
  )

/** The link of a code, at the app's address `base` (e.g. `location.origin + location.pathname`). */
export const link = (base: string, code: string): string => `${base}#join=${code}`

/** The code inside what a person pasted: a link with `#join=…`, or the code itself. */
export const codeOf = (input: string): string => {
  const t = input.trim()
  const at = t.indexOf("#join=")
  return at >= 0 ? t.slice(at + "#join=".length) : t
}

/** Decode and check a link or code; never rejects. */
export const decode = async (crypto: Crypto.CryptoShape, input: string): Promise<{ readonly ok: true; readonly invitation: Invitation } | { readonly ok: false; readonly error: InvitationError }> => {
  const no = (tag: InvitationError["_tag"], m: string) => ({ ok: false as const, error: error(tag, m) })
  const code = codeOf(input)
  if (code.length === 0) return no("Malformed", "paste an invitation link or code")
  if (code.length > MAX_CODE) return no("Malformed", "this is far too long to be an invitation")
  const bytes = Base64.decode(code)
  if (!bytes) return no("Malformed", "this is not an invitation code: it has characters a code never has, or it was cut short")
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok) return no("Malformed", "this code is damaged (it does not decode); ask for the invitation again")
  const v = Wire(cbor.value, "invitation")
  if (!v.ok) {
    const version = typeof cbor.value === "object" && cbor.value !== null && "v" in cbor.value ? (cbor.value as { v: unknown }).v : undefined
    if (typeof version === "number" && version !== VERSION)
      return no("UnknownVersion", `this invitation is of version ${version}; this app reads version ${VERSION}`)
    return no("Malformed", `this code is not a valid invitation (${v.message})`)
  }
  const w = v.value
  if (w.v !== VERSION) return no("UnknownVersion", `this invitation is of version ${w.v}; this app reads version ${VERSION}`)
  const g = Event.decode(w.g)
  if (!g.ok) return no("BadGenesis", `the community's first event in this invitation is damaged: ${g.error.message}`)
  const h = g.event.header
  if (h.module !== "core" || h.type !== "genesis" || h.community !== null)
    return no("BadGenesis", "the invitation does not start a community (its first event is not a genesis)")
  const body = g.event.body as { readonly name?: unknown; readonly founders?: unknown }
  const name = typeof body?.name === "string" ? body.name : ""
  const founders = Array.isArray(body?.founders) ? (body.founders as ReadonlyArray<unknown>) : []
  const [genesisOk, inviterOk] = await Effect.runPromise(
    crypto.verifyBatch([
      { publicKey: h.author, message: Event.signingMessage(g.event.id), signature: g.event.signature },
      { publicKey: w.i, message: message(g.event.id, w.v, w.r, w.i), signature: w.s }
    ])
  )
  if (!genesisOk) return no("Tampered", "the community's first event has been changed: its signature does not verify")
  if (!inviterOk) return no("Tampered", "this invitation has been changed since it was made: the inviter's signature does not verify")
  return {
    ok: true,
    invitation: {
      community: g.event.key,
      name,
      genesis: w.g,
      relays: w.r,
      inviter: Bytes.toHex(w.i),
      inviterIsFounder: founders.some((f) => f instanceof Uint8Array && Bytes.equals(f, w.i))
    }
  }
}
