/**
 * Event drafts (`{ module, type, body }`) for the administration module: sign them directly
 * (member acts) or carry them as a decision's action (prime and mandate acts).
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const d = Administration.define({ id: "first-aid", name: "First aid", criteria: "A course in the last year", grantedBy: "vouches", vouches: 2 })
 * console.log(d.type, d.body.expiryDays) // qualification.define 365
 * ```
 *
 * @module
 */
import { Bytes, type EventBodies } from "@affinity/core/module"
import type * as Bodies from "./Bodies.ts"

/** The body each event type takes. */
export type Events = {
  readonly "qualification.define": Bodies.Define
  readonly "qualification.grant": Bodies.Grant
  readonly "qualification.renew": Bodies.Grant
  readonly "qualification.vouch": Bodies.Vouch
  readonly "qualification.suspend": Bodies.Suspend
  readonly "qualification.reinstate": Bodies.Reinstate
  readonly "qualification.revoke": Bodies.Revoke
  readonly "rules.set": Bodies.SetRules
  readonly "member.invite": Bodies.Invite
  readonly "member.vouch": Bodies.AdmitVouch
  readonly "pool.join": Bodies.Pool
  readonly "pool.leave": Bodies.Pool
  readonly assign: Bodies.Assign
  readonly "assign.lot": Bodies.AssignLot
  readonly "assign.end": Bodies.EndAssignment
  readonly "assign.leave": Bodies.EndAssignment
  readonly freeze: Bodies.Freeze
  readonly unfreeze: Bodies.Unfreeze
  readonly "resource.register": Bodies.Register
  readonly "resource.personal": Bodies.Personal
  readonly "resource.consent": Bodies.Consent
  readonly "resource.handover": Bodies.Consent
  readonly "resource.book": Bodies.Book
  readonly "resource.lend": Bodies.Lend
  readonly "resource.return": Bodies.Return
}

/** A draft of one administration event. */
export type EventDraft<T extends keyof Events> = EventBodies.Draft<"administration", T, Events[T]>

/** An identity, event id or group id: hex, or the 32 bytes. */
export type Ref = string | Uint8Array

const key = (ref: Ref, what: string): Uint8Array => Bytes.ref32(ref, what)

const draft = <T extends keyof Events>(type: T, body: Events[T]): EventDraft<T> => ({ module: "administration", type, body })

/** `qualification.define` (prime). Defaults: no probation, an expiry of 365 days, 0 vouches when granted by decision. */
export const define = (q: {
  readonly id: string
  readonly name: string
  readonly criteria: string
  readonly grantedBy: "decision" | "vouches"
  readonly vouches?: number
  readonly probationDays?: number
  readonly expiryDays?: number
}): EventDraft<"qualification.define"> =>
  draft("qualification.define", {
    id: q.id,
    name: q.name,
    criteria: q.criteria,
    grantedBy: q.grantedBy,
    vouches: q.vouches ?? 0,
    probationDays: q.probationDays ?? 0,
    expiryDays: q.expiryDays ?? 365
  })

/** `qualification.grant` (mandate). */
export const grant = (qualification: string, member: Ref, evidence = "", days?: number): EventDraft<"qualification.grant"> =>
  draft("qualification.grant", { qualification, member: key(member, "member"), evidence, ...(days === undefined ? {} : { days }) })

/** `qualification.renew` (mandate). */
export const renew = (qualification: string, member: Ref, evidence = "", days?: number): EventDraft<"qualification.renew"> =>
  draft("qualification.renew", { qualification, member: key(member, "member"), evidence, ...(days === undefined ? {} : { days }) })

/** `qualification.vouch` (member). */
export const vouch = (qualification: string, member: Ref, evidence = ""): EventDraft<"qualification.vouch"> =>
  draft("qualification.vouch", { qualification, member: key(member, "member"), evidence })

/** `qualification.suspend` (mandate). */
export const suspend = (qualification: string, member: Ref, until: number, reason: string): EventDraft<"qualification.suspend"> =>
  draft("qualification.suspend", { qualification, member: key(member, "member"), until, reason })

/** `qualification.reinstate` (mandate). */
export const reinstate = (suspension: Ref): EventDraft<"qualification.reinstate"> => draft("qualification.reinstate", { suspension: key(suspension, "suspension") })

/** `qualification.revoke` (mandate). */
export const revoke = (qualification: string, member: Ref, reason: string): EventDraft<"qualification.revoke"> =>
  draft("qualification.revoke", { qualification, member: key(member, "member"), reason })

/** `rules.set` (prime). */
export const setRules = (rules: Bodies.SetRules): EventDraft<"rules.set"> => draft("rules.set", rules)

