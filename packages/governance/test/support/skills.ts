/**
 * Test support: `skills`, a small module that keeps qualifications and answers governance's
 * `qualified` query on the asking event's causal past. The governance conformance vectors name
 * it (`testModules.skills` in `conformance/vectors/governance.json` states its rules), so an
 * implementation in another language builds the same module to check them.
 */
import { Body, Module, Query } from "@affinity/core/module"
import * as Governance from "@affinity/governance"

/** A grant of a qualification: the event that made it and the event that ended it (query-able state, §8). */
export type Grant = { readonly member: string; readonly qualification: string; readonly key: string; readonly ended: string | null }
export type Skills = { readonly grants: ReadonlyArray<Grant> }

/** A small module that keeps qualifications and answers governance's `qualified` query on the asking event's causal past. */
export const skills = Module.make<Skills>({
  name: "skills",
  init: () => ({ grants: [] }),
  events: {
    grant: Module.eventType<Skills, { readonly member: string; readonly qualification: string }>({
      body: Body.strict({ member: Body.text(64, 64), qualification: Body.text(1, 64) }),
      authority: "member",
      apply: (state, body, ctx) => ({ grants: [...state.grants, { ...body, key: ctx.key, ended: null }] })
    }),
    revoke: Module.eventType<Skills, { readonly grant: string }>({
      body: Body.strict({ grant: Body.text(64, 64) }),
      authority: "member",
      validate: (state, body, ctx) =>
        state.grants.some((g) => g.key === body.grant && g.ended === null && ctx.happenedBefore(g.key))
          ? undefined
          : Module.reject("UnknownGrant", "no standing grant made by that event in this event's past"),
      apply: (state, body, ctx) => ({ grants: state.grants.map((g) => (g.key === body.grant ? { ...g, ended: ctx.key } : g)) })
    })
  },
  queries: {
    [Governance.Qualification.QUERY]: Query.make<Skills, Governance.Qualification.Args, boolean>({
      args: Body.strict({ identity: Body.text(64, 64), qualification: Body.text(1, 64) }),
      answer: (state, args, ctx) =>
        state.grants.some(
          (g) =>
            g.member === args.identity &&
            g.qualification === args.qualification &&
            ctx.happenedBefore(g.key) &&
            (g.ended === null || !ctx.happenedBefore(g.ended))
        )
    })
  }
})

/** `skills/grant`: `member` holds `qualification` from this event on. */
export const grant = (member: string, qualification = "bookkeeping"): Governance.Draft => ({ module: "skills", type: "grant", body: { member, qualification } })

/** `skills/revoke`: the grant made by `g` ends at this event. */
export const revoke = (g: { readonly key: string }): Governance.Draft => ({ module: "skills", type: "revoke", body: { grant: g.key } })
