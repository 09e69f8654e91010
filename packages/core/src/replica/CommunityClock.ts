/**
 * Community time (`docs/protocol.md` §6): each event's witness list and community time,
 * judged on its causal past, the full-member counts that decide how many witnesses it
 * takes, and "seen before a time".
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import type { Log } from "../Log.ts"
import * as Membership from "../Membership.ts"
import type * as Module from "../Module.ts"
import * as Witnesses from "../internal/witnesses.ts"
import { applied, type Outcome } from "./Outcome.ts"

/** What the clock reads from the fold it serves. */
export interface FoldView {
  readonly log: Log
  /** The membership state the fold is at (the one being folded). */
  foldingCore(): Membership.State
  /** The membership state of the last completed fold. */
  readonly core: Membership.State
  /** Delivered event indexes in fold order. */
  foldOrder(): ReadonlyArray<number>
  /** Fold positions applied so far. */
  foldedCount(): number
  /** What became of a delivered event (by index), if folded. */
  outcomeAt(i: number): Outcome | undefined
  /** Position of a delivered event in the fold order. */
  positionOf(i: number): number
}

/** Status of an identity as of the causal past of event `i`, from its membership history. */
export const statusAt = (log: Log, core: Membership.State, identity: string, i: number): Module.MemberStatus | undefined => {
  const entry = Membership.identity(core, identity)
  if (!entry) return undefined
  let status: Module.MemberStatus | undefined
  for (const h of entry.history) {
    const at = log.index.get(h.at)
    if (at !== undefined && log.isAncestorOrSelf(at, i)) status = h.status
  }
  return status
}

/** Community time of one replica's fold, with what it keeps to answer it cheaply. */
export class CommunityClock {
  /** Witness list of each delivered event (by index), made when it is folded or first needed. */
  private lists: Array<ReadonlyArray<Witnesses.Witness> | undefined> = []
  /** Community time at each delivered event (by index), found when it is folded or first needed. */
  private times: Array<number | undefined> = []
  /** Events below this index have their witness list (see {@link warm}). */
  private warmed = 0
  /**
   * After resuming from a checkpoint: the full members before each covered fold position,
   * as the positions where the count changes and the count from there on (from the
   * restored membership histories), for the community time of covered events.
   */
  private counted: { readonly positions: ReadonlyArray<number>; readonly counts: ReadonlyArray<number> } | undefined
  /** Full members of each membership state the fold made, counted once per state. */
  private readonly fullCounts = new WeakMap<Membership.State, number>()
  /** Full members of membership states the fold made, sorted (made when first asked for, then carried from state to state). */
  private readonly fullLists = new WeakMap<Membership.State, ReadonlyArray<string>>()
  /** `prefixMax[p]`: the highest event index among fold positions `0 … p` (kept as far as asked). */
  private prefixMax: Array<number> = []

  private readonly fold: FoldView
  private readonly genesisTime: number

  constructor(fold: FoldView, genesisTime: number) {
    this.fold = fold
    this.genesisTime = genesisTime
  }

  // --- the fold's steps ------------------------------------------------------------------

  /** Before folding event `i`: its community time, judged on the membership the fold is at. */
  stamp(i: number): void {
    this.times[i] = this.timeAt(i, this.fullCount(this.fold.foldingCore()))
  }

  /** After folding event `i`: its witness list, whose claim counts for `identity` when not `null`. */
  witness(i: number, identity: string | null): void {
    this.lists[i] = this.makeList(i, identity)
  }

  /** Forget what was found for event `i` (the fold moves back before it). */
  forget(i: number): void {
    this.lists[i] = undefined
    this.times[i] = undefined
    if (i < this.warmed) this.warmed = i
  }

  /** The fold order changed from position `from` on. */
  reordered(from: number): void {
    if (this.prefixMax.length > from) this.prefixMax.length = from
  }

  /** The fold resumes from a checkpoint whose membership state is `core`. */
  restored(core: Membership.State): void {
    this.prefixMax = []
    this.counted = this.countsFrom(core)
  }

  /** The fold starts again from the genesis. */
  reset(): void {
    this.prefixMax = []
    this.lists = []
    this.times = []
    this.warmed = 0
    this.counted = undefined
  }

