// shed.ts: two modules that meet only through the kernel. `skills` keeps who may use what
// and answers the query `holds`; `shed` lends tools, asks `skills` before it lends one that
// needs a skill, keeps damage reports whose words travel in the event's payload, and keeps
// suspensions that stop a member from borrowing until a date.
import { Body, EventBodies, Module, Query, Standing } from "@affinity/core/module"

/** A member, as modules name them: their identity, 64 lower-case hex characters. */
const Identity = Body.pattern(/^[0-9a-f]{64}$/, "an identity (64 lower-case hex characters)")
/** A tool's or a skill's name: `chainsaw`, `hedge-trimmer`. */
const Name = Body.pattern(/^[a-z][a-z0-9-]{0,31}$/, "a name of lower-case letters, digits and dashes (at most 32)")

/** Who signed an event: the author's identity (a key no identity holds yet stands for itself). */
const who = (ctx: Module.EventContext): string => ctx.identity ?? ctx.device

// ---- skills: who may use what ------------------------------------------------------------

/** A grant, with its causal bounds: the event that made it and the event that ended it. */
export type Grant = { readonly member: string; readonly skill: string; readonly key: string; readonly ended: string | null }
export type Skills = { readonly grants: ReadonlyArray<Grant> }

const SkillBody = Body.strict({ member: Identity, skill: Name })
type SkillBody = Body.Infer<typeof SkillBody>

/** Whether a grant counts for the event being judged: made in its causal past, not ended there. */
const counts = (g: Grant, ctx: Module.EventContext): boolean => ctx.happenedBefore(g.key) && (g.ended === null || !ctx.happenedBefore(g.ended))

/** Whether a grant is this member's, of this skill, and counts for the event being judged. */
const held = (body: SkillBody, ctx: Module.EventContext) => (g: Grant): boolean =>
  g.member === body.member && g.skill === body.skill && counts(g, ctx)

/** Skills, granted and revoked by community decisions; answers `holds` on the asker's causal past. */
export const skills = EventBodies.typed<{ readonly grant: SkillBody; readonly revoke: SkillBody }>()(
  Module.make<Skills>({
    name: "skills",
    init: () => ({ grants: [] }),
    events: {
      grant: Module.eventType<Skills, SkillBody>({
        body: SkillBody,
        authority: "community",
        apply: (state, body, ctx) => ({ grants: [...state.grants, { ...body, key: ctx.key, ended: null }] })
      }),
      revoke: Module.eventType<Skills, SkillBody>({
        body: SkillBody,
        authority: "community",
        validate: (state, body, ctx) =>
          state.grants.some(held(body, ctx))
            ? undefined
            : Module.reject("NotGranted", `that member holds no ${body.skill} skill in this decision's past, so there is nothing to revoke`),
        apply: (state, body, ctx) => ({ grants: state.grants.map((g) => (held(body, ctx)(g) ? { ...g, ended: ctx.key } : g)) })
      })
    },
    queries: {
      holds: Query.make<Skills, SkillBody, boolean>({
        args: SkillBody,
        answer: (state, args, ctx) => state.grants.some(held(args, ctx))
      })
    }
  }),
  "skills"
)

// ---- shed: tools lent among members ------------------------------------------------------

/** A tool: the skill it needs (or `null`), who has it now (or `null`), and the event that added it. */
export type Tool = { readonly skill: string | null; readonly holder: string | null; readonly added: string }
/** A damage report: the words are the event's payload, which the fold never sees. */
export type Report = { readonly tool: string; readonly by: string; readonly key: string }
/** A member stopped from borrowing until `until` (community time, ms), by a decision. */
export type Suspension = { readonly member: string; readonly until: number; readonly reason: string; readonly key: string }
export type Shed = {
  readonly tools: { readonly [name: string]: Tool }
  readonly reports: ReadonlyArray<Report>
  readonly suspensions: ReadonlyArray<Suspension>
}

const ToolAdd = Body.strict({ tool: Name, skill: Body.nullable(Name) })
const ToolBody = Body.strict({ tool: Name })
const Suspend = Body.strict({ member: Identity, until: Body.int(0, Number.MAX_SAFE_INTEGER), reason: Body.text(1, 200) })

/** The body of each event type of `shed`, for clients that check appends when they compile. */
export type ShedEvents = {
  readonly "tool.add": Body.Infer<typeof ToolAdd>
  readonly borrow: Body.Infer<typeof ToolBody>
  readonly return: Body.Infer<typeof ToolBody>
  readonly report: Body.Infer<typeof ToolBody>
  readonly suspend: Body.Infer<typeof Suspend>
}

