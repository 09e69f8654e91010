/**
 * The held member's acts: propose, take a stance, close, write a time witness, say who they
 * are (publish or erase their profile), or append any event a member may sign directly.
 *
 * Before anything is signed, the bridge checks what it can without the fold: that the event
 * type exists, that one member may do it without a decision, that its body fits the
 * module's own schema (so a malformed body is never signed), that the device acts for a
 * full member, and for proposals that they exist and are open and that a deadline is in the
 * window the rules allow. The rest is the community's to judge: an act it refuses is
 * answered with `422` and the rule's tag, and the refused event (signed, and kept in the
 * log as refused) is named in `event`. Refusals are told with names in place of the ids
 * they cite.
 *
 * @module
 */
import { Bytes, type Cbor, Event, Membership, Names as CoreNames } from "@affinity/core"
import * as Governance from "@affinity/governance"
import type { Bridge } from "./Bridge.ts"
import * as Failure from "./Failure.ts"
import * as Json from "./Json.ts"
import type * as Schemas from "./Schemas.ts"
import * as Views from "./Views.ts"

/** What went wrong when appending, as the core reports it (`AppendError`, `StorageError`). */
const appendFailure = (e: unknown): Failure.Failure => {
  if (e instanceof Failure.Failure) return e
  const tagged = e as { readonly _tag?: unknown; readonly reason?: unknown; readonly message?: unknown }
  const message = typeof tagged?.message === "string" ? tagged.message : String(e)
  if (tagged?._tag === "AppendError") return Failure.refused(typeof tagged.reason === "string" ? tagged.reason : "AppendError", message)
  if (tagged?._tag === "StorageError") return new Failure.Failure(503, "StorageError", `the event could not be stored: ${message}`)
  return new Failure.Failure(500, "Internal", message)
}

/** Check a draft as far as possible without the fold; throws a failure that says what is wrong. */
export const check = (bridge: Bridge, module: string, type: string, body: Cbor.Value, what = "body"): void => {
  const eventType = bridge.eventType(module, type)
  if (eventType === undefined)
    throw Failure.badRequest("UnknownEventType", `${module}/${type} is not an event type of this community's modules`)
  const decoded = eventType.decode(body)
  if (!decoded.ok) throw Failure.badRequest("InvalidBody", `${what} of ${module}/${type}: ${decoded.message}`)
  if (what !== "body") return
  if (eventType.authority !== "anyone" && eventType.authority !== "member")
    throw Failure.refused(
      "NeedsDecision",
      `${module}/${type} takes a decision (${eventType.authority}); nobody can do it alone: propose it as the action of a proposal (POST /proposals with "action")`
    )
  if (eventType.authority === "member") {
    const me = bridge.reader.me()
    const status = me === undefined ? undefined : Membership.identity(bridge.reader.core(), me)?.status
    if (status !== "full")
      throw Failure.refused(
        "NotAFullMember",
        me === undefined
          ? "this bridge's device key does not act for any member yet (GET /device says how to add it)"
          : `the member this bridge acts for is ${status ?? "unknown"} here, not a full member`
      )
  }
}

/** Sign and add a checked draft (with `payload` beside its body, if given); its event as the API shows it, or a failure. */
const signed = async (bridge: Bridge, module: string, type: string, body: Cbor.Value, payload?: Uint8Array): Promise<Schemas.Event> => {
  check(bridge, module, type, body)
  let appended: Awaited<ReturnType<Bridge["append"]>>
  try {
    appended = await bridge.append(module, type, body, payload === undefined ? undefined : { payload })
  } catch (e) {
    throw appendFailure(e)
  }
  if (appended.outcome._tag === "Rejected")
    throw Failure.refused(appended.outcome.reason._tag, Views.plain(bridge.reader, appended.outcome.reason.message), appended.key)
  const at = bridge.eventAt(appended.key)
  const event = at === undefined ? undefined : Views.event(bridge.reader, at.index, at.bytes)
  if (event === undefined) throw new Failure.Failure(500, "Internal", `event ${appended.key} was added but cannot be read back`)
  return event
}

