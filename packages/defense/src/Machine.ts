/**
 * The defense module's state machine: every event type with its authority, checks (in order,
 * the first failing one is the rejection) and effect. `docs/protocol.md`, the defense
 * section, states the same rules in words.
 *
 * @module
 */
import { Bytes, Module, Query, type Standing } from "@affinity/core/module"
import * as Authority from "./Authority.ts"
import type * as Bodies from "./Bodies.ts"
import * as BodySchemas from "./Bodies.ts"
import * as Feed from "./Feed.ts"
import * as Lists from "./Lists.ts"
import * as Queries from "./Queries.ts"
import * as Restrictions from "./Restrictions.ts"
import {
  activeFreeze,
  CALL_WINDOW,
  type Change,
  DAY,
  DEFAULT_EXPIRY,
  EMERGENCY_RESTRICTION,
  type Freeze,
  FREEZE_LENGTH,
  freezeActive,
  freezeScopeOf,
  freshId,
  init,
  type Listed,
  lookup,
  MAX_EXPIRY,
  MAX_FREEZE_EXTENSION,
  MAX_MANDATE,
  type Mandate,
  mandateEnd,
  mandateExpires,
  type Restriction,
  type State,
  type Subject,
  seen
} from "./State.ts"

const reject = Module.reject

/** The subject a body names. */
export const subjectOf = (body: Bodies.SubjectBody): Subject =>
  "key" in body ? { kind: "key", id: Bytes.toHex(body.key) } : "community" in body ? { kind: "community", id: Bytes.toHex(body.community) } : { kind: "relay", id: body.relay }

const days = (ms: number): string => `${Math.round(ms / DAY)} day${Math.round(ms / DAY) === 1 ? "" : "s"}`

