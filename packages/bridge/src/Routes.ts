/**
 * Every endpoint of the API, in one table: method, path, parameters, request and response
 * schemas, the failures it may answer with, and the handler. `App.makeApp` serves this table
 * and `OpenApi.document` describes it, so the two cannot disagree.
 *
 * @module
 */
import { Membership } from "@affinity/core"
import * as Documents from "./Documents.ts"
import * as Governance from "@affinity/governance"
import { Schema } from "effect"
import type { Context } from "hono"
import * as Acts from "./Acts.ts"
import type { Bridge } from "./Bridge.ts"
import * as Failure from "./Failure.ts"
import * as Names from "./Names.ts"
import * as Schemas from "./Schemas.ts"
import * as Sse from "./Sse.ts"
import * as Views from "./Views.ts"

/** An HTTP method of the API. */
export type Method = "get" | "post" | "put" | "delete"

/** A path or query parameter: its name, schema (decoding the text given) and meaning. */
export interface Param {
  readonly name: string
  readonly in: "path" | "query"
  readonly schema: Schema.ConstraintDecoder<unknown>
  readonly description: string
  readonly required: boolean
  /** The JSON Schema to describe it with, when its schema decodes text into something else (a number). */
  readonly json?: Readonly<Record<string, unknown>>
}

/** What a handler gets. */
export interface Input<B> {
  readonly bridge: Bridge
  /** Decoded parameters by name (absent optional ones are missing). */
  readonly params: Readonly<Record<string, unknown>>
  /** The decoded request body (`{}` for routes without one). */
  readonly body: B
  /** The Hono context, for streaming responses. */
  readonly context: Context
}

/** One endpoint. */
export interface Route {
  readonly method: Method
  /** The path as OpenAPI writes it: `/proposals/{id}`. */
  readonly path: string
  readonly operationId: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  readonly params: ReadonlyArray<Param>
  /** The request body's schema; `undefined` for none (an empty body or `{}` is accepted, anything else refused). */
  readonly body: Schema.ConstraintDecoder<unknown> | undefined
  /** The success status. */
  readonly status: 200 | 201 | 204
  /** The success body's schema; `undefined` for none (`204`) or a stream. */
  readonly response: Schema.Top | undefined
  /** Server-Sent Events instead of JSON. */
  readonly stream: boolean
  /** A document for people instead of JSON: its media type (the handler answers with a `Response`). */
  readonly media: "text/markdown" | "text/html" | undefined
  /** Served without the access token. */
  readonly public: boolean
  /** Failure statuses it may answer with, besides `401` and `500`. */
  readonly failures: ReadonlyArray<Failure.Status>
  /** Answer a request: the success body, or a `Response` of its own (streams). */
  readonly handle: (input: Input<unknown>) => Promise<unknown>
}

const route = <B = Record<string, never>>(def: {
  readonly method: Method
  readonly path: string
  readonly operationId: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  readonly params?: ReadonlyArray<Param>
  readonly body?: Schema.ConstraintDecoder<B>
  readonly status?: 200 | 201 | 204
  readonly response?: Schema.Top
  readonly stream?: boolean
  readonly media?: "text/markdown" | "text/html"
  readonly public?: boolean
  readonly failures?: ReadonlyArray<Failure.Status>
  readonly handle: (input: Input<B>) => unknown
}): Route => ({
  method: def.method,
  path: def.path,
  operationId: def.operationId,
  tag: def.tag,
  summary: def.summary,
  ...(def.description === undefined ? {} : { description: def.description }),
  params: def.params ?? [],
  body: def.body,
  status: def.status ?? (def.method === "post" ? 201 : 200),
  response: def.response,
  stream: def.stream ?? false,
  media: def.media,
  public: def.public ?? false,
  failures: def.failures ?? [],
  handle: async (input) => def.handle(input as Input<B>)
})

// --- parameters --------------------------------------------------------------------------------------