/** Sign and add a checked draft; the act's event and the proposal it concerns, or a failure. */
const sign = async (bridge: Bridge, module: string, type: string, body: Cbor.Value, proposal?: string): Promise<Schemas.Act> => {
  const event = await signed(bridge, module, type, body)
  const id = proposal ?? (module === "governance" && type === "proposal.open" ? event.event : undefined)
  const p = id === undefined ? undefined : Governance.Records.proposal(bridge.reader.governance(), id)
  return { event, proposal: p === undefined ? null : Views.proposal(bridge.reader, p) }
}

/** The open proposal `id`, or a failure. */
const openProposal = (bridge: Bridge, id: string): Governance.Proposal => {
  const p = Governance.Records.proposal(bridge.reader.governance(), id)
  if (p === undefined) throw Failure.notFound("UnknownProposal", `no proposal ${id} here`)
  if (p.status !== "open")
    throw Failure.refused("ProposalNotOpen", `"${p.title}" is no longer open: it was ${p.status} on ${Views.iso(p.decision?.at ?? p.deadline)}`)
  return p
}

/** `governance/proposal.open`. */
export const propose = (bridge: Bridge, request: Schemas.ProposeRequest): Promise<Schemas.Act> => {
  const deadline = Date.parse(request.deadline)
  if (!Number.isFinite(deadline)) throw Failure.badRequest("BadRequest", `deadline: ${request.deadline} is not a date and time`)
  const now = bridge.reader.communityTime()
  if (deadline < now + Governance.MIN_WINDOW || deadline > now + Governance.MAX_WINDOW)
    throw Failure.refused(
      deadline < now + Governance.MIN_WINDOW ? "DeadlineTooSoon" : "DeadlineTooLate",
      `the deadline must be 1 hour to 90 days after community time, now ${Views.iso(now)}: between ${Views.iso(now + Governance.MIN_WINDOW)} and ${Views.iso(now + Governance.MAX_WINDOW)}`
    )
  if (request.action !== undefined && request.actions !== undefined)
    throw Failure.badRequest("BadRequest", "give action (one) or actions (several), not both")
  const given = request.actions ?? (request.action === undefined ? [] : [request.action])
  const actions: Array<Governance.Action> = given.map((a, i) => {
    const where = request.actions === undefined ? "action.body" : `actions[${i}].body`
    const body = Json.toCbor(a.body, where)
    if (!body.ok) throw Failure.badRequest("InvalidBody", body.message)
    check(bridge, a.module, a.type, body.value, where)
    return { module: a.module, type: a.type, body: body.value }
  })
  const decidedBy = request.decidedBy
  const draft = Governance.propose({
    title: request.title,
    ...(request.text === undefined ? {} : { text: request.text }),
    ...(request.process === undefined ? {} : { process: request.process }),
    deadline,
    ...(actions.length === 0 ? {} : actions.length === 1 ? { action: actions[0]! } : { actions }),
    ...(request.supersedes === undefined ? {} : { supersedes: request.supersedes }),
    ...(decidedBy === undefined ? {} : { body: decidedBy })
  })
  return sign(bridge, draft.module, draft.type, draft.body)
}

/** `governance/stance` on proposal `id`. */
export const stance = (bridge: Bridge, id: string, request: Schemas.StanceRequest): Promise<Schemas.Act> => {
  const p = openProposal(bridge, id)
  const now = bridge.reader.communityTime()
  if (now >= p.deadline)
    throw Failure.refused(
      "DeadlinePassed",
      `the deadline of "${p.title}" (${Views.iso(p.deadline)}) has passed in community time (${Views.iso(now)}); stances are closed, and any member may close it`
    )
  const draft = Governance.stance(id, request.stance, request.reason)
  return sign(bridge, draft.module, draft.type, draft.body, id)
}

