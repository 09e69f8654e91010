/**
 * The justice module's state and the plain facts read from it: who the parties of a case are,
 * who handles it, the rung a subject stands on, and the restrictions in force. Identities and
 * event keys are lower-case hex; community times are milliseconds.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const state = Justice.init({ community: "00", name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Justice.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(state.params.appealDays) // 20
 * console.log(Object.keys(state.cases).length) // 0
 * ```
 *
 * @module
 */
import type { Module } from "@affinity/core/module"
import type { CaseKind, Option, Weight } from "./Bodies.ts"

/** One hour, in milliseconds. */
export const HOUR = 3_600_000
/** One day, in milliseconds. */
export const DAY = 24 * HOUR

/** The rungs of the ladder, lowest first: each decision on a subject climbs at most one. */
export const RUNGS = ["correction", "warning", "restriction", "removal"] as const
/** One rung of the ladder. */
export type Rung = (typeof RUNGS)[number]

/** The rung an option stands on (1 to 4), or 0 for an option that is not a rung. */
export const rungOf = (option: Option): number => RUNGS.indexOf(option as Rung) + 1

/** The module's parameters, set by community decision (`justice/params`). */
export type Params = {
  /** Longest a restriction may last from the decision that imposes (or renews) it, in days. */
  readonly maxDays: number
  /** How long after a restriction its subject may appeal it, in days. */
  readonly appealDays: number
  /** How many members an appeal's panel draws. */
  readonly panelSize: number
}

/** The parameters a community starts with. */
export const defaultParams: Params = { maxDays: 90, appealDays: 20, panelSize: 3 }

/** Who decided: the justice prime group, or the community. */
export type DecidedBy = "prime" | "community"

/** A step of a case seen by everyone: who, which event, when (its words stay sealed). */
export type Step = {
  readonly by: string
  readonly key: string
  readonly at: number
}

/** The repair track of a case. */
export type Repair = {
  /** Each party's consent: the facilitators it named (hex, sorted), by party. */
  readonly consents: { readonly [party: string]: ReadonlyArray<string> }
  /** `consent` until every party consented with the same facilitators; then the circle's stages. */
  readonly stage: "consent" | "pre-circle" | "circle" | "post-circle" | "repaired" | "unrepaired"
  /** The facilitators the parties agreed on (empty: the case's handlers), once started. */
  readonly facilitators: ReadonlyArray<string>
  /** Parties a handler met before the circle, sorted. */
  readonly met: ReadonlyArray<string>
  /** The circle's agreement, once recorded. */
  readonly agreement: Agreement | null
}

/** A circle's agreement: actions with owners and due dates, accepted by every party. */
export type Agreement = {
  readonly key: string
  readonly by: string
  readonly at: number
  readonly actions: ReadonlyArray<{ readonly owner: string; readonly due: number }>
  /** Parties who accepted it, sorted. */
  readonly accepted: ReadonlyArray<string>
  /** Per action, whether it was done, once a handler checked it. */
  readonly checks: ReadonlyArray<{ readonly done: boolean; readonly key: string; readonly at: number } | null>
}

/** A member's vote in a case's review. */
export type Vote = {
  readonly member: string
  readonly option: Option
  readonly key: string
  readonly at: number
  /** The review round it was cast in (a tie or "further discussion" opens the next). */
  readonly round: number
}

/** A decision recorded on a case. */
export type CaseDecision = {
  readonly key: string
  /** Key of the decision (the close) that carried it. */
  readonly decision: string
  readonly option: Option
  readonly by: DecidedBy
  readonly at: number
  /** The restriction it imposed (its key), or `null`. */
  readonly restriction: string | null
  /** Whether it came while repair was under way (a protective decision: the case stays open). */
  readonly protective: boolean
}

/** One case. */
export type Case = {
  /** Key of the filing event. */
  readonly id: string
  readonly kind: CaseKind
  readonly weight: Weight
  readonly filer: string
  /** The person harmed, who speaks first (the filer unless named). */
  readonly affected: string
  /**
   * Who it is about: a member (identity), a working group (id), a prime working group (its
   * module, for a mandate the defense prime group held) or, for a fork, a device key.
   */
  readonly about: { readonly member: string } | { readonly group: string } | { readonly prime: string } | { readonly device: string }
  /** The respondents: the member, the group's members (or the prime group's seats) at filing, or the forked identity. */
  readonly respondents: ReadonlyArray<string>
  /**
   * For a case opened on another module's fact (`case.open`): the overdue mandate's id, or the
   * payer's overshoots (their keys, in the economy's order) the case covers. Absent otherwise.
   */
  readonly fact?: { readonly mandate: string } | { readonly overshoots: ReadonlyArray<string> }
  /** For a blocking case, the proposals it names. */
  readonly proposals: ReadonlyArray<string>
  /** Community time of the filing. */
  readonly filed: number
  /** The full members at filing: the electorate of every vote in the case, sorted. */
  readonly electorate: ReadonlyArray<string>
  /** The justice prime group's seats at filing, sorted. */
  readonly handlers: ReadonlyArray<string>
  /** Who spoke, in fold order (the words stay sealed). */
  readonly statements: ReadonlyArray<Step>
  readonly repair: Repair | null
  /** The review's current round. */
  readonly round: number
  /** Votes, in fold order. */
  readonly votes: ReadonlyArray<Vote>
  /** Decisions, in fold order. */
  readonly decisions: ReadonlyArray<CaseDecision>
  readonly status: "open" | "repaired" | "decided" | "withdrawn"
  /** The event that ended it, or `null` while open. */
  readonly ended: Step | null
}

