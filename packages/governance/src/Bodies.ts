/**
 * The bodies of the governance module's events, as decoders and types. Every key listed is
 * required unless marked optional; no other key is allowed. Event references (proposals,
 * groups) are the 32 bytes of the event id; identities are 32-byte public keys.
 *
 * @module
 */
import type { Cbor } from "@affinity/core"
import * as D from "./internal/decode.ts"
import type * as Qualification from "./Qualification.ts"
import { PRIME_GROUPS, type PrimeGroup, type Process, type StanceKind } from "./State.ts"

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

const Ref = D.bytes(32)
const Time = D.int(0, Number.MAX_SAFE_INTEGER)

/** The action a proposal carries: `{ module, type, body }`. */
export const Action: D.Decoder<{ readonly module: string; readonly type: string; readonly body: Cbor.Value }> = D.struct({
  module: D.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})"),
  type: D.pattern(TYPE, "an event type ([a-z][a-z0-9.-]{0,63})"),
  body: D.anyValue
})

/** Who decides, as written in a body: `"community"`, `{ prime: module }` or `{ group: id }`. */
export type ScopeBody = "community" | { readonly prime: PrimeGroup } | { readonly group: Uint8Array }

/** Decoder of {@link ScopeBody}. */
export const Scope: D.Decoder<ScopeBody> = D.oneOf<ScopeBody>(
  `"community", { prime: ${PRIME_GROUPS.join(" | ")} } or { group: <32-byte group id> }`,
  D.literal(["community"]),
  D.struct({ prime: D.literal(PRIME_GROUPS) }),
  D.struct({ group: Ref })
)

/** `governance/proposal.open`. */
export type Open = {
  readonly title: string
  readonly text: string
  readonly process: Process
  /** Community time (ms) at which stances close and the proposal can be closed. */
  readonly deadline: number
  readonly action?: { readonly module: string; readonly type: string; readonly body: Cbor.Value }
  /** Id of an open proposal this one replaces when it passes. */
  readonly supersedes?: Uint8Array
  /** Who decides (default `"community"`). */
  readonly body?: ScopeBody
}

/** Decoder of {@link Open}. */
export const Open: D.Decoder<Open> = D.struct(
  {
    title: D.text(1, MAX_TITLE),
    text: D.text(0, MAX_TEXT),
    process: D.literal(["consensus", "consent", "poll"]),
    deadline: Time
  },
  { action: Action, supersedes: Ref, body: Scope }
)

/** `governance/stance`. A reason is required for `object` and `block`. */
export type Stance = { readonly proposal: Uint8Array; readonly stance: StanceKind; readonly reason?: string }

/** Decoder of {@link Stance}. */
export const Stance: D.Decoder<Stance> = D.refine(
  D.struct(
    { proposal: Ref, stance: D.literal(["agree", "abstain", "object", "block"]) },
    { reason: D.text(0, MAX_REASON) }
  ),
  (b) =>
    (b.stance === "object" || b.stance === "block") && (b.reason === undefined || b.reason.trim() === "")
      ? `a stance "${b.stance}" needs a reason: say what would have to change`
      : undefined
)

/** `governance/proposal.amend`: a new text and action (absent: none); optionally a new deadline. */
export type Amend = {
  readonly proposal: Uint8Array
  readonly text: string
  readonly action?: { readonly module: string; readonly type: string; readonly body: Cbor.Value }
  readonly deadline?: number
}

/** Decoder of {@link Amend}. */
export const Amend: D.Decoder<Amend> = D.struct(
  { proposal: Ref, text: D.text(0, MAX_TEXT) },
  { action: Action, deadline: Time }
)

/** `governance/proposal.withdraw`. */
export type Withdraw = { readonly proposal: Uint8Array; readonly reason?: string }

/** Decoder of {@link Withdraw}. */
export const Withdraw: D.Decoder<Withdraw> = D.struct({ proposal: Ref }, { reason: D.text(0, MAX_REASON) })

/** `governance/proposal.close`. */
export type Close = { readonly proposal: Uint8Array }

/** Decoder of {@link Close}. */
export const Close: D.Decoder<Close> = D.struct({ proposal: Ref })

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

/** Decoder of a group's {@link Requirement}: `{ module, qualification }`. */
export const Requirement: D.Decoder<Requirement> = D.struct({
  module: D.pattern(MODULE, "a module name ([a-z][a-z0-9-]{0,31})"),
  qualification: D.text(1, MAX_QUALIFICATION)
})

/** Decoder of {@link GroupCreate}. */
export const GroupCreate: D.Decoder<GroupCreate> = D.struct(
  {
    name: D.text(1, MAX_TITLE),
    purpose: D.text(1, MAX_REASON),
    mandate: D.array(D.pattern(MANDATE, "a module/type pair such as economy/fund"), 0, MAX_MANDATE),
    members: D.array(D.bytes(32), 0, MAX_GROUP_MEMBERS)
  },
  { expiry: Time, requires: Requirement }
)

/** `governance/group.disband` (a community decision's action). */
export type GroupDisband = { readonly group: Uint8Array; readonly reason: string }

/** Decoder of {@link GroupDisband}. */
export const GroupDisband: D.Decoder<GroupDisband> = D.struct({ group: Ref, reason: D.text(1, MAX_REASON) })

/** `governance/group.renew` (a decision of the governance prime group or the community): a new expiry, or none. */
export type GroupRenew = { readonly group: Uint8Array; readonly expiry: number | null }

/** Decoder of {@link GroupRenew}. */
export const GroupRenew: D.Decoder<GroupRenew> = D.struct({
  group: Ref,
  expiry: D.oneOf<number | null>("a community time or null", Time, (u, path) =>
    u === null ? { ok: true, value: null } : { ok: false, message: `${path}: expected null` }
  )
})

/** `governance/group.join` and `governance/group.leave`: the author joins or leaves. */
export type GroupMembership = { readonly group: Uint8Array }

/** Decoder of {@link GroupMembership}. */
export const GroupMembership: D.Decoder<GroupMembership> = D.struct({ group: Ref })

/** `governance/lot.commit`: the author's onion anchor `H^n(secret)`. */
export type Commit = { readonly anchor: Uint8Array }

/** Decoder of {@link Commit}. */
export const Commit: D.Decoder<Commit> = D.struct({ anchor: D.bytes(32) })

/** `governance/lot.reveal`: the next layer of the author's onion, for a term. */
export type Reveal = { readonly term: number; readonly value: Uint8Array }

/** Decoder of {@link Reveal}. */
export const Reveal: D.Decoder<Reveal> = D.struct({ term: D.int(1, Number.MAX_SAFE_INTEGER), value: D.bytes(32) })

/** `governance/term.draw`: seat the prime groups of a term. */
export type Draw = { readonly term: number }

/** Decoder of {@link Draw}. */
export const Draw: D.Decoder<Draw> = D.struct({ term: D.int(0, Number.MAX_SAFE_INTEGER) })

/** `governance/prime.resign`: the author gives up their seat in a prime group for a term. */
export type Resign = { readonly group: PrimeGroup; readonly term: number }

/** Decoder of {@link Resign}. */
export const Resign: D.Decoder<Resign> = D.struct({ group: D.literal(PRIME_GROUPS), term: D.int(0, Number.MAX_SAFE_INTEGER) })
