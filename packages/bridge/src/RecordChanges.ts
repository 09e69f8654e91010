/**
 * Which records changed between two folded states: members, proposals, working groups and
 * term draws. States are immutable and share what did not change, so a record changed
 * exactly when its object is another one; comparing references finds every change,
 * including those of a fold that reordered earlier events.
 *
 * @module
 */
import { Membership } from "@affinity/core"
import type * as Governance from "@affinity/governance"
import type * as Schemas from "./Schemas.ts"
import * as Views from "./Views.ts"

/** The states compared. */
export interface Snapshot {
  readonly core: Membership.State
  readonly governance: Governance.State
}

const changed = <T>(
  before: { readonly [id: string]: T },
  after: { readonly [id: string]: T }
): ReadonlyArray<{ readonly id: string; readonly change: "created" | "updated" }> => {
  if (before === after) return []
  const out: Array<{ readonly id: string; readonly change: "created" | "updated" }> = []
  for (const id of Object.keys(after).sort()) {
    const was = before[id]
    if (was === undefined) out.push({ id, change: "created" })
    else if (was !== after[id]) out.push({ id, change: "updated" })
  }
  return out
}

const identitiesOf = (core: Membership.State): { readonly [id: string]: Membership.Identity } => {
  const out: Record<string, Membership.Identity> = {}
  for (const id of Membership.identities(core)) out[id] = Membership.identity(core, id)!
  return out
}

/**
 * The records that differ from `before` to `r`'s current state, each with its view as it
 * is now: members first, then proposals, groups and terms, each sorted by id.
 */
export const between = (before: Snapshot, r: Views.Reader): ReadonlyArray<Schemas.RecordChange> => {
  const core = r.core()
  const gov = r.governance()
  const out: Array<Schemas.RecordChange> = []
  if (before.core !== core) {
    const members = changed(identitiesOf(before.core), identitiesOf(core))
    // A profile erased changes how its member shows, not the member's record in the state.
    const erased = core.erased ?? {}
    const wasErased = before.core.erased ?? {}
    const renamed = Membership.identities(core).filter((id) => {
      const key = Membership.identity(core, id)?.profile
      return key !== undefined && erased[key] !== undefined && wasErased[key] === undefined && !members.some((m) => m.id === id)
    })
    const all = [...members, ...renamed.map((id) => ({ id, change: "updated" as const }))].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    for (const { id, change } of all) {
      const record = Views.member(r, id)
      if (record !== undefined) out.push({ kind: "member", change, id, record })
    }
  }
  if (before.governance !== gov) {
    const time = r.communityTime()
    for (const { id, change } of changed(before.governance.proposals, gov.proposals))
      out.push({ kind: "proposal", change, id, record: Views.proposal(r, gov.proposals[id]!) })
    for (const { id, change } of changed(before.governance.groups, gov.groups))
      out.push({ kind: "group", change, id, record: Views.group(r, gov.groups[id]!, time) })
    for (const { id, change } of changed(before.governance.terms, gov.terms))
      out.push({ kind: "term", change, id, record: Views.seats(r, Number(id)) })
  }
  return out
}
