/**
 * Records: read-only queries over the governance state, explanations of draws, and exports
 * of decisions to JSON, CSV and Markdown (printable, for when the software fails and people
 * carry on with paper).
 *
 * Whether a passed decision's actions applied is recorded by the host on the close event's
 * outcome; pass `outcomeOf: (key) => replica.outcome(key)` to the exports to include it. A
 * decision that does several things lists each action and what became of it.
 *
 * ```ts
 * import * as Governance from "@affinity/governance"
 *
 * const state = Governance.init({
 *   community: "00".repeat(32),
 *   name: "Garden",
 *   founders: [],
 *   params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Governance.DAY, quorumPercent: 50 },
 *   time: 0
 * })
 * console.log(Governance.Records.decisions(state).length === 0) // true
 * console.log(Governance.Records.toMarkdown(state).startsWith("# Decisions")) // true
 * ```
 *
 * @module
 */
import type { Replica } from "@affinity/core"
import { Bytes } from "@affinity/core/module"
import * as Carried from "./Carried.ts"
import * as Lot from "./Lot.ts"
import {
  type Action,
  actionsOf,
  type Group,
  type PrimeGroup,
  primeGroups as groupsOf,
  type Proposal,
  type Stance,
  type State,
  type Term,
  seated
} from "./State.ts"

// --- queries ---------------------------------------------------------------------------------------

