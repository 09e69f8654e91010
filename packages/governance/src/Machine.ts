/**
 * The governance module's event types: proposals and stances, closing with an outcome (and
 * the actions a passed decision carries), working groups, onion commitments and reveals, and
 * the draws that seat the prime working groups. Every rule is stated in `docs/protocol.md`, §12.
 *
 * @module
 */
import { Bytes, Module } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import * as Lot from "./Lot.ts"
import * as Paper from "./Paper.ts"
import * as Queries from "./Queries.ts"
import { decide, versionDecided, versionSeen } from "./Outcome.ts"
import * as Qualification from "./Qualification.ts"
import {
  type Action,
  actionName,
  actionsOf,
  carrying,
  type Decision,
  drawnAt,
  groupActive,
  groupMembersAt,
  type Group,
  init,
  insertSorted,
  MAX_WINDOW,
  MIN_WINDOW,
  type PrimeGroup,
  type Proposal,
  proposalOf,
  type Reveal,
  revealCutoff,
  type Scope,
  seatsAt,
  type Stance,
  type State,
  type Term,
  type TermGroup,
  termAt,
  termStart,
  withFields,
  withProposal
} from "./State.ts"

const reject = Module.reject
const hex = Bytes.toHex
const short = (id: string) => `${id.slice(0, 12)}…`
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The qualification hook of working groups: whether `identity` may join `group`. A group that
 * names a requirement asks the module keeping the qualification (see {@link Qualification}),
 * judged on the joining event's causal past; a group without one admits every full member.
 */
export const qualifies = (_state: State, group: Group, identity: string, ctx: Module.EventContext): Module.Rejection | undefined =>
  Qualification.check(group.name, group.requires, identity, ctx)

/**
 * Whether `identity` is at a cap of concurrent roles that a module answering `roles.cap` ({@link Queries.ROLE_CAP})
 * keeps, judged on this event's past: its roles there and here (prime seats when `seats`,
 * working groups always) already fill the cap, and taking `adding` (a `group/<id>`) would add
 * one; `undefined` when it is not (or no module keeps a cap).
 */
export const roleCap = (state: State, identity: string, adding: string | null, seats: boolean, ctx: Module.EventContext): Module.Rejection | undefined => {
  const modules = ctx.answering?.(Queries.ROLE_CAP) ?? []
  if (modules.length === 0) return undefined
  const own = Queries.roles.answer(state, { identity }, ctx) as ReadonlyArray<{ readonly kind: string; readonly group: string }>
  const mine = own.filter((r) => seats || r.kind === "group").map((r) => (r.kind === "prime" ? `prime/${r.group}` : `group/${r.group}`))
  for (const m of modules) {
    const r = ctx.ask(m, Queries.ROLE_CAP, { identity })
    if (!r.ok || r.value === null || typeof r.value !== "object" || Array.isArray(r.value) || r.value instanceof Uint8Array) continue
    const { cap, roles, why } = r.value as { readonly cap?: unknown; readonly roles?: unknown; readonly why?: unknown }
    if (typeof cap !== "number" || !Array.isArray(roles)) continue
    const held = new Set([...mine, ...roles.filter((x): x is string => typeof x === "string")])
    if (adding !== null && held.has(adding)) continue
    if (held.size + 1 > cap)
      return reject(
        "RoleCap",
        typeof why === "string"
          ? `${m}: ${why}`
          : `you already hold ${held.size} role${held.size === 1 ? "" : "s"} and the community's cap (kept by ${m}) is ${cap}: step down from one first`
      )
  }
  return undefined
}

/** Event types that are a member's own act and cannot be carried as a decision's action. */
const OWN_ACTS = new Set([
  "proposal.open",
  "stance",
  "proposal.amend",
  "proposal.withdraw",
  "proposal.close",
  "group.join",
  "group.leave",
  "lot.commit",
  "lot.reveal",
  "term.draw",
  "prime.resign",
  "paper.record",
  "paper.attest"
])

const ownAct = (type: string, ctx: Module.EventContext): Module.Rejection | undefined =>
  ctx.warrant._tag === "Direct"
    ? undefined
    : reject("NotAnAction", `governance/${type} is a member's own act; a decision cannot carry it`)

