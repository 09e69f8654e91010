/**
 * Standing: one gate for restrictions, in every module (`docs/protocol.md` §8, "Standing").
 *
 * A module that keeps restrictions (justice restricting a member's privileges, defense
 * restricting outsiders, administration enforcing membership rules) provides
 * {@link Provider}: the restrictions in force on a subject. Before any direct act of any
 * module, and before any action a decision carries, the host asks every module that
 * provides standing, in module-name order; the first restriction whose {@link Scope} covers
 * the act and whose `until` community time has not come refuses it with a `Restricted`
 * rejection naming the deciding body and until when.
 *
 * Restrictions are strong facts: a restriction imposed by event `R` also refuses the
 * subject's acts that `R` had not seen and that sort before it in the fold order (the
 * module returns it from `apply`, in `Applied.restricts`); acts that sort after `R` meet it in
 * the state.
 *
 * @module
 */
import * as Bytes from "./Bytes.ts"

/**
 * Who an act is by, as a string: an identity (hex) for a member or applicant; a device key
 * (hex) for a key no identity holds yet; and for an action a decision carries, the deciding
 * body: `community`, `prime/<module>` or `group/<group id>`.
 */
export type Subject = string

/** What a restriction stops. Absent fields match everything. */
export interface Scope {
  /** The module whose acts it stops. */
  readonly module?: string
  /** The event types of that module it stops. */
  readonly types?: ReadonlyArray<string>
  /**
   * Body fields the act must carry, with these values, to be stopped (a channel, an
   * account). Byte strings in a body compare as lower-case hex.
   */
  readonly where?: { readonly [field: string]: string | number | boolean }
}

/** One restriction in force on a subject. */
export interface Restriction {
  readonly subject: Subject
  readonly scope: Scope
  /** Community time (ms) from which it no longer holds, or `null` until it is lifted. */
  readonly until: number | null
  /** The deciding body, in plain words ("the justice prime group", "a community decision"). */
  readonly by: string
  /** Why, in plain words. */
  readonly reason: string
  /** Key of the event that imposed it. */
  readonly key: string
}

/**
 * What a module that keeps restrictions provides: the restrictions in force on `subject` in
 * its state (lifted ones left out; the host checks `until` against community time). Pure and
 * synchronous, like a query.
 */
export interface Provider<S> {
  restrictions(state: S, subject: Subject): ReadonlyArray<Restriction>
}

/** An act standing is asked about. */
export interface Act {
  readonly module: string
  readonly type: string
  /** The decoded body. */
  readonly body: unknown
}

/** Acts standing never stops: they only take power away from their author. */
export const exempt = (act: Pick<Act, "module" | "type">): boolean =>
  act.module === "core" && (act.type === "member.leave" || act.type === "device.revoke")

/** The subject a decision's deciding body is. */
export const bodySubject = (
  body: { readonly _tag: "Community" } | { readonly _tag: "Prime"; readonly module: string } | { readonly _tag: "Group"; readonly group: string }
): Subject => (body._tag === "Community" ? "community" : body._tag === "Prime" ? `prime/${body.module}` : `group/${body.group}`)

/** Whether a restriction's scope covers an act. */
export const covers = (scope: Scope, act: Act): boolean => {
  if (scope.module !== undefined && scope.module !== act.module) return false
  if (scope.types !== undefined && !scope.types.includes(act.type)) return false
  if (scope.where !== undefined) {
    const body = act.body
    if (body === null || typeof body !== "object") return false
    for (const [field, value] of Object.entries(scope.where)) {
      const got = (body as Record<string, unknown>)[field]
      const plain = got instanceof Uint8Array ? Bytes.toHex(got) : got
      if (plain !== value) return false
    }
  }
  return true
}

/** Whether a restriction holds at community time `time` and covers `act`. */
export const stops = (r: Restriction, act: Act, time: number): boolean => (r.until === null || time < r.until) && covers(r.scope, act)

/** A UTC date and time people read, from community time. */
const when = (time: number): string => {
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

/** The rejection of an act a restriction stops. */
export const refusal = (r: Restriction, act: Pick<Act, "module" | "type">): { readonly _tag: "Restricted"; readonly message: string } => ({
  _tag: "Restricted",
  message: `${r.by} restricted this from ${act.module}/${act.type} ${r.until === null ? "until it is lifted" : `until ${when(r.until)}`}: ${r.reason}`
})
