/**
 * The bodies of the justice module's events, as schemas (`Body` schemas of
 * `@affinity/core/module`) and types. Every key listed is required unless marked optional; no
 * other key is allowed. Event references (cases, restrictions, appeals) are the 32 bytes of the
 * event id; identities are 32-byte public keys. What people write (a grievance, a statement, the
 * words of an agreed action) never goes in a body: it travels in the event's payload, sealed to
 * the people who handle the case, so the fold never sees it.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 * import { Bodies } from "@affinity/justice"
 *
 * console.log(Body.decode(Bodies.Speak, { case: new Uint8Array(32) }).ok) // true
 * console.log(Body.decode(Bodies.Speak, { case: new Uint8Array(32), text: "hi" })) // { ok: false, message: "text: unexpected key" }
 * ```
 *
 * @module
 */
import { Body, type Cbor } from "@affinity/core/module"

/** Longest reason, in characters. */
export const MAX_REASON = 2_000
/** Most proposals a blocking case names. */
export const MAX_PROPOSALS = 32
/** Most actions a repair agreement holds. */
export const MAX_ACTIONS = 16
/** Most facilitators the parties name. */
export const MAX_FACILITATORS = 3

const MODULE = /^[a-z][a-z0-9-]{0,31}$/
const TYPE = /^[a-z][a-z0-9.-]{0,63}$/
const FIELD = /^[a-z][A-Za-z0-9_]{0,31}$/

const Ref = Body.bytes(32)
const Key = Body.bytes(32)
const Time = Body.int(0, Number.MAX_SAFE_INTEGER)
const Reason = Body.refine(Body.text(1, MAX_REASON), (t) => (t.trim() === "" ? "must not be blank" : undefined))

/**
 * The kinds of case: a grievance, repeated unreasoned blocking of proposals, a forked chain, an
 * emergency mandate whose review is overdue (defense), a spend that overshot its payer's limit
 * (economy).
 */
export type CaseKind = "grievance" | "blocking" | "fork" | "review" | "overshoot"
/** Who decides a case's review: the justice prime group, or the community. */
export type Weight = "prime" | "community"

/**
 * The options of a review, in the order of the ladder: further discussion, no change, then the
 * four rungs (a correction, a warning with no contact, a temporary restriction, removal).
 */
export const OPTIONS = ["discussion", "no-change", "correction", "warning", "restriction", "removal"] as const
/** One option of a review. */
export type Option = (typeof OPTIONS)[number]

/** Who a case filed by a member is about: a member, or a working group (its id). */
export type About = { readonly member: Uint8Array } | { readonly group: Uint8Array }

/** What a restriction stops: a module, some of its types, body fields that must match. */
export type ScopeBody = {
  readonly module: string
  readonly types?: ReadonlyArray<string>
  readonly where?: { readonly [field: string]: string | number | boolean }
}

const Where: Body.Schema<{ readonly [field: string]: string | number | boolean }> = Body.refine(
  Body.value,
  (v: Cbor.Value) => {
    if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) return "expected a map of fields"
    const entries = Object.entries(v)
    if (entries.length < 1 || entries.length > 8) return "must name 1 to 8 fields"
    for (const [k, x] of entries) {
      if (!FIELD.test(k)) return `${k}: expected a field name ([a-z][A-Za-z0-9_]{0,31})`
      if (typeof x === "string" ? x.length > 200 : typeof x === "number" ? !Number.isSafeInteger(x) : typeof x !== "boolean")
        return `${k}: expected a text of at most 200 characters, an integer or a boolean`
    }
    return undefined
  }
) as Body.Schema<{ readonly [field: string]: string | number | boolean }>

/** What a restriction stops (see `Standing.Scope` of the kernel); at least a module. */
export const Scope: Body.Schema<ScopeBody> = Body.strict({
  module: Body.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})"),
  types: Body.optional(Body.array(Body.pattern(TYPE, "an event type ([a-z][a-z0-9.-]{0,63})"), 1, 32)),
  where: Body.optional(Where)
})

