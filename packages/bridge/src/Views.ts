/**
 * Records as the API shows them: plain JSON built from the folded state, with ids in hex and
 * a name beside each person (the name given on this bridge, else the one they published,
 * else their label), times in ISO 8601 and event bodies in JSON. Each view's shape is its
 * schema in `Schemas`.
 *
 * @module
 */
import { Bytes, Event, Membership, type Names as CoreNames, type Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Json from "./Json.ts"
import * as Names from "./Names.ts"
import type * as Schemas from "./Schemas.ts"

/** What the views read: the state, names, and what the fold made of each event. */
export interface Reader {
  readonly core: () => Membership.State
  readonly governance: () => Governance.State
  readonly names: Names.Book
  /** How people are named: names given on this bridge, then the names they published, then labels (`community.names`). */
  readonly directory: () => CoreNames.Directory
  /** The identity this bridge's device key acts for, if any. */
  readonly me: () => string | undefined
  /** What the fold made of an event. */
  readonly outcomeOf: (key: string) => Replica.Outcome | undefined
  /** Community time, in ms. */
  readonly communityTime: () => number
}

/** A moment in ISO 8601 (UTC). */
export const iso = (ms: number): string => new Date(ms).toISOString()

/** A member as other records name them. */
export const person = (r: Reader, identity: string): Schemas.Person => ({ identity, name: r.directory().nameOf(identity) })

/**
 * A text for people (a reason the community gave) with the ids it cites replaced by names;
 * an id it cannot place (an event's, or a prefix that fits nobody) reads as its label.
 */
export const plain = (r: Reader, text: string): string =>
  r.directory().explain(text).replace(/\b([0-9a-f]{64})\b|\b([0-9a-f]{8,63})…/g, (_whole, full: string | undefined, prefix: string | undefined) =>
    Names.label(full ?? prefix!)
  )

/** A record for people that keeps its event ids (the Markdown record): only the shortened ids it cites of people become names. */
export const peopleNamed = (r: Reader, text: string): string =>
  text.replace(/\b[0-9a-f]{8,63}…/g, (prefix) => r.directory().explain(prefix))

/** One member of the community, or `undefined` for an identity it does not know. */
export const member = (r: Reader, identity: string): Schemas.Member | undefined => {
  const i = Membership.identity(r.core(), identity)
  if (i === undefined) return undefined
  const profile = r.directory().profileOf(identity)
  return {
    identity,
    name: r.directory().nameOf(identity),
    label: Names.label(identity),
    given: r.names.given(identity) ?? null,
    published: profile === undefined ? null : { name: profile.name, pronouns: profile.pronouns ?? null, note: profile.note ?? null },
    status: i.status,
    devices: i.devices,
    me: r.me() === identity,
    reason: i.reason
  }
}

/** Every identity the community knows (members, applicants, those who left), sorted by identity. */
export const members = (r: Reader): ReadonlyArray<Schemas.Member> =>
  Membership.identities(r.core()).flatMap((id) => {
    const m = member(r, id)
    return m === undefined ? [] : [m]
  })

const action = (a: Governance.Action | null) => (a === null ? null : { module: a.module, type: a.type, body: Json.fromCbor(a.body) })

const actions = (c: Governance.Carries) => Governance.actionsOf(c).map((a) => action(a)!)

const stance = (r: Reader, s: Governance.Stance) => ({
  member: person(r, s.member),
  stance: s.stance,
  reason: s.reason,
  at: iso(s.at),
  event: s.key,
  version: s.version
})

const scope = (s: Governance.Scope): Schemas.Proposal["scope"] =>
  s._tag === "Community"
    ? { kind: "community", module: null, group: null }
    : s._tag === "Prime"
      ? { kind: "prime", module: s.module, group: null }
      : { kind: "group", module: null, group: s.group }

/** A proposal with its current stances, or its decision once it ended. */
export const proposal = (r: Reader, p: Governance.Proposal): Schemas.Proposal => {
  const current = p.versions[p.versions.length - 1]!
  const d = p.decision
  return {
    id: p.id,
    title: p.title,
    text: current.text,
    process: p.process,
    scope: scope(p.scope),
    proposer: person(r, p.proposer),
    opened: iso(p.opened),
    deadline: iso(p.deadline),
    status: p.status,
    version: p.versions.length - 1,
    action: action(current.action),
    actions: actions(current),
    supersedes: p.supersedes,
    stances: (d === null ? Governance.Records.stances(r.governance(), p.id) : d.stances).map((s) => stance(r, s)),
    decision:
      d === null
        ? null
        : {
            outcome: d.outcome,
            rule: d.rule,
            reason: d.reason,
            at: iso(d.at),
            by: person(r, d.by),
            event: d.key,
            version: d.version,
            text: d.text,
            action: action(d.action),
            actions: (() => {
              const statuses = Governance.Records.actionStatuses(p, { outcomeOf: r.outcomeOf })
              return actions(d).map((a, i) => ({ ...a, status: statuses[i] ?? "unknown" }))
            })(),
            actionStatus: Governance.Records.actionStatus(p, { outcomeOf: r.outcomeOf }),
            tally: d.tally,
            deciders: d.deciders,
            seats: d.seats.map((s) => person(r, s)),
            stances: d.stances.map((s) => stance(r, s))
          }
  }
}

/** A working group, judged active at community time `time`. */
export const group = (r: Reader, g: Governance.Group, time: number): Schemas.Group => ({
  id: g.id,
  name: g.name,
  purpose: g.purpose,
  mandate: g.mandate,
  members: g.members.map((m) => person(r, m)),
  created: iso(g.created),
  expiry: g.expiry === null ? null : iso(g.expiry),
  active: g.disbanded === null && (g.expiry === null || time < g.expiry),
  disbanded: g.disbanded === null ? null : { event: g.disbanded.key, at: iso(g.disbanded.at), reason: g.disbanded.reason }
})

/** The seats of every prime working group in `term`, vacancies refilled from the ranking as the module does. */
export const seats = (r: Reader, term: number): Schemas.Seats => {
  const gov = r.governance()
  const core = r.core()
  const params = core.community.params
  const drawn = Governance.Records.term(gov, term)
  const isFull = (id: string) => Membership.identity(core, id)?.status === "full"
  return {
    term,
    start: iso(Governance.termStart(gov, params, term)),
    end: iso(Governance.termStart(gov, params, term + 1)),
    drawn: drawn !== undefined,
    draw: drawn?.key ?? null,
    groups: Governance.Records.primeGroups(gov, term).map((module) => ({
      module,
      seats: Governance.Records.seats(gov, term, module, isFull).map((m) => person(r, m))
    }))
  }
}

const reason = (x: { readonly _tag: string; readonly message: string }) => ({ tag: x._tag, message: x.message })

/** What the fold made of an event, as the API shows it. */
export const outcome = (o: Replica.Outcome | undefined): Schemas.Event["outcome"] => {
  if (o === undefined) return { result: "rejected", reason: { tag: "Unknown", message: "this event is not in the log" }, actions: [] }
  if (o._tag === "Rejected") return { result: "rejected", reason: reason(o.reason), actions: [] }
  return {
    result: "applied",
    reason: null,
    actions: o.actions.map((a) =>
      a._tag === "Applied"
        ? { module: a.module, type: a.type, result: "applied" as const, reason: null }
        : { module: a.module, type: a.type, result: "failed" as const, reason: reason(a.reason) }
    )
  }
}

/** An event of the log, from its wire bytes and its position in delivery order; `undefined` if the bytes do not decode. */
export const event = (r: Reader, index: number, bytes: Uint8Array): Schemas.Event | undefined => {
  const d = Event.decode(bytes)
  if (!d.ok) return undefined
  const h = d.event.header
  const device = Bytes.toHex(h.author)
  const identity = Membership.deviceOwner(r.core(), device) ?? (h.module === "core" && h.type === "genesis" ? device : undefined)
  return {
    index,
    event: d.event.key,
    module: h.module,
    type: h.type,
    device,
    author: identity === undefined ? null : person(r, identity),
    time: iso(h.time),
    body: Json.fromCbor(d.event.body),
    outcome: outcome(r.outcomeOf(d.event.key))
  }
}
