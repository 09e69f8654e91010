/**
 * The justice state machine: its event types, each with its authority, its checks (in order,
 * each refusal a tagged value with a message a person can act on) and its transition. The
 * rules are written down in `docs/protocol.md` §15.
 *
 * @module
 */
import { Bytes, Module } from "@affinity/core/module"
import * as Ask from "./Ask.ts"
import * as Bodies from "./Bodies.ts"
import * as Fork from "./Fork.ts"
import * as Panel from "./Panel.ts"
import * as Restrictions from "./Restrictions.ts"
import * as Queries from "./Queries.ts"
import {
  type Appeal,
  type Case,
  type CaseDecision,
  DAY,
  type DecidedBy,
  expiry,
  handlers,
  parties,
  type Repair,
  type Restriction,
  repairUnderWay,
  type Rung,
  RUNGS,
  rungAt,
  rungOf,
  type State,
  subjectOf,
  init
} from "./State.ts"
import * as Tally from "./Tally.ts"

const hex = Bytes.toHex
const reject = Module.reject

const put = <T>(map: { readonly [k: string]: T }, key: string, value: T): { readonly [k: string]: T } => ({ ...map, [key]: value })

/** What every case holds when it opens: its filing time, the electorate frozen then, no steps yet. */
const opening = (ctx: Module.EventContext) =>
  ({
    filed: ctx.communityTime,
    electorate: [...ctx.fullMembers()].sort(),
    repair: null,
    round: 0,
    votes: [],
    decisions: [],
    status: "open",
    ended: null
  }) as const satisfies Partial<Case>

/** Whether the event `key` is the asking event or in its causal past. */
const seen = (ctx: Module.EventContext, key: string): boolean => key === ctx.key || ctx.happenedBefore(key)

const caseOf = (state: State, ref: Uint8Array, ctx: Module.EventContext): Case | Module.Rejection => {
  const c = state.cases[hex(ref)]
  if (c === undefined || !seen(ctx, c.id)) return reject("UnknownCase", "no such case in this event's past: cite a case filed before")
  return c
}

const openCase = (state: State, ref: Uint8Array, ctx: Module.EventContext): Case | Module.Rejection => {
  const c = caseOf(state, ref, ctx)
  if ("_tag" in c) return c
  if (c.status !== "open") return reject("CaseClosed", `this case is ${c.status === "withdrawn" ? "withdrawn" : `closed (${c.status})`}: file a new one`)
  return c
}

const withCase = (state: State, c: Case): State => ({ ...state, cases: put(state.cases, c.id, c) })

const step = (ctx: Module.EventContext) => ({ by: ctx.identity!, key: ctx.key, at: ctx.communityTime })

const sorted = (xs: ReadonlyArray<Uint8Array>): ReadonlyArray<string> => [...new Set(xs.map(hex))].sort()

const when = (t: number): string => new Date(t).toISOString().slice(0, 10)

// --- filing ----------------------------------------------------------------------------------

const respondentsOf = (body: Bodies.File, ctx: Module.EventContext): ReadonlyArray<string> | Module.Rejection => {
  if ("member" in body.about) {
    const m = hex(body.about.member)
    if (m === ctx.identity) return reject("NotYourself", "a case is about someone else: to step back yourself, leave the group or the community")
    if (ctx.statusOf(m) !== "full") return reject("NotAMember", "the person a case is about must be a full member at filing")
    return [m]
  }
  const members = Ask.groupMembers(ctx, hex(body.about.group))
  if (members === undefined) return reject("UnknownGroup", "no such working group in this event's past")
  return members
}

