/**
 * What justice answers other modules through the kernel's queries (`docs/protocol.md` §8,
 * "Queries"): the restrictions in force on a subject, and the rung of the ladder a subject stands
 * on. Every answer is judged on the asking event's causal past: a restriction counts when the
 * decision that imposed it is in that past and the event that ended it (a lift, an appeal
 * overturning it) is not, and while its expiry is after the asking event's community time.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * console.log(Object.keys(Justice.module.queries ?? {}).join(", ")) // restrictions, rung
 * ```
 *
 * @module
 */
import { Body, type Cbor, type Module, Query } from "@affinity/core/module"
import { rungAt, type State } from "./State.ts"

/** Query names. */
export const RESTRICTIONS = "restrictions"
export const RUNG = "rung"

const seen = (ctx: Module.EventContext, key: string): boolean => key === ctx.key || ctx.happenedBefore(key)

/** The restrictions in force on `subject` at the asking event: `[{ key, scope, until, by, reason }]`, by key. */
export const restrictions: Query.Query<State> = Query.make<State, { readonly subject: string }, Cbor.Value>({
  args: Body.strict({ subject: Body.text(1, 200) }),
  answer: (state, { subject }, ctx): Cbor.Value => {
    const out: Array<Cbor.Value> = []
    for (const key of Object.keys(state.restrictions).sort()) {
      const r = state.restrictions[key]!
      if (r.subject !== subject || !seen(ctx, r.key)) continue
      if (r.ended !== null && seen(ctx, r.ended.key)) continue
      let until = r.until
      for (const n of r.renewals) if (seen(ctx, n.key)) until = n.until
      if (ctx.communityTime >= until) continue
      out.push({ key: r.key, scope: r.scope as Cbor.Value, until, by: r.by, reason: r.reason })
    }
    return out
  }
})

/** The highest rung `subject` was decided on in the asking event's past (0 to 4). */
export const rung: Query.Query<State> = Query.make<State, { readonly subject: string }, Cbor.Value>({
  args: Body.strict({ subject: Body.text(1, 200) }),
  answer: (state, { subject }, ctx): Cbor.Value => rungAt(state, subject, ctx)
})

/** Every query justice answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = { [RESTRICTIONS]: restrictions, [RUNG]: rung }