const toScope = (body: Bodies.ScopeBody | undefined): Scope =>
  body === undefined || body === "community"
    ? { _tag: "Community" }
    : "prime" in body
      ? { _tag: "Prime", module: body.prime }
      : { _tag: "Group", group: hex(body.group) }

const scopeText = (scope: Scope): string =>
  scope._tag === "Community" ? "the community" : scope._tag === "Prime" ? `the ${scope.module} prime group` : `working group ${short(scope.group)}`

/** Whether the community has prime working group `group` (one of the context's `primeModules`). */
const knownPrime = (group: PrimeGroup, ctx: Module.EventContext): Module.Rejection | undefined =>
  ctx.primeModules.includes(group)
    ? undefined
    : reject(
        "UnknownPrimeGroup",
        `this community has no ${group} prime group; its prime groups are ${ctx.primeModules.join(", ")}`
      )

/** The proposal a body names, when it exists and is in the event's causal past. */
const known = (state: State, id: Uint8Array, ctx: Module.EventContext): Proposal | Module.Rejection => {
  const key = hex(id)
  const p = proposalOf(state, key)
  return p && ctx.happenedBefore(key)
    ? p
    : reject("UnknownProposal", `no proposal ${short(key)} in this event's past; sync with the community and try again`)
}

const isRejection = (x: object): x is Module.Rejection => "_tag" in x && "message" in x

const notOpen = (p: Proposal): Module.Rejection =>
  reject("AlreadyClosed", `proposal "${p.title}" is ${p.status}; it was decided by ${p.decision ? short(p.decision.key) : "an earlier event"}`)

/** The actions a body carries: its `actions`, its one `action`, or none. */
const carried = (body: { readonly action?: Action; readonly actions?: ReadonlyArray<Action> }): ReadonlyArray<Action> =>
  body.actions ?? (body.action === undefined ? [] : [body.action])

/** How a message names action `i` of `n`: nothing for a single action, `action 2 of 3: ` otherwise. */
const which = (i: number, n: number): string => (n > 1 ? `action ${i + 1} of ${n}: ` : "")

/** Checks shared by opening and amending: the deciding body, its process and each action. */
const checkBody = (
  state: State,
  scope: Scope,
  process: Proposal["process"],
  actions: ReadonlyArray<Action>,
  ctx: Module.EventContext
): Module.Rejection | undefined => {
  const n = actions.length
  for (const [i, action] of actions.entries())
    if (action.module === "governance" && OWN_ACTS.has(action.type))
      return reject("NotAnAction", `${which(i, n)}governance/${action.type} is a member's own act; a decision cannot carry it`)
  if (process === "poll" && n > 0)
    return reject("PollCarriesNoAction", `a poll records opinions and carries no action; use consensus or consent`)
  if (scope._tag === "Community") return undefined
  if (scope._tag === "Prime") {
    const unknown = knownPrime(scope.module, ctx)
    if (unknown) return unknown
  }
  if (process !== "consensus")
    return reject("ProcessNotAllowed", `${scopeText(scope)} decides by consensus of its members; use process "consensus"`)
  if (scope._tag === "Prime") {
    for (const [i, action] of actions.entries())
      if (action.module !== scope.module)
        return reject(
          "OutsideMandate",
          `${which(i, n)}the ${scope.module} prime group decides ${scope.module} actions only; ${actionName(action)} needs the ${action.module} prime group or the community`
        )
    const term = termAt(state, ctx.params, ctx.communityTime)
    const drawn = state.terms[String(term)]
    const seats = drawnAt(state, term, ctx) ? seatsAt(state, term, scope.module, ctx) : []
    const size = drawn?.size ?? ctx.params.primeSize
    if (seats.length < size || seats.length === 0)
      return reject(
        "PrimeShortOfSeats",
        drawn
          ? `the ${scope.module} prime group has ${seats.length} of ${size} seats filled; it cannot decide, so propose this to the community`
          : `term ${term} has not been drawn yet (send governance/term.draw), so the ${scope.module} prime group cannot decide; propose this to the community`
      )
    return undefined
  }
  const group = state.groups[scope.group]
  if (!group || !ctx.happenedBefore(group.id)) return reject("UnknownGroup", `no working group ${short(scope.group)} in this event's past`)
  if (group.disbanded) return reject("GroupDisbanded", `working group "${group.name}" was disbanded`)
  if (!groupActive(group, ctx.communityTime))
    return reject("GroupExpired", `working group "${group.name}" expired at ${iso(group.expiry ?? 0)}; propose this to the community`)
  for (const [i, action] of actions.entries())
    if (!group.mandate.includes(actionName(action)))
      return reject(
        "OutsideMandate",
        `${which(i, n)}${actionName(action)} is outside the mandate of "${group.name}" (${group.mandate.join(", ") || "empty"}); propose it to the community`
      )
  return undefined
}