const file = Module.eventType<State, Bodies.File>({
  body: Bodies.File,
  authority: "member",
  validate: (_state, body, ctx) => {
    const respondents = respondentsOf(body, ctx)
    if ("_tag" in respondents) return respondents
    if (body.affected !== undefined) {
      const a = hex(body.affected)
      if (ctx.statusOf(a) !== "full") return reject("NotAMember", "the affected person must be a full member at filing")
      if (respondents.includes(a)) return reject("AffectedIsRespondent", "the affected person cannot also be who the case is about")
    }
    if (ctx.identity !== null && respondents.includes(ctx.identity) && "group" in body.about)
      return reject("NotYourself", "you are a member of this group: a case is about someone else")
    return undefined
  },
  apply: (state, body, ctx) => {
    const respondents = respondentsOf(body, ctx) as ReadonlyArray<string>
    const affected = body.affected === undefined ? ctx.identity! : hex(body.affected)
    const involved = new Set([ctx.identity!, affected, ...respondents])
    const c: Case = {
      id: ctx.key,
      kind: body.kind,
      weight: body.weight,
      filer: ctx.identity!,
      affected,
      about: "member" in body.about ? { member: hex(body.about.member) } : { group: hex(body.about.group) },
      respondents,
      proposals: body.proposals.map(hex),
      filed: ctx.communityTime,
      electorate: [...ctx.fullMembers()].sort(),
      // Nobody handles their own case.
      handlers: Ask.justiceSeats(ctx).filter((m) => !involved.has(m)),
      statements: body.affected === undefined ? [step(ctx)] : [],
      repair: null,
      round: 0,
      votes: [],
      decisions: [],
      status: "open",
      ended: null
    }
    return withCase(state, c)
  }
})

/** The open fork case about `author`, if any. */
const openForkCase = (state: State, author: string): Case | undefined =>
  Object.values(state.cases).find((c) => c.kind === "fork" && c.status === "open" && ("member" in c.about ? c.about.member : "device" in c.about ? c.about.device : "") === author)

const forkProof = (state: State, body: Bodies.Fork, ctx: Module.EventContext): Fork.Proven | Module.Rejection => {
  const p = Fork.read(body.proof, body.a, body.b, state.community)
  if (p._tag === "NotAProof") return reject("NotAProof", p.message)
  if (!ctx.happenedBefore(p.proof)) return reject("UnknownProof", "cite a core/equivocation event the community has recorded, in this event's past")
  if (openForkCase(state, p.author) !== undefined) return reject("CaseExists", "a case on this forked chain is open already")
  return p
}

const fork = Module.eventType<State, Bodies.Fork>({
  body: Bodies.Fork,
  authority: "member",
  validate: (state, body, ctx) => {
    const p = forkProof(state, body, ctx)
    return "message" in p ? p : undefined
  },
  apply: (state, body, ctx) => {
    const p = forkProof(state, body, ctx) as Fork.Proven
    const identity = ctx.statusOf(p.author) !== undefined ? p.author : null
    const c: Case = {
      id: ctx.key,
      kind: "fork",
      weight: "prime",
      filer: ctx.identity!,
      affected: ctx.identity!,
      about: identity !== null ? { member: identity } : { device: p.author },
      respondents: identity !== null && identity !== ctx.identity ? [identity] : [],
      proposals: [],
      ...opening(ctx),
      handlers: Ask.justiceSeats(ctx).filter((m) => m !== ctx.identity && m !== identity),
      statements: [step(ctx)]
    }
    return withCase(state, c)
  }
})

// --- cases opened on other modules' facts -----------------------------------------------------

/** The case already opened on a mandate's overdue review, if any. */
const caseOnMandate = (state: State, mandate: string): Case | undefined =>
  Object.values(state.cases).find((c) => c.fact !== undefined && "mandate" in c.fact && c.fact.mandate === mandate)

/** The overshoot keys some case already covers. */
const coveredOvershoots = (state: State): ReadonlySet<string> =>
  new Set(Object.values(state.cases).flatMap((c) => (c.fact !== undefined && "overshoots" in c.fact ? c.fact.overshoots : [])))

type Opened = { readonly about: Case["about"]; readonly respondents: ReadonlyArray<string>; readonly fact: NonNullable<Case["fact"]> }

