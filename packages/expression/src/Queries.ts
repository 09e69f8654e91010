/**
 * What expression answers other modules through the kernel's queries (`docs/protocol.md` §8):
 * whether someone is a member of a private channel, and the latest public page. Each answer is
 * judged on the asking event's causal past, so it never changes afterwards.
 *
 * ```ts
 * import { Expression } from "@affinity/expression"
 *
 * console.log(Object.keys(Expression.module.queries ?? {}).join(", ")) // channel.member, page
 * ```
 *
 * @module
 */
import { Body, type Cbor, Query } from "@affinity/core/module"
import { lookup, membersAt, seen, type State } from "./State.ts"

/** Query names. */
export const MEMBER = "channel.member"
export const PAGE = "page"

const Hex = Body.pattern(/^[0-9a-f]{64}$/, "64 lower-case hex characters")

/**
 * Whether `identity` may read channel `channel` at the asking event: a member of a private
 * channel in its past, or a full member for a channel open to the community or a group. `false`
 * for a channel not in its past.
 */
export const member: Query.Query<State> = Query.make<State, { readonly channel: string; readonly identity: string }, boolean>({
  args: Body.strict({ channel: Hex, identity: Hex }),
  answer: (state, { channel, identity }, ctx) => {
    const c = lookup(state.channels, channel)
    if (!c || !seen(ctx, c.id)) return false
    return c.private ? membersAt(c, ctx).includes(identity) : ctx.statusOf(identity) === "full"
  }
})

/** The latest page published in the asking event's past: its manifest hash, decision and title; `null` while none is. */
export const page: Query.Query<State> = Query.make<State, Record<string, never>, Cbor.Value>({
  args: Body.strict({}),
  answer: (state, _args, ctx): Cbor.Value => {
    for (let i = state.pages.length - 1; i >= 0; i--) {
      const p = state.pages[i]!
      if (seen(ctx, p.key)) return { manifest: p.manifest, key: p.key, title: p.title }
    }
    return null
  }
})

/** Every query expression answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = { [MEMBER]: member, [PAGE]: page }
