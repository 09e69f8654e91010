/**
 * What became of a decision's actions: the host's outcome of the close that carried them
 * (`Replica.outcome(decision.actionEvent)`), one entry per action of the decision, in order.
 *
 * The host lists an action's outcome and, right after it, the outcomes of any actions that
 * action carried in turn; the actions of one decision are applied all or none, so when one
 * fails each of them is listed once, `Failed` (the failing one with its reason, the others
 * with `NotApplied`). {@link outcomes} reads that list back onto the decision's actions.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const admit = { module: "core", type: "member.admit", body: {} }
 * const decision = { action: admit, actions: [admit, admit], actionEvent: "ab".repeat(32) }
 * const results = Governance.Carried.outcomes(decision, {
 *   _tag: "Applied",
 *   actions: [
 *     { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "NotApplied", message: "not applied" } },
 *     { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "NotAnApplicant", message: "not an applicant" } }
 *   ]
 * })
 * console.log(results?.map((r) => (r._tag === "Failed" ? r.reason._tag : r._tag))) // ["NotApplied", "NotAnApplicant"]
 * ```
 *
 * @module
 */
import type { Replica } from "@affinity/core"
import { type Action, actionsOf, type Carries } from "./State.ts"

/** What a decision needs here: its actions and the event that carried them. */
export type Carrier = Carries & { readonly actionEvent: string | null }

const matches = (a: Action, o: Replica.ActionOutcome): boolean => a.module === o.module && a.type === o.type

/**
 * What became of each action of `decision`, aligned with {@link actionsOf}: `Applied`, or
 * `Failed` with the reason (`NotApplied` when another action of the decision failed and so
 * none took effect). `outcome` is the host's outcome of `decision.actionEvent`; when the
 * host rejected that event, every action failed with its reason. `undefined` when the
 * decision carried no action (it did not pass, or it had none) or the outcome does not say
 * (unknown on this copy, or not the outcome of this decision's close).
 */
export const outcomes = (decision: Carrier, outcome: Replica.Outcome | undefined): ReadonlyArray<Replica.ActionOutcome> | undefined => {
  const actions = actionsOf(decision)
  if (decision.actionEvent === null || actions.length === 0 || outcome === undefined) return undefined
  if (outcome._tag === "Rejected") return actions.map((a) => ({ _tag: "Failed", module: a.module, type: a.type, reason: outcome.reason }))
  const found: Array<Replica.ActionOutcome> = []
  let next = 0
  for (const a of actions) {
    // Outcomes of actions an action carried in turn follow it; skip to this action's own.
    while (next < outcome.actions.length && !matches(a, outcome.actions[next]!)) next++
    if (next === outcome.actions.length) return undefined
    found.push(outcome.actions[next]!)
    next++
  }
  return found
}

/**
 * The action whose failure kept a decision's actions from applying, when one failed: its
 * index in the decision's actions and its outcome (the first `Failed` whose reason is not
 * `NotApplied`). `undefined` when every action applied, or when `results` is `undefined`.
 */
export const failing = (
  results: ReadonlyArray<Replica.ActionOutcome> | undefined
): { readonly index: number; readonly outcome: Extract<Replica.ActionOutcome, { readonly _tag: "Failed" }> } | undefined => {
  if (results === undefined) return undefined
  const index = results.findIndex((r) => r._tag === "Failed" && r.reason._tag !== "NotApplied")
  const outcome = results[index]
  return outcome !== undefined && outcome._tag === "Failed" ? { index, outcome } : undefined
}