const checkDeadline = (deadline: number, ctx: Module.EventContext): Module.Rejection | undefined =>
  deadline < ctx.communityTime + MIN_WINDOW
    ? reject(
        "DeadlineTooSoon",
        `the deadline ${iso(deadline)} leaves less than an hour after community time ${iso(ctx.communityTime)}; give members time to respond`
      )
    : deadline > ctx.communityTime + MAX_WINDOW
      ? reject("DeadlineTooLate", `the deadline ${iso(deadline)} is more than 90 days after community time ${iso(ctx.communityTime)}`)
      : undefined

const withGroup = (state: State, g: Group): State => withFields(state, { groups: { ...state.groups, [g.id]: g } })

type DecidingBody = Extract<Module.Warrant, { readonly _tag: "Decision" }>["body"]

const decisionBody = (scope: Scope): DecidingBody =>
  scope._tag === "Community"
    ? { _tag: "Community" }
    : scope._tag === "Prime"
      ? { _tag: "Prime", module: scope.module }
      : { _tag: "Group", group: scope.group }

/** Membership checks for a stance: the member must belong to the deciding body. */
const mayStance = (state: State, p: Proposal, member: string, ctx: Module.EventContext): Module.Rejection | undefined => {
  const scope = p.scope
  if (scope._tag === "Community") return undefined
  if (scope._tag === "Prime") {
    const term = termAt(state, ctx.params, ctx.communityTime)
    return seatsAt(state, term, scope.module, ctx).includes(member)
      ? undefined
      : reject("NotSeated", `only the members seated in the ${scope.module} prime group for term ${term} decide this proposal`)
  }
  const group = state.groups[scope.group]
  return group && groupMembersAt(group, ctx).includes(member)
    ? undefined
    : reject("NotInGroup", `only members of working group ${group ? `"${group.name}"` : short(scope.group)} decide this proposal; join it first`)
}

const proposalOpen = Module.eventType<State, Bodies.Open>({
  body: Bodies.Open,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("proposal.open", ctx)
    if (own) return own
    const bad = checkDeadline(body.deadline, ctx)
    if (bad) return bad
    if (body.supersedes) {
      const old = known(state, body.supersedes, ctx)
      if (isRejection(old)) return old
      if (old.status !== "open") return notOpen(old)
    }
    return checkBody(state, toScope(body.body), body.process, carried(body), ctx)
  },
  apply: (state, body, ctx) =>
    withProposal(state, {
      id: ctx.key,
      proposer: ctx.identity!,
      title: body.title,
      process: body.process,
      scope: toScope(body.body),
      deadline: body.deadline,
      opened: ctx.communityTime,
      supersedes: body.supersedes ? hex(body.supersedes) : null,
      versions: [{ key: ctx.key, text: body.text, ...carrying(carried(body)), deadline: body.deadline, at: ctx.communityTime }],
      stances: [],
      late: [],
      status: "open",
      decision: null
    })
})

