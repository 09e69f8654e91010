/**
 * The defense binder: one printable HTML page of the community's defense records, for people
 * (names and plain words, dates in community time, no hex): what is restricted and why, the
 * allied lists and what they brought in, the advisories waiting for a decision, the emergency
 * mandates with their reviews (an overdue review stands out), and the freezes.
 *
 * ```ts
 * import * as Defense from "@affinity/defense"
 *
 * const state = Defense.init({ community: "00".repeat(32), name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: Defense.DAY, quorumPercent: 50 }, time: 0 })
 * const html = Defense.Binder.html(state, { now: 0, title: "Riverside allotments" })
 * console.log(html.startsWith("<!doctype html>")) // true
 * console.log(html.includes("Riverside allotments")) // true
 * ```
 *
 * @module
 */
import * as Records from "./Records.ts"
import type { State } from "./State.ts"

const escape = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;")

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
.overdue{color:#a00;font-weight:bold}.muted{color:#555}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}`

/** Options of the page: the records' options and a title. */
export interface Options extends Records.Options {
  /** The page's title (the community's name, say). */
  readonly title: string
}

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, empty: string): string =>
  rows.length === 0
    ? `<p class="muted">${escape(empty)}</p>`
    : `<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
        .join("")}</tbody></table>`

/** The records' tables as HTML, headings at `level` and `level + 1`. */
const sections = (state: State, options: Records.Options, level: number): string => {
  const d = Records.date
  const e = escape
  const restrictions = table(
    ["subject", "stops", "status", "decided", "reason and evidence"],
    Records.restrictions(state, options).map((r) => [
      e(r.subject),
      e(`${r.severity === "block" ? "" : "warning: "}${r.scope.join(", ")}`),
      e(r.status === "holds" ? `holds until ${d(r.until)}` : r.status === "lifted" ? `lifted ${d(r.lifted!.date)}: ${r.lifted!.reason}` : `expired ${d(r.until)}`),
      e(`${d(r.date)} by ${r.by}${r.source === null ? "" : `, from ${r.source}'s list`}`),
      e(r.reason) + (r.evidence === "" ? "" : `<br><span class="muted">${e(r.evidence)}</span>`)
    ]),
    "No restrictions."
  )
  const lists = table(
    ["list", "followed since", "entries", "status"],
    Records.subscriptions(state, options).map((s) => [e(s.name), e(d(s.since)), String(s.entries), e(s.ended === null ? "followed" : `unsubscribed ${d(s.ended.date)}`)]),
    "This community follows no allied list."
  )
  const changes = table(
    ["date", "list", "subject", "change", "reason"],
    Records.changes(state, options).map((c) => [e(d(c.date)), e(c.source), e(c.subject), e(c.change), e(c.reason)]),
    "Nothing brought in yet."
  )
  const advisories = table(
    ["subject", "stops", "from", "reason", "until"],
    Records.advisories(state, options).map((a) => [e(a.subject), e(a.scope.join(", ")), e(a.source), e(a.reason), e(d(a.until))]),
    "No advisory waits for a decision."
  )
  const mandates = table(
    ["holder", "may", "granted", "ends", "review"],
    Records.mandates(state, options).map((m) => [
      e(m.holder),
      e(m.scope.join(", ")),
      e(d(m.granted)),
      e(`${d(m.status === "running" ? m.expires : m.ended)}${m.renewed ? " (renewed once)" : ""}`),
      m.review !== null
        ? e(`done ${d(m.review.date)}: ${m.review.findings}`)
        : m.status === "review overdue"
          ? `<span class="overdue">${e(`overdue since ${d(m.reviewDue)}`)}</span>`
          : e(`due by ${d(m.reviewDue)}`)
    ]),
    "No emergency mandate was ever granted."
  )
  const freezes = table(
    ["scope", "by", "from", "until", "status", "why"],
    Records.freezes(state, options).map((f) => [e(f.scope), e(`${f.by}${f.callers.length > 0 ? ` (${f.callers.join(", ")})` : ""}`), e(d(f.from)), e(d(f.until)), e(f.status), e(f.reasons.join("; "))]),
    "No freeze."
  )
  const h = (n: number, text: string) => `<h${n}>${text}</h${n}>`
  return [
    h(level, "Restrictions") + restrictions,
    h(level, "Allied lists") + lists,
    h(level + 1, "What the lists brought in") + changes,
    h(level + 1, "Advisories waiting for a decision") + advisories,
    h(level, "Emergency mandates") + mandates,
    h(level, "Protective freezes") + freezes
  ].join("\n")
}

/** The printable page. */
export const html = (state: State, options: Options): string => {
  const e = escape
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(options.title)}: defense records</title><style>${STYLE}</style></head><body>
<h1>${e(options.title)}: defense records</h1>
<p class="muted">Read at ${e(Records.date(options.now))}, community time. A list entry applies here on its own only when ${state.params.agree} allied lists agree; a freeze needs ${state.params.freezeCallers} members and ends by itself after 72 hours.</p>
${sections(state, options, 2)}
</body></html>
`
}

/** What the binder writes a section with (the shape of `Governance.Binder.Context`). */
export interface Context {
  readonly name: (identity: string) => string
  readonly date: (ms: number) => string
  readonly escape: (text: string) => string
  readonly now?: number
}

/** A section of the binder (the shape of `Governance.Binder.Section`). */
export interface Section {
  readonly title: string
  readonly html: string
}

/**
 * The defense section of a community's binder
 * (`Governance.Binder.section(Defense.Binder.binderSection, state)`): restrictions on outsiders,
 * allied lists and what they brought in, emergency mandates and their reviews, freezes.
 *
 * ```ts
 * import * as Defense from "@affinity/defense"
 *
 * const state = Defense.module.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 1, primeSize: 3, primeTerm: 1, quorumPercent: 50 } })
 * const part = Defense.Binder.binderSection(state, { name: (id) => id, date: (ms) => String(ms), escape: (t) => t, now: 0 })
 * console.log(part.title) // Defense
 * ```
 */
export const binderSection = (state: State, context: Context): Section => ({
  title: "Defense",
  html: `<p>Restrictions on outsiders always end on a set date; an allied list's entry applies here on its own only when ${state.params.agree} lists agree; an emergency mandate lasts at most seven days and is reviewed afterwards; a freeze needs ${state.params.freezeCallers} members and ends by itself after 72 hours.</p>\n${sections(state, { now: context.now ?? 0, nameOf: context.name }, 3)}`
})