  /** Carry the count of full members from one membership state to the next (one identity's status changes per event). */
  carry(before: Membership.State, after: Membership.State, body: unknown, identity: string | null, device: string): void {
    const n = this.fullCounts.get(before)
    if (n === undefined) return
    const touched = new Set<string>()
    if (identity !== null) touched.add(identity)
    touched.add(device)
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

  /** A membership state that changes no one's status (a retired key): its counts carry over. */
  same(before: Membership.State, after: Membership.State): void {
    const n = this.fullCounts.get(before)
    if (n !== undefined) this.fullCounts.set(after, n)
    const list = this.fullLists.get(before)
    if (list !== undefined) this.fullLists.set(after, list)
  }

  // --- answers ---------------------------------------------------------------------------

  /** Full members in a membership state (counted once per state object, then kept). */
  fullCount(core: Membership.State): number {
    let n = this.fullCounts.get(core)
    if (n === undefined) {
      n = Membership.members(core, "full").length
      this.fullCounts.set(core, n)
    }
    return n
  }

  /**
   * Full members as of the causal past of event `i`, the event being folded, sorted. When
   * every event folded before it is in its causal past, as in a community whose members
   * build on what they have seen, that is every full member of the current membership state,
   * kept from state to state; otherwise each identity's history is read on the event's past.
   */
  fullMembersAt(i: number): ReadonlyArray<string> {
    const core = this.fold.foldingCore()
    const p = this.fold.foldedCount()
    if (this.fold.foldOrder()[p] === i && (p === 0 || this.fold.log.coveredBy(i) > this.highestUpTo(p - 1))) return this.fullList(core)
    return Membership.identities(core).filter((id) => statusAt(this.fold.log, core, id, i) === "full")
  }

  /**
   * Compute the witness lists of up to `count` delivered events that lack one, in index order
   * (parents before children, so each step stays small); `true` once every delivered event
   * has its list. A replica resumed from a checkpoint computes the lists of the covered events
   * when first needed, all at once; a host that gives its page turns warms them in slices
   * first, so reading community time later is cheap.
   */
  warm(count: number): boolean {
    const size = this.fold.log.size
    let i = this.warmed
    const end = Math.min(size, i + count)
    for (; i < end; i++) if (this.lists[i] === undefined) this.listOf(i)
    this.warmed = i
    return i >= size
  }

  /** Community time at a delivered event: judged on its causal past. */
  timeOf(i: number): number {
    const t = this.times[i]
    if (t !== undefined) return t
    this.listOf(i)
    return this.times[i]!
  }

  /**
   * Community time as an event appended now on the current heads would see it (judged on the
   * membership the last completed fold shows).
   */
  now(): number {
    const core = this.fold.core
    const log = this.fold.log
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    let floor = this.genesisTime
    for (const k of log.heads()) {
      const i = log.index.get(k)!
      lists.push(this.listOf(i))
      floor = Math.max(floor, this.timeOf(i))
    }
    const w = Witnesses.needed(core.community.params.timeWitnesses, this.fullCount(core))
    return Math.max(floor, Witnesses.nth(lists, w, (id) => Membership.identity(core, id)?.status === "full", this.genesisTime))
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
    const log = this.fold.log
    const x = log.index.get(key)
    if (x === undefined) return false
    const core = this.fold.foldingCore()
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
      if (applied(e, this.fold.outcomeAt(e))) {
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

  // --- how it is found -------------------------------------------------------------------

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
    const order = this.fold.foldOrder()
    for (let q = m.length; q <= p; q++) {
      const i = order[q]!
      m.push(q === 0 || i > m[q - 1]! ? i : m[q - 1]!)
    }
    return m[p]!
  }

  /** Whether an identity found in a witness list still counts at event `i` (it has not left or been removed in its past). */
  private counts(core: Membership.State, identity: string, i: number): boolean {
    const entry = Membership.identity(core, identity)
    if (entry === undefined) return false
    return entry.status === "full" || statusAt(this.fold.log, core, identity, i) === "full"
  }

  /** Witness list of event `i` (made now), whose claim counts for `identity` when not `null`. */
  private makeList(i: number, identity: string | null): ReadonlyArray<Witnesses.Witness> {
    const core = this.fold.foldingCore()
    const log = this.fold.log
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    for (const d of log.deps[i]!) lists.push(this.listOf(d))
    const own: Witnesses.Witness | undefined =
      identity !== null && statusAt(log, core, identity, i) === "full" ? [identity, log.time[i]!] : undefined
    return Witnesses.merge(lists, own, Witnesses.kept(core.community.params.timeWitnesses), (id) => this.counts(core, id, i))
  }

  /**
   * Witness list of event `i`. Events folded in this session have theirs; events covered by
   * a checkpoint get theirs when first needed, from their stored outcomes (their parents first).
   */
  private listOf(i: number): ReadonlyArray<Witnesses.Witness> {
    const known = this.lists[i]
    if (known !== undefined) return known
    const log = this.fold.log
    const missing: Array<number> = []
    const seen = new Set<number>([i])
    const stack = [i]
    while (stack.length > 0) {
      const k = stack.pop()!
      missing.push(k)
      for (const d of log.deps[k]!) if (this.lists[d] === undefined && !seen.has(d)) (seen.add(d), stack.push(d))
    }
    missing.sort((a, b) => a - b)
    for (const k of missing) {
      const ok = applied(k, this.fold.outcomeAt(k))
      if (this.times[k] === undefined) this.times[k] = this.timeAt(k, this.countBefore(k))
      this.lists[k] = this.makeList(k, ok ? (k === 0 ? log.author[0]! : (log.identityIn(log.author[k]!, k, "strong") ?? null)) : null)
    }
    return this.lists[i]!
  }

  /** Full members before the fold position of covered event `i` (see {@link counted}). */
  private countBefore(i: number): number {
    const counted = this.counted
    if (counted === undefined) return this.fullCount(this.fold.foldingCore())
    const p = this.fold.positionOf(i)
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
    const core = this.fold.foldingCore()
    const deps = this.fold.log.deps[i]!
    if (deps.length === 0) return this.genesisTime
    const lists: Array<ReadonlyArray<Witnesses.Witness>> = []
    let floor = this.genesisTime
    for (const d of deps) {
      lists.push(this.listOf(d))
      floor = Math.max(floor, this.timeOf(d))
    }
    const w = Witnesses.needed(core.community.params.timeWitnesses, n)
    return Math.max(floor, Witnesses.nth(lists, w, (id) => this.counts(core, id, i), this.genesisTime))
  }

  /** The membership counts before each covered position, from the histories of a restored state (see {@link counted}). */
  private countsFrom(core: Membership.State): { readonly positions: ReadonlyArray<number>; readonly counts: ReadonlyArray<number> } {
    const log = this.fold.log
    const changes: Array<readonly [number, number]> = []
    for (const identity of Membership.identities(core)) {
      let was = false
      for (const h of Membership.identity(core, identity)!.history) {
        const full = h.status === "full"
        const at = log.index.get(h.at)
        if (full !== was && at !== undefined) changes.push([this.fold.positionOf(at) + 1, full ? 1 : -1])
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
