/**
 * A printable statement of a member's account: one HTML page with a print stylesheet and
 * nothing to fetch, by name, with dates from community time. Every string people wrote (names,
 * notes) is escaped.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const state = Economy.init({ community: "00".repeat(32), name: "Garden", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Economy.DAY, quorumPercent: 50 } })
 * const page = Economy.Statement.html(state, "ab".repeat(32), { nameOf: () => "Ada <& Co>" })
 * console.log(page.startsWith("<!doctype html>")) // true
 * console.log(page.includes("Ada &lt;&amp; Co&gt;")) // true
 * ```
 *
 * @module
 */
import { format } from "./Money.ts"
import * as Records from "./Records.ts"
import type { State } from "./State.ts"

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Escape text for HTML. */
export const escape = (text: string): string => text.replaceAll(/[&<>"']/g, (c) => ENTITIES[c]!)

const STYLE = `body{font:11pt/1.4 Georgia,serif;margin:2em;color:#000}
h1{font-size:18pt;margin:0 0 .2em}p.sub{margin:0 0 1em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #999;padding:.25em .4em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead{display:table-header-group}tr{break-inside:avoid}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:bold}
@page{margin:15mm}@media print{body{margin:0}}`

/** The printable statement of `identity`. */
export const html = (state: State, identity: string, options: Records.Options & { readonly community?: string } = {}): string => {
  const s = Records.statement(state, identity, options)
  const c = state.currency
  const amount = (n: number): string => (c ? format(n, c.decimals) : String(n))
  const name = escape(Records.who(identity, options))
  const facts: Array<[string, string]> = [
    ["Balance", `${amount(s.balance)}${c ? ` ${escape(c.symbol)}` : ""}`],
    ["Credit limit", amount(-s.credit)]
  ]
  if (s.max !== null) facts.push(["Most it may hold", amount(s.max)])
  if (s.pendingDemurrage > 0) facts.push(["Demurrage since the last entry", `${amount(s.pendingDemurrage)}, to the commons`])
  if (s.equilibrium !== null) facts.push(["Equilibrium balance", amount(s.equilibrium)])
  if (s.debt > 0) facts.push(["Owed to the commons", `${amount(s.debt)}${s.frozen ? " (frozen until repaid)" : ""}`])
  const rows = s.lines
    .map((l) => {
      const other = l.entry.from === identity ? l.entry.to : l.entry.from
      return `<tr><td>${escape(Records.date(l.entry.at))}</td><td>${escape(l.entry.kind)}</td><td>${escape(Records.who(other, options))}</td><td>${escape(l.entry.note)}</td><td class="n">${amount(l.change)}</td><td class="n">${amount(l.balance)}</td></tr>`
    })
    .join("\n")
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement of ${name}</title><style>${STYLE}</style></head>
<body>
<h1>Statement of ${name}</h1>
<p class="sub">${options.community === undefined ? "" : `${escape(options.community)} · `}${c ? `${escape(c.name)} (${escape(c.symbol)})` : "no currency yet"} · community day ${s.day}</p>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
<table><thead><tr><th>Date</th><th>What</th><th>With</th><th>Note</th><th class="n">Change</th><th class="n">Balance</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`
}
