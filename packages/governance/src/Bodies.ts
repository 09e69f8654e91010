/**
 * The bodies of the governance module's events, as schemas (`Body` schemas of
 * `@affinity/core/module`) and types. Every key listed is required unless marked optional; no
 * other key is allowed. Event references (proposals, groups) are the 32 bytes of the event id;
 * identities are 32-byte public keys.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 * import { Bodies } from "@affinity/governance/module"
 *
 * console.log(Body.decode(Bodies.Close, { proposal: new Uint8Array(32) }).ok) // true
 * console.log(Body.decode(Bodies.Close, { proposal: new Uint8Array(32), note: "" })) // { ok: false, message: "note: unexpected key" }
 * ```
 *
 * @module
 */
import { Body, type Cbor } from "@affinity/core/module"
import type * as Qualification from "./Qualification.ts"
import { MAX_ACTIONS, type PrimeGroup, type Process, type StanceKind } from "./State.ts"

/** Longest proposal title, in characters. */
export const MAX_TITLE = 200
/** Longest proposal text, in characters. */
export const MAX_TEXT = 10_000
/** Longest reason (stance, withdrawal, disbanding), in characters. */
export const MAX_REASON = 4_000
/** Most `module/type` entries in a mandate. */
export const MAX_MANDATE = 64
/** Most initial members of a working group. */
export const MAX_GROUP_MEMBERS = 256

const MODULE = /^[a-z][a-z0-9-]{0,31}$/
const TYPE = /^[a-z][a-z0-9.-]{0,63}$/
const MANDATE = /^[a-z][a-z0-9-]{0,31}\/[a-z][a-z0-9.-]{0,63}$/

/**
 * A prime working group as a body names it: a module name. Whether the community has that
 * group is judged against the event's context (`primeModules`), not when decoding.
 */
const Prime = Body.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})")

const Ref = Body.bytes(32)
const Time = Body.int(0, Number.MAX_SAFE_INTEGER)

/** The action a proposal carries: `{ module, type, body }`. */
export const Action: Body.Schema<{ readonly module: string; readonly type: string; readonly body: Cbor.Value }> = Body.strict({
  module: Body.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})"),
  type: Body.pattern(TYPE, "an event type ([a-z][a-z0-9.-]{0,63})"),
  body: Body.value
})

/**
 * Schema of the ordered actions of a decision that does several things: 2 to
 * {@link MAX_ACTIONS} actions, applied in order, all or none.
 */
export const Actions: Body.Schema<ReadonlyArray<Body.Infer<typeof Action>>> = Body.refine(Body.array(Action, 0, MAX_ACTIONS), (list) =>
  list.length < 2 ? `list 2 to ${MAX_ACTIONS} actions here; a single action goes in "action"` : undefined
)

/** A body that carries either `action` or `actions`, never both. */
const oneOrSeveral = <B extends { readonly action?: unknown; readonly actions?: unknown }>(schema: Body.Schema<B>): Body.Schema<B> =>
  Body.refine(schema, (b) =>
    b.action !== undefined && b.actions !== undefined
      ? `a proposal carries either "action" (one) or "actions" (2 to ${MAX_ACTIONS}, applied together or not at all), not both; move the single action into the list`
      : undefined
  )

/**
 * Who decides, as written in a body: `"community"`, `{ prime: module }` or `{ group: id }`.
 * `prime` is any module name here; opening a proposal to a prime group the community lacks is
 * refused (`UnknownPrimeGroup`).
 */
export type ScopeBody = "community" | { readonly prime: PrimeGroup } | { readonly group: Uint8Array }

/** Schema of {@link ScopeBody}. */
export const Scope: Body.Schema<ScopeBody> = Body.oneOf<ScopeBody>(
  `"community", { prime: <module name> } or { group: <32-byte group id> }`,
  Body.literal(["community"]),
  Body.strict({ prime: Prime }),
  Body.strict({ group: Ref })
)

/** `governance/proposal.open`. */
export type Open = {
  readonly title: string
  readonly text: string
  readonly process: Process
  /** Community time (ms) at which stances close and the proposal can be closed. */
  readonly deadline: number
  /** The one action a passed decision carries. */
  readonly action?: { readonly module: string; readonly type: string; readonly body: Cbor.Value }
  /** Several actions a passed decision carries, in order, applied all or none (instead of `action`). */
  readonly actions?: ReadonlyArray<{ readonly module: string; readonly type: string; readonly body: Cbor.Value }>
  /** Id of an open proposal this one replaces when it passes. */
  readonly supersedes?: Uint8Array
  /** Who decides (default `"community"`). */
  readonly body?: ScopeBody
}

/** Schema of {@link Open}. */
export const Open: Body.Schema<Open> = oneOrSeveral(
  Body.strict({
    title: Body.text(1, MAX_TITLE),
    text: Body.text(0, MAX_TEXT),
    process: Body.literal(["consensus", "consent", "poll"]),
    deadline: Time,
    action: Body.optional(Action),
    actions: Body.optional(Actions),
    supersedes: Body.optional(Ref),
    body: Body.optional(Scope)
  })
)

/** `governance/stance`. A reason is required for `object` and `block`. */
export type Stance = { readonly proposal: Uint8Array; readonly stance: StanceKind; readonly reason?: string }

