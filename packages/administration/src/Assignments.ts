/**
 * Assignments and rotation (`docs/protocol.md` §14, A5): members opt in to a working
 * group's pool; a deciding body assigns a member to a role for whole cycles, or draws from the
 * pool by lot, ranked with the seed of governance's latest drawn term, so anyone can check the
 * draw from the log. Every way in meets the same limits: no one frozen, no more consecutive
 * cycles in one role than the rules allow, no more concurrent roles than the cap (prime seats
 * and working groups included), no more hours per cycle than the cap. A holiday freeze starts
 * at the next cycle boundary; ending it takes effect at once.
 *
 * @module
 */
import { Bytes, Hash, Module, Query } from "@affinity/core/module"
import * as Bodies from "./Bodies.ts"
import { day, deciderOf, governanceRoles, hex, idOf, isRejection, reject, who, workingGroup } from "./Common.ts"
import {
  type Assignment,
  assignmentsAt,
  consecutiveBefore,
  cycleAt,
  cycleStart,
  DAY,
  frozenAt,
  poolAt,
  probationEnds,
  rulesAt,
  seen,
  standsAt,
  type State
} from "./State.ts"

/** The roles `member` holds at this event and cycle: governance's, and assignments here (`group/<id>`), sorted without repeats. */
export const rolesOf = (state: State, member: string, cycle: number, ctx: Module.EventContext): ReadonlyArray<string> => {
  const roles = new Set(governanceRoles(member, ctx))
  for (const a of assignmentsAt(state, cycle, ctx)) if (a.member === member) roles.add(`group/${a.group}`)
  return [...roles].sort()
}

/** Hours `member` is assigned in cycle `cycle`, for this event. */
export const hoursOf = (state: State, member: string, cycle: number, ctx: Module.EventContext): number =>
  assignmentsAt(state, cycle, ctx).reduce((n, a) => (a.member === member ? n + a.hours : n), 0)

/**
 * Why `member` may not take `role` in `group` for `hours` a cycle from cycle `cycle` on (every
 * cycle it covers is checked), or `undefined` when they may.
 */
export const mayTake = (
  state: State,
  a: { readonly group: string; readonly role: string; readonly member: string; readonly hours: number; readonly cycles: number },
  ctx: Module.EventContext
): Module.Rejection | undefined => {
  const rules = rulesAt(state, ctx)
  const first = cycleAt(state, rules, ctx.communityTime)
  if (ctx.statusOf(a.member) !== "full") return reject("NotAMember", `${who(a.member)} is not a full member in this event's past`)
  const ends = probationEnds(state, a.member, ctx, rules)
  if (ends !== undefined) return reject("InProbation", `${who(a.member)} takes roles once their probation ends, on ${day(ends)}`)
  const stop = ctx.mayAct(a.member, "administration", "assign", { group: a.group })
  if (stop) return stop
  for (let c = first; c < first + a.cycles; c++) {
    const start = Math.max(ctx.communityTime, cycleStart(state, rules, c))
    if (frozenAt(state, a.member, start, ctx))
      return reject("Frozen", `${who(a.member)} is on a holiday freeze in the cycle from ${day(cycleStart(state, rules, c))}`)
    const held = assignmentsAt(state, c, ctx).filter((x) => x.member === a.member)
    if (held.some((x) => x.group === a.group && x.role === a.role))
      return reject("AlreadyAssigned", `${who(a.member)} already holds "${a.role}" in the cycle from ${day(cycleStart(state, rules, c))}`)
    const roles = new Set(governanceRoles(a.member, ctx))
    for (const x of held) roles.add(`group/${x.group}`)
    if (!roles.has(`group/${a.group}`) && roles.size + 1 > rules.roleCap)
      return reject("RoleCap", `${who(a.member)} already holds ${roles.size} roles and the cap is ${rules.roleCap}: nobody's management should turn into a full-time job`)
    const hours = held.reduce((n, x) => n + x.hours, 0)
    if (rules.hoursPerCycle > 0 && hours + a.hours > rules.hoursPerCycle)
      return reject("HoursCap", `${who(a.member)} would work ${hours + a.hours} hours in a cycle and the cap is ${rules.hoursPerCycle}`)
  }
  if (consecutiveBefore(state, a.group, a.role, a.member, first, ctx) + a.cycles > rules.consecutive)
    return reject("RotationLimit", `${who(a.member)} would hold "${a.role}" more than ${rules.consecutive} cycles in a row; the role rotates`)
  return undefined
}

const inGroup = (group: Uint8Array, ctx: Module.EventContext) => {
  const g = workingGroup(idOf(group), ctx)
  return isRejection(g) ? g : undefined
}

