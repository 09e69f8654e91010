/**
 * Builders of justice event drafts: plain functions returning `{ module, type, body }` to hand to
 * `community.append(device, draft)`, or, for the types only a decision takes (`case.decide`,
 * `restriction.lift`, `restriction.renew`, `params`), to carry as a governance proposal's action.
 * Ids are given as hex or as bytes. What people write goes in the event's payload, sealed to the
 * case's readers (see `Records.readers`), never in these bodies.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const bo = "0b".repeat(32)
 * const draft = Justice.file({ about: { member: bo }, weight: "prime" })
 * console.log(draft.module === "justice" && draft.type === "case.file") // true
 * console.log(draft.body.kind) // grievance
 * const opened = Justice.open({ payer: bo })
 * console.log(opened.type, opened.body.kind, opened.body.weight) // case.open overshoot prime
 * ```
 *
 * @module
 */
import { Bytes, type EventBodies } from "@affinity/core/module"
import type * as Bodies from "./Bodies.ts"

/** The body each justice event type takes, by type. */
export type Events = {
  readonly "case.file": Bodies.File
  readonly "case.fork": Bodies.Fork
  readonly "case.open": Bodies.Open
  readonly "case.speak": Bodies.Speak
  readonly "case.withdraw": Bodies.Withdraw
  readonly "repair.consent": Bodies.Consent
  readonly "repair.met": Bodies.Met
  readonly "repair.agree": Bodies.Agree
  readonly "repair.accept": Bodies.Accept
  readonly "repair.check": Bodies.Check
  readonly "case.vote": Bodies.Vote
  readonly "case.decide": Bodies.Decide
  readonly "restriction.lift": Bodies.Lift
  readonly "restriction.renew": Bodies.Renew
  readonly params: Bodies.Params
  readonly "appeal.file": Bodies.Appeal
  readonly "appeal.stance": Bodies.AppealStance
}

/** A justice event to append (or to carry), its body typed by its type. */
export type EventDraft<T extends keyof Events> = EventBodies.Draft<"justice", T, Events[T]>

/** An event id or identity: hex, or the 32 bytes. */
export type Ref = string | Uint8Array

const bytes = (ref: Ref, what: string): Uint8Array => Bytes.ref32(ref, what)

const justice = <T extends keyof Events>(type: T, body: Events[T]): EventDraft<T> => ({ module: "justice", type, body })

/**
 * `justice/case.file`: a case about a member or a working group. `kind` defaults to a
 * grievance; a `blocking` case names the proposals (at least 2). `affected` is the person harmed
 * when it is not the filer: they speak first.
 */
export const file = (c: {
  readonly about: { readonly member: Ref } | { readonly group: Ref }
  readonly weight: Bodies.Weight
  readonly kind?: "grievance" | "blocking"
  readonly proposals?: ReadonlyArray<Ref>
  readonly affected?: Ref
}): EventDraft<"case.file"> =>
  justice("case.file", {
    about: "member" in c.about ? { member: bytes(c.about.member, "member") } : { group: bytes(c.about.group, "group") },
    kind: c.kind ?? "grievance",
    weight: c.weight,
    proposals: (c.proposals ?? []).map((p) => bytes(p, "proposal")),
    ...(c.affected !== undefined ? { affected: bytes(c.affected, "affected") } : {})
  })

/**
 * `justice/case.fork`: open a case on a forked chain from a recorded `core/equivocation` event:
 * its header bytes and its two events' bytes (the body it carried).
 */
export const fork = (proof: Uint8Array, a: Uint8Array, b: Uint8Array): EventDraft<"case.fork"> => justice("case.fork", { proof, a, b })

/**
 * `justice/case.open`: open a case on a fact another module records, with nobody's consent: the
 * overdue review of an emergency mandate (`{ mandate }`, its id as defense gives it), or a
 * payer's overshoots (`{ payer }`). The case is about the mandate's holder, or the payer.
 */
export const open = (
  fact: { readonly mandate: string } | { readonly payer: Ref },
  weight: Bodies.Weight = "prime"
): EventDraft<"case.open"> =>
  justice("case.open", "mandate" in fact ? { kind: "review", mandate: fact.mandate, weight } : { kind: "overshoot", payer: bytes(fact.payer, "payer"), weight })

