/**
 * Membership rules the fold enforces (`docs/protocol.md` §9, "Membership rules"): before an
 * application (`core/member.apply`) or an admission (`core/member.admit`) takes effect, the
 * `core` module asks every module that answers the well-known query {@link APPLY} (or
 * {@link ADMIT}), in ascending order of name, on the event's causal past; the first refusal
 * stops it with a typed rejection. A module that keeps membership rules (administration)
 * answers them; a community whose modules answer neither takes every application, as before.
 *
 * `membership.apply` `{ device }` answers `{ refusal, perWindow, window }`: a refusal (text) or
 * `null`, and a rate the host counts itself (applications applied before this one in fold order
 * whose community time is within `window` ms of this one's; `perWindow` 0: no limit).
 * `membership.admit` `{ identity }` answers `{ refusal }`.
 *
 * @module
 */
import * as Module from "./Module.ts"

/** The query the kernel asks before an application. */
export const APPLY = "membership.apply"
/** The query the kernel asks before an admission. */
export const ADMIT = "membership.admit"

type Answer = { readonly refusal: string | null; readonly perWindow: number; readonly window: number }

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array)
const count = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0

const decodeApply = (v: unknown): Answer | undefined =>
  isRecord(v) && (v.refusal === null || typeof v.refusal === "string") && count(v.perWindow) && count(v.window)
    ? { refusal: v.refusal as string | null, perWindow: v.perWindow, window: v.window }
    : undefined

const days = (ms: number): string => {
  const d = Math.round(ms / 86_400_000)
  return d === 1 ? "day" : `${d} days`
}

/** How many of these events (the applications applied so far) have a community time at or after `since`. */
const countSince = (applications: ReadonlyArray<string>, since: number, ctx: Module.EventContext): number => {
  let n = 0
  for (const key of applications) {
    const t = ctx.timeOf?.(key)
    if (t !== undefined && t >= since) n++
  }
  return n
}

/**
 * Why the membership rules refuse this application, or `undefined`. `applications` gives the
 * keys of the applications applied before it in fold order (asked only when a rate is set).
 */
export const checkApplication = (ctx: Module.EventContext, applications: () => ReadonlyArray<string>): Module.Rejection | undefined => {
  for (const m of ctx.answering?.(APPLY) ?? []) {
    const r = ctx.ask(m, APPLY, { device: ctx.device })
    const a = r.ok ? decodeApply(r.value) : undefined
    if (a === undefined)
      return Module.reject("ApplicationRefused", `${m} keeps this community's membership rules and could not judge this application${r.ok ? "" : `: ${r.refusal.message}`}`)
    if (a.refusal !== null) return Module.reject("ApplicationRefused", a.refusal)
    if (a.perWindow > 0) {
      const n = countSince(applications(), ctx.communityTime - a.window, ctx)
      if (n >= a.perWindow)
        return Module.reject(
          "TooManyApplications",
          `this community takes ${a.perWindow} application${a.perWindow === 1 ? "" : "s"} per ${days(a.window)}, and ${n} came in the last ${days(a.window)}; apply again later`
        )
    }
  }
  return undefined
}

/** Why the membership rules refuse the admission of `identity`, or `undefined`. */
export const checkAdmission = (identity: string, ctx: Module.EventContext): Module.Rejection | undefined => {
  for (const m of ctx.answering?.(ADMIT) ?? []) {
    const r = ctx.ask(m, ADMIT, { identity })
    const refusal = r.ok && isRecord(r.value) && (r.value.refusal === null || typeof r.value.refusal === "string") ? r.value.refusal : undefined
    if (refusal === undefined)
      return Module.reject("AdmissionRefused", `${m} keeps this community's membership rules and could not judge this admission${r.ok ? "" : `: ${r.refusal.message}`}`)
    if (refusal !== null) return Module.reject("AdmissionRefused", refusal as string)
  }
  return undefined
}
