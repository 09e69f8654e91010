// Helpers for folding expression histories through the real kernel.
import type { Event, Module, Replica } from "@affinity/core"
import { type TestKey, testKey, TestCommunity } from "@affinity/core/testing"
import { Expression, type State } from "@affinity/expression"
import { council } from "./council.ts"

export const modules: ReadonlyArray<Module.Module> = [Expression.module, council]

export const people = (): { readonly ada: TestKey; readonly bo: TestKey; readonly cy: TestKey; readonly dee: TestKey } => ({
  ada: testKey(1, "Ada"),
  bo: testKey(2, "Bo"),
  cy: testKey(3, "Cy"),
  dee: testKey(4, "Dee")
})

/** A community of Ada, Bo and Cy (and Dee when `dee`), every clock counting (one witness). */
export const world = (options: { readonly dee?: boolean } = {}) => {
  const p = people()
  const founders = options.dee ? [p.ada, p.bo, p.cy, p.dee] : [p.ada, p.bo, p.cy]
  const c = new TestCommunity(founders, { timeWitnesses: 1 })
  c.modules = modules
  return { c, ...p }
}

export const expressionOf = (r: Replica.Replica): State => r.state<State>(Expression.module)

/** The outcome of an event in one word: `Applied`, the rejection's tag, or the first failed action's tag. */
export const tag = (r: Replica.Replica, e: Event.Event): string => {
  const o = r.outcome(e.key)
  if (!o) return "missing"
  if (o._tag === "Rejected") return o.reason._tag
  const failed = o.actions.find((a) => a._tag !== "Applied")
  return failed && failed._tag === "Failed" ? failed.reason._tag : "Applied"
}
