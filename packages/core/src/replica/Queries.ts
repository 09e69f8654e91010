/**
 * Queries between modules (`docs/protocol.md` §8, "Queries"): a module's query answered
 * from its state at the fold position of the asking event, with that event's context.
 *
 * @module
 */
import type * as Cbor from "../Cbor.ts"
import type * as Module from "../Module.ts"
import * as Query from "../Query.ts"
import type { Folding } from "./Folding.ts"

/**
 * Answer module `moduleName`'s query `queryName` from its state at the fold position of the
 * context's event (the state the step has made so far), with that event's context (one whose
 * `ask` refuses). Never throws (see {@link Module.EventContext.ask}).
 */
export const answer = (folding: Folding, moduleName: string, queryName: string, args: Cbor.Value, ctx: Module.EventContext): Query.Answer => {
  const module = folding.modules.get(moduleName)
  if (!module) return Query.refuse("UnknownModule", `this community runs no module named ${moduleName}, so nothing answers ${moduleName}/${queryName}`)
  const queries = module.queries
  const query = queries !== undefined && Object.hasOwn(queries, queryName) ? queries[queryName] : undefined
  if (!query) return Query.refuse("UnknownQuery", `module ${moduleName} answers no query named ${queryName}`)
  const decoded = query.decode(args)
  if (!decoded.ok) return Query.refuse("InvalidArgs", `${moduleName}/${queryName}: ${decoded.message}`)
  try {
    return { ok: true, value: query.answer(folding.states[moduleName]!, decoded.value, ctx) }
  } catch (e) {
    return Query.refuse("QueryFailed", `${moduleName}/${queryName} failed instead of answering: ${e instanceof Error ? e.message : String(e)}`)
  }
}
