/**
 * Builders of event bodies for clients: plain functions returning `{ module, type, body }`,
 * to hand to `community.append(device, module, type, body)`. Ids are given as hex (as the
 * state and the host name events) or as bytes. The same shape serves as a proposal's
 * `action`: `propose({ …, action: admit(applicant) })`.
 *
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const me = await client.generateKey()
 * const community = await client.create({ name: "Garden", author: me })
 * const now = Governance.communityTime(community.community.replica)
 * const open = Governance.propose({ title: "Plant beans", text: "Row 3, this spring.", process: "consent", deadline: now + 2 * Governance.HOUR })
 * const { key } = await community.append(me, open.module, open.type, open.body)
 * const agree = Governance.stance(key, "agree")
 * await community.append(me, agree.module, agree.type, agree.body)
 * const state = community.state<Governance.State>("governance")
 * console.log(Governance.Records.proposal(state, key)?.stances.length === 1) // true
 * await client.close()
 * ```
 *
 * @module
 */
import { Bytes, type Cbor } from "@affinity/core"
import type { Action, PrimeGroup, Process, StanceKind } from "./State.ts"

/** An event to append: module, type and body. */
export type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }

/** An event id or identity: hex, or the 32 bytes. */
export type Ref = string | Uint8Array

const bytes = (ref: Ref, what: string): Uint8Array => {
  if (ref instanceof Uint8Array) {
    if (ref.length !== 32) throw new RangeError(`${what} must be 32 bytes`)
    return ref
  }
  const b = Bytes.fromHex(ref)
  if (b === undefined || b.length !== 32) throw new RangeError(`${what} must be 64 hex characters`)
  return b
}

const governance = (type: string, body: Cbor.Value): Draft => ({ module: "governance", type, body })

const actionBody = (action: Action | Draft): Cbor.Value => ({ module: action.module, type: action.type, body: action.body })

/** Who decides a proposal, as a client names it. */
export type Deciders = "community" | { readonly prime: PrimeGroup } | { readonly group: Ref }

/** `governance/proposal.open`. `deadline` is community time in ms (1 hour to 90 days ahead). */
export const propose = (p: {
  readonly title: string
  readonly text?: string
  readonly process?: Process
  readonly deadline: number
  readonly action?: Action | Draft
  readonly supersedes?: Ref
  readonly body?: Deciders
}): Draft => {
  const body: Record<string, Cbor.Value> = {
    title: p.title,
    text: p.text ?? "",
    process: p.process ?? "consensus",
    deadline: p.deadline
  }
  if (p.action) body["action"] = actionBody(p.action)
  if (p.supersedes !== undefined) body["supersedes"] = bytes(p.supersedes, "supersedes")
  if (p.body !== undefined)
    body["body"] =
      p.body === "community" ? "community" : "prime" in p.body ? { prime: p.body.prime } : { group: bytes(p.body.group, "group") }
  return governance("proposal.open", body)
}

/** `governance/stance`: `object` and `block` need a reason. */
export const stance = (proposal: Ref, kind: StanceKind, reason?: string): Draft =>
  governance(
    "stance",
    reason === undefined ? { proposal: bytes(proposal, "proposal"), stance: kind } : { proposal: bytes(proposal, "proposal"), stance: kind, reason }
  )

/** `governance/proposal.amend`: new text and action (none when omitted); optionally a new deadline. Clears every stance. */
export const amend = (proposal: Ref, a: { readonly text: string; readonly action?: Action | Draft; readonly deadline?: number }): Draft => {
  const body: Record<string, Cbor.Value> = { proposal: bytes(proposal, "proposal"), text: a.text }
  if (a.action) body["action"] = actionBody(a.action)
  if (a.deadline !== undefined) body["deadline"] = a.deadline
  return governance("proposal.amend", body)
}

/** `governance/proposal.withdraw` (the proposer, before the deadline). */
export const withdraw = (proposal: Ref, reason?: string): Draft =>
  governance("proposal.withdraw", reason === undefined ? { proposal: bytes(proposal, "proposal") } : { proposal: bytes(proposal, "proposal"), reason })

/** `governance/proposal.close` (any member, once community time reaches the deadline). */
export const close = (proposal: Ref): Draft => governance("proposal.close", { proposal: bytes(proposal, "proposal") })

/** The action `governance/group.create`, for a community proposal. */
export const createGroup = (g: {
  readonly name: string
  readonly purpose: string
  readonly mandate: ReadonlyArray<string>
  readonly members: ReadonlyArray<Ref>
  readonly expiry?: number
}): Draft => {
  const body: Record<string, Cbor.Value> = {
    name: g.name,
    purpose: g.purpose,
    mandate: [...g.mandate],
    members: g.members.map((m) => bytes(m, "member"))
  }
  if (g.expiry !== undefined) body["expiry"] = g.expiry
  return governance("group.create", body)
}

/** The action `governance/group.disband`, for a community proposal. */
export const disbandGroup = (group: Ref, reason: string): Draft => governance("group.disband", { group: bytes(group, "group"), reason })

/** The action `governance/group.renew` (a new expiry, or none), for the governance prime group or the community. */
export const renewGroup = (group: Ref, expiry: number | null): Draft => governance("group.renew", { group: bytes(group, "group"), expiry })

/** `governance/group.join`: the author joins a working group. */
export const joinGroup = (group: Ref): Draft => governance("group.join", { group: bytes(group, "group") })

/** `governance/group.leave`: the author leaves a working group. */
export const leaveGroup = (group: Ref): Draft => governance("group.leave", { group: bytes(group, "group") })

/** `governance/lot.commit`: the anchor of the author's onion (see `Lot.anchor`). */
export const commit = (anchor: Uint8Array): Draft => governance("lot.commit", { anchor: bytes(anchor, "anchor") })

/** `governance/lot.reveal`: the next layer of the author's onion, for a term (see `Lot.layer`). */
export const reveal = (term: number, value: Uint8Array): Draft => governance("lot.reveal", { term, value: bytes(value, "value") })

/** `governance/term.draw`: seat the prime groups of a term. */
export const draw = (term: number): Draft => governance("term.draw", { term })

/** `governance/prime.resign`: give up one's seat in a prime group for a term. */
export const resign = (group: PrimeGroup, term: number): Draft => governance("prime.resign", { group, term })

/** The action `core/member.admit`, for a community proposal. */
export const admit = (identity: Ref): Draft => ({ module: "core", type: "member.admit", body: { identity: bytes(identity, "identity") } })

/** The action `core/member.remove`, for a community proposal. */
export const remove = (identity: Ref, reason: string): Draft => ({
  module: "core",
  type: "member.remove",
  body: { identity: bytes(identity, "identity"), reason }
})
