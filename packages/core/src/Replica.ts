/**
 * A replica: one community's log folded through its modules into state.
 *
 * The fold is deterministic: delivered events are applied in (depth, id) order, which is
 * a linear extension of the causal order fixed by the set of events alone. When an event
 * arrives that sorts before events already applied, the fold resumes from the nearest
 * snapshot before it instead of from genesis.
 *
 * This file holds the fold order and how the fold moves back; each step's authority gate
 * is in `replica/Gate.ts`, community time in `replica/CommunityClock.ts`, removals in
 * `replica/Removals.ts`, checkpoints in `replica/Checkpoints.ts`, queries in
 * `replica/Queries.ts`.
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
import { Log, type LogLimits, type Verdict } from "./Log.ts"
import * as Membership from "./Membership.ts"
import * as Module from "./Module.ts"
import type * as Query from "./Query.ts"
import { type Checkpoint, decodeStates, type Resumed, take, unusable } from "./replica/Checkpoints.ts"
import { CommunityClock, statusAt } from "./replica/CommunityClock.ts"
import type { Folding, States } from "./replica/Folding.ts"
import { foldOrder, positionIn } from "./replica/FoldOrder.ts"
import { Gate } from "./replica/Gate.ts"
import type * as OutcomeTypes from "./replica/Outcome.ts"
import { APPLIED } from "./replica/Outcome.ts"
import { answer } from "./replica/Queries.ts"
import { Removals } from "./replica/Removals.ts"
import { encodeCached } from "./internal/encodeCached.ts"

/** What became of a delivered event in the fold. */
export type Outcome = OutcomeTypes.Outcome
/** What became of one action an event carried (a decision's payload). */
export type ActionOutcome = OutcomeTypes.ActionOutcome
export type { Checkpoint, Resumed } from "./replica/Checkpoints.ts"

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

interface Snapshot {
  readonly position: number
  readonly states: States
}

/** Fold positions whose preceding state is kept (between TRAIL and 2 × TRAIL), so late events near the tail refold only what follows them. */
const TRAIL = 256

/** No payload due for erasure. */
const NONE_DUE: ReadonlyArray<string> = Object.freeze([])