/** The query shed asks: the answer comes from another module, so it is checked, not trusted. */
const holds = Query.ref<SkillBody, boolean>("skills", "holds", (value) =>
  typeof value === "boolean" ? { ok: true, value } : { ok: false, message: "expected true or false" }
)

/** The tool of that name the event being judged has seen added (own keys only: no `toString`). */
const toolOf = (state: Shed, name: string, ctx: Module.EventContext): Tool | undefined => {
  const tool = Object.hasOwn(state.tools, name) ? state.tools[name] : undefined
  return tool !== undefined && ctx.happenedBefore(tool.added) ? tool : undefined
}

const withHolder = (state: Shed, name: string, holder: string | null): Shed => ({
  ...state,
  tools: { ...state.tools, [name]: { ...state.tools[name]!, holder } }
})

/** A suspension as the standing gate reads it: it stops `shed/borrow` and nothing else. */
const restriction = (s: Suspension): Standing.Restriction => ({
  subject: s.member,
  scope: { module: "shed", types: ["borrow"] },
  until: s.until,
  by: "a community decision",
  reason: s.reason,
  key: s.key
})

const noTool = (name: string) => Module.reject("UnknownTool", `the shed has no ${name} (none was added in this event's past)`)

/** The tool shed: tools added by decision, borrowed and returned by members, damage reports, suspensions. */
export const shed = EventBodies.typed<ShedEvents>()(
  Module.make<Shed>({
    name: "shed",
    requires: ["skills"],
    init: () => ({ tools: {}, reports: [], suspensions: [] }),
    events: {
      "tool.add": Module.eventType<Shed, ShedEvents["tool.add"]>({
        body: ToolAdd,
        authority: "community",
        validate: (state, body) => (Object.hasOwn(state.tools, body.tool) ? Module.reject("ToolExists", `the shed has a ${body.tool} already`) : undefined),
        apply: (state, body, ctx) => ({ ...state, tools: { ...state.tools, [body.tool]: { skill: body.skill, holder: null, added: ctx.key } } })
      }),
      borrow: Module.eventType<Shed, ShedEvents["borrow"]>({
        body: ToolBody,
        authority: "member",
        validate: (state, body, ctx) => {
          const tool = toolOf(state, body.tool, ctx)
          if (tool === undefined) return noTool(body.tool)
          if (tool.holder !== null) return Module.reject("OnLoan", `the ${body.tool} is out on loan; borrow it once it is returned`)
          if (tool.skill === null) return undefined
          const answer = Query.ask(ctx, holds, { member: who(ctx), skill: tool.skill })
          if (!answer.ok) return Module.reject("NoAnswer", `skills could not say whether you may use the ${body.tool}: ${answer.refusal.message}`)
          return answer.value
            ? undefined
            : Module.reject("NoSkill", `the ${body.tool} needs the ${tool.skill} skill, which the community grants by decision`)
        },
        apply: (state, body, ctx) => withHolder(state, body.tool, who(ctx))
      }),
      return: Module.eventType<Shed, ShedEvents["return"]>({
        body: ToolBody,
        authority: "member",
        validate: (state, body, ctx) => {
          const tool = toolOf(state, body.tool, ctx)
          if (tool === undefined) return noTool(body.tool)
          return tool.holder === who(ctx) ? undefined : Module.reject("NotYours", `you do not have the ${body.tool}; only whoever borrowed it returns it`)
        },
        apply: (state, body) => withHolder(state, body.tool, null)
      }),
      report: Module.eventType<Shed, ShedEvents["report"]>({
        body: ToolBody,
        authority: "member",
        validate: (state, body, ctx) => (toolOf(state, body.tool, ctx) === undefined ? noTool(body.tool) : undefined),
        apply: (state, body, ctx) => ({ ...state, reports: [...state.reports, { tool: body.tool, by: who(ctx), key: ctx.key }] })
      }),
      suspend: Module.eventType<Shed, ShedEvents["suspend"]>({
        body: Suspend,
        authority: "community",
        validate: (_state, body, ctx) =>
          body.until > ctx.communityTime ? undefined : Module.reject("AlreadyOver", "a suspension must end after the decision that makes it; pick a later date"),
        apply: (state, body, ctx) => ({ ...state, suspensions: [...state.suspensions, { ...body, key: ctx.key }] }),
        // A strong fact: the suspended member's borrows this decision had not seen do not count either.
        restricts: (_state, body, ctx) => [restriction({ ...body, key: ctx.key })]
      })
    },
    standing: { restrictions: (state, subject) => state.suspensions.filter((s) => s.member === subject).map(restriction) }
  }),
  "shed"
)
