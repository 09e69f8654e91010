/**
 * Chat through a community handle (`Client`): post, edit and read messages, open and rotate
 * private channels' keys. Private channels encrypt on this device before anything is signed,
 * and decrypt after: relays and non-members hold ciphertext only and fold the same state.
 *
 * Keys are cached in a {@link Keyring}, one per device, so a key event is opened once.
 *
 * @module
 */
import { Bytes, type Cbor, type Client, type Community, type Keys, type Seal } from "@affinity/core"
import * as Build from "./Build.ts"
import * as Epoch from "./Epoch.ts"
import * as Private from "./Private.ts"
import * as Retention from "./Retention.ts"
import { type Channel, lookup, membersNow, type Message, messageOf, type State } from "./State.ts"

/** What this needs of a community handle (`Client.CommunityHandle` has it all). */
export interface Handle {
  readonly id: string
  state<S extends Cbor.Value = Cbor.Value>(module: string): S
  append(
    device: Keys.DeviceKey,
    draft: { readonly module: string; readonly type: string; readonly body: Cbor.Value },
    options?: Community.AppendOptions
  ): Promise<Client.Appended>
  payload(key: string): Uint8Array | undefined
  readonly event: (key: string) => { readonly body: Cbor.Value } | undefined
  seal(identities: ReadonlyArray<string>, secret: Uint8Array, options?: Seal.Options): Promise<Seal.Sealed>
  unseal(device: Keys.DeviceKey, sealed: Uint8Array, options?: Seal.Options): Promise<Client.Unsealed>
  sealingKeys(identities: ReadonlyArray<string>): ReadonlyArray<Seal.Recipient>
  members(): ReadonlyArray<string>
  readonly communityTime: () => number
}

/** Channel keys this device opened, by key event. */
export class Keyring {
  readonly #keys = new Map<string, Uint8Array>()
  /** The key of a key event, if opened. */
  get(key: string): Uint8Array | undefined {
    return this.#keys.get(key)
  }
  /** Remember a key. */
  set(key: string, secret: Uint8Array): void {
    this.#keys.set(key, secret)
  }
}

/** Why a chat operation could not be done, in words a person can act on. */
export class ChatError extends Error {
  override readonly name = "ChatError"
  readonly reason: string
  constructor(reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}

const stateOf = (community: Handle): State => community.state<State>("expression")
const channelOf = (community: Handle, id: string): Channel => {
  const c = lookup(stateOf(community).channels, id)
  if (!c) throw new ChatError("UnknownChannel", "no channel with that id is here yet")
  return c
}

/**
 * Make a new key for the channel's current epoch, seal it to its members' current devices and
 * append the `channel.key` event. Resolves to the event's key.
 */
export const supplyKey = async (community: Handle, device: Keys.DeviceKey, channel: string, ring: Keyring): Promise<string> => {
  const c = channelOf(community, channel)
  if (!c.private) throw new ChatError("NotPrivate", "only private channels have keys")
  const epoch = Epoch.now(c)
  const secret = Private.newKey()
  const { sealed, recipients } = await community.seal(membersNow(c), secret, { context: Private.keyContext(channel, epoch) })
  const appended = await community.append(device, Build.channelKey(channel, epoch, recipients.map((r) => r.device)), { payload: sealed })
  if (appended.outcome._tag !== "Applied") throw new ChatError(appended.outcome.reason._tag, appended.outcome.reason.message)
  ring.set(appended.key, secret)
  return appended.key
}

/** Open the key of a key event with this device, through the keyring; `undefined` when this device cannot. */
export const openKey = async (community: Handle, device: Keys.DeviceKey, channel: Channel, lock: string, ring: Keyring): Promise<Uint8Array | undefined> => {
  const cached = ring.get(lock)
  if (cached) return cached
  const k = lookup(channel.keys, lock)
  const sealed = community.payload(lock)
  if (!k || !sealed) return undefined
  const opened = await community.unseal(device, sealed, { context: Private.keyContext(channel.id, k.epoch) })
  if (!opened.ok) return undefined
  ring.set(lock, opened.secret)
  return opened.secret
}

/**
 * The key event (and key) this device encrypts under now: the first key of the channel's
 * current epoch it can open (by time, then key), or a new one it supplies.
 */
export const currentKey = async (community: Handle, device: Keys.DeviceKey, channel: string, ring: Keyring): Promise<{ readonly lock: string; readonly key: Uint8Array }> => {
  const c = channelOf(community, channel)
  const epoch = Epoch.now(c)
  const candidates = Object.values(c.keys)
    .filter((k) => k.epoch === epoch)
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
  for (const k of candidates) {
    const key = await openKey(community, device, c, k.key, ring)
    if (key) return { lock: k.key, key }
  }
  const lock = await supplyKey(community, device, channel, ring)
  return { lock, key: ring.get(lock)! }
}

/** Post `text` in a channel (encrypted first in a private one); resolves to what `append` gave. */
export const send = async (
  community: Handle,
  device: Keys.DeviceKey,
  channel: string,
  text: string,
  options: { readonly reply?: string; readonly ring?: Keyring; readonly time?: number } = {}
): Promise<Client.Appended> => {
  const c = channelOf(community, channel)
  const time = options.time === undefined ? {} : { time: options.time }
  if (!c.private) return community.append(device, Build.post(channel, options.reply === undefined ? {} : { reply: options.reply }), { payload: Bytes.utf8(text), ...time })
  const ring = options.ring ?? new Keyring()
  const { lock, key } = await currentKey(community, device, channel, ring)
  const payload = Private.encrypt(key, text, Private.messageAad(community.id, channel, lock))
  return community.append(device, Build.post(channel, { key: lock, ...(options.reply === undefined ? {} : { reply: options.reply }) }), { payload, ...time })
}

/** Edit one's own message with new `text`. */
export const edit = async (community: Handle, device: Keys.DeviceKey, message: string, text: string, ring = new Keyring()): Promise<Client.Appended> => {
  const m = messageOf(stateOf(community), message)
  if (!m) throw new ChatError("UnknownMessage", "no message with that id is here")
  const c = channelOf(community, m.channel)
  if (!c.private) return community.append(device, Build.edit(message), { payload: Bytes.utf8(text) })
  const { lock, key } = await currentKey(community, device, c.id, ring)
  return community.append(device, Build.edit(message, lock), { payload: Private.encrypt(key, text, Private.messageAad(community.id, c.id, lock)) })
}

/** A message as a reader sees it: its metadata and its latest text, or why there is none. */
export type Read = {
  readonly message: Message
  /** The latest text (after edits), or `null`. */
  readonly text: string | null
  /** Why there is no text: `deleted`, `erased` (no payload here), `expired` (past retention), `locked` (this device cannot open it). */
  readonly missing: "deleted" | "erased" | "expired" | "locked" | null
  readonly edited: boolean
}

/** Read a payload given its lock: plain text, or decrypted; `null` when it cannot. */
const textOf = async (community: Handle, device: Keys.DeviceKey | null, c: Channel, key: string, lock: string | null, ring: Keyring): Promise<string | null | "locked"> => {
  const payload = community.payload(key)
  if (!payload) return null
  if (lock === null) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(payload)
    } catch {
      return null
    }
  }
  if (device === null) return "locked"
  const k = await openKey(community, device, c, lock, ring)
  if (!k) return "locked"
  return Private.decrypt(k, payload, Private.messageAad(community.id, c.id, lock)) ?? "locked"
}

