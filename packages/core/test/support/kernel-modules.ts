/**
 * Small modules that exercise the kernel: restrictions with standing (`quiet`), plain member
 * acts (`notes`), a stand-in decision process (`council`), and a query between modules
 * (`badges` answers, `doors` asks).
 */
import { Module, Query, Standing } from "@affinity/core"
import * as v from "valibot"

type Entry = {
  readonly subject: string
  readonly module: string | null
  readonly channel: string | null
  readonly until: number | null
  readonly key: string
  readonly lifted: string | null
}
export type Quiet = { readonly entries: ReadonlyArray<Entry> }

const restriction = (e: Entry): Standing.Restriction => ({
  subject: e.subject,
  scope: { ...(e.module === null ? {} : { module: e.module }), ...(e.channel === null ? {} : { where: { channel: e.channel } }) },
  until: e.until,
  by: "a community decision",
  reason: "a cooling-off period agreed in a circle",
  key: e.key
})

const RestrictBody = v.strictObject({ subject: v.string(), module: v.nullable(v.string()), channel: v.nullable(v.string()), until: v.nullable(v.number()) })

/** Keeps restrictions, imposed and lifted only by community decisions. */
export const quiet = Module.make<Quiet>({
  name: "quiet",
  init: () => ({ entries: [] }),
  events: {
    restrict: Module.eventType<Quiet, v.InferOutput<typeof RestrictBody>>({
      body: RestrictBody,
      authority: "community",
      apply: (state, body, ctx) => ({ entries: [...state.entries, { ...body, key: ctx.key, lifted: null }] }),
      restricts: (state, _body, ctx) => state.entries.filter((e) => e.key === ctx.key).map(restriction)
    }),
    lift: Module.eventType<Quiet, { readonly subject: string }>({
      body: v.strictObject({ subject: v.string() }),
      authority: "community",
      apply: (state, body, ctx) => ({ entries: state.entries.map((e) => (e.subject === body.subject && e.lifted === null ? { ...e, lifted: ctx.key } : e)) })
    })
  },
  standing: { restrictions: (state, subject) => state.entries.filter((e) => e.subject === subject && e.lifted === null).map(restriction) }
})

export type Notes = { readonly posts: ReadonlyArray<string> }

/** Posts in channels (a member's own act) and pins (a community decision's). */
export const notes = Module.make<Notes>({
  name: "notes",
  init: () => ({ posts: [] }),
  events: {
    post: Module.eventType<Notes, { readonly channel: string; readonly text: string }>({
      body: v.strictObject({ channel: v.string(), text: v.string() }),
      authority: "member",
      apply: (state, body) => ({ posts: [...state.posts, `${body.channel}: ${body.text}`] })
    }),
    pin: Module.eventType<Notes, { readonly text: string }>({
      body: v.strictObject({ text: v.string() }),
      authority: "community",
      validate: (state, body) => (state.posts.includes(body.text) ? Module.reject("AlreadyPinned", `"${body.text}" is pinned already`) : undefined),
      apply: (state, body) => ({ posts: [...state.posts, body.text] })
    })
  }
})

/** One action a `council` decision carries. */
export type Action = { readonly module: string; readonly type: string; readonly body: Record<string, unknown> }

/** A stand-in decision process: a member's `decide` carries its actions under one community warrant. */
export const council = Module.make<{ readonly decided: number }>({
  name: "council",
  init: () => ({ decided: 0 }),
  events: {
    decide: Module.eventType<{ readonly decided: number }, { readonly actions: ReadonlyArray<Action> }>({
      body: v.strictObject({ actions: v.array(v.strictObject({ module: v.string(), type: v.string(), body: v.record(v.string(), v.any()) })) }),
      authority: "member",
      apply: (state) => ({ decided: state.decided + 1 }),
      effects: (_state, body, ctx) =>
        body.actions.map((a) => ({
          _tag: "Apply" as const,
          module: a.module,
          type: a.type,
          body: a.body as never,
          warrant: { _tag: "Decision" as const, body: { _tag: "Community" as const }, decision: ctx.key }
        }))
    })
  }
})

type Badge = { readonly member: string; readonly key: string; readonly ended: string | null }
export type Badges = { readonly badges: ReadonlyArray<Badge> }

/** Badges members give each other; answers `holds` on the asking event's causal past. */
export const badges = Module.make<Badges>({
  name: "badges",
  init: () => ({ badges: [] }),
  events: {
    give: Module.eventType<Badges, { readonly member: string }>({
      body: v.strictObject({ member: v.string() }),
      authority: "member",
      apply: (state, body, ctx) => ({ badges: [...state.badges, { member: body.member, key: ctx.key, ended: null }] })
    }),
    take: Module.eventType<Badges, { readonly member: string }>({
      body: v.strictObject({ member: v.string() }),
      authority: "member",
      apply: (state, body, ctx) => ({
        badges: state.badges.map((b) => (b.member === body.member && b.ended === null && ctx.happenedBefore(b.key) ? { ...b, ended: ctx.key } : b))
      })
    })
  },
  queries: {
    holds: Query.make<Badges, { readonly member: string }, boolean>({
      args: v.strictObject({ member: v.string() }),
      answer: (state, args, ctx) =>
        state.badges.some((b) => b.member === args.member && ctx.happenedBefore(b.key) && (b.ended === null || !ctx.happenedBefore(b.ended)))
    })
  }
})

export type Doors = { readonly opened: ReadonlyArray<string> }

const holds = Query.ref<{ readonly member: string }, boolean>("badges", "holds", (value) =>
  typeof value === "boolean" ? { ok: true, value } : { ok: false, message: "expected a boolean" }
)

/** Opens only for a member `badges` says holds a badge. */
export const doors = Module.make<Doors>({
  name: "doors",
  requires: ["badges"],
  init: () => ({ opened: [] }),
  events: {
    open: Module.eventType<Doors, Record<string, never>>({
      body: v.strictObject({}),
      authority: "member",
      validate: (_state, _body, ctx) => {
        const r = Query.ask(ctx, holds, { member: ctx.identity! })
        if (!r.ok) return Module.reject("NoAnswer", r.refusal.message)
        return r.value ? undefined : Module.reject("NoBadge", "you hold no badge in this event's past")
      },
      apply: (state, _body, ctx) => ({ opened: [...state.opened, ctx.identity!] })
    })
  }
})