/** Schema of {@link Stance}. */
export const Stance: Body.Schema<Stance> = Body.refine(
  Body.strict({
    proposal: Ref,
    stance: Body.literal(["agree", "abstain", "object", "block"]),
    reason: Body.optional(Body.text(0, MAX_REASON))
  }),
  (b) =>
    (b.stance === "object" || b.stance === "block") && (b.reason === undefined || b.reason.trim() === "")
      ? `a stance "${b.stance}" needs a reason: say what would have to change`
      : undefined
)

/** `governance/proposal.amend`: a new text and action or actions (both absent: none); optionally a new deadline. */
export type Amend = {
  readonly proposal: Uint8Array
  readonly text: string
  readonly action?: { readonly module: string; readonly type: string; readonly body: Cbor.Value }
  /** Several actions, in order, applied all or none (instead of `action`). */
  readonly actions?: ReadonlyArray<{ readonly module: string; readonly type: string; readonly body: Cbor.Value }>
  readonly deadline?: number
}

/** Schema of {@link Amend}. */
export const Amend: Body.Schema<Amend> = oneOrSeveral(
  Body.strict({
    proposal: Ref,
    text: Body.text(0, MAX_TEXT),
    action: Body.optional(Action),
    actions: Body.optional(Actions),
    deadline: Body.optional(Time)
  })
)

/** `governance/proposal.withdraw`. */
export type Withdraw = { readonly proposal: Uint8Array; readonly reason?: string }

/** Schema of {@link Withdraw}. */
export const Withdraw: Body.Schema<Withdraw> = Body.strict({ proposal: Ref, reason: Body.optional(Body.text(0, MAX_REASON)) })

/** `governance/proposal.close`. */
export type Close = { readonly proposal: Uint8Array }

/** Schema of {@link Close}. */
export const Close: Body.Schema<Close> = Body.strict({ proposal: Ref })

/** `governance/group.create` (a community decision's action). */
export type GroupCreate = {
  readonly name: string
  readonly purpose: string
  /** `module/type` entries the group may decide. */
  readonly mandate: ReadonlyArray<string>
  /** Community time at which the group stops deciding. */
  readonly expiry?: number
  /** Initial members (identity keys), each a full member. */
  readonly members: ReadonlyArray<Uint8Array>
  /** A qualification those who join later must hold, and the module that keeps it (G6). */
  readonly requires?: Requirement
}

/** What a working group requires of those who join it (see `Qualification.Requirement`). */
export type Requirement = Qualification.Requirement

/** Longest qualification name, in characters. */
export const MAX_QUALIFICATION = 64

/** Schema of a group's {@link Requirement}: `{ module, qualification }`. */
export const Requirement: Body.Schema<Requirement> = Body.strict({
  module: Body.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})"),
  qualification: Body.text(1, MAX_QUALIFICATION)
})

/** Schema of {@link GroupCreate}. */
export const GroupCreate: Body.Schema<GroupCreate> = Body.strict({
  name: Body.text(1, MAX_TITLE),
  purpose: Body.text(1, MAX_REASON),
  mandate: Body.array(Body.pattern(MANDATE, "a module/type pair such as economy/fund"), 0, MAX_MANDATE),
  members: Body.array(Body.bytes(32), 0, MAX_GROUP_MEMBERS),
  expiry: Body.optional(Time),
  requires: Body.optional(Requirement)
})

/** `governance/group.disband` (a community decision's action). */
export type GroupDisband = { readonly group: Uint8Array; readonly reason: string }

/** Schema of {@link GroupDisband}. */
export const GroupDisband: Body.Schema<GroupDisband> = Body.strict({ group: Ref, reason: Body.text(1, MAX_REASON) })

/** `governance/group.renew` (a decision of the governance prime group or the community): a new expiry, or none. */
export type GroupRenew = { readonly group: Uint8Array; readonly expiry: number | null }

/** Schema of {@link GroupRenew}. */
export const GroupRenew: Body.Schema<GroupRenew> = Body.strict({
  group: Ref,
  expiry: Body.oneOf<number | null>("a community time or null", Time, Body.nullValue)
})

/** `governance/group.join` and `governance/group.leave`: the author joins or leaves. */
export type GroupMembership = { readonly group: Uint8Array }

/** Schema of {@link GroupMembership}. */
export const GroupMembership: Body.Schema<GroupMembership> = Body.strict({ group: Ref })

/** `governance/lot.commit`: the author's onion anchor `H^n(secret)`. */
export type Commit = { readonly anchor: Uint8Array }

/** Schema of {@link Commit}. */
export const Commit: Body.Schema<Commit> = Body.strict({ anchor: Body.bytes(32) })

/** `governance/lot.reveal`: the next layer of the author's onion, for a term. */
export type Reveal = { readonly term: number; readonly value: Uint8Array }

/** Schema of {@link Reveal}. */
export const Reveal: Body.Schema<Reveal> = Body.strict({ term: Body.int(1, Number.MAX_SAFE_INTEGER), value: Body.bytes(32) })

/** `governance/term.draw`: seat the prime groups of a term. */
export type Draw = { readonly term: number }

/** Schema of {@link Draw}. */
export const Draw: Body.Schema<Draw> = Body.strict({ term: Body.int(0, Number.MAX_SAFE_INTEGER) })

/**
 * `governance/prime.resign`: the author gives up their seat in a prime group for a term.
 * `group` is any module name here; a group the community lacks is refused (`UnknownPrimeGroup`).
 */
export type Resign = { readonly group: PrimeGroup; readonly term: number }

/** Schema of {@link Resign}. */
export const Resign: Body.Schema<Resign> = Body.strict({ group: Prime, term: Body.int(0, Number.MAX_SAFE_INTEGER) })
