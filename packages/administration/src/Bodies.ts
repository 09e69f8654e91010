/**
 * The bodies of the administration module's events, as schemas: maps with exactly these keys,
 * texts and integers within bounds, identities and event keys as 32-byte strings.
 *
 * @module
 */
import { Body } from "@affinity/core/module"

const Key = Body.bytes(32)
/** A qualification's id: lower-case letters, digits and dashes, 1–40 characters. */
export const QualificationId = Body.pattern(/^[a-z0-9][a-z0-9-]{0,39}$/, "a short id of lower-case letters, digits and dashes (first-aid)")
const Role = Body.text(1, 80)
const Reason = Body.text(1, 1000)
const MAX_TIME = 8_640_000_000_000_000

/** A decoded body of the schema `Define` below. */
export type Define = Body.Infer<typeof Define>
/** `qualification.define` (prime): a qualification, how it is granted, and how long it lasts. */
export const Define = Body.refine(
  Body.strict({
    id: QualificationId,
    name: Body.text(1, 120),
    criteria: Body.text(1, 2000),
    grantedBy: Body.literal(["decision", "vouches"] as const),
    vouches: Body.int(0, 20),
    probationDays: Body.int(0, 365),
    expiryDays: Body.int(1, 1830)
  }),
  (b) => (b.grantedBy === "vouches" && b.vouches < 1 ? "a qualification granted by vouches needs at least 1 vouch" : undefined)
)

/** A decoded body of the schema `Grant` below. */
export type Grant = Body.Infer<typeof Grant>
/** `qualification.grant` and `qualification.renew` (mandate): a grant by a deciding body. */
export const Grant = Body.strict({
  qualification: QualificationId,
  member: Key,
  evidence: Body.text(0, 1000),
  /** Days it lasts; absent: the qualification's expiry. */
  days: Body.optional(Body.int(1, 1830))
})

/** A decoded body of the schema `Vouch` below. */
export type Vouch = Body.Infer<typeof Vouch>
/** `qualification.vouch` (member): a holder vouches for a member. */
export const Vouch = Body.strict({ qualification: QualificationId, member: Key, evidence: Body.text(0, 1000) })

/** A decoded body of the schema `Suspend` below. */
export type Suspend = Body.Infer<typeof Suspend>
/** `qualification.suspend` (mandate): until a community time, with a reason. */
export const Suspend = Body.strict({ qualification: QualificationId, member: Key, until: Body.int(0, MAX_TIME), reason: Reason })

/** A decoded body of the schema `Reinstate` below. */
export type Reinstate = Body.Infer<typeof Reinstate>
/** `qualification.reinstate` (mandate): lift a suspension. */
export const Reinstate = Body.strict({ suspension: Key })

/** A decoded body of the schema `Revoke` below. */
export type Revoke = Body.Infer<typeof Revoke>
/** `qualification.revoke` (mandate): end every grant and vouch of a member's qualification. */
export const Revoke = Body.strict({ qualification: QualificationId, member: Key, reason: Reason })

/** A decoded body of the schema `SetRules` below. */
export type SetRules = Body.Infer<typeof SetRules>
/** `rules.set` (prime): change some of the rules; at least one. */
export const SetRules = Body.refine(
  Body.strict({
    /** `invitation`: an application needs a full member's invitation; `open`: it does not. */
    application: Body.optional(Body.literal(["open", "invitation"] as const)),
    perWindow: Body.optional(Body.int(0, 10_000)),
    windowDays: Body.optional(Body.int(1, 365)),
    admitVouches: Body.optional(Body.int(0, 20)),
    probationDays: Body.optional(Body.int(0, 365)),
    roleCap: Body.optional(Body.int(1, 20)),
    hoursPerCycle: Body.optional(Body.int(0, 1000)),
    cycleDays: Body.optional(Body.int(1, 365)),
    consecutive: Body.optional(Body.int(1, 100)),
    inactiveDays: Body.optional(Body.int(0, 3650))
  }),
  (b) => (Object.keys(b).length === 0 ? "name at least one rule to change" : undefined)
)

/** A decoded body of the schema `Invite` below. */
export type Invite = Body.Infer<typeof Invite>
/** `member.invite` (member): invite a device key to apply, for 1–90 days. */
export const Invite = Body.strict({ device: Key, days: Body.int(1, 90) })

/** A decoded body of the schema `AdmitVouch` below. */
export type AdmitVouch = Body.Infer<typeof AdmitVouch>
/** `member.vouch` (member): vouch for an applicant's admission. */
export const AdmitVouch = Body.strict({ applicant: Key })

