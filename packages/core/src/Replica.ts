/**
 * A replica: one community's log folded through its modules into state.
 *
 * The fold is deterministic: delivered events are applied in (depth, id) order, which is
 * a linear extension of the causal order fixed by the set of events alone. When an event
 * arrives that sorts before events already applied, the fold resumes from the nearest
 * snapshot before it instead of from genesis.
 *
 * A `Replica` is synchronous and pure over its inputs; signatures must be checked before
 * events are handed to it (see `Community` for the verified, stored, Effect-based API).
 *
 * @module
 */
import * as Bytes from "./Bytes.ts"
import * as Cbor from "./Cbor.ts"
import * as CoreEvents from "./CoreEvents.ts"
import * as Event from "./Event.ts"
import { sha256 } from "./Hash.ts"
import { Log, type LogLimits, type Verdict } from "./Log.ts"
import * as Membership from "./Membership.ts"
import * as Module from "./Module.ts"

/** What became of a delivered event in the fold. */
export type Outcome =
  | { readonly _tag: "Applied"; readonly actions: ReadonlyArray<ActionOutcome> }
  | { readonly _tag: "Rejected"; readonly reason: Module.Rejection }

/** What became of one action an event carried (a decision's payload). */
export type ActionOutcome =
  | { readonly _tag: "Applied"; readonly module: string; readonly type: string }
  | { readonly _tag: "Failed"; readonly module: string; readonly type: string; readonly reason: Module.Rejection }

/** Options of a replica. */
export interface ReplicaOptions {
  /** Modules besides `core`. Names must be unique. */
  readonly modules?: ReadonlyArray<Module.Module>
  /** Apply positions between in-memory snapshots (default 512). */
  readonly snapshotEvery?: number
  readonly limits?: LogLimits
}

type States = Record<string, Cbor.Value>

interface Snapshot {
  readonly position: number
  readonly states: States
}

const MAX_ACTION_DEPTH = 4

/** Fold positions whose preceding state is kept (between TRAIL and 2 × TRAIL), so late events near the tail refold only what follows them. */
const TRAIL = 256

/** Why a genesis cannot start a community. */
export interface GenesisError {
  readonly _tag: "GenesisError"
  readonly message: string
}

/** A community's log and the state folded from it. */
export class Replica {
  readonly log: Log
  readonly genesis: Event.Event
  readonly id: string
  private readonly modules: ReadonlyMap<string, Module.Module<Cbor.Value>>
  private readonly moduleNames: ReadonlyArray<string>
  private readonly snapshotEvery: number
  private readonly initial: States

  /** Delivered event indexes in fold order. */
  private order: Array<number> = []
  private readonly outcomes: Array<Outcome> = []
  private states: States
  private snapshots: Array<Snapshot> = []
  /** States before each of the latest fold positions: `trail[k]` is the state before position `trailStart + k`. */
  private trail: Array<States> = []
  private trailStart = 0
  private hashCache: Uint8Array | undefined
  /** Counters for diagnostics and benchmarks: `steps` is how many fold steps ran in total. */
  readonly stats = { steps: 0, refolds: 0 }

  private constructor(genesis: Event.Event, body: CoreEvents.Genesis, options: ReplicaOptions) {
    this.genesis = genesis
    this.id = genesis.key
    this.log = new Log(genesis.id, options.limits)
    this.snapshotEvery = options.snapshotEvery ?? 512
    const modules = new Map<string, Module.Module<Cbor.Value>>()
    modules.set("core", Membership.module as unknown as Module.Module<Cbor.Value>)
    for (const m of options.modules ?? []) {
      if (modules.has(m.name)) throw new TypeError(`module ${m.name} is registered twice`)
      modules.set(m.name, m as unknown as Module.Module<Cbor.Value>)
    }
    this.modules = modules
    this.moduleNames = [...modules.keys()].sort()
    const g: Module.Genesis = {
      community: genesis.key,
      name: body.name,
      founders: body.founders.map(Bytes.toHex).sort(),
      params: { ...Module.defaultParams, ...body.params },
      time: genesis.header.time
    }
    const initial: States = {}
    for (const name of this.moduleNames) initial[name] = modules.get(name)!.init(g)
    this.initial = initial
    this.states = initial
    this.trail = [initial]
    this.ingest([genesis])
  }