const opened = (state: State, body: Bodies.Open, ctx: Module.EventContext): Opened | Module.Rejection => {
  if (body.kind === "review") {
    const o = Ask.overdueMandate(ctx, body.mandate)
    if (o === undefined)
      return reject("NotOverdue", "defense lists no overdue review of this mandate at this event: its review is not due yet, was recorded, or there is no such mandate")
    const earlier = caseOnMandate(state, body.mandate)
    if (earlier !== undefined) return reject("AlreadyOpen", `a case on this mandate's overdue review was opened on ${when(earlier.filed)} already`)
    if (o.holder.startsWith("group/")) {
      const group = o.holder.slice(6)
      return { about: { group }, respondents: Ask.groupMembers(ctx, group) ?? [], fact: { mandate: body.mandate } }
    }
    const module = o.holder.startsWith("prime/") ? o.holder.slice(6) : "defense"
    return { about: { prime: module }, respondents: Ask.seatsOf(ctx, module), fact: { mandate: body.mandate } }
  }
  const payer = hex(body.payer)
  if (ctx.statusOf(payer) !== "full") return reject("NotAMember", "the payer a case is about must be a full member at this event")
  const listed = Ask.overshootsOf(ctx, payer)
  if (listed.length === 0) return reject("NoOvershoot", "the economy lists no overshoot by this payer at this event")
  const covered = coveredOvershoots(state)
  const fresh = listed.map((o) => o.key).filter((k) => !covered.has(k))
  if (fresh.length === 0) return reject("AlreadyOpen", "a case was opened on each of this payer's overshoots already")
  return { about: { member: payer }, respondents: [payer], fact: { overshoots: fresh } }
}

const open = Module.eventType<State, Bodies.Open>({
  body: Bodies.Open,
  authority: "member",
  validate: (state, body, ctx) => {
    const o = opened(state, body, ctx)
    return "_tag" in o ? o : undefined
  },
  apply: (state, body, ctx) => {
    const o = opened(state, body, ctx) as Opened
    const me = ctx.identity!
    const involved = new Set([me, ...o.respondents])
    const c: Case = {
      id: ctx.key,
      kind: body.kind,
      weight: body.weight,
      filer: me,
      affected: me,
      about: o.about,
      respondents: o.respondents.filter((r) => r !== me),
      fact: o.fact,
      proposals: [],
      ...opening(ctx),
      handlers: Ask.justiceSeats(ctx).filter((m) => !involved.has(m)),
      statements: [step(ctx)]
    }
    return withCase(state, c)
  }
})

// --- speaking, withdrawing -------------------------------------------------------------------

/** Whether the affected person has spoken in the event's past. */
const affectedSpoke = (c: Case, ctx: Module.EventContext): boolean => c.statements.some((s) => s.by === c.affected && seen(ctx, s.key))

const speak = Module.eventType<State, Bodies.Speak>({
  body: Bodies.Speak,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = openCase(state, body.case, ctx)
    if ("_tag" in c) return c
    const me = ctx.identity!
    if (!parties(c).includes(me) && !handlers(c).includes(me) && !(c.repair?.facilitators ?? []).includes(me))
      return reject("NotInTheCase", "only the case's parties and the people who handle it speak in it")
    if (me !== c.affected && !affectedSpoke(c, ctx)) return reject("AffectedSpeaksFirst", "the affected person speaks first: wait for their statement")
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    return withCase(state, { ...c, statements: [...c.statements, step(ctx)] })
  }
})

const withdraw = Module.eventType<State, Bodies.Withdraw>({
  body: Bodies.Withdraw,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = openCase(state, body.case, ctx)
    if ("_tag" in c) return c
    if (ctx.identity !== c.filer && ctx.identity !== c.affected) return reject("NotYourCase", "only the person who filed the case, or the affected person, withdraws it")
    if (c.fact !== undefined)
      return reject("NotWithdrawable", "a case opened on a recorded fact is nobody's to withdraw: a decision ends it (\"no change\", if nothing is wrong)")
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    return withCase(state, { ...c, status: "withdrawn", ended: step(ctx) })
  }
})

// --- repair ----------------------------------------------------------------------------------