const stance = Module.eventType<State, Bodies.Stance>({
  body: Bodies.Stance,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("stance", ctx)
    if (own) return own
    const p = known(state, body.proposal, ctx)
    if (isRejection(p)) return p
    if (p.status !== "open" && (p.decision === null || ctx.happenedBefore(p.decision.key))) return notOpen(p)
    const deadline = p.decision === null ? p.deadline : p.versions[p.decision.version]!.deadline
    if (ctx.communityTime >= deadline)
      return reject(
        "DeadlinePassed",
        `the deadline of "${p.title}" (${iso(deadline)}) has passed at community time ${iso(ctx.communityTime)}; stances are closed`
      )
    return mayStance(state, p, ctx.identity!, ctx)
  },
  apply: (state, body, ctx) => {
    const p = proposalOf(state, hex(body.proposal))!
    const entry: Stance = {
      member: ctx.identity!,
      stance: body.stance,
      reason: body.reason === undefined || body.reason === "" ? null : body.reason,
      key: ctx.key,
      version: versionSeen(p, ctx),
      at: ctx.communityTime
    }
    // A stance made before the deadline by a member who had not seen the proposal end (a
    // partition that healed after the close): recorded with the proposal as heard late; it
    // does not change the decision (G4).
    return withProposal(state, p.status === "open" ? { ...p, stances: [...p.stances, entry] } : { ...p, late: [...p.late, entry] })
  }
})

const mustBeProposer = (p: Proposal, ctx: Module.EventContext, what: string): Module.Rejection | undefined =>
  p.proposer === ctx.identity ? undefined : reject("NotProposer", `only the proposer (${short(p.proposer)}) can ${what} "${p.title}"`)

const amend = Module.eventType<State, Bodies.Amend>({
  body: Bodies.Amend,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("proposal.amend", ctx)
    if (own) return own
    const p = known(state, body.proposal, ctx)
    if (isRejection(p)) return p
    const who = mustBeProposer(p, ctx, "amend")
    if (who) return who
    if (p.status !== "open") return notOpen(p)
    if (ctx.communityTime >= p.deadline) return reject("DeadlinePassed", `the deadline of "${p.title}" has passed; it can no longer be amended`)
    const deadline = checkDeadline(body.deadline ?? p.deadline, ctx)
    if (deadline)
      return body.deadline === undefined
        ? reject("DeadlineTooSoon", `an amendment re-opens every stance; set a deadline at least an hour away (now ${iso(p.deadline)})`)
        : deadline
    return checkBody(state, p.scope, p.process, carried(body), ctx)
  },
  apply: (state, body, ctx) => {
    const p = proposalOf(state, hex(body.proposal))!
    const deadline = body.deadline ?? p.deadline
    return withProposal(state, {
      ...p,
      deadline,
      versions: [...p.versions, { key: ctx.key, text: body.text, ...carrying(carried(body)), deadline, at: ctx.communityTime }]
    })
  }
})

const ended = (p: Proposal, decision: Decision): Proposal => ({ ...p, status: decision.outcome, decision })

const withdraw = Module.eventType<State, Bodies.Withdraw>({
  body: Bodies.Withdraw,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("proposal.withdraw", ctx)
    if (own) return own
    const p = known(state, body.proposal, ctx)
    if (isRejection(p)) return p
    const who = mustBeProposer(p, ctx, "withdraw")
    if (who) return who
    if (p.status !== "open") return notOpen(p)
    return ctx.communityTime >= p.deadline
      ? reject("DeadlinePassed", `the deadline of "${p.title}" has passed; close it to record the outcome`)
      : undefined
  },
  apply: (state, body, ctx) => {
    const p = proposalOf(state, hex(body.proposal))!
    const version = versionSeen(p, ctx)
    const v = p.versions[version]!
    return withProposal(
      state,
      ended(p, {
        key: ctx.key,
        by: ctx.identity!,
        at: ctx.communityTime,
        outcome: "withdrawn",
        rule: "Withdrawn",
        reason: body.reason ? `withdrawn by the proposer: ${body.reason}` : "withdrawn by the proposer",
        version,
        text: v.text,
        ...carrying(actionsOf(v)),
        stances: [],
        tally: { agree: 0, abstain: 0, object: 0, block: 0, silent: 0 },
        deciders: 0,
        seats: [],
        actionEvent: null
      })
    )
  }
})

