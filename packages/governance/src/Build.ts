/**
 * What a client needs: builders of event bodies, plain functions returning
 * `{ module, type, body }` to hand to `community.append(device, draft)`, and reads of
 * decisions through a `Client` community handle. Ids are given as hex (as the state and the
 * host name events) or as bytes. The same shape serves as a proposal's `action`:
 * `propose({ …, action: admit(applicant) })`, or as one of its `actions` when a decision
 * does several things: `propose({ …, actions: [admit(ada), admit(bo)] })`.
 *
 * Each builder returns its body typed ({@link Events}), so a client made with
 * `modules: [Governance.module]` checks it when the code is compiled.
 *
 * ```ts
import { Client, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const me = await client.generateKey()
 * const community = await client.create({ name: "Garden", author: me })
 * const open = Governance.propose({ title: "Plant beans", text: "Row 3, this spring.", process: "consent", deadline: community.communityTime() + 2 * Governance.HOUR })
 * const { key } = await community.append(me, open)
 * await community.append(me, Governance.stance(key, "agree"))
 * const state = community.state<Governance.State>("governance")
 * console.log(Governance.Records.proposal(state, key)?.stances.length === 1) // true
 * await client.close()
 * ```
 *
 * @module
 */
import type { Replica } from "@affinity/core"
import type * as Paper from "./Paper.ts"
import { Bytes, type Cbor, type EventBodies } from "@affinity/core/module"
import type * as Bodies from "./Bodies.ts"
import * as Carried from "./Carried.ts"
import * as Records from "./Records.ts"
import type { Action, Decision, PrimeGroup, Process, Proposal, StanceKind, State } from "./State.ts"

/** An event to append: module, type and body (any module's). */
export type Draft = EventBodies.Draft

/**
 * The body each governance event type takes, by type: what a client running
 * `Governance.module` checks governance appends against. The schemas in {@link Bodies}
 * say what each field may hold.
 */
export type Events = {
  readonly "proposal.open": Bodies.Open
  readonly stance: Bodies.Stance
  readonly "proposal.amend": Bodies.Amend
  readonly "proposal.withdraw": Bodies.Withdraw
  readonly "proposal.close": Bodies.Close
  readonly "group.create": Bodies.GroupCreate
  readonly "group.disband": Bodies.GroupDisband
  readonly "group.renew": Bodies.GroupRenew
  readonly "group.join": Bodies.GroupMembership
  readonly "group.leave": Bodies.GroupMembership
  readonly "lot.commit": Bodies.Commit
  readonly "lot.reveal": Bodies.Reveal
  readonly "term.draw": Bodies.Draw
  readonly "prime.resign": Bodies.Resign
  readonly "paper.record": Paper.RecordBody
  readonly "paper.attest": Paper.AttestBody
}

/** A governance event to append, its body typed by its type. */
export type EventDraft<T extends keyof Events> = EventBodies.Draft<"governance", T, Events[T]>

/** An event id or identity: hex, or the 32 bytes. */
export type Ref = string | Uint8Array

const bytes = (ref: Ref, what: string): Uint8Array => Bytes.ref32(ref, what)

const governance = <T extends keyof Events>(type: T, body: Events[T]): EventDraft<T> => ({ module: "governance", type, body })

const actionBody = (action: Action | Draft): Action => ({ module: action.module, type: action.type, body: action.body })

/**
 * What a proposal carries, as the builders take it: one `action`, or several `actions`
 * applied in order, all or none (2 to 8; a list of one is sent as `action`, an empty one as
 * none), never both.
 */
export type Carrying =
  | { readonly action?: Action | Draft; readonly actions?: never }
  | { readonly action?: never; readonly actions: ReadonlyArray<Action | Draft> }

/** The `action` or `actions` fields of a body. */
const carryingBody = (c: Carrying): { readonly action?: Action; readonly actions?: ReadonlyArray<Action> } => {
  const list = c.actions ?? (c.action ? [c.action] : [])
  return list.length === 0 ? {} : list.length === 1 ? { action: actionBody(list[0]!) } : { actions: list.map(actionBody) }
}

/** Who decides a proposal, as a client names it. */
export type Deciders = "community" | { readonly prime: PrimeGroup } | { readonly group: Ref }