const inRepair = (state: State, ref: Uint8Array, ctx: Module.EventContext, stage: Repair["stage"]): { c: Case; r: Repair } | Module.Rejection => {
  const c = openCase(state, ref, ctx)
  if ("_tag" in c) return c
  if (c.repair === null || c.repair.stage !== stage)
    return reject("WrongStage", `this case's repair is ${c.repair === null ? "not started" : `at the stage "${c.repair.stage}"`}, not "${stage}"`)
  return { c, r: c.repair }
}

const byHandler = (c: Case, ctx: Module.EventContext): Module.Rejection | undefined =>
  handlers(c).includes(ctx.identity!) ? undefined : reject("NotAHandler", "only the case's facilitators (or, when none were named, the justice prime group's seats at filing) record this")

const consent = Module.eventType<State, Bodies.Consent>({
  body: Bodies.Consent,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = openCase(state, body.case, ctx)
    if ("_tag" in c) return c
    if (c.repair !== null && c.repair.stage !== "consent") return reject("RepairStarted", "repair has started already: every party consented")
    const ps = parties(c)
    if (!ps.includes(ctx.identity!)) return reject("NotAParty", "only the parties consent to repair")
    for (const f of body.facilitators) {
      const id = hex(f)
      if (ps.includes(id)) return reject("FacilitatorIsAParty", "a facilitator cannot be a party to the case")
      if (ctx.statusOf(id) !== "full") return reject("NotAMember", "a facilitator must be a full member")
    }
    if (body.facilitators.length === 0 && c.handlers.length === 0)
      return reject("NoHandlers", "no justice prime group was seated when the case was filed: name a facilitator")
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    const named = sorted(body.facilitators)
    const consents = put(c.repair?.consents ?? {}, ctx.identity!, named)
    const ps = parties(c)
    const lists = ps.map((p) => consents[p])
    const agreed = lists.every((l) => l !== undefined && l.join() === named.join())
    const repair: Repair = {
      consents,
      stage: agreed ? "pre-circle" : "consent",
      facilitators: agreed ? named : [],
      met: [],
      agreement: null
    }
    return withCase(state, { ...c, repair })
  }
})

const met = Module.eventType<State, Bodies.Met>({
  body: Bodies.Met,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = inRepair(state, body.case, ctx, "pre-circle")
    if ("_tag" in r) return r
    const refused = byHandler(r.c, ctx)
    if (refused) return refused
    const party = hex(body.party)
    if (!parties(r.c).includes(party)) return reject("NotAParty", "a facilitator meets the case's parties")
    if (r.r.met.includes(party)) return reject("AlreadyMet", "this party's pre-circle meeting is recorded already")
    return undefined
  },
  apply: (state, body) => {
    const c = state.cases[hex(body.case)]!
    const r = c.repair!
    const metNow = [...r.met, hex(body.party)].sort()
    const all = parties(c).every((p) => metNow.includes(p))
    return withCase(state, { ...c, repair: { ...r, met: metNow, stage: all ? "circle" : "pre-circle" } })
  }
})

const agree = Module.eventType<State, Bodies.Agree>({
  body: Bodies.Agree,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = inRepair(state, body.case, ctx, "circle")
    if ("_tag" in r) return r
    const refused = byHandler(r.c, ctx)
    if (refused) return refused
    for (const a of body.actions) {
      if (ctx.statusOf(hex(a.owner)) !== "full") return reject("NotAMember", "each action's owner must be a full member")
      if (a.due <= ctx.communityTime) return reject("DueInThePast", `each action is due after now (${when(ctx.communityTime)})`)
    }
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    const agreement = {
      key: ctx.key,
      by: ctx.identity!,
      at: ctx.communityTime,
      actions: body.actions.map((a) => ({ owner: hex(a.owner), due: a.due })),
      accepted: [],
      checks: body.actions.map(() => null)
    }
    return withCase(state, { ...c, repair: { ...c.repair!, agreement } })
  }
})