const when = (time: number): string => {
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** The restriction an event names, if it exists in the event's causal past. */
const restrictionAt = (state: State, id: string, ctx: Module.EventContext): Restriction | undefined => {
  const r = lookup(state.restrictions, id)
  return r !== undefined && seen(ctx, r.key) ? r : undefined
}

const freezeAt = (state: State, id: string, ctx: Module.EventContext): Freeze | undefined => {
  const f = lookup(state.freezes, id)
  return f !== undefined && seen(ctx, f.key) ? f : undefined
}

const mandateAt = (state: State, id: string, ctx: Module.EventContext): Mandate | undefined => {
  const m = lookup(state.mandates, id)
  return m !== undefined && seen(ctx, m.key) ? m : undefined
}

/** A restriction's expiry from its body, and the longest it may be under this authority. */
const expiryOf = (body: { readonly expires?: number }, ctx: Module.EventContext): number => body.expires ?? ctx.communityTime + DEFAULT_EXPIRY

// ---- restrict / lift ------------------------------------------------------------------------

const validateRestrict = (state: State, body: Bodies.Restrict, ctx: Module.EventContext): Module.Rejection | undefined => {
  const auth = Authority.emergency(state, "restrict", ctx)
  if (!auth.ok) return auth.rejection
  const subject = subjectOf(body.subject)
  if (subject.kind === "relay" && body.scope.some((s) => s !== "sync"))
    return reject("ScopeNotApplicable", "a relay can only be restricted from being synced with; use the scope [\"sync\"]")
  if (subject.kind === "community" && subject.id === state.community) return reject("OwnCommunity", "a community cannot restrict itself")
  const expires = expiryOf(body, ctx)
  if (expires <= ctx.communityTime) return reject("AlreadyOver", "the expiry is already past; pick a later date")
  const longest = auth.mandate === null ? MAX_EXPIRY : EMERGENCY_RESTRICTION
  if (expires - ctx.communityTime > longest)
    return reject(
      "TooLong",
      auth.mandate === null
        ? `a restriction holds at most ${days(MAX_EXPIRY)}; decide it again when it ends`
        : `a restriction made under an emergency mandate holds at most ${days(EMERGENCY_RESTRICTION)}; the community decides anything longer`
    )
  return undefined
}

const addRestriction = (state: State, r: Omit<Restriction, "id">, ctx: Module.EventContext): { readonly state: State; readonly restriction: Restriction } => {
  const id = freshId(state.restrictions, ctx.key)
  const restriction: Restriction = { ...r, id }
  return {
    restriction,
    state: {
      ...state,
      restrictions: { ...state.restrictions, [id]: restriction },
      feed: [...state.feed, { seq: state.feed.length + 1, op: "add", id, at: ctx.communityTime }]
    }
  }
}

const restrict = (state: State, body: Bodies.Restrict, ctx: Module.EventContext): Module.Applied<State> => {
  const auth = Authority.emergency(state, "restrict", ctx)
  const { state: next, restriction } = addRestriction(
    state,
    {
      subject: subjectOf(body.subject),
      scope: [...body.scope].sort(),
      severity: body.severity,
      reason: body.reason,
      evidence: body.evidence,
      at: ctx.communityTime,
      expires: expiryOf(body, ctx),
      by: auth.ok ? auth.by : "community",
      mandate: auth.ok && auth.mandate !== null ? auth.mandate.id : null,
      from: null,
      key: ctx.key,
      lifted: null
    },
    ctx
  )
  return { state: next, ...strongFacts(restriction) }
}

/** A block on a key's joining is a strong fact: its applications the decision had not seen do not count. */
const strongFacts = (r: Restriction): { readonly restricts?: ReadonlyArray<Standing.Restriction> } =>
  r.subject.kind === "key" && r.severity === "block" && r.scope.includes("join") ? { restricts: [Restrictions.applicationBlock(r)] } : {}

const lift: Module.EventType<State> = Module.eventType<State, Bodies.Lift>({
  body: BodySchemas.Lift,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const auth = Authority.emergency(state, "lift", ctx)
    if (!auth.ok) return auth.rejection
    const r = restrictionAt(state, body.restriction, ctx)
    if (r === undefined) return reject("UnknownRestriction", "no such restriction in this decision's past; check its id in the records")
    if (r.lifted !== null) return reject("AlreadyLifted", `that restriction was already lifted: ${r.lifted.reason}`)
    if (r.expires <= ctx.communityTime) return reject("AlreadyOver", "that restriction has already expired; nothing to lift")
    return undefined
  },
  apply: (state, body, ctx) => {
    const r = lookup(state.restrictions, body.restriction)!
    return {
      ...state,
      restrictions: { ...state.restrictions, [r.id]: { ...r, lifted: { key: ctx.key, at: ctx.communityTime, reason: body.reason } } },
      feed: [...state.feed, { seq: state.feed.length + 1, op: "lift", id: r.id, at: ctx.communityTime }]
    }
  }
})

// ---- lists ------------------------------------------------------------------------------------

