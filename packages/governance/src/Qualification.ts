/**
 * Qualifications for working groups: a group created with `requires: { module, qualification }`
 * admits by `group.join` only members whom that module calls qualified. Governance keeps no
 * qualifications itself and reads no other module's state: it asks the named module the
 * well-known query {@link QUERY} (`docs/protocol.md` §8 "Queries", §12 G6), which answers on
 * the joining event's causal past.
 *
 * A module that keeps qualifications answers it:
 *
 * ```ts
 * import { Body, Module, Query } from "@affinity/core/module"
 * import * as Governance from "@affinity/governance/module"
 *
 * type Grants = { readonly grants: ReadonlyArray<{ readonly member: string; readonly qualification: string; readonly key: string; readonly ended: string | null }> }
 * const skills = Module.make<Grants>({
 *   name: "skills",
 *   init: () => ({ grants: [] }),
 *   events: {},
 *   queries: {
 *     [Governance.Qualification.QUERY]: Query.make<Grants, { readonly identity: string; readonly qualification: string }, boolean>({
 *       args: Body.strict({ identity: Body.text(64, 64), qualification: Body.text(1, 64) }),
 *       answer: (state, args, ctx) =>
 *         state.grants.some(
 *           (g) => g.member === args.identity && g.qualification === args.qualification && ctx.happenedBefore(g.key) && (g.ended === null || !ctx.happenedBefore(g.ended))
 *         )
 *     })
 *   }
 * })
 * console.log(Object.keys(skills.queries!)) // [ 'qualified' ]
 * ```
 *
 * @module
 */
import { Module, Query } from "@affinity/core/module"

/** The query governance asks of the module a group names: args `{ identity, qualification }`, answer a boolean. */
export const QUERY = "qualified"

/** What a working group requires of those who join it: a qualification, kept by a module. */
export type Requirement = {
  /** The module that keeps the qualification and answers {@link QUERY}. */
  readonly module: string
  /** The qualification's name, as that module knows it. */
  readonly qualification: string
}

/** Arguments of {@link QUERY}. */
export type Args = {
  /** The identity asking to join (hex). */
  readonly identity: string
  readonly qualification: string
}

/** {@link QUERY} of module `module`, with its answer checked to be a boolean. */
export const ref = (module: string): Query.Ref<Args, boolean> =>
  Query.ref<Args, boolean>(module, QUERY, (value) =>
    typeof value === "boolean" ? { ok: true, value } : { ok: false, message: "expected true or false" }
  )

/**
 * Whether `identity` may join a group with this requirement, judged on the joining event's
 * causal past by the module that keeps the qualification; `undefined` when it may. A group
 * without a requirement admits every full member. Refused `NotQualified` when the module says
 * no, or cannot answer (the message says which qualification is missing, who keeps it, and why).
 */
export const check = (
  groupName: string,
  requirement: Requirement | undefined,
  identity: string,
  ctx: Module.EventContext
): Module.Rejection | undefined => {
  if (requirement === undefined) return undefined
  const { module, qualification } = requirement
  const r = Query.ask(ctx, ref(module), { identity, qualification })
  if (!r.ok)
    return Module.reject(
      "NotQualified",
      `working group "${groupName}" requires the qualification "${qualification}" kept by ${module}, which could not say whether you hold it: ${r.refusal.message}`
    )
  return r.value
    ? undefined
    : Module.reject(
        "NotQualified",
        `working group "${groupName}" requires the qualification "${qualification}" kept by ${module}, and you do not hold it in this event's past; once it is granted, join again from a device that has received the grant`
      )
}