const accept = Module.eventType<State, Bodies.Accept>({
  body: Bodies.Accept,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = inRepair(state, body.case, ctx, "circle")
    if ("_tag" in r) return r
    if (!parties(r.c).includes(ctx.identity!)) return reject("NotAParty", "only the parties accept the circle's agreement")
    const a = r.r.agreement
    if (a === null || a.key !== hex(body.agreement) || !seen(ctx, a.key)) return reject("NotTheAgreement", "accept the circle's latest agreement")
    if (a.accepted.includes(ctx.identity!)) return reject("AlreadyAccepted", "you accepted this agreement already")
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    const r = c.repair!
    const a = r.agreement!
    const accepted = [...a.accepted, ctx.identity!].sort()
    const all = parties(c).every((p) => accepted.includes(p))
    return withCase(state, { ...c, repair: { ...r, agreement: { ...a, accepted }, stage: all ? "post-circle" : "circle" } })
  }
})

const check = Module.eventType<State, Bodies.Check>({
  body: Bodies.Check,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = inRepair(state, body.case, ctx, "post-circle")
    if ("_tag" in r) return r
    const refused = byHandler(r.c, ctx)
    if (refused) return refused
    if (body.action >= r.r.agreement!.actions.length) return reject("UnknownAction", `the agreement has ${r.r.agreement!.actions.length} actions, numbered from 0`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    const r = c.repair!
    const a = r.agreement!
    const checks = a.checks.map((x, i) => (i === body.action ? { done: body.done, key: ctx.key, at: ctx.communityTime } : x))
    const all = checks.every((x) => x !== null)
    const repaired = all && checks.every((x) => x!.done)
    const repair: Repair = { ...r, agreement: { ...a, checks }, stage: !all ? "post-circle" : repaired ? "repaired" : "unrepaired" }
    return withCase(state, { ...c, repair, ...(repaired ? { status: "repaired" as const, ended: step(ctx) } : {}) })
  }
})

// --- the review ------------------------------------------------------------------------------

const vote = Module.eventType<State, Bodies.Vote>({
  body: Bodies.Vote,
  authority: "member",
  validate: (state, body, ctx) => {
    const c = openCase(state, body.case, ctx)
    if ("_tag" in c) return c
    if (c.weight !== "community") return reject("DecidedByPrimeGroup", "the justice prime group decides this case: there is no community vote")
    const me = ctx.identity!
    if (!c.electorate.includes(me)) return reject("NotInElectorate", "only the full members at filing vote in a case")
    if (me !== c.affected && c.electorate.includes(c.affected) && ctx.communityTime < c.filed + DAY) {
      const spoke = c.votes.some((v) => v.member === c.affected && v.round === c.round && seen(ctx, v.key))
      if (!spoke) return reject("AffectedSpeaksFirst", `the affected person votes first; others may vote after ${new Date(c.filed + DAY).toISOString().slice(0, 16).replace("T", " ")} UTC`)
    }
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    return withCase(state, { ...c, votes: [...c.votes, { member: ctx.identity!, option: body.option, key: ctx.key, at: ctx.communityTime, round: c.round }] })
  }
})

/** The review's tally as the event sees it: votes in its past, by members still full there. */
export const tallyAt = (c: Case, ctx: Module.EventContext): Tally.Result =>
  Tally.count(c.votes, c.electorate, c.round, (v) => seen(ctx, v.key) && ctx.statusOf(v.member) === "full")

const decidedBy = (ctx: Module.EventContext): DecidedBy =>
  ctx.warrant._tag === "Decision" && ctx.warrant.body._tag === "Community" ? "community" : "prime"

const decisionKey = (ctx: Module.EventContext): string => (ctx.warrant._tag === "Decision" ? ctx.warrant.decision : ctx.key)

const expiryRefusal = (state: State, until: number, ctx: Module.EventContext): Module.Rejection | undefined => {
  if (until <= ctx.communityTime) return reject("ExpiryInThePast", "a restriction's expiry must be after the decision")
  const max = ctx.communityTime + state.params.maxDays * DAY
  if (until > max) return reject("ExpiryTooLong", `a restriction lasts at most ${state.params.maxDays} days from its decision (until ${when(max)} at the latest)`)
  return undefined
}

