/**
 * The defense module's state and its constants: restrictions on outsiders, the lists of
 * allied communities this one subscribes to and what they brought in, protective freezes,
 * emergency mandates and their reviews. Plain data in the CBOR model, hashed with every other
 * module's state (`docs/protocol.md` §7), never changed in place.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const state = Defense.init({ community: "00".repeat(32), name: "Allotments", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Defense.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(state.params.agree, state.params.freezeCallers) // 2 2
 * console.log(Defense.DEFAULT_EXPIRY / Defense.DAY) // 90
 * ```
 *
 * @module
 */
import type { Module } from "@affinity/core/module"

/** One hour, in milliseconds. */
export const HOUR = 3_600_000
/** One day, in milliseconds. */
export const DAY = 24 * HOUR
/** How long a restriction holds when the decision names no expiry: 90 days. */
export const DEFAULT_EXPIRY = 90 * DAY
/** The longest a restriction may hold before it must be decided again: 365 days. */
export const MAX_EXPIRY = 365 * DAY
/** The longest a restriction made under an emergency mandate may hold: 14 days. */
export const EMERGENCY_RESTRICTION = 14 * DAY
/** The longest an emergency mandate (or its one renewal) runs: 7 days. */
export const MAX_MANDATE = 7 * DAY
/** How long after a mandate's end its review is due: 14 days. */
export const REVIEW_WINDOW = 14 * DAY
/** How long a protective freeze holds unless a decision ends or extends it: 72 hours. */
export const FREEZE_LENGTH = 72 * HOUR
/** The longest a decision may extend a freeze, from the decision: 7 days. */
export const MAX_FREEZE_EXTENSION = 7 * DAY
/** How long a member's call for a freeze waits for the others: 24 hours. */
export const CALL_WINDOW = 24 * HOUR
/** Most entries in one export of a restriction list. */
export const MAX_FEED_ENTRIES = 256

/** What a restriction is about: a device key, another community, or a relay. */
export type SubjectKind = "key" | "community" | "relay"

/**
 * The subject of a restriction: `id` is the lower-case hex of a key or a community id, or a
 * relay's address as written (`wss://relay.example`).
 */
export type Subject = { readonly kind: SubjectKind; readonly id: string }

/** What a restriction stops: applying to join, being synced with, being paid. */
export type ScopeKind = "join" | "sync" | "pay"

/** `warn`: shown to members, enforces nothing; `block`: enforced in its scopes. */
export type Severity = "warn" | "block"

/** What an emergency mandate may do: a fixed set, never governance rules, membership rules or the mandate itself. */
export type EmergencyKind = "restrict" | "lift" | "freeze"

/** The emergency set, sorted. */
export const EMERGENCY_KINDS: ReadonlyArray<EmergencyKind> = ["freeze", "lift", "restrict"]

/** An event that ended something: its key, community time and reason. */
export type Ending = { readonly key: string; readonly at: number; readonly reason: string }

/** A restriction this community decided (or accepted from an allied list). */
export type Restriction = {
  /** Its id: the key of the event that made it (`<key>.2`, `<key>.3` … for further ones in one decision). */
  readonly id: string
  readonly subject: Subject
  /** What it stops, sorted. */
  readonly scope: ReadonlyArray<ScopeKind>
  readonly severity: Severity
  readonly reason: string
  /** Receipts: where the evidence is (links, event ids, a case). */
  readonly evidence: string
  /** Community time of the decision. */
  readonly at: number
  /** Community time from which it no longer holds. */
  readonly expires: number
  /** The deciding body: `community`, `prime/defense` or `group/<id>`. */
  readonly by: string
  /** The emergency mandate it was made under, or `null`. */
  readonly mandate: string | null
  /** The allied list entry it was accepted from, or `null`. */
  readonly from: { readonly source: string; readonly entry: string } | null
  /** Key of the event that made it. */
  readonly key: string
  readonly lifted: Ending | null
}