const byTimeThenKey = <T>(at: (t: T) => number, key: (t: T) => string) => (a: T, b: T) =>
  at(a) - at(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

/** Every proposal, oldest first (by community time of the opening, then id). */
export const proposals = (state: State, filter?: (p: Proposal) => boolean): ReadonlyArray<Proposal> =>
  Object.values(state.proposals)
    .filter((p) => (filter ? filter(p) : true))
    .sort(byTimeThenKey((p) => p.opened, (p) => p.id))

/** One proposal by id (hex of its opening event). */
export const proposal = (state: State, id: string): Proposal | undefined => state.proposals[id]

/** Proposals still open. */
export const open = (state: State): ReadonlyArray<Proposal> => proposals(state, (p) => p.status === "open")

/** Proposals that ended, in the order they ended (community time, then key). */
export const decisions = (state: State): ReadonlyArray<Proposal> =>
  Object.values(state.proposals)
    .filter((p) => p.decision !== null)
    .sort(byTimeThenKey((p) => p.decision!.at, (p) => `${p.decision!.key}${p.id}`))

/**
 * Each member's current stance on an open proposal: their latest stance on the latest
 * version (as this replica has folded it), sorted by member. For a decided proposal the
 * stances that counted are in `proposal.decision.stances`.
 */
export const stances = (state: State, id: string): ReadonlyArray<Stance> => {
  const p = state.proposals[id]
  if (!p) return []
  const version = p.versions.length - 1
  const latest = new Map<string, Stance>()
  for (const s of p.stances) if (s.version === version) latest.set(s.member, s)
  return [...latest.values()].sort((a, b) => (a.member < b.member ? -1 : 1))
}

/** Working groups, oldest first. `active` keeps only those not disbanded (expiry is judged by the caller's time). */
export const groups = (state: State, options: { readonly active?: boolean } = {}): ReadonlyArray<Group> =>
  Object.values(state.groups)
    .filter((g) => !options.active || g.disbanded === null)
    .sort(byTimeThenKey((g) => g.created, (g) => g.id))

/** One working group by id. */
export const group = (state: State, id: string): Group | undefined => state.groups[id]

/** Draws, by term ascending. */
export const terms = (state: State): ReadonlyArray<Term> =>
  Object.values(state.terms).sort((a, b) => a.term - b.term)

/** One term's draw. */
export const term = (state: State, t: number): Term | undefined => state.terms[String(t)]

/**
 * The seated members of a prime group in a term. Without `isFull`, the seats as drawn;
 * with it (e.g. `(id) => replica.core.identities[id]?.status === "full"`), vacancies are
 * refilled from the ranking as the module does.
 */
export const seats = (state: State, t: number, group: PrimeGroup, isFull?: (identity: string) => boolean): ReadonlyArray<string> =>
  seated(state, t, group, isFull)

/**
 * Community time as a new event appended now would see it (see `Replica.communityTime` and
 * `docs/protocol.md` §6).
 */
export const communityTime = (replica: Replica.Replica): number => replica.communityTime()

// --- explaining a draw --------------------------------------------------------------------------------

/** One member's line in a draw's explanation. */
export interface Candidate {
  readonly identity: string
  /** Hex of the member's score, for eligible members; `null` otherwise. */
  readonly score: string | null
  /** 1-based rank among the eligible, or `null`. */
  readonly rank: number | null
  /** Whether the draw seated them (before any vacancy). */
  readonly seated: boolean
  /** Why, for people: "seated: rank 1 of 9", "rank 4 of 9", "served last term", "not a full member". */
  readonly why: string
}

/** Everything needed to re-derive one group's draw in one term. */
export interface Explanation {
  readonly term: number
  readonly group: PrimeGroup
  /** Key of the draw event. */
  readonly draw: string
  /** Hex of the seed, and whether recomputing it from the reveals gives the same bytes. */
  readonly seed: string
  readonly seedVerified: boolean
  /** The bytes hashed into the seed, as hex: domain, community, term, then sorted reveals. */
  readonly seedInput: string
  /** Every reveal used, sorted by value. */
  readonly reveals: ReadonlyArray<{ readonly member: string; readonly value: string; readonly key: string }>
  /** Members whose commitment counted but whose reveal the draw did not have. */
  readonly withheld: ReadonlyArray<string>
  readonly seats: number
  /** Every eligible member by rank, then everyone else considered. */
  readonly candidates: ReadonlyArray<Candidate>
  /** Whether re-ranking from the seed gives the recorded ranking. */
  readonly rankingVerified: boolean
}

/**
 * Explain the draw of `group` in `term`: the seed and every reveal in it, the withheld
 * members, and for each member their score and why they were or were not seated.
 * `members` adds identities to explain that were not full members at the draw (e.g. every
 * identity of `replica.core.identities`). `undefined` when the term was not drawn.
 */
export const explainDraw = (
  state: State,
  t: number,
  group: PrimeGroup,
  options: { readonly members?: ReadonlyArray<string> } = {}
): Explanation | undefined => {
  const drawn = state.terms[String(t)]
  const g = drawn?.groups[group]
  if (!drawn || !g) return undefined
  const community = Bytes.fromHex(state.community)!
  const values = drawn.reveals.map((r) => Bytes.fromHex(r.value)!)
  const seedBytes = Lot.seed(community, t, values)
  const seedInput = Bytes.toHex(Bytes.concat(Lot.SEED_DOMAIN, community, Lot.u64(t), ...[...values].sort(Bytes.compare)))
  const restricted = g.restricted ?? []
  const eligible = drawn.full.filter((m) => !g.excluded.includes(m) && !restricted.includes(m))
  const ranking = t === 0 ? [] : Lot.rank(seedBytes, group, eligible)
  const n = ranking.length
  const candidates: Array<Candidate> = ranking.map((r, i) => ({
    identity: r.identity,
    score: r.score,
    rank: i + 1,
    seated: i < drawn.size,
    why: i < drawn.size ? `seated: rank ${i + 1} of ${n}` : `rank ${i + 1} of ${n}: next in line for a vacancy`
  }))
  const seen = new Set(ranking.map((r) => r.identity))
  const others = [...new Set([...drawn.full, ...g.excluded, ...restricted, ...(options.members ?? [])])].filter((m) => !seen.has(m)).sort()
  for (const m of others)
    candidates.push({
      identity: m,
      score: null,
      rank: null,
      seated: false,
      why:
        t === 0
          ? "term 0 is the founding term: nobody is seated"
          : g.excluded.includes(m)
            ? "served last term"
            : restricted.includes(m)
              ? "restricted from holding a seat of this group (standing)"
              : "not a full member"
    })
  return {
    term: t,
    group,
    draw: drawn.key,
    seed: drawn.seed,
    seedVerified: Bytes.toHex(seedBytes) === drawn.seed,
    seedInput,
    reveals: drawn.reveals.map((r) => ({ member: r.member, value: r.value, key: r.key })),
    withheld: drawn.withheld,
    seats: drawn.size,
    candidates,
    rankingVerified: ranking.length === g.ranked.length && ranking.every((r, i) => r.identity === g.ranked[i])
  }
}

// --- exports ---------------------------------------------------------------------------------------

/** What an export needs to know beyond the state. */
export interface ExportOptions {
  /** The host's outcome of an event (`(key) => replica.outcome(key)`), to say whether actions applied. */
  readonly outcomeOf?: (key: string) => Replica.Outcome | undefined
  /** Names to show instead of identity hex (e.g. from a client's address book). */
  readonly nameOf?: (identity: string) => string | undefined
}

/** What became of each action of a decision, aligned with its actions; `undefined` when not carried or not known. */
const resultsOf = (p: Proposal, options: ExportOptions): ReadonlyArray<Replica.ActionOutcome> | undefined => {
  const d = p.decision
  return d === null || d.actionEvent === null ? undefined : Carried.outcomes(d, options.outcomeOf?.(d.actionEvent))
}

const statusOf = (r: Replica.ActionOutcome | undefined): string =>
  r === undefined ? "unknown" : r._tag === "Applied" ? "applied" : `failed: ${r.reason._tag}: ${r.reason.message}`

/**
 * Whether a decision's actions applied: `"applied"` (every one), `"failed: <reason>"`,
 * `"none"` (nothing was carried: the decision did not pass, or had no action) or
 * `"unknown"` (no outcome known). For a decision that does several things, a failure names
 * the action that failed: `"failed: action 2 of 2 (core/member.admit): <reason>"`; then none
 * of its actions applied.
 */
export const actionStatus = (p: Proposal, options: ExportOptions = {}): string => {
  const d = p.decision
  if (!d || d.actionEvent === null || actionsOf(d).length === 0) return "none"
  const results = resultsOf(p, options)
  if (results === undefined) return "unknown"
  if (results.length === 1) return statusOf(results[0])
  const failed = Carried.failing(results)
  return failed === undefined
    ? "applied"
    : `failed: action ${failed.index + 1} of ${results.length} (${failed.outcome.module}/${failed.outcome.type}): ${failed.outcome.reason._tag}: ${failed.outcome.reason.message}`
}

/**
 * What became of each action of a decision, in the order of `actionsOf(decision)`:
 * `"applied"`, `"failed: <reason>"` (`NotApplied` when another action of the decision
 * failed), `"none"` when nothing was carried, `"unknown"` when no outcome is known. Empty
 * when the decided version had no action.
 */
export const actionStatuses = (p: Proposal, options: ExportOptions = {}): ReadonlyArray<string> => {
  const d = p.decision
  if (!d) return []
  const actions = actionsOf(d)
  if (d.actionEvent === null) return actions.map(() => "none")
  const results = resultsOf(p, options)
  return actions.map((_, i) => statusOf(results?.[i]))
}

const iso = (ms: number) => new Date(ms).toISOString()

const who = (id: string, options: ExportOptions) => options.nameOf?.(id) ?? id

const scopeText = (p: Proposal): string =>
  p.scope._tag === "Community" ? "community" : p.scope._tag === "Prime" ? `prime:${p.scope.module}` : `group:${p.scope.group}`

const actionText = (a: Action): string => `${a.module}/${a.type}`

/** One decision as a JSON-friendly record (byte strings in actions as `{ "$bytes": hex }`). */
export interface DecisionRecord {
  readonly proposal: string
  readonly title: string
  readonly process: string
  readonly decidedBy: string
  readonly proposer: string
  readonly opened: string
  readonly deadline: string
  readonly outcome: string
  readonly rule: string
  readonly reason: string
  readonly decided: string
  readonly decisionEvent: string
  readonly version: number
  readonly text: string
  /** The decided version's only action, or the first of several; `null` when none. */
  readonly action: { readonly module: string; readonly type: string; readonly body: unknown } | null
  /** Whether the actions applied, as {@link actionStatus} says it. */
  readonly actionStatus: string
  /** Every action of the decided version, in order, with what became of it ({@link actionStatuses}). */
  readonly actions: ReadonlyArray<{ readonly module: string; readonly type: string; readonly body: unknown; readonly status: string }>
  readonly tally: { readonly agree: number; readonly abstain: number; readonly object: number; readonly block: number; readonly silent: number }
  readonly deciders: number
  readonly seats: ReadonlyArray<string>
  readonly stances: ReadonlyArray<{ readonly member: string; readonly stance: string; readonly reason: string | null; readonly at: string; readonly event: string }>
  /** Stances heard after the decision was taken (a partition that healed): recorded, never counted. */
  readonly late: ReadonlyArray<{ readonly member: string; readonly stance: string; readonly reason: string | null; readonly at: string; readonly event: string }>
}

const jsonValue = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return { $bytes: Bytes.toHex(v) }
  if (Array.isArray(v)) return v.map(jsonValue)
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = jsonValue((v as Record<string, unknown>)[k])
    return out
  }
  return v
}