const subscribe = Module.eventType<State, Bodies.Subscribe>({
  body: BodySchemas.Subscribe,
  authority: "community",
  validate: (state, body, ctx) => {
    const source = Bytes.toHex(body.source)
    if (source === state.community) return reject("OwnCommunity", "a community does not subscribe to its own list")
    const sub = lookup(state.subscriptions, source)
    if (sub !== undefined && sub.ended === null)
      return reject("AlreadySubscribed", `this community already follows ${sub.name}'s list; unsubscribe first to change its publishers`)
    if (sub !== undefined && !seen(ctx, sub.ended!.key)) return reject("AlreadySubscribed", `this decision had not seen the end of the subscription to ${sub.name}`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const source = Bytes.toHex(body.source)
    const before = lookup(state.subscriptions, source)
    return {
      ...state,
      subscriptions: {
        ...state.subscriptions,
        [source]: {
          source,
          name: body.name,
          publishers: [...new Set(body.publishers.map((p) => Bytes.toHex(p)))].sort(),
          key: ctx.key,
          at: ctx.communityTime,
          last: before?.last ?? 0,
          ended: null
        }
      }
    }
  }
})

const unsubscribe = Module.eventType<State, Bodies.Unsubscribe>({
  body: BodySchemas.Unsubscribe,
  authority: "community",
  validate: (state, body, ctx) => {
    const sub = lookup(state.subscriptions, Bytes.toHex(body.source))
    if (sub === undefined || !seen(ctx, sub.key) || sub.ended !== null) return reject("NotSubscribed", "this community does not follow that list")
    return undefined
  },
  apply: (state, body, ctx) => {
    const source = Bytes.toHex(body.source)
    const sub = state.subscriptions[source]!
    return { ...state, subscriptions: { ...state.subscriptions, [source]: { ...sub, ended: { key: ctx.key, at: ctx.communityTime, reason: body.reason } } } }
  }
})

/** Whether a subject is a member (applicant or full) at the event: members are exempt from lists. */
const isMember = (subject: Subject, ctx: Module.EventContext): boolean => {
  if (subject.kind !== "key") return false
  const status = ctx.statusOf(subject.id)
  return status === "full" || status === "applicant"
}

const checkImport = (state: State, body: Bodies.Import, ctx: Module.EventContext): { readonly ok: true; readonly feed: Feed.Opened } | { readonly ok: false; readonly rejection: Module.Rejection } => {
  const opened = Feed.open(body.feed)
  if (!opened.ok) return { ok: false, rejection: reject("BadFeed", `this is not a signed restriction list: ${opened.message}`) }
  const feed = opened.value
  const sub = lookup(state.subscriptions, feed.source)
  if (sub === undefined || !seen(ctx, sub.key) || sub.ended !== null)
    return { ok: false, rejection: reject("NotSubscribed", "this community does not follow that community's list; a community decision subscribes to it") }
  if (!sub.publishers.includes(feed.publisher))
    return { ok: false, rejection: reject("UnknownPublisher", `${sub.name}'s list is signed by a key this community did not name when it subscribed`) }
  if (!Feed.verify(feed, sub.publishers)) return { ok: false, rejection: reject("BadSignature", `the signature on ${sub.name}'s list does not verify; ask them for the file again`) }
  if (feed.from > sub.last + 1)
    return { ok: false, rejection: reject("FeedGap", `${sub.name}'s list was imported up to entry ${sub.last}; this export starts at ${feed.from}, so ask for one from ${sub.last + 1}`) }
  if (feed.from + feed.entries.length - 1 <= sub.last) return { ok: false, rejection: reject("NothingNew", `every entry of this export of ${sub.name}'s list was already imported`) }
  return { ok: true, feed }
}

const listImport = Module.eventType<State, Bodies.Import>({
  body: BodySchemas.Import,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = checkImport(state, body, ctx)
    return r.ok ? undefined : r.rejection
  },
  apply: (state, body, ctx) => importFeed(state, body, ctx).state
})