/** `pool.join` (member): opt in to be drawn for a working group's roles. */
export const poolJoin: Module.EventType<State> = Module.eventType<State, Bodies.Pool>({
  body: Bodies.Pool,
  authority: "member",
  validate: (state, b, ctx) =>
    inGroup(b.group, ctx) ??
    (poolAt(state, idOf(b.group), ctx).includes(ctx.identity!) ? reject("AlreadyInPool", "you are in this group's pool already") : undefined),
  apply: (state, b, ctx) => ({
    ...state,
    pools: [...state.pools, { key: ctx.key, group: idOf(b.group), member: ctx.identity!, at: ctx.communityTime, ended: null }]
  })
})

/** `pool.leave` (member): opt out. */
export const poolLeave: Module.EventType<State> = Module.eventType<State, Bodies.Pool>({
  body: Bodies.Pool,
  authority: "member",
  validate: (state, b, ctx) => (poolAt(state, idOf(b.group), ctx).includes(ctx.identity!) ? undefined : reject("NotInPool", "you are not in this group's pool")),
  apply: (state, b, ctx) => {
    const group = idOf(b.group)
    return {
      ...state,
      pools: state.pools.map((p) => (p.group === group && p.member === ctx.identity && p.ended === null && seen(ctx, p.key) ? { ...p, ended: ctx.key } : p))
    }
  }
})

const assignment = (b: Bodies.Assign, member: string, how: "decision" | "lot", state: State, ctx: Module.EventContext): Assignment => ({
  key: ctx.key,
  group: idOf(b.group),
  role: b.role,
  member,
  hours: b.hours,
  from: cycleAt(state, rulesAt(state, ctx), ctx.communityTime),
  cycles: b.cycles,
  how,
  by: deciderOf(ctx),
  at: ctx.communityTime,
  ended: null
})

/** `assign` (mandate): a deciding body assigns a member to a role. */
export const assign: Module.EventType<State> = Module.eventType<State, Bodies.Assign>({
  body: Bodies.Assign,
  authority: "mandate",
  validate: (state, b, ctx) =>
    inGroup(b.group, ctx) ?? mayTake(state, { group: idOf(b.group), role: b.role, member: idOf(b.member), hours: b.hours, cycles: b.cycles }, ctx),
  apply: (state, b, ctx) => ({ ...state, assignments: [...state.assignments, assignment(b, idOf(b.member), "decision", state, ctx)] })
})

const seedRef = Query.ref<Record<string, never>, { readonly term: number; readonly seed: string } | null>("governance", "lot.seed", (v) => {
  if (v === null) return { ok: true, value: null }
  if (typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) return { ok: false, message: "expected a seed or null" }
  const r = v as { readonly term?: unknown; readonly seed?: unknown }
  return typeof r.term === "number" && typeof r.seed === "string" && /^[0-9a-f]{64}$/.test(r.seed)
    ? { ok: true, value: { term: r.term, seed: r.seed } }
    : { ok: false, message: "expected { term, seed }" }
})

const LOT_DOMAIN = Bytes.utf8("affinity/administration/lot/v1\u0000")

/**
 * A pool member's score in a lot: SHA-256 of the domain, the term's seed, the group id, the
 * role (UTF-8) and a zero byte, the round (4 bytes, big-endian) and the member's identity.
 * Lowest score first; ties (never in practice) by identity.
 */
export const score = (seed: string, group: string, role: string, round: number, member: string): string => {
  const r = new Uint8Array(4)
  new DataView(r.buffer).setUint32(0, round)
  return hex(Hash.sha256(Bytes.concat(LOT_DOMAIN, Bytes.fromHex(seed)!, Bytes.fromHex(group)!, Bytes.utf8(role), Uint8Array.of(0), r, Bytes.fromHex(member)!)))
}

/** The pool of a lot ranked by {@link score}. */
export const rank = (seed: string, group: string, role: string, round: number, pool: ReadonlyArray<string>): ReadonlyArray<string> =>
  pool
    .map((m) => ({ m, s: score(seed, group, role, round, m) }))
    .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.m < b.m ? -1 : a.m > b.m ? 1 : 0))
    .map((x) => x.m)

type Drawn = {
  readonly term: number
  readonly seed: string
  readonly round: number
  readonly ranked: ReadonlyArray<string>
  readonly skipped: ReadonlyArray<{ readonly member: string; readonly why: string }>
  readonly drawn: ReadonlyArray<string>
}

