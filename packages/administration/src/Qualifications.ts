/**
 * Qualifications (`docs/protocol.md` §14, A3): defined by a prime matter with their
 * criteria, how they are granted and how long they last; granted or renewed by a deciding
 * body, or by enough vouches from current holders past their probation; suspended, reinstated
 * and revoked by a deciding body. Expired, revoked or suspended grants stop counting on their
 * own, judged on the asking event's community time.
 *
 * @module
 */
import { Module } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import { day, deciderOf, idOf, reject, who } from "./Common.ts"
import { candidates, DAY, definitionAt, type Grant, holding, seen, standsAt, type State } from "./State.ts"

const noSuch = (id: string) =>
  reject("UnknownQualification", `there is no qualification "${id}" in this event's past; define it first (a prime matter)`)

const notFull = (member: string, ctx: Module.EventContext) =>
  ctx.statusOf(member) === "full" ? undefined : reject("NotAMember", `${who(member)} is not a full member in this event's past`)

/** `qualification.define` (prime): a new qualification, or a new version of one. */
export const define: Module.EventType<State> = Module.eventType<State, Bodies.Define>({
  body: Bodies.Define,
  authority: "prime",
  apply: (state, b, ctx) => ({
    ...state,
    definitions: [
      ...state.definitions,
      {
        id: b.id,
        name: b.name,
        criteria: b.criteria,
        grantedBy: b.grantedBy,
        vouches: b.grantedBy === "vouches" ? b.vouches : 0,
        probationDays: b.probationDays,
        expiryDays: b.expiryDays,
        key: ctx.key,
        at: ctx.communityTime,
        by: deciderOf(ctx)
      }
    ]
  })
})

const granting = (kind: "decision" | "renewal") =>
  Module.eventType<State, Bodies.Grant>({
    body: Bodies.Grant,
    authority: "mandate",
    validate: (state, b, ctx) => {
      const def = definitionAt(state, b.qualification, ctx)
      if (!def) return noSuch(b.qualification)
      const member = idOf(b.member)
      const full = notFull(member, ctx)
      if (full) return full
      if (kind === "renewal" && !candidates(state, b.qualification, ctx).includes(member))
        return reject("NothingToRenew", `${who(member)} was never granted "${def.name}"; grant it instead of renewing`)
      return undefined
    },
    apply: (state, b, ctx) => {
      const def = definitionAt(state, b.qualification, ctx)!
      const grant: Grant = {
        key: ctx.key,
        qualification: b.qualification,
        member: idOf(b.member),
        kind,
        by: deciderOf(ctx),
        at: ctx.communityTime,
        until: ctx.communityTime + (b.days ?? def.expiryDays) * DAY,
        evidence: b.evidence,
        ended: null
      }
      return { ...state, grants: [...state.grants, grant] }
    }
  })

/** `qualification.grant` (mandate): a deciding body grants a qualification, with evidence and an expiry. */
export const grant: Module.EventType<State> = granting("decision")

/** `qualification.renew` (mandate): a deciding body renews a qualification a member was granted before. */
export const renew: Module.EventType<State> = granting("renewal")

/** `qualification.vouch` (member): a holder past probation vouches for a member. */
export const vouch: Module.EventType<State> = Module.eventType<State, Bodies.Vouch>({
  body: Bodies.Vouch,
  authority: "member",
  validate: (state, b, ctx) => {
    const def = definitionAt(state, b.qualification, ctx)
    if (!def) return noSuch(b.qualification)
    if (def.grantedBy !== "vouches") return reject("NotByVouches", `"${def.name}" is granted by decision, not by vouches`)
    const member = idOf(b.member)
    const voucher = ctx.identity!
    if (member === voucher) return reject("SelfVouch", "nobody can vouch for themselves")
    const full = notFull(member, ctx)
    if (full) return full
    const mine = holding(state, voucher, b.qualification, ctx)
    if (!mine.holds) return reject("NotAHolder", `only members who hold "${def.name}" can vouch for it, and you do not hold it in this event's past`)
    const ready = (mine.since ?? ctx.communityTime) + def.probationDays * DAY
    if (ready > ctx.communityTime)
      return reject("InProbation", `your vouch for "${def.name}" counts from ${day(ready)}, once you have held it ${def.probationDays} days`)
    if (state.grants.some((g) => g.kind === "vouch" && g.by === voucher && g.member === member && g.qualification === b.qualification && standsAt(ctx, g.key, g.ended) && g.until > ctx.communityTime))
      return reject("AlreadyVouched", `you already vouched for ${who(member)} for "${def.name}", and that vouch is still in force`)
    return undefined
  },
  apply: (state, b, ctx) => {
    const def = definitionAt(state, b.qualification, ctx)!
    const grant: Grant = {
      key: ctx.key,
      qualification: b.qualification,
      member: idOf(b.member),
      kind: "vouch",
      by: ctx.identity!,
      at: ctx.communityTime,
      until: ctx.communityTime + def.expiryDays * DAY,
      evidence: b.evidence,
      ended: null
    }
    return { ...state, grants: [...state.grants, grant] }
  }
})

