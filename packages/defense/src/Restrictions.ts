/**
 * What the defense module gives the kernel's standing gate (`docs/protocol.md` §8,
 * "Standing"): a restricted key cannot apply to join, nor be added as a device; a protective
 * freeze stops its scope for everyone (new members, payments, a channel). Every restriction
 * names who decided, until when, and why, so the refusal a person reads says all three.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * console.log(JSON.stringify(Defense.Restrictions.freezeScopes("admissions"))) // [{"module":"core","types":["member.apply","member.admit"]}]
 * ```
 *
 * @module
 */
import type { Standing } from "@affinity/core/module"
import * as Lists from "./Lists.ts"
import { bodyWords, type Freeze, type FreezeScope, type Restriction, type State } from "./State.ts"

/**
 * The acts a freeze of `scope` stops: `admissions` stops applying and admitting;
 * `payments` every act of the `economy` module; `channel:<id>` every act of the `expression`
 * module whose body names that channel.
 */
export const freezeScopes = (scope: FreezeScope): ReadonlyArray<Standing.Scope> =>
  scope === "admissions"
    ? [{ module: "core", types: ["member.apply", "member.admit"] }]
    : scope === "payments"
      ? [{ module: "economy" }]
      : scope.startsWith("channel:")
        ? [{ module: "expression", where: { channel: scope.slice("channel:".length) } }]
        : []

/** A freeze's deciding body in words. */
export const freezeBy = (f: Freeze): string =>
  f.by === "members" ? `a protective freeze called by ${f.callers.length} members` : `a protective freeze by ${bodyWords(f.by)}`

/** What a key restriction stops, for `subject`: its own application, and anyone adding it as a device. */
const keyRestrictions = (subject: string, key: string, until: number, by: string, reason: string, at: string): Array<Standing.Restriction> => {
  const out: Array<Standing.Restriction> = [{ subject, scope: { module: "core", types: ["device.add"], where: { device: key } }, until, by, reason, key: at }]
  if (subject === key) out.unshift({ subject, scope: { module: "core", types: ["member.apply"] }, until, by, reason, key: at })
  return out
}

/** Whether a local restriction is a block on joining a key that holds now (lifts aside; the host checks the date). */
const blocksJoin = (r: Restriction): boolean => r.subject.kind === "key" && r.severity === "block" && r.lifted === null && r.scope.includes("join")

/** The restriction a key restriction imposes on its subject's application (a strong fact). */
export const applicationBlock = (r: Restriction): Standing.Restriction => ({
  subject: r.subject.id,
  scope: { module: "core", types: ["member.apply"] },
  until: r.expires,
  by: bodyWords(r.by),
  reason: r.reason,
  key: r.key
})

/** A blocked key, as standing needs it. */
type Blocked = { readonly key: string; readonly until: number; readonly by: string; readonly reason: string; readonly at: string }

/**
 * What standing needs of a state, whoever asks: the blocked keys (local restrictions, then
 * what allied lists agree on) and the freezes not ended. The host asks standing before every
 * act, and a state only changes when a defense event applies, so each state's answer is kept
 * (states are never changed in place).
 */
const perState = new WeakMap<State, { readonly blocked: ReadonlyArray<Blocked>; readonly freezes: ReadonlyArray<Freeze> }>()

const summaryOf = (state: State): { readonly blocked: ReadonlyArray<Blocked>; readonly freezes: ReadonlyArray<Freeze> } => {
  let found = perState.get(state)
  if (found !== undefined) return found
  const blocked: Array<Blocked> = []
  for (const id of Object.keys(state.restrictions).sort()) {
    const r = state.restrictions[id]!
    if (blocksJoin(r)) blocked.push({ key: r.subject.id, until: r.expires, by: bodyWords(r.by), reason: r.reason, at: r.key })
  }
  if (Object.keys(state.listed).length > 0)
    for (const a of Lists.agreements(state, { time: Number.MIN_SAFE_INTEGER }))
      if (a.scope === "join" && a.subject.kind === "key")
        blocked.push({
          key: a.subject.id,
          until: a.agreement.until,
          by: `${bodyWords("lists")} (${a.agreement.sources.length} of them agree)`,
          reason: a.agreement.reasons[0]!,
          at: a.agreement.keys[a.agreement.keys.length - 1]!
        })
  const freezes = Object.keys(state.freezes)
    .sort()
    .map((id) => state.freezes[id]!)
    .filter((f) => f.ended === null)
  found = { blocked, freezes }
  perState.set(state, found)
  return found
}

/** The standing provider: the restrictions in force on `subject` in the state. */
export const provider: Standing.Provider<State> = {
  restrictions: (state, subject) => {
    const { blocked, freezes } = summaryOf(state)
    const out: Array<Standing.Restriction> = []
    for (const b of blocked) out.push(...keyRestrictions(subject, b.key, b.until, b.by, b.reason, b.at))
    for (const f of freezes)
      for (const scope of freezeScopes(f.scope)) out.push({ subject, scope, until: f.until, by: freezeBy(f), reason: f.reasons.join("; "), key: f.key })
    return out
  }
}