/** Apply an import: record each new entry and what it changed; return the strong facts of agreements it completed. */
const importFeed = (state: State, body: Bodies.Import, ctx: Module.EventContext): Module.Applied<State> => {
  const checked = checkImport(state, body, ctx)
  if (!checked.ok) return { state }
  const feed = checked.feed
  const sub = state.subscriptions[feed.source]!
  const listed: Record<string, Listed> = { ...state.listed }
  const changes: Array<Change> = []
  const touched: Array<Subject> = []
  let next: State = state
  for (const e of feed.entries) {
    if (e.seq <= sub.last) continue
    const id = `${feed.source}/${e.id}`
    const subject: Subject = { kind: e.subject.kind, id: e.subject.id }
    if (e.op === "add") {
      if (Object.hasOwn(listed, id)) continue
      const exempt = isMember(subject, ctx)
      listed[id] = {
        source: feed.source,
        entry: e.id,
        subject,
        scope: [...e.scope].sort(),
        severity: e.severity,
        reason: e.reason,
        evidence: e.evidence,
        date: e.date,
        expires: e.expires,
        key: ctx.key,
        at: ctx.communityTime,
        exempt,
        lifted: null
      }
      next = { ...state, listed }
      const agreed = e.severity === "block" && e.scope.some((s) => Lists.agreement(next, subject, s, { time: ctx.communityTime, seen: (k) => seen(ctx, k) }) !== undefined)
      changes.push({ key: ctx.key, at: ctx.communityTime, source: feed.source, entry: e.id, op: "add", subject, effect: exempt ? "exempt" : e.severity === "warn" ? "warning" : agreed ? "applied" : "advisory" })
      if (agreed && !exempt) touched.push(subject)
    } else {
      const had = lookup(listed, id)
      if (had === undefined || had.lifted !== null) continue
      listed[id] = { ...had, lifted: { key: ctx.key, at: ctx.communityTime } }
      changes.push({ key: ctx.key, at: ctx.communityTime, source: feed.source, entry: e.id, op: "lift", subject, effect: "lifted" })
    }
  }
  const last = feed.from + feed.entries.length - 1
  next = {
    ...state,
    listed,
    changes: [...state.changes, ...changes],
    subscriptions: { ...state.subscriptions, [feed.source]: { ...sub, last: Math.max(sub.last, last) } }
  }
  const restricts: Array<Standing.Restriction> = []
  for (const subject of touched) {
    const a = subject.kind === "key" ? Lists.agreement(next, subject, "join", { time: ctx.communityTime, seen: (k) => seen(ctx, k) }) : undefined
    if (a !== undefined)
      restricts.push({ subject: subject.id, scope: { module: "core", types: ["member.apply"] }, until: a.until, by: `allied communities' lists (${a.sources.length} of them agree)`, reason: a.reasons[0]!, key: ctx.key })
  }
  return restricts.length === 0 ? { state: next } : { state: next, restricts }
}

const accept = Module.eventType<State, Bodies.Accept>({
  body: BodySchemas.Accept,
  authority: "community",
  validate: (state, body, ctx) => {
    const l = lookup(state.listed, `${Bytes.toHex(body.source)}/${body.entry}`)
    if (l === undefined || !seen(ctx, l.key)) return reject("UnknownEntry", "no allied list brought in that entry before this decision")
    if (l.lifted !== null && seen(ctx, l.lifted.key)) return reject("AlreadyLifted", "its source has lifted that entry")
    if (l.expires <= ctx.communityTime) return reject("AlreadyOver", "that entry has expired")
    for (const r of Object.values(state.restrictions))
      if (r.from !== null && r.from.source === l.source && r.from.entry === l.entry && r.lifted === null && r.expires > ctx.communityTime)
        return reject("AlreadyAccepted", "this community already holds that entry by its own decision")
    return undefined
  },
  apply: (state, body, ctx) => acceptEntry(state, body, ctx).state
})

const acceptEntry = (state: State, body: Bodies.Accept, ctx: Module.EventContext): Module.Applied<State> => {
  const l = state.listed[`${Bytes.toHex(body.source)}/${body.entry}`]!
  const { state: next, restriction } = addRestriction(
    state,
    {
      subject: l.subject,
      scope: l.scope,
      severity: l.severity,
      reason: l.reason,
      evidence: l.evidence,
      at: ctx.communityTime,
      expires: Math.min(l.expires, ctx.communityTime + MAX_EXPIRY),
      by: "community",
      mandate: null,
      from: { source: l.source, entry: l.entry },
      key: ctx.key,
      lifted: null
    },
    ctx
  )
  return { state: next, ...strongFacts(restriction) }
}

const params = Module.eventType<State, Bodies.Params>({
  body: BodySchemas.Params,
  authority: "community",
  apply: (state, body) => ({
    ...state,
    params: { agree: body.agree ?? state.params.agree, freezeCallers: body.freezeCallers ?? state.params.freezeCallers }
  })
})