/**
 * `governance/proposal.open`. `deadline` is community time in ms (1 hour to 90 days ahead).
 * It carries one `action`, or several `actions` that a passed decision applies in order, all
 * or none ({@link Carrying}).
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const [ada, bo] = ["0a".repeat(32), "0b".repeat(32)]
 * const both = Governance.propose({ title: "Admit Ada and Bo", deadline: 1_700_000_000_000 + Governance.DAY, actions: [Governance.admit(ada), Governance.admit(bo)] })
 * console.log(both.body.actions?.length === 2 && both.body.action === undefined) // true
 * ```
 */
export const propose = (
  p: {
    readonly title: string
    readonly text?: string
    readonly process?: Process
    readonly deadline: number
    readonly supersedes?: Ref
    readonly body?: Deciders
  } & Carrying
): EventDraft<"proposal.open"> =>
  governance("proposal.open", {
    title: p.title,
    text: p.text ?? "",
    process: p.process ?? "consensus",
    deadline: p.deadline,
    ...carryingBody(p),
    ...(p.supersedes !== undefined ? { supersedes: bytes(p.supersedes, "supersedes") } : {}),
    ...(p.body !== undefined
      ? { body: p.body === "community" ? "community" : "prime" in p.body ? { prime: p.body.prime } : { group: bytes(p.body.group, "group") } }
      : {})
  })

/** `governance/stance`: `object` and `block` need a reason. */
export const stance = (proposal: Ref, kind: StanceKind, reason?: string): EventDraft<"stance"> =>
  governance("stance", {
    proposal: bytes(proposal, "proposal"),
    stance: kind,
    ...(reason === undefined ? {} : { reason })
  })

/**
 * `governance/proposal.amend`: new text and action or actions (none when both are omitted);
 * optionally a new deadline. Clears every stance.
 */
export const amend = (proposal: Ref, a: { readonly text: string; readonly deadline?: number } & Carrying): EventDraft<"proposal.amend"> =>
  governance("proposal.amend", {
    proposal: bytes(proposal, "proposal"),
    text: a.text,
    ...carryingBody(a),
    ...(a.deadline !== undefined ? { deadline: a.deadline } : {})
  })

/** `governance/proposal.withdraw` (the proposer, before the deadline). */
export const withdraw = (proposal: Ref, reason?: string): EventDraft<"proposal.withdraw"> =>
  governance("proposal.withdraw", { proposal: bytes(proposal, "proposal"), ...(reason === undefined ? {} : { reason }) })

/**
 * `governance/proposal.close` (any member, once community time reaches the deadline). Sent
 * earlier, it is `Rejected` with `DeadlineNotReached`, whose message says when the deadline
 * is and where community time is: it passes once members' devices write events after it.
 */
export const close = (proposal: Ref): EventDraft<"proposal.close"> => governance("proposal.close", { proposal: bytes(proposal, "proposal") })

/** The action `governance/group.create`, for a community proposal. */
export const createGroup = (g: {
  readonly name: string
  readonly purpose: string
  readonly mandate: ReadonlyArray<string>
  readonly members: ReadonlyArray<Ref>
  readonly expiry?: number
  /** A qualification those who join later must hold, kept by another module (`docs/protocol.md` G6). */
  readonly requires?: { readonly module: string; readonly qualification: string }
}): EventDraft<"group.create"> =>
  governance("group.create", {
    name: g.name,
    purpose: g.purpose,
    mandate: [...g.mandate],
    members: g.members.map((m) => bytes(m, "member")),
    ...(g.expiry !== undefined ? { expiry: g.expiry } : {}),
    ...(g.requires !== undefined ? { requires: { module: g.requires.module, qualification: g.requires.qualification } } : {})
  })

/** The action `governance/group.disband`, for a community proposal. */
export const disbandGroup = (group: Ref, reason: string): EventDraft<"group.disband"> =>
  governance("group.disband", { group: bytes(group, "group"), reason })

/** The action `governance/group.renew` (a new expiry, or none), for the governance prime group or the community. */
export const renewGroup = (group: Ref, expiry: number | null): EventDraft<"group.renew"> =>
  governance("group.renew", { group: bytes(group, "group"), expiry })

/** `governance/group.join`: the author joins a working group. */
export const joinGroup = (group: Ref): EventDraft<"group.join"> => governance("group.join", { group: bytes(group, "group") })

/** `governance/group.leave`: the author leaves a working group. */
export const leaveGroup = (group: Ref): EventDraft<"group.leave"> => governance("group.leave", { group: bytes(group, "group") })

/** `governance/lot.commit`: the anchor of the author's onion (see `Lot.anchor`). */
export const commit = (anchor: Uint8Array): EventDraft<"lot.commit"> => governance("lot.commit", { anchor: bytes(anchor, "anchor") })