const decide = Module.eventType<State, Bodies.Decide>({
  body: Bodies.Decide,
  authority: "prime",
  validate: (state, body, ctx) => {
    const c = openCase(state, body.case, ctx)
    if ("_tag" in c) return c
    const by = decidedBy(ctx)
    if ((c.weight === "community" || body.option === "removal") && by !== "community")
      return reject("NeedsCommunityDecision", body.option === "removal" ? "removal always takes a community decision" : "this case is decided by the community")
    if (by === "prime" && Ask.justiceSeats(ctx).some((m) => parties(c).includes(m)))
      return reject("PartyOnPrimeGroup", "a party to this case sits in the justice prime group: nobody decides their own case, so a community decision decides it")
    if (state.restrictions[ctx.key] !== undefined || c.decisions.some((d) => d.key === ctx.key))
      return reject("AlreadyDecided", "this decision already decided on this case")
    if (c.weight === "community") {
      const t = tallyAt(c, ctx)
      if (t.choice === null) return reject("NoVotes", "no vote of the case's electorate counts yet: the community has not chosen")
      if (t.choice !== body.option)
        return reject("NotTheReviewsChoice", `the electorate chose "${t.choice}"${t.tie ? " (a tie goes back to discussion)" : ""}, not "${body.option}"`)
    }
    if (repairUnderWay(c) && body.option !== "warning" && body.option !== "restriction")
      return reject("RepairUnderWay", "while repair is under way only a protective warning or restriction may be decided: it comes before repair, never instead")
    if (body.option === "removal" && !("member" in c.about)) return reject("NotAMemberCase", "only a member can be removed")
    const rung = rungOf(body.option)
    if (rung > 0) {
      const top = rungAt(state, subjectOf(c), ctx)
      if (rung > top + 1)
        return reject("SkipsARung", `the ladder climbs one rung at a time: the next rung here is "${RUNGS[Math.min(top, RUNGS.length - 1)]}"`)
    }
    if (body.until !== undefined) return expiryRefusal(state, body.until, ctx)
    return undefined
  },
  apply: (state, body, ctx) => {
    const c = state.cases[hex(body.case)]!
    const by = decidedBy(ctx)
    const protective = repairUnderWay(c)
    const restricts = body.option === "warning" || body.option === "restriction"
    const subject = subjectOf(c)
    const deciders = by === "prime" ? Ask.justiceSeats(ctx) : [...tallyAt(c, ctx).voters].filter((m) => c.votes.some((v) => v.member === m && v.option === body.option))
    const decision: CaseDecision = {
      key: ctx.key,
      decision: decisionKey(ctx),
      option: body.option,
      by,
      at: ctx.communityTime,
      restriction: restricts ? ctx.key : null,
      protective
    }
    const closes = !protective && body.option !== "discussion"
    const next: Case = {
      ...c,
      decisions: [...c.decisions, decision],
      round: body.option === "discussion" ? c.round + 1 : c.round,
      ...(closes ? { status: "decided" as const, ended: step(ctx) } : {})
    }
    let out = withCase(state, next)
    const rung = rungOf(body.option)
    if (rung > 0)
      out = { ...out, ladder: put(out.ladder, subject, [...(out.ladder[subject] ?? []), { rung: RUNGS[rung - 1]!, key: ctx.key, case: c.id }]) }
    if (restricts) {
      const scope = body.scope!
      const r: Restriction = {
        key: ctx.key,
        case: c.id,
        subject,
        rung: body.option as Rung,
        scope: {
          module: scope.module,
          ...(scope.types !== undefined ? { types: [...scope.types] } : {}),
          ...(scope.where !== undefined ? { where: { ...scope.where } } : {})
        },
        until: body.until!,
        reason: body.reason,
        by,
        at: ctx.communityTime,
        deciders,
        renewals: [],
        ended: null,
        appeal: null
      }
      out = { ...out, restrictions: put(out.restrictions, r.key, r) }
    }
    return out
  },
  restricts: (state, body, ctx) => {
    const r = state.restrictions[ctx.key]
    return r !== undefined && (body.option === "warning" || body.option === "restriction") ? [Restrictions.toStanding(r)] : []
  }
})

