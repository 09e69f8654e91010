/**
 * Invitations: a code that carries what a newcomer needs to join a community — its genesis
 * (whose id is the community id), the relays to sync through, and who invited — signed by
 * the inviter's device key.
 *
 * The format is the web app's (`examples/web`), so a code made by either opens in the
 * other: base64url (no padding) of the canonical CBOR map
 * `{ v: 1, g: <genesis event bytes>, r: [<relay url>…], i: <inviter public key>, s: <signature> }`,
 * where `s` is the inviter's ed25519 signature over
 * `"affinity-web/invitation/v1\0" ‖ community id (32 bytes) ‖ canonical CBOR of { v, r, i }`.
 * A web link `…#join=<code>` is read as its code.
 *
 * Decoding checks everything that can be checked before syncing: the shape, the genesis (a
 * well-formed `core/genesis` whose signature verifies) and the inviter's signature. Whether
 * the inviter belongs to the community is known once the log has synced.
 *
 * @module
 */
import { Bytes, Cbor, type Crypto, Event, type Keys } from "@affinity/core"
import { Effect } from "effect"
import { usage } from "./Failure.ts"

/** Version of the invitation format. */
export const VERSION = 1

/** Signature domain of invitations (the web app's, which this format shares). */
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
  /** Relay addresses. */
  readonly relays: ReadonlyArray<string>
  /** The inviter's device key (hex). */
  readonly inviter: string
  /** Whether the inviter is one of the founders named in the genesis. */
  readonly inviterIsFounder: boolean
}

/** Whether `url` is a relay address: `ws:` or `wss:` with a host, at most 200 characters. */
export const isRelayUrl = (url: string): boolean => {
  if (url.length > 200) return false
  try {
    const u = new URL(url)
    return (u.protocol === "ws:" || u.protocol === "wss:") && u.hostname !== ""
  } catch {
    return false
  }
}

const message = (community: Uint8Array, v: number, relays: ReadonlyArray<string>, inviter: Uint8Array): Uint8Array =>
  Bytes.concat(DOMAIN, community, Cbor.encode({ v, r: [...relays], i: inviter }))

/** Base64url without padding; `undefined` for text that is not exactly that (one text per byte string). */
const fromBase64url = (text: string): Uint8Array | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
  const bytes = new Uint8Array(Buffer.from(text, "base64url"))
  return Buffer.from(bytes).toString("base64url") === text ? bytes : undefined
}

/** The code of an invitation to the community of `genesis`, signed by `inviter`. */
export const encode = async (
  crypto: Crypto.CryptoShape,
  p: { readonly genesis: Uint8Array; readonly relays: ReadonlyArray<string>; readonly inviter: Keys.DeviceKey }
): Promise<string> => {
  const g = Event.decode(p.genesis)
  if (!g.ok) throw new TypeError(`not a genesis: ${g.error.message}`)
  const s = await Effect.runPromise(crypto.sign(p.inviter.secret, message(g.event.id, VERSION, p.relays, p.inviter.publicKey)))
  return Buffer.from(Cbor.encode({ v: VERSION, g: p.genesis, r: [...p.relays], i: p.inviter.publicKey, s })).toString("base64url")
}

/** The code inside what a person pasted: a web link with `#join=…`, or the code itself. */
export const codeOf = (input: string): string => {
  const t = input.trim()
  const at = t.indexOf("#join=")
  return at >= 0 ? t.slice(at + "#join=".length) : t
}

const isMap = (v: Cbor.Value): v is { readonly [key: string]: Cbor.Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

/** Decode and check a code (or web link); rejects with a `Failure` that says what is wrong. */
export const decode = async (crypto: Crypto.CryptoShape, input: string): Promise<Invitation> => {
  const no = (tag: string, why: string) => usage(tag, `this invitation cannot be used: ${why}`)
  const code = codeOf(input)
  if (code.length === 0) throw no("Malformed", "it is empty; paste the whole code")
  if (code.length > MAX_CODE) throw no("Malformed", "it is far too long to be an invitation")
  const bytes = fromBase64url(code)
  if (!bytes) throw no("Malformed", "it has characters an invitation never has, or it was cut short; copy it again, whole")
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok || !isMap(cbor.value)) throw no("Malformed", "it is damaged (it does not decode); ask for the invitation again")
  const w = cbor.value
  const v = w["v"]
  if (typeof v === "number" && v !== VERSION) throw no("UnknownVersion", `it is of version ${v}; this program reads version ${VERSION}`)
  const keys = Object.keys(w).sort().join(",")
  const g = w["g"]
  const r = w["r"]
  const i = w["i"]
  const s = w["s"]
  if (
    keys !== "g,i,r,s,v" ||
    v !== VERSION ||
    !(g instanceof Uint8Array) ||
    g.length === 0 ||
    g.length > 4096 ||
    !Array.isArray(r) ||
    r.length > MAX_RELAYS ||
    !(i instanceof Uint8Array) ||
    i.length !== 32 ||
    !(s instanceof Uint8Array) ||
    s.length !== 64
  )
    throw no("Malformed", "it is not shaped like an invitation; ask for it again")
  const relays: Array<string> = []
  for (const url of r as ReadonlyArray<Cbor.Value>) {
    if (typeof url !== "string" || !isRelayUrl(url)) throw no("Malformed", `it names a relay that is not a ws:// or wss:// address`)
    relays.push(url)
  }
  const genesis = Event.decode(g)
  if (!genesis.ok) throw no("BadGenesis", `the community's first event in it is damaged (${genesis.error.message})`)
  const h = genesis.event.header
  if (h.module !== "core" || h.type !== "genesis" || h.community !== null)
    throw no("BadGenesis", "it does not start a community (its first event is not a genesis)")
  const body = genesis.event.body
  const name = isMap(body) && typeof body["name"] === "string" ? body["name"] : ""
  const founders = isMap(body) && Array.isArray(body["founders"]) ? (body["founders"] as ReadonlyArray<Cbor.Value>) : []
  const [genesisOk, inviterOk] = await Effect.runPromise(
    crypto.verifyBatch([
      { publicKey: h.author, message: Event.signingMessage(genesis.event.id), signature: genesis.event.signature },
      { publicKey: i, message: message(genesis.event.id, VERSION, relays, i), signature: s }
    ])
  )
  if (!genesisOk) throw no("Tampered", "the community's first event in it was changed (its signature does not verify)")
  if (!inviterOk) throw no("Tampered", "it was changed after it was made (the inviter's signature does not verify)")
  return {
    community: genesis.event.key,
    name,
    genesis: g,
    relays,
    inviter: Bytes.toHex(i),
    inviterIsFounder: founders.some((f) => f instanceof Uint8Array && Bytes.equals(f, i))
  }
}