/** `governance/lot.reveal`: the next layer of the author's onion, for a term (see `Lot.layer`). */
export const reveal = (term: number, value: Uint8Array): EventDraft<"lot.reveal"> =>
  governance("lot.reveal", { term, value: bytes(value, "value") })

/** `governance/term.draw`: seat the prime groups of a term. */
export const draw = (term: number): EventDraft<"term.draw"> => governance("term.draw", { term })

/** `governance/prime.resign`: give up one's seat in a prime group for a term. */
export const resign = (group: PrimeGroup, term: number): EventDraft<"prime.resign"> => governance("prime.resign", { group, term })

/** The action `core/member.admit`, for a community proposal. */
export const admit = (identity: Ref): EventBodies.Draft<"core", "member.admit", EventBodies.Core["member.admit"]> => ({
  module: "core",
  type: "member.admit",
  body: { identity: bytes(identity, "identity") }
})

/** The action `core/member.remove`, for a community proposal. */
export const remove = (identity: Ref, reason: string): EventBodies.Draft<"core", "member.remove", EventBodies.Core["member.remove"]> => ({
  module: "core",
  type: "member.remove",
  body: { identity: bytes(identity, "identity"), reason }
})

// --- reading decisions through a community handle ---------------------------------------------------

/**
 * What the reads below need of a community: its governance state and what became of its
 * events. A `Client` community handle has both.
 */
export interface Readable {
  state<S extends Cbor.Value = Cbor.Value>(module: string): S
  outcome(key: string): Replica.Outcome | undefined
}

/** A proposal that ended, with its decision and what became of the actions it carried. */
export interface Decided {
  readonly proposal: Proposal
  readonly decision: Decision
  /**
   * What became of the decision's action (its first, when it has several) when the core
   * applied it: `Applied`, or `Failed` with the reason (the action broke a rule when it was
   * applied, e.g. admitting someone who is a member already); `undefined` when the decision
   * carried no action (it did not pass, or it had none).
   */
  readonly action: Replica.ActionOutcome | undefined
  /**
   * What became of each of the decision's actions, in the order of `actionsOf(decision)`:
   * `Applied`, or `Failed` with the reason. The actions of one decision apply all or none:
   * when one fails, it is `Failed` with its reason and every other one `Failed` with
   * `NotApplied`. Empty when the decision carried no action.
   */
  readonly actions: ReadonlyArray<Replica.ActionOutcome>
}

const decidedOf = (community: Readable, p: Proposal): Decided | undefined => {
  const d = p.decision
  if (d === null) return undefined
  const results = Carried.outcomes(d, d.actionEvent === null ? undefined : community.outcome(d.actionEvent)) ?? []
  return { proposal: p, decision: d, action: results[0], actions: results }
}

const stateOf = (community: Readable): State => community.state<State>("governance")

/**
 * A proposal's decision with what became of its actions, read from a community handle;
 * `undefined` while the proposal is open, or when there is no such proposal.
 *
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const [me, applicant] = [await client.generateKey(), await client.generateKey()]
 * const start = Date.now() - Governance.DAY
 * const community = await client.create({ name: "Garden", author: me, time: start })
 * await community.append(applicant, "core", "member.apply", { note: "I grow tomatoes" }, { time: start })
 * const open = Governance.propose({ title: "Admit a grower", process: "consent", deadline: start + Governance.HOUR, action: Governance.admit(applicant.id) })
 * const { key } = await community.append(me, open, { time: start })
 * await community.append(me, Governance.stance(key, "agree"), { time: start })
 * await community.append(me, "core", "tick", {}) // a witness that the deadline has passed on a member's clock
 * await community.append(me, Governance.close(key))
 * const decided = Governance.decision(community, key)
 * console.log(decided?.decision.outcome, decided?.action?._tag) // "passed" "Applied"
 * await client.close()
 * ```
 */
export const decision = (community: Readable, proposal: Ref): Decided | undefined => {
  const p = stateOf(community).proposals[typeof proposal === "string" ? proposal : Bytes.toHex(proposal)]
  return p === undefined ? undefined : decidedOf(community, p)
}

/** Every proposal that ended, in the order they ended, with what became of its actions. */
export const decisions = (community: Readable): ReadonlyArray<Decided> =>
  Records.decisions(stateOf(community)).flatMap((p) => {
    const d = decidedOf(community, p)
    return d === undefined ? [] : [d]
  })
