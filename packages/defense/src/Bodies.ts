/**
 * The bodies of the defense module's events, as `Body` schemas (`@affinity/core/module`) and
 * types. Every key listed is required unless marked optional; no other key is allowed. Keys
 * and community ids are 32-byte byte strings; ids of things this module keeps (a restriction,
 * a freeze, a mandate) are text, as the records show them.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 * import { Bodies } from "@affinity/defense/module"
 *
 * console.log(Body.decode(Bodies.Restrict, { subject: { key: new Uint8Array(32) }, scope: ["join"], severity: "block", reason: "spam wave", evidence: "" }).ok) // true
 * console.log(Body.decode(Bodies.Restrict, { subject: { key: new Uint8Array(32) }, scope: ["join", "join"], severity: "block", reason: "spam", evidence: "" }))
 * // { ok: false, message: "scope: name each scope once" }
 * ```
 *
 * @module
 */
import { Body } from "@affinity/core/module"
import { type EmergencyKind, MAX_FEED_ENTRIES, type ScopeKind, type Severity } from "./State.ts"

/** Longest reason, in characters. */
export const MAX_REASON = 500
/** Longest evidence note, in characters. */
export const MAX_EVIDENCE = 2000
/** Longest review findings, in characters. */
export const MAX_FINDINGS = 4000
/** Largest signed export carried in one `list.import`, in bytes. */
export const MAX_FEED_BYTES = 60_000

const Key = Body.bytes(32)
const Time = Body.int(0, Number.MAX_SAFE_INTEGER)
const Reason = Body.text(1, MAX_REASON)
const Id = Body.text(1, 80)

const distinct = <T>(list: ReadonlyArray<T>): string | undefined => (new Set(list).size === list.length ? undefined : "name each scope once")

/** A subject as a body writes it: `{ key }`, `{ community }` or `{ relay }`. */
export type SubjectBody = { readonly key: Uint8Array } | { readonly community: Uint8Array } | { readonly relay: string }

/** Schema of {@link SubjectBody}. */
export const Subject: Body.Schema<SubjectBody> = Body.oneOf<SubjectBody>(
  "{ key: <32 bytes> }, { community: <32 bytes> } or { relay: <address> }",
  Body.strict({ key: Key }),
  Body.strict({ community: Key }),
  Body.strict({ relay: Body.text(1, 200) })
)

/** Schema of a restriction's scope: 1 to 3 of `join`, `sync`, `pay`, each once. */
export const Scope: Body.Schema<ReadonlyArray<ScopeKind>> = Body.refine(Body.array(Body.literal<ScopeKind>(["join", "sync", "pay"]), 1, 3), distinct)

/** `defense/restrict`: a restriction on an outsider. `expires` absent: 90 days from the decision. */
export type Restrict = {
  readonly subject: SubjectBody
  readonly scope: ReadonlyArray<ScopeKind>
  readonly severity: Severity
  readonly reason: string
  readonly evidence: string
  readonly expires?: number
}

/** Schema of {@link Restrict}. */
export const Restrict: Body.Schema<Restrict> = Body.strict({
  subject: Subject,
  scope: Scope,
  severity: Body.literal<Severity>(["warn", "block"]),
  reason: Reason,
  evidence: Body.text(0, MAX_EVIDENCE),
  expires: Body.optional(Time)
})

/** `defense/lift`: a restriction ends before its expiry. */
export type Lift = { readonly restriction: string; readonly reason: string }
/** Schema of {@link Lift}. */
export const Lift: Body.Schema<Lift> = Body.strict({ restriction: Id, reason: Reason })

/** `defense/list.subscribe`: follow an allied community's restriction feed, signed by one of `publishers`. */
export type Subscribe = { readonly source: Uint8Array; readonly name: string; readonly publishers: ReadonlyArray<Uint8Array> }
/** Schema of {@link Subscribe}. */
export const Subscribe: Body.Schema<Subscribe> = Body.strict({ source: Key, name: Body.text(1, 100), publishers: Body.array(Key, 1, 8) })