// ---- freezes ----------------------------------------------------------------------------------

const member = (ctx: Module.EventContext): string => ctx.identity ?? ctx.device

const freezeCall = Module.eventType<State, Bodies.Freeze>({
  body: BodySchemas.Freeze,
  authority: "member",
  validate: (state, body, ctx) => {
    const scope = freezeScopeOf(body.scope)
    const me = member(ctx)
    const active = activeFreeze(state, scope, ctx.communityTime)
    if (active !== undefined && active.callers.includes(me)) return reject("AlreadyFrozen", `${scope} is already frozen until ${when(active.until)}, and you called it`)
    if (active === undefined && state.calls.some((c) => c.scope === scope && c.member === me && c.freeze === null && c.at > ctx.communityTime - CALL_WINDOW))
      return reject("AlreadyCalled", `you already called for a freeze of ${scope}; it starts when ${state.params.freezeCallers - 1} more member(s) call within 24 hours`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const scope = freezeScopeOf(body.scope)
    const me = member(ctx)
    const active = activeFreeze(state, scope, ctx.communityTime)
    if (active !== undefined)
      return { ...state, freezes: { ...state.freezes, [active.id]: { ...active, callers: [...active.callers, me], reasons: [...active.reasons, body.reason] } } }
    const call = { scope, member: me, reason: body.reason, key: ctx.key, at: ctx.communityTime, freeze: null }
    const calls = [...state.calls, call]
    const waiting = calls.filter((c) => c.scope === scope && c.freeze === null && c.at > ctx.communityTime - CALL_WINDOW && seen(ctx, c.key))
    const callers: Array<string> = []
    const used = new Set<string>()
    for (const c of waiting)
      if (!callers.includes(c.member)) {
        callers.push(c.member)
        used.add(c.key)
      }
    if (callers.length < state.params.freezeCallers) return { ...state, calls }
    const id = freshId(state.freezes, ctx.key)
    const reasons = waiting.filter((c) => used.has(c.key)).map((c) => c.reason)
    const freeze: Freeze = { id, scope, by: "members", callers, reasons, key: ctx.key, at: ctx.communityTime, until: ctx.communityTime + FREEZE_LENGTH, extensions: [], ended: null }
    return { ...state, calls: calls.map((c) => (used.has(c.key) ? { ...c, freeze: id } : c)), freezes: { ...state.freezes, [id]: freeze } }
  }
})

const freezeImpose = Module.eventType<State, Bodies.Freeze>({
  body: BodySchemas.Freeze,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const auth = Authority.emergency(state, "freeze", ctx)
    if (!auth.ok) return auth.rejection
    const active = activeFreeze(state, freezeScopeOf(body.scope), ctx.communityTime)
    return active === undefined ? undefined : reject("AlreadyFrozen", `that scope is already frozen until ${when(active.until)}`)
  },
  apply: (state, body, ctx) => {
    const auth = Authority.emergency(state, "freeze", ctx)
    const id = freshId(state.freezes, ctx.key)
    const freeze: Freeze = {
      id,
      scope: freezeScopeOf(body.scope),
      by: auth.ok ? auth.by : "community",
      callers: [],
      reasons: [body.reason],
      key: ctx.key,
      at: ctx.communityTime,
      until: ctx.communityTime + FREEZE_LENGTH,
      extensions: [],
      ended: null
    }
    return { ...state, freezes: { ...state.freezes, [id]: freeze } }
  }
})

const freezeOver = (f: Freeze | undefined, ctx: Module.EventContext): Module.Rejection | undefined => {
  if (f === undefined) return reject("UnknownFreeze", "no such freeze in this decision's past; check its id in the records")
  if (!freezeActive(f, ctx.communityTime)) return reject("FreezeOver", "that freeze is already over; start a new one if it is needed again")
  return undefined
}

