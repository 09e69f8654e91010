/**
 * What administration answers other modules through the kernel's queries (`docs/protocol.md`
 * §8, "Queries"; `docs/protocol.md` §14, A8). Every answer is judged on the asking
 * event's causal past and community time, so it never changes afterwards.
 *
 * - `qualified` `{ identity, qualification }` → boolean: governance asks it when a working group
 *   requires a qualification (`group.join`), any module may.
 * - `holders` `{ qualification }` → the identities that hold it, sorted.
 * - `held` `{ identity }` → `[{ qualification, until }]`: what a member holds and until when.
 * - `expiring` `{ days }` → `[{ member, qualification, until }]`: holdings that end within so many days.
 * - `load` `{ identity }` → `{ roles, cap, hours, hoursCap, frozen }`: a member's assignments here
 *   (`group/<id>`), the role cap, hours this cycle and their cap, and whether they are frozen.
 * - `resource` `{ id }` → `{ name, stewards, custodian, personal }` or `null`: what the economy reads
 *   (stewards: `"community"` or working groups' ids).
 * - `membership.apply` `{ device }` → `{ refusal, perWindow, window }`; `membership.admit`
 *   `{ identity }` → `{ refusal }`: the membership rules, for the kernel.
 * - `rules` `{}` → the rules in force.
 * - `inactive` `{ identity }` → boolean: a full member with no event in the asking event's past for
 *   `inactiveDays` (set by decision; 0, the default, never); it ends with their next event.
 * - `roles.cap` `{ identity }` → `{ cap, roles, why? }`: the cap of concurrent roles and the roles
 *   held here (`group/<id>` assignments this cycle); governance adds its own and refuses a join
 *   (or leaves a member out of a draw) at the cap. A member in probation gets a cap of 0 and `why`.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * console.log(Object.keys(Administration.module.queries ?? {}).sort().join(" ")) // expiring held holders inactive load membership.admit membership.apply qualified resource roles.cap rules
 * ```
 *
 * @module
 */
import { Body, type Cbor, type Module, Query } from "@affinity/core/module"
import { QualificationId } from "./Bodies.ts"
import { admissionRefusal, applicationRule } from "./Membership.ts"
import { assignmentsAt, candidates, cycleAt, DAY, frozenAt, holding, probationEnds, qualificationIds, rulesAt, type State } from "./State.ts"

const Identity = Body.pattern(/^[0-9a-f]{64}$/, "an identity (64 lower-case hex digits)")

/** Query names. */
export const QUALIFIED = "qualified"
export const HOLDERS = "holders"
export const HELD = "held"
export const EXPIRING = "expiring"
export const LOAD = "load"
export const RESOURCE = "resource"
export const APPLY = "membership.apply"
export const ADMIT = "membership.admit"
export const RULES = "rules"
/** Whether a member counts as inactive (governance's quorum may leave them out). */
export const INACTIVE = "inactive"
/** The role cap governance asks at `group.join` and at draws (`docs/protocol.md` (§8, §9, §12 G8a)). */
export const ROLE_CAP = "roles.cap"

/** Every holder of `qualification` at the asking event, sorted. */
export const holdersAt = (state: State, qualification: string, ctx: Module.EventContext): ReadonlyArray<string> =>
  candidates(state, qualification, ctx).filter((m) => holding(state, m, qualification, ctx).holds)

const qualified = Query.make<State, { readonly identity: string; readonly qualification: string }, boolean>({
  args: Body.strict({ identity: Identity, qualification: Body.text(1, 64) }),
  answer: (state, a, ctx) => holding(state, a.identity, a.qualification, ctx).holds
})

const holders = Query.make<State, { readonly qualification: string }, Cbor.Value>({
  args: Body.strict({ qualification: QualificationId }),
  answer: (state, a, ctx) => [...holdersAt(state, a.qualification, ctx)]
})

const held = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity: Identity }),
  answer: (state, a, ctx) =>
    qualificationIds(state, ctx).flatMap((q) => {
      const h = holding(state, a.identity, q, ctx)
      return h.holds ? [{ qualification: q, until: h.until! }] : []
    })
})