  /**
   * Start a replica from a genesis event (signature already checked). Fails when the event
   * is not a well-formed genesis signed by one of its founders.
   */
  static open(
    genesis: Event.Event,
    options: ReplicaOptions = {}
  ): { readonly ok: true; readonly replica: Replica } | { readonly ok: false; readonly error: GenesisError } {
    const h = genesis.header
    if (h.module !== "core" || h.type !== "genesis")
      return { ok: false, error: { _tag: "GenesisError", message: "the first event of a community must be core/genesis" } }
    const body = CoreEvents.decodeBody(CoreEvents.Genesis, genesis.body)
    if (!body)
      return { ok: false, error: { _tag: "GenesisError", message: "the genesis body does not match core/genesis" } }
    if (!body.founders.some((f) => Bytes.equals(f, h.author)))
      return { ok: false, error: { _tag: "GenesisError", message: "a genesis must be signed by one of its founders" } }
    return { ok: true, replica: new Replica(genesis, body, options) }
  }

  /**
   * Hand over events whose signatures are valid. Each gets a verdict from the log; the
   * delivered ones are folded. Returns the verdicts, in input order, and the keys
   * delivered (in delivery order).
   */
  ingest(events: ReadonlyArray<Event.Event>): { readonly verdicts: ReadonlyArray<Verdict>; readonly delivered: ReadonlyArray<string> } {
    const verdicts: Array<Verdict> = []
    const delivered: Array<number> = []
    const decoded = new Map<number, Event.Event>()
    for (const e of events) {
      const r = this.log.add(e)
      verdicts.push(r.verdict)
      for (const i of r.delivered) {
        delivered.push(i)
        if (i === this.log.index.get(e.key)) decoded.set(i, e)
      }
    }
    if (delivered.length > 0) this.place(delivered, decoded)
    return { verdicts, delivered: delivered.map((i) => this.log.keys[i]!) }
  }

  /** Merge newly delivered events into the fold order and fold from the earliest change. */
  private place(delivered: ReadonlyArray<number>, decoded: Map<number, Event.Event>): void {
    const log = this.log
    const cmp = (a: number, b: number) => (log.before(a, b) ? -1 : log.before(b, a) ? 1 : 0)
    const fresh = [...delivered].sort(cmp)
    let from = this.order.length
    // Events appended after the current tail fold forward; others force a refold.
    if (this.order.length > 0 && cmp(fresh[0]!, this.order[this.order.length - 1]!) < 0) {
      const merged: Array<number> = []
      let i = 0
      let j = 0
      while (i < this.order.length || j < fresh.length) {
        if (j >= fresh.length || (i < this.order.length && cmp(this.order[i]!, fresh[j]!) < 0)) merged.push(this.order[i++]!)
        else {
          if (from === this.order.length) from = merged.length
          merged.push(fresh[j++]!)
        }
      }
      from = Math.min(from, this.firstAffected())
      this.order = merged
    } else {
      from = Math.min(from, this.firstAffected())
      for (const f of fresh) this.order.push(f)
    }
    this.foldFrom(from, decoded)
  }

  /**
   * The earliest fold position whose outcome may change because these events added facts
   * about the whole log (a revoked device, a departure, a forked chain): such facts can
   * make concurrent events that were already applied ineffective.
   */
  private firstAffected(): number {
    const devices = this.log.drainTouched()
    if (devices.size === 0) return Number.POSITIVE_INFINITY
    for (let p = 0; p < this.order.length; p++) if (devices.has(this.log.author[this.order[p]!]!)) return p
    return Number.POSITIVE_INFINITY
  }

