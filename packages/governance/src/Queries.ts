/**
 * What governance answers other modules through the kernel's queries (`docs/protocol.md` §8
 * "Queries", §12 G9a): the lot's latest seed, the roles a member holds, and a working group.
 * Every answer is judged on the asking event's causal past, so it never changes afterwards.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * console.log(Object.keys(Governance.module.queries ?? {}).join(", ")) // group, lot.seed, roles
 * ```
 *
 * @module
 */
import { Body, type Cbor, type Module, Query } from "@affinity/core/module"
import { drawnAt, groupActive, groupMembersAt, type State, seatsAt, termAt } from "./State.ts"

/** Query names. */
export const SEED = "lot.seed"
export const ROLES = "roles"
export const GROUP = "group"
/**
 * The well-known query governance asks (it does not answer it) of every module that answers it,
 * in name order, at `group.join` and at draws: `{ identity }` → `{ cap, roles, why? }`, a cap of
 * concurrent roles, the roles held in that module (`group/<id>`) and, optionally, why the cap is
 * what it is (the refusal then says so). A module that keeps a role cap (administration) answers
 * it; see `docs/protocol.md` (§8, §9, §12 G8a).
 */
export const ROLE_CAP = "roles.cap"

/** The answer of {@link SEED}: the latest term drawn in the asking event's past. */
export type Seed = {
  readonly term: number
  /** Hex of the term's seed (G8). */
  readonly seed: string
  /** Key of the recorded draw. */
  readonly key: string
} | null

/** One role a member holds (an answer of {@link ROLES}). */
export type Role =
  | {
    readonly kind: "prime"
    /** The prime group (a module's name). */
    readonly group: string
    readonly term: number
  }
  | {
    readonly kind: "group"
    /** The working group's id (key of the decision that created it). */
    readonly group: string
    readonly name: string
  }

/** The answer of {@link GROUP}. */
export type GroupInfo = {
  readonly id: string
  readonly name: string
  /** `module/type` actions it may decide, sorted. */
  readonly mandate: ReadonlyArray<string>
  /** Members in the asking event's past, sorted. */
  readonly members: ReadonlyArray<string>
  /** Whether it can still decide at the asking event's community time. */
  readonly active: boolean
} | null

const latestDrawn = (state: State, ctx: Module.EventContext) => {
  for (let t = state.lastTerm; t >= 0; t--) {
    const drawn = drawnAt(state, t, ctx)
    if (drawn) return drawn
  }
  return undefined
}

/** The latest term drawn at the asking event, its seed and draw; `null` while none is. */
export const seed: Query.Query<State> = Query.make<State, Record<string, never>, Cbor.Value>({
  args: Body.strict({}),
  answer: (state, _args, ctx): Cbor.Value => {
    const drawn = latestDrawn(state, ctx)
    return drawn ? { term: drawn.term, seed: drawn.seed, key: drawn.key } : null
  }
})

/**
 * The roles `identity` holds at the asking event: a seat in a prime group of the term current at
 * the event's community time (when that term is drawn in its past), and membership of every
 * working group that can still decide. Sorted: prime seats by group, then groups by id.
 */
export const roles: Query.Query<State> = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity: Body.text(64, 64) }),
  answer: (state, { identity }, ctx): Cbor.Value => {
    const out: Array<Cbor.Value> = []
    const term = termAt(state, ctx.params, ctx.communityTime)
    const drawn = drawnAt(state, term, ctx)
    if (drawn)
      for (const g of Object.keys(drawn.groups).sort())
        if (seatsAt(state, term, g, ctx).includes(identity)) out.push({ kind: "prime", group: g, term })
    for (const id of Object.keys(state.groups).sort()) {
      const group = state.groups[id]!
      if (!ctx.happenedBefore(id) && id !== ctx.key) continue
      if (!groupActive(group, ctx.communityTime)) continue
      if (groupMembersAt(group, ctx).includes(identity)) out.push({ kind: "group", group: id, name: group.name })
    }
    return out
  }
})

/** A working group as judged at the asking event; `null` when it does not exist in its past. */
export const group: Query.Query<State> = Query.make<State, { readonly group: string }, Cbor.Value>({
  args: Body.strict({ group: Body.text(64, 64) }),
  answer: (state, args, ctx): Cbor.Value => {
    const g = state.groups[args.group]
    if (!g || !ctx.happenedBefore(g.id)) return null
    return {
      id: g.id,
      name: g.name,
      mandate: [...g.mandate],
      members: [...groupMembersAt(g, ctx)],
      active: groupActive(g, ctx.communityTime)
    }
  }
})

/** Every query governance answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = { [GROUP]: group, [SEED]: seed, [ROLES]: roles }