const AboutSchema: Body.Schema<About> = Body.oneOf<About>(
  "{ member: key } or { group: ref }",
  Body.strict({ member: Key }),
  Body.strict({ group: Ref })
)

/** A decoded body of the schema `File` below. */
export type File = Body.Infer<typeof File>
/** `justice/case.file`: a member opens a case. The grievance's words go in the sealed payload. */
export const File = Body.refine(
  Body.strict({
    about: AboutSchema,
    kind: Body.literal(["grievance", "blocking"] as const),
    weight: Body.literal(["prime", "community"] as const),
    proposals: Body.array(Ref, 0, MAX_PROPOSALS),
    affected: Body.optional(Key)
  }),
  (b) =>
    b.kind === "blocking" && b.proposals.length < 2
      ? "a blocking case names at least 2 proposals (repeated blocking)"
      : b.kind === "grievance" && b.proposals.length > 0
        ? "a grievance names no proposals (use kind \"blocking\")"
        : undefined
)

const EventBytes = (max: number): Body.Schema<Uint8Array> =>
  Body.refine(Body.value, (v) => (v instanceof Uint8Array && v.length > 0 && v.length <= max ? undefined : `expected a byte string of 1 to ${max} bytes`)) as Body.Schema<Uint8Array>

/** A decoded body of the schema `Fork` below. */
export type Fork = Body.Infer<typeof Fork>
/**
 * `justice/case.fork`: a member opens a case on a forked chain: `proof` is the header of a
 * `core/equivocation` event in the filing's past, `a` and `b` that event's two events.
 */
export const Fork = Body.strict({ proof: EventBytes(4_096), a: EventBytes(70_000), b: EventBytes(70_000) })

/** A defense mandate's id: the key of the event that granted it, `.2`, `.3` … for further ones in one decision. */
const MandateId = Body.pattern(/^[0-9a-f]{64}(\.[1-9][0-9]{0,5})?$/, "a mandate id (64 lower-case hex characters, then .2, .3 … for further ones)")
const WeightSchema = Body.literal(["prime", "community"] as const)

/**
 * `justice/case.open`: a member opens a case on a fact another module records, with nobody's
 * consent: an emergency mandate whose review is overdue (`review`, naming the mandate; defense's
 * `reviews.overdue`), or a payer whose concurrent spends overshot their limit (`overshoot`,
 * naming the payer; the economy's `overshoots`).
 */
export const Open: Body.Schema<Open> = Body.oneOf<Open>(
  "{ kind: \"review\", mandate, weight } or { kind: \"overshoot\", payer, weight }",
  Body.strict({ kind: Body.literal(["review"] as const), mandate: MandateId, weight: WeightSchema }),
  Body.strict({ kind: Body.literal(["overshoot"] as const), payer: Key, weight: WeightSchema })
)
export type Open =
  | { readonly kind: "review"; readonly mandate: string; readonly weight: Weight }
  | { readonly kind: "overshoot"; readonly payer: Uint8Array; readonly weight: Weight }

/** A decoded body of the schema `Speak` below. */
export type Speak = Body.Infer<typeof Speak>
/** `justice/case.speak`: a party or a handler speaks in a case (the words in the sealed payload). */
export const Speak = Body.strict({ case: Ref })

/** A decoded body of the schema `Withdraw` below. */
export type Withdraw = Body.Infer<typeof Withdraw>
/** `justice/case.withdraw`: the filer or the affected person withdraws the case. */
export const Withdraw = Body.strict({ case: Ref })

/** A decoded body of the schema `Consent` below. */
export type Consent = Body.Infer<typeof Consent>
/** `justice/repair.consent`: a party consents to repair, naming the facilitators (none: the case's handlers). */
export const Consent = Body.strict({ case: Ref, facilitators: Body.array(Key, 0, MAX_FACILITATORS) })

/** A decoded body of the schema `Met` below. */
export type Met = Body.Infer<typeof Met>
/** `justice/repair.met`: a handler records meeting one party before the circle. */
export const Met = Body.strict({ case: Ref, party: Key })