/** One entry of this community's own restriction feed, in fold order (what allies import). */
export type FeedEntry = {
  /** Position in the feed, from 1. */
  readonly seq: number
  readonly op: "add" | "lift"
  /** The restriction. */
  readonly id: string
  /** Community time of the change. */
  readonly at: number
}

/** A subscription to an allied community's restriction feed. */
export type Subscription = {
  /** The allied community's id (hex). */
  readonly source: string
  /** Its name, as this community calls it. */
  readonly name: string
  /** Keys whose signature on an export this community accepts (hex, sorted). */
  readonly publishers: ReadonlyArray<string>
  readonly key: string
  readonly at: number
  /** The last feed position imported (0: none yet). */
  readonly last: number
  readonly ended: Ending | null
}

/** An entry an allied community's feed brought in. */
export type Listed = {
  readonly source: string
  /** The entry's id in the source community. */
  readonly entry: string
  readonly subject: Subject
  readonly scope: ReadonlyArray<ScopeKind>
  readonly severity: Severity
  readonly reason: string
  readonly evidence: string
  /** When the source decided it (the source's community time). */
  readonly date: number
  readonly expires: number
  /** Key of the import that brought it. */
  readonly key: string
  /** Community time of that import. */
  readonly at: number
  /** Whether its subject was a member here when it arrived (members are exempt from lists). */
  readonly exempt: boolean
  /** The import that brought its lift, or `null`. */
  readonly lifted: { readonly key: string; readonly at: number } | null
}

/** What an import changed, for members to see: nothing a list brings in is silent. */
export type Change = {
  /** Key of the import. */
  readonly key: string
  readonly at: number
  readonly source: string
  readonly entry: string
  readonly op: "add" | "lift"
  readonly subject: Subject
  /**
   * `applied`: enough allied lists agree, so it holds here; `advisory`: it needs a local
   * decision; `exempt`: its subject is a member; `warning`: a warning only; `lifted`: the
   * source lifted it.
   */
  readonly effect: "applied" | "advisory" | "exempt" | "warning" | "lifted"
}

/** What a freeze stops, as a word: `admissions`, `payments` or `channel:<id>`. */
export type FreezeScope = string

/** A member's call for a protective freeze. */
export type Call = {
  readonly scope: FreezeScope
  readonly member: string
  readonly reason: string
  readonly key: string
  readonly at: number
  /** The freeze it helped start, or `null` while it waits for others. */
  readonly freeze: string | null
}

/** A protective freeze. */
export type Freeze = {
  readonly id: string
  readonly scope: FreezeScope
  /** `members` (called by members), or the deciding body under an emergency mandate. */
  readonly by: string
  /** The members who called it, in the order they did (empty under a mandate). */
  readonly callers: ReadonlyArray<string>
  readonly reasons: ReadonlyArray<string>
  readonly key: string
  /** Community time it started. */
  readonly at: number
  /** Community time it ends, extensions included. */
  readonly until: number
  readonly extensions: ReadonlyArray<{ readonly key: string; readonly at: number; readonly until: number; readonly reason: string }>
  readonly ended: Ending | null
}

/** An emergency mandate of a defensive working group (or the defense prime group). */
export type Mandate = {
  readonly id: string
  /** `prime/defense` or `group/<id>`. */
  readonly holder: string
  readonly scope: ReadonlyArray<EmergencyKind>
  readonly reason: string
  readonly key: string
  readonly at: number
  /** Community time it expires as granted. */
  readonly expires: number
  /** Its renewal (at most one). */
  readonly renewals: ReadonlyArray<{ readonly key: string; readonly at: number; readonly expires: number; readonly reason: string }>
  readonly ended: Ending | null
  readonly review: { readonly key: string; readonly at: number; readonly findings: string } | null
}

/** Defense's own parameters, changed by community decision. */
export type Params = {
  /** How many subscribed lists must agree before an entry applies on its own (k of n). */
  readonly agree: number
  /** How many members' calls start a protective freeze. */
  readonly freezeCallers: number
}

