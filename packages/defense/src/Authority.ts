/**
 * Who decided an act of the defense module, and whether an emergency mandate covers it. A
 * community decision may do everything; the defense prime group or a working group may
 * restrict, lift or freeze only while an emergency mandate the community granted it holds, as
 * judged on the act's causal past.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * console.log(Defense.Authority.holderOf({ _tag: "Decision", body: { _tag: "Prime", module: "defense" }, decision: "00" })) // prime/defense
 * ```
 *
 * @module
 */
import { Module, Standing } from "@affinity/core/module"
import { type EmergencyKind, type Mandate, mandateExpires, type State, seen } from "./State.ts"

/** The deciding body of a warrant as a subject string (`community`, `prime/<m>`, `group/<id>`), or `null` for a direct act. */
export const holderOf = (warrant: Module.Warrant): string | null => (warrant._tag === "Decision" ? Standing.bodySubject(warrant.body) : null)

/** The mandate of `holder` covering `kind` at the event, on its causal past, if any. */
export const mandateFor = (state: State, holder: string, kind: EmergencyKind, ctx: Module.EventContext): Mandate | undefined => {
  const isSeen = (key: string) => seen(ctx, key)
  for (const id of Object.keys(state.mandates).sort()) {
    const m = state.mandates[id]!
    if (m.holder !== holder || !m.scope.includes(kind) || !isSeen(m.key)) continue
    if (m.ended !== null && isSeen(m.ended.key)) continue
    if (ctx.communityTime < mandateExpires(m, isSeen)) return m
  }
  return undefined
}

/**
 * Whether the event's deciding body may do `kind`: a community decision always; another body
 * only under an emergency mandate. Gives the mandate used (`null` for the community), or the
 * rejection.
 */
export const emergency = (
  state: State,
  kind: EmergencyKind,
  ctx: Module.EventContext
): { readonly ok: true; readonly by: string; readonly mandate: Mandate | null } | { readonly ok: false; readonly rejection: Module.Rejection } => {
  const holder = holderOf(ctx.warrant)
  if (holder === "community") return { ok: true, by: holder, mandate: null }
  if (holder === null)
    return { ok: false, rejection: Module.reject("NeedsDecision", `only a decision can ${kind}: open a proposal that carries it`) }
  const m = mandateFor(state, holder, kind, ctx)
  if (m === undefined)
    return {
      ok: false,
      rejection: Module.reject(
        "NoEmergencyMandate",
        `${holder.startsWith("group/") ? "this working group" : "this prime group"} holds no emergency mandate to ${kind} at this time; a community decision grants one (at most 7 days), or decides this itself`
      )
    }
  return { ok: true, by: holder, mandate: m }
}
