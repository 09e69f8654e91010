/**
 * Lists shared between communities: when an entry an allied community's feed brought in
 * applies here on its own. It applies only when `agree` (k) of the subscribed lists agree on
 * the same subject and scope with a block that has neither been lifted nor expired, and the
 * subject was not a member here when the entry arrived; anything else is an advisory that
 * needs a local decision (`advisory.accept`). See `docs/protocol.md`, the defense section.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const state = Defense.init({ community: "00".repeat(32), name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: Defense.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(Defense.Lists.agreement(state, { kind: "key", id: "ab".repeat(32) }, "join", { time: 0 })) // undefined
 * ```
 *
 * @module
 */
import { type Listed, type ScopeKind, type State, type Subject, type Subscription } from "./State.ts"

/** How an answer is judged: on the whole state (`seen` absent), or on an event's causal past. */
export interface View {
  /** Community time at which expiries are judged. */
  readonly time: number
  /** Whether an event is seen (default: every event the state holds). */
  readonly seen?: (key: string) => boolean
}

/** Where enough allied lists agree: the sources, and when fewer than k of them will. */
export type Agreement = {
  /** The agreeing sources (community ids, sorted). */
  readonly sources: ReadonlyArray<string>
  /** Community time from which fewer than k sources agree (the k-th latest expiry). */
  readonly until: number
  /** The reasons the sources give, one per source, in source order. */
  readonly reasons: ReadonlyArray<string>
  /** The keys of the imports that brought the agreeing entries, sorted. */
  readonly keys: ReadonlyArray<string>
}

const all = (): boolean => true

/** Whether a subscription counts in a view: made, and not ended. */
export const subscribed = (sub: Subscription | undefined, view: View): boolean => {
  const seen = view.seen ?? all
  return sub !== undefined && seen(sub.key) && (sub.ended === null || !seen(sub.ended.key))
}

/** Whether a listed entry is live in a view: brought in, not lifted, not expired. */
export const live = (l: Listed, view: View): boolean => {
  const seen = view.seen ?? all
  return seen(l.key) && (l.lifted === null || !seen(l.lifted.key)) && view.time < l.expires
}

/** Whether two subjects are the same. */
export const sameSubject = (a: Subject, b: Subject): boolean => a.kind === b.kind && a.id === b.id

/**
 * Whether k of the subscribed lists agree on blocking `subject` in `scope`, in a view; the
 * agreement, or `undefined`. Members here are exempt: entries about them never count.
 */
export const agreement = (state: State, subject: Subject, scope: ScopeKind, view: View): Agreement | undefined => {
  const best = new Map<string, Listed>()
  for (const id of Object.keys(state.listed).sort()) {
    const l = state.listed[id]!
    if (!sameSubject(l.subject, subject) || l.severity !== "block" || l.exempt || !l.scope.includes(scope)) continue
    if (!live(l, view) || !subscribed(Object.hasOwn(state.subscriptions, l.source) ? state.subscriptions[l.source] : undefined, view)) continue
    const had = best.get(l.source)
    if (had === undefined || l.expires > had.expires) best.set(l.source, l)
  }
  if (best.size < state.params.agree) return undefined
  const sources = [...best.keys()].sort()
  const expiries = [...best.values()].map((l) => l.expires).sort((a, b) => b - a)
  return {
    sources,
    until: expiries[state.params.agree - 1]!,
    reasons: sources.map((s) => best.get(s)!.reason),
    keys: [...best.values()].map((l) => l.key).sort()
  }
}

/** Every subject some allied list names, with the scopes where k of them agree now (in a view). */
export const agreements = (state: State, view: View): ReadonlyArray<{ readonly subject: Subject; readonly scope: ScopeKind; readonly agreement: Agreement }> => {
  const subjects = new Map<string, Subject>()
  for (const l of Object.values(state.listed)) subjects.set(`${l.subject.kind}:${l.subject.id}`, l.subject)
  const out: Array<{ subject: Subject; scope: ScopeKind; agreement: Agreement }> = []
  for (const k of [...subjects.keys()].sort())
    for (const scope of ["join", "pay", "sync"] as const) {
      const a = agreement(state, subjects.get(k)!, scope, view)
      if (a) out.push({ subject: subjects.get(k)!, scope, agreement: a })
    }
  return out
}
