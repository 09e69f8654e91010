/**
 * What the economy asks other modules through the kernel's queries (`docs/protocol.md` §8):
 * governance's `group` (a working group's members at the asking event, and whether it can
 * still decide) and administration's `resource` (a resource's stewards and custodian, when
 * administration is run and keeps it). Answers are checked, not trusted: another shape is a
 * refusal.
 *
 * @module
 */
import { type Cbor, Module, Query } from "@affinity/core/module"

/** A working group as governance answers it at the asking event. */
export type GroupInfo = {
  readonly id: string
  readonly name: string
  readonly members: ReadonlyArray<string>
  readonly active: boolean
}

const isStrings = (v: unknown): v is ReadonlyArray<string> => Array.isArray(v) && v.every((x) => typeof x === "string")
const isMap = (v: unknown): v is { readonly [k: string]: Cbor.Value } => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)

/** governance/group: `{ group }` → the group, or `null` when it is not in the asking event's past. */
export const group: Query.Ref<{ readonly group: string }, GroupInfo | null> = Query.ref<{ readonly group: string }, GroupInfo | null>("governance", "group", (value) => {
  if (value === null) return { ok: true, value: null }
  if (isMap(value) && typeof value.id === "string" && typeof value.name === "string" && isStrings(value.members) && typeof value.active === "boolean")
    return { ok: true, value: { id: value.id, name: value.name, members: value.members, active: value.active } }
  return { ok: false, message: "expected a working group ({ id, name, members, active }) or null" }
})

/** A resource under stewardship as administration answers it: its stewards (`"community"` or working groups' ids) and its custodian. */
export type Registered = {
  readonly stewards: ReadonlyArray<string>
  readonly custodian: string
  readonly personal: boolean
}

/** administration/resource: `{ id }` → the resource, or `null` when administration keeps no record of it in the asking event's past. */
export const resource: Query.Ref<{ readonly id: string }, Registered | null> = Query.ref<{ readonly id: string }, Registered | null>("administration", "resource", (value) => {
  if (value === null) return { ok: true, value: null }
  if (isMap(value) && isStrings(value.stewards) && typeof value.custodian === "string" && typeof value.personal === "boolean")
    return { ok: true, value: { stewards: value.stewards, custodian: value.custodian, personal: value.personal } }
  return { ok: false, message: "expected { stewards: [tstr], custodian: identity, personal: boolean } or null" }
})

/** The working group `id` at the event, or a rejection a person can act on. */
export const groupAt = (ctx: Module.EventContext, id: string): GroupInfo | Module.Rejection => {
  const answer = Query.ask(ctx, group, { group: id })
  if (!answer.ok)
    return Module.reject("UnknownGroup", `the working group could not be looked up (${answer.refusal._tag}: ${answer.refusal.message}); the economy needs the governance module for working groups`)
  if (answer.value === null) return Module.reject("UnknownGroup", "no such working group in this event's past; sync with the community and try again")
  return answer.value
}

/** What administration keeps of resource `id` at the event, or `undefined` when it is not run, keeps none, or answers another shape. */
export const registeredAt = (ctx: Module.EventContext, id: string): Registered | undefined => {
  const answer = Query.ask(ctx, resource, { id })
  return answer.ok && answer.value !== null ? answer.value : undefined
}

/**
 * Who tends a resource administration keeps, at the event: its custodian, and the members of
 * each working group among its stewards (the steward `"community"` acts only by decision, so
 * it names no one).
 */
export const tendersAt = (ctx: Module.EventContext, r: Registered): ReadonlyArray<string> => {
  const out = new Set<string>([r.custodian])
  for (const s of r.stewards) {
    if (s === "community") continue
    const g = Query.ask(ctx, group, { group: s })
    if (g.ok && g.value !== null && g.value.active) for (const m of g.value.members) out.add(m)
  }
  return [...out].sort()
}
