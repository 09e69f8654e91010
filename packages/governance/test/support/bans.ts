/**
 * Test support: `bans`, a small module that keeps restrictions imposed and lifted by community
 * decisions and provides standing (`docs/protocol.md` §8, "Standing"). The governance
 * conformance vectors name it (`testModules.bans` in `conformance/vectors/governance.json`
 * states its rules), so an implementation in another language builds the same module to check
 * them.
 */
import { Body, Module, Standing } from "@affinity/core/module"
import type * as Governance from "@affinity/governance"

/**
 * One restriction: who it is on, what it stops (a `null` field matches everything), when it
 * ends, why, the event that imposed it and the event that lifted it.
 */
export type Ban = {
  readonly subject: string
  readonly module: string | null
  readonly type: string | null
  readonly group: string | null
  readonly until: number | null
  readonly reason: string
  readonly key: string
  readonly lifted: string | null
}
export type Bans = { readonly bans: ReadonlyArray<Ban> }

/** The restriction a ban is, for the host's standing gate. */
const restriction = (b: Ban): Standing.Restriction => ({
  subject: b.subject,
  scope: {
    ...(b.module === null ? {} : { module: b.module }),
    ...(b.type === null ? {} : { types: [b.type] }),
    ...(b.group === null ? {} : { where: { group: b.group } })
  },
  until: b.until,
  by: "a community decision",
  reason: b.reason,
  key: b.key
})

const Impose = Body.strict({
  subject: Body.text(1, 80),
  module: Body.optional(Body.text(1, 32)),
  type: Body.optional(Body.text(1, 64)),
  group: Body.optional(Body.text(1, 64)),
  until: Body.optional(Body.int(0, Number.MAX_SAFE_INTEGER)),
  reason: Body.text(1, 400)
})

/** Keeps restrictions that only community decisions impose and lift, and provides standing. */
export const bans = Module.make<Bans>({
  name: "bans",
  init: () => ({ bans: [] }),
  events: {
    impose: Module.eventType<Bans, Body.Infer<typeof Impose>>({
      body: Impose,
      authority: "community",
      apply: (state, body, ctx) => ({
        bans: [
          ...state.bans,
          {
            subject: body.subject,
            module: body.module ?? null,
            type: body.type ?? null,
            group: body.group ?? null,
            until: body.until ?? null,
            reason: body.reason,
            key: ctx.key,
            lifted: null
          }
        ]
      }),
      // The ban just imposed is a strong fact: its subject's acts this event had not seen do not count.
      restricts: (state) => [restriction(state.bans[state.bans.length - 1]!)]
    }),
    lift: Module.eventType<Bans, { readonly ban: string }>({
      body: Body.strict({ ban: Body.text(64, 64) }),
      authority: "community",
      validate: (state, body) =>
        state.bans.some((b) => b.key === body.ban && b.lifted === null) ? undefined : Module.reject("UnknownBan", "no ban in force was imposed by that event"),
      apply: (state, body, ctx) => ({ bans: state.bans.map((b) => (b.key === body.ban && b.lifted === null ? { ...b, lifted: ctx.key } : b)) })
    })
  },
  standing: {
    restrictions: (state, subject) => state.bans.filter((b) => b.subject === subject && b.lifted === null).map(restriction)
  }
})

/** What a ban stops and until when: every field absent stops every act of its subject, for good. */
export interface Terms {
  readonly module?: string
  readonly type?: string
  readonly group?: string
  readonly until?: number
}

/** The action `bans/impose`, for a community proposal. */
export const impose = (subject: string, reason: string, terms: Terms = {}): Governance.Draft => ({
  module: "bans",
  type: "impose",
  body: { subject, ...terms, reason }
})

/** The action `bans/lift`: the ban imposed by the event `ban` (a decision's close) ends. */
export const lift = (ban: { readonly key: string } | string): Governance.Draft => ({
  module: "bans",
  type: "lift",
  body: { ban: typeof ban === "string" ? ban : ban.key }
})
