/**
 * The governance state: proposals and their decisions, working groups, onion commitments and
 * reveals, and the draws that seat the prime working groups. Plain data in Affinity's CBOR
 * model (records, arrays in a deterministic order, strings, integers, booleans, null), so
 * every replica hashes it identically.
 *
 * @module
 */
import type { PaperDecision } from "./Paper.ts"
import type { Cbor, Module } from "@affinity/core/module"
import { Module as ModuleRules } from "@affinity/core/module"
import type { Requirement } from "./Qualification.ts"
import { type Buckets, bucketsFrom, flatten, lookup, put } from "./internal/keyed.ts"

/**
 * The prime working groups of the seed, sorted: the six modules every community has a prime
 * group for. A community has these and one for every other module it runs that sets
 * `prime` (the context's `primeModules`); read a community's groups with {@link primeGroups}.
 */
export const PRIME_GROUPS = ModuleRules.SEED_PRIME_GROUPS

/**
 * The name of a prime working group: the module it serves, one of the community's
 * `primeModules` ({@link PRIME_GROUPS} and every registered module that sets `prime`).
 */
export type PrimeGroup = string

/** One hour in milliseconds. */
export const HOUR = 60 * 60 * 1000
/** One day in milliseconds. */
export const DAY = 24 * HOUR
/** Shortest window between opening (or amending) a proposal and its deadline. */
export const MIN_WINDOW = HOUR
/** Longest window between opening (or amending) a proposal and its deadline. */
export const MAX_WINDOW = 90 * DAY

/** How a proposal is decided. */
export type Process = "consensus" | "consent" | "poll"

/** A member's position on a proposal. `abstain` is standing aside. */
export type StanceKind = "agree" | "abstain" | "object" | "block"

/** Who decides a proposal. */
export type Scope =
  | { readonly _tag: "Community" }
  | { readonly _tag: "Prime"; readonly module: PrimeGroup }
  | { readonly _tag: "Group"; readonly group: string }

/** An event body for some module, applied when a decision passes. */
export type Action = { readonly module: string; readonly type: string; readonly body: Cbor.Value }

/** Most actions one proposal carries. */
export const MAX_ACTIONS = 8

/**
 * What a proposal version or a decision carries: `action` is its only or first action
 * (`null` for none), and `actions` the whole ordered list, present only when there are
 * several. Read them with {@link actionsOf}.
 */
export type Carries = {
  /** The only action, or the first of several; `null` when none. */
  readonly action: Action | null
  /** Every action in order, present only when there are two or more (applied all or none, G5). */
  readonly actions?: ReadonlyArray<Action>
}

/**
 * Every action a proposal version or a decision carries, in order: empty for none, one for a
 * single action, the whole list for several.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const fence = { module: "garden", type: "fence", body: {} }
 * console.log(Governance.actionsOf({ action: null }).length) // 0
 * console.log(Governance.actionsOf({ action: fence })[0] === fence) // true
 * ```
 */
export const actionsOf = (carries: Carries): ReadonlyArray<Action> =>
  carries.actions ?? (carries.action === null ? [] : [carries.action])

/** The fields that record `actions` in a version or a decision: `action` always, `actions` only for several. */
export const carrying = (actions: ReadonlyArray<Action>): Carries =>
  actions.length > 1 ? { action: actions[0]!, actions } : { action: actions[0] ?? null }

/** One version of a proposal's text and actions: version 0 is the opening, then one per amendment. */
export type Version = Carries & {
  /** Key of the event that wrote this version (the opening or an amendment). */
  readonly key: string
  readonly text: string
  /** The deadline from this version on. */
  readonly deadline: number
  /** Community time of the event. */
  readonly at: number
}

/** One stance event, as recorded (every change is kept; the latest one counts). */
export type Stance = {
  readonly member: string
  readonly stance: StanceKind
  readonly reason: string | null
  /** Key of the stance event. */
  readonly key: string
  /** The proposal version the member had seen (the latest version in the stance's causal past). */
  readonly version: number
  /** Community time of the stance event. */
  readonly at: number
}

/** How a proposal ended. */
export type OutcomeKind = "passed" | "failed" | "recorded" | "withdrawn" | "superseded"

/** The status of a proposal: open, or how it ended. */
export type Status = "open" | OutcomeKind

/** Counts of the stances that counted, and of the deciding members who took no stance. */
export type Tally = {
  readonly agree: number
  readonly abstain: number
  readonly object: number
  readonly block: number
  /** Deciding members with no counted stance. */
  readonly silent: number
}