/** `defense/list.unsubscribe`: stop following a feed; its entries stop counting. */
export type Unsubscribe = { readonly source: Uint8Array; readonly reason: string }
/** Schema of {@link Unsubscribe}. */
export const Unsubscribe: Body.Schema<Unsubscribe> = Body.strict({ source: Key, reason: Reason })

/** A byte string of 1 to {@link MAX_FEED_BYTES} bytes. */
const FeedBytes: Body.Schema<Uint8Array> = Body.refine(Body.value, (v) =>
  v instanceof Uint8Array && v.length >= 1 && v.length <= MAX_FEED_BYTES ? undefined : `expected a signed export of 1 to ${MAX_FEED_BYTES} bytes`
) as unknown as Body.Schema<Uint8Array>

/** `defense/list.import`: a signed export of an allied feed (`Feed.sign`), as bytes. */
export type Import = { readonly feed: Uint8Array }
/** Schema of {@link Import}. */
export const Import: Body.Schema<Import> = Body.strict({ feed: FeedBytes })

/** `defense/advisory.accept`: an entry an allied list brought in holds here by local decision. */
export type Accept = { readonly source: Uint8Array; readonly entry: string }
/** Schema of {@link Accept}. */
export const Accept: Body.Schema<Accept> = Body.strict({ source: Key, entry: Id })

/** `defense/params`: change `agree` (k of n lists) or `freezeCallers` (members a freeze needs). */
export type Params = { readonly agree?: number; readonly freezeCallers?: number }
/** Schema of {@link Params}. */
export const Params: Body.Schema<Params> = Body.refine(
  Body.strict({ agree: Body.optional(Body.int(1, 16)), freezeCallers: Body.optional(Body.int(2, 16)) }),
  (p) => (p.agree === undefined && p.freezeCallers === undefined ? "name agree, freezeCallers or both" : undefined)
)

/** What a freeze stops: new members (`admissions`), `payments`, or one channel. */
export type FreezeScopeBody = "admissions" | "payments" | { readonly channel: string }
/** Schema of {@link FreezeScopeBody}. */
export const FreezeScope: Body.Schema<FreezeScopeBody> = Body.oneOf<FreezeScopeBody>(
  `"admissions", "payments" or { channel: <id> }`,
  Body.literal(["admissions", "payments"]),
  Body.strict({ channel: Body.pattern(/^[0-9a-z][0-9a-z._-]{0,127}$/, "a channel id (lower-case letters, digits, . _ -)") })
)

/** `defense/freeze` (a member's call) and `defense/freeze.impose` (under an emergency mandate). */
export type Freeze = { readonly scope: FreezeScopeBody; readonly reason: string }
/** Schema of {@link Freeze}. */
export const Freeze: Body.Schema<Freeze> = Body.strict({ scope: FreezeScope, reason: Reason })

/** `defense/freeze.end`: a decision ends a freeze early. */
export type FreezeEnd = { readonly freeze: string; readonly reason: string }
/** Schema of {@link FreezeEnd}. */
export const FreezeEnd: Body.Schema<FreezeEnd> = Body.strict({ freeze: Id, reason: Reason })

/** `defense/freeze.extend`: a decision makes a freeze longer, to `until` (at most 7 days from the decision). */
export type FreezeExtend = { readonly freeze: string; readonly until: number; readonly reason: string }
/** Schema of {@link FreezeExtend}. */
export const FreezeExtend: Body.Schema<FreezeExtend> = Body.strict({ freeze: Id, until: Time, reason: Reason })

/** Who holds an emergency mandate: the defense prime group, or a working group (its id). */
export type HolderBody = "prime" | { readonly group: Uint8Array }
/** Schema of {@link HolderBody}. */
export const Holder: Body.Schema<HolderBody> = Body.oneOf<HolderBody>(`"prime" or { group: <32-byte group id> }`, Body.literal(["prime"]), Body.strict({ group: Key }))

