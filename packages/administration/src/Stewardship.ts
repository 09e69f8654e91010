/**
 * Stewardship (`docs/protocol.md` §14, A6): a resource (a tool, a room, a van, a plot)
 * has stewards (the community, working groups), a custodian who holds it, and use rules.
 * Changing the rules or the stewards needs the consent of every steward; custody moves with
 * the custodian's consent and one steward's. Each steward consents by its own decision (the
 * community by a community decision, a group by the group's). Personal property is registered
 * as such: its owner keeps and lends it, and no decision touches it. Bookings and loans are
 * recorded.
 *
 * @module
 */
import { Bytes, Cbor, Module } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import { day, deciderOf, idOf, isRejection, reject, stewardOf, who, workingGroup } from "./Common.ts"
import { type Change, DAY, type Pending, type Resource, seen, type State, standsAt } from "./State.ts"

const changeOf = (c: Bodies.Change): Change =>
  "rules" in c ? { kind: "rules", rules: c.rules } : "custody" in c ? { kind: "custody", to: idOf(c.custody) } : { kind: "stewards", stewards: [...new Set(c.stewards.map(stewardOf))].sort() }

const canon = (v: Cbor.Value): string => Bytes.toHex(Cbor.encode(v))
const sameChange = (a: Change, b: Change): boolean => canon(a) === canon(b)

/** The resource `id` as this event sees it, or a refusal. */
const resourceAt = (state: State, id: string, ctx: Module.EventContext): Resource | Module.Rejection => {
  const r = state.resources[id]
  return r && seen(ctx, r.id) ? r : reject("UnknownResource", "there is no such resource in this event's past")
}

/** Why the stewards named are not all working groups that exist, or `undefined`. */
const checkStewards = (stewards: ReadonlyArray<string>, ctx: Module.EventContext): Module.Rejection | undefined => {
  for (const s of stewards) {
    if (s === "community") continue
    const g = workingGroup(s.slice("group/".length), ctx)
    if (isRejection(g)) return g
  }
  return undefined
}

/** Why a change cannot be made to this resource, or `undefined`. */
const checkChange = (r: Resource, c: Change, ctx: Module.EventContext): Module.Rejection | undefined => {
  if (c.kind === "rules") return c.rules === r.rules ? reject("NoChange", `"${r.name}" has these rules already`) : undefined
  if (c.kind === "custody") {
    if (c.to === r.custodian) return reject("NoChange", `${who(c.to)} holds "${r.name}" already`)
    return ctx.statusOf(c.to) === "full" ? undefined : reject("NotAMember", `${who(c.to)} is not a full member in this event's past`)
  }
  if (r.personal) return reject("Personal", `"${r.name}" is personal property and has no stewards`)
  if (canon(c.stewards) === canon(r.stewards)) return reject("NoChange", `"${r.name}" has these stewards already`)
  return checkStewards(c.stewards, ctx)
}

/** Whether a change has the consents it needs: custody the custodian and one steward, the rest every steward. */
const complete = (r: Resource, p: Pending): boolean =>
  p.change.kind === "custody"
    ? p.consents.includes("custodian") && (r.personal || r.stewards.some((s) => p.consents.includes(s)))
    : r.stewards.every((s) => p.consents.includes(s))

/** Add a consent to the pending change (opening it when it is new), and make the change once it has every consent it needs. */
const consent = (state: State, r: Resource, change: Change, by: string, ctx: Module.EventContext): State => {
  const found = state.pending.find((p) => p.resource === r.id && sameChange(p.change, change))
  const p: Pending = found
    ? { ...found, consents: found.consents.includes(by) ? found.consents : [...found.consents, by].sort() }
    : { key: ctx.key, resource: r.id, change, consents: [by] }
  const others = state.pending.filter((x) => x !== found)
  if (!complete(r, p)) return { ...state, pending: [...others, p] }
  const next: Resource = {
    ...r,
    ...(change.kind === "rules" ? { rules: change.rules } : change.kind === "custody" ? { custodian: change.to } : { stewards: change.stewards }),
    history: [...r.history, { key: ctx.key, change, consents: p.consents, at: ctx.communityTime }]
  }
  // A change that took effect makes other waiting changes of the same kind start again.
  const rest = others.filter((x) => x.resource !== r.id || x.change.kind !== change.kind)
  return { ...state, resources: { ...state.resources, [r.id]: next }, pending: rest }
}