/** Why an outcome is what it is, as a tag (the `reason` text says it for people). */
export type Rule =
  | "ConsensusReached"
  | "NoQuorum"
  | "NoAgreement"
  | "Blocked"
  | "ConsentGiven"
  | "Objected"
  | "PollRecorded"
  | "AllSeatsAgreed"
  | "SeatMissingAgreement"
  | "PrimeShortOfSeats"
  | "GroupGone"
  | "OutsideMandate"
  | "NoDecidingMembers"
  | "Withdrawn"
  | "Superseded"

/** The record of how a proposal ended. `action` and `actions` are those of the version decided ({@link actionsOf}). */
export type Decision = Carries & {
  /** Key of the event that ended it (the close, the withdrawal, or the passing close of the superseding proposal). */
  readonly key: string
  /** Identity that sent that event. */
  readonly by: string
  /** Community time of that event. */
  readonly at: number
  readonly outcome: OutcomeKind
  readonly rule: Rule
  /** The outcome explained for people. */
  readonly reason: string
  /** The version the outcome applies to. */
  readonly version: number
  /** The text of that version. */
  readonly text: string
  /** The stances that counted, one per member, sorted by member. */
  readonly stances: ReadonlyArray<Stance>
  readonly tally: Tally
  /** How many members decided (full members, group members or seated members). */
  readonly deciders: number
  /** The seated members, for a prime decision; empty otherwise. */
  readonly seats: ReadonlyArray<string>
  /**
   * Key of the event whose outcome records whether the actions applied (the host's
   * `Replica.outcome(key).actions`), or `null` when no action was carried.
   */
  readonly actionEvent: string | null
}

/** A proposal and, once it ended, its decision. */
export type Proposal = {
  /** Key of the opening event. */
  readonly id: string
  readonly proposer: string
  readonly title: string
  readonly process: Process
  readonly scope: Scope
  /** Current deadline (community time, ms). */
  readonly deadline: number
  /** Community time of the opening. */
  readonly opened: number
  /** A proposal this one replaces when it passes. */
  readonly supersedes: string | null
  readonly versions: ReadonlyArray<Version>
  /** Every stance event made while it was open, in fold order. */
  readonly stances: ReadonlyArray<Stance>
  /**
   * Stances heard late, in fold order: made before the deadline by members who had not seen
   * the proposal end (a partition that healed after the close). They never count (G4).
   */
  readonly late: ReadonlyArray<Stance>
  readonly status: Status
  readonly decision: Decision | null
}

/** A change of a working group's membership. */
export type GroupChange = {
  readonly member: string
  /** Key of the event (for the initial members, the decision that created the group). */
  readonly key: string
  readonly joined: boolean
}

/** A working group created by a community decision. */
export type Group = {
  /** Key of the decision event that created it. */
  readonly id: string
  readonly name: string
  readonly purpose: string
  /** The `module/type` actions it may decide, sorted. */
  readonly mandate: ReadonlyArray<string>
  /** Community time at which it stops being able to decide, or `null`. */
  readonly expiry: number | null
  /** Current members, sorted. */
  readonly members: ReadonlyArray<string>
  /** Every membership change in fold order. */
  readonly changes: ReadonlyArray<GroupChange>
  /** Community time of its creation. */
  readonly created: number
  readonly disbanded: { readonly key: string; readonly at: number; readonly reason: string } | null
  /** The qualification those who join must hold, kept by another module; absent when none (G6). */
  readonly requires?: Requirement
}

/** A member's onion commitment. */
export type Onion = {
  /** Hex of `H^n(secret)`. */
  readonly anchor: string
  /** Key of the commit event. */
  readonly key: string
  /** Hex of the last value revealed from this onion (the anchor before any). */
  readonly last: string
  /** How many layers were revealed. */
  readonly revealed: number
}

/** A revealed onion layer. */
export type Reveal = {
  readonly member: string
  /** Hex of the 32 revealed bytes. */
  readonly value: string
  /** Key of the reveal event. */
  readonly key: string
  /** Community time of the reveal event. */
  readonly at: number
}

/** A prime working group's draw within one term. */
export type TermGroup = {
  /** Members not eligible because they held a seat in the group's previous term, sorted. */
  readonly excluded: ReadonlyArray<string>
  /** Eligible members in rank order (lowest score first); the first `primeSize` still able to serve are seated. */
  readonly ranked: ReadonlyArray<string>
  /** Members who resigned their seat in this term, sorted. */
  readonly resigned: ReadonlyArray<string>
  /**
   * Full members standing kept out of this group's draw (restricted from `governance/seat`
   * with body `{ group }`), sorted; absent when none was.
   */
  readonly restricted?: ReadonlyArray<string>
  /**
   * Full members left out because they were at their cap of concurrent roles, as a module
   * answering `roles.cap` counted them (working groups and that module's roles; prime seats of
   * the ending term aside), sorted; absent when none was.
   */
  readonly capped?: ReadonlyArray<string>
}

