/**
 * The administration state: qualifications and their grants, membership rules, invitations
 * and admission vouches, opt-in pools, assignments and freezes, resources under stewardship
 * and their bookings. Plain data in the CBOR model. Every entry that others ask about records
 * the event that created it (`key`) and the one that ended it (`ended`, or `null`), so answers
 * are judged on the asking event's causal past (`docs/protocol.md` §8, "Queries").
 *
 * @module
 */
import type { Module } from "@affinity/core/module"

/** One hour, in milliseconds. */
export const HOUR = 60 * 60 * 1000
/** One day, in milliseconds. */
export const DAY = 24 * HOUR

/** How a qualification is granted. */
export type GrantedBy = "decision" | "vouches"

/** One version of a qualification's definition (the latest in an event's past counts). */
export type Definition = {
  /** The qualification's id: a short slug, `first-aid`. */
  readonly id: string
  readonly name: string
  /** What holding it means and how one shows it, in plain words. */
  readonly criteria: string
  readonly grantedBy: GrantedBy
  /** Vouches needed from current holders (when granted by vouches). */
  readonly vouches: number
  /** Days a holder must have held it before their vouch counts. */
  readonly probationDays: number
  /** Days a grant (or a vouch) lasts. */
  readonly expiryDays: number
  /** The event that defined this version (a decision's close). */
  readonly key: string
  /** Community time of that event. */
  readonly at: number
  /** Who decided, in plain words. */
  readonly by: string
}

/** How a grant came about. */
export type GrantKind = "decision" | "vouch" | "renewal"

/**
 * One attestation: a grant by a deciding body, a renewal, or one member's vouch (vouches make a
 * holder once enough of them, from distinct holders, are in force).
 */
export type Grant = {
  readonly key: string
  readonly qualification: string
  /** The member it is about (identity hex). */
  readonly member: string
  readonly kind: GrantKind
  /** The deciding body (`community`, `prime/administration`, `group/<id>`) or the voucher's identity. */
  readonly by: string
  /** Community time it was given. */
  readonly at: number
  /** Community time it stops counting. */
  readonly until: number
  /** What it rests on, in plain words. */
  readonly evidence: string
  /** The revocation that ended it, or `null`. */
  readonly ended: string | null
}

/** A suspension of a member's qualification, until a time or until it is lifted. */
export type Suspension = {
  readonly key: string
  readonly qualification: string
  readonly member: string
  readonly at: number
  readonly until: number
  readonly reason: string
  readonly by: string
  /** The event that lifted it, or `null`. */
  readonly lifted: string | null
}

/** A revocation, for the record (the grants it ended carry its key). */
export type Revocation = {
  readonly key: string
  readonly qualification: string
  readonly member: string
  readonly at: number
  readonly reason: string
  readonly by: string
}

/** The rules the community sets by decision. */
export type Rules = {
  /** Whether an application needs an invitation by a full member. */
  readonly invitation: boolean
  /** Applications the community takes per window (0: no limit); the host counts them. */
  readonly perWindow: number
  /** The window, in days. */
  readonly windowDays: number
  /** Vouches by full members that an admission needs (0: none). */
  readonly admitVouches: number
  /**
   * Days of probation after admission: a member in probation does not vouch for admissions and
   * takes no role (no assignment, no working group, no prime seat). 0: none.
   */
  readonly probationDays: number
  /** Concurrent roles per member, prime seats included. */
  readonly roleCap: number
  /** Workload hours per cycle per member (0: no cap). */
  readonly hoursPerCycle: number
  /** Length of a cycle, in days. */
  readonly cycleDays: number
  /** Consecutive cycles one member may hold one role. */
  readonly consecutive: number
  /** Days without an event after which a member counts as inactive (0: never). */
  readonly inactiveDays: number
}

/** The rules before any decision sets them. */
export const DEFAULT_RULES: Rules = {
  invitation: false,
  perWindow: 0,
  windowDays: 7,
  admitVouches: 0,
  probationDays: 0,
  roleCap: 2,
  hoursPerCycle: 0,
  cycleDays: 28,
  consecutive: 3,
  inactiveDays: 0
}

/** A change of rules (only the fields it names change). */
export type RulesChange = {
  readonly key: string
  readonly at: number
  readonly by: string
  readonly rules: Rules
}