// --- lifting, renewing, parameters -----------------------------------------------------------

const restrictionOf = (state: State, ref: Uint8Array, ctx: Module.EventContext): Restriction | Module.Rejection => {
  const r = state.restrictions[hex(ref)]
  if (r === undefined || !seen(ctx, r.key)) return reject("UnknownRestriction", "no such restriction in this event's past")
  if (r.ended !== null) return reject("AlreadyEnded", `this restriction was ${r.ended.why} already`)
  if (ctx.communityTime >= expiry(r)) return reject("AlreadyEnded", `this restriction expired on ${when(expiry(r))}`)
  return r
}

const sameLevel = (state: State, r: Restriction, ctx: Module.EventContext): Module.Rejection | undefined => {
  if (decidedBy(ctx) === "community") return undefined
  if (r.by === "community") return reject("NeedsCommunityDecision", "a community decision imposed this restriction: only a community decision changes it")
  const c = state.cases[r.case]
  if (c !== undefined && Ask.justiceSeats(ctx).some((m) => parties(c).includes(m)))
    return reject("PartyOnPrimeGroup", "a party to this case sits in the justice prime group: nobody decides their own case, so a community decision decides it")
  return undefined
}

const lift = Module.eventType<State, Bodies.Lift>({
  body: Bodies.Lift,
  authority: "prime",
  validate: (state, body, ctx) => {
    const r = restrictionOf(state, body.restriction, ctx)
    if ("_tag" in r) return r
    return sameLevel(state, r, ctx)
  },
  apply: (state, body, ctx) => {
    const r = state.restrictions[hex(body.restriction)]!
    return { ...state, restrictions: put(state.restrictions, r.key, { ...r, ended: { key: ctx.key, at: ctx.communityTime, why: "lifted" } }) }
  }
})

const renew = Module.eventType<State, Bodies.Renew>({
  body: Bodies.Renew,
  authority: "prime",
  validate: (state, body, ctx) => {
    const r = restrictionOf(state, body.restriction, ctx)
    if ("_tag" in r) return r
    return sameLevel(state, r, ctx) ?? expiryRefusal(state, body.until, ctx)
  },
  apply: (state, body, ctx) => {
    const r = state.restrictions[hex(body.restriction)]!
    const renewed: Restriction = {
      ...r,
      renewals: [...r.renewals, { key: ctx.key, until: body.until, at: ctx.communityTime, by: decidedBy(ctx) }]
    }
    return { ...state, restrictions: put(state.restrictions, r.key, renewed) }
  },
  restricts: (state, body) => [Restrictions.toStanding(state.restrictions[hex(body.restriction)]!)]
})

const params = Module.eventType<State, Bodies.Params>({
  body: Bodies.Params,
  authority: "community",
  apply: (state, body) => ({
    ...state,
    params: {
      maxDays: body.maxDays ?? state.params.maxDays,
      appealDays: body.appealDays ?? state.params.appealDays,
      panelSize: body.panelSize ?? state.params.panelSize
    }
  })
})

// --- appeals ---------------------------------------------------------------------------------

const panelFor = (state: State, r: Restriction, ctx: Module.EventContext) => {
  const lot = Ask.lotSeed(ctx)
  const seed = Panel.seedOf(lot?.seed ?? "", r.key)
  const c = state.cases[r.case]!
  const excluded = [...r.deciders, ...parties(c), r.subject]
  return { seed, lot: lot === null ? null : { term: lot.term, key: lot.key }, panel: Panel.draw(seed, ctx.fullMembers(), excluded, state.params.panelSize) }
}

/** Whether the event's author may appeal `r`: its subject, or a member of the working group (or a seat of the prime group) it restricts. */
const appellant = (r: Restriction, ctx: Module.EventContext): boolean =>
  r.subject === ctx.identity ||
  (r.subject.startsWith("group/") && (Ask.groupMembers(ctx, r.subject.slice(6)) ?? []).includes(ctx.identity!)) ||
  (r.subject.startsWith("prime/") && Ask.seatsOf(ctx, r.subject.slice(6)).includes(ctx.identity!))