/** Decisions as records, in the order they ended. */
export const records = (state: State, options: ExportOptions = {}): ReadonlyArray<DecisionRecord> =>
  decisions(state).map((p) => {
    const d = p.decision!
    const statuses = actionStatuses(p, options)
    return {
      proposal: p.id,
      title: p.title,
      process: p.process,
      decidedBy: scopeText(p),
      proposer: who(p.proposer, options),
      opened: iso(p.opened),
      deadline: iso(p.deadline),
      outcome: d.outcome,
      rule: d.rule,
      reason: d.reason,
      decided: iso(d.at),
      decisionEvent: d.key,
      version: d.version,
      text: d.text,
      action: d.action === null ? null : { module: d.action.module, type: d.action.type, body: jsonValue(d.action.body) },
      actionStatus: actionStatus(p, options),
      actions: actionsOf(d).map((a, i) => ({ module: a.module, type: a.type, body: jsonValue(a.body), status: statuses[i]! })),
      tally: d.tally,
      deciders: d.deciders,
      seats: d.seats.map((s) => who(s, options)),
      stances: d.stances.map((s) => ({ member: who(s.member, options), stance: s.stance, reason: s.reason, at: iso(s.at), event: s.key })),
      late: p.late.map((s) => ({ member: who(s.member, options), stance: s.stance, reason: s.reason, at: iso(s.at), event: s.key }))
    }
  })

