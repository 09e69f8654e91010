/**
 * The outcome rules: how a close event decides a proposal from the stances the community had
 * seen before the deadline and the members who decide at that point. Pure functions of the
 * state and the close event's context; they do not depend on which parents the close cites.
 *
 * @module
 */
import type { Module } from "@affinity/core/module"
import {
  actionName,
  actionsOf,
  carrying,
  groupActive,
  groupMembersAt,
  type Decision,
  drawnAt,
  type Proposal,
  type Rule,
  type Stance,
  type State,
  type Tally,
  seatsAt,
  termAt
} from "./State.ts"

/** Index of the latest version of a proposal whose event is in the causal past of (or is) the event judged. */
export const versionSeen = (proposal: Proposal, ctx: Module.EventContext): number => {
  let v = 0
  proposal.versions.forEach((version, i) => {
    if (version.key === ctx.key || ctx.happenedBefore(version.key)) v = i
  })
  return v
}

/**
 * The version a close decides: the latest whose amendment the community had seen before the
 * deadline it replaced (`seenBefore`, `docs/protocol.md` §6); version 0 (the opening) always
 * counts. An amendment signed after that deadline on old parents does not count, whatever
 * the close cites.
 */
export const versionDecided = (proposal: Proposal, ctx: Module.EventContext): number => {
  let v = 0
  for (let k = 1; k < proposal.versions.length; k++)
    if (ctx.seenBefore(proposal.versions[k]!.key, proposal.versions[v]!.deadline)) v = k
  return v
}

/**
 * Each member's stance that counts at a close: the latest (in fold order) of their stances
 * on `version` that the community had seen before `deadline` (`ctx.seenBefore`), for members
 * in `deciders`. Sorted by member. Stances the close's own causal past lacks count all the
 * same, and a stance signed after the deadline on old parents counts only when `w(n)`
 * members vouch for it (§6).
 */
export const countedStances = (
  proposal: Proposal,
  version: number,
  deadline: number,
  deciders: ReadonlyArray<string>,
  ctx: Module.EventContext
): ReadonlyArray<Stance> => {
  const allowed = new Set(deciders)
  return counted(proposal, version, deadline, (m) => allowed.has(m), ctx)
}

/** {@link countedStances} for the deciders `decides` accepts. */
const counted = (
  proposal: Proposal,
  version: number,
  deadline: number,
  decides: (member: string) => boolean,
  ctx: Module.EventContext
): ReadonlyArray<Stance> => {
  const latest = new Map<string, Stance>()
  for (let k = proposal.stances.length - 1; k >= 0; k--) {
    const s = proposal.stances[k]!
    if (s.version !== version || latest.has(s.member) || !decides(s.member)) continue
    if (ctx.seenBefore(s.key, deadline)) latest.set(s.member, s)
  }
  return [...latest.values()].sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0))
}

/** Whether `item` is in a sorted list (a binary search: the list may be every full member). */
const inSorted = (list: ReadonlyArray<string>, item: string): boolean => {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]! < item) lo = mid + 1
    else hi = mid
  }
  return lo < list.length && list[lo] === item
}

const tallyOf = (stances: ReadonlyArray<Stance>, deciders: number): Tally => {
  const count = (k: Stance["stance"]) => stances.filter((s) => s.stance === k).length
  return { agree: count("agree"), abstain: count("abstain"), object: count("object"), block: count("block"), silent: deciders - stances.length }
}

const short = (id: string) => `${id.slice(0, 12)}…`

/** What the close computes, before it is written into the state. */
export type Verdict = Omit<Decision, "key" | "by" | "at" | "actionEvent">

/** Smallest number of participants that meets a quorum of `percent` over `n` deciders. */
export const quorumNeeded = (percent: number, n: number): number => Math.ceil((percent * n) / 100)

/** The query a module answers to say a member counts as inactive (administration, §14). */
export const INACTIVE_QUERY = "inactive"

/**
 * `deciders` without the members that a module answering {@link INACTIVE_QUERY} counts as
 * inactive at the close, judged on its causal past; members with a counted stance always stay.
 */
const withoutInactive = (deciders: ReadonlyArray<string>, stances: ReadonlyArray<Stance>, ctx: Module.EventContext): ReadonlyArray<string> => {
  const modules = ctx.answering?.(INACTIVE_QUERY) ?? []
  if (modules.length === 0) return deciders
  const spoke = new Set(stances.map((s) => s.member))
  return deciders.filter(
    (m) =>
      spoke.has(m) ||
      !modules.some((module) => {
        const r = ctx.ask(module, INACTIVE_QUERY, { identity: m })
        return r.ok && r.value === true
      })
  )
}

/**
 * Decide a proposal at its close event. `ctx` is the close's context: the version and the
 * stances are those the community had seen before the deadline (`versionDecided`,
 * `countedStances`); memberships and seats are judged on the close's causal past.
 */