const freezeEnd = Module.eventType<State, Bodies.FreezeEnd>({
  body: BodySchemas.FreezeEnd,
  authority: "community",
  validate: (state, body, ctx) => freezeOver(freezeAt(state, body.freeze, ctx), ctx),
  apply: (state, body, ctx) => {
    const f = state.freezes[body.freeze]!
    return { ...state, freezes: { ...state.freezes, [f.id]: { ...f, ended: { key: ctx.key, at: ctx.communityTime, reason: body.reason } } } }
  }
})

const freezeExtend = Module.eventType<State, Bodies.FreezeExtend>({
  body: BodySchemas.FreezeExtend,
  authority: "community",
  validate: (state, body, ctx) => {
    const f = freezeAt(state, body.freeze, ctx)
    const over = freezeOver(f, ctx)
    if (over !== undefined) return over
    if (body.until <= f!.until) return reject("NotLater", `the freeze already holds until ${when(f!.until)}; name a later date`)
    if (body.until - ctx.communityTime > MAX_FREEZE_EXTENSION) return reject("TooLong", `a freeze can be extended to at most ${days(MAX_FREEZE_EXTENSION)} from the decision`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const f = state.freezes[body.freeze]!
    return {
      ...state,
      freezes: { ...state.freezes, [f.id]: { ...f, until: body.until, extensions: [...f.extensions, { key: ctx.key, at: ctx.communityTime, until: body.until, reason: body.reason }] } }
    }
  }
})

// ---- emergency mandates -----------------------------------------------------------------------

const GROUP = Query.ref<{ readonly group: string }, { readonly active: boolean } | null>("governance", "group", (value) =>
  value === null
    ? { ok: true, value: null }
    : typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array) && typeof (value as { active?: unknown }).active === "boolean"
      ? { ok: true, value: { active: (value as { active: boolean }).active } }
      : { ok: false, message: "expected a group or null" }
)

const holderOf = (body: Bodies.HolderBody): string => (body === "prime" ? "prime/defense" : `group/${Bytes.toHex(body.group)}`)

const running = (m: Mandate, ctx: Module.EventContext): boolean => m.ended === null && ctx.communityTime < mandateExpires(m, () => true)

const grant = Module.eventType<State, Bodies.Grant>({
  body: BodySchemas.Grant,
  authority: "community",
  validate: (state, body, ctx) => {
    if (body.holder !== "prime") {
      const answer = Query.ask(ctx, GROUP, { group: Bytes.toHex(body.holder.group) })
      if (answer.ok && (answer.value === null || !answer.value.active))
        return reject("UnknownGroup", "that working group does not exist in this decision's past, or can no longer decide")
    }
    if (body.expires <= ctx.communityTime) return reject("AlreadyOver", "the mandate's expiry is already past")
    if (body.expires - ctx.communityTime > MAX_MANDATE) return reject("TooLong", `an emergency mandate runs at most ${days(MAX_MANDATE)}; renew it once if the emergency lasts`)
    const holder = holderOf(body.holder)
    for (const m of Object.values(state.mandates))
      if (m.holder === holder && running(m, ctx)) return reject("AlreadyGranted", "that body already holds an emergency mandate; renew or end it instead")
    return undefined
  },
  apply: (state, body, ctx) => {
    const id = freshId(state.mandates, ctx.key)
    const mandate: Mandate = {
      id,
      holder: holderOf(body.holder),
      scope: [...body.scope].sort(),
      reason: body.reason,
      key: ctx.key,
      at: ctx.communityTime,
      expires: body.expires,
      renewals: [],
      ended: null,
      review: null
    }
    return { ...state, mandates: { ...state.mandates, [id]: mandate } }
  }
})