/** A full member's invitation of a device key to apply. */
export type Invitation = {
  readonly key: string
  /** The invited device key (hex). */
  readonly device: string
  /** The inviting member. */
  readonly by: string
  readonly at: number
  /** Community time after which it no longer lets anyone apply. */
  readonly until: number
}

/** A full member's vouch for an applicant's admission. */
export type AdmissionVouch = {
  readonly key: string
  readonly applicant: string
  readonly by: string
  readonly at: number
}

/** A member's opt-in to be drawn for a working group's roles. */
export type PoolEntry = {
  readonly key: string
  /** The working group (governance's id: the key of the decision that created it). */
  readonly group: string
  readonly member: string
  readonly at: number
  /** The event that took them out, or `null`. */
  readonly ended: string | null
}

/** An assignment of a member to a role in a working group, for whole cycles. */
export type Assignment = {
  readonly key: string
  readonly group: string
  readonly role: string
  readonly member: string
  /** Hours of work per cycle. */
  readonly hours: number
  /** The first cycle it covers. */
  readonly from: number
  /** Cycles it covers. */
  readonly cycles: number
  readonly how: "decision" | "lot"
  /** The deciding body. */
  readonly by: string
  readonly at: number
  /** The event that ended it early, or `null`. */
  readonly ended: string | null
}

/** A lot drawn from a pool, for the record. */
export type Lot = {
  readonly key: string
  readonly group: string
  readonly role: string
  /** The term whose seed ranked the pool, and the seed (hex). */
  readonly term: number
  readonly seed: string
  /** How many lots were drawn for this group and role before this one. */
  readonly round: number
  /** The pool, ranked (eligible members only). */
  readonly ranked: ReadonlyArray<string>
  /** Members of the pool left out, with why. */
  readonly skipped: ReadonlyArray<{ readonly member: string; readonly why: string }>
  readonly drawn: ReadonlyArray<string>
  readonly at: number
}

/** A holiday freeze: from a cycle boundary, for whole cycles, or until the member ends it. */
export type Freeze = {
  readonly key: string
  readonly member: string
  readonly from: number
  readonly until: number
  readonly at: number
  readonly ended: string | null
}

/** A steward of a resource: the community, or a working group (`group/<id>`). */
export type Steward = string

/** A resource: a tool, a room, a van, a plot. */
export type Resource = {
  /** Key of the event that registered it. */
  readonly id: string
  readonly name: string
  readonly kind: string
  /** Personal property: kept by its owner, outside community decisions. */
  readonly personal: boolean
  /** Stewards, sorted (none for personal property). */
  readonly stewards: ReadonlyArray<Steward>
  /** Who holds it now. */
  readonly custodian: string
  /** The use rules, in plain words. */
  readonly rules: string
  readonly at: number
  /** Every change that took effect, in fold order. */
  readonly history: ReadonlyArray<ResourceChange>
}

/** What a change of a resource changes. */
export type Change =
  | { readonly kind: "rules"; readonly rules: string }
  | { readonly kind: "custody"; readonly to: string }
  | { readonly kind: "stewards"; readonly stewards: ReadonlyArray<Steward> }

/** A change that took effect, with who consented. */
export type ResourceChange = {
  readonly key: string
  readonly change: Change
  readonly consents: ReadonlyArray<string>
  readonly at: number
}

/** A change waiting for consents. */
export type Pending = {
  /** The event that opened it. */
  readonly key: string
  readonly resource: string
  readonly change: Change
  /** Stewards who consented, and `custodian` when the custodian did. */
  readonly consents: ReadonlyArray<string>
}

/** A booking of a shared resource, or a loan. */
export type Booking = {
  readonly key: string
  readonly resource: string
  readonly member: string
  readonly kind: "booking" | "loan"
  readonly from: number
  readonly until: number
  readonly note: string
  readonly at: number
  /** The event that returned or cancelled it, or `null`. */
  readonly ended: string | null
}