/** `defense/mandate.grant`: an emergency mandate, at most 7 days. */
export type Grant = { readonly holder: HolderBody; readonly scope: ReadonlyArray<EmergencyKind>; readonly expires: number; readonly reason: string }
/** Schema of {@link Grant}: the scope is from the fixed emergency set. */
export const Grant: Body.Schema<Grant> = Body.strict({
  holder: Holder,
  scope: Body.refine(Body.array(Body.literal<EmergencyKind>(["restrict", "lift", "freeze"]), 1, 3), distinct),
  expires: Time,
  reason: Body.text(1, MAX_EVIDENCE)
})

/** `defense/mandate.renew`: the one renewal of a mandate still running. */
export type Renew = { readonly mandate: string; readonly expires: number; readonly reason: string }
/** Schema of {@link Renew}. */
export const Renew: Body.Schema<Renew> = Body.strict({ mandate: Id, expires: Time, reason: Reason })

/** `defense/mandate.end`: a mandate ends early. */
export type End = { readonly mandate: string; readonly reason: string }
/** Schema of {@link End}. */
export const End: Body.Schema<End> = Body.strict({ mandate: Id, reason: Reason })

/** `defense/mandate.review`: the community's review of a mandate that ended. */
export type Review = { readonly mandate: string; readonly findings: string }
/** Schema of {@link Review}. */
export const Review: Body.Schema<Review> = Body.strict({ mandate: Id, findings: Body.text(1, MAX_FINDINGS) })

/** One entry of a signed export, as the export carries it. */
export type WireEntry = {
  readonly seq: number
  readonly op: "add" | "lift"
  readonly id: string
  readonly subject: { readonly kind: "key" | "community" | "relay"; readonly id: string }
  readonly scope: ReadonlyArray<ScopeKind>
  readonly severity: Severity
  readonly reason: string
  readonly evidence: string
  readonly date: number
  readonly expires: number
}

const Hex64 = Body.pattern(/^[0-9a-f]{64}$/, "64 lower-case hex characters")

/** Schema of {@link WireEntry}. */
export const WireEntry: Body.Schema<WireEntry> = Body.refine(
  Body.strict({
    seq: Body.int(1, Number.MAX_SAFE_INTEGER),
    op: Body.literal(["add", "lift"]),
    id: Id,
    subject: Body.strict({ kind: Body.literal(["key", "community", "relay"]), id: Body.text(1, 200) }),
    scope: Scope,
    severity: Body.literal<Severity>(["warn", "block"]),
    reason: Reason,
    evidence: Body.text(0, MAX_EVIDENCE),
    date: Time,
    expires: Time
  }),
  (e) => (e.subject.kind !== "relay" && !/^[0-9a-f]{64}$/.test(e.subject.id) ? "subject: a key or community is 64 lower-case hex characters" : undefined)
)

/** The signed part of an export. */
export type Unsigned = {
  readonly format: "affinity/defense-feed/v1"
  readonly source: string
  readonly publisher: string
  readonly from: number
  readonly entries: ReadonlyArray<WireEntry>
}

/** Schema of {@link Unsigned}: entries numbered `from`, `from + 1`, … */
export const Unsigned: Body.Schema<Unsigned> = Body.refine(
  Body.strict({
    format: Body.literal(["affinity/defense-feed/v1"]),
    source: Hex64,
    publisher: Hex64,
    from: Body.int(1, Number.MAX_SAFE_INTEGER),
    entries: Body.array(WireEntry, 1, MAX_FEED_ENTRIES)
  }),
  (u) => (u.entries.every((e, i) => e.seq === u.from + i) ? undefined : "entries: numbered from `from`, one after the other")
)

/** A signed export: the canonical CBOR of {@link Unsigned}, and the publisher's signature. */
export type Signed = { readonly feed: Uint8Array; readonly sig: Uint8Array }
/** Schema of {@link Signed}. */
export const Signed: Body.Schema<Signed> = Body.strict({ feed: Body.refine(Body.value, (v) => (v instanceof Uint8Array ? undefined : "expected a byte string")) as unknown as Body.Schema<Uint8Array>, sig: Body.bytes(64) })