/**
 * Every message of a channel in fold order, with its latest text as `device` reads it (`null`:
 * as someone with no key, a relay say). Content past the channel's retention counts as erased.
 */
export const read = async (community: Handle, device: Keys.DeviceKey | null, channel: string, ring = new Keyring()): Promise<ReadonlyArray<Read>> => {
  const s = stateOf(community)
  const c = channelOf(community, channel)
  const now = community.communityTime()
  const out: Array<Read> = []
  for (const key of c.messages) {
    const m = messageOf(s, key)!
    const edited = m.edits.length > 0
    if (m.announcement !== null) {
      out.push({ message: m, text: m.announcement, missing: null, edited })
      continue
    }
    if (m.deleted) {
      out.push({ message: m, text: null, missing: "deleted", edited })
      continue
    }
    if (Retention.expired(c, m, now)) {
      out.push({ message: m, text: null, missing: "expired", edited })
      continue
    }
    const last = m.edits.at(-1)
    const t = last ? await textOf(community, device, c, last.key, last.lock, ring) : await textOf(community, device, c, m.key, m.lock, ring)
    out.push(t === "locked" ? { message: m, text: null, missing: "locked", edited } : { message: m, text: t, missing: t === null ? "erased" : null, edited })
  }
  return out
}

/**
 * Why a private channel needs a new epoch now, or `null`: a key of its current epoch was sealed
 * to a device that is no longer current (revoked), or a member has left the community. The fold
 * cannot see devices; a member's client asks this and signs `channel.rotate`, then supplies the
 * new epoch's key ({@link currentKey} does it on the next message).
 */
export const needsRotation = (community: Handle, channel: string): string | null => {
  const c = channelOf(community, channel)
  if (!c.private) return null
  const members = membersNow(c)
  const full = new Set(community.members())
  if (members.some((m) => !full.has(m))) return "a member of this channel has left the community"
  const current = new Set(community.sealingKeys(members).map((r) => r.device))
  const epoch = Epoch.now(c)
  for (const k of Object.values(c.keys)) {
    if (k.epoch !== epoch) continue
    if (sealedTo(community.event(k.key)?.body ?? null).some((d) => !current.has(d))) return "a device the key was sealed to is no longer a current device"
  }
  return null
}

/** The devices a key event was sealed to, from its body (hex). */
export const sealedTo = (body: Cbor.Value): ReadonlyArray<string> => {
  const devices = body !== null && typeof body === "object" && !Array.isArray(body) && !(body instanceof Uint8Array) ? (body as { readonly devices?: unknown }).devices : undefined
  return Array.isArray(devices) ? devices.filter((d): d is Uint8Array => d instanceof Uint8Array).map((d) => Bytes.toHex(d)) : []
}
