/**
 * The administration record as one printable HTML page: qualifications, who holds what and
 * until when, assignments and lots, shared things and their bookings, by name, with dates in
 * community time. Self-contained (no script, no outside file), readable on paper and on a phone.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const state = Administration.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Administration.DAY, quorumPercent: 50 } })
 * const html = Administration.Binder.page(state, { now: 0, communityName: "Allotment <3" })
 * console.log(html.includes("<title>Allotment &lt;3: administration</title>")) // true
 * ```
 *
 * @module
 */
import { date, type ExportOptions, tables, type Tables } from "./Records.ts"
import type { State } from "./State.ts"

/** Options of the page: the record's, plus the community's name. */
export type PageOptions = ExportOptions & { readonly communityName: string }

/** Escape text for HTML. */
export const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

const SECTIONS: ReadonlyArray<readonly [keyof Tables, string, string]> = [
  ["qualifications", "Qualifications", "What the community recognises, how it is granted and how long it lasts. Every grant expires, so nobody keeps a power by default."],
  ["holdings", "Who holds what", "Who can do what now, since when and until when, and who vouched or decided."],
  ["assignments", "Assignments", "Who does what for which group, how many hours a cycle, and how they came to it."],
  ["lots", "Lots drawn", "Roles drawn by lot from those who opted in, ranked with the seed of the term's draw: anyone can check the order from the log."],
  ["resources", "Shared things", "What the community and its groups steward, who holds it and its rules. Personal things are their owners'."],
  ["bookings", "Bookings and loans", "Who booked or borrowed what, and when."]
]

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const [head, ...body] = rows
  if (body.length === 0) return "<p class=none>None yet.</p>"
  return `<table><thead><tr>${head!.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`
}

/** The printable page. */
export const page = (state: State, o: PageOptions): string => {
  const t = tables(state, o)
  const title = `${o.communityName}: administration`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:1.6rem 0 .3rem;border-bottom:1px solid #999}
p.why{color:#444;margin:.2rem 0 .6rem}p.none{color:#666;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
</style></head><body>
<h1>${escape(title)}</h1>
<p>As of ${escape(date(o.now))} (community time).</p>
${SECTIONS.map(([k, heading, why]) => `<section><h2>${escape(heading)}</h2><p class=why>${escape(why)}</p>${table(t[k])}</section>`).join("\n")}
</body></html>
`
}

/** What the binder writes a section with (the shape of `Governance.Binder.Context`). */
export interface Context {
  readonly name: (identity: string) => string
  readonly date: (ms: number) => string
  readonly escape: (text: string) => string
  /** When the binder is printed: what "now" means for expiries and loans (the community's start when absent). */
  readonly now?: number
}

/** A section of the binder (the shape of `Governance.Binder.Section`). */
export interface Section {
  readonly title: string
  readonly html: string
}

/**
 * The administration section of a community's binder
 * (`Governance.Binder.section(Administration.Binder.binderSection, state)`): qualifications and
 * who holds them until when, assignments and lots, shared things and their loans, by name.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const state = Administration.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Administration.DAY, quorumPercent: 50 } })
 * const part = Administration.Binder.binderSection(state, { name: (id) => id, date: (ms) => String(ms), escape: Administration.Binder.escape, now: 0 })
 * console.log(part.title) // Administration
 * ```
 */
export const binderSection = (state: State, context: Context): Section => {
  const t = tables(state, { now: context.now ?? 0, names: context.name, groups: context.name })
  const html = SECTIONS.map(
    ([k, heading, why]) => `<h3>${context.escape(heading)}</h3>\n<p>${context.escape(why)}</p>\n${table(t[k]).replace("<p class=none>None yet.</p>", "<p>None yet.</p>")}`
  ).join("\n")
  return { title: "Administration", html }
}