  private foldFrom(from: number, decoded: Map<number, Event.Event>): void {
    let p: number
    if (from >= this.trailStart && from - this.trailStart < this.trail.length) {
      // The state before `from` is in the recent trail (always so when events only append).
      p = from
      this.trail.length = from - this.trailStart + 1
      this.states = this.trail[this.trail.length - 1]!
    } else {
      // Otherwise restore the latest sparse snapshot at or before `from`.
      while (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1]!.position > from) this.snapshots.pop()
      const snap = this.snapshots[this.snapshots.length - 1]
      p = snap ? snap.position : 0
      this.states = snap ? snap.states : this.initial
      this.trail = [this.states]
      this.trailStart = p
    }
    this.hashCache = undefined
    if (p < from) this.stats.refolds++
    for (; p < this.order.length; p++) {
      if (p % this.snapshotEvery === 0 && (this.snapshots.length === 0 || this.snapshots[this.snapshots.length - 1]!.position < p))
        this.snapshots.push({ position: p, states: this.states })
      const i = this.order[p]!
      let event = decoded.get(i)
      if (!event) {
        const d = Event.decode(this.log.bytes[i]!, { owned: true })
        if (!d.ok) throw new Error(`stored event ${this.log.keys[i]} no longer decodes: ${d.error.message}`)
        event = d.event
      }
      this.outcomes[i] = this.step(i, event)
      this.stats.steps++
      this.trail.push(this.states)
      if (this.trail.length > 2 * TRAIL) {
        this.trail.splice(0, TRAIL)
        this.trailStart += TRAIL
      }
    }
  }

  private context(i: number, event: Event.Event, identity: string | null, warrant: Module.Warrant): Context {
    return new Context(this, i, event.key, this.log.author[i]!, identity, event.header.time, warrant)
  }

  /** Status of an identity as of the causal past of event `i`. */
  statusAt(core: Membership.State, identity: string, i: number): Module.MemberStatus | undefined {
    const entry = core.identities[identity]
    if (!entry) return undefined
    let status: Module.MemberStatus | undefined
    for (const h of entry.history) {
      const at = this.log.index.get(h.at)
      if (at !== undefined && this.log.isAncestorOrSelf(at, i)) status = h.status
    }
    return status
  }

  private step(i: number, event: Event.Event): Outcome {
    const log = this.log
    const h = event.header
    if (i === 0) return APPLIED
    const device = log.author[i]!
    const fork = log.equivocations.get(device)
    if (fork !== undefined && h.seq >= fork)
      return rejected("Equivocated", `this key signed two events with sequence number ${fork}; its events from there on do not count`)
    const identity = log.identityIn(device, i, "strong") ?? null
    if (identity === null) {
      if (log.revocationsOf(device).length > 0)
        return rejected("DeviceRevoked", "this device key was revoked; events it signed that the revocation had not seen do not count")
      const applying = h.module === "core" && h.type === "member.apply"
      const known = log.identityIn(device, i, "past")
      if (!applying || known !== undefined)
        return rejected(
          known === undefined && this.everLeft(device) ? "MemberLeft" : "UnknownAuthor",
          known === undefined && this.everLeft(device)
            ? "this member left; events they signed that the departure had not seen do not count"
            : "this key belongs to no identity of the community"
        )
    }
    const direct: Module.Warrant = { _tag: "Direct" }
    const ctx = this.context(i, event, identity, direct)
    const r = this.run(h.module, h.type, event.body, ctx, 0)
    if (r._tag === "Failed") return { _tag: "Rejected", reason: r.reason }
    return r.actions.length === 0 ? APPLIED : { _tag: "Applied", actions: r.actions }
  }

  private everLeft(device: string): boolean {
    const core = this.states["core"] as Membership.State
    const identity = core.devices[device] ?? device
    return this.log.departuresOf(identity).length > 0
  }

  /** Judge and apply one event body or action, then the actions it carries. */
  private run(
    moduleName: string,
    type: string,
    rawBody: Cbor.Value,
    ctx: Context,
    depth: number
  ): { readonly _tag: "Applied"; readonly actions: ReadonlyArray<ActionOutcome> } | { readonly _tag: "Failed"; readonly reason: Module.Rejection } {
    const module = this.modules.get(moduleName)
    if (!module) return failed("UnknownModule", `this community runs no module named ${moduleName}`)
    const def = Object.hasOwn(module.events, type) ? module.events[type] : undefined
    if (!def) return failed("UnknownType", `module ${moduleName} has no event type ${type}`)
    const decoded = def.decode(rawBody)
    if (!decoded.ok) return failed("InvalidBody", `${moduleName}/${type}: ${decoded.message}`)
    if (ctx.warrant._tag === "Direct") {
      if (def.authority === "member" && (ctx.identity === null || ctx.status(ctx.identity) !== "full"))
        return failed("NotAFullMember", `${moduleName}/${type} is for full members`)
      if (def.authority !== "member" && def.authority !== "anyone")
        return failed(
          "NeedsDecision",
          `${moduleName}/${type} needs ${authorityText(def.authority)}; propose it as a decision's action`
        )
    } else if (!Module.satisfies(def.authority, ctx.warrant, moduleName)) {
      return failed("WarrantInsufficient", `${moduleName}/${type} needs ${authorityText(def.authority)}`)
    }
    const state = this.states[moduleName]!
    const rejection = def.validate(state, decoded.value, ctx)
    if (rejection) return { _tag: "Failed", reason: rejection }
    const applied = def.apply(state, decoded.value, ctx)
    if (applied.state !== state) this.states = { ...this.states, [moduleName]: applied.state }
    const actions: Array<ActionOutcome> = []
    for (const effect of applied.effects ?? []) {
      if (depth + 1 > MAX_ACTION_DEPTH) {
        actions.push({ _tag: "Failed", module: effect.module, type: effect.type, reason: { _tag: "TooDeep", message: "actions nest too deeply" } })
        continue
      }
      const before = this.states
      const r = this.run(effect.module, effect.type, effect.body, ctx.withWarrant(effect.warrant), depth + 1)
      if (r._tag === "Failed") {
        this.states = before
        actions.push({ _tag: "Failed", module: effect.module, type: effect.type, reason: r.reason })
      } else actions.push({ _tag: "Applied", module: effect.module, type: effect.type }, ...r.actions)
    }
    return { _tag: "Applied", actions }
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  /** The state of a module (`"core"` for membership). */
  state<S extends Cbor.Value>(module: Module.Module<S> | string): S {
    const name = typeof module === "string" ? module : module.name
    return this.states[name] as S
  }

  /** Membership state. */
  get core(): Membership.State {
    return this.states["core"] as Membership.State
  }

  /** What became of a delivered event, or `undefined` for an unknown key. */
  outcome(key: string): Outcome | undefined {
    const i = this.log.index.get(key)
    return i === undefined ? undefined : this.outcomes[i]
  }

  /** SHA-256 of the canonical encoding of every module's state (a map by module name). */
  stateHash(): Uint8Array {
    if (!this.hashCache) this.hashCache = sha256(Cbor.encode(this.states))
    return this.hashCache
  }

  /** Hex of {@link stateHash}. */
  stateHashHex(): string {
    return Bytes.toHex(this.stateHash())
  }

  /** Keys of delivered events in fold order. */
  orderedKeys(): ReadonlyArray<string> {
    return this.order.map((i) => this.log.keys[i]!)
  }

  /** Wire bytes of a delivered event. */
  bytesOf(key: string): Uint8Array | undefined {
    const i = this.log.index.get(key)
    return i === undefined ? undefined : this.log.bytes[i]
  }

  /** Next sequence number and backlink for an author key. */
  chainTip(author: string): { readonly seq: number; readonly prev: Uint8Array | null } {
    const tip = this.log.tip(author)
    return tip === undefined ? { seq: 1, prev: null } : { seq: tip.seq + 1, prev: Bytes.fromHex(this.log.keys[tip.index]!)! }
  }

  /** Latest claimed time among the current heads (a new event must not claim less). */
  headTime(): number {
    let t = 0
    for (const k of this.log.heads()) t = Math.max(t, this.log.time[this.log.index.get(k)!]!)
    return t
  }
}

