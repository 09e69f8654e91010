/**
 * Records of defense for people and machines: restrictions, subscriptions and what each
 * list brought in, emergency mandates with their reviews, and freezes, as read-only queries
 * of the state and as exports: JSON (machines), CSV (spreadsheets, RFC 4180) and Markdown
 * (people: names and plain words, dates in community time, never hex). `Binder` makes the
 * printable page.
 *
 * Every function takes `now`, the community time the records are read at (a replica's
 * `communityTime()`), to say what still holds; and `nameOf`, how to show a key or an identity
 * (default: its label, `Names.label`), since names live in the `core` state.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const state = Defense.init({ community: "00".repeat(32), name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: Defense.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(Defense.Records.restrictions(state, { now: 0 }).length) // 0
 * console.log(Defense.Records.toCsv(state, { now: 0 }).split("\r\n")[0])
 * // record,id,subject,scope,severity,status,by,reason,evidence,date,until,source
 * ```
 *
 * @module
 */
import { Names } from "@affinity/core/module"
import * as Lists from "./Lists.ts"
import { freezeBy } from "./Restrictions.ts"
import {
  bodyWords,
  type Change,
  type Freeze,
  freezeActive,
  type Mandate,
  mandateEnd,
  mandateExpires,
  type Restriction,
  reviewDue,
  type State,
  type Subject
} from "./State.ts"

/** How records are read. */
export interface Options {
  /** Community time the records are read at. */
  readonly now: number
  /** How to show a key or an identity (hex) to people; default: its label. */
  readonly nameOf?: (hex: string) => string
  /** How to show an allied community (its id, hex); default: the name it was subscribed under, else its label. */
  readonly communityName?: (hex: string) => string
  /** How to show a working group (its id, hex), governance's name for it; default: "a defensive working group". */
  readonly groupName?: (id: string) => string
}

const all = (): boolean => true

