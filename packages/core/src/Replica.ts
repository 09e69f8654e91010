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
import { sha256, sha256Equals } from "./Hash.ts"
import { type Claim, Log, type LogLimits, type Standing, type Verdict } from "./Log.ts"
import * as Membership from "./Membership.ts"
import * as Module from "./Module.ts"
import * as Query from "./Query.ts"
import * as Witnesses from "./internal/witnesses.ts"

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
  /**
   * The community's decision process: the one module whose effects may carry a decision's
   * warrant (see {@link Module.Warrant}). Defaults to the module named `governance` when one is
   * registered; `null` means none, so no effect can carry a decision. Naming a module that is
   * not registered is refused when the replica opens.
   */
  readonly decider?: string | null
  /** Apply positions between in-memory snapshots (default 512). */
  readonly snapshotEvery?: number
  readonly limits?: LogLimits
}

type States = Record<string, Cbor.Value>

/**
 * The fold of a replica's first `size` delivered events, as plain data: what a local
 * checkpoint stores so that reopening folds only the events delivered after it.
 */
export interface Checkpoint {
  /** Delivered events covered: indexes `0 … size - 1`, in delivery order. */
  readonly size: number
  /** `Log.digest(size)`: identifies those events and their delivery order. */
  readonly digest: Uint8Array
  /** `Log.ids(size)`: those events' ids, 32 bytes each, in delivery order. */
  readonly ids: Uint8Array
  /** Module names, sorted, `core` included. */
  readonly modules: ReadonlyArray<string>
  /** Canonical CBOR of the map of module states after folding those events. */
  readonly states: Uint8Array
  /** SHA-256 of `states`: the replica's state hash at that point. */
  readonly stateHash: Uint8Array
  /** Outcome of every covered event that is not a plain application without actions, by index. */
  readonly outcomes: ReadonlyArray<readonly [number, Outcome]>
}

/** What {@link Replica.resume} did with a checkpoint. */
export type Resumed =
  | { readonly _tag: "FromCheckpoint"; readonly position: number }
  | { readonly _tag: "FromGenesis"; readonly reason: string }

/**
 * A removal in force (a strong fact, `docs/protocol.md` §7): the identity's acts that the
 * removing event had not seen do not take effect.
 */
interface Removal {
  readonly identity: string
  /** Index of the event whose action removed the identity (a decision's close). */
  readonly at: number
  /** Index of the identity's act that sorts first among those the removal had not seen, if any. */
  readonly first: number | undefined
}

