/**
 * Test support: `bans`, a small module that provides standing: community decisions impose
 * restrictions on a subject (every act, or one module's, or some types of it) and lift them.
 */
import { Body, Module, Standing } from "@affinity/core/module"

type Ban = { readonly subject: string; readonly module: string | null; readonly types: ReadonlyArray<string>; readonly key: string; readonly lifted: string | null }
export type Bans = { readonly bans: ReadonlyArray<Ban> }

const restriction = (b: Ban): Standing.Restriction => ({
  subject: b.subject,
  scope: { ...(b.module === null ? {} : { module: b.module }), ...(b.types.length === 0 ? {} : { types: [...b.types] }) },
  until: null,
  by: "a community decision",
  reason: "a test restriction",
  key: b.key
})

const Impose = Body.strict({ subject: Body.text(1, 80), module: Body.optional(Body.text(1, 32)), types: Body.array(Body.text(1, 64), 0, 8) })

export const bans = Module.make<Bans>({
  name: "bans",
  init: () => ({ bans: [] }),
  events: {
    impose: Module.eventType<Bans, Body.Infer<typeof Impose>>({
      body: Impose,
      authority: "community",
      apply: (state, body, ctx) => ({ bans: [...state.bans, { subject: body.subject, module: body.module ?? null, types: [...body.types], key: ctx.key, lifted: null }] }),
      restricts: (state) => [restriction(state.bans[state.bans.length - 1]!)]
    })
  },
  standing: { restrictions: (state, subject) => state.bans.filter((b) => b.subject === subject && b.lifted === null).map(restriction) }
})

/** The action `bans/impose`. */
export const impose = (subject: string, module?: string, types: ReadonlyArray<string> = []) => ({
  module: "bans",
  type: "impose",
  body: { subject, ...(module === undefined ? {} : { module }), types: [...types] }
})