/**
 * The {@link Module.EventContext} of one fold step: one object whose methods live on the
 * prototype, so a step allocates no closures. Answers read the replica's current state.
 */
class Context implements Module.EventContext {
  readonly #replica: Replica
  readonly #i: number
  readonly key: string
  readonly device: string
  readonly identity: string | null
  readonly time: number
  readonly warrant: Module.Warrant

  constructor(replica: Replica, i: number, key: string, device: string, identity: string | null, time: number, warrant: Module.Warrant) {
    this.#replica = replica
    this.#i = i
    this.key = key
    this.device = device
    this.identity = identity
    this.time = time
    this.warrant = warrant
  }

  get communityTime(): number {
    return this.#replica.log.communityTime(this.#i)
  }

  get params(): Module.Params {
    return this.#replica.core.community.params
  }

  /** Status of an identity as of this event's causal past (what `statusOf` answers). */
  status(identity: string): Module.MemberStatus | undefined {
    return this.#replica.statusAt(this.#replica.core, identity, this.#i)
  }

  // The functions below are made when read (modules may pass them around detached), so a
  // step that does not use them allocates nothing for them.

  get statusOf(): (identity: string) => Module.MemberStatus | undefined {
    return (identity) => this.status(identity)
  }

  get fullMembers(): () => ReadonlyArray<string> {
    return () => {
      const core = this.#replica.core
      return Object.keys(core.identities)
        .filter((id) => this.#replica.statusAt(core, id, this.#i) === "full")
        .sort()
    }
  }

  get happenedBefore(): (key: string) => boolean {
    return (key) => {
      const log = this.#replica.log
      const x = log.index.get(key)
      return x !== undefined && log.isAncestor(x, this.#i)
    }
  }

  /** The same context under another warrant (an action a decision carries). */
  withWarrant(warrant: Module.Warrant): Context {
    return new Context(this.#replica, this.#i, this.key, this.device, this.identity, this.time, warrant)
  }
}

/** The outcome of every event applied without actions (shared: outcomes are read-only). */
const APPLIED: Outcome = Object.freeze({ _tag: "Applied", actions: Object.freeze([]) })

const rejected = (tag: string, message: string): Outcome => ({ _tag: "Rejected", reason: { _tag: tag, message } })
const failed = (tag: string, message: string) => ({ _tag: "Failed" as const, reason: { _tag: tag, message } })

const authorityText = (a: Module.AuthorityKind): string =>
  a === "community"
    ? "a community decision"
    : a === "prime"
      ? "the consensus of the module's prime working group"
      : a === "mandate"
        ? "a working group's mandate"
        : a === "member"
          ? "a full member"
          : "a signature"