/** `resource.register` (mandate): a shared resource, by a body that is one of its stewards (or the community). */
export const register: Module.EventType<State> = Module.eventType<State, Bodies.Register>({
  body: Bodies.Register,
  authority: "mandate",
  validate: (_state, b, ctx) => {
    const stewards = [...new Set(b.stewards.map(stewardOf))]
    const by = deciderOf(ctx)
    if (by !== "community" && !stewards.includes(by))
      return reject("NotASteward", "a working group registers only resources it stewards itself; name it among the stewards")
    const custodian = idOf(b.custodian)
    if (ctx.statusOf(custodian) !== "full") return reject("NotAMember", `${who(custodian)} is not a full member in this event's past`)
    return checkStewards(stewards, ctx)
  },
  apply: (state, b, ctx) => ({
    ...state,
    resources: {
      ...state.resources,
      [ctx.key]: {
        id: ctx.key,
        name: b.name,
        kind: b.kind,
        personal: false,
        stewards: [...new Set(b.stewards.map(stewardOf))].sort(),
        custodian: idOf(b.custodian),
        rules: b.rules,
        at: ctx.communityTime,
        history: []
      }
    }
  })
})

/** `resource.personal` (member): register one's own property, kept by its owner and outside decisions. */
export const personal: Module.EventType<State> = Module.eventType<State, Bodies.Personal>({
  body: Bodies.Personal,
  authority: "member",
  apply: (state, b, ctx) => ({
    ...state,
    resources: {
      ...state.resources,
      [ctx.key]: { id: ctx.key, name: b.name, kind: b.kind, personal: true, stewards: [], custodian: ctx.identity!, rules: b.rules, at: ctx.communityTime, history: [] }
    }
  })
})

/** `resource.consent` (mandate): a steward consents, by its decision, to a change of a resource. */
export const stewardConsent: Module.EventType<State> = Module.eventType<State, Bodies.Consent>({
  body: Bodies.Consent,
  authority: "mandate",
  validate: (state, b, ctx) => {
    const r = resourceAt(state, idOf(b.resource), ctx)
    if (isRejection(r)) return r
    if (r.personal) return reject("Personal", `"${r.name}" is personal property: it is outside community decisions`)
    const by = deciderOf(ctx)
    if (!r.stewards.includes(by)) return reject("NotASteward", `only the stewards of "${r.name}" consent to its changes`)
    return checkChange(r, changeOf(b.change), ctx)
  },
  apply: (state, b, ctx) => consent(state, state.resources[idOf(b.resource)]!, changeOf(b.change), deciderOf(ctx), ctx)
})

/** `resource.handover` (member): the custodian consents to hand a resource to a member (personal property moves at once). */
export const handover: Module.EventType<State> = Module.eventType<State, Bodies.Consent>({
  body: Bodies.Consent,
  authority: "member",
  validate: (state, b, ctx) => {
    const r = resourceAt(state, idOf(b.resource), ctx)
    if (isRejection(r)) return r
    if (r.custodian !== ctx.identity) return reject("NotCustodian", `only the custodian of "${r.name}" hands it over`)
    const c = changeOf(b.change)
    if (c.kind !== "custody" && !r.personal) return reject("NotCustody", "a custodian consents to custody moves only; rules and stewards change with every steward's consent")
    if (c.kind === "stewards") return reject("Personal", `"${r.name}" is personal property and has no stewards`)
    return checkChange(r, c, ctx)
  },
  apply: (state, b, ctx) => consent(state, state.resources[idOf(b.resource)]!, changeOf(b.change), "custodian", ctx)
})