/** `member.invite` (member): invite a device key to apply, for `days` (default 14). */
export const invite = (device: Ref, days = 14): EventDraft<"member.invite"> => draft("member.invite", { device: key(device, "device"), days })

/** `member.vouch` (member): vouch for an applicant's admission. */
export const vouchAdmission = (applicant: Ref): EventDraft<"member.vouch"> => draft("member.vouch", { applicant: key(applicant, "applicant") })

/** `pool.join` (member). */
export const joinPool = (group: Ref): EventDraft<"pool.join"> => draft("pool.join", { group: key(group, "group") })

/** `pool.leave` (member). */
export const leavePool = (group: Ref): EventDraft<"pool.leave"> => draft("pool.leave", { group: key(group, "group") })

/** `assign` (mandate): one cycle of 0 hours unless told. */
export const assign = (a: { readonly group: Ref; readonly role: string; readonly member: Ref; readonly hours?: number; readonly cycles?: number }): EventDraft<"assign"> =>
  draft("assign", { group: key(a.group, "group"), role: a.role, member: key(a.member, "member"), hours: a.hours ?? 0, cycles: a.cycles ?? 1 })

/** `assign.lot` (mandate): one seat for one cycle of 0 hours unless told. */
export const assignByLot = (a: { readonly group: Ref; readonly role: string; readonly seats?: number; readonly hours?: number; readonly cycles?: number }): EventDraft<"assign.lot"> =>
  draft("assign.lot", { group: key(a.group, "group"), role: a.role, seats: a.seats ?? 1, hours: a.hours ?? 0, cycles: a.cycles ?? 1 })

/** `assign.end` (mandate). */
export const endAssignment = (assignment: Ref, reason: string): EventDraft<"assign.end"> =>
  draft("assign.end", { assignment: key(assignment, "assignment"), reason })

/** `assign.leave` (member). */
export const leaveAssignment = (assignment: Ref, reason: string): EventDraft<"assign.leave"> =>
  draft("assign.leave", { assignment: key(assignment, "assignment"), reason })

/** `freeze` (member). */
export const freeze = (cycles = 1): EventDraft<"freeze"> => draft("freeze", { cycles })

/** `unfreeze` (member). */
export const unfreeze = (): EventDraft<"unfreeze"> => draft("unfreeze", {})

/** A steward as the builders take it: `"community"` or a working group's id. */
export type StewardRef = "community" | Ref

const steward = (s: StewardRef): "community" | Uint8Array => (s === "community" ? "community" : key(s, "steward group"))

/** `resource.register` (mandate). */
export const register = (r: { readonly name: string; readonly kind: string; readonly stewards: ReadonlyArray<StewardRef>; readonly custodian: Ref; readonly rules?: string }): EventDraft<"resource.register"> =>
  draft("resource.register", { name: r.name, kind: r.kind, stewards: r.stewards.map(steward), custodian: key(r.custodian, "custodian"), rules: r.rules ?? "" })

/** `resource.personal` (member). */
export const registerPersonal = (r: { readonly name: string; readonly kind: string; readonly rules?: string }): EventDraft<"resource.personal"> =>
  draft("resource.personal", { name: r.name, kind: r.kind, rules: r.rules ?? "" })

/** A change of a resource as the builders take it. */
export type ChangeRef = { readonly rules: string } | { readonly custody: Ref } | { readonly stewards: ReadonlyArray<StewardRef> }

const change = (c: ChangeRef): Bodies.Change =>
  "rules" in c ? { rules: c.rules } : "custody" in c ? { custody: key(c.custody, "custodian") } : { stewards: c.stewards.map(steward) }

/** `resource.consent` (mandate): a steward's consent to a change. */
export const consent = (resource: Ref, c: ChangeRef): EventDraft<"resource.consent"> =>
  draft("resource.consent", { resource: key(resource, "resource"), change: change(c) })

/** `resource.handover` (member): the custodian's consent to hand it to `to`. */
export const handover = (resource: Ref, to: Ref): EventDraft<"resource.handover"> =>
  draft("resource.handover", { resource: key(resource, "resource"), change: { custody: key(to, "member") } })

/** `resource.book` (member). */
export const book = (resource: Ref, from: number, until: number, note = ""): EventDraft<"resource.book"> =>
  draft("resource.book", { resource: key(resource, "resource"), from, until, note })

/** `resource.lend` (member). */
export const lend = (resource: Ref, to: Ref, until: number, note = ""): EventDraft<"resource.lend"> =>
  draft("resource.lend", { resource: key(resource, "resource"), to: key(to, "member"), until, note })

/** `resource.return` (member). */
export const giveBack = (booking: Ref): EventDraft<"resource.return"> => draft("resource.return", { booking: key(booking, "booking") })
