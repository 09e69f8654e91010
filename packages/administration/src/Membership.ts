/**
 * Membership rules (`docs/protocol.md` §14, A4): what an application and an admission
 * need, set by a prime matter; members' invitations and admission vouches. The kernel asks
 * {@link applicationRefusal} and {@link admissionRefusal} (through the queries
 * `membership.apply` and `membership.admit`) on the applying or admitting event's past.
 *
 * @module
 */
import { Module } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import { day, deciderOf, idOf, reject, who } from "./Common.ts"
import { DAY, type Past, probationEnds, type Rules, rulesAt, seen, type State } from "./State.ts"

/** `rules.set` (prime): change some of the rules from this decision on. */
export const setRules: Module.EventType<State> = Module.eventType<State, Bodies.SetRules>({
  body: Bodies.SetRules,
  authority: "prime",
  apply: (state, b, ctx) => {
    const before = rulesAt(state, ctx)
    const { application, ...numbers } = b
    const rules: Rules = { ...before, ...numbers, ...(application === undefined ? {} : { invitation: application === "invitation" }) }
    return { ...state, rules: [...state.rules, { key: ctx.key, at: ctx.communityTime, by: deciderOf(ctx), rules }] }
  }
})

/** `member.invite` (member): a full member invites a device key to apply. */
export const invite: Module.EventType<State> = Module.eventType<State, Bodies.Invite>({
  body: Bodies.Invite,
  authority: "member",
  validate: (_state, b, ctx) =>
    ctx.statusOf(idOf(b.device)) !== undefined ? reject("AlreadyKnown", "this key already belongs to an identity in the community") : undefined,
  apply: (state, b, ctx) => ({
    ...state,
    invitations: [
      ...state.invitations,
      { key: ctx.key, device: idOf(b.device), by: ctx.identity!, at: ctx.communityTime, until: ctx.communityTime + b.days * DAY }
    ]
  })
})

/** `member.vouch` (member): a full member past probation vouches for an applicant's admission. */
export const admissionVouch: Module.EventType<State> = Module.eventType<State, Bodies.AdmitVouch>({
  body: Bodies.AdmitVouch,
  authority: "member",
  validate: (state, b, ctx) => {
    const applicant = idOf(b.applicant)
    if (ctx.statusOf(applicant) !== "applicant") return reject("NotAnApplicant", `${who(applicant)} has not applied (or is already a member)`)
    if (state.admissions.some((v) => v.applicant === applicant && v.by === ctx.identity && seen(ctx, v.key)))
      return reject("AlreadyVouched", `you already vouched for ${who(applicant)}`)
    const rules = rulesAt(state, ctx)
    // Founders were full from the genesis: the community began with them, so no probation holds them back.
    const ends = probationEnds(state, ctx.identity!, ctx, rules)
    return ends === undefined
      ? undefined
      : reject("InProbation", `your vouch counts from ${day(ends)}, once you have been a full member ${rules.probationDays} days`)
  },
  apply: (state, b, ctx) => ({
    ...state,
    admissions: [...state.admissions, { key: ctx.key, applicant: idOf(b.applicant), by: ctx.identity!, at: ctx.communityTime }]
  })
})

/** What the kernel needs to judge an application: a refusal, and the rate it counts itself. */
export type ApplicationRule = {
  /** Why the application is refused, or `null`. */
  readonly refusal: string | null
  /** Applications the community takes per window (0: no limit). */
  readonly perWindow: number
  /** The window, in milliseconds. */
  readonly window: number
}

/**
 * Whether an application by `device` meets the rules at the applying event: when the rules ask
 * for an invitation, a full member's invitation of this key, in force, must be in its past.
 */
export const applicationRule = (state: State, device: string, ctx: Past & Pick<Module.EventContext, "statusOf">): ApplicationRule => {
  const rules = rulesAt(state, ctx)
  const invited = state.invitations.some(
    (i) => i.device === device && seen(ctx, i.key) && i.until > ctx.communityTime && ctx.statusOf(i.by) === "full"
  )
  const refusal =
    rules.invitation && !invited
      ? "this community takes applications only with a full member's invitation; ask a member to invite this key, then apply from a device that has received the invitation"
      : null
  return { refusal, perWindow: rules.perWindow, window: rules.windowDays * DAY }
}

/**
 * Why the admission of `applicant` does not meet the rules at the admitting event (`null` when
 * it does): the vouches of distinct full members it needs must be in its past.
 */
export const admissionRefusal = (state: State, applicant: string, ctx: Past & Pick<Module.EventContext, "statusOf">): string | null => {
  const rules = rulesAt(state, ctx)
  if (rules.admitVouches === 0) return null
  const by = new Set(state.admissions.filter((v) => v.applicant === applicant && seen(ctx, v.key) && ctx.statusOf(v.by) === "full").map((v) => v.by))
  return by.size >= rules.admitVouches
    ? null
    : `admission needs vouches from ${rules.admitVouches} full members, and ${by.size} ${by.size === 1 ? "is" : "are"} in this decision's past`
}