/** `governance/proposal.close` of proposal `id`. */
export const close = (bridge: Bridge, id: string): Promise<Schemas.Act> => {
  const p = openProposal(bridge, id)
  const now = bridge.reader.communityTime()
  // No version's deadline has passed: whichever version the close decides, it is too early.
  const earliest = Math.min(...p.versions.map((v) => v.deadline))
  if (now < earliest)
    throw Failure.refused(
      "DeadlineNotReached",
      `"${p.title}" closes at ${Views.iso(p.deadline)}; community time is ${Views.iso(now)}. It moves when full members' devices write events (POST /tick writes this device's time)`
    )
  const draft = Governance.close(id)
  return sign(bridge, draft.module, draft.type, draft.body, id)
}

/** `core/tick`: a time witness, this device saying what time it is. */
export const tick = (bridge: Bridge): Promise<Schemas.Act> => sign(bridge, "core", "tick", {})

/** The identity this bridge's device acts for, when it may say who it is (an applicant or a full member); else a failure. */
const speaker = (bridge: Bridge): string => {
  const me = bridge.reader.me()
  const status = me === undefined ? undefined : Membership.identity(bridge.reader.core(), me)?.status
  if (me !== undefined && (status === "full" || status === "applicant")) return me
  throw Failure.refused(
    "NotAMember",
    me === undefined
      ? "this bridge's device key does not act for any member yet (GET /device says how to add it)"
      : "the member this bridge acts for has left the community"
  )
}

/** The member this bridge acts for, as the API shows them now. */
const meNow = (bridge: Bridge, me: string): Schemas.Member => {
  const m = Views.member(bridge.reader, me)
  if (m === undefined) throw new Failure.Failure(500, "Internal", "the member this bridge acts for cannot be read back")
  return m
}

/**
 * `core/member.profile`: the bridge's member says who they are (a name, optionally pronouns
 * and a note), in the event's erasable payload. The latest counts.
 */
export const profile = async (bridge: Bridge, request: Schemas.ProfileRequest): Promise<Schemas.ProfileAct> => {
  const me = speaker(bridge)
  const next: CoreNames.Profile = {
    name: request.name,
    ...(request.pronouns === undefined ? {} : { pronouns: request.pronouns }),
    ...(request.note === undefined ? {} : { note: request.note })
  }
  const problem = CoreNames.profileProblem(next)
  if (problem !== undefined) throw Failure.badRequest("BadProfile", problem)
  const event = await signed(bridge, "core", "member.profile", {}, CoreNames.encodeProfile(next))
  return { events: [event], member: meNow(bridge, me) }
}

/**
 * Erase every profile the bridge's member published whose payload this replica still holds
 * (`core/payload.erase`, one per profile): the member shows by their label again.
 */
export const eraseProfile = async (bridge: Bridge): Promise<Schemas.ProfileAct> => {
  const me = speaker(bridge)
  const identity = Membership.identity(bridge.reader.core(), me)!
  const devices = new Set([me, ...identity.devices, ...identity.revoked])
  const events: Array<Schemas.Event> = []
  for (const bytes of bridge.community.export()) {
    const d = Event.decode(bytes)
    if (!d.ok || d.event.header.module !== "core" || d.event.header.type !== "member.profile") continue
    if (!devices.has(Bytes.toHex(d.event.header.author)) || bridge.community.payload(d.event.key) === undefined) continue
    events.push(await signed(bridge, "core", "payload.erase", { header: d.event.headerBytes.slice() }))
  }
  return { events, member: meNow(bridge, me) }
}

/** Any event a member may sign directly, its body given in JSON. */
export const append = (bridge: Bridge, request: Schemas.AppendRequest): Promise<Schemas.Act> => {
  const body = Json.toCbor(request.body)
  if (!body.ok) throw Failure.badRequest("InvalidBody", body.message)
  return sign(bridge, request.module, request.type, body.value)
}
