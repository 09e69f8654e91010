import * as ed from "@noble/ed25519"
import { Bytes, Cbor, CoreEvents, Event } from "@affinity/core"
import type { Keys } from "@affinity/core"
import "./world.ts"

/** Sign a draft synchronously with noble (tests only). */
export const signDraft = (secret: Uint8Array, draft: Event.Draft): Event.Event => {
  const prepared = Event.prepare(draft)
  if (!prepared.ok) throw new Error(prepared.error.message)
  const signature = ed.sign(prepared.unsigned.message, secret)
  const decoded = Event.decode(Event.assemble(prepared.unsigned, signature))
  if (!decoded.ok) throw new Error(decoded.error.message)
  return decoded.event
}

/**
 * A test author of events over a growing DAG: tracks every author's chain and lets each
 * new event pick its parents, so tests can build concurrent histories.
 */
export class Builder {
  readonly events: Array<Event.Event> = []
  readonly genesis: Event.Event
  private readonly tips = new Map<string, Event.Event>()

  readonly founders: ReadonlyArray<Keys.DeviceKey>

  constructor(founders: ReadonlyArray<Keys.DeviceKey>, params: Record<string, number> = {}, time = 1_700_000_000_000) {
    this.founders = founders
    const author = founders[0]!
    this.genesis = signDraft(author.secret, {
      community: null,
      author: author.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time,
      module: "core",
      type: "genesis",
      body: { name: "Test", founders: Event.dedupeSorted(founders.map((f) => f.publicKey)) as Array<Uint8Array>, params }
    })
    this.events.push(this.genesis)
    this.tips.set(author.id, this.genesis)
  }

  get community(): Uint8Array {
    return this.genesis.id
  }

  /** Add an event by `key` whose parents are `parents` (default: every current head). */
  add(
    key: Keys.DeviceKey,
    module: string,
    type: string,
    body: Cbor.Value,
    options: { parents?: ReadonlyArray<Event.Event>; time?: number; seq?: number; prev?: Event.Event | null } = {}
  ): Event.Event {
    const tip = this.tips.get(key.id)
    const parents = options.parents ?? this.heads()
    const maxTime = Math.max(...parents.map((p) => p.header.time), tip?.header.time ?? 0)
    const prev = options.prev !== undefined ? options.prev : (tip ?? null)
    const event = signDraft(key.secret, {
      community: this.community,
      author: key.publicKey,
      seq: options.seq ?? (tip ? tip.header.seq + 1 : 1),
      prev: prev ? prev.id : null,
      parents: parents.filter((p) => !prev || p.key !== prev.key).map((p) => p.id),
      time: options.time ?? maxTime + 1000,
      module,
      type,
      body
    })
    this.events.push(event)
    if (!tip || event.header.seq > tip.header.seq) this.tips.set(key.id, event)
    return event
  }

  /** Events nobody names as parent or prev. */
  heads(): Array<Event.Event> {
    const named = new Set<string>()
    for (const e of this.events) {
      for (const p of e.header.parents) named.add(Bytes.toHex(p))
      if (e.header.prev) named.add(Bytes.toHex(e.header.prev))
    }
    return this.events.filter((e) => !named.has(e.key))
  }

  /** Body of a `core/device.add` by `adder` for `device`. */
  deviceAdd(adder: Keys.DeviceKey, device: Keys.DeviceKey): Cbor.Value {
    const consent = ed.sign(CoreEvents.deviceConsentMessage(this.community, adder.publicKey), device.secret)
    return { device: device.publicKey, consent }
  }
}
