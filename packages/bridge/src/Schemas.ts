/**
 * The wire contract: the shape of every request body the API decodes and of every response
 * it sends, as `effect` schemas. Request bodies are decoded with them (strictly: an unknown
 * key is refused), responses are typed by them, and `/openapi.json` is generated from them,
 * so the description cannot drift from what the code does.
 *
 * Identities and event ids are 64 hex digits (machine fields); times are ISO 8601 in UTC;
 * event bodies are JSON with byte strings as `{ "$bytes": "<hex>" }`.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import { Schema } from "effect"

// --- building blocks -----------------------------------------------------------------------------

/** 64 lowercase hex digits: an identity, a device key, an event id. */
export const Hex64 = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{64}$/u, { message: "expected 64 lowercase hex digits" })
).annotate({ description: "64 lowercase hex digits: an identity, a device key or an event id" })

/** A moment as ISO 8601 in UTC, e.g. `2025-12-04T14:05:00.000Z`. */
export const Time = Schema.String.annotate({ format: "date-time", description: "ISO 8601, UTC" })

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/u

/** A moment given in a request: ISO 8601 with a date, a time and a zone (`Z` or `±hh:mm`). */
export const TimeInput = Schema.String.check(
  Schema.isPattern(ISO, { message: "expected an ISO 8601 date and time with a zone, e.g. 2025-12-04T14:00:00Z" })
).annotate({ format: "date-time" })

const text = (min: number, max: number) => Schema.String.check(Schema.isBetweenLength(min, max))

const Nat = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** A module name, as events name it. */
export const ModuleName = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9-]{0,31}$/u, { message: "expected a module name ([a-z][a-z0-9-]{0,31})" })
)

/** An event type, as events name it. */
export const TypeName = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9.-]{0,63}$/u, { message: "expected an event type ([a-z][a-z0-9.-]{0,63})" })
)

/** An event body in JSON (byte strings as `{ "$bytes": "<hex>" }`). */
export const Body = Schema.Unknown.annotate({
  description: 'an event body: JSON, with byte strings written { "$bytes": "<hex>" }; numbers must be integers'
})

// --- responses -------------------------------------------------------------------------------------

/** A member as other records name them: identity and the name to show. */
export const Person = Schema.Struct({
  identity: Hex64,
  name: Schema.String.annotate({
    description: "the name to show: given on this bridge, else the one the member published, else their label; with the label after it where two would show the same"
  })
}).annotate({ identifier: "Person" })

/** What a member published about themselves (`core/member.profile`). */
export const Profile = Schema.Struct({
  name: Schema.String,
  pronouns: Schema.NullOr(Schema.String),
  note: Schema.NullOr(Schema.String)
}).annotate({ identifier: "Profile", description: "what the member published about themselves; a name is not an identity" })
export type Person = typeof Person.Type

/** A member of the community (any status). */
export const Member = Schema.Struct({
  identity: Hex64,
  name: Schema.String.annotate({ description: "the name to show: given on this bridge, else published, else the label" }),
  label: Schema.String.annotate({ description: "two proquint words from the identity, the same on every device" }),
  given: Schema.NullOr(Schema.String).annotate({ description: "the name given on this bridge, if any" }),
  published: Schema.NullOr(Profile).annotate({ description: "the profile the member published, while its payload is here" }),
  status: Schema.Literals(["applicant", "full", "left"]),
  devices: Schema.Array(Hex64),
  me: Schema.Boolean.annotate({ description: "whether this bridge's device key acts for this member" }),
  reason: Schema.NullOr(Schema.String).annotate({ description: "why the membership ended, when it ended by decision" })
}).annotate({ identifier: "Member" })
export type Member = typeof Member.Type

/** How a relay connection is doing. */
export const RelayStatus = Schema.Struct({
  url: Schema.String,
  connected: Schema.Boolean,
  error: Schema.NullOr(Schema.String).annotate({ description: "why the last connection ended or failed" })
}).annotate({ identifier: "RelayStatus" })