const expiring = Query.make<State, { readonly days: number }, Cbor.Value>({
  args: Body.strict({ days: Body.int(0, 3660) }),
  answer: (state, a, ctx) =>
    qualificationIds(state, ctx).flatMap((q) =>
      candidates(state, q, ctx).flatMap((m) => {
        const h = holding(state, m, q, ctx)
        return h.holds && h.until! <= ctx.communityTime + a.days * DAY ? [{ member: m, qualification: q, until: h.until! }] : []
      })
    )
})

const load = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity: Identity }),
  answer: (state, a, ctx) => {
    const rules = rulesAt(state, ctx)
    const mine = assignmentsAt(state, cycleAt(state, rules, ctx.communityTime), ctx).filter((x) => x.member === a.identity)
    return {
      roles: [...new Set(mine.map((x) => `group/${x.group}`))].sort(),
      cap: rules.roleCap,
      hours: mine.reduce((n, x) => n + x.hours, 0),
      hoursCap: rules.hoursPerCycle,
      frozen: frozenAt(state, a.identity, ctx.communityTime, ctx) !== undefined
    }
  }
})

const roleCap = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity: Identity }),
  answer: (state, a, ctx) => {
    const rules = rulesAt(state, ctx)
    const mine = assignmentsAt(state, cycleAt(state, rules, ctx.communityTime), ctx).filter((x) => x.member === a.identity)
    const roles = [...new Set(mine.map((x) => `group/${x.group}`))].sort()
    // A member in probation takes no role: a cap of 0, with why.
    const ends = probationEnds(state, a.identity, ctx, rules)
    return ends === undefined
      ? { cap: rules.roleCap, roles }
      : { cap: 0, roles, why: `new members take roles once their probation of ${rules.probationDays} days ends, on ${new Date(ends).toISOString().slice(0, 10)}` }
  }
})

/**
 * Whether `identity` counts as inactive at the asking event: the rules set `inactiveDays`, it is
 * a full member, and the host's `lastSeen` (its latest event, or its admission, in the event's
 * past) is that many days before the event's community time or more.
 */
export const inactiveAt = (state: State, identity: string, ctx: Module.EventContext): boolean => {
  const days = rulesAt(state, ctx).inactiveDays
  if (days === 0 || ctx.statusOf(identity) !== "full") return false
  const seen = ctx.lastSeen?.(identity)
  return seen !== undefined && seen + days * DAY <= ctx.communityTime
}

const inactive = Query.make<State, { readonly identity: string }, boolean>({
  args: Body.strict({ identity: Identity }),
  answer: (state, a, ctx) => inactiveAt(state, a.identity, ctx)
})

const resource = Query.make<State, { readonly id: string }, Cbor.Value>({
  args: Body.strict({ id: Identity }),
  answer: (state, a, ctx) => {
    const r = state.resources[a.id]
    if (!r || !(r.id === ctx.key || ctx.happenedBefore(r.id))) return null
    // Stewards as readers name them: "community", or a working group's id.
    return { name: r.name, stewards: r.stewards.map((x) => (x.startsWith("group/") ? x.slice("group/".length) : x)), custodian: r.custodian, personal: r.personal }
  }
})

const apply = Query.make<State, { readonly device: string }, Cbor.Value>({
  args: Body.strict({ device: Identity }),
  answer: (state, a, ctx) => {
    const r = applicationRule(state, a.device, ctx)
    return { refusal: r.refusal, perWindow: r.perWindow, window: r.window }
  }
})

const admit = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity: Identity }),
  answer: (state, a, ctx) => ({ refusal: admissionRefusal(state, a.identity, ctx) })
})

const rules = Query.make<State, Record<string, never>, Cbor.Value>({
  args: Body.strict({}),
  answer: (state, _a, ctx) => ({ ...rulesAt(state, ctx) })
})

/** Every query administration answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = {
  [ADMIT]: admit,
  [APPLY]: apply,
  [EXPIRING]: expiring,
  [HELD]: held,
  [HOLDERS]: holders,
  [INACTIVE]: inactive,
  [LOAD]: load,
  [QUALIFIED]: qualified,
  [RESOURCE]: resource,
  [ROLE_CAP]: roleCap,
  [RULES]: rules
}