/** A date people read, from community time: `2025-03-03 09:00 UTC`. */
export const date = (time: number): string => {
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

const communityOf = (state: State, options: Options) => (hex: string): string =>
  options.communityName?.(hex) ?? (Object.hasOwn(state.subscriptions, hex) ? state.subscriptions[hex]!.name : `community ${Names.label(hex)}`)

/** A subject in words: `key bodab-hisop`, `relay wss://…`, `community Riverside`. */
export const subjectWords = (state: State, s: Subject, options: Options): string =>
  s.kind === "relay" ? `relay ${s.id}` : s.kind === "key" ? `key ${(options.nameOf ?? Names.label)(s.id)}` : communityOf(state, options)(s.id)

/** A restriction as a record. */
export type RestrictionRecord = {
  readonly id: string
  readonly subject: string
  readonly kind: Subject["kind"]
  readonly scope: ReadonlyArray<string>
  readonly severity: string
  /** `holds`, `lifted`, `expired`. */
  readonly status: "holds" | "lifted" | "expired"
  readonly by: string
  readonly reason: string
  readonly evidence: string
  readonly date: number
  readonly until: number
  /** The allied community whose entry it came from, or `null`. */
  readonly source: string | null
  readonly lifted: { readonly date: number; readonly reason: string } | null
}

const statusOf = (r: Restriction, now: number): RestrictionRecord["status"] => (r.lifted !== null ? "lifted" : now >= r.expires ? "expired" : "holds")

/** Every restriction this community decided, oldest first. */
export const restrictions = (state: State, options: Options): ReadonlyArray<RestrictionRecord> =>
  Object.values(state.restrictions)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((r) => ({
      id: r.id,
      subject: subjectWords(state, r.subject, options),
      kind: r.subject.kind,
      scope: r.scope,
      severity: r.severity,
      status: statusOf(r, options.now),
      by: bodyWords(r.by),
      reason: r.reason,
      evidence: r.evidence,
      date: r.at,
      until: r.expires,
      source: r.from === null ? null : communityOf(state, options)(r.from.source),
      lifted: r.lifted === null ? null : { date: r.lifted.at, reason: r.lifted.reason }
    }))

/** What allied lists hold now where k of them agree (these apply without a local decision). */
export const agreed = (state: State, options: Options): ReadonlyArray<{ readonly subject: string; readonly scope: string; readonly sources: ReadonlyArray<string>; readonly until: number; readonly reason: string }> =>
  Lists.agreements(state, { time: options.now }).map((a) => ({
    subject: subjectWords(state, a.subject, options),
    scope: a.scope,
    sources: a.agreement.sources.map(communityOf(state, options)),
    until: a.agreement.until,
    reason: a.agreement.reasons[0]!
  }))

/** A subscription as a record. */
export type SubscriptionRecord = {
  readonly source: string
  readonly name: string
  readonly since: number
  readonly imported: number
  readonly ended: { readonly date: number; readonly reason: string } | null
  readonly entries: number
}

/** Every subscription, by when it was made. */
export const subscriptions = (state: State, _options: Options): ReadonlyArray<SubscriptionRecord> =>
  Object.values(state.subscriptions)
    .sort((a, b) => a.at - b.at || (a.source < b.source ? -1 : 1))
    .map((s) => ({
      source: s.source,
      name: s.name,
      since: s.at,
      imported: s.last,
      ended: s.ended === null ? null : { date: s.ended.at, reason: s.ended.reason },
      entries: Object.values(state.listed).filter((l) => l.source === s.source).length
    }))

/** What a change did, in words. */
const effectWords: { readonly [E in Change["effect"]]: string } = {
  applied: "applies here: enough allied lists agree",
  advisory: "advisory: needs a decision here",
  exempt: "not applied: a member here",
  warning: "a warning only",
  lifted: "lifted by its source"
}

/** What each import changed, oldest first: nothing a list brings in is silent. */
export const changes = (state: State, options: Options): ReadonlyArray<{ readonly date: number; readonly source: string; readonly subject: string; readonly change: string; readonly reason: string; readonly evidence: string; readonly decided: number | null }> =>
  state.changes.map((c) => {
    const l = Object.hasOwn(state.listed, `${c.source}/${c.entry}`) ? state.listed[`${c.source}/${c.entry}`]! : undefined
    return {
      date: c.at,
      source: communityOf(state, options)(c.source),
      subject: subjectWords(state, c.subject, options),
      change: `${c.op === "add" ? "added" : "lifted"}: ${effectWords[c.effect]}`,
      reason: l?.reason ?? "",
      evidence: l?.evidence ?? "",
      decided: l?.date ?? null
    }
  })

/** The advisories waiting for a local decision: blocks brought in by fewer than k lists, still live. */
export const advisories = (state: State, options: Options): ReadonlyArray<{ readonly source: string; readonly sourceId: string; readonly entry: string; readonly subject: string; readonly scope: ReadonlyArray<string>; readonly reason: string; readonly evidence: string; readonly until: number }> => {
  const held = new Set(Object.values(state.restrictions).flatMap((r) => (r.from === null || r.lifted !== null ? [] : [`${r.from.source}/${r.from.entry}`])))
  return Object.keys(state.listed)
    .sort()
    .map((id) => state.listed[id]!)
    .filter((l) => l.severity === "block" && !l.exempt && Lists.live(l, { time: options.now }) && !held.has(`${l.source}/${l.entry}`))
    .filter((l) => l.scope.every((s) => Lists.agreement(state, l.subject, s, { time: options.now }) === undefined))
    .map((l) => ({
      source: communityOf(state, options)(l.source),
      sourceId: l.source,
      entry: l.entry,
      subject: subjectWords(state, l.subject, options),
      scope: l.scope,
      reason: l.reason,
      evidence: l.evidence,
      until: l.expires
    }))
}

/** A mandate as a record. */
export type MandateRecord = {
  readonly id: string
  readonly holder: string
  readonly scope: ReadonlyArray<string>
  readonly reason: string
  readonly granted: number
  readonly expires: number
  readonly renewed: boolean
  /** `running`, `ended`, `reviewed`, `review overdue`. */
  readonly status: "running" | "ended" | "reviewed" | "review overdue"
  readonly ended: number
  readonly reviewDue: number
  readonly review: { readonly date: number; readonly findings: string } | null
  /** What it was used for: the restrictions made under it. */
  readonly used: ReadonlyArray<string>
}

const holderWords = (holder: string, options: Options): string =>
  holder === "prime/defense"
    ? "the defense prime group"
    : options.groupName !== undefined && holder.startsWith("group/")
      ? `the working group ${options.groupName(holder.slice("group/".length))}`
      : "a defensive working group"

/** Every emergency mandate, by when it was granted. */
export const mandates = (state: State, options: Options): ReadonlyArray<MandateRecord> =>
  Object.values(state.mandates)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((m: Mandate) => {
      const end = mandateEnd(m, all)
      const due = reviewDue(m, all)
      return {
        id: m.id,
        holder: holderWords(m.holder, options),
        scope: m.scope,
        reason: m.reason,
        granted: m.at,
        expires: mandateExpires(m, all),
        renewed: m.renewals.length > 0,
        status: m.review !== null ? "reviewed" : options.now < end ? "running" : options.now >= due ? "review overdue" : "ended",
        ended: end,
        reviewDue: due,
        review: m.review === null ? null : { date: m.review.at, findings: m.review.findings },
        used: Object.values(state.restrictions)
          .filter((r) => r.mandate === m.id)
          .map((r) => subjectWords(state, r.subject, options))
      }
    })

/** The mandates whose review is overdue now. */
export const overdueReviews = (state: State, options: Options): ReadonlyArray<MandateRecord> => mandates(state, options).filter((m) => m.status === "review overdue")

/** A freeze as a record. */
export type FreezeRecord = {
  readonly id: string
  readonly scope: string
  readonly by: string
  readonly callers: ReadonlyArray<string>
  readonly reasons: ReadonlyArray<string>
  readonly from: number
  readonly until: number
  readonly status: "holds" | "ended early" | "over"
  readonly extended: boolean
  readonly ended: { readonly date: number; readonly reason: string } | null
}

/** Every freeze, by when it started. */
export const freezes = (state: State, options: Options): ReadonlyArray<FreezeRecord> =>
  Object.values(state.freezes)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((f: Freeze) => ({
      id: f.id,
      scope: f.scope.startsWith("channel:") ? `channel ${f.scope.slice(8)}` : f.scope,
      by: freezeBy(f),
      callers: f.callers.map(options.nameOf ?? Names.label),
      reasons: f.reasons,
      from: f.at,
      until: f.until,
      status: f.ended !== null ? "ended early" : freezeActive(f, options.now) ? "holds" : "over",
      extended: f.extensions.length > 0,
      ended: f.ended === null ? null : { date: f.ended.at, reason: f.ended.reason }
    }))

/** Everything, as one JSON value for machines (ids and keys in hex; times in ms). */
export const toJson = (state: State, options: Options): string =>
  JSON.stringify(
    {
      restrictions: restrictions(state, options),
      agreed: agreed(state, options),
      subscriptions: subscriptions(state, options),
      changes: changes(state, options),
      advisories: advisories(state, options),
      mandates: mandates(state, options),
      freezes: freezes(state, options),
      params: state.params
    },
    null,
    2
  )

const cell = (v: string | number | null): string => {
  const s = v === null ? "" : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** Everything as CSV (RFC 4180): one row per restriction, list change, mandate and freeze, the first cell saying which. */
export const toCsv = (state: State, options: Options): string => {
  const rows: Array<ReadonlyArray<string | number | null>> = [["record", "id", "subject", "scope", "severity", "status", "by", "reason", "evidence", "date", "until", "source"]]
  for (const r of restrictions(state, options))
    rows.push(["restriction", r.id, r.subject, r.scope.join(" "), r.severity, r.status, r.by, r.reason, r.evidence, date(r.date), date(r.until), r.source])
  for (const c of changes(state, options)) rows.push(["list change", "", c.subject, "", "", c.change, c.source, c.reason, c.evidence, date(c.date), "", c.source])
  for (const m of mandates(state, options))
    rows.push(["mandate", m.id, m.holder, m.scope.join(" "), "", m.status, "a community decision", m.reason, m.review?.findings ?? "", date(m.granted), date(m.expires), ""])
  for (const f of freezes(state, options)) rows.push(["freeze", f.id, f.scope, "", "", f.status, f.by, f.reasons.join("; "), "", date(f.from), date(f.until), ""])
  return rows.map((row) => row.map(cell).join(",")).join("\r\n")
}

/** Everything as Markdown for people: by name, in plain words, dates in community time. */
export const toMarkdown = (state: State, options: Options): string => {
  const out: Array<string> = ["# Defense records", "", `Read at ${date(options.now)} (community time).`, ""]
  out.push("## Restrictions", "")
  const rs = restrictions(state, options)
  if (rs.length === 0) out.push("None.", "")
  for (const r of rs) {
    out.push(`- **${r.subject}**: ${r.severity === "block" ? "blocked from" : "warning about"} ${r.scope.join(", ")}; ${r.status}${r.status === "holds" ? ` until ${date(r.until)}` : ""}.`)
    out.push(`  Decided by ${r.by} on ${date(r.date)}${r.source === null ? "" : `, from ${r.source}'s list`}. Reason: ${r.reason}.${r.evidence === "" ? "" : ` Evidence: ${r.evidence}.`}`)
    if (r.lifted !== null) out.push(`  Lifted on ${date(r.lifted.date)}: ${r.lifted.reason}.`)
  }
  out.push("", "## Allied lists", "")
  const subs = subscriptions(state, options)
  if (subs.length === 0) out.push("This community follows no allied list.", "")
  for (const s of subs)
    out.push(`- **${s.name}**: followed since ${date(s.since)}; ${s.entries} ${s.entries === 1 ? "entry" : "entries"} brought in.${s.ended === null ? "" : ` Unsubscribed on ${date(s.ended.date)}: ${s.ended.reason}.`}`)
  out.push("", `An entry applies here on its own only when ${state.params.agree} of the lists agree; anything else waits for a decision here.`, "")
  const cs = changes(state, options)
  if (cs.length > 0) {
    out.push("### What the lists brought in", "", "| date | list | subject | change | reason |", "|---|---|---|---|---|")
    for (const c of cs) out.push(`| ${date(c.date)} | ${c.source} | ${c.subject} | ${c.change} | ${c.reason.replaceAll("|", "\\|")} |`)
    out.push("")
  }
  const adv = advisories(state, options)
  if (adv.length > 0) {
    out.push("### Advisories waiting for a decision", "")
    for (const a of adv) out.push(`- ${a.subject} (${a.scope.join(", ")}), from ${a.source}: ${a.reason}.`)
    out.push("")
  }
  out.push("## Emergency mandates", "")
  const ms = mandates(state, options)
  if (ms.length === 0) out.push("None.", "")
  for (const m of ms) {
    out.push(`- **${m.holder}** may ${m.scope.join(", ")}: granted ${date(m.granted)}, ${m.status === "running" ? `runs until ${date(m.expires)}` : `ended ${date(m.ended)}`}${m.renewed ? " (renewed once)" : ""}. Reason: ${m.reason}.`)
    out.push(`  Review: ${m.review !== null ? `done ${date(m.review.date)}: ${m.review.findings}` : m.status === "review overdue" ? `**overdue** since ${date(m.reviewDue)}` : `due by ${date(m.reviewDue)}`}.`)
  }
  out.push("", "## Protective freezes", "")
  const fs = freezes(state, options)
  if (fs.length === 0) out.push("None.", "")
  for (const f of fs)
    out.push(`- **${f.scope}**: ${f.by}${f.callers.length > 0 ? ` (${f.callers.join(", ")})` : ""}, from ${date(f.from)} until ${date(f.until)}; ${f.status}. ${f.reasons.join("; ")}.`)
  return `${out.join("\n").trimEnd()}\n`
}
