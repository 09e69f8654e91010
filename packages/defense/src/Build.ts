/**
 * Drafts of the defense module's events (`{ module, type, body }`), to append directly (a
 * member's call for a freeze, an import) or to carry in a governance decision (everything
 * else): `Governance.propose({ …, action: Defense.restrict(…) })`.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const draft = Defense.restrict({ key: new Uint8Array(32).fill(1) }, { scope: ["join"], reason: "sent threats to members" })
 * console.log(draft.type, draft.body.severity) // restrict block
 * ```
 *
 * @module
 */
import { Bytes, type EventBodies } from "@affinity/core/module"
import type * as Bodies from "./Bodies.ts"
import type { EmergencyKind, ScopeKind, Severity } from "./State.ts"

/** The body each defense event type takes. */
export type Events = {
  readonly restrict: Bodies.Restrict
  readonly lift: Bodies.Lift
  readonly "list.subscribe": Bodies.Subscribe
  readonly "list.unsubscribe": Bodies.Unsubscribe
  readonly "list.import": Bodies.Import
  readonly "advisory.accept": Bodies.Accept
  readonly params: Bodies.Params
  readonly freeze: Bodies.Freeze
  readonly "freeze.impose": Bodies.Freeze
  readonly "freeze.end": Bodies.FreezeEnd
  readonly "freeze.extend": Bodies.FreezeExtend
  readonly "mandate.grant": Bodies.Grant
  readonly "mandate.renew": Bodies.Renew
  readonly "mandate.end": Bodies.End
  readonly "mandate.review": Bodies.Review
}

/** A draft of a defense event of type `T`. */
export type Draft<T extends keyof Events & string> = EventBodies.Draft<"defense", T, Events[T]>

const draft = <T extends keyof Events & string>(type: T, body: Events[T]): Draft<T> => ({ module: "defense", type, body })

/** A key, a community or a relay, from its hex (keys, communities) or address. */
const subjectBody = (subject: Bodies.SubjectBody | { readonly kind: "key" | "community" | "relay"; readonly id: string }): Bodies.SubjectBody => {
  if (!("kind" in subject)) return subject
  if (subject.kind === "relay") return { relay: subject.id }
  const bytes = Bytes.fromHex(subject.id)
  if (bytes === undefined || bytes.length !== 32) throw new RangeError(`a ${subject.kind} is 64 hex characters`)
  return subject.kind === "key" ? { key: bytes } : { community: bytes }
}

const bytesOf = (id: string | Uint8Array): Uint8Array => {
  if (id instanceof Uint8Array) return id
  const bytes = Bytes.fromHex(id)
  if (bytes === undefined || bytes.length !== 32) throw new RangeError("expected 64 hex characters")
  return bytes
}

/** A restriction (a decision's action): `severity` defaults to `block`, `expires` to 90 days after the decision. */
export const restrict = (
  subject: Bodies.SubjectBody | { readonly kind: "key" | "community" | "relay"; readonly id: string },
  options: { readonly scope: ReadonlyArray<ScopeKind>; readonly reason: string; readonly severity?: Severity; readonly evidence?: string; readonly expires?: number }
): Draft<"restrict"> =>
  draft("restrict", {
    subject: subjectBody(subject),
    scope: [...options.scope],
    severity: options.severity ?? "block",
    reason: options.reason,
    evidence: options.evidence ?? "",
    ...(options.expires === undefined ? {} : { expires: options.expires })
  })

/** Lift a restriction (a decision's action). */
export const lift = (restriction: string, reason: string): Draft<"lift"> => draft("lift", { restriction, reason })

/** Subscribe to an allied community's list, signed by one of `publishers` (a decision's action). */
export const subscribe = (source: string | Uint8Array, name: string, publishers: ReadonlyArray<string | Uint8Array>): Draft<"list.subscribe"> =>
  draft("list.subscribe", { source: bytesOf(source), name, publishers: publishers.map(bytesOf) })

/** Stop following an allied list (a decision's action). */
export const unsubscribe = (source: string | Uint8Array, reason: string): Draft<"list.unsubscribe"> => draft("list.unsubscribe", { source: bytesOf(source), reason })

/** Import a signed export of an allied list (any member). */
export const importList = (feed: Uint8Array): Draft<"list.import"> => draft("list.import", { feed })

/** Hold an advisory here by local decision (a decision's action). */
export const acceptAdvisory = (source: string | Uint8Array, entry: string): Draft<"advisory.accept"> => draft("advisory.accept", { source: bytesOf(source), entry })

/** Change how many lists must agree, or how many members a freeze needs (a decision's action). */
export const setParams = (params: Bodies.Params): Draft<"params"> => draft("params", { ...params })

/** A member's call for a protective freeze. */
export const freeze = (scope: Bodies.FreezeScopeBody, reason: string): Draft<"freeze"> => draft("freeze", { scope, reason })

/** A freeze under an emergency mandate (a decision's action). */
export const impose = (scope: Bodies.FreezeScopeBody, reason: string): Draft<"freeze.impose"> => draft("freeze.impose", { scope, reason })

/** End a freeze early (a decision's action). */
export const endFreeze = (freezeId: string, reason: string): Draft<"freeze.end"> => draft("freeze.end", { freeze: freezeId, reason })

/** Extend a freeze (a decision's action). */
export const extendFreeze = (freezeId: string, until: number, reason: string): Draft<"freeze.extend"> => draft("freeze.extend", { freeze: freezeId, until, reason })

/** Grant an emergency mandate to the defense prime group (`"prime"`) or a working group (its id). */
export const grantMandate = (
  holder: "prime" | { readonly group: string | Uint8Array },
  options: { readonly scope: ReadonlyArray<EmergencyKind>; readonly expires: number; readonly reason: string }
): Draft<"mandate.grant"> =>
  draft("mandate.grant", { holder: holder === "prime" ? "prime" : { group: bytesOf(holder.group) }, scope: [...options.scope], expires: options.expires, reason: options.reason })

/** Renew a mandate, once (a decision's action). */
export const renewMandate = (mandate: string, expires: number, reason: string): Draft<"mandate.renew"> => draft("mandate.renew", { mandate, expires, reason })

/** End a mandate early (a decision's action). */
export const endMandate = (mandate: string, reason: string): Draft<"mandate.end"> => draft("mandate.end", { mandate, reason })

/** Record the review of a mandate that ended (a decision's action). */
export const reviewMandate = (mandate: string, findings: string): Draft<"mandate.review"> => draft("mandate.review", { mandate, findings })