/** The administration state of a community. */
export type State = {
  readonly version: 2
  readonly genesisTime: number
  readonly definitions: ReadonlyArray<Definition>
  readonly grants: ReadonlyArray<Grant>
  readonly suspensions: ReadonlyArray<Suspension>
  readonly revocations: ReadonlyArray<Revocation>
  readonly rules: ReadonlyArray<RulesChange>
  readonly invitations: ReadonlyArray<Invitation>
  readonly admissions: ReadonlyArray<AdmissionVouch>
  readonly pools: ReadonlyArray<PoolEntry>
  readonly assignments: ReadonlyArray<Assignment>
  readonly lots: ReadonlyArray<Lot>
  readonly freezes: ReadonlyArray<Freeze>
  readonly resources: { readonly [id: string]: Resource }
  readonly pending: ReadonlyArray<Pending>
  readonly bookings: ReadonlyArray<Booking>
}

/**
 * The initial state.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const state = Administration.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Administration.DAY, quorumPercent: 50 } })
 * console.log(state.grants.length) // 0
 * ```
 */
export const init = (genesis: Module.Genesis): State => ({
  version: 2,
  genesisTime: genesis.time,
  definitions: [],
  grants: [],
  suspensions: [],
  revocations: [],
  rules: [],
  invitations: [],
  admissions: [],
  pools: [],
  assignments: [],
  lots: [],
  freezes: [],
  resources: {},
  pending: [],
  bookings: []
})

/** The part of an event's context these rules read (so records can judge "now" without an event). */
export type Past = Pick<Module.EventContext, "key" | "communityTime" | "happenedBefore">

/** Whether the event `key` is the asking event or in its causal past. */
export const seen = (ctx: Past, key: string): boolean => key === ctx.key || ctx.happenedBefore(key)

/** Whether an entry created by `key` and ended by `ended` counts for the asking event. */
export const standsAt = (ctx: Past, key: string, ended: string | null): boolean => seen(ctx, key) && (ended === null || !seen(ctx, ended))

/** A view of "now" for records: every entry in the state is in the past, at community time `time`. */
export const everything = (time: number): Past => ({ key: "", communityTime: time, happenedBefore: () => true })

/** The latest definition of a qualification in the asking event's past. */
export const definitionAt = (state: State, id: string, ctx: Past): Definition | undefined => {
  let found: Definition | undefined
  for (const d of state.definitions) if (d.id === id && seen(ctx, d.key)) found = d
  return found
}

/** Ids of every qualification defined in the asking event's past, sorted. */
export const qualificationIds = (state: State, ctx: Past): ReadonlyArray<string> =>
  [...new Set(state.definitions.filter((d) => seen(ctx, d.key)).map((d) => d.id))].sort()

/** The rules in force at the asking event: the latest change in its past (fold order). */
export const rulesAt = (state: State, ctx: Past): Rules => {
  let rules = DEFAULT_RULES
  for (const r of state.rules) if (seen(ctx, r.key)) rules = r.rules
  return rules
}

/**
 * When `identity`'s probation ends, if it is still in probation at the asking event: it became
 * full (the host's `fullSince`) after the genesis, less than `probationDays` ago. Founders never are.
 */
export const probationEnds = (state: State, identity: string, ctx: Pick<Module.EventContext, "communityTime" | "fullSince">, rules: Rules): number | undefined => {
  const since = ctx.fullSince?.(identity)
  if (since === undefined || since <= state.genesisTime) return undefined
  const ends = since + rules.probationDays * DAY
  return ends > ctx.communityTime ? ends : undefined
}

/** The cycle community time `time` falls in (cycles start at the genesis). */
export const cycleAt = (state: State, rules: Rules, time: number): number =>
  time <= state.genesisTime ? 0 : Math.floor((time - state.genesisTime) / (rules.cycleDays * DAY))

/** When cycle `cycle` starts. */
export const cycleStart = (state: State, rules: Rules, cycle: number): number => state.genesisTime + cycle * rules.cycleDays * DAY

/** Whether a suspension holds for the asking event. */
const suspendedAt = (state: State, member: string, qualification: string, ctx: Past): Suspension | undefined =>
  state.suspensions.find(
    (s) => s.member === member && s.qualification === qualification && standsAt(ctx, s.key, s.lifted) && s.until > ctx.communityTime
  )

/** What holding a qualification amounts to at the asking event. */
export type Holding = {
  readonly qualification: string
  readonly member: string
  /** Whether it counts now. */
  readonly holds: boolean
  /** Since when it has held without a break, as far as the grants in force show. */
  readonly since: number | null
  /** When it stops counting unless renewed (`null` when it does not hold). */
  readonly until: number | null
  /** Grants and vouches in force (not ended, not expired). */
  readonly grants: ReadonlyArray<Grant>
  /** The suspension that keeps it from counting, if any. */
  readonly suspended: Suspension | null
}