/** Whether the sorted `keys` are exactly the keys of `set`. */
const sameKeys = (keys: ReadonlyArray<string>, set: ReadonlySet<string>): boolean => {
  if (keys.length !== set.size) return false
  for (const k of keys) if (!set.has(k)) return false
  return true
}

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
  /** The module states the fold is at, with what its steps read. */
  private readonly folding: Folding
  private readonly clock: CommunityClock
  private readonly removals: Removals
  private readonly gate: Gate

  /** Delivered event indexes in fold order. */
  private order: Array<number> = []
  private readonly outcomes: Array<Outcome> = []
  private snapshots: Array<Snapshot> = []
  /** States before each of the latest fold positions: `trail[k]` is the state before position `trailStart + k`. */
  private trail: Array<States> = []
  private trailStart = 0
  /** Fold positions applied to the states; below `order.length` while the fold is behind. */
  private folded = 0
  /** The states queries see: those of the last completed fold. */
  private published: States
  /** Decoded events handed to `ingest` and not folded yet, by index (saves decoding them again). */
  private decoded = new Map<number, Event.Event>()
  /** Log size at which a checkpoint being restored was taken (see {@link loadStored}). */
  private restoreMark: number | undefined
  /** The state hash of `published`, once asked for (the encoding itself is not kept: it can be large). */
  private hashCache: Uint8Array | undefined
  /** The canonical encoding of each array and map of the states (never changed once made), kept for the state hash. */
  private encodings = new WeakMap<object, Uint8Array>()
  /** The last answer of {@link dueErasures}, with the states and community time it was made for. */
  private due: { readonly states: States; readonly time: number; readonly keys: ReadonlyArray<string> } | undefined
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
    this.published = initial
    this.trail = [initial]
    const self = this
    this.clock = new CommunityClock(
      {
        log: this.log,
        foldingCore: () => this.foldingCore(),
        get core() {
          return self.core
        },
        foldOrder: () => this.order,
        foldedCount: () => this.folded,
        outcomeAt: (i) => this.outcomes[i],
        positionOf: (i) => this.positionOf(i)
      },
      genesis.header.time
    )
    this.removals = new Removals(this.log, (i) => this.positionOf(i))
    this.folding = {
      log: this.log,
      clock: this.clock,
      modules,
      primeModules: Module.primeModules(modules.values()),
      removals: this.removals,
      states: initial
    }
    this.gate = new Gate(this.folding, decider, this.removals)
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
    if (this.published !== this.folding.states) {
      this.published = this.folding.states
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
      this.clock.reordered(from)
    } else {
      from = Math.min(from, this.firstAffected())
      for (const f of fresh) this.order.push(f)
    }
    if (from < this.folded) this.rewind(this.removals.cut(from))
  }

  /** Position of a delivered event in the fold order. */
  private positionOf(i: number): number {
    return positionIn(this.log, this.order, i)
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
    for (let p = from; p < this.folded; p++) this.clock.forget(this.order[p]!)
    // Snapshots after `from` hold states of the order as it was: made again when the fold passes.
    while (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1]!.position > from) this.snapshots.pop()
    if (from >= this.trailStart && from - this.trailStart < this.trail.length) {
      // The state before `from` is in the recent trail (always so when events only append).
      this.trail.length = from - this.trailStart + 1
      this.folding.states = this.trail[this.trail.length - 1]!
      this.folded = from
      return
    }
    // Otherwise restore the latest sparse snapshot at or before `from`.
    const snap = this.snapshots[this.snapshots.length - 1]
    const p = snap ? snap.position : 0
    this.folding.states = snap ? snap.states : this.initial
    this.trail = [this.folding.states]
    this.trailStart = p
    this.folded = p
    if (p < from) this.stats.refolds++
  }

  /** Fold the event at position `folded`. */
  private advance(): void {
    const p = this.folded
    if (p % this.snapshotEvery === 0 && (this.snapshots.length === 0 || this.snapshots[this.snapshots.length - 1]!.position < p))
      this.snapshots.push({ position: p, states: this.folding.states })
    const i = this.order[p]!
    let event = this.decoded.get(i)
    if (!event) {
      const d = Event.decode(this.log.bytes[i]!, { owned: true })
      if (!d.ok) throw new Error(`stored event ${this.log.keys[i]} no longer decodes: ${d.error.message}`)
      event = d.event
    }
    this.clock.stamp(i)
    const step = this.gate.step(i, event)
    this.outcomes[i] = step.outcome
    this.clock.witness(i, step.outcome._tag === "Rejected" ? null : step.identity)
    this.stats.steps++
    this.folded = p + 1
    this.trail.push(this.folding.states)
    if (this.trail.length > 2 * TRAIL) {
      this.trail.splice(0, TRAIL)
      this.trailStart += TRAIL
    }
    // The removals and restrictions this step made may change acts that sort before it (§7, §8).
    const back = this.removals.settle(i, p, step.made)
    if (back <= p) this.rewind(back)
  }

  // ---------------------------------------------------------------------------------------
  // Community time (see `replica/CommunityClock.ts`)

  /**
   * Full members as of the causal past of event `i`, the event being folded, sorted (what
   * `EventContext.fullMembers` answers).
   *
   * @internal
   */
  fullMembersAt(i: number): ReadonlyArray<string> {
    return this.clock.fullMembersAt(i)
  }

  /**
   * Whether `w(n)` full members had seen event `key` before community time `time`, as the
   * fold knows it at its current position (`docs/protocol.md` §6, "Seen before").
   */
  seenBefore(key: string, time: number, at: number, identity: string | null): boolean {
    return this.clock.seenBefore(key, time, at, identity)
  }

  /**
   * Prepare what reading community time needs for up to `count` more events, after a resume
   * from a checkpoint (whose covered events get it when first needed otherwise, all at once);
   * `true` when nothing is left. Call it only once everything delivered is folded. A host that
   * gives its page turns calls it in slices, as `Community.open` does.
   */
  warmClock(count: number): boolean {
    return this.clock.warm(count)
  }

  /** Community time at a delivered event: judged on its causal past (`docs/protocol.md` §6). */
  communityTimeAt(i: number): number {
    return this.clock.timeOf(i)
  }

  /**
   * Community time as an event appended now on the current heads would see it (judged on the
   * membership the last completed fold shows).
   */
  communityTime(): number {
    return this.clock.now()
  }

  /**
   * The payloads the modules name as due for erasure (`Module.erasures`, `docs/protocol.md`
   * §3a) on the states of the last completed fold, at the community time of the current
   * heads: keys of delivered events whose headers commit to a payload, sorted. The same array
   * is returned while the states, the time and what is named stay the same; while the fold is
   * behind, the answer of the last completed fold.
   */
  dueErasures(): ReadonlyArray<string> {
    const last = this.due
    if (this.folded < this.order.length) return last?.keys ?? NONE_DUE
    // Without a module that names erasures there is nothing to ask, and no need to read the clock.
    if (!this.moduleNames.some((name) => this.modules.get(name)!.erasures !== undefined)) return NONE_DUE
    const states = this.published
    const time = this.clock.now()
    if (last !== undefined && last.states === states && last.time === time) return last.keys
    const named = new Set<string>()
    for (const name of this.moduleNames) {
      const m = this.modules.get(name)!
      if (m.erasures === undefined) continue
      for (const key of m.erasures(states[name]!, time)) {
        const i = this.log.index.get(key)
        if (i !== undefined && this.log.commitsToPayload(i)) named.add(key)
      }
    }
    const keys = last !== undefined && sameKeys(last.keys, named) ? last.keys : named.size === 0 ? NONE_DUE : [...named].sort()
    this.due = { states, time, keys }
    return keys
  }

  /** Status of an identity as of the causal past of event `i`. */
  statusAt(core: Membership.State, identity: string, i: number): Module.MemberStatus | undefined {
    return statusAt(this.log, core, identity, i)
  }

  // ---------------------------------------------------------------------------------------
  // Checkpoints (see `replica/Checkpoints.ts`)

  /**
   * The fold of every delivered event as a {@link Checkpoint}, or `undefined` while the
   * fold is behind.
   */
  checkpoint(): Checkpoint | undefined {
    if (this.behind || this.order.length !== this.log.size) return undefined
    const c = take(this.log, this.moduleNames, this.published, this.outcomes, (states) => this.encoded(states))
    this.hashCache = c.stateHash
    return c
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
    const problem = unusable(log, this.moduleNames, checkpoint, mark)
    if (problem !== undefined) return fromGenesis(problem)
    yield
    if (!sha256Equals(checkpoint.states, checkpoint.stateHash)) return fromGenesis("the checkpoint's states do not match its state hash")
    yield
    const usable = decodeStates(checkpoint.states, this.moduleNames)
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
    this.folding.states = usable
    this.published = usable
    this.hashCache = checkpoint.stateHash.slice()
    this.folded = size
    this.trail = [usable]
    this.trailStart = size
    this.snapshots = [{ position: size, states: usable }]
    this.removals.restore(usable["core"] as Membership.State)
    this.clock.restored(usable["core"] as Membership.State)
    if (later.length > 0) this.place(later)
    if (this.folded < size) {
      // An event delivered after the checkpoint sorts before its end, or a fact learned
      // since touches an event it covers: start again from the genesis.
      this.order = []
      this.outcomes.length = 0
      this.folding.states = this.initial
      this.published = this.initial
      this.hashCache = undefined
      this.folded = 0
      this.trail = [this.initial]
      this.trailStart = 0
      this.snapshots = []
      this.removals.clear()
      this.clock.reset()
      const all: Array<number> = []
      for (let i = 0; i < log.size; i++) all.push(i)
      this.place(all)
      return { _tag: "FromGenesis", reason: "events delivered after the checkpoint change what it covers" }
    }
    return { _tag: "FromCheckpoint", position: size }
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  /**
   * Answer module `moduleName`'s query `queryName` from its state at the fold position of the
   * context's event, with that event's context (see `replica/Queries.ts`). Never throws.
   *
   * @internal
   */
  answer(moduleName: string, queryName: string, args: Cbor.Value, ctx: Module.EventContext): Query.Answer {
    return answer(this.folding, moduleName, queryName, args, ctx)
  }

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
    return this.folding.states["core"] as Membership.State
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

  /**
   * SHA-256 of the canonical encoding of every module's state (a map by module name). The
   * encodings of the parts of the states that did not change since it was last asked for are
   * kept, so asking after one more event encodes what that event made new (and hashes the whole).
   */
  stateHash(): Uint8Array {
    if (!this.hashCache) this.hashCache = sha256(this.encoded(this.published))
    return this.hashCache
  }

  /** Canonical CBOR of states, with the kept encodings of their unchanged parts. */
  private encoded(states: States): Uint8Array {
    return encodeCached(states, this.encodings)
  }

  /**
   * The state hash of the states queries see now, made when the returned function is first
   * called (then kept), even if the replica has folded further by then.
   */
  stateHashOfNow(): () => Uint8Array {
    const states = this.published
    let hash: Uint8Array | undefined
    return () => {
      if (hash === undefined) hash = states === this.published ? this.stateHash() : sha256(this.encoded(states))
      return hash
    }
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