/** Decisions as JSON text (pretty-printed). */
export const toJson = (state: State, options: ExportOptions = {}): string => `${JSON.stringify(records(state, options), null, 2)}\n`

const csvCell = (v: string | number): string => {
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/**
 * Decisions as CSV (RFC 4180): one row per decision, stances in one cell as
 * `member: stance (reason)` separated by ` | `. A decision that does several things lists its
 * actions in the `action` cell and what became of each in the `action_status` cell, in the
 * same order, separated by ` | `.
 */
export const toCsv = (state: State, options: ExportOptions = {}): string => {
  const header = [
    "proposal",
    "title",
    "process",
    "decided_by",
    "outcome",
    "reason",
    "decided",
    "version",
    "action",
    "action_status",
    "agree",
    "abstain",
    "object",
    "block",
    "silent",
    "stances"
  ]
  const rows = records(state, options).map((r) => [
    r.proposal,
    r.title,
    r.process,
    r.decidedBy,
    r.outcome,
    r.reason,
    r.decided,
    r.version,
    r.actions.map((a) => `${a.module}/${a.type}`).join(" | "),
    r.actions.length > 1 ? r.actions.map((a) => a.status).join(" | ") : r.actionStatus,
    r.tally.agree,
    r.tally.abstain,
    r.tally.object,
    r.tally.block,
    r.tally.silent,
    r.stances.map((s) => `${s.member}: ${s.stance}${s.reason ? ` (${s.reason})` : ""}`).join(" | ")
  ])
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n"
}

const md = (s: string) => s.replaceAll(/([\\`*_[\]|<>])/g, "\\$1")

/**
 * Decisions as Markdown, printable: one section per decision, stances with reasons, the
 * action and whether it applied (for several, each in order and what became of it).
 */
export const toMarkdown = (state: State, options: ExportOptions = {}): string => {
  const lines: Array<string> = ["# Decisions", ""]
  const all = decisions(state)
  if (all.length === 0) lines.push("No decision yet.", "")
  for (const p of all) {
    const d = p.decision!
    lines.push(`## ${md(p.title)}`, "")
    lines.push(`- Outcome: **${d.outcome}** (${md(d.reason)})`)
    lines.push(`- Process: ${p.process}, decided by ${scopeText(p)}`)
    lines.push(`- Proposed by ${md(who(p.proposer, options))} on ${iso(p.opened)}; deadline ${iso(p.deadline)}`)
    lines.push(`- Decided on ${iso(d.at)} by event \`${d.key}\``)
    lines.push(`- Text version ${d.version}${d.version > 0 ? ` (amended ${d.version} time${d.version === 1 ? "" : "s"})` : ""}`)
    const actions = actionsOf(d)
    if (actions.length === 1) lines.push(`- Action: ${actionText(actions[0]!)}: ${md(actionStatus(p, options))}`)
    if (actions.length > 1) {
      const statuses = actionStatuses(p, options)
      lines.push(`- Actions (${actions.length}, applied together or not at all): ${md(actionStatus(p, options))}`)
      actions.forEach((a, i) => lines.push(`  ${i + 1}. ${actionText(a)}: ${md(statuses[i]!)}`))
    }
    lines.push(
      `- Tally: ${d.tally.agree} agree, ${d.tally.abstain} stand aside, ${d.tally.object} object, ${d.tally.block} block, ${d.tally.silent} silent`
    )
    lines.push("")
    if (d.text !== "") lines.push(...d.text.split("\n").map((l) => `> ${md(l)}`), "")
    if (d.stances.length > 0) {
      lines.push("| member | stance | reason | when |", "|---|---|---|---|")
      for (const s of d.stances) lines.push(`| ${md(who(s.member, options))} | ${s.stance} | ${md(s.reason ?? "")} | ${iso(s.at)} |`)
      lines.push("")
    }
    if (p.late.length > 0) {
      lines.push("Heard after the decision was taken (made before the deadline, not counted):", "")
      lines.push("| member | stance | reason | when |", "|---|---|---|---|")
      for (const s of p.late) lines.push(`| ${md(who(s.member, options))} | ${s.stance} | ${md(s.reason ?? "")} | ${iso(s.at)} |`)
      lines.push("")
    }
  }
  return lines.join("\n")
}

/**
 * The prime groups a term drew, in order (the last term drawn without `term`; the seed's six
 * while none was drawn). The same as the package's `primeGroups`.
 */
export const primeGroups: (state: State, term?: number) => ReadonlyArray<PrimeGroup> = groupsOf
