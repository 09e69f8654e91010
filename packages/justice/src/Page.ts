/**
 * The printable page of the justice record: one self-contained HTML document (no scripts, no
 * external styles) with the restrictions and the cases by name, dates in community time, and case
 * contents left out. Print it from a browser, or keep it as the community's paper record.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const state = Justice.init({ community: "00", name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Justice.DAY, quorumPercent: 50 }, time: 0 })
 * const html = Justice.Page.render(state, () => "someone", 1_700_000_000_000, "Garden")
 * console.log(html.startsWith("<!doctype html>")) // true
 * console.log(html.includes("No restrictions.")) // true
 * ```
 *
 * @module
 */
import * as Records from "./Records.ts"
import type { State } from "./State.ts"

const escape = (s: string): string => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

/** The page, for the community `community` (its name), as of community time `time`. */
export const render = (state: State, name: Records.Namer, time: number, community: string): string => {
  const rs = Records.restrictions(state)
  const rows = rs
    .map((r) => {
      const x = Records.restrictionRecord(state, r, name, time)
      return `<tr><td>${escape(x.subject)}</td><td>${escape(x.rung)}</td><td>${escape(x.scope)}</td><td>${escape(x.from)}</td><td>${escape(x.until)}</td><td>${escape(x.decidedBy)}</td><td>${escape(x.reason)}</td><td>${escape(x.status)}</td><td>${escape(x.appeal)}</td></tr>`
    })
    .join("\n")
  const cases = Object.values(state.cases)
    .sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
    .map((c) => {
      const about = Records.aboutName(c, name)
      const decisions = c.decisions.map((d) => `${escape(d.option)} (${d.by === "prime" ? "the justice prime group" : "a community decision"}, ${escape(Records.when(d.at))})`).join("; ")
      return `<tr><td>${escape(Records.kindWords[c.kind])}</td><td>${escape(about)}</td><td>${escape(Records.when(c.filed))}</td><td>${escape(c.status)}</td><td>${decisions || "none"}</td></tr>`
    })
    .join("\n")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(community)}: justice record</title>
<style>
body { font: 11pt/1.4 Georgia, serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escape(community)}: justice record</h1>
<p>As of ${escape(Records.when(time))}. Case contents stay with the people in each case; this record shows that cases and restrictions exist, their scope, expiry and the decisions behind them.</p>
<h2>Restrictions</h2>
${rs.length === 0 ? "<p>No restrictions.</p>" : `<table>\n<tr><th>Who</th><th>Rung</th><th>Stops</th><th>From</th><th>Until</th><th>Decided by</th><th>Reason</th><th>Status</th><th>Appeal</th></tr>\n${rows}\n</table>`}
<h2>Cases</h2>
${cases === "" ? "<p>No cases.</p>" : `<table>\n<tr><th>Kind</th><th>About</th><th>Filed</th><th>Status</th><th>Decisions</th></tr>\n${cases}\n</table>`}
</body>
</html>
`
}