/** The outcome of a lot at this event, or why it cannot be drawn. */
export const drawLot = (state: State, b: Bodies.AssignLot, ctx: Module.EventContext): Drawn | Module.Rejection => {
  const seed = Query.ask(ctx, seedRef, {})
  if (!seed.ok) return reject("NoSeed", `a lot needs governance's seed, which could not be read: ${seed.refusal.message}`)
  if (seed.value === null) return reject("NoSeed", "a lot is ranked with the seed of the latest drawn term, and no term is drawn in this event's past")
  const group = idOf(b.group)
  const round = state.lots.filter((l) => l.group === group && l.role === b.role).length
  const ranked = rank(seed.value.seed, group, b.role, round, poolAt(state, group, ctx))
  const skipped: Array<{ member: string; why: string }> = []
  const drawn: Array<string> = []
  for (const m of ranked) {
    if (drawn.length >= b.seats) break
    const no = mayTake(state, { group, role: b.role, member: m, hours: b.hours, cycles: b.cycles }, ctx)
    if (no) skipped.push({ member: m, why: no._tag })
    else drawn.push(m)
  }
  if (drawn.length === 0) return reject("NobodyEligible", `nobody in the pool of this group can take "${b.role}" now (${skipped.length} in the pool were left out)`)
  return { term: seed.value.term, seed: seed.value.seed, round, ranked, skipped, drawn }
}

/** `assign.lot` (mandate): draw members for a role from the group's opt-in pool. */
export const assignLot: Module.EventType<State> = Module.eventType<State, Bodies.AssignLot>({
  body: Bodies.AssignLot,
  authority: "mandate",
  validate: (state, b, ctx) => {
    const g = inGroup(b.group, ctx)
    if (g) return g
    const d = drawLot(state, b, ctx)
    return isRejection(d) ? d : undefined
  },
  apply: (state, b, ctx) => {
    const d = drawLot(state, b, ctx) as Drawn
    const group = idOf(b.group)
    return {
      ...state,
      assignments: [...state.assignments, ...d.drawn.map((m) => assignment({ ...b, member: Bytes.fromHex(m)! }, m, "lot", state, ctx))],
      lots: [...state.lots, { key: ctx.key, group, role: b.role, term: d.term, seed: d.seed, round: d.round, ranked: d.ranked, skipped: d.skipped, drawn: d.drawn, at: ctx.communityTime }]
    }
  }
})

const ending = (who: "body" | "member") =>
  Module.eventType<State, Bodies.EndAssignment>({
    body: Bodies.EndAssignment,
    authority: who === "body" ? "mandate" : "member",
    validate: (state, b, ctx) => {
      const key = idOf(b.assignment)
      const mine = state.assignments.filter((a) => a.key === key && standsAt(ctx, a.key, a.ended) && (who === "body" || a.member === ctx.identity))
      return mine.length === 0
        ? reject("UnknownAssignment", who === "body" ? "there is no assignment in force with this key" : "you hold no assignment in force with this key")
        : undefined
    },
    apply: (state, b, ctx) => {
      const key = idOf(b.assignment)
      return {
        ...state,
        assignments: state.assignments.map((a) =>
          a.key === key && a.ended === null && seen(ctx, a.key) && (who === "body" || a.member === ctx.identity) ? { ...a, ended: ctx.key } : a
        )
      }
    }
  })

/** `assign.end` (mandate): a deciding body ends an assignment (every member of it, for a lot). */
export const assignEnd: Module.EventType<State> = ending("body")

/** `assign.leave` (member): a member steps down from their own assignment. */
export const assignLeave: Module.EventType<State> = ending("member")

/** `freeze` (member): a holiday from the start of the next cycle, for whole cycles. */
export const freeze: Module.EventType<State> = Module.eventType<State, Bodies.Freeze>({
  body: Bodies.Freeze,
  authority: "member",
  validate: (state, _b, ctx) =>
    state.freezes.some((f) => f.member === ctx.identity && standsAt(ctx, f.key, f.ended) && f.until > ctx.communityTime)
      ? reject("AlreadyFrozen", "you have a freeze in force or to come; end it first")
      : undefined,
  apply: (state, b, ctx) => {
    const rules = rulesAt(state, ctx)
    const from = cycleStart(state, rules, cycleAt(state, rules, ctx.communityTime) + 1)
    return {
      ...state,
      freezes: [...state.freezes, { key: ctx.key, member: ctx.identity!, from, until: from + b.cycles * rules.cycleDays * DAY, at: ctx.communityTime, ended: null }]
    }
  }
})

/** `unfreeze` (member): end one's freeze now (or cancel one to come). */
export const unfreeze: Module.EventType<State> = Module.eventType<State, Bodies.Unfreeze>({
  body: Bodies.Unfreeze,
  authority: "member",
  validate: (state, _b, ctx) =>
    state.freezes.some((f) => f.member === ctx.identity && standsAt(ctx, f.key, f.ended) && f.until > ctx.communityTime)
      ? undefined
      : reject("NotFrozen", "you have no freeze in force or to come"),
  apply: (state, _b, ctx) => ({
    ...state,
    freezes: state.freezes.map((f) => (f.member === ctx.identity && f.ended === null && seen(ctx, f.key) && f.until > ctx.communityTime ? { ...f, ended: ctx.key } : f))
  })
})