/** A decoded body of the schema `Pool` below. */
export type Pool = Body.Infer<typeof Pool>
/** `pool.join` and `pool.leave` (member): opt in to (or out of) a working group's lots. */
export const Pool = Body.strict({ group: Key })

/** A decoded body of the schema `Assign` below. */
export type Assign = Body.Infer<typeof Assign>
/** `assign` (mandate): assign a member to a role for whole cycles. */
export const Assign = Body.strict({ group: Key, role: Role, member: Key, hours: Body.int(0, 1000), cycles: Body.int(1, 12) })

/** A decoded body of the schema `AssignLot` below. */
export type AssignLot = Body.Infer<typeof AssignLot>
/** `assign.lot` (mandate): draw members from the group's opt-in pool. */
export const AssignLot = Body.strict({ group: Key, role: Role, seats: Body.int(1, 20), hours: Body.int(0, 1000), cycles: Body.int(1, 12) })

/** A decoded body of the schema `EndAssignment` below. */
export type EndAssignment = Body.Infer<typeof EndAssignment>
/** `assign.end` (mandate) and `assign.leave` (member): end an assignment. */
export const EndAssignment = Body.strict({ assignment: Key, reason: Reason })

/** A decoded body of the schema `Freeze` below. */
export type Freeze = Body.Infer<typeof Freeze>
/** `freeze` (member): a holiday from the next cycle, for 1–12 cycles. */
export const Freeze = Body.strict({ cycles: Body.int(1, 12) })

/** A decoded body of the schema `Unfreeze` below. */
export type Unfreeze = Body.Infer<typeof Unfreeze>
/** `unfreeze` (member): end one's freeze now. */
export const Unfreeze = Body.strict({})

/** A decoded body of the schema `Steward` below. */
export type Steward = Body.Infer<typeof Steward>
/** A steward as a body names it: `community`, or a working group's id. */
export const Steward = Body.oneOf<"community" | Uint8Array>("\"community\" or a working group's id (32 bytes)", Body.literal(["community"] as const), Key)

/** A decoded body of the schema `Register` below. */
export type Register = Body.Infer<typeof Register>
/** `resource.register` (mandate): a shared resource, its stewards, custodian and rules. */
export const Register = Body.strict({
  name: Body.text(1, 120),
  kind: Body.text(1, 60),
  stewards: Body.array(Steward, 1, 16),
  custodian: Key,
  rules: Body.text(0, 2000)
})

/** A decoded body of the schema `Personal` below. */
export type Personal = Body.Infer<typeof Personal>
/** `resource.personal` (member): one's own property, registered as such. */
export const Personal = Body.strict({ name: Body.text(1, 120), kind: Body.text(1, 60), rules: Body.text(0, 2000) })

/** A decoded body of the schema `Change` below. */
export type Change = Body.Infer<typeof Change>
/** A change of a resource, as a body names it. */
export const Change = Body.oneOf<
  { readonly rules: string } | { readonly custody: Uint8Array } | { readonly stewards: ReadonlyArray<"community" | Uint8Array> }
>(
  "a change: { rules }, { custody } or { stewards }",
  Body.strict({ rules: Body.text(0, 2000) }),
  Body.strict({ custody: Key }),
  Body.strict({ stewards: Body.array(Steward, 1, 16) })
)

/** A decoded body of the schema `Consent` below. */
export type Consent = Body.Infer<typeof Consent>
/** `resource.consent` (mandate): a steward's consent to a change; `resource.handover` (member): the custodian's. */
export const Consent = Body.strict({ resource: Key, change: Change })

/** A decoded body of the schema `Book` below. */
export type Book = Body.Infer<typeof Book>
/** `resource.book` (member): book a shared resource for a time. */
export const Book = Body.strict({ resource: Key, from: Body.int(0, MAX_TIME), until: Body.int(0, MAX_TIME), note: Body.text(0, 400) })

/** A decoded body of the schema `Lend` below. */
export type Lend = Body.Infer<typeof Lend>
/** `resource.lend` (member): the custodian lends it to a member until a time. */
export const Lend = Body.strict({ resource: Key, to: Key, until: Body.int(0, MAX_TIME), note: Body.text(0, 400) })

/** A decoded body of the schema `Return` below. */
export type Return = Body.Infer<typeof Return>
/** `resource.return` (member): a booking or loan ends (by its member or the custodian). */
export const Return = Body.strict({ booking: Key })