/** The draw of one term. */
export type Term = {
  readonly term: number
  /** Key of the recorded `term.draw` event (the first in fold order): its seed and seats count. */
  readonly key: string
  /**
   * Keys of every `term.draw` event of this term that passed the checks, sorted: the recorded
   * draw and each competing one (concurrent with it, applied later in fold order). The term is
   * drawn at an event when any of them is the event or in its causal past (`drawnAt`).
   */
  readonly draws: ReadonlyArray<string>
  /** Identity that drew. */
  readonly by: string
  /** Community time of the draw. */
  readonly at: number
  /** Seats in each prime group this term (the community's `primeSize` at the draw). */
  readonly size: number
  /** Hex of the seed. */
  readonly seed: string
  /** The reveals the seed was made of, sorted by value. */
  readonly reveals: ReadonlyArray<Reveal>
  /** Members whose commitment counted for this term but whose reveal was not in the draw's past, sorted. */
  readonly withheld: ReadonlyArray<string>
  /** Full members in the draw's causal past, sorted. */
  readonly full: ReadonlyArray<string>
  /** The commitments in the draw's causal past: the next term's reveals must come from these. */
  readonly commits: ReadonlyArray<{ readonly member: string; readonly key: string }>
  readonly groups: { readonly [group: string]: TermGroup }
}

/** State of the governance module. */
export type State = {
  /** Layout version of this state. */
  readonly version: number
  /** Community id (hex). */
  readonly community: string
  /** Claimed time of the genesis: term `t` starts at `genesisTime + t · primeTerm`. */
  readonly genesisTime: number
  readonly proposals: { readonly [id: string]: Proposal }
  readonly groups: { readonly [id: string]: Group }
  readonly onions: { readonly [member: string]: Onion }
  /** Reveals by term (decimal key), in fold order. */
  readonly reveals: { readonly [term: string]: ReadonlyArray<Reveal> }
  /** Draws by term (decimal key). */
  readonly terms: { readonly [term: string]: Term }
  /** The last term drawn, or `-1`. */
  readonly lastTerm: number
  /** Decisions taken on paper and entered afterwards, by key of the entering event (G6a); absent until the first. */
  readonly paper?: { readonly [id: string]: PaperDecision }
}

/** The initial governance state of a community. */
export const init = (genesis: Module.Genesis): State => ({
  version: 1,
  community: genesis.community,
  genesisTime: genesis.time,
  proposals: {},
  groups: {},
  onions: {},
  reveals: {},
  terms: {},
  lastTerm: -1
})

// --- keeping the map of proposals cheap to change ---------------------------------------------
//
// A community decides many proposals, and every open, stance and close changes one of them;
// copying a plain object of every proposal for each of those cost more than the rest of the
// fold. States the module makes keep `proposals` in buckets (see `internal/keyed.ts`) and show
// it as a plain object built on first read, so a state reads, encodes and hashes exactly as a
// plain one. A state made elsewhere (`init`, a checkpoint, a test) gets its buckets when first
// needed.

const proposalBuckets = new WeakMap<State, Buckets<Proposal>>()

const bucketsOf = (state: State): Buckets<Proposal> => {
  let found = proposalBuckets.get(state)
  if (found === undefined) {
    found = bucketsFrom(state.proposals)
    proposalBuckets.set(state, found)
  }
  return found
}

/** The fields of a state besides its proposals. */
export type Fields = Omit<State, "proposals">

/** A state over buckets of proposals, its fields in the order `init` gives them. */
const makeState = (fields: Fields, proposals: Buckets<Proposal>): State => {
  let view: State["proposals"] | undefined
  const state = { version: fields.version, community: fields.community, genesisTime: fields.genesisTime } as Record<string, unknown>
  Object.defineProperty(state, "proposals", { enumerable: true, get: () => (view ??= flatten(proposals)) })
  state["groups"] = fields.groups
  state["onions"] = fields.onions
  state["reveals"] = fields.reveals
  state["terms"] = fields.terms
  state["lastTerm"] = fields.lastTerm
  if (fields.paper !== undefined) state["paper"] = fields.paper
  proposalBuckets.set(state as State, proposals)
  return state as State
}

const fieldsOf = (state: State): Fields => ({
  version: state.version,
  community: state.community,
  genesisTime: state.genesisTime,
  groups: state.groups,
  onions: state.onions,
  reveals: state.reveals,
  terms: state.terms,
  lastTerm: state.lastTerm,
  ...(state.paper === undefined ? {} : { paper: state.paper })
})

/** The proposal opened by event `id`, or `undefined` (without building the state's map of proposals). */
export const proposalOf = (state: State, id: string): Proposal | undefined => lookup(bucketsOf(state), id)