/** The community and this bridge's place in it. */
export const Community = Schema.Struct({
  id: Hex64,
  name: Schema.String,
  created: Time,
  communityTime: Time.annotate({
    description: "community time: deadlines pass by it; it moves when enough full members' devices write events"
  }),
  clock: Time.annotate({ description: "this bridge's clock" }),
  params: Schema.Struct({
    timeWitnesses: Nat,
    primeSize: Nat,
    primeTermDays: Schema.Finite,
    quorumPercent: Nat
  }),
  fullMembers: Nat,
  events: Nat,
  stateHash: Hex64,
  me: Schema.Struct({
    device: Hex64,
    identity: Schema.NullOr(Hex64),
    name: Schema.NullOr(Schema.String).annotate({ description: "the name this bridge's member shows by" }),
    status: Schema.NullOr(Schema.Literals(["applicant", "full", "left"]))
  }),
  relays: Schema.Array(RelayStatus)
}).annotate({ identifier: "Community" })
export type Community = typeof Community.Type

/** An action a proposal carries, applied when it passes. */
export const Action = Schema.Struct({ module: Schema.String, type: Schema.String, body: Body }).annotate({ identifier: "Action" })

/** An action of a decision, with what became of it. */
export const ActionStatus = Schema.Struct({
  module: Schema.String,
  type: Schema.String,
  body: Body,
  status: Schema.String.annotate({ description: '"applied", "failed: <why>" (NotApplied when another action of the decision failed), "none" or "unknown"' })
}).annotate({ identifier: "ActionStatus" })

/** One member's stance on a proposal. */
export const Stance = Schema.Struct({
  member: Person,
  stance: Schema.Literals(["agree", "abstain", "object", "block"]).annotate({ description: "abstain is standing aside" }),
  reason: Schema.NullOr(Schema.String),
  at: Time,
  event: Hex64,
  version: Nat.annotate({ description: "the version of the text the member had seen" })
}).annotate({ identifier: "Stance" })

/** How a proposal ended. */
export const Decision = Schema.Struct({
  outcome: Schema.Literals(["passed", "failed", "recorded", "withdrawn", "superseded"]),
  rule: Schema.String.annotate({ description: "why, as a tag: ConsensusReached, Blocked, NoQuorum, …" }),
  reason: Schema.String.annotate({ description: "why, in words" }),
  at: Time,
  by: Person,
  event: Hex64,
  version: Nat,
  text: Schema.String,
  action: Schema.NullOr(Action).annotate({ description: "the only action, or the first of several" }),
  actions: Schema.Array(ActionStatus).annotate({ description: "every action the decided version carried, in order, each with what became of it; applied together or not at all" }),
  actionStatus: Schema.String.annotate({ description: 'whether the actions applied: "applied", "failed: <why>", "none" or "unknown"' }),
  tally: Schema.Struct({ agree: Nat, abstain: Nat, object: Nat, block: Nat, silent: Nat }),
  deciders: Nat,
  seats: Schema.Array(Person),
  stances: Schema.Array(Stance).annotate({ description: "the stances that counted, one per member" })
}).annotate({ identifier: "Decision" })

/** Who decides a proposal. */
export const Scope = Schema.Struct({
  kind: Schema.Literals(["community", "prime", "group"]),
  module: Schema.NullOr(Schema.String).annotate({ description: "the prime working group's module, for kind prime" }),
  group: Schema.NullOr(Hex64).annotate({ description: "the working group, for kind group" })
}).annotate({ identifier: "Scope" })

/** A proposal and, once it ended, its decision. */
export const Proposal = Schema.Struct({
  id: Hex64,
  title: Schema.String,
  text: Schema.String.annotate({ description: "the current version's text" }),
  process: Schema.Literals(["consensus", "consent", "poll"]),
  scope: Scope,
  proposer: Person,
  opened: Time,
  deadline: Time.annotate({ description: "in community time" }),
  status: Schema.Literals(["open", "passed", "failed", "recorded", "withdrawn", "superseded"]),
  version: Nat.annotate({ description: "the current version: 0, then one more per amendment" }),
  action: Schema.NullOr(Action).annotate({ description: "the only action of the current version, or the first of several" }),
  actions: Schema.Array(Action).annotate({ description: "every action of the current version, in order (applied together or not at all)" }),
  supersedes: Schema.NullOr(Hex64),
  stances: Schema.Array(Stance).annotate({
    description: "open: each member's latest stance on the current version; ended: the stances that counted"
  }),
  decision: Schema.NullOr(Decision)
}).annotate({ identifier: "Proposal" })
export type Proposal = typeof Proposal.Type

