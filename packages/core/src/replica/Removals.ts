/**
 * Removals in force: strong facts (`docs/protocol.md` §7). A member removed by a decision
 * stops acting, and their acts that the removing event had not seen do not take effect,
 * even where they sort before it in the fold order; the fold moves back to take them out.
 *
 * @module
 */
import type { Log } from "../Log.ts"
import * as Membership from "../Membership.ts"

/** A removal in force: the identity's acts that the removing event had not seen do not take effect. */
export interface Removal {
  readonly identity: string
  /** Index of the event whose action removed the identity (a decision's close). */
  readonly at: number
  /** Index of the identity's act that sorts first among those the removal had not seen, if any. */
  readonly first: number | undefined
}

/** A removal is put in force at most this many times in one fold (see {@link Removals.settle}). */
const MAX_ATTEMPTS = 3

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
          this.attempts.delete(`${r.identity}/${r.at}`)
          if (r.first !== undefined) cut = Math.min(cut, this.positionOf(r.first))
        }
      }
      this.list = kept
    }
    for (const [k] of this.attempts) {
      const at = Number(k.slice(k.indexOf("/") + 1))
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
  settle(i: number, p: number, made: ReadonlyArray<string>): number {
    let back = p + 1
    if (this.list.length === 0 && made.length === 0) return back
    const kept: Array<Removal> = []
    for (const r of this.list) {
      if (r.at === i && !made.includes(r.identity)) {
        if (r.first !== undefined) back = Math.min(back, this.positionOf(r.first))
      } else kept.push(r)
    }
    this.list = kept
    for (const identity of made) {
      if (kept.some((r) => r.at === i && r.identity === identity)) continue
      const key = `${identity}/${i}`
      const n = this.attempts.get(key) ?? 0
      if (n >= MAX_ATTEMPTS) continue
      this.attempts.set(key, n + 1)
      const first = this.firstUnseen(identity, i)
      this.list.push({ identity, at: i, first })
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
    for (const r of this.list) if (r.identity === identity && r.at !== i && !this.log.isAncestor(i, r.at)) return r
    return undefined
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
}