/** `state` with the proposal `p` (added or replaced): one bucket of proposals copied. */
export const withProposal = (state: State, p: Proposal): State => makeState(fieldsOf(state), put(bucketsOf(state), p.id, p))

/** `state` with some fields other than its proposals changed; the proposals are shared. */
export const withFields = (state: State, changed: Partial<Fields>): State => makeState({ ...fieldsOf(state), ...changed }, bucketsOf(state))

// --- time --------------------------------------------------------------------------------------

/** Community time at which term `term` starts: `genesisTime + term · primeTerm`. */
export const termStart = (state: State, params: Module.Params, term: number): number => ModuleRules.termStart(params, state.genesisTime, term)

/** The term that community time `time` falls in (never below 0). */
export const termAt = (state: State, params: Module.Params, time: number): number => ModuleRules.termAt(params, state.genesisTime, time)

/** How long before a term starts its reveals close: one day, or half a term when terms are shorter than two days. */
export const revealLead = (params: Module.Params): number => Math.min(DAY, Math.floor(params.primeTerm / 2))

/** Reveals for `term` count only when their event's community time is below this. */
export const revealCutoff = (state: State, params: Module.Params, term: number): number =>
  termStart(state, params, term) - revealLead(params)

// --- seats -------------------------------------------------------------------------------------

/**
 * The recorded draw of `term` when the term is drawn at an event: some draw of that term that
 * passed the checks (the recorded one or a competing one) is the event itself or in its causal
 * past. `undefined` otherwise. The seats and seed are always the recorded draw's.
 */
export const drawnAt = (state: State, term: number, ctx: Module.EventContext): Term | undefined => {
  const drawn = state.terms[String(term)]
  return drawn && drawn.draws.some((k) => k === ctx.key || ctx.happenedBefore(k)) ? drawn : undefined
}

/**
 * The seated members of a prime group in a term, as judged at an event: the first
 * `primeSize` members of the draw's ranking who are full members in the event's causal past
 * and did not resign. A vacancy is thus refilled by the next in line. Empty when the term was
 * not drawn.
 */
export const seatsAt = (state: State, term: number, group: PrimeGroup, ctx: Module.EventContext): ReadonlyArray<string> =>
  seated(state, term, group, (id) => ctx.statusOf(id) === "full")

/**
 * The seated members of a prime group in a term: the first `size` members of the draw's
 * ranking for whom `canServe` holds and who did not resign. Empty when the term was not drawn.
 */
export const seated = (
  state: State,
  term: number,
  group: PrimeGroup,
  canServe: (identity: string) => boolean = () => true
): ReadonlyArray<string> => {
  const drawn = state.terms[String(term)]
  const g = drawn?.groups[group]
  if (!drawn || !g) return []
  const seats: Array<string> = []
  for (const id of g.ranked) {
    if (seats.length >= drawn.size) break
    if (canServe(id) && !g.resigned.includes(id)) seats.push(id)
  }
  return seats
}

/**
 * The prime working groups a term drew, sorted: the keys of its `groups`, which are the
 * community's `primeModules` at the draw. Without `term` (or for a term not drawn), those of
 * the last term drawn; the seed's six ({@link PRIME_GROUPS}) while no term was drawn.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const state = Governance.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Governance.DAY, quorumPercent: 50 } })
 * console.log(Governance.primeGroups(state).join(", ")) // administration, defense, economy, expression, governance, justice
 * ```
 */
export const primeGroups = (state: State, term: number = state.lastTerm): ReadonlyArray<PrimeGroup> => {
  const drawn = state.terms[String(term)] ?? state.terms[String(state.lastTerm)]
  return drawn ? Object.keys(drawn.groups).sort() : PRIME_GROUPS
}

/** Members of a working group as judged at an event: each member's latest change in the event's causal past. */
export const groupMembersAt = (group: Group, ctx: Module.EventContext): ReadonlyArray<string> => {
  const last = new Map<string, boolean>()
  for (const c of group.changes) if (c.key === ctx.key || ctx.happenedBefore(c.key)) last.set(c.member, c.joined)
  return [...last.entries()]
    .filter(([, joined]) => joined)
    .map(([m]) => m)
    .sort()
}

/** Whether a working group can still decide at community time `time`. */
export const groupActive = (group: Group, time: number): boolean =>
  group.disbanded === null && (group.expiry === null || time < group.expiry)

/** `module/type` of an action, the form mandates list. */
export const actionName = (action: Action): string => `${action.module}/${action.type}`

/** Insert into a sorted list of strings, without repeats. */
export const insertSorted = (list: ReadonlyArray<string>, item: string): ReadonlyArray<string> =>
  list.includes(item) ? list : [...list, item].sort()