/**
 * Whether `member` holds `qualification` at the asking event: a grant or renewal by a deciding
 * body in force, or vouches in force from at least as many distinct holders as the
 * qualification needs; never while suspended. Judged on the asking event's causal past and
 * community time.
 */
export const holding = (state: State, member: string, qualification: string, ctx: Past): Holding => {
  const def = definitionAt(state, qualification, ctx)
  const live = state.grants.filter(
    (g) => g.member === member && g.qualification === qualification && standsAt(ctx, g.key, g.ended) && g.until > ctx.communityTime
  )
  const suspended = suspendedAt(state, member, qualification, ctx) ?? null
  const granted = live.filter((g) => g.kind !== "vouch")
  const vouches = new Map<string, Grant>()
  for (const g of live) if (g.kind === "vouch" && (vouches.get(g.by)?.at ?? -1) < g.at) vouches.set(g.by, g)
  const need = def?.grantedBy === "vouches" ? def.vouches : Number.POSITIVE_INFINITY
  const byVouches = vouches.size >= need
  let since: number | null = null
  let until: number | null = null
  for (const g of granted) {
    since = since === null ? g.at : Math.min(since, g.at)
    until = until === null ? g.until : Math.max(until, g.until)
  }
  if (byVouches) {
    const list = [...vouches.values()]
    const times = list.map((g) => g.at).sort((a, b) => a - b)
    const ends = list.map((g) => g.until).sort((a, b) => b - a)
    const start = times[need - 1]!
    const end = ends[need - 1]!
    since = since === null ? start : Math.min(since, start)
    until = until === null ? end : Math.max(until, end)
  }
  const holds = def !== undefined && suspended === null && (granted.length > 0 || byVouches)
  return { qualification, member, holds, since: holds ? since : null, until: holds ? until : null, grants: live, suspended }
}

/** Whether `member` holds `qualification` at the asking event (see {@link holding}). */
export const holds = (state: State, member: string, qualification: string, ctx: Past): boolean =>
  holding(state, member, qualification, ctx).holds

/** Members with a grant or vouch for `qualification` in the asking event's past, sorted. */
export const candidates = (state: State, qualification: string, ctx: Past): ReadonlyArray<string> =>
  [...new Set(state.grants.filter((g) => g.qualification === qualification && seen(ctx, g.key)).map((g) => g.member))].sort()

/** Whether `member` is frozen at community time `time` for the asking event. */
export const frozenAt = (state: State, member: string, time: number, ctx: Past): Freeze | undefined =>
  state.freezes.find((f) => f.member === member && standsAt(ctx, f.key, f.ended) && f.from <= time && time < f.until)

/** Assignments in force for the asking event at cycle `cycle`. */
export const assignmentsAt = (state: State, cycle: number, ctx: Past): ReadonlyArray<Assignment> =>
  state.assignments.filter((a) => standsAt(ctx, a.key, a.ended) && a.from <= cycle && cycle < a.from + a.cycles)

/** Members in the opt-in pool of `group` for the asking event, sorted. */
export const poolAt = (state: State, group: string, ctx: Past): ReadonlyArray<string> =>
  [...new Set(state.pools.filter((p) => p.group === group && standsAt(ctx, p.key, p.ended)).map((p) => p.member))].sort()

/** Cycles in a row, ending with cycle `cycle - 1`, in which `member` held `role` in `group`. */
export const consecutiveBefore = (state: State, group: string, role: string, member: string, cycle: number, ctx: Past): number => {
  let n = 0
  for (let c = cycle - 1; c >= 0; c--) {
    const held = state.assignments.some(
      (a) => a.group === group && a.role === role && a.member === member && seen(ctx, a.key) && a.from <= c && c < a.from + a.cycles && (a.ended === null || !seen(ctx, a.ended))
    )
    if (!held) break
    n++
  }
  return n
}

/** Insert into a sorted list of strings, keeping it sorted and without repeats. */
export const insertSorted = (list: ReadonlyArray<string>, item: string): ReadonlyArray<string> =>
  list.includes(item) ? list : [...list, item].sort()