/** The defense module's state. */
export type State = {
  readonly version: 1
  /** This community's id (hex). */
  readonly community: string
  readonly params: Params
  readonly restrictions: { readonly [id: string]: Restriction }
  readonly feed: ReadonlyArray<FeedEntry>
  readonly subscriptions: { readonly [source: string]: Subscription }
  /** By `<source>/<entry>`. */
  readonly listed: { readonly [id: string]: Listed }
  readonly changes: ReadonlyArray<Change>
  readonly calls: ReadonlyArray<Call>
  readonly freezes: { readonly [id: string]: Freeze }
  readonly mandates: { readonly [id: string]: Mandate }
}

/** Defense's parameters when no decision changed them. */
export const defaultParams: Params = { agree: 2, freezeCallers: 2 }

/** The initial defense state of a community. */
export const init = (genesis: Module.Genesis): State => ({
  version: 1,
  community: genesis.community,
  params: defaultParams,
  restrictions: {},
  feed: [],
  subscriptions: {},
  listed: {},
  changes: [],
  calls: [],
  freezes: {},
  mandates: {}
})

/** A record's entry by id, never one of `Object.prototype`'s. */
export const lookup = <V>(record: { readonly [id: string]: V }, id: string): V | undefined =>
  Object.hasOwn(record, id) ? record[id] : undefined

/** A fresh id for something an event makes: its key, or `<key>.<n>` when the event already made one. */
export const freshId = (record: { readonly [id: string]: unknown }, key: string): string => {
  if (!Object.hasOwn(record, key)) return key
  let n = 2
  while (Object.hasOwn(record, `${key}.${n}`)) n++
  return `${key}.${n}`
}

/** Whether an event is seen by the one being judged: itself or in its causal past. */
export const seen = (ctx: Pick<Module.EventContext, "key" | "happenedBefore">, key: string): boolean => key === ctx.key || ctx.happenedBefore(key)

/** A mandate's expiry as seen through `seenKey` (its renewal counts once seen). */
export const mandateExpires = (m: Mandate, seenKey: (key: string) => boolean): number => {
  let expires = m.expires
  for (const r of m.renewals) if (seenKey(r.key)) expires = r.expires
  return expires
}

/** When a mandate ends (or ended), as seen through `seenKey`: its early end, else its expiry. */
export const mandateEnd = (m: Mandate, seenKey: (key: string) => boolean): number => {
  const expires = mandateExpires(m, seenKey)
  return m.ended !== null && seenKey(m.ended.key) ? Math.min(m.ended.at, expires) : expires
}

/** When a mandate's review is due, as seen through `seenKey`. */
export const reviewDue = (m: Mandate, seenKey: (key: string) => boolean): number => mandateEnd(m, seenKey) + REVIEW_WINDOW

/** A deciding body in plain words. */
export const bodyWords = (by: string): string =>
  by === "community"
    ? "a community decision"
    : by === "prime/defense"
      ? "the defense prime group under an emergency mandate"
      : by === "lists"
        ? "allied communities' lists"
        : by === "members"
          ? "members"
          : by.startsWith("group/")
            ? "a defensive working group under an emergency mandate"
            : by

/** The canonical word of a freeze scope. */
export const freezeScopeOf = (scope: "admissions" | "payments" | { readonly channel: string }): FreezeScope =>
  typeof scope === "string" ? scope : `channel:${scope.channel}`

/** Whether a freeze holds at community time `time` in the state. */
export const freezeActive = (f: Freeze, time: number): boolean => f.ended === null && time < f.until

/** The freeze holding on `scope` at `time` in the state, if any. */
export const activeFreeze = (state: State, scope: FreezeScope, time: number): Freeze | undefined => {
  for (const id of Object.keys(state.freezes).sort()) {
    const f = state.freezes[id]!
    if (f.scope === scope && freezeActive(f, time)) return f
  }
  return undefined
}