/** A working group. */
export const Group = Schema.Struct({
  id: Hex64,
  name: Schema.String,
  purpose: Schema.String,
  mandate: Schema.Array(Schema.String).annotate({ description: "the module/type actions it may decide" }),
  members: Schema.Array(Person),
  created: Time,
  expiry: Schema.NullOr(Time),
  active: Schema.Boolean,
  disbanded: Schema.NullOr(Schema.Struct({ event: Hex64, at: Time, reason: Schema.String }))
}).annotate({ identifier: "Group" })
export type Group = typeof Group.Type

/** The seats of the prime working groups in one term. */
export const Seats = Schema.Struct({
  term: Nat,
  start: Time,
  end: Time,
  drawn: Schema.Boolean,
  draw: Schema.NullOr(Hex64).annotate({ description: "the draw event, once the term is drawn" }),
  groups: Schema.Array(Schema.Struct({ module: Schema.String, seats: Schema.Array(Person) }))
}).annotate({ identifier: "Seats" })
export type Seats = typeof Seats.Type

/** What became of an event in the fold. */
export const Outcome = Schema.Struct({
  result: Schema.Literals(["applied", "rejected"]),
  reason: Schema.NullOr(Schema.Struct({ tag: Schema.String, message: Schema.String })),
  actions: Schema.Array(
    Schema.Struct({
      module: Schema.String,
      type: Schema.String,
      result: Schema.Literals(["applied", "failed"]),
      reason: Schema.NullOr(Schema.Struct({ tag: Schema.String, message: Schema.String }))
    })
  )
}).annotate({ identifier: "Outcome" })

/** An event of the community's log. */
export const Event = Schema.Struct({
  index: Nat.annotate({ description: "position in this bridge's log, in delivery order (GET /events?after=)" }),
  event: Hex64,
  module: Schema.String,
  type: Schema.String,
  device: Hex64,
  author: Schema.NullOr(Person).annotate({ description: "the member the device acts for, if any" }),
  time: Time.annotate({ description: "the time the author's device claimed" }),
  body: Body,
  outcome: Outcome
}).annotate({ identifier: "Event" })
export type Event = typeof Event.Type

/** A record that changed: which, how, and the record as it is now. */
export const RecordChange = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("member"), change: Schema.Literals(["created", "updated"]), id: Hex64, record: Member }),
  Schema.Struct({ kind: Schema.Literal("proposal"), change: Schema.Literals(["created", "updated"]), id: Hex64, record: Proposal }),
  Schema.Struct({ kind: Schema.Literal("group"), change: Schema.Literals(["created", "updated"]), id: Hex64, record: Group }),
  Schema.Struct({ kind: Schema.Literal("term"), change: Schema.Literals(["created", "updated"]), id: Schema.String, record: Seats })
]).annotate({ identifier: "RecordChange" })
export type RecordChange = typeof RecordChange.Type

/** One item of the live feed: a Server-Sent Event's data, and a webhook's body. */
export const FeedItem = Schema.Union([
  Schema.Struct({ id: Schema.String, community: Hex64, kind: Schema.Literal("event"), event: Event }),
  Schema.Struct({ id: Schema.String, community: Hex64, kind: Schema.Literal("record"), change: RecordChange })
]).annotate({
  identifier: "FeedItem",
  description: "ids are `<run>:<n>`: in order within one run of the bridge; a new run starts new ids"
})
export type FeedItem = typeof FeedItem.Type

/** What an act did: its event, and the proposal it concerns. */
export const Act = Schema.Struct({
  event: Event,
  proposal: Schema.NullOr(Proposal)
}).annotate({ identifier: "Act" })
export type Act = typeof Act.Type

/** A registered webhook. */
export const Webhook = Schema.Struct({
  id: Schema.String,
  url: Schema.String,
  kinds: Schema.Array(Schema.Literals(["event", "record"])),
  created: Time,
  delivered: Nat,
  failed: Nat.annotate({ description: "items given up on after every retry" }),
  dropped: Nat.annotate({ description: "items dropped because too many were waiting" }),
  pending: Nat,
  lastError: Schema.NullOr(Schema.String)
}).annotate({ identifier: "Webhook" })
export type Webhook = typeof Webhook.Type

/** A webhook just registered, with its secret (shown once). */
export const NewWebhook = Schema.Struct({
  webhook: Webhook,
  secret: Schema.String.annotate({
    description: "HMAC-SHA256 key of the Affinity-Signature header (sha256=<hex> of the raw body); shown only now"
  })
}).annotate({ identifier: "NewWebhook" })