const appeal = Module.eventType<State, Bodies.Appeal>({
  body: Bodies.Appeal,
  authority: "member",
  validate: (state, body, ctx) => {
    const r = restrictionOf(state, body.restriction, ctx)
    if ("_tag" in r) return r
    if (!appellant(r, ctx)) return reject("NotYourRestriction", "only the person a restriction is on (or, for a working group, one of its members) appeals it")
    if (r.appeal !== null) return reject("AlreadyAppealed", "a restriction is appealed once")
    const last = r.at + state.params.appealDays * DAY
    if (ctx.communityTime > last) return reject("AppealTooLate", `an appeal comes within ${state.params.appealDays} days of the decision (by ${when(last)})`)
    if (panelFor(state, r, ctx).panel.length === 0) return reject("NoPanel", "no full member is left who did not decide this restriction and is not a party")
    return undefined
  },
  apply: (state, body, ctx) => {
    const r = state.restrictions[hex(body.restriction)]!
    const p = panelFor(state, r, ctx)
    const a: Appeal = { key: ctx.key, restriction: r.key, by: ctx.identity!, at: ctx.communityTime, seed: p.seed, lot: p.lot, panel: p.panel, stances: [], decided: null }
    return { ...state, appeals: put(state.appeals, a.key, a), restrictions: put(state.restrictions, r.key, { ...r, appeal: a.key }) }
  }
})

const appealStance = Module.eventType<State, Bodies.AppealStance>({
  body: Bodies.AppealStance,
  authority: "member",
  validate: (state, body, ctx) => {
    const a = state.appeals[hex(body.appeal)]
    if (a === undefined || !seen(ctx, a.key)) return reject("UnknownAppeal", "no such appeal in this event's past")
    if (a.decided !== null) return reject("AppealDecided", `the panel decided already: ${a.decided.verdict}`)
    if (!a.panel.includes(ctx.identity!)) return reject("NotOnThePanel", "only the members drawn for the panel hear the appeal")
    return undefined
  },
  apply: (state, body, ctx) => {
    const a = state.appeals[hex(body.appeal)]!
    const stances = [...a.stances.filter((s) => s.member !== ctx.identity), { member: ctx.identity!, verdict: body.verdict, key: ctx.key, at: ctx.communityTime }]
    // Consensus of the panel members who are still full members: one who left cannot hold it up.
    const sitting = a.panel.filter((m) => ctx.statusOf(m) === "full")
    const agreed = sitting.length > 0 && sitting.every((m) => stances.some((s) => s.member === m && s.verdict === body.verdict))
    const decided = agreed ? { verdict: body.verdict, key: ctx.key, at: ctx.communityTime } : null
    let out: State = { ...state, appeals: put(state.appeals, a.key, { ...a, stances, decided }) }
    if (decided !== null && decided.verdict === "overturn") {
      const r = out.restrictions[a.restriction]!
      if (r.ended === null) out = { ...out, restrictions: put(out.restrictions, r.key, { ...r, ended: { key: ctx.key, at: ctx.communityTime, why: "overturned" } }) }
    }
    return out
  }
})

/** The justice state machine (see `module.ts` for the typed module to register). */
export const module: Module.Module<State> = Module.make<State>({
  name: "justice",
  init,
  events: {
    "case.file": file,
    "case.fork": fork,
    "case.open": open,
    "case.speak": speak,
    "case.withdraw": withdraw,
    "repair.consent": consent,
    "repair.met": met,
    "repair.agree": agree,
    "repair.accept": accept,
    "repair.check": check,
    "case.vote": vote,
    "case.decide": decide,
    "restriction.lift": lift,
    "restriction.renew": renew,
    params,
    "appeal.file": appeal,
    "appeal.stance": appealStance
  },
  queries: Queries.all,
  standing: Restrictions.provider,
  prime: true
})
