// A small decision process for tests, registered under the name "governance" so the kernel
// takes it as the community's decider: `decide` carries actions under a warrant of the body it
// names (the community, a module's prime group or a working group), and `group.create` makes a
// working group that answers governance's `group` query on the asker's causal past. It stands
// in for @affinity/governance, whose full process the demo and bench run.
import { Body, Bytes, type Cbor, Module, Query } from "@affinity/core/module"

type Group = { readonly id: string; readonly name: string; readonly members: ReadonlyArray<string> }
export type Council = { readonly groups: { readonly [id: string]: Group } }

const Action = Body.strict({ module: Body.text(1, 32), type: Body.text(1, 64), body: Body.value })
const Decide = Body.strict({ by: Body.text(1, 80), actions: Body.array(Action, 1, 8) })
type Decide = Body.Infer<typeof Decide>
const Create = Body.strict({ name: Body.text(1, 80), members: Body.array(Body.bytes(32), 1, 64) })
type Create = Body.Infer<typeof Create>

type DecisionBody = Extract<Module.Warrant, { readonly _tag: "Decision" }>["body"]
const bodyOf = (by: string): DecisionBody =>
  by === "community" ? { _tag: "Community" } : by.startsWith("prime/") ? { _tag: "Prime", module: by.slice(6) } : { _tag: "Group", group: by.slice(6) }

export const council = Module.make<Council>({
  name: "governance",
  init: () => ({ groups: {} }),
  events: {
    decide: Module.eventType<Council, Decide>({
      body: Decide,
      authority: "member",
      apply: (s) => s,
      effects: (_s, body, ctx) =>
        body.actions.map((a) => ({
          _tag: "Apply" as const,
          module: a.module,
          type: a.type,
          body: a.body,
          warrant: { _tag: "Decision" as const, body: bodyOf(body.by), decision: ctx.key }
        }))
    }),
    "group.create": Module.eventType<Council, Create>({
      body: Create,
      authority: "member",
      apply: (s, body, ctx) => ({ groups: { ...s.groups, [ctx.key]: { id: ctx.key, name: body.name, members: body.members.map(Bytes.toHex).sort() } } })
    })
  },
  queries: {
    group: Query.make<Council, { readonly group: string }, Cbor.Value>({
      args: Body.strict({ group: Body.text(64, 64) }),
      answer: (s, { group }, ctx) => {
        const g = Object.hasOwn(s.groups, group) ? s.groups[group] : undefined
        if (!g || !ctx.happenedBefore(g.id)) return null
        return { id: g.id, name: g.name, mandate: [], members: [...g.members], active: true }
      }
    })
  }
})

/** A decision by `by` (`community`, `prime/expression`, `group/<id>`) carrying `actions`. */
export const decide = (by: string, ...actions: ReadonlyArray<{ readonly module: string; readonly type: string; readonly body: Cbor.Value }>) => ({
  module: "governance",
  type: "decide",
  body: { by, actions: actions.map((a) => ({ module: a.module, type: a.type, body: a.body })) } as Cbor.Value
})

/** A working group of `members` (identities, hex). */
export const createGroup = (name: string, members: ReadonlyArray<string>) => ({
  module: "governance",
  type: "group.create",
  body: { name, members: members.map((m) => Bytes.fromHex(m)!) } as Cbor.Value
})
