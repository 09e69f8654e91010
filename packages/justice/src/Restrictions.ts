/**
 * Justice's standing (`docs/protocol.md` §8, "Standing"): the restrictions in force on a subject,
 * for the kernel's gate before every act of every module. A restriction names what it stops (a
 * module, some of its types, body fields such as a channel or an account), until when (always),
 * why, and the decision that imposed it. Lifted and overturned restrictions are left out; the host
 * checks the expiry against the act's community time.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const state = Justice.init({ community: "00", name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Justice.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(Justice.Restrictions.provider.restrictions(state, "ab".repeat(32)).length) // 0
 * ```
 *
 * @module
 */
import type { Standing } from "@affinity/core/module"
import { byWords, expiry, type Restriction, type State } from "./State.ts"

/** A kept restriction as the kernel's standing reads it. */
export const toStanding = (r: Restriction): Standing.Restriction => ({
  subject: r.subject,
  scope: r.scope,
  until: expiry(r),
  by: byWords(r.by),
  reason: r.reason,
  key: r.key
})

/** The restrictions on `subject` that have not ended early, by key. */
export const onSubject = (state: State, subject: string): ReadonlyArray<Restriction> =>
  Object.keys(state.restrictions)
    .sort()
    .map((k) => state.restrictions[k]!)
    .filter((r) => r.subject === subject && r.ended === null)

/** What justice provides the kernel's standing gate. */
export const provider: Standing.Provider<State> = {
  restrictions: (state, subject) => onSubject(state, subject).map(toStanding)
}