/** A removal is put in force at most this many times in one fold (see {@link Replica.settle}). */
const MAX_ATTEMPTS = 3

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
  /** The module that may mint decision warrants (see {@link ReplicaOptions.decider}). */
  readonly decider: string | null
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
  /** Fold positions applied to `states`; below `order.length` while the fold is behind. */
  private folded = 0
  /** The states queries see: those of the last completed fold. */
  private published: States
  /** Decoded events handed to `ingest` and not folded yet, by index (saves decoding them again). */
  private decoded = new Map<number, Event.Event>()
  /** Log size at which a checkpoint being restored was taken (see {@link loadStored}). */
  private restoreMark: number | undefined
  /** The state hash of `published`, once asked for (the encoding itself is not kept: it can be large). */
  private hashCache: Uint8Array | undefined
  /** Witness list of each delivered event (by index), made when it is folded or first needed (§6). */
  private lists: Array<ReadonlyArray<Witnesses.Witness> | undefined> = []
  /** Community time at each delivered event (by index), found when it is folded or first needed (§6). */
  private times: Array<number | undefined> = []
  /**
   * After resuming from a checkpoint: the full members before each covered fold position,
   * as the positions where the count changes and the count from there on (from the
   * restored membership histories), for the community time of covered events.
   */
  private counted: { readonly positions: ReadonlyArray<number>; readonly counts: ReadonlyArray<number> } | undefined
  /** Full members of each membership state the fold made, counted once per state. */
  private readonly fullCounts = new WeakMap<Membership.State, number>()
  /** Removals in force. */
  private removals: Array<Removal> = []
  /** How often each removal (`identity/at`) was put in force in this fold. */
  private attempts = new Map<string, number>()
  /** Full members of membership states the fold made, sorted (made when first asked for, then carried from state to state). */
  private readonly fullLists = new WeakMap<Membership.State, ReadonlyArray<string>>()
  /** `prefixMax[p]`: the highest event index among fold positions `0 … p` (kept as far as asked). */
  private prefixMax: Array<number> = []
  /** Identities removed by actions of the event being folded. */
  private removedNow: Array<string> = []
  /** Identity the event being folded acts for (set by {@link step}). */
  private stepIdentity: string | null = null
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
    for (const m of modules.values())
      for (const r of m.requires ?? [])
        if (!modules.has(r))
          throw new TypeError(`module ${m.name} requires module ${r}, which this community does not run; register ${r} too`)
    this.modules = modules
    this.moduleNames = [...modules.keys()].sort()
    const decider = options.decider === undefined ? (modules.has("governance") ? "governance" : null) : options.decider
    if (decider !== null && (decider === "core" || !modules.has(decider)))
      throw new TypeError(`the decider ${decider} is not a registered module`)
    this.decider = decider
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
    this.published = initial
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
   *
   * With `{ fold: false }` the events are linked and placed in the fold order but not
   * folded yet: call {@link fold} until it returns `true` (a caller that must not block
   * runs it in slices). Until then queries answer from the last completed fold.
   */
  ingest(
    events: ReadonlyArray<Event.Event>,
    options?: { readonly fold?: boolean }
  ): { readonly verdicts: ReadonlyArray<Verdict>; readonly delivered: ReadonlyArray<string> } {
    const verdicts: Array<Verdict> = []
    const delivered: Array<number> = []
    for (const e of events) {
      const r = this.log.add(e)
      verdicts.push(r.verdict)
      for (const i of r.delivered) {
        delivered.push(i)
        if (i === this.log.index.get(e.key)) this.decoded.set(i, e)
      }
    }
    if (delivered.length > 0) this.place(delivered)
    if (options?.fold !== false) this.fold()
    return { verdicts, delivered: delivered.map((i) => this.log.keys[i]!) }
  }

  /**
   * Fold up to `maxSteps` positions of the fold order; `true` once the fold has caught up
   * with every delivered event (and the new state is what queries see).
   */
  fold(maxSteps = Number.POSITIVE_INFINITY): boolean {
    let steps = 0
    const end = this.order.length
    while (this.folded < end && steps < maxSteps) {
      this.advance()
      steps++
    }
    if (this.folded < end) return false
    if (this.published !== this.states) {
      this.published = this.states
      this.hashCache = undefined
    }
    if (this.decoded.size > 0) this.decoded = new Map()
    return true
  }

  /** Whether delivered events are waiting to be folded (see {@link fold}). */
  get behind(): boolean {
    return this.folded < this.order.length
  }

  /** Merge newly delivered events into the fold order and move the fold back to the earliest change. */
  private place(delivered: ReadonlyArray<number>): void {
    const log = this.log
    const cmp = (a: number, b: number) => (log.before(a, b) ? -1 : log.before(b, a) ? 1 : 0)
    const fresh = foldOrder(log, delivered)
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
      if (this.prefixMax.length > from) this.prefixMax.length = from
    } else {
      from = Math.min(from, this.firstAffected())
      for (const f of fresh) this.order.push(f)
    }
    if (from < this.folded) this.rewind(this.cutRemovals(from))
  }

  /**
   * Before the fold resumes at `from` because the set of events changed: removals put in
   * force at or after the cut are forgotten (the fold finds them again), and the cut moves
   * back to the first act each of them had rejected. Returns the position to resume from.
   */
  private cutRemovals(from: number): number {
    let cut = from
    for (let changed = true; changed; ) {
      changed = false
      const kept: Array<Removal> = []
      for (const r of this.removals) {
        if (this.positionOf(r.at) < cut) kept.push(r)
        else {
          changed = true
          this.attempts.delete(`${r.identity}/${r.at}`)
          if (r.first !== undefined) cut = Math.min(cut, this.positionOf(r.first))
        }
      }
      this.removals = kept
    }
    for (const [k] of this.attempts) {
      const at = Number(k.slice(k.indexOf("/") + 1))
      if (this.positionOf(at) >= cut) this.attempts.delete(k)
    }
    return cut
  }

  /** Position of a delivered event in the fold order (binary search on depth, then id). */
  private positionOf(i: number): number {
    const order = this.order
    let lo = 0
    let hi = order.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.log.before(order[mid]!, i)) lo = mid + 1
      else hi = mid
    }
    return lo
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

  /** Restore the state before fold position `from` (or the nearest snapshot before it). */
  private rewind(from: number): void {
    for (let p = from; p < this.folded; p++) {
      this.lists[this.order[p]!] = undefined
      this.times[this.order[p]!] = undefined
    }
    // Snapshots after `from` hold states of the order as it was: made again when the fold passes.
    while (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1]!.position > from) this.snapshots.pop()
    if (from >= this.trailStart && from - this.trailStart < this.trail.length) {
      // The state before `from` is in the recent trail (always so when events only append).
      this.trail.length = from - this.trailStart + 1
      this.states = this.trail[this.trail.length - 1]!
      this.folded = from
      return
    }
    // Otherwise restore the latest sparse snapshot at or before `from`.
    const snap = this.snapshots[this.snapshots.length - 1]
    const p = snap ? snap.position : 0
    this.states = snap ? snap.states : this.initial
    this.trail = [this.states]
    this.trailStart = p
    this.folded = p
    if (p < from) this.stats.refolds++
  }

  /** Fold the event at position `folded`. */
  private advance(): void {
    const p = this.folded
    if (p % this.snapshotEvery === 0 && (this.snapshots.length === 0 || this.snapshots[this.snapshots.length - 1]!.position < p))
      this.snapshots.push({ position: p, states: this.states })
    const i = this.order[p]!
    let event = this.decoded.get(i)
    if (!event) {
      const d = Event.decode(this.log.bytes[i]!, { owned: true })
      if (!d.ok) throw new Error(`stored event ${this.log.keys[i]} no longer decodes: ${d.error.message}`)
      event = d.event
    }
    this.removedNow = []
    this.stepIdentity = null
    this.times[i] = this.timeAt(i, this.fullCount(this.states["core"] as Membership.State))
    const outcome = this.step(i, event)
    this.outcomes[i] = outcome
    this.lists[i] = this.makeList(i, outcome._tag === "Rejected" ? null : this.stepIdentity)
    this.stats.steps++
    this.folded = p + 1
    this.trail.push(this.states)
    if (this.trail.length > 2 * TRAIL) {
      this.trail.splice(0, TRAIL)
      this.trailStart += TRAIL
    }
    const back = this.settle(i, p)
    if (back <= p) this.rewind(back)
  }

  /**
   * After folding event `i` at position `p`: put in force the removals its actions made, and
   * withdraw the removals it made in an earlier pass and no longer makes. Either may change
   * acts that sort before `p`; returns the position the fold must resume from (`p + 1` when
   * nothing changed). A removal is put in force at most {@link MAX_ATTEMPTS} times, so the
   * fold always ends; the rule is stated in `docs/protocol.md` §7.
   */
  private settle(i: number, p: number): number {
    let back = p + 1
    const made = this.removedNow
    if (this.removals.length === 0 && made.length === 0) return back
    const kept: Array<Removal> = []
    for (const r of this.removals) {
      if (r.at === i && !made.includes(r.identity)) {
        if (r.first !== undefined) back = Math.min(back, this.positionOf(r.first))
      } else kept.push(r)
    }
    this.removals = kept
    for (const identity of made) {
      if (kept.some((r) => r.at === i && r.identity === identity)) continue
      const key = `${identity}/${i}`
      const n = this.attempts.get(key) ?? 0
      if (n >= MAX_ATTEMPTS) continue
      this.attempts.set(key, n + 1)
      const first = this.firstUnseen(identity, i)
      this.removals.push({ identity, at: i, first })
      if (first !== undefined) back = Math.min(back, this.positionOf(first))
    }
    return back
  }

  /** The removals a folded membership state records (each identity that left by decision, with its reason). */
  private removalsIn(core: Membership.State): Array<Removal> {
    const out: Array<Removal> = []
    for (const identity of Membership.members(core, "left")) {
      const entry = Membership.identity(core, identity)!
      const last = entry.history[entry.history.length - 1]
      const at = last === undefined ? undefined : this.log.index.get(last.at)
      if (entry.reason === null || at === undefined) continue
      out.push({ identity, at, first: this.firstUnseen(identity, at) })
    }
    return out
  }

  /** The act of `identity` that sorts first among those the event `at` had not seen (itself excepted). */
  private firstUnseen(identity: string, at: number): number | undefined {
    const log = this.log
    let first: number | undefined
    for (const device of log.devicesOf(identity))
      for (const e of log.eventsBy(device))
        if (e !== at && !log.isAncestor(e, at) && (first === undefined || log.before(e, first))) first = e
    return first
  }

  /** The removal in force that makes an act `i` of `identity` ineffective, if any. */
  private removalOf(identity: string, i: number): Removal | undefined {
    for (const r of this.removals) if (r.identity === identity && r.at !== i && !this.log.isAncestor(i, r.at)) return r
    return undefined
  }

  // ---------------------------------------------------------------------------------------
  // Community time

  /** Carry the count of full members from one membership state to the next (one identity's status changes per event). */
  private countFull(before: Membership.State, after: Membership.State, body: unknown, ctx: Context): void {
    const n = this.fullCounts.get(before)
    if (n === undefined) return
    const touched = new Set<string>()
    if (ctx.identity !== null) touched.add(ctx.identity)
    touched.add(ctx.device)
    const named = (body as { readonly identity?: unknown }).identity
    if (named instanceof Uint8Array) touched.add(Bytes.toHex(named))
    let delta = 0
    let list = this.fullLists.get(before)
    for (const id of touched) {
      const was = Membership.identity(before, id)?.status === "full" ? 1 : 0
      const is = Membership.identity(after, id)?.status === "full" ? 1 : 0
      delta += is - was
      if (list !== undefined && was !== is) list = is === 1 ? withSorted(list, id) : list.filter((m) => m !== id)
    }
    this.fullCounts.set(after, n + delta)
    if (list !== undefined) this.fullLists.set(after, list)
  }

  /** Full members in a membership state (counted once per state object, then kept). */
  private fullCount(core: Membership.State): number {
    let n = this.fullCounts.get(core)
    if (n === undefined) {
      n = Membership.members(core, "full").length
      this.fullCounts.set(core, n)
    }
    return n
  }

  /** Full members in a membership state, sorted (found once per state, or carried from the state before). */
  private fullList(core: Membership.State): ReadonlyArray<string> {
    let list = this.fullLists.get(core)
    if (list === undefined) {
      list = Membership.members(core, "full")
      this.fullLists.set(core, list)
    }
    return list
  }

  /** The highest event index among fold positions `0 … p`. */
  private highestUpTo(p: number): number {
    const m = this.prefixMax
    for (let q = m.length; q <= p; q++) {
      const i = this.order[q]!
      m.push(q === 0 || i > m[q - 1]! ? i : m[q - 1]!)
    }
    return m[p]!
  }

  /**
   * Full members as of the causal past of event `i`, the event being folded, sorted (what
   * `EventContext.fullMembers` answers). When every event folded before it is in its causal
   * past, as in a community whose members build on what they have seen, that is every full
   * member of the current membership state, kept from state to state; otherwise each
   * identity's history is read on the event's past.
   *
   * @internal
   */
  fullMembersAt(i: number): ReadonlyArray<string> {
    const core = this.states["core"] as Membership.State
    const p = this.folded
    if (this.order[p] === i && (p === 0 || this.log.coveredBy(i) > this.highestUpTo(p - 1))) return this.fullList(core)
    return Membership.identities(core).filter((id) => this.statusAt(core, id, i) === "full")
  }

  /** Whether an identity found in a witness list still counts at event `i` (it has not left or been removed in its past). */
  private counts(core: Membership.State, identity: string, i: number): boolean {
    const entry = Membership.identity(core, identity)
    if (entry === undefined) return false
    return entry.status === "full" || this.statusAt(core, identity, i) === "full"
  }

  /** Witness list of event `i` (made now, and kept), whose claim counts for `identity` when not `null`. */
  private makeList(i: number, identity: string | null): ReadonlyArray<Witnesses.Witness> {
    const core = this.states["core"] as Membership.State
    const log = this.log
    const deps = log.deps[i]!
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    for (const d of deps) lists.push(this.listOf(d))
    const own: Witnesses.Witness | undefined =
      identity !== null && this.statusAt(core, identity, i) === "full" ? [identity, log.time[i]!] : undefined
    return Witnesses.merge(lists, own, Witnesses.kept(core.community.params.timeWitnesses), (id) => this.counts(core, id, i))
  }

  /**
   * Witness list of event `i`. Events folded in this session have theirs; events covered by
   * a checkpoint get theirs when first needed, from their stored outcomes (their parents first).
   */
  private listOf(i: number): ReadonlyArray<Witnesses.Witness> {
    const known = this.lists[i]
    if (known !== undefined) return known
    const missing: Array<number> = []
    const seen = new Set<number>([i])
    const stack = [i]
    while (stack.length > 0) {
      const k = stack.pop()!
      missing.push(k)
      for (const d of this.log.deps[k]!) if (this.lists[d] === undefined && !seen.has(d)) (seen.add(d), stack.push(d))
    }
    missing.sort((a, b) => a - b)
    for (const k of missing) {
      const o = this.outcomes[k]
      const applied = k === 0 || (o !== undefined && o._tag === "Applied")
      if (this.times[k] === undefined) this.times[k] = this.timeAt(k, this.countBefore(k))
      this.lists[k] = this.makeList(k, applied ? (k === 0 ? this.log.author[0]! : (this.log.identityIn(this.log.author[k]!, k, "strong") ?? null)) : null)
    }
    return this.lists[i]!
  }

  /** Community time at a delivered event whose dependencies have their lists (see {@link listOf}). */
  private timeOf(i: number): number {
    const t = this.times[i]
    if (t !== undefined) return t
    this.listOf(i)
    return this.times[i]!
  }

  /** Full members before the fold position of covered event `i` (see {@link counted}). */
  private countBefore(i: number): number {
    const counted = this.counted
    if (counted === undefined) return this.fullCount(this.states["core"] as Membership.State)
    const p = this.positionOf(i)
    let lo = 0
    let hi = counted.positions.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (counted.positions[mid]! <= p) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? 0 : counted.counts[lo - 1]!
  }

  /**
   * Community time at event `i` with `n` full members: the `w(n)`-th latest claim that
   * counts among its dependencies' lists, and never less than a dependency's own community
   * time, so that a deadline once passed stays passed along every causal path (§6).
   */
  private timeAt(i: number, n: number): number {
    const core = this.states["core"] as Membership.State
    const deps = this.log.deps[i]!
    if (deps.length === 0) return this.genesis.header.time
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    let floor = this.genesis.header.time
    for (const d of deps) {
      lists.push(this.listOf(d))
      floor = Math.max(floor, this.timeOf(d))
    }
    const w = Witnesses.needed(core.community.params.timeWitnesses, n)
    return Math.max(floor, Witnesses.nth(lists, w, (id) => this.counts(core, id, i), this.genesis.header.time))
  }

  /** The membership counts before each covered position, from the histories of a restored state (see {@link counted}). */
  private countsFrom(core: Membership.State): { readonly positions: ReadonlyArray<number>; readonly counts: ReadonlyArray<number> } {
    const changes: Array<readonly [number, number]> = []
    for (const identity of Membership.identities(core)) {
      let was = false
      for (const h of Membership.identity(core, identity)!.history) {
        const full = h.status === "full"
        const at = this.log.index.get(h.at)
        if (full !== was && at !== undefined) changes.push([this.positionOf(at) + 1, full ? 1 : -1])
        was = full
      }
    }
    changes.sort((a, b) => a[0] - b[0])
    const positions: Array<number> = []
    const counts: Array<number> = []
    let n = 0
    for (const [p, delta] of changes) {
      n += delta
      if (positions.length > 0 && positions[positions.length - 1] === p) counts[counts.length - 1] = n
      else {
        positions.push(p)
        counts.push(n)
      }
    }
    return { positions, counts }
  }

  /**
   * Whether `w(n)` full members had seen event `key` before community time `time`, as the
   * fold knows it at its current position (`docs/protocol.md` §6, "Seen before"): each has
   * an applied event, folded before this position, that is `key` or has it in its causal
   * past, whose community time is below `time`; the event being judged (`at`, acting for
   * `identity`) counts for its own identity on the same terms.
   *
   * The events that can vouch are found from `key` forwards: they are its descendants, and
   * fold position and community time only grow along a causal path, so the walk stops at
   * any event folded from this position on or whose community time has reached `time`, and
   * as soon as `w(n)` members are found. Its cost follows what happened after `key`, not
   * the size of the community.
   */
  seenBefore(key: string, time: number, at: number, identity: string | null): boolean {
    const log = this.log
    const x = log.index.get(key)
    if (x === undefined) return false
    const core = this.states["core"] as Membership.State
    const need = Witnesses.needed(core.community.params.timeWitnesses, this.fullCount(core))
    const self =
      identity !== null && Membership.identity(core, identity)?.status === "full" && this.timeOf(at) < time && log.isAncestorOrSelf(x, at)
    if (self && need <= 1) return true
    const counted = new Set<string>()
    if (self) counted.add(identity)
    const seen = new Set<number>([x])
    const stack = [x]
    const visit = (child: number) => {
      if (!seen.has(child)) {
        seen.add(child)
        stack.push(child)
      }
    }
    while (stack.length > 0) {
      const e = stack.pop()!
      if (e === at || !log.before(e, at) || this.timeOf(e) >= time) continue
      const o = this.outcomes[e]
      if (e === 0 || (o !== undefined && o._tag === "Applied")) {
        for (const m of log.identitiesOf(log.author[e]!)) {
          if (counted.has(m) || Membership.identity(core, m)?.status !== "full") continue
          counted.add(m)
          if (counted.size >= need) return true
        }
      }
      log.forEachChild(e, visit)
    }
    return false
  }

  /** Community time at a delivered event: judged on its causal past (`docs/protocol.md` §6). */
  communityTimeAt(i: number): number {
    return this.timeOf(i)
  }

  /**
   * Community time as an event appended now on the current heads would see it (judged on the
   * membership the last completed fold shows).
   */
  communityTime(): number {
    const core = this.core
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    let floor = this.genesis.header.time
    for (const k of this.log.heads()) {
      const i = this.log.index.get(k)!
      lists.push(this.listOf(i))
      floor = Math.max(floor, this.timeOf(i))
    }
    const w = Witnesses.needed(core.community.params.timeWitnesses, this.fullCount(core))
    return Math.max(floor, Witnesses.nth(lists, w, (id) => Membership.identity(core, id)?.status === "full", this.genesis.header.time))
  }

  // ---------------------------------------------------------------------------------------
  // Checkpoints

  /**
   * The fold of every delivered event as a {@link Checkpoint}, or `undefined` while the
   * fold is behind.
   */
  checkpoint(): Checkpoint | undefined {
    if (this.behind || this.order.length !== this.log.size) return undefined
    const size = this.log.size
    const outcomes: Array<readonly [number, Outcome]> = []
    for (let i = 0; i < size; i++) {
      const o = this.outcomes[i]!
      if (o !== APPLIED && !(o._tag === "Applied" && o.actions.length === 0)) outcomes.push([i, o])
    }
    const encoded = Cbor.encode(this.published)
    const hash = sha256(encoded)
    this.hashCache = hash
    return { size, digest: this.log.digest(size), ids: this.log.ids(size), modules: this.moduleNames, states: encoded, stateHash: hash, outcomes }
  }

  /**
   * Add one record read back from storage to the log, without folding (see
   * `Log.addStored`); call {@link resume} once every record is in. Returns `undefined`, or
   * why the record cannot be read.
   *
   * @param checkpointSize - the `size` of the checkpoint {@link resume} will be given, if any.
   * @param id - the record's id, when the caller knows it belongs to these exact bytes
   *   (a checkpoint's `ids`, after its digest of the stored records matched them); the
   *   record is then not hashed again.
   */
  loadStored(bytes: Uint8Array, checkpointSize?: number, id?: Uint8Array): string | undefined {
    if (checkpointSize !== undefined && this.restoreMark === undefined) {
      this.restoreMark = checkpointSize
      // Facts learned up to the checkpoint are in its states; only later ones may affect them.
      if (this.log.size === checkpointSize) this.log.drainTouched()
    }
    const before = this.log.size
    const fast = this.log.addStored(bytes, id)
    if (fast === undefined) {
      const d = Event.decode(bytes, { owned: true })
      if (!d.ok) return d.error.message
      this.log.add(d.event)
    }
    if (this.restoreMark !== undefined && before < this.restoreMark && this.log.size >= this.restoreMark) {
      if (this.log.size > this.restoreMark) this.restoreMark = -1
      else this.log.drainTouched()
    }
    return undefined
  }

  /**
   * After {@link loadStored}: place every loaded event in the fold order and start the fold
   * from the checkpoint when it matches the log (the same first `size` events, no event
   * delivered since sorting before them, no fact learned since touching them), else from
   * the genesis. Then call {@link fold} until it returns `true`.
   */
  resume(checkpoint?: Checkpoint): Resumed {
    const steps = this.resumeInSteps(checkpoint)
    for (;;) {
      const r = steps.next()
      if (r.done === true) return r.value
    }
  }

  /**
   * {@link resume} in steps, for a caller that gives its host a turn between them (a page
   * opening a community): each `next()` does one part of the work (checking the states
   * against their hash, decoding them, ordering the covered events, placing the later
   * ones), and the last one returns what `resume` would. Nothing is changed before the
   * last step, so steps left unfinished leave the replica as it was.
   */
  *resumeInSteps(checkpoint?: Checkpoint): Generator<void, Resumed, void> {
    const mark = this.restoreMark
    const log = this.log
    const fresh = (): Array<number> => {
      const placed = new Uint8Array(log.size)
      for (const i of this.order) placed[i] = 1
      const out: Array<number> = []
      for (let i = 0; i < log.size; i++) if (placed[i] === 0) out.push(i)
      return out
    }
    const fromGenesis = (reason: string): Resumed => {
      this.restoreMark = undefined
      const all = fresh()
      if (all.length > 0) this.place(all)
      return { _tag: "FromGenesis", reason }
    }
    if (checkpoint === undefined) return fromGenesis("there is no checkpoint")
    const problem = this.unusable(checkpoint, mark)
    if (problem !== undefined) return fromGenesis(problem)
    yield
    if (!sha256Equals(checkpoint.states, checkpoint.stateHash)) return fromGenesis("the checkpoint's states do not match its state hash")
    yield
    const usable = this.decodeStates(checkpoint.states)
    if (typeof usable === "string") return fromGenesis(usable)
    yield
    const size = checkpoint.size
    // The fold order of the covered events, as the replica that wrote the checkpoint had it.
    const prefix: Array<number> = []
    for (let i = 0; i < size; i++) prefix.push(i)
    const ordered = foldOrder(log, prefix)
    yield
    this.restoreMark = undefined
    const later = fresh().filter((i) => i >= size)
    for (let i = 0; i < size; i++) this.outcomes[i] = APPLIED
    for (const [i, o] of checkpoint.outcomes) this.outcomes[i] = o
    this.order = ordered
    this.prefixMax = []
    this.states = usable
    this.published = usable
    this.hashCache = checkpoint.stateHash.slice()
    this.folded = size
    this.trail = [usable]
    this.trailStart = size
    this.snapshots = [{ position: size, states: usable }]
    this.removals = this.removalsIn(usable["core"] as Membership.State)
    this.counted = this.countsFrom(usable["core"] as Membership.State)
    this.attempts = new Map(this.removals.map((r) => [`${r.identity}/${r.at}`, 1]))
    if (later.length > 0) this.place(later)
    if (this.folded < size) {
      // An event delivered after the checkpoint sorts before its end, or a fact learned
      // since touches an event it covers: start again from the genesis.
      this.order = []
      this.prefixMax = []
      this.outcomes.length = 0
      this.states = this.initial
      this.published = this.initial
      this.hashCache = undefined
      this.folded = 0
      this.trail = [this.initial]
      this.trailStart = 0
      this.snapshots = []
      this.removals = []
      this.attempts = new Map()
      this.lists = []
      this.times = []
      this.counted = undefined
      const all: Array<number> = []
      for (let i = 0; i < log.size; i++) all.push(i)
      this.place(all)
      return { _tag: "FromGenesis", reason: "events delivered after the checkpoint change what it covers" }
    }
    return { _tag: "FromCheckpoint", position: size }
  }

  /** Why the checkpoint cannot match this replica's log (its states aside), or `undefined`. */
  private unusable(checkpoint: Checkpoint, mark: number | undefined): string | undefined {
    const log = this.log
    if (mark !== checkpoint.size) return "the stored records do not line up with the checkpoint"
    if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 1 || checkpoint.size > log.size)
      return `the checkpoint covers ${checkpoint.size} events; the log holds ${log.size}`
    if (checkpoint.modules.length !== this.moduleNames.length || checkpoint.modules.some((m, k) => m !== this.moduleNames[k]))
      return `the checkpoint was written with modules ${checkpoint.modules.join(", ")}, not ${this.moduleNames.join(", ")}`
    if (!Bytes.equals(log.digest(checkpoint.size), checkpoint.digest))
      return "the checkpoint was taken over other events than the first ones of this log"
    for (const [i] of checkpoint.outcomes) if (!Number.isSafeInteger(i) || i < 0 || i >= checkpoint.size) return "the checkpoint names an outcome outside it"
    return undefined
  }

  /** A checkpoint's states, decoded, when they are those of this replica's modules; else why not. */
  private decodeStates(bytes: Uint8Array): States | string {
    const decoded = Cbor.decode(bytes)
    if (!decoded.ok) return `the checkpoint's states do not decode: ${decoded.issue.message}`
    const value = decoded.value
    if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array)
      return "the checkpoint's states are not a map of module states"
    const states = value as States
    const names = Object.keys(states).sort()
    if (names.length !== this.moduleNames.length || names.some((m, k) => m !== this.moduleNames[k]))
      return "the checkpoint's states are not those of this replica's modules"
    return states
  }

  private context(i: number, event: Event.Event, identity: string | null, warrant: Module.Warrant): Context {
    return new Context(this, i, event.key, this.log.author[i]!, identity, event.header.time, warrant)
  }

  /** Status of an identity as of the causal past of event `i`. */
  statusAt(core: Membership.State, identity: string, i: number): Module.MemberStatus | undefined {
    const entry = Membership.identity(core, identity)
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
    if (i === 0) {
      this.stepIdentity = log.author[0]!
      return APPLIED
    }
    const device = log.author[i]!
    const fork = log.equivocations.get(device)
    if (fork !== undefined && h.seq >= fork) {
      // A key that forked its chain acts no more: here it leaves the keys listed (§9).
      this.retire(device)
      return rejected("Equivocated", `this key signed two events with sequence number ${fork}; its events from there on do not count`)
    }
    const standing = log.standing(device, i)
    // What the key registry makes of an event that adds a key, revokes one or leaves (§5, §9).
    const claim = h.module === "core" && REGISTRY_TYPES.has(h.type) ? log.claim(i) : undefined
    // A revocation or a departure that counts is applied for the identity it is by, even when
    // its signer no longer acts (revoked or departed concurrently): it only takes power away.
    const acting = claim !== undefined && claim.kind !== "add" && claim.counts !== undefined ? claim.counts : standing._tag === "Acts" ? standing.identity : null
    if (acting === null) {
      // A key that acts for no identity in the event's past may apply (the module judges it).
      if (standing._tag === "Revoked" || h.module !== "core" || h.type !== "member.apply" || log.identityIn(device, i, "past") !== undefined)
        return { _tag: "Rejected", reason: log.refusal(standing as Exclude<Standing, { readonly _tag: "Acts" }>) }
    } else if (claim !== undefined && claim.counts === undefined) return refusedClaim(claim)
    if (acting !== null) {
      const removal = this.removalOf(acting, i)
      if (removal !== undefined)
        return rejected(
          "Removed",
          `this member was removed by the decision recorded in ${log.keys[removal.at]!.slice(0, 12)}…; events they signed that the removal had not seen do not count`
        )
    }
    // The identity the author key itself acts for (its claim to community time, §6).
    this.stepIdentity = standing._tag === "Acts" ? standing.identity : null
    const direct: Module.Warrant = { _tag: "Direct" }
    const ctx = this.context(i, event, acting, direct)
    const r = this.run(h.module, h.type, event.body, ctx, 0)
    if (r._tag === "Failed") return { _tag: "Rejected", reason: r.reason }
    // A key added after it forked its chain (an event of it rejected `Equivocated` folds first) is not listed.
    if (claim?.kind === "add" && log.forkedBefore(claim.device!, i)) this.retire(claim.device!)
    return r.actions.length === 0 ? APPLIED : { _tag: "Applied", actions: r.actions }
  }

  /** Take a device key out of the keys the `core` state lists, when it is listed (a forked chain, §9). */
  private retire(device: string): void {
    const core = this.states["core"] as Membership.State
    const next = Membership.retire(core, device)
    if (next === core) return
    // Retiring a key changes no one's status: the count of full members carries over.
    const n = this.fullCounts.get(core)
    if (n !== undefined) this.fullCounts.set(next, n)
    const list = this.fullLists.get(core)
    if (list !== undefined) this.fullLists.set(next, list)
    this.states = { ...this.states, core: next }
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
    if (applied.state !== state) {
      if (moduleName === "core") this.countFull(state as Membership.State, applied.state as Membership.State, decoded.value, ctx)
      this.states = { ...this.states, [moduleName]: applied.state }
    }
    if (moduleName === "core" && type === "member.remove") this.removedNow.push(Bytes.toHex((decoded.value as CoreEvents.Remove).identity))
    const actions: Array<ActionOutcome> = []
    for (const effect of applied.effects ?? []) {
      if (depth + 1 > MAX_ACTION_DEPTH) {
        actions.push({ _tag: "Failed", module: effect.module, type: effect.type, reason: { _tag: "TooDeep", message: "actions nest too deeply" } })
        continue
      }
      const forged = this.forged(moduleName, effect.warrant, ctx)
      if (forged !== undefined) {
        actions.push({ _tag: "Failed", module: effect.module, type: effect.type, reason: forged })
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

  /**
   * Why the warrant an effect of `emitter` claims is not one the host grants, or `undefined`.
   * Only the decider may claim a decision, only from the event it is judging directly (a
   * close signed by a member), and only for that very event; an effect claiming `Direct`
   * acts as the event's author and is granted only while the author acts directly.
   */
  private forged(emitter: string, claim: Module.Warrant, ctx: Context): Module.Rejection | undefined {
    if (claim._tag === "Direct")
      return ctx.warrant._tag === "Direct"
        ? undefined
        : Module.reject("WarrantForged", `an action carried by a decision cannot act as the signer; ${emitter} asked to`)
    if (emitter !== this.decider)
      return Module.reject(
        "WarrantForged",
        `module ${emitter} is not this community's decision process${this.decider ? ` (${this.decider})` : ""}; only it can carry a decision`
      )
    if (ctx.warrant._tag !== "Direct" || claim.decision !== ctx.key)
      return Module.reject("WarrantForged", `a decision's warrant must name the event that records it (${ctx.key.slice(0, 12)}…)`)
    return undefined
  }

  /**
   * Answer module `moduleName`'s query `queryName` from its state at the fold position of the
   * context's event (the state the step has made so far), with that event's context (one whose
   * `ask` refuses). Never throws (see {@link Module.EventContext.ask}).
   *
   * @internal
   */
  answer(moduleName: string, queryName: string, args: Cbor.Value, ctx: Module.EventContext): Query.Answer {
    const module = this.modules.get(moduleName)
    if (!module) return Query.refuse("UnknownModule", `this community runs no module named ${moduleName}, so nothing answers ${moduleName}/${queryName}`)
    const queries = module.queries
    const query = queries !== undefined && Object.hasOwn(queries, queryName) ? queries[queryName] : undefined
    if (!query) return Query.refuse("UnknownQuery", `module ${moduleName} answers no query named ${queryName}`)
    const decoded = query.decode(args)
    if (!decoded.ok) return Query.refuse("InvalidArgs", `${moduleName}/${queryName}: ${decoded.message}`)
    try {
      return { ok: true, value: query.answer(this.states[moduleName]!, decoded.value, ctx) }
    } catch (e) {
      return Query.refuse("QueryFailed", `${moduleName}/${queryName} failed instead of answering: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  /** The state of a module (`"core"` for membership). */
  state<S extends Cbor.Value>(module: Module.Module<S> | string): S {
    const name = typeof module === "string" ? module : module.name
    return this.published[name] as S
  }

  /**
   * The membership state the fold is at (ahead of {@link core} while a fold runs in slices):
   * what an event's context must read.
   *
   * @internal
   */
  foldingCore(): Membership.State {
    return this.states["core"] as Membership.State
  }

  /** Membership state. */
  get core(): Membership.State {
    return this.published["core"] as Membership.State
  }

  /** What became of a delivered event, or `undefined` for an unknown key. */
  outcome(key: string): Outcome | undefined {
    const i = this.log.index.get(key)
    return i === undefined ? undefined : this.outcomes[i]
  }

  /** SHA-256 of the canonical encoding of every module's state (a map by module name). */
  stateHash(): Uint8Array {
    if (!this.hashCache) this.hashCache = sha256(Cbor.encode(this.published))
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
  /** Whether this is the context a query answers with (it cannot ask further). */
  readonly #querying: boolean

  constructor(
    replica: Replica,
    i: number,
    key: string,
    device: string,
    identity: string | null,
    time: number,
    warrant: Module.Warrant,
    querying = false
  ) {
    this.#replica = replica
    this.#i = i
    this.key = key
    this.device = device
    this.identity = identity
    this.time = time
    this.warrant = warrant
    this.#querying = querying
  }

  get communityTime(): number {
    return this.#replica.communityTimeAt(this.#i)
  }

  get params(): Module.Params {
    return this.#replica.foldingCore().community.params
  }

  /** Status of an identity as of this event's causal past (what `statusOf` answers). */
  status(identity: string): Module.MemberStatus | undefined {
    return this.#replica.statusAt(this.#replica.foldingCore(), identity, this.#i)
  }

  // The functions below are made when read (modules may pass them around detached), so a
  // step that does not use them allocates nothing for them.

  get statusOf(): (identity: string) => Module.MemberStatus | undefined {
    return (identity) => this.status(identity)
  }

  get fullMembers(): () => ReadonlyArray<string> {
    return () => this.#replica.fullMembersAt(this.#i)
  }

  get happenedBefore(): (key: string) => boolean {
    return (key) => {
      const log = this.#replica.log
      const x = log.index.get(key)
      return x !== undefined && log.isAncestor(x, this.#i)
    }
  }

  get seenBefore(): (key: string, time: number) => boolean {
    return (key, time) => this.#replica.seenBefore(key, time, this.#i, this.identity)
  }

  get ask(): (module: string, query: string, args: Cbor.Value) => Query.Answer {
    return (module, query, args) =>
      this.#querying
        ? Query.refuse("NestedQuery", `a query cannot ask another query; ${module}/${query} was asked from inside a query`)
        : this.#replica.answer(module, query, args, this.forQuery())
  }

  /** The context a query answers with: this event's, except that it cannot ask further. */
  forQuery(): Context {
    return this.#querying
      ? this
      : new Context(this.#replica, this.#i, this.key, this.device, this.identity, this.time, this.warrant, true)
  }

  /** The same context under another warrant (an action a decision carries). */
  withWarrant(warrant: Module.Warrant): Context {
    return new Context(this.#replica, this.#i, this.key, this.device, this.identity, this.time, warrant)
  }
}

/**
 * Event indexes sorted in fold order (depth, then id): by counting on depth, then by key
 * within a depth, so sorting a whole log costs little more than reading it.
 */
const foldOrder = (log: Log, indexes: ReadonlyArray<number>): Array<number> => {
  if (indexes.length < 64) return [...indexes].sort((a, b) => (log.before(a, b) ? -1 : log.before(b, a) ? 1 : 0))
  let min = Number.POSITIVE_INFINITY
  let max = 0
  for (const i of indexes) {
    const d = log.depth[i]!
    if (d < min) min = d
    if (d > max) max = d
  }
  const starts = new Int32Array(max - min + 2)
  for (const i of indexes) starts[log.depth[i]! - min + 1]! += 1
  for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!
  const out = new Array<number>(indexes.length)
  const next = starts.slice()
  for (const i of indexes) out[next[log.depth[i]! - min]!++] = i
  for (let k = 0; k + 1 < starts.length; k++) {
    const a = starts[k]!
    const b = starts[k + 1]!
    if (b - a > 1) {
      const run = out.slice(a, b).sort((x, y) => (log.keys[x]! < log.keys[y]! ? -1 : 1))
      for (let j = 0; j < run.length; j++) out[a + j] = run[j]!
    }
  }
  return out
}

/** A sorted list with `item` inserted where it sorts (a copy). */
const withSorted = (list: ReadonlyArray<string>, item: string): ReadonlyArray<string> => {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]! < item) lo = mid + 1
    else hi = mid
  }
  return [...list.slice(0, lo), item, ...list.slice(lo)]
}

/** `core` event types whose facts the key registry judges (`Log.claim`). */
const REGISTRY_TYPES: ReadonlySet<string> = new Set(["device.add", "device.revoke", "member.leave"])

/**
 * The rejection of a registry event whose author key acts but whose fact does not count
 * (`docs/protocol.md` §9).
 */
const refusedClaim = (claim: Claim): Outcome =>
  claim.kind === "add"
    ? rejected("DeviceKnown", "this device key was given to an identity before (an addition that counts comes first); it cannot be added again")
    : claim.kind === "revoke"
      ? rejected(
          "NotYourDevice",
          "a device key can only be revoked by its own identity, once its addition that counts is in the revocation's causal past"
        )
      : rejected("NotAMember", "this key acts for no member in the event's causal past, so its departure counts for no one")

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