const close = Module.eventType<State, Bodies.Close>({
  body: Bodies.Close,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("proposal.close", ctx)
    if (own) return own
    const p = known(state, body.proposal, ctx)
    if (isRejection(p)) return p
    if (p.status !== "open") return notOpen(p)
    const deadline = p.versions[versionDecided(p, ctx)]!.deadline
    return ctx.communityTime < deadline
      ? reject(
          "DeadlineNotReached",
          `"${p.title}" closes at ${iso(deadline)}; community time here is ${iso(ctx.communityTime)}, so wait until members' clocks pass it`
        )
      : undefined
  },
  apply: (state, body, ctx) => {
    const p = proposalOf(state, hex(body.proposal))!
    const verdict = decide(state, p, ctx)
    const carries = verdict.outcome === "passed" && actionsOf(verdict).length > 0
    const decision: Decision = { ...verdict, key: ctx.key, by: ctx.identity!, at: ctx.communityTime, actionEvent: carries ? ctx.key : null }
    let next = withProposal(state, ended(p, decision))
    if (verdict.outcome === "passed" && p.supersedes !== null) {
      const old = proposalOf(next, p.supersedes)
      if (old && old.status === "open") {
        const v = old.versions.length - 1
        next = withProposal(
          next,
          ended(old, {
            key: ctx.key,
            by: ctx.identity!,
            at: ctx.communityTime,
            outcome: "superseded",
            rule: "Superseded",
            reason: `superseded by "${p.title}" (${short(p.id)}), which passed`,
            version: v,
            text: old.versions[v]!.text,
            ...carrying(actionsOf(old.versions[v]!)),
            stances: [],
            tally: { agree: 0, abstain: 0, object: 0, block: 0, silent: 0 },
            deciders: 0,
            seats: [],
            actionEvent: null
          })
        )
      }
    }
    return next
  },
  // A passed decision carries its actions, in order, under the decision's warrant; the host
  // applies several as one unit (all or none).
  effects: (next, body, ctx) => {
    const p = proposalOf(next, hex(body.proposal))!
    const d = p.decision
    if (d === null || d.actionEvent !== ctx.key) return []
    const warrant: Module.Warrant = { _tag: "Decision", body: decisionBody(p.scope), decision: ctx.key }
    return actionsOf(d).map((a): Module.Effect => ({ _tag: "Apply", module: a.module, type: a.type, body: a.body, warrant }))
  }
})

// --- working groups ------------------------------------------------------------------------------

const groupCreate = Module.eventType<State, Bodies.GroupCreate>({
  body: Bodies.GroupCreate,
  authority: "community",
  validate: (state, body, ctx) => {
    if (state.groups[ctx.key]) return reject("GroupExists", "this decision already created a working group")
    if (body.expiry !== undefined && body.expiry <= ctx.communityTime)
      return reject("ExpiryPassed", `the expiry ${iso(body.expiry)} is not after community time ${iso(ctx.communityTime)}`)
    for (const m of body.members) {
      const id = hex(m)
      if (ctx.statusOf(id) !== "full") return reject("NotAFullMember", `${short(id)} is not a full member and cannot be in a working group`)
    }
    return undefined
  },
  apply: (state, body, ctx) => {
    const members = [...new Set(body.members.map(hex))].sort()
    return withGroup(state, {
      id: ctx.key,
      name: body.name,
      purpose: body.purpose,
      mandate: [...new Set(body.mandate)].sort(),
      expiry: body.expiry ?? null,
      members,
      changes: members.map((member) => ({ member, key: ctx.key, joined: true })),
      created: ctx.communityTime,
      disbanded: null,
      ...(body.requires ? { requires: { module: body.requires.module, qualification: body.requires.qualification } } : {})
    })
  }
})

const knownGroup = (state: State, id: Uint8Array, ctx: Module.EventContext): Group | Module.Rejection => {
  const key = hex(id)
  const g = state.groups[key]
  return g && (g.id === ctx.key || ctx.happenedBefore(g.id)) ? g : reject("UnknownGroup", `no working group ${short(key)} in this event's past`)
}