/** A decoded body of the schema `AgreedAction` below. */
export type AgreedAction = Body.Infer<typeof AgreedAction>
/** One agreed action: who owns it, and by when (community time). Its words are in the payload. */
export const AgreedAction = Body.strict({ owner: Key, due: Time })

/** A decoded body of the schema `Agree` below. */
export type Agree = Body.Infer<typeof Agree>
/** `justice/repair.agree`: a handler records the circle's agreed actions. */
export const Agree = Body.strict({ case: Ref, actions: Body.array(AgreedAction, 1, MAX_ACTIONS) })

/** A decoded body of the schema `Accept` below. */
export type Accept = Body.Infer<typeof Accept>
/** `justice/repair.accept`: a party accepts the circle's agreement. */
export const Accept = Body.strict({ case: Ref, agreement: Ref })

/** A decoded body of the schema `Check` below. */
export type Check = Body.Infer<typeof Check>
/** `justice/repair.check`: after the circle, a handler records whether an action was done. */
export const Check = Body.strict({ case: Ref, action: Body.int(0, MAX_ACTIONS - 1), done: Body.refine(Body.value, (v) => (typeof v === "boolean" ? undefined : "expected a boolean")) as Body.Schema<boolean> })

/** A decoded body of the schema `Vote` below. */
export type Vote = Body.Infer<typeof Vote>
/** `justice/case.vote`: a member of the case's electorate votes for one option of the review. */
export const Vote = Body.strict({ case: Ref, option: Body.literal(OPTIONS) })

/** A decoded body of the schema `Decide` below. */
export type Decide = Body.Infer<typeof Decide>
/**
 * `justice/case.decide`: a decision on a case (carried by a decision of the justice prime group
 * or of the community). `scope` and `until` are required for a warning and a restriction, and
 * refused for the other options.
 */
export const Decide = Body.refine(
  Body.strict({
    case: Ref,
    option: Body.literal(OPTIONS),
    reason: Reason,
    scope: Body.optional(Scope),
    until: Body.optional(Time)
  }),
  (b) => {
    const restricts = b.option === "warning" || b.option === "restriction"
    if (restricts && (b.scope === undefined || b.until === undefined)) return `a ${b.option} needs a scope and an expiry (until)`
    if (!restricts && (b.scope !== undefined || b.until !== undefined)) return `option "${b.option}" takes no scope and no expiry`
    return undefined
  }
)

/** A decoded body of the schema `Lift` below. */
export type Lift = Body.Infer<typeof Lift>
/** `justice/restriction.lift`: a decision lifts a restriction early. */
export const Lift = Body.strict({ restriction: Ref, reason: Reason })

/** A decoded body of the schema `Renew` below. */
export type Renew = Body.Infer<typeof Renew>
/** `justice/restriction.renew`: a new decision sets a restriction's expiry again. */
export const Renew = Body.strict({ restriction: Ref, until: Time, reason: Reason })

/** A decoded body of the schema `Params` below. */
export type Params = Body.Infer<typeof Params>
/** `justice/params`: a community decision changes the module's parameters (at least one). */
export const Params = Body.refine(
  Body.strict({
    maxDays: Body.optional(Body.int(1, 365)),
    appealDays: Body.optional(Body.int(1, 90)),
    panelSize: Body.optional(Body.int(1, 9))
  }),
  (b) => (b.maxDays === undefined && b.appealDays === undefined && b.panelSize === undefined ? "name at least one parameter" : undefined)
)

/** A decoded body of the schema `Appeal` below. */
export type Appeal = Body.Infer<typeof Appeal>
/** `justice/appeal.file`: the subject of a restriction appeals it. */
export const Appeal = Body.strict({ restriction: Ref })

/** A decoded body of the schema `AppealStance` below. */
export type AppealStance = Body.Infer<typeof AppealStance>
/** `justice/appeal.stance`: a member of the appeal's panel says whether to uphold or overturn. */
export const AppealStance = Body.strict({ appeal: Ref, verdict: Body.literal(["uphold", "overturn"] as const) })
