/**
 * Joining by invitation, and asking to be added to a member. A bridge joins a community
 * with an invitation code made in the web app or the member CLI (the genesis, the relays,
 * the inviting device), then acts for a member once that member adds its device key to
 * their identity: the bridge shows a **device request code** (its public key and its consent
 * to being added by the inviting device), which the member pastes into the app on that
 * device, and which appends `core/device.add`.
 *
 * Formats (those of the web app, which the CLI shares): an invitation is base64url without
 * padding of the canonical CBOR map `{ v: 1, g: <genesis bytes>, r: [<relay url>…],
 * i: <inviter device key>, s: <signature> }`, where `s` is the inviter's signature over
 * `"affinity-web/invitation/v1\0" ‖ community id ‖ canonical CBOR of { v, r, i }`; a web link
 * `…#join=<code>` is read as its code. A device request is base64url of
 * `{ v: 1, c: <community id>, a: <adding device key>, d: <new device key>, s: <consent> }`.
 *
 * @module
 */
import { Bytes, Cbor, type Client, Crypto, Event, type Keys } from "@affinity/core"
import { Effect } from "effect"

/** A checked invitation. */
export interface Invitation {
  /** Community id (hex). */
  readonly community: string
  readonly genesis: Uint8Array
  readonly relays: ReadonlyArray<string>
  /** The inviting device key (hex). */
  readonly inviter: string
}

const DOMAIN = Bytes.utf8("affinity-web/invitation/v1\u0000")
const VERSION = 1

const isMap = (v: Cbor.Value): v is { readonly [key: string]: Cbor.Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

const fromBase64url = (text: string): Uint8Array | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
  const bytes = new Uint8Array(Buffer.from(text, "base64url"))
  return Buffer.from(bytes).toString("base64url") === text ? bytes : undefined
}

const isRelayUrl = (url: string): boolean => {
  if (url.length > 200) return false
  try {
    const u = new URL(url)
    return (u.protocol === "ws:" || u.protocol === "wss:") && u.hostname !== ""
  } catch {
    return false
  }
}

/** Decode and check an invitation code (or web link); rejects with an `Error` that says what is wrong. */
export const decode = async (input: string): Promise<Invitation> => {
  const no = (why: string) => new Error(`this invitation cannot be used: ${why}`)
  const t = input.trim()
  const code = t.includes("#join=") ? t.slice(t.indexOf("#join=") + "#join=".length) : t
  const bytes = code.length > 0 && code.length <= 8_192 ? fromBase64url(code) : undefined
  if (bytes === undefined) throw no("it is not an invitation code (copy it again, whole)")
  const cbor = Cbor.decode(bytes)
  if (!cbor.ok || !isMap(cbor.value)) throw no("it is damaged (it does not decode)")
  const { v, g, r, i, s } = cbor.value
  if (
    Object.keys(cbor.value).sort().join(",") !== "g,i,r,s,v" ||
    v !== VERSION ||
    !(g instanceof Uint8Array) ||
    !Array.isArray(r) ||
    r.length > 4 ||
    !(i instanceof Uint8Array) ||
    i.length !== 32 ||
    !(s instanceof Uint8Array) ||
    s.length !== 64
  )
    throw no("it is not shaped like an invitation of version 1")
  const relays: Array<string> = []
  for (const url of r as ReadonlyArray<Cbor.Value>) {
    if (typeof url !== "string" || !isRelayUrl(url)) throw no("it names a relay that is not a ws:// or wss:// address")
    relays.push(url)
  }
  const genesis = Event.decode(g)
  if (!genesis.ok) throw no(`its genesis is damaged (${genesis.error.message})`)
  if (genesis.event.header.module !== "core" || genesis.event.header.type !== "genesis") throw no("its first event is not a genesis")
  const crypto = await Crypto.makeBest()
  const message = Bytes.concat(DOMAIN, genesis.event.id, Cbor.encode({ v: VERSION, r: relays, i }))
  const signed = await Effect.runPromise(crypto.verify({ publicKey: i, message, signature: s }))
  if (!signed) throw no("it was changed after it was made (the inviter's signature does not verify)")
  return { community: genesis.event.key, genesis: g, relays, inviter: Bytes.toHex(i) }
}

/**
 * The device request code of `device`, consenting to being added in `community` by the
 * device key `adder` (hex): what the member pastes into the app on that device.
 */
export const requestCode = async (client: Client.Client, device: Keys.DeviceKey, community: string, adder: string): Promise<string> => {
  const consent = await client.deviceConsent(device, community, adder)
  const wire = Cbor.encode({ v: VERSION, c: Bytes.fromHex(community)!, a: Bytes.fromHex(adder)!, d: device.publicKey, s: consent })
  return Buffer.from(wire).toString("base64url")
}