const renew = Module.eventType<State, Bodies.Renew>({
  body: BodySchemas.Renew,
  authority: "community",
  validate: (state, body, ctx) => {
    const m = mandateAt(state, body.mandate, ctx)
    if (m === undefined) return reject("UnknownMandate", "no such emergency mandate in this decision's past")
    if (!running(m, ctx)) return reject("MandateEnded", "that mandate has ended; a new emergency needs a new grant, and the review of this one")
    if (m.renewals.length >= 1) return reject("AlreadyRenewed", "an emergency mandate is renewed once and never again; the community decides what comes next")
    if (body.expires <= mandateExpires(m, () => true)) return reject("NotLater", "a renewal must end later than the mandate does now")
    if (body.expires - ctx.communityTime > MAX_MANDATE) return reject("TooLong", `a renewal runs at most ${days(MAX_MANDATE)} from the decision`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const m = state.mandates[body.mandate]!
    return { ...state, mandates: { ...state.mandates, [m.id]: { ...m, renewals: [...m.renewals, { key: ctx.key, at: ctx.communityTime, expires: body.expires, reason: body.reason }] } } }
  }
})

const end = Module.eventType<State, Bodies.End>({
  body: BodySchemas.End,
  authority: "community",
  validate: (state, body, ctx) => {
    const m = mandateAt(state, body.mandate, ctx)
    if (m === undefined) return reject("UnknownMandate", "no such emergency mandate in this decision's past")
    return running(m, ctx) ? undefined : reject("MandateEnded", "that mandate has already ended")
  },
  apply: (state, body, ctx) => {
    const m = state.mandates[body.mandate]!
    return { ...state, mandates: { ...state.mandates, [m.id]: { ...m, ended: { key: ctx.key, at: ctx.communityTime, reason: body.reason } } } }
  }
})

const review = Module.eventType<State, Bodies.Review>({
  body: BodySchemas.Review,
  authority: "community",
  validate: (state, body, ctx) => {
    const m = mandateAt(state, body.mandate, ctx)
    if (m === undefined) return reject("UnknownMandate", "no such emergency mandate in this decision's past")
    if (m.review !== null) return reject("AlreadyReviewed", "that mandate has already been reviewed")
    if (ctx.communityTime < mandateEnd(m, (k) => seen(ctx, k))) return reject("NotEnded", "a mandate is reviewed once it has ended; end it early by decision if the emergency is over")
    return undefined
  },
  apply: (state, body, ctx) => {
    const m = state.mandates[body.mandate]!
    return { ...state, mandates: { ...state.mandates, [m.id]: { ...m, review: { key: ctx.key, at: ctx.communityTime, findings: body.findings } } } }
  }
})

const restrictType = Module.eventType<State, Bodies.Restrict>({
  body: BodySchemas.Restrict,
  authority: "mandate",
  validate: validateRestrict,
  apply: (state) => state
})

/** Event types whose `apply` returns strong facts are written out so `restricts` comes from the same step. */
const withFacts = <B>(base: Module.EventType<State>, apply: (state: State, body: B, ctx: Module.EventContext) => Module.Applied<State>): Module.EventType<State> => ({
  authority: base.authority,
  decode: base.decode,
  validate: base.validate,
  apply: (state, body, ctx) => apply(state, body as B, ctx)
})

/** The defense module's state machine (see `module.ts` for the typed module). */
export const module: Module.Module<State> = Module.make<State>({
  name: "defense",
  init,
  prime: true,
  events: {
    restrict: withFacts(restrictType, restrict),
    lift,
    "list.subscribe": subscribe,
    "list.unsubscribe": unsubscribe,
    "list.import": withFacts(listImport, importFeed),
    "advisory.accept": withFacts(accept, acceptEntry),
    params,
    freeze: freezeCall,
    "freeze.impose": freezeImpose,
    "freeze.end": freezeEnd,
    "freeze.extend": freezeExtend,
    "mandate.grant": grant,
    "mandate.renew": renew,
    "mandate.end": end,
    "mandate.review": review
  },
  queries: Queries.all,
  standing: Restrictions.provider
})
