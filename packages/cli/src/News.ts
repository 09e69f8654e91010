/**
 * What changed in a community while this device synced, in plain words: who asked to join,
 * was admitted or left, or now goes by another name; proposals opened and ended; stances
 * taken.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Json } from "./Context.ts"
import * as Describe from "./Describe.ts"
import * as Lookup from "./Lookup.ts"
import * as Names from "./Names.ts"
import type { Room } from "./Session.ts"

/** The parts of a community's state news is made of. */
export interface Snapshot {
  readonly statuses: ReadonlyMap<string, string>
  /** The name each member published, by identity (none: not there). */
  readonly published: ReadonlyMap<string, string>
  readonly proposals: ReadonlyMap<string, { readonly status: string; readonly versions: number }>
  /** Keys of every stance event. */
  readonly stances: ReadonlySet<string>
}

/** Take a snapshot. */
export const snapshot = (room: Room): Snapshot => ({
  statuses: new Map(Object.entries(room.core().identities).map(([id, i]) => [id, i.status] as const)),
  published: new Map(
    Object.keys(room.core().identities).flatMap((id) => {
      const name = room.names().profileOf(id)?.name
      return name === undefined ? [] : [[id, name] as const]
    })
  ),
  proposals: new Map(Object.values(room.gov().proposals).map((p) => [p.id, { status: p.status, versions: p.versions.length }] as const)),
  stances: new Set(Object.values(room.gov().proposals).flatMap((p) => p.stances.map((s) => s.key)))
})

/** One piece of news. */
export interface Item {
  readonly kind: "applied" | "admitted" | "left" | "named" | "opened" | "amended" | "stance" | "ended"
  readonly text: string
  readonly member?: string
  readonly proposal?: string
}

/** What changed since `before`, oldest kind first. */
export const since = (room: Room, before: Snapshot): ReadonlyArray<Item> => {
  const items: Array<Item> = []
  const gov = room.gov()
  const me = room.me()
  for (const id of Object.keys(room.core().identities)) {
    if (id === me) continue
    const name = room.names().profileOf(id)?.name
    const was = before.published.get(id)
    if (name === was) continue
    // A label, since the name they showed by has just changed.
    const label = Names.label(id)
    items.push({
      kind: "named",
      member: id,
      text: name === undefined ? `${label} took their name away` : was === undefined ? `${label} goes by “${name}”` : `${label} now goes by “${name}” (was “${was}”)`
    })
  }
  for (const [id, identity] of Object.entries(room.core().identities)) {
    const was = before.statuses.get(id)
    if (was === identity.status) continue
    const you = id === me
    if (identity.status === "applicant")
      items.push({ kind: "applied", member: id, text: you ? "You asked to join" : `${room.nameOf(id)} asked to join` })
    else if (identity.status === "full")
      items.push({ kind: "admitted", member: id, text: you ? "You are now a full member" : `${room.nameOf(id)} is now a full member` })
    else
      items.push({
        kind: "left",
        member: id,
        text: `${you ? "You" : room.nameOf(id)} ${identity.reason === null ? "left" : `${you ? "were" : "was"} removed by decision (“${identity.reason}”)`}`
      })
  }
  for (const p of Lookup.numbered(gov)) {
    const was = before.proposals.get(p.id)
    const n = Lookup.numberOf(gov, p.id)
    if (!was) items.push({ kind: "opened", proposal: p.id, text: `${room.nameOf(p.proposer)} proposed ${n}, “${p.title}”, open until ${room.date(p.deadline)}` })
    else if (p.versions.length > was.versions)
      items.push({ kind: "amended", proposal: p.id, text: `${room.nameOf(p.proposer)} amended ${n}, “${p.title}”: every stance is cleared, until ${room.date(p.deadline)}` })
    for (const s of p.stances)
      if (!before.stances.has(s.key))
        items.push({
          kind: "stance",
          proposal: p.id,
          member: s.member,
          text: `${room.nameOf(s.member)} ${Describe.stanceOn(s.stance)} ${n}, “${p.title}”${s.reason ? `: “${s.reason}”` : ""}`
        })
    if (p.decision && was?.status !== p.status)
      items.push({ kind: "ended", proposal: p.id, text: `${n}, “${p.title}”, ${p.decision.outcome}: ${Describe.outcomeText(room, p, p.decision)}` })
  }
  return items
}

/** News for JSON. */
export const toJson = (items: ReadonlyArray<Item>): Json =>
  items.map((i) => ({ kind: i.kind, text: i.text, member: i.member ?? null, proposal: i.proposal ?? null }))

/** Open proposals of the community, before their deadline, on which `me` has taken no stance yet. */
export const waitingFor = (room: Room, me: string): ReadonlyArray<Governance.Proposal> =>
  Governance.Records.open(room.gov()).filter(
    (p) =>
      p.scope._tag === "Community" &&
      p.deadline > room.communityTime() &&
      !Governance.Records.stances(room.gov(), p.id).some((s) => s.member === me)
  )