const groupDisband = Module.eventType<State, Bodies.GroupDisband>({
  body: Bodies.GroupDisband,
  authority: "community",
  validate: (state, body, ctx) => {
    const g = knownGroup(state, body.group, ctx)
    if (isRejection(g)) return g
    return g.disbanded ? reject("GroupDisbanded", `working group "${g.name}" was already disbanded`) : undefined
  },
  apply: (state, body, ctx) => {
    const g = state.groups[hex(body.group)]!
    return withGroup(state, { ...g, disbanded: { key: ctx.key, at: ctx.communityTime, reason: body.reason } })
  }
})

const groupRenew = Module.eventType<State, Bodies.GroupRenew>({
  body: Bodies.GroupRenew,
  authority: "prime",
  validate: (state, body, ctx) => {
    const g = knownGroup(state, body.group, ctx)
    if (isRejection(g)) return g
    if (g.disbanded) return reject("GroupDisbanded", `working group "${g.name}" was disbanded`)
    return body.expiry !== null && body.expiry <= ctx.communityTime
      ? reject("ExpiryPassed", `the expiry ${iso(body.expiry)} is not after community time ${iso(ctx.communityTime)}`)
      : undefined
  },
  apply: (state, body) => {
    const g = state.groups[hex(body.group)]!
    return withGroup(state, { ...g, expiry: body.expiry })
  }
})

const groupJoin = Module.eventType<State, Bodies.GroupMembership>({
  body: Bodies.GroupMembership,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("group.join", ctx)
    if (own) return own
    const g = knownGroup(state, body.group, ctx)
    if (isRejection(g)) return g
    if (g.disbanded) return reject("GroupDisbanded", `working group "${g.name}" was disbanded`)
    if (!groupActive(g, ctx.communityTime)) return reject("GroupExpired", `working group "${g.name}" has expired`)
    if (g.members.includes(ctx.identity!)) return reject("AlreadyInGroup", `you are already a member of "${g.name}"`)
    return qualifies(state, g, ctx.identity!, ctx) ?? roleCap(state, ctx.identity!, `group/${g.id}`, true, ctx)
  },
  apply: (state, body, ctx) => {
    const g = state.groups[hex(body.group)]!
    const member = ctx.identity!
    return withGroup(state, {
      ...g,
      members: insertSorted(g.members, member),
      changes: [...g.changes, { member, key: ctx.key, joined: true }]
    })
  }
})

const groupLeave = Module.eventType<State, Bodies.GroupMembership>({
  body: Bodies.GroupMembership,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("group.leave", ctx)
    if (own) return own
    const g = knownGroup(state, body.group, ctx)
    if (isRejection(g)) return g
    return g.members.includes(ctx.identity!) ? undefined : reject("NotInGroup", `you are not a member of "${g.name}"`)
  },
  apply: (state, body, ctx) => {
    const g = state.groups[hex(body.group)]!
    const member = ctx.identity!
    return withGroup(state, {
      ...g,
      members: g.members.filter((m) => m !== member),
      changes: [...g.changes, { member, key: ctx.key, joined: false }]
    })
  }
})

// --- the lot ---------------------------------------------------------------------------------------

const commit = Module.eventType<State, Bodies.Commit>({
  body: Bodies.Commit,
  authority: "member",
  validate: (_state, _body, ctx) => ownAct("lot.commit", ctx),
  apply: (state, body, ctx) => {
    const anchor = hex(body.anchor)
    return withFields(state, { onions: { ...state.onions, [ctx.identity!]: { anchor, key: ctx.key, last: anchor, revealed: 0 } } })
  }
})

