/**
 * What the expression module asks governance: a working group's members, judged on the asking
 * event's causal past (`governance` query `group`, `docs/protocol.md` §12). The answer comes
 * from another module, so it is decoded, not trusted.
 *
 * @module
 */
import { type Module, Query } from "@affinity/core/module"

/** A working group, as governance answers it. */
export type GroupInfo = {
  readonly id: string
  readonly name: string
  readonly members: ReadonlyArray<string>
  readonly active: boolean
}

const HEX = /^[0-9a-f]{64}$/

/** Decode governance's answer: `null`, or a map with an id, a name, members and `active`. */
const decodeInfo = (value: unknown): Module.Decoded<GroupInfo | null> => {
  if (value === null) return { ok: true, value: null }
  if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) return { ok: false, message: "expected a group or null" }
  const v = value as { readonly [k: string]: unknown }
  const { id, name, members, active } = v
  if (typeof id !== "string" || !HEX.test(id)) return { ok: false, message: "id: expected a group id" }
  if (typeof name !== "string") return { ok: false, message: "name: expected a text string" }
  if (!Array.isArray(members) || !members.every((m): m is string => typeof m === "string" && HEX.test(m))) return { ok: false, message: "members: expected identities" }
  if (typeof active !== "boolean") return { ok: false, message: "active: expected true or false" }
  return { ok: true, value: { id, name, members, active } }
}

/** The typed reference to governance's `group` query. */
export const GROUP: Query.Ref<{ readonly group: string }, GroupInfo | null> = Query.ref("governance", "group", decodeInfo)

/**
 * The group `group` at the event `ctx` judges: its members and whether it can still decide, or
 * a rejection a person can act on (`UnknownGroup`, or the refusal of the ask).
 */
export const groupAt = (ctx: Module.EventContext, group: string): { readonly ok: true; readonly value: GroupInfo } | { readonly ok: false; readonly rejection: Module.Rejection } => {
  const r = Query.ask(ctx, GROUP, { group })
  if (!r.ok) return { ok: false, rejection: { _tag: "GroupUnknown", message: `the working group could not be asked about: ${r.refusal.message}` } }
  if (r.value === null) return { ok: false, rejection: { _tag: "UnknownGroup", message: "no working group with that id is in this event's past; name a group created by a decision you have seen" } }
  return { ok: true, value: r.value }
}