/** A restriction the justice module keeps, with its history. */
export type Restriction = {
  /** Key of the event that imposed it (the deciding close). */
  readonly key: string
  readonly case: string
  /** An identity (hex), `group/<id>` for a working group, or a device key. */
  readonly subject: string
  readonly rung: Rung
  readonly scope: {
    readonly module?: string
    readonly types?: ReadonlyArray<string>
    readonly where?: { readonly [field: string]: string | number | boolean }
  }
  /** Community time from which it no longer holds, as decided (a renewal sets it again: {@link expiry}). */
  readonly until: number
  readonly reason: string
  readonly by: DecidedBy
  readonly at: number
  /** Who decided it: the seats of the prime group, or the members whose votes chose it. Sorted. */
  readonly deciders: ReadonlyArray<string>
  /** New decisions that set its expiry again, in fold order. */
  readonly renewals: ReadonlyArray<{ readonly key: string; readonly until: number; readonly at: number; readonly by: DecidedBy }>
  /** How it ended early: lifted by decision or overturned on appeal; `null` otherwise. */
  readonly ended: { readonly key: string; readonly at: number; readonly why: "lifted" | "overturned" } | null
  /** Its appeal, once filed. */
  readonly appeal: string | null
}

/** An appeal of a restriction, heard by a panel drawn by lot. */
export type Appeal = {
  readonly key: string
  readonly restriction: string
  readonly by: string
  readonly at: number
  /** Hex of the seed that ranked the panel. */
  readonly seed: string
  /** The governance term whose lot seeded it, or `null` when no term was drawn. */
  readonly lot: { readonly term: number; readonly key: string } | null
  /** The panel, in rank order. */
  readonly panel: ReadonlyArray<string>
  /** Each panel member's latest stance, in fold order. */
  readonly stances: ReadonlyArray<{ readonly member: string; readonly verdict: "uphold" | "overturn"; readonly key: string; readonly at: number }>
  readonly decided: { readonly verdict: "uphold" | "overturn"; readonly key: string; readonly at: number } | null
}

/** The rungs a subject was decided, in fold order. */
export type LadderStep = { readonly rung: Rung; readonly key: string; readonly case: string }

/** The justice module's state. */
export type State = {
  readonly version: 1
  /** The community id (hex): fork proofs must name it. */
  readonly community: string
  readonly params: Params
  readonly cases: { readonly [id: string]: Case }
  readonly restrictions: { readonly [key: string]: Restriction }
  readonly appeals: { readonly [key: string]: Appeal }
  /** Each subject's steps on the ladder. */
  readonly ladder: { readonly [subject: string]: ReadonlyArray<LadderStep> }
}

/** The initial justice state of a community. */
export const init = (genesis: Module.Genesis): State => ({ version: 1, community: genesis.community, params: defaultParams, cases: {}, restrictions: {}, appeals: {}, ladder: {} })

/** Everyone who is a party to a case: the filer, the affected person and the respondents, sorted. */
export const parties = (c: Case): ReadonlyArray<string> => [...new Set([c.filer, c.affected, ...c.respondents])].sort()

/** Who handles a case now: the facilitators the parties agreed on, else the justice prime group's seats at filing. */
export const handlers = (c: Case): ReadonlyArray<string> =>
  c.repair !== null && c.repair.stage !== "consent" && c.repair.facilitators.length > 0 ? c.repair.facilitators : c.handlers

/** Who may read a case's sealed words: its parties and its handlers, sorted. */
export const readers = (c: Case): ReadonlyArray<string> => [...new Set([...parties(c), ...handlers(c), ...(c.repair?.facilitators ?? [])])].sort()

/** Whether repair is under way (started and not ended). */
export const repairUnderWay = (c: Case): boolean =>
  c.repair !== null && (c.repair.stage === "pre-circle" || c.repair.stage === "circle" || c.repair.stage === "post-circle")

/** The subject a case's decisions restrict: the member, `group/<id>`, `prime/<module>`, or the forked device. */
export const subjectOf = (c: Case): string =>
  "member" in c.about ? c.about.member : "group" in c.about ? `group/${c.about.group}` : "prime" in c.about ? `prime/${c.about.prime}` : c.about.device

/**
 * The highest rung `subject` was decided on in the event's causal past (0 for none). A
 * decision climbs at most one rung above it.
 */
export const rungAt = (state: State, subject: string, ctx: Pick<Module.EventContext, "happenedBefore" | "key">): number => {
  let top = 0
  for (const step of state.ladder[subject] ?? [])
    if (step.key === ctx.key || ctx.happenedBefore(step.key)) top = Math.max(top, RUNGS.indexOf(step.rung) + 1)
  return top
}

/** A restriction's expiry now: the latest renewal's, else the imposing decision's. */
export const expiry = (r: Restriction): number => r.renewals.at(-1)?.until ?? r.until

/** Whether a restriction is in force at community time `time` (not ended early, not expired). */
export const inForce = (r: Restriction, time: number): boolean => r.ended === null && time < expiry(r)

/** The words people read for who decided. */
export const byWords = (by: DecidedBy): string => (by === "prime" ? "the justice prime group" : "a community decision")