export const decide = (state: State, proposal: Proposal, ctx: Module.EventContext): Verdict => {
  const version = versionDecided(proposal, ctx)
  const current = proposal.versions[version]!
  const deadline = current.deadline
  const actions = actionsOf(current)
  const base = { version, text: current.text, ...carrying(actions) }
  const verdict = (
    outcome: Verdict["outcome"],
    rule: Rule,
    reason: string,
    stances: ReadonlyArray<Stance>,
    deciders: number,
    seats: ReadonlyArray<string> = []
  ): Verdict => ({ ...base, outcome, rule, reason, stances, tally: tallyOf(stances, deciders), deciders, seats })

  const scope = proposal.scope
  if (scope._tag === "Prime") {
    const term = termAt(state, ctx.params, ctx.communityTime)
    const drawn = state.terms[String(term)]
    const seats = drawnAt(state, term, ctx) ? seatsAt(state, term, scope.module, ctx) : []
    const stances = countedStances(proposal, version, deadline, seats, ctx)
    const size = drawn?.size ?? ctx.params.primeSize
    if (seats.length < size || seats.length === 0)
      return verdict(
        "failed",
        "PrimeShortOfSeats",
        `the ${scope.module} prime group has ${seats.length} of ${size} seats filled in term ${term}; it cannot decide, so the community decides instead`,
        stances,
        seats.length,
        seats
      )
    const missing = seats.filter((m) => !stances.some((s) => s.member === m && s.stance === "agree"))
    return missing.length === 0
      ? verdict("passed", "AllSeatsAgreed", `every one of the ${seats.length} seated members agreed`, stances, seats.length, seats)
      : verdict(
          "failed",
          "SeatMissingAgreement",
          `a prime decision needs agreement from every seated member; ${missing.length} did not agree (${missing.map(short).join(", ")})`,
          stances,
          seats.length,
          seats
        )
  }

  let deciders: ReadonlyArray<string>
  if (scope._tag === "Group") {
    const group = state.groups[scope.group]
    if (!group || !groupActive(group, ctx.communityTime))
      return verdict("failed", "GroupGone", "the working group was disbanded or has expired; it can no longer decide", [], 0)
    const outside = actions.filter((a) => !group.mandate.includes(actionName(a))).map(actionName)
    if (outside.length > 0)
      return verdict("failed", "OutsideMandate", `${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} outside the group's mandate`, [], 0)
    deciders = groupMembersAt(group, ctx).filter((m) => ctx.statusOf(m) === "full")
  } else deciders = ctx.fullMembers()

  // Both lists of deciders are sorted: full members, and a group's members (sorted, filtered).
  const list = deciders
  const stances = counted(proposal, version, deadline, (m) => inSorted(list, m), ctx)
  // A community decision leaves out of its quorum the members a module counts as inactive
  // (administration's `inactive`), unless they took a stance that counts (§12 G4).
  if (scope._tag === "Community") deciders = withoutInactive(deciders, stances, ctx)
  const n = deciders.length
  const t = tallyOf(stances, n)
  const participants = stances.length

  if (proposal.process === "poll")
    return verdict(
      "recorded",
      "PollRecorded",
      `poll: ${t.agree} agree, ${t.abstain} abstain, ${t.object} object, ${t.block} block, ${t.silent} silent`,
      stances,
      n
    )

  if (proposal.process === "consent") {
    const against = stances.filter((s) => s.stance === "object" || s.stance === "block")
    return against.length === 0
      ? verdict("passed", "ConsentGiven", `no objection and no block among ${participants} stances`, stances, n)
      : verdict(
          "failed",
          "Objected",
          `${against.length} member${against.length === 1 ? "" : "s"} objected or blocked: ${against.map((s) => `${short(s.member)} (${s.reason ?? ""})`).join("; ")}`,
          stances,
          n
        )
  }

  // Consensus (the community's, or a working group's).
  if (n === 0) return verdict("failed", "NoDecidingMembers", "nobody was able to decide", stances, n)
  const needed = Math.max(1, quorumNeeded(ctx.params.quorumPercent, n))
  if (participants < needed)
    return verdict("failed", "NoQuorum", `no quorum: ${participants} of ${n} took part, ${needed} needed`, stances, n)
  const blocks = stances.filter((s) => s.stance === "block")
  if (blocks.length > 0)
    return verdict(
      "failed",
      "Blocked",
      `blocked by ${blocks.map((s) => `${short(s.member)} (${s.reason ?? ""})`).join("; ")}`,
      stances,
      n
    )
  if (t.agree === 0) return verdict("failed", "NoAgreement", "nobody agreed", stances, n)
  return verdict(
    "passed",
    "ConsensusReached",
    `${participants} of ${n} took part (quorum ${needed}); ${t.agree} agree, ${t.abstain} stand aside, ${t.object} object, no block`,
    stances,
    n
  )
}