const idParam = (name: string, description: string): Param => ({ name, in: "path", schema: Schemas.Hex64, description, required: true })

/** A query parameter that is an integer from `min` to `max`. */
const intParam = (name: string, min: number, max: number, description: string): Param => ({
  name,
  in: "query",
  schema: Schema.FiniteFromString.check(
    Schema.isInt({ message: "expected an integer" }),
    Schema.isBetween({ minimum: min, maximum: max }, { message: `expected an integer from ${min} to ${max}` })
  ),
  description,
  required: false,
  json: { type: "integer", minimum: min, maximum: max }
})

// --- lookups -----------------------------------------------------------------------------------------

const str = (input: Input<unknown>, name: string): string => input.params[name] as string

const proposalOf = (bridge: Bridge, id: string): Governance.Proposal => {
  const p = Governance.Records.proposal(bridge.reader.governance(), id)
  if (p === undefined) throw Failure.notFound("UnknownProposal", `no proposal ${id} here`)
  return p
}

const memberOf = (bridge: Bridge, identity: string): Schemas.Member => {
  const m = Views.member(bridge.reader, identity)
  if (m === undefined) throw Failure.notFound("UnknownMember", `no member ${identity} here`)
  return m
}

const community = (bridge: Bridge): Schemas.Community => {
  const r = bridge.reader
  const core = r.core()
  const me = r.me()
  const params = core.community.params
  return {
    id: bridge.community.id,
    name: core.community.name,
    created: Views.iso(core.community.created),
    communityTime: Views.iso(r.communityTime()),
    clock: Views.iso(Date.now()),
    params: {
      timeWitnesses: params.timeWitnesses,
      primeSize: params.primeSize,
      primeTermDays: params.primeTerm / Governance.DAY,
      quorumPercent: params.quorumPercent
    },
    fullMembers: bridge.community.members().length,
    events: bridge.community.export().length,
    stateHash: bridge.community.stateHash(),
    me: {
      device: bridge.device.id,
      identity: me ?? null,
      name: me === undefined ? null : r.directory().nameOf(me),
      status: me === undefined ? null : (Membership.identity(core, me)?.status ?? null)
    },
    relays: bridge.relays()
  }
}

// --- the table ---------------------------------------------------------------------------------------