/** `justice/case.speak`: a statement in a case (its words in the sealed payload). */
export const speak = (caseId: Ref): EventDraft<"case.speak"> => justice("case.speak", { case: bytes(caseId, "case") })

/** `justice/case.withdraw`: the filer or the affected person withdraws the case. */
export const withdraw = (caseId: Ref): EventDraft<"case.withdraw"> => justice("case.withdraw", { case: bytes(caseId, "case") })

/** `justice/repair.consent`: a party consents to repair with these facilitators (none: the justice prime group). */
export const consent = (caseId: Ref, facilitators: ReadonlyArray<Ref> = []): EventDraft<"repair.consent"> =>
  justice("repair.consent", { case: bytes(caseId, "case"), facilitators: facilitators.map((f) => bytes(f, "facilitator")) })

/** `justice/repair.met`: a handler met `party` before the circle. */
export const met = (caseId: Ref, party: Ref): EventDraft<"repair.met"> => justice("repair.met", { case: bytes(caseId, "case"), party: bytes(party, "party") })

/** `justice/repair.agree`: the circle's agreed actions, each with an owner and a due date (community time). */
export const agree = (caseId: Ref, actions: ReadonlyArray<{ readonly owner: Ref; readonly due: number }>): EventDraft<"repair.agree"> =>
  justice("repair.agree", { case: bytes(caseId, "case"), actions: actions.map((a) => ({ owner: bytes(a.owner, "owner"), due: a.due })) })

/** `justice/repair.accept`: a party accepts the circle's agreement. */
export const accept = (caseId: Ref, agreement: Ref): EventDraft<"repair.accept"> =>
  justice("repair.accept", { case: bytes(caseId, "case"), agreement: bytes(agreement, "agreement") })

/** `justice/repair.check`: after the circle, action `action` (from 0) was done or not. */
export const check = (caseId: Ref, action: number, done: boolean): EventDraft<"repair.check"> =>
  justice("repair.check", { case: bytes(caseId, "case"), action, done })

/** `justice/case.vote`: a vote of the case's electorate for one option of the review. */
export const vote = (caseId: Ref, option: Bodies.Option): EventDraft<"case.vote"> => justice("case.vote", { case: bytes(caseId, "case"), option })

/**
 * `justice/case.decide`, to carry as a decision's action: the justice prime group's (`body:
 * { prime: "justice" }`) or the community's. A warning or a restriction names its scope and its
 * expiry.
 */
export const decide = (d: {
  readonly case: Ref
  readonly option: Bodies.Option
  readonly reason: string
  readonly scope?: Bodies.ScopeBody
  readonly until?: number
}): EventDraft<"case.decide"> =>
  justice("case.decide", {
    case: bytes(d.case, "case"),
    option: d.option,
    reason: d.reason,
    ...(d.scope !== undefined ? { scope: d.scope } : {}),
    ...(d.until !== undefined ? { until: d.until } : {})
  })

/** `justice/restriction.lift`, to carry as a decision's action: lift a restriction early. */
export const lift = (restriction: Ref, reason: string): EventDraft<"restriction.lift"> =>
  justice("restriction.lift", { restriction: bytes(restriction, "restriction"), reason })

/** `justice/restriction.renew`, to carry as a decision's action: a new expiry. */
export const renew = (restriction: Ref, until: number, reason: string): EventDraft<"restriction.renew"> =>
  justice("restriction.renew", { restriction: bytes(restriction, "restriction"), until, reason })

/** `justice/params`, to carry as a community decision's action. */
export const params = (p: Bodies.Params): EventDraft<"params"> => justice("params", p)

/** `justice/appeal.file`: the restricted person appeals. */
export const appeal = (restriction: Ref): EventDraft<"appeal.file"> => justice("appeal.file", { restriction: bytes(restriction, "restriction") })

/** `justice/appeal.stance`: a panel member's verdict. */
export const appealStance = (appealId: Ref, verdict: "uphold" | "overturn"): EventDraft<"appeal.stance"> =>
  justice("appeal.stance", { appeal: bytes(appealId, "appeal"), verdict })
