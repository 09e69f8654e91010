/**
 * What the administration's event types share: who decided, in plain words and as a subject,
 * short names for members in refusals, dates people read, and the questions it asks
 * governance (working groups and the roles a member holds), all judged on the event's past.
 *
 * @module
 */
import { Bytes, type Cbor, Module, Query, Standing } from "@affinity/core/module"

/** The module's name. */
export const NAME = "administration"

export const reject = Module.reject
export const hex = Bytes.toHex

/** The deciding body of an action (`community`, `prime/<module>`, `group/<id>`), or the signer's identity for a direct act. */
export const deciderOf = (ctx: Module.EventContext): string =>
  ctx.warrant._tag === "Decision" ? Standing.bodySubject(ctx.warrant.body) : (ctx.identity ?? ctx.device)

/** A member in a refusal: the start of their identity and `…`, which readers replace with their name (`Names.explain`). */
export const who = (identity: string): string => `member ${identity.slice(0, 12)}…`

/** A UTC date people read, from community time. */
export const day = (time: number): string => new Date(time).toISOString().slice(0, 10)

/** A working group as governance answers its `group` query. */
export type GroupInfo = {
  readonly id: string
  readonly name: string
  readonly members: ReadonlyArray<string>
  readonly active: boolean
}

const isRecord = (v: Cbor.Value): v is { readonly [k: string]: Cbor.Value } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)

const groupRef = Query.ref<{ readonly group: string }, GroupInfo | null>("governance", "group", (value) => {
  if (value === null) return { ok: true, value: null }
  if (!isRecord(value) || typeof value.id !== "string" || typeof value.name !== "string" || typeof value.active !== "boolean" || !Array.isArray(value.members))
    return { ok: false, message: "expected a working group or null" }
  return { ok: true, value: { id: value.id, name: value.name, active: value.active, members: value.members.filter((m): m is string => typeof m === "string") } }
})

/**
 * The working group `group` as governance knows it on this event's past, or a refusal:
 * `UnknownGroup` when there is none, `GroupInactive` when it can no longer decide.
 */
export const workingGroup = (group: string, ctx: Module.EventContext): GroupInfo | Module.Rejection => {
  const r = Query.ask(ctx, groupRef, { group })
  if (!r.ok) return reject("UnknownGroup", `working groups are kept by governance, which could not answer: ${r.refusal.message}`)
  if (r.value === null) return reject("UnknownGroup", `there is no working group ${group.slice(0, 12)}… in this event's past`)
  if (!r.value.active) return reject("GroupInactive", `working group "${r.value.name}" can no longer decide (disbanded or expired)`)
  return r.value
}

/** Whether a value is a rejection rather than an answer. */
export const isRejection = (v: unknown): v is Module.Rejection =>
  v !== null && typeof v === "object" && typeof (v as { _tag?: unknown })._tag === "string" && typeof (v as { message?: unknown }).message === "string"

const rolesRef = Query.ref<{ readonly identity: string }, ReadonlyArray<string>>("governance", "roles", (value) => {
  if (!Array.isArray(value)) return { ok: false, message: "expected a list of roles" }
  const out: Array<string> = []
  for (const r of value) {
    if (!isRecord(r) || typeof r.group !== "string") return { ok: false, message: "expected roles with a group" }
    out.push(r.kind === "prime" ? `prime/${r.group}` : `group/${r.group}`)
  }
  return { ok: true, value: out }
})

/**
 * The roles `identity` holds in governance at this event (`prime/<module>` seats of the current
 * term, `group/<id>` memberships); none when the community runs no governance.
 */
export const governanceRoles = (identity: string, ctx: Module.EventContext): ReadonlyArray<string> => {
  const r = Query.ask(ctx, rolesRef, { identity })
  return r.ok ? r.value : []
}

/** The identity a 32-byte key in a body names, as hex. */
export const idOf = (key: Uint8Array): string => hex(key)

/** A steward as a body names it, as the state keeps it (`community` or `group/<id>`). */
export const stewardOf = (s: "community" | Uint8Array): string => (s === "community" ? "community" : `group/${hex(s)}`)