/** Every route of the API, `/openapi.json` first. */
export const routes = (openapi: () => unknown): ReadonlyArray<Route> => [
  route({
    method: "get",
    path: "/openapi.json",
    operationId: "openapi",
    tag: "meta",
    summary: "This description of the API (OpenAPI 3.1)",
    public: true,
    handle: () => openapi()
  }),
  route({
    method: "get",
    path: "/community",
    operationId: "getCommunity",
    tag: "records",
    summary: "The community: name, community time, parameters, this bridge's member and relays",
    response: Schemas.Community,
    handle: ({ bridge }) => community(bridge)
  }),
  route({
    method: "get",
    path: "/device",
    operationId: "getDevice",
    tag: "records",
    summary: "This bridge's device key, the member it acts for, and how to add it to a member",
    response: Schemas.Device,
    handle: ({ bridge }): Schemas.Device => {
      const me = bridge.reader.me()
      return {
        device: bridge.device.id,
        identity: me ?? null,
        status: me === undefined ? null : (Membership.identity(bridge.reader.core(), me)?.status ?? null),
        request: bridge.request()
      }
    }
  }),
  route({
    method: "get",
    path: "/members",
    operationId: "listMembers",
    tag: "records",
    summary: "Everyone the community knows: members, applicants and those who left, with names",
    response: Schema.Array(Schemas.Member),
    handle: ({ bridge }) => Views.members(bridge.reader)
  }),
  route({
    method: "get",
    path: "/members/{identity}",
    operationId: "getMember",
    tag: "records",
    summary: "One member",
    params: [idParam("identity", "the member's identity (hex)")],
    response: Schemas.Member,
    failures: [400, 404],
    handle: (input) => memberOf(input.bridge, str(input, "identity"))
  }),
  route({
    method: "put",
    path: "/profile",
    operationId: "publishProfile",
    tag: "acts",
    summary: "Say who this bridge's member is: the name they go by, and optionally pronouns and a note, published to the members",
    description:
      "Signs a core/member.profile event whose erasable payload is the profile; the latest counts. Members then show this member by that name, unless they gave them one of their own. A name is not an identity: changing it changes nothing else. The name has 1 to 60 characters and cannot read as a label or a key.",
    body: Schemas.ProfileRequest,
    status: 200,
    response: Schemas.ProfileAct,
    failures: [400, 413, 415, 422, 503],
    handle: ({ bridge, body }) => Acts.profile(bridge, body)
  }),
  route({
    method: "delete",
    path: "/profile",
    operationId: "eraseProfile",
    tag: "acts",
    summary: "Erase every profile this bridge's member published: they show by their label again",
    description: "Signs one core/payload.erase per profile whose payload this bridge holds; every replica then drops it.",
    status: 200,
    response: Schemas.ProfileAct,
    failures: [422, 503],
    handle: ({ bridge }) => Acts.eraseProfile(bridge)
  }),
  route({
    method: "put",
    path: "/members/{identity}/name",
    operationId: "nameMember",
    tag: "records",
    summary: "Give a member a name on this bridge, shown instead of the one they published (names given here are local)",
    params: [idParam("identity", "the member's identity (hex)")],
    body: Schemas.NameRequest,
    status: 200,
    response: Schemas.Member,
    failures: [400, 404, 413, 415],
    handle: async (input) => {
      const identity = str(input, "identity")
      memberOf(input.bridge, identity)
      if (input.body.name !== null) {
        const problem = Names.problem(input.body.name)
        if (problem !== undefined) throw Failure.badRequest("BadRequest", `name: ${problem}`)
      }
      await input.bridge.names.set(identity, input.body.name)
      return memberOf(input.bridge, identity)
    }
  }),
  route({
    method: "get",
    path: "/proposals",
    operationId: "listProposals",
    tag: "records",
    summary: "Proposals, oldest first, with stances and reasons, and decisions once they ended",
    params: [
      {
        name: "status",
        in: "query",
        schema: Schema.Literals(["open", "ended", "all"]),
        description: "open, ended or all (default all)",
        required: false
      }
    ],
    response: Schema.Array(Schemas.Proposal),
    failures: [400],
    handle: ({ bridge, params }) => {
      const status = (params["status"] as string | undefined) ?? "all"
      const gov = bridge.reader.governance()
      const list = Governance.Records.proposals(gov, (p) => status === "all" || (status === "open") === (p.status === "open"))
      return list.map((p) => Views.proposal(bridge.reader, p))
    }
  }),
  route({
    method: "get",
    path: "/proposals/{id}",
    operationId: "getProposal",
    tag: "records",
    summary: "One proposal",
    params: [idParam("id", "the proposal (hex id of its opening event)")],
    response: Schemas.Proposal,
    failures: [400, 404],
    handle: (input) => Views.proposal(input.bridge.reader, proposalOf(input.bridge, str(input, "id")))
  }),
  route({
    method: "post",
    path: "/proposals",
    operationId: "propose",
    tag: "acts",
    summary: "Open a proposal, signed by this bridge's member",
    description:
      "The deadline is in community time (GET /community), 1 hour to 90 days ahead. A proposal may carry an action (an event another module applies if it passes), checked against its module's schema before anything is signed.",
    body: Schemas.ProposeRequest,
    response: Schemas.Act,
    failures: [400, 413, 415, 422, 503],
    handle: ({ bridge, body }) => Acts.propose(bridge, body)
  }),
  route({
    method: "post",
    path: "/proposals/{id}/stance",
    operationId: "takeStance",
    tag: "acts",
    summary: "Take a stance on an open proposal: agree, abstain (stand aside), object or block; object and block need a reason",
    params: [idParam("id", "the proposal")],
    body: Schemas.StanceRequest,
    response: Schemas.Act,
    failures: [400, 404, 413, 415, 422, 503],
    handle: (input) => Acts.stance(input.bridge, str(input, "id"), input.body)
  }),
  route({
    method: "post",
    path: "/proposals/{id}/close",
    operationId: "closeProposal",
    tag: "acts",
    summary: "Close a proposal whose deadline has passed in community time; the decision is recorded",
    params: [idParam("id", "the proposal")],
    response: Schemas.Act,
    failures: [400, 404, 413, 415, 422, 503],
    handle: (input) => Acts.close(input.bridge, str(input, "id"))
  }),
  route({
    method: "get",
    path: "/decisions",
    operationId: "listDecisions",
    tag: "records",
    summary: "Proposals that ended, in the order they ended, with the stances that counted and whether the action applied",
    response: Schema.Array(Schemas.Proposal),
    handle: ({ bridge }) => Governance.Records.decisions(bridge.reader.governance()).map((p) => Views.proposal(bridge.reader, p))
  }),
  route({
    method: "get",
    path: "/record.md",
    operationId: "getRecordMarkdown",
    tag: "records",
    summary: "The decision record as Markdown, for people: every decision with its stances, reasons and actions, people by name",
    media: "text/markdown",
    handle: ({ bridge, context }) => context.body(Documents.record(bridge), 200, { "content-type": "text/markdown; charset=utf-8" })
  }),
  route({
    method: "get",
    path: "/binder.html",
    operationId: "getBinder",
    tag: "records",
    summary: "The community's binder as one HTML page to print: members, decisions, working groups and seats, people by name",
    media: "text/html",
    handle: ({ bridge, context }) => context.body(Documents.binder(bridge), 200, { "content-type": "text/html; charset=utf-8" })
  }),
  route({
    method: "get",
    path: "/groups",
    operationId: "listGroups",
    tag: "records",
    summary: "Working groups, oldest first, with members and mandates",
    response: Schema.Array(Schemas.Group),
    handle: ({ bridge }) => {
      const time = bridge.reader.communityTime()
      return Governance.Records.groups(bridge.reader.governance()).map((g) => Views.group(bridge.reader, g, time))
    }
  }),
  route({
    method: "get",
    path: "/groups/{id}",
    operationId: "getGroup",
    tag: "records",
    summary: "One working group",
    params: [idParam("id", "the group (hex id of the decision that created it)")],
    response: Schemas.Group,
    failures: [400, 404],
    handle: (input) => {
      const g = Governance.Records.group(input.bridge.reader.governance(), str(input, "id"))
      if (g === undefined) throw Failure.notFound("UnknownGroup", `no working group ${str(input, "id")} here`)
      return Views.group(input.bridge.reader, g, input.bridge.reader.communityTime())
    }
  }),
  route({
    method: "get",
    path: "/seats",
    operationId: "getSeats",
    tag: "records",
    summary: "The seats of the prime working groups, drawn by lot for a term",
    params: [intParam("term", 0, 1_000_000, "the term (default: the current one)")],
    response: Schemas.Seats,
    failures: [400],
    handle: ({ bridge, params }) => {
      const r = bridge.reader
      const term =
        (params["term"] as number | undefined) ?? Governance.termAt(r.governance(), r.core().community.params, r.communityTime())
      return Views.seats(r, term)
    }
  }),
  route({
    method: "post",
    path: "/tick",
    operationId: "tick",
    tag: "acts",
    summary: "Write a time witness: this device says what time it is, which moves community time",
    response: Schemas.Act,
    failures: [400, 413, 415, 422, 503],
    handle: ({ bridge }) => Acts.tick(bridge)
  }),
  route({
    method: "get",
    path: "/events",
    operationId: "listEvents",
    tag: "events",
    summary: "Events of the log in delivery order, after a position",
    params: [
      intParam("after", -1, Number.MAX_SAFE_INTEGER, "the index of the last event already seen (default -1: from the start)"),
      intParam("limit", 1, 1_000, "at most this many (default 100)")
    ],
    response: Schema.Array(Schemas.Event),
    failures: [400],
    handle: ({ bridge, params }) => bridge.events((params["after"] as number | undefined) ?? -1, (params["limit"] as number | undefined) ?? 100)
  }),
  route({
    method: "post",
    path: "/events",
    operationId: "appendEvent",
    tag: "acts",
    summary: "Sign and add any event a member may do directly, its body checked against its module's schema first",
    description:
      'The body is JSON with byte strings as { "$bytes": "<hex>" }. Acts that take a decision (admitting a member, creating a working group, …) are refused with NeedsDecision: propose them as a proposal\'s action.',
    body: Schemas.AppendRequest,
    response: Schemas.Act,
    failures: [400, 413, 415, 422, 503],
    handle: ({ bridge, body }) => Acts.append(bridge, body)
  }),
  route({
    method: "get",
    path: "/events/stream",
    operationId: "streamEvents",
    tag: "events",
    summary: "New events and record changes as Server-Sent Events",
    description:
      "Opens with a `ready` event; then each feed item (components/schemas/FeedItem) as an event named `event` or `record`, with the item id as the SSE id. Reconnect with Last-Event-ID (or ?after=) to get what was missed; a `gap` event says when that is no longer possible.",
    params: [
      { name: "after", in: "query", schema: Schema.String, description: "the id of the last item seen (instead of Last-Event-ID)", required: false }
    ],
    stream: true,
    handle: ({ bridge, params, context }) =>
      Sse.stream(context, bridge, (params["after"] as string | undefined) ?? context.req.header("last-event-id"), bridge.closing)
  }),
  route({
    method: "get",
    path: "/webhooks",
    operationId: "listWebhooks",
    tag: "webhooks",
    summary: "Registered webhooks and how their deliveries are going",
    response: Schema.Array(Schemas.Webhook),
    handle: ({ bridge }) => bridge.webhooks.list()
  }),
  route({
    method: "post",
    path: "/webhooks",
    operationId: "addWebhook",
    tag: "webhooks",
    summary: "Register an address to POST each new event and record change to",
    description:
      "Each item (components/schemas/FeedItem) is POSTed as JSON with Affinity-Webhook, Affinity-Delivery and Affinity-Signature (sha256=<HMAC-SHA256 of the body under the secret>) headers; failures are retried with a doubling delay, a bounded number of times.",
    body: Schemas.WebhookRequest,
    response: Schemas.NewWebhook,
    failures: [400, 409, 413, 415],
    handle: async ({ bridge, body }) => {
      try {
        return await bridge.webhooks.add(body)
      } catch (e) {
        if (e instanceof RangeError) throw new Failure.Failure(409, "TooManyWebhooks", e.message)
        throw e
      }
    }
  }),
  route({
    method: "get",
    path: "/webhooks/{id}",
    operationId: "getWebhook",
    tag: "webhooks",
    summary: "One webhook",
    params: [{ name: "id", in: "path", schema: Schema.String, description: "the webhook's id", required: true }],
    response: Schemas.Webhook,
    failures: [404],
    handle: (input) => {
      const w = input.bridge.webhooks.get(str(input, "id"))
      if (w === undefined) throw Failure.notFound("UnknownWebhook", `no webhook ${str(input, "id")}`)
      return w
    }
  }),
  route({
    method: "delete",
    path: "/webhooks/{id}",
    operationId: "removeWebhook",
    tag: "webhooks",
    summary: "Remove a webhook",
    params: [{ name: "id", in: "path", schema: Schema.String, description: "the webhook's id", required: true }],
    status: 204,
    failures: [404],
    handle: async (input) => {
      if (!(await input.bridge.webhooks.remove(str(input, "id")))) throw Failure.notFound("UnknownWebhook", `no webhook ${str(input, "id")}`)
      return undefined
    }
  })
]
