/**
 * What justice asks other modules through the kernel's queries (`docs/protocol.md` §8, "Queries"):
 * governance for a prime group's seats, a working group's members and the lot's latest seed;
 * defense for the emergency mandates whose review is overdue; the economy for a payer's
 * overshoots. Each answer is judged on the asking event's causal past; a community that does not
 * run the module asked gets empty answers (no seats, no group, no seed, no fact), never an error.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * console.log(Justice.Ask.seedRef.query) // lot.seed
 * ```
 *
 * @module
 */
import { type Cbor, type Module, Query } from "@affinity/core/module"

const isRecord = (v: Cbor.Value): v is { readonly [k: string]: Cbor.Value } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)

const bad = (message: string): Module.Decoded<never> => ({ ok: false, message })

/** Governance's `roles` answer, read for prime seats only: the prime groups `identity` sits in. */
export const rolesRef: Query.Ref<{ readonly identity: string }, ReadonlyArray<string>> = Query.ref<{ readonly identity: string }, ReadonlyArray<string>>("governance", "roles", (v) => {
  if (!Array.isArray(v)) return bad("expected a list of roles")
  const groups: Array<string> = []
  for (const r of v as ReadonlyArray<Cbor.Value>) {
    if (!isRecord(r) || typeof r.kind !== "string" || typeof r.group !== "string") return bad("expected roles { kind, group }")
    if (r.kind === "prime") groups.push(r.group)
  }
  return { ok: true, value: groups }
})

/** Governance's `group` answer: the group's members and whether it can still decide, or `null`. */
export const groupRef: Query.Ref<{ readonly group: string }, { readonly members: ReadonlyArray<string>; readonly active: boolean } | null> = Query.ref<
  { readonly group: string },
  { readonly members: ReadonlyArray<string>; readonly active: boolean } | null
>(
  "governance",
  "group",
  (v) => {
    if (v === null) return { ok: true, value: null }
    if (!isRecord(v) || !Array.isArray(v.members) || typeof v.active !== "boolean") return bad("expected a group { members, active }")
    const members = (v.members as ReadonlyArray<Cbor.Value>).filter((m): m is string => typeof m === "string")
    return { ok: true, value: { members, active: v.active } }
  }
)

/** Governance's `lot.seed` answer: the latest drawn term, its seed (hex) and draw, or `null`. */
export const seedRef: Query.Ref<Record<string, never>, { readonly term: number; readonly seed: string; readonly key: string } | null> = Query.ref<
  Record<string, never>,
  { readonly term: number; readonly seed: string; readonly key: string } | null
>(
  "governance",
  "lot.seed",
  (v) => {
    if (v === null) return { ok: true, value: null }
    if (!isRecord(v) || typeof v.term !== "number" || typeof v.seed !== "string" || typeof v.key !== "string") return bad("expected { term, seed, key }")
    return { ok: true, value: { term: v.term, seed: v.seed, key: v.key } }
  }
)

/** A prime group's seats at the event: the full members whose roles include a seat in `module`'s prime group, sorted. */
export const seatsOf = (ctx: Module.EventContext, module: string): ReadonlyArray<string> => {
  const seats: Array<string> = []
  for (const m of ctx.fullMembers()) {
    const r = Query.ask(ctx, rolesRef, { identity: m })
    if (!r.ok) {
      if (r.refusal._tag === "UnknownModule") return []
      continue
    }
    if (r.value.includes(module)) seats.push(m)
  }
  return seats.sort()
}

/** The justice prime group's seats at the event, sorted. */
export const justiceSeats = (ctx: Module.EventContext): ReadonlyArray<string> => seatsOf(ctx, "justice")

/** One mandate of defense's `reviews.overdue` answer: its id and holder (`prime/defense` or `group/<id>`). */
export type Overdue = { readonly mandate: string; readonly holder: string; readonly due: number }

/** Defense's `reviews.overdue` answer: the emergency mandates whose review is overdue at the asking event. */
export const overdueRef: Query.Ref<Record<string, never>, ReadonlyArray<Overdue>> = Query.ref<Record<string, never>, ReadonlyArray<Overdue>>(
  "defense",
  "reviews.overdue",
  (v) => {
    if (!Array.isArray(v)) return bad("expected a list of overdue reviews")
    const out: Array<Overdue> = []
    for (const o of v as ReadonlyArray<Cbor.Value>) {
      if (!isRecord(o) || typeof o.mandate !== "string" || typeof o.holder !== "string" || typeof o.due !== "number") return bad("expected overdue reviews { mandate, holder, due }")
      out.push({ mandate: o.mandate, holder: o.holder, due: o.due })
    }
    return { ok: true, value: out }
  }
)

/** One overshoot of the economy's `overshoots` answer: the overshooting spend's key, its payer and amount. */
export type Overshoot = { readonly key: string; readonly payer: string; readonly amount: number }

/** The economy's `overshoots` answer for one payer: their overshoots in the asking event's past. */
export const overshootsRef: Query.Ref<{ readonly identity: string }, ReadonlyArray<Overshoot>> = Query.ref<{ readonly identity: string }, ReadonlyArray<Overshoot>>(
  "economy",
  "overshoots",
  (v) => {
    if (!Array.isArray(v)) return bad("expected a list of overshoots")
    const out: Array<Overshoot> = []
    for (const o of v as ReadonlyArray<Cbor.Value>) {
      if (!isRecord(o) || typeof o.key !== "string" || typeof o.payer !== "string" || typeof o.amount !== "number") return bad("expected overshoots { key, payer, amount }")
      out.push({ key: o.key, payer: o.payer, amount: o.amount })
    }
    return { ok: true, value: out }
  }
)

/** The mandate `id` as defense lists it overdue at the event, or `undefined` (not overdue there, or defense not run). */
export const overdueMandate = (ctx: Module.EventContext, id: string): Overdue | undefined => {
  const r = Query.ask(ctx, overdueRef, {})
  return r.ok ? r.value.find((o) => o.mandate === id) : undefined
}

/** `payer`'s overshoots as the economy lists them at the event (none when the economy is not run). */
export const overshootsOf = (ctx: Module.EventContext, payer: string): ReadonlyArray<Overshoot> => {
  const r = Query.ask(ctx, overshootsRef, { identity: payer })
  return r.ok ? r.value.filter((o) => o.payer === payer) : []
}

/** A working group's members at the event, or `undefined` when it does not exist there (or governance is not run). */
export const groupMembers = (ctx: Module.EventContext, group: string): ReadonlyArray<string> | undefined => {
  const r = Query.ask(ctx, groupRef, { group })
  return r.ok && r.value !== null ? [...r.value.members].sort() : undefined
}

/** The lot's latest seed at the event, or `null` (no term drawn, or governance not run). */
export const lotSeed = (ctx: Module.EventContext): { readonly term: number; readonly seed: string; readonly key: string } | null => {
  const r = Query.ask(ctx, seedRef, {})
  return r.ok ? r.value : null
}