/**
 * A booking or loan of `resource` that overlaps `from`–`until`: judged on the state, so of two
 * concurrent bookings of one time the first in fold order holds and the other is refused.
 */
const overlaps = (state: State, resource: string, from: number, until: number) =>
  state.bookings.find((x) => x.resource === resource && x.ended === null && x.from < until && from < x.until)

/** `resource.book` (member): book a shared resource for a time (at most 90 days, not overlapping another booking or loan). */
export const book: Module.EventType<State> = Module.eventType<State, Bodies.Book>({
  body: Bodies.Book,
  authority: "member",
  validate: (state, b, ctx) => {
    const r = resourceAt(state, idOf(b.resource), ctx)
    if (isRejection(r)) return r
    if (r.personal) return reject("Personal", `"${r.name}" is personal property: its owner lends it`)
    if (b.until <= b.from || b.until - b.from > 90 * DAY) return reject("BadPeriod", "a booking ends after it starts and lasts at most 90 days")
    if (b.until <= ctx.communityTime) return reject("BadPeriod", "a booking must end in the future")
    const other = overlaps(state, r.id, b.from, b.until)
    return other ? reject("Overlap", `"${r.name}" is taken from ${day(other.from)} to ${day(other.until)}`) : undefined
  },
  apply: (state, b, ctx) => ({
    ...state,
    bookings: [...state.bookings, { key: ctx.key, resource: idOf(b.resource), member: ctx.identity!, kind: "booking", from: b.from, until: b.until, note: b.note, at: ctx.communityTime, ended: null }]
  })
})

/** `resource.lend` (member): the custodian lends a resource to a member until a time. */
export const lend: Module.EventType<State> = Module.eventType<State, Bodies.Lend>({
  body: Bodies.Lend,
  authority: "member",
  validate: (state, b, ctx) => {
    const r = resourceAt(state, idOf(b.resource), ctx)
    if (isRejection(r)) return r
    if (r.custodian !== ctx.identity) return reject("NotCustodian", `only the custodian of "${r.name}" lends it`)
    const to = idOf(b.to)
    if (to === ctx.identity) return reject("NoChange", "you hold it already")
    if (ctx.statusOf(to) !== "full") return reject("NotAMember", `${who(to)} is not a full member in this event's past`)
    if (b.until <= ctx.communityTime || b.until - ctx.communityTime > 90 * DAY) return reject("BadPeriod", "a loan ends in the future, within 90 days")
    const other = overlaps(state, r.id, ctx.communityTime, b.until)
    return other ? reject("Overlap", `"${r.name}" is taken from ${day(other.from)} to ${day(other.until)}`) : undefined
  },
  apply: (state, b, ctx) => ({
    ...state,
    bookings: [...state.bookings, { key: ctx.key, resource: idOf(b.resource), member: idOf(b.to), kind: "loan", from: ctx.communityTime, until: b.until, note: b.note, at: ctx.communityTime, ended: null }]
  })
})

/** `resource.return` (member): a booking or loan ends, by its member or the custodian. */
export const giveBack: Module.EventType<State> = Module.eventType<State, Bodies.Return>({
  body: Bodies.Return,
  authority: "member",
  validate: (state, b, ctx) => {
    const x = state.bookings.find((y) => y.key === idOf(b.booking) && standsAt(ctx, y.key, y.ended))
    if (!x) return reject("UnknownBooking", "there is no booking or loan in force with this key")
    return x.member === ctx.identity || state.resources[x.resource]?.custodian === ctx.identity
      ? undefined
      : reject("NotYours", "only the member who booked or borrowed it, or its custodian, ends a booking or loan")
  },
  apply: (state, b, ctx) => ({
    ...state,
    bookings: state.bookings.map((x) => (x.key === idOf(b.booking) && x.ended === null ? { ...x, ended: ctx.key } : x))
  })
})
