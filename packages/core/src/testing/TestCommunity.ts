/**
 * A builder of signed test histories: a genesis by fixed founders, then events by any test
 * key on top of the parents a test picks (default: every head), each author keeping one
 * chain. Tests build concurrent histories with it and fold them through a real
 * {@link Replica.Replica}, in any delivery order.
 *
 * ```ts
 * import { TestCommunity, testKey } from "@affinity/core/testing"
 *
 * const ada = testKey(1, "Ada")
 * const bo = testKey(2, "Bo")
 * const c = new TestCommunity([ada, bo])
 * const base = c.heads()
 * c.tick(ada, c.time + 1000, { parents: base })
 * c.tick(bo, c.time + 1000, { parents: base }) // concurrent with Ada's
 * const replica = c.replica()
 * console.log(replica.orderedKeys().length === 3) // true
 * ```
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import type * as Cbor from "../Cbor.ts"
import * as CoreEvents from "../CoreEvents.ts"
import * as Event from "../Event.ts"
import type { DeviceKey } from "../Keys.ts"
import type * as Module from "../Module.ts"
import { Replica } from "../Replica.ts"
import { signDraft, signSync } from "./Signer.ts"

/** Genesis time of a test community unless told otherwise: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000

/** Where a new event goes in the DAG. */
export interface AddOptions {
  /** Causal parents (default: every current head). */
  readonly parents?: ReadonlyArray<Event.Event>
  /** Claimed time (default: one second after the latest of the parents and the author's last event). */
  readonly time?: number
  /** Sequence number (default: one after the author's last event). */
  readonly seq?: number
  /** The author's previous event (default: their last event; `null`: start a new chain). */
  readonly prev?: Event.Event | null
}

/** An event to append, as a value (the drafts module builders return). */
export interface EventDraft {
  readonly module: string
  readonly type: string
  readonly body: Cbor.Value
}

/** A signed test history over a growing DAG, by keys of type `K`; see the module comment. */
export class TestCommunity<K extends DeviceKey = DeviceKey> {
  /** Every event so far, the genesis first, in the order they were made. */
  readonly events: Array<Event.Event> = []
  /** The `core/genesis` event: its id is the community id. */
  readonly genesis: Event.Event
  /** The founders, full members from the genesis on; the first signed the genesis. */
  readonly founders: ReadonlyArray<K>
  /** Modules {@link replica} runs besides `core` unless told otherwise. */
  modules: ReadonlyArray<Module.Module> = []
  private readonly tips = new Map<string, Event.Event>()

  /** A genesis named `name` by `founders` (the first signs it) with `params`, at `time`. */
  constructor(founders: ReadonlyArray<K>, params: Readonly<Record<string, number>> = {}, time = T0, name = "Test") {
    const author = founders[0]
    if (author === undefined) throw new RangeError("a test community needs at least one founder")
    this.founders = founders
    this.genesis = signDraft(author.secret, {
      community: null,
      author: author.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time,
      module: "core",
      type: "genesis",
      body: { name, founders: Event.dedupeSorted(founders.map((f) => f.publicKey)) as Array<Uint8Array>, params: { ...params } }
    })
    this.events.push(this.genesis)
    this.tips.set(author.id, this.genesis)
  }

  /** The community id (the genesis id). */
  get community(): Uint8Array {
    return this.genesis.id
  }

  /** The latest claimed time of any event so far. */
  get time(): number {
    let t = 0
    for (const e of this.events) t = Math.max(t, e.header.time)
    return t
  }

  /** Sign an event by `key` and add it to the history (see {@link AddOptions}). */
  add(key: DeviceKey, module: string, type: string, body: Cbor.Value, options: AddOptions = {}): Event.Event {
    const event = this.signed(key, module, type, body, options)
    const tip = this.tips.get(key.id)
    this.events.push(event)
    if (!tip || event.header.seq > tip.header.seq) this.tips.set(key.id, event)
    return event
  }

  /**
   * Sign an event by `key` as {@link add} would place it, without adding it to the history:
   * a probe to deliver on its own (it names the parents and `prev` it would have).
   */
  signed(key: DeviceKey, module: string, type: string, body: Cbor.Value, options: AddOptions = {}): Event.Event {
    const tip = this.tips.get(key.id)
    const parents = options.parents ?? this.heads()
    const prev = options.prev !== undefined ? options.prev : (tip ?? null)
    const maxTime = Math.max(...parents.map((p) => p.header.time), tip?.header.time ?? 0)
    return signDraft(key.secret, {
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
  }

  /** Add an event from a draft (`{ module, type, body }`). */
  send(key: DeviceKey, draft: EventDraft, options: AddOptions = {}): Event.Event {
    return this.add(key, draft.module, draft.type, draft.body, options)
  }

  /** A `core/tick`: `key`'s clock attests `time`. */
  tick(key: DeviceKey, time: number, options: Omit<AddOptions, "time"> = {}): Event.Event {
    return this.add(key, "core", "tick", {}, { ...options, time })
  }

  /**
   * `core/tick`s by each of `keys` (default: the first two founders) attesting `time`, one on
   * top of the other; returns the last, which has them all in its causal past. Community
   * time needs the clocks of several members (`docs/protocol.md` §6), so one tick moves nothing.
   */
  witness(time: number, keys: ReadonlyArray<DeviceKey> = this.founders.slice(0, 2), options: Omit<AddOptions, "time"> = {}): Event.Event {
    let last: Event.Event | undefined
    for (const k of keys) last = this.tick(k, time, last === undefined ? options : options.parents === undefined ? {} : { parents: [last] })
    if (last === undefined) throw new RangeError("witness needs at least one key")
    return last
  }

  /** A `core/member.apply` by `key`: it becomes an applicant. */
  join(key: DeviceKey & { readonly name?: string }, options: AddOptions = {}): Event.Event {
    return this.add(key, "core", "member.apply", { note: `I am ${key.name ?? key.id.slice(0, 8)}` }, options)
  }

  /** The body of a `core/device.add` by `adder` for the new key `device` (with `device`'s consent). */
  deviceAdd(adder: DeviceKey, device: DeviceKey): Cbor.Value {
    return { device: device.publicKey, consent: signSync(device.secret, CoreEvents.deviceConsentMessage(this.community, adder.publicKey)) }
  }

  /** Events no other event names as a parent or as `prev`. */
  heads(): Array<Event.Event> {
    const named = new Set<string>()
    for (const e of this.events) {
      for (const p of e.header.parents) named.add(Bytes.toHex(p))
      if (e.header.prev) named.add(Bytes.toHex(e.header.prev))
    }
    return this.events.filter((e) => !named.has(e.key))
  }

  /**
   * A replica running `modules` (besides `core`; default {@link TestCommunity.modules}) that
   * holds the events of `order` (default: every event, in the order they were made), delivered
   * in one batch.
   */
  replica(order: ReadonlyArray<Event.Event> = this.events, modules: ReadonlyArray<Module.Module> = this.modules): Replica {
    const opened = Replica.open(this.genesis, { modules })
    if (!opened.ok) throw new Error(opened.error.message)
    opened.replica.ingest(order.filter((e) => e.key !== this.genesis.key))
    return opened.replica
  }
}