const reveal = Module.eventType<State, Bodies.Reveal>({
  body: Bodies.Reveal,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("lot.reveal", ctx)
    if (own) return own
    const member = ctx.identity!
    const previous = drawnAt(state, body.term - 1, ctx)
    if (!previous)
      return reject("RevealTooEarly", `reveals for term ${body.term} open once a draw of term ${body.term - 1} is in the reveal's past`)
    const cutoff = revealCutoff(state, ctx.params, body.term)
    if (ctx.communityTime >= cutoff)
      return reject("RevealTooLate", `reveals for term ${body.term} closed at ${iso(cutoff)}; community time here is ${iso(ctx.communityTime)}`)
    const onion = state.onions[member]
    const frozen = previous.commits.find((c) => c.member === member)
    if (!onion || !frozen || frozen.key !== onion.key)
      return reject(
        "NotCommitted",
        `your onion commitment must be in the past of the draw of term ${body.term - 1} to count for term ${body.term}; commit now and reveal in a later term`
      )
    if ((state.reveals[String(body.term)] ?? []).some((r) => r.member === member))
      return reject("AlreadyRevealed", `you already revealed for term ${body.term}`)
    return Lot.verifyLayer(body.value, Bytes.fromHex(onion.last)!)
      ? undefined
      : reject("BadReveal", "this value does not hash to your last revealed value (or anchor): reveal the next layer of your onion")
  },
  apply: (state, body, ctx) => {
    const member = ctx.identity!
    const onion = state.onions[member]!
    const value = hex(body.value)
    const term = String(body.term)
    const entry: Reveal = { member, value, key: ctx.key, at: ctx.communityTime }
    return withFields(state, {
      onions: { ...state.onions, [member]: { ...onion, last: value, revealed: onion.revealed + 1 } },
      reveals: { ...state.reveals, [term]: [...(state.reveals[term] ?? []), entry] }
    })
  }
})

/** Members who held a seat of `group` in `term`, as judged at an event (seated, refilled or resigned). */
const servedIn = (state: State, term: number, group: PrimeGroup, ctx: Module.EventContext): ReadonlyArray<string> => {
  const drawn = state.terms[String(term)]?.groups[group]
  if (!drawn) return []
  return [...new Set([...seatsAt(state, term, group, ctx), ...drawn.resigned])].sort()
}

const draw = Module.eventType<State, Bodies.Draw>({
  body: Bodies.Draw,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("term.draw", ctx)
    if (own) return own
    const recorded = state.terms[String(body.term)]
    // A draw that has a draw of its term in its past repeats it: refused. One concurrent with
    // every draw of its term that passes the other checks competes (see apply).
    if (recorded && drawnAt(state, body.term, ctx))
      return reject("AlreadyDrawn", `term ${body.term} was already drawn by ${short(recorded.key)}`)
    if (body.term > state.lastTerm + 1) return reject("PreviousTermNotDrawn", `draw term ${state.lastTerm + 1} first`)
    const start = termStart(state, ctx.params, body.term)
    if (ctx.communityTime < start)
      return reject("TermNotStarted", `term ${body.term} starts at ${iso(start)}; community time here is ${iso(ctx.communityTime)}`)
    if (body.term >= 1 && !drawnAt(state, body.term - 1, ctx))
      return reject("PreviousDrawNotSeen", `a draw of term ${body.term - 1} must be in this event's past`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const t = body.term
    const recorded = state.terms[String(t)]
    // A competing draw: the term stays as the first draw in fold order recorded it (seed,
    // seats); the competing draw only counts as having drawn the term for events after it.
    if (recorded) return withFields(state, { terms: { ...state.terms, [String(t)]: { ...recorded, draws: insertSorted(recorded.draws, ctx.key) } } })
    const previous = state.terms[String(t - 1)]
    const full = ctx.fullMembers()
    // Reveals the community had seen before the reveal cutoff, whatever the draw cites (G8).
    const cutoff = revealCutoff(state, ctx.params, t)
    const reveals = (state.reveals[String(t)] ?? [])
      .filter((r) => ctx.seenBefore(r.key, cutoff))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    const revealed = new Set(reveals.map((r) => r.member))
    const withheld = (previous?.commits ?? []).map((c) => c.member).filter((m) => !revealed.has(m))
    const seedBytes = Lot.seed(Bytes.fromHex(state.community)!, t, reveals.map((r) => Bytes.fromHex(r.value)!))
    // Commitments the community had seen by the draw (the drawer counts): every reveal for the
    // next term comes after a draw of this term, so one signed on old parents after those
    // reveals were seen counts only when w(n) members vouch for it (G8).
    const commits = Object.keys(state.onions)
      .filter((m) => ctx.seenBefore(state.onions[m]!.key, Number.POSITIVE_INFINITY))
      .sort()
      .map((member) => ({ member, key: state.onions[member]!.key }))
    const groups: Record<string, TermGroup> = {}
    // Whether a member is at their cap of roles is the same for every group: asked once each.
    const atCap = new Map<string, boolean>()
    const isCapped = (m: string): boolean => {
      let capped = atCap.get(m)
      if (capped === undefined) atCap.set(m, (capped = roleCap(state, m, null, false, ctx) !== undefined))
      return capped
    }
    // One group for each module with a prime working group, as the host tells (G8).
    for (const g of ctx.primeModules) {
      if (t === 0) {
        groups[g] = { excluded: [], ranked: [], resigned: [] }
        continue
      }
      const excluded = servedIn(state, t - 1, g, ctx)
      // Standing decides eligibility as for any act: a member restricted from holding a seat is not ranked.
      const mayAct = ctx.mayAct
      const restricted = full.filter((m) => !excluded.includes(m) && mayAct(m, "governance", "seat", { group: g }) !== undefined)
      // A member at the cap of concurrent roles a module keeps is not ranked either.
      const capped = full.filter((m) => !excluded.includes(m) && !restricted.includes(m) && isCapped(m))
      const eligible = full.filter((m) => !excluded.includes(m) && !restricted.includes(m) && !capped.includes(m))
      const ranked = Lot.rank(seedBytes, g, eligible).map((r) => r.identity)
      groups[g] = {
        excluded,
        ranked,
        resigned: [],
        ...(restricted.length === 0 ? {} : { restricted }),
        ...(capped.length === 0 ? {} : { capped })
      }
    }
    const term: Term = {
      term: t,
      key: ctx.key,
      draws: [ctx.key],
      by: ctx.identity!,
      at: ctx.communityTime,
      size: ctx.params.primeSize,
      seed: hex(seedBytes),
      reveals,
      withheld: [...withheld].sort(),
      full,
      commits,
      groups
    }
    return withFields(state, { terms: { ...state.terms, [String(t)]: term }, lastTerm: t })
  }
})

