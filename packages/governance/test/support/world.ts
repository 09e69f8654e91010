/**
 * Test support: deterministic keys, synchronous signing (node:crypto's Ed25519, which gives
 * the same deterministic signatures as every other provider) and a builder of event DAGs
 * folded by a replica running the governance module.
 */
import * as nodeCrypto from "node:crypto"
import { Bytes, type Cbor, Event, Module, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as D from "../../src/internal/decode.ts"

export interface Key {
  readonly name: string
  readonly secret: Uint8Array
  readonly publicKey: Uint8Array
  readonly id: string
}

const PKCS8_PREFIX = Bytes.fromHex("302e020100300506032b657004220420")!

const privateKey = (secret: Uint8Array) =>
  nodeCrypto.createPrivateKey({ key: Buffer.from(Bytes.concat(PKCS8_PREFIX, secret)), format: "der", type: "pkcs8" })

/** The key whose 32-byte secret seed is `fill` repeated. */
export const fixedKey = (name: string, fill: number): Key => {
  const secret = new Uint8Array(32).fill(fill)
  const der = nodeCrypto.createPublicKey(privateKey(secret)).export({ format: "der", type: "spki" })
  const publicKey = new Uint8Array(der.subarray(der.length - 32))
  return { name, secret, publicKey, id: Bytes.toHex(publicKey) }
}

/** A deterministic key from a small number (1 … 255). */
export const key = (n: number, name = `k${n}`): Key => fixedKey(name, n)

export const sign = (secret: Uint8Array, message: Uint8Array): Uint8Array =>
  new Uint8Array(nodeCrypto.sign(null, message, privateKey(secret)))

/** Sign a draft and decode the result. */
export const signDraft = (secret: Uint8Array, draft: Event.Draft): Event.Event => {
  const prepared = Event.prepare(draft)
  if (!prepared.ok) throw new Error(prepared.error.message)
  const decoded = Event.decode(Event.assemble(prepared.unsigned, sign(secret, prepared.unsigned.message)))
  if (!decoded.ok) throw new Error(decoded.error.message)
  return decoded.event
}

/** Genesis time of every test community: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000
export const HOUR = Governance.HOUR
export const DAY = Governance.DAY

export interface AddOptions {
  readonly parents?: ReadonlyArray<Event.Event>
  readonly time?: number
}

/** A builder of signed events over a growing DAG (each author keeps one chain). */
export class World {
  readonly events: Array<Event.Event> = []
  readonly genesis: Event.Event
  private readonly tips = new Map<string, Event.Event>()
  readonly founders: ReadonlyArray<Key>
  /** Modules the replica runs besides core and governance. */
  modules: ReadonlyArray<Module.Module> = []

  constructor(founders: ReadonlyArray<Key>, params: Record<string, number> = {}, time = T0) {
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

  /** Add an event by `key` on top of `parents` (default: every current head). */
  add(key: Key, module: string, type: string, body: Cbor.Value, options: AddOptions = {}): Event.Event {
    const tip = this.tips.get(key.id)
    const parents = options.parents ?? this.heads()
    const maxTime = Math.max(...parents.map((p) => p.header.time), tip?.header.time ?? 0)
    const event = signDraft(key.secret, {
      community: this.community,
      author: key.publicKey,
      seq: tip ? tip.header.seq + 1 : 1,
      prev: tip ? tip.id : null,
      parents: parents.filter((p) => !tip || p.key !== tip.key).map((p) => p.id),
      time: options.time ?? maxTime + 1000,
      module,
      type,
      body
    })
    this.events.push(event)
    this.tips.set(key.id, event)
    return event
  }

  /** Add a governance (or other) draft built by the helpers. */
  send(key: Key, draft: Governance.Draft, options: AddOptions = {}): Event.Event {
    return this.add(key, draft.module, draft.type, draft.body, options)
  }

  /** A `core/tick` attesting `key`'s clock at `time`. */
  tick(key: Key, time: number, options: Omit<AddOptions, "time"> = {}): Event.Event {
    return this.add(key, "core", "tick", {}, { ...options, time })
  }

  /**
   * `core/tick`s by each of `keys` (default: the first two founders) attesting `time`, one on
   * top of the other; returns the last, which has them all in its causal past. From three full
   * members on, community time needs the clocks of at least two of them (`docs/protocol.md`
   * §6), so one member's tick moves nothing.
   */
  witness(time: number, keys: ReadonlyArray<Key> = this.founders.slice(0, 2), options: Omit<AddOptions, "time"> = {}): Event.Event {
    let last: Event.Event | undefined
    for (const k of keys) last = this.tick(k, time, last === undefined ? options : options.parents === undefined ? {} : { parents: [last] })
    if (last === undefined) throw new Error("witness needs at least one key")
    return last
  }

  /** `core/member.apply` by a new key. */
  apply(key: Key, options: AddOptions = {}): Event.Event {
    return this.add(key, "core", "member.apply", { note: `I am ${key.name}` }, options)
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

  /** A replica holding every event so far, delivered in creation order (or `order`). */
  replica(order: ReadonlyArray<Event.Event> = this.events): Replica.Replica {
    const opened = Replica.Replica.open(this.genesis, { modules: [Governance.module, ...this.modules] })
    if (!opened.ok) throw new Error(opened.error.message)
    opened.replica.ingest(order.filter((e) => e.key !== this.genesis.key))
    return opened.replica
  }
}

/** The governance state of a replica. */
export const gov = (replica: Replica.Replica): Governance.State => replica.state<Governance.State>(Governance.module)

/** The outcome of an event, or a thrown error when it is unknown. */
export const outcome = (replica: Replica.Replica, e: Event.Event): Replica.Outcome => {
  const o = replica.outcome(e.key)
  if (!o) throw new Error(`no outcome for ${e.header.module}/${e.header.type}`)
  return o
}

/** The rejection tag of an event, or `"Applied"`. */
export const tagOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = outcome(replica, e)
  return o._tag === "Applied" ? "Applied" : o.reason._tag
}

/** State of the test module `garden`: what was planted, and under which warrant. */
export type GardenState = { readonly planted: ReadonlyArray<{ readonly what: string; readonly by: string }> }

const warrantText = (w: Module.Warrant): string =>
  w._tag === "Direct" ? "direct" : w.body._tag === "Community" ? "community" : w.body._tag === "Prime" ? `prime:${w.body.module}` : `group:${w.body.group}`

const plant = (authority: Module.AuthorityKind) =>
  D.eventType<GardenState, { readonly what: string }>({
    body: D.struct({ what: D.text(1, 100) }),
    authority,
    apply: (state, body, ctx) => ({ state: { planted: [...state.planted, { what: body.what, by: warrantText(ctx.warrant) }] } })
  })

/** A test module with one event type per authority kind: plant (mandate), seed (prime), fence (community), water (member). */
export const testModule = (name: string): Module.Module<GardenState> =>
  Module.make<GardenState>({
    name,
    init: () => ({ planted: [] }),
    events: { plant: plant("mandate"), seed: plant("prime"), fence: plant("community"), water: plant("member") }
  })

export const garden = testModule("garden")
