/**
 * Removals and restrictions in force: strong facts (`docs/protocol.md` §7, §8 "Standing"). A
 * member removed by a decision stops acting, and their acts that the removing event had not
 * seen do not take effect, even where they sort before it in the fold order; the fold moves
 * back to take them out. A restriction does the same for the acts its scope covers.
 *
 * @module
 */
import type { Log } from "../Log.ts"
import * as Membership from "../Membership.ts"
import * as Standing from "../Standing.ts"

/**
 * A strong fact in force: the subject's acts that the event `at` had not seen do not take
 * effect (all of them for a removal; those a restriction covers, sorting before `at`).
 */
export interface Removal {
  /** The identity removed, or the subject restricted. */
  readonly identity: string
  /** The restriction, when this is one (a removal has none). */
  readonly restriction?: Standing.Restriction
  /** Index of the event whose action removed the identity (a decision's close). */
  readonly at: number
  /** Index of the identity's act that sorts first among those the removal had not seen, if any. */
  readonly first: number | undefined
}

/** A removal is put in force at most this many times in one fold (see {@link Removals.settle}). */
const MAX_ATTEMPTS = 3

/** A strong fact a step made: an identity removed, or a subject restricted. */
export interface Made {
  readonly identity: string
  readonly restriction?: Standing.Restriction
}

const factKey = (m: Made, at: number): string =>
  m.restriction === undefined ? `${m.identity}/${at}` : `${m.identity}~${m.restriction.key}~${JSON.stringify(m.restriction.scope)}/${at}`

/** The removals in force during one fold, and how often each was put in force. */
export class Removals {
  private list: Array<Removal> = []
  private attempts = new Map<string, number>()

  private readonly log: Log
  /** Position of a delivered event in the current fold order. */
  private readonly positionOf: (i: number) => number

  constructor(log: Log, positionOf: (i: number) => number) {
    this.log = log
    this.positionOf = positionOf
  }

  /**
   * Before the fold resumes at `from` because the set of events changed: removals put in
   * force at or after the cut are forgotten (the fold finds them again), and the cut moves
   * back to the first act each of them had rejected. Returns the position to resume from.
   */
  cut(from: number): number {
    let cut = from
    for (let changed = true; changed; ) {
      changed = false
      const kept: Array<Removal> = []
      for (const r of this.list) {
        if (this.positionOf(r.at) < cut) kept.push(r)
        else {
          changed = true
          this.attempts.delete(factKey(r, r.at))
          if (r.first !== undefined) cut = Math.min(cut, this.positionOf(r.first))
        }
      }
      this.list = kept
    }
    for (const [k] of this.attempts) {
      const at = Number(k.slice(k.lastIndexOf("/") + 1))
      if (this.positionOf(at) >= cut) this.attempts.delete(k)
    }
    return cut
  }

  /**
   * After folding event `i` at position `p`, whose actions removed the identities `made`: put
   * those removals in force, and withdraw the removals `i` made in an earlier pass and no
   * longer makes. Either may change acts that sort before `p`; returns the position the fold
   * must resume from (`p + 1` when nothing changed). A removal is put in force at most
   * {@link MAX_ATTEMPTS} times, so the fold always ends.
   */
  settle(i: number, p: number, made: ReadonlyArray<Made>): number {
    let back = p + 1
    if (this.list.length === 0 && made.length === 0) return back
    const madeKeys = new Set(made.map((m) => factKey(m, i)))
    const kept: Array<Removal> = []
    for (const r of this.list) {
      if (r.at === i && !madeKeys.has(factKey(r, i))) {
        if (r.first !== undefined) back = Math.min(back, this.positionOf(r.first))
      } else kept.push(r)
    }
    this.list = kept
    const keptKeys = new Set(kept.filter((r) => r.at === i).map((r) => factKey(r, i)))
    for (const m of made) {
      const key = factKey(m, i)
      if (keptKeys.has(key)) continue
      const n = this.attempts.get(key) ?? 0
      if (n >= MAX_ATTEMPTS) continue
      this.attempts.set(key, n + 1)
      const first = this.firstUnseen(m.identity, i)
      this.list.push(m.restriction === undefined ? { identity: m.identity, at: i, first } : { identity: m.identity, restriction: m.restriction, at: i, first })
      if (first !== undefined) back = Math.min(back, this.positionOf(first))
    }
    return back
  }

  /** Start again from the removals a restored membership state records (each identity that left by decision). */
  restore(core: Membership.State): void {
    const out: Array<Removal> = []
    for (const identity of Membership.members(core, "left")) {
      const entry = Membership.identity(core, identity)!
      const last = entry.history[entry.history.length - 1]
      const at = last === undefined ? undefined : this.log.index.get(last.at)
      if (entry.reason === null || at === undefined) continue
      out.push({ identity, at, first: this.firstUnseen(identity, at) })
    }
    this.list = out
    this.attempts = new Map(out.map((r) => [`${r.identity}/${r.at}`, 1]))
  }

  /** Forget every removal (the fold starts from the genesis). */
  clear(): void {
    this.list = []
    this.attempts = new Map()
  }

  /** The removal in force that makes an act `i` of `identity` ineffective, if any. */
  of(identity: string, i: number): Removal | undefined {
    for (const r of this.list)
      if (r.restriction === undefined && r.identity === identity && r.at !== i && !this.log.isAncestor(i, r.at)) return r
    return undefined
  }

  /**
   * The restriction in force as a strong fact that stops act `i` of `subject` at community
   * time `time`: imposed by an event that had not seen `i` and sorts after it (acts sorting
   * after it meet it in the state). Only an act signed by the subject (a device of the
   * identity, or the key itself) is stopped so: eligibility asked about someone at another
   * event, and a decision's actions, are judged on the state.
   */
  restrictionOf(subject: string, i: number, act: Standing.Act, time: number): Standing.Restriction | undefined {
    if (this.list.length === 0) return undefined
    const author = this.log.author[i]!
    if (author !== subject && !this.log.identitiesOf(author).includes(subject)) return undefined
    for (const r of this.list) {
      const restriction = r.restriction
      if (restriction === undefined || r.identity !== subject || r.at === i) continue
      if (this.log.isAncestor(i, r.at) || !this.log.before(i, r.at)) continue
      if (Standing.stops(restriction, act, time)) return restriction
    }
    return undefined
  }

  /** The act of `subject` that sorts first among those the event `at` had not seen (itself excepted). */
  private firstUnseen(subject: string, at: number): number | undefined {
    const log = this.log
    let first: number | undefined
    const devices = log.devicesOf(subject)
    for (const device of devices.length > 0 ? devices : [subject])
      for (const e of log.eventsBy(device))
        if (e !== at && !log.isAncestor(e, at) && (first === undefined || log.before(e, first))) first = e
    return first
  }
}
