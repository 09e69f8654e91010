/**
 * What defense answers other modules through the kernel's queries (`docs/protocol.md` §8,
 * "Queries"). Every answer is judged on the asking event's causal past, so it never changes
 * afterwards and every replica agrees:
 *
 * - `restricted` `{ kind, subject, scope }`: whether a key, a community or a relay is blocked
 *   from `join`, `sync` or `pay` (being paid: the economy asks before crediting an outsider),
 *   by a decision here or by enough allied lists; `null`, or who decided, why and until when.
 * - `frozen` `{ scope }`: the freeze holding on `admissions`, `payments` or `channel:<id>`.
 * - `reviews.overdue` `{}`: emergency mandates whose review is overdue, for the justice module
 *   to open a case on.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * console.log(Object.keys(Defense.module.queries ?? {}).join(", ")) // frozen, restricted, reviews.overdue
 * ```
 *
 * @module
 */
import { Body, type Cbor, type Module, Query } from "@affinity/core/module"
import * as Lists from "./Lists.ts"
import { freezeBy } from "./Restrictions.ts"
import { bodyWords, FREEZE_LENGTH, type Mandate, mandateEnd, reviewDue, type ScopeKind, type State, type SubjectKind, seen } from "./State.ts"

/** Query names. */
export const RESTRICTED = "restricted"
export const FROZEN = "frozen"
export const OVERDUE = "reviews.overdue"

/** The answer of {@link RESTRICTED}. */
export type Restricted = {
  /** The deciding body, in plain words. */
  readonly by: string
  readonly reason: string
  /** Community time from which it no longer holds. */
  readonly until: number
  /** The event that imposed it (for lists, the import that completed the agreement). */
  readonly key: string
} | null

/** The answer of {@link FROZEN}. */
export type Frozen = { readonly by: string; readonly reason: string; readonly until: number; readonly key: string } | null

/** One entry of the answer of {@link OVERDUE}. */
export type Overdue = {
  readonly mandate: string
  /** `prime/defense` or `group/<id>`. */
  readonly holder: string
  /** Community time it ended. */
  readonly ended: number
  /** Community time its review was due. */
  readonly due: number
}

/** Whether `subject` is blocked from `scope` at the asking event. */
export const restrictedAt = (state: State, kind: SubjectKind, id: string, scope: ScopeKind, ctx: Pick<Module.EventContext, "key" | "happenedBefore" | "communityTime">): Restricted => {
  const isSeen = (k: string) => seen(ctx, k)
  for (const rid of Object.keys(state.restrictions).sort()) {
    const r = state.restrictions[rid]!
    if (r.subject.kind !== kind || r.subject.id !== id || r.severity !== "block" || !r.scope.includes(scope)) continue
    if (!isSeen(r.key) || (r.lifted !== null && isSeen(r.lifted.key)) || ctx.communityTime >= r.expires) continue
    return { by: bodyWords(r.by), reason: r.reason, until: r.expires, key: r.key }
  }
  const a = Lists.agreement(state, { kind, id }, scope, { time: ctx.communityTime, seen: isSeen })
  return a === undefined ? null : { by: `${bodyWords("lists")} (${a.sources.length} of them agree)`, reason: a.reasons[0]!, until: a.until, key: a.keys[a.keys.length - 1]! }
}

/** The mandates whose review is overdue at the asking event, by due date. */
export const overdueAt = (state: State, ctx: Pick<Module.EventContext, "key" | "happenedBefore" | "communityTime">): ReadonlyArray<Overdue> => {
  const isSeen = (k: string) => seen(ctx, k)
  const out: Array<Overdue> = []
  for (const id of Object.keys(state.mandates).sort()) {
    const m: Mandate = state.mandates[id]!
    if (!isSeen(m.key) || (m.review !== null && isSeen(m.review.key))) continue
    const due = reviewDue(m, isSeen)
    if (ctx.communityTime >= due) out.push({ mandate: m.id, holder: m.holder, ended: mandateEnd(m, isSeen), due })
  }
  return out.sort((a, b) => a.due - b.due || (a.mandate < b.mandate ? -1 : 1))
}

/** The answer of `restricted`. */
export const restricted: Query.Query<State> = Query.make<State, { readonly kind: SubjectKind; readonly subject: string; readonly scope: ScopeKind }, Cbor.Value>({
  args: Body.strict({ kind: Body.literal<SubjectKind>(["key", "community", "relay"]), subject: Body.text(1, 200), scope: Body.literal<ScopeKind>(["join", "sync", "pay"]) }),
  answer: (state, args, ctx) => restrictedAt(state, args.kind, args.subject, args.scope, ctx)
})

/** The answer of `frozen`. */
export const frozen: Query.Query<State> = Query.make<State, { readonly scope: string }, Cbor.Value>({
  args: Body.strict({ scope: Body.text(1, 140) }),
  answer: (state, args, ctx): Cbor.Value => {
    const isSeen = (k: string) => seen(ctx, k)
    for (const id of Object.keys(state.freezes).sort()) {
      const f = state.freezes[id]!
      if (f.scope !== args.scope || !isSeen(f.key) || (f.ended !== null && isSeen(f.ended.key))) continue
      const until = f.extensions.filter((e) => isSeen(e.key)).reduce((u, e) => Math.max(u, e.until), f.at + FREEZE_LENGTH)
      if (ctx.communityTime < until) return { by: freezeBy(f), reason: f.reasons.join("; "), until, key: f.key }
    }
    return null
  }
})

/** The answer of `reviews.overdue`. */
export const overdue: Query.Query<State> = Query.make<State, Record<string, never>, Cbor.Value>({
  args: Body.strict({}),
  answer: (state, _args, ctx) => overdueAt(state, ctx).map((o) => ({ ...o }))
})

/** Every query defense answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = { [FROZEN]: frozen, [RESTRICTED]: restricted, [OVERDUE]: overdue }
