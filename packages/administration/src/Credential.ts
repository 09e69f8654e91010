/**
 * A holding exported for use outside the community, in the shape of a W3C Verifiable
 * Credential 2.0 that is an Open Badges 3.0 `OpenBadgeCredential`: the achievement (the
 * qualification, its criteria), the subject (the member's identity), `validFrom` and
 * `validUntil`, and as evidence every grant and vouch in force, each naming the event that
 * recorded it in the community's log. It is not signed: whoever checks it reads the events it
 * names from the community's log (their signatures are the proof, and revocations and
 * suspensions are there too). Identities and event ids are in `urn:affinity:` form.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const state = Administration.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Administration.DAY, quorumPercent: 50 } })
 * console.log(Administration.Credential.credential(state, "0a".repeat(32), "first-aid", { community: "00".repeat(32), communityName: "c", now: 0 })) // undefined
 * ```
 *
 * @module
 */
import { definitionAt, everything, holding, type State } from "./State.ts"

/** Where a credential comes from. */
export type Issuer = {
  /** The community id (hex). */
  readonly community: string
  readonly communityName: string
  /** Community time it is issued at: it covers the holding at that time. */
  readonly now: number
  /** The member's name, if they want it in the credential. */
  readonly memberName?: string
}

/** The JSON object of an exported credential. */
export type Credential = {
  readonly "@context": ReadonlyArray<string>
  readonly id: string
  readonly type: ReadonlyArray<string>
  readonly issuer: { readonly id: string; readonly type: ReadonlyArray<string>; readonly name: string }
  readonly validFrom: string
  readonly validUntil: string
  readonly name: string
  readonly credentialSubject: {
    readonly id: string
    readonly type: ReadonlyArray<string>
    readonly name?: string
    readonly achievement: {
      readonly id: string
      readonly type: ReadonlyArray<string>
      readonly name: string
      readonly description: string
      readonly criteria: { readonly narrative: string }
    }
  }
  readonly evidence: ReadonlyArray<{ readonly id: string; readonly type: ReadonlyArray<string>; readonly name: string; readonly narrative: string }>
}

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z")

/** `member`'s holding of `qualification` at `issuer.now` as a credential, or `undefined` when they do not hold it. */
export const credential = (state: State, member: string, qualification: string, issuer: Issuer): Credential | undefined => {
  const past = everything(issuer.now)
  const h = holding(state, member, qualification, past)
  const def = definitionAt(state, qualification, past)
  if (!h.holds || def === undefined) return undefined
  const urn = `urn:affinity:${issuer.community}`
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `${urn}:credential:${qualification}:${member}:${issuer.now}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: `urn:affinity:community:${issuer.community}`, type: ["Profile"], name: issuer.communityName },
    validFrom: iso(h.since!),
    validUntil: iso(h.until!),
    name: def.name,
    credentialSubject: {
      id: `urn:affinity:identity:${member}`,
      type: ["AchievementSubject"],
      ...(issuer.memberName === undefined ? {} : { name: issuer.memberName }),
      achievement: {
        id: `${urn}:qualification:${qualification}`,
        type: ["Achievement"],
        name: def.name,
        description: def.criteria,
        criteria: { narrative: def.criteria }
      }
    },
    evidence: h.grants.map((g) => ({
      id: `${urn}:event:${g.key}`,
      type: ["Evidence"],
      name: g.kind === "vouch" ? "a holder's vouch" : g.kind === "renewal" ? "a renewal by decision" : "a grant by decision",
      narrative: g.evidence
    }))
  }
}