const resign = Module.eventType<State, Bodies.Resign>({
  body: Bodies.Resign,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("prime.resign", ctx)
    if (own) return own
    const unknown = knownPrime(body.group, ctx)
    if (unknown) return unknown
    const current = termAt(state, ctx.params, ctx.communityTime)
    if (body.term < current)
      return reject(
        "TermEnded",
        `term ${body.term} ended at ${iso(termStart(state, ctx.params, body.term + 1))}; a seat can only be resigned during its term, and this is term ${current}`
      )
    if (body.term > current)
      return reject(
        "TermNotStarted",
        `term ${body.term} starts at ${iso(termStart(state, ctx.params, body.term))}; community time here is ${iso(ctx.communityTime)}, in term ${current}: resign a seat of the current term only`
      )
    return seatsAt(state, body.term, body.group, ctx).includes(ctx.identity!)
      ? undefined
      : reject("NotSeated", `you do not hold a seat in the ${body.group} prime group in term ${body.term}`)
  },
  apply: (state, body, ctx) => {
    const term = state.terms[String(body.term)]!
    const g = term.groups[body.group]!
    return withFields(state, {
      terms: {
        ...state.terms,
        [String(body.term)]: { ...term, groups: { ...term.groups, [body.group]: { ...g, resigned: insertSorted(g.resigned, ctx.identity!) } } }
      }
    })
  }
})

/** The governance module, to register with a community: `Community.create({ modules: [Governance.module], … })`. */
export const module: Module.Module<State> = Module.make<State>({
  name: "governance",
  init,
  events: {
    "proposal.open": proposalOpen,
    stance,
    "proposal.amend": amend,
    "proposal.withdraw": withdraw,
    "proposal.close": close,
    "group.create": groupCreate,
    "group.disband": groupDisband,
    "group.renew": groupRenew,
    "group.join": groupJoin,
    "group.leave": groupLeave,
    "lot.commit": commit,
    "lot.reveal": reveal,
    "term.draw": draw,
    "prime.resign": resign,
    "paper.record": Paper.recordEvent,
    "paper.attest": Paper.attestEvent
  },
  queries: Queries.all
})