/** This bridge's device key and the member it acts for. */
export const Device = Schema.Struct({
  device: Hex64,
  identity: Schema.NullOr(Hex64),
  status: Schema.NullOr(Schema.Literals(["applicant", "full", "left"])),
  request: Schema.NullOr(Schema.String).annotate({
    description:
      "when this device acts for nobody yet and joined by invitation: the code to paste into the app on the inviting device, which adds this device to that member"
  })
}).annotate({ identifier: "Device" })
export type Device = typeof Device.Type

/** An error response. */
export const Failure = Schema.Struct({
  _tag: Schema.String.annotate({ description: "what went wrong, for tools: BadRequest, Unauthorized, DeadlineNotReached, …" }),
  message: Schema.String.annotate({ description: "what went wrong, for people" }),
  event: Schema.optionalKey(Hex64.annotate({ description: "the refused event, when it was signed and is in the log" }))
}).annotate({ identifier: "Failure" })

// --- requests ----------------------------------------------------------------------------------------

/** Who decides a proposal, in a request. */
export const DecidedBy = Schema.Union([
  Schema.Literal("community"),
  Schema.Struct({ prime: Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9-]{0,31}$/)) }),
  Schema.Struct({ group: Hex64 })
]).annotate({
  message: `expected "community", { "prime": <module name, e.g. ${Governance.PRIME_GROUPS.map((g) => `"${g}"`).join(" | ")}> } or { "group": <group id> }`
})

/** `POST /proposals`. */
export const ProposeRequest = Schema.Struct({
  title: text(1, 200),
  text: Schema.optionalKey(text(0, 10_000)),
  process: Schema.optionalKey(Schema.Literals(["consensus", "consent", "poll"])),
  deadline: TimeInput.annotate({ description: "community time, 1 hour to 90 days ahead of it (GET /community)" }),
  decidedBy: Schema.optionalKey(DecidedBy),
  action: Schema.optionalKey(Schema.Struct({ module: ModuleName, type: TypeName, body: Body })),
  actions: Schema.optionalKey(
    Schema.Array(Schema.Struct({ module: ModuleName, type: TypeName, body: Body }))
      .check(Schema.isMaxLength(Governance.MAX_ACTIONS))
      .annotate({ description: `several actions, applied in order, together or not at all (at most ${Governance.MAX_ACTIONS}); instead of action` })
  ),
  supersedes: Schema.optionalKey(Hex64)
})
export type ProposeRequest = typeof ProposeRequest.Type

/** `POST /proposals/{id}/stance`. */
export const StanceRequest = Schema.Struct({
  stance: Schema.Literals(["agree", "abstain", "object", "block"]),
  reason: Schema.optionalKey(text(0, 4_000).annotate({ description: "needed for object and block: what would have to change" }))
})
export type StanceRequest = typeof StanceRequest.Type

/** `POST /events`: any event, checked against its module's schema before it is signed. */
export const AppendRequest = Schema.Struct({ module: ModuleName, type: TypeName, body: Body })
export type AppendRequest = typeof AppendRequest.Type

/** `POST /webhooks`. */
export const WebhookRequest = Schema.Struct({
  url: Schema.String.check(
    Schema.isPattern(/^https?:\/\/[^\s]{1,2000}$/u, { message: "expected an http:// or https:// address" })
  ),
  kinds: Schema.optionalKey(
    Schema.Array(Schema.Literals(["event", "record"])).annotate({ description: "what to send (default both)" })
  )
})
export type WebhookRequest = typeof WebhookRequest.Type

/** `PUT /profile`: what the bridge's member publishes about themselves. */
export const ProfileRequest = Schema.Struct({
  name: text(1, 60).annotate({ description: "the name the member goes by (not shaped like a label or a key)" }),
  pronouns: Schema.optionalKey(text(1, 30)),
  note: Schema.optionalKey(text(1, 280))
})
export type ProfileRequest = typeof ProfileRequest.Type

/** What publishing or erasing a profile did: the events signed, and the member as now shown. */
export const ProfileAct = Schema.Struct({
  events: Schema.Array(Event).annotate({ description: "the events signed: the profile, or one erasure per profile erased" }),
  member: Member
}).annotate({ identifier: "ProfileAct" })
export type ProfileAct = typeof ProfileAct.Type

/** `PUT /members/{identity}/name`. */
export const NameRequest = Schema.Struct({
  name: Schema.NullOr(text(1, 60)).annotate({ description: "the name to show for this member here; null takes it away" })
})
export type NameRequest = typeof NameRequest.Type