const live = (state: State, member: string, qualification: string, ctx: Module.EventContext): ReadonlyArray<Grant> =>
  state.grants.filter((g) => g.member === member && g.qualification === qualification && standsAt(ctx, g.key, g.ended))

/** `qualification.suspend` (mandate): a qualification stops counting until a time or until reinstated. */
export const suspend: Module.EventType<State> = Module.eventType<State, Bodies.Suspend>({
  body: Bodies.Suspend,
  authority: "mandate",
  validate: (state, b, ctx) => {
    const def = definitionAt(state, b.qualification, ctx)
    if (!def) return noSuch(b.qualification)
    const member = idOf(b.member)
    if (live(state, member, b.qualification, ctx).length === 0) return reject("NotHeld", `${who(member)} holds no grant of "${def.name}" to suspend`)
    if (b.until <= ctx.communityTime) return reject("UntilPassed", `a suspension must end after now (${day(ctx.communityTime)})`)
    return undefined
  },
  apply: (state, b, ctx) => ({
    ...state,
    suspensions: [
      ...state.suspensions,
      { key: ctx.key, qualification: b.qualification, member: idOf(b.member), at: ctx.communityTime, until: b.until, reason: b.reason, by: deciderOf(ctx), lifted: null }
    ]
  })
})

/** `qualification.reinstate` (mandate): lift a suspension. */
export const reinstate: Module.EventType<State> = Module.eventType<State, Bodies.Reinstate>({
  body: Bodies.Reinstate,
  authority: "mandate",
  validate: (state, b, ctx) => {
    const key = idOf(b.suspension)
    const s = state.suspensions.find((x) => x.key === key && seen(ctx, x.key))
    if (!s) return reject("UnknownSuspension", "there is no such suspension in this event's past")
    if (s.lifted !== null && seen(ctx, s.lifted)) return reject("AlreadyLifted", "this suspension was lifted already")
    return undefined
  },
  apply: (state, b, ctx) => {
    const key = idOf(b.suspension)
    return { ...state, suspensions: state.suspensions.map((s) => (s.key === key && s.lifted === null ? { ...s, lifted: ctx.key } : s)) }
  }
})

/** `qualification.revoke` (mandate): every grant and vouch of the member's qualification in this event's past ends, for good. */
export const revoke: Module.EventType<State> = Module.eventType<State, Bodies.Revoke>({
  body: Bodies.Revoke,
  authority: "mandate",
  validate: (state, b, ctx) => {
    const def = definitionAt(state, b.qualification, ctx)
    if (!def) return noSuch(b.qualification)
    const member = idOf(b.member)
    return live(state, member, b.qualification, ctx).length === 0 ? reject("NotHeld", `${who(member)} holds no grant of "${def.name}" to revoke`) : undefined
  },
  apply: (state, b, ctx) => {
    const member = idOf(b.member)
    return {
      ...state,
      grants: state.grants.map((g) =>
        g.member === member && g.qualification === b.qualification && g.ended === null && seen(ctx, g.key) ? { ...g, ended: ctx.key } : g
      ),
      revocations: [...state.revocations, { key: ctx.key, qualification: b.qualification, member, at: ctx.communityTime, reason: b.reason, by: deciderOf(ctx) }]
    }
  }
})
