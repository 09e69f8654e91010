/**
 * Printable pages, for when the software fails and people call people: the phone tree on one
 * page (who calls whom, by name, with their place in the tree), a drill's record (who the
 * tree reached, and when) and the records of communications (who wrote where and when). Plain HTML with its own print styles, no script; every name and
 * text is escaped.
 *
 * ```ts
 * import { Binder } from "@affinity/expression"
 *
 * const names = { nameOf: (id: string) => ({ a: "Ada", b: "Bo", c: "Cy" })[id[0]!] ?? "someone" }
 * const html = Binder.tree({ community: "Riverside", tree: ["a".repeat(64), "b".repeat(64), "c".repeat(64)], fanout: 2, names, at: 0 })
 * console.log(html.includes("<b>Ada</b> calls Bo, Cy")) // true
 * ```
 *
 * @module
 */
import * as Records from "./Records.ts"
import type { Names } from "./Records.ts"
import type { Drill, State } from "./State.ts"
import * as Tree from "./Tree.ts"

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const when = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:11pt/1.35 system-ui,sans-serif;margin:1.5cm;max-width:18cm}
h1{font-size:16pt;margin:0 0 .2em}p.sub{margin:0 0 1em;color:#444}
ol{padding-left:1.5em;columns:2;column-gap:1.5cm}li{break-inside:avoid;margin:0 0 .5em}
.box{display:inline-block;width:.9em;height:.9em;border:1px solid #000;margin-right:.4em;vertical-align:-.1em}
@page{size:A4;margin:1cm}@media print{body{margin:0}}
</style></head><body>
${body}
</body></html>
`

/** The phone tree on one page: each person, whom they call, and whom they confirm back to. */
export const tree = (o: {
  readonly community: string
  readonly tree: ReadonlyArray<string>
  readonly fanout: number
  readonly names: Names
  /** Community time the page is printed at. */
  readonly at: number
}): string => {
  const n = (id: string) => esc(o.names.nameOf(id))
  const items = o.tree.map((p) => {
    const calls = Tree.calls(o.tree, o.fanout, p)
    const caller = Tree.callerOf(o.tree, o.fanout, p)
    return `<li><span class="box"></span><b>${n(p)}</b>${calls.length > 0 ? ` calls ${calls.map(n).join(", ")}` : " calls nobody"}${caller === null ? " (starts the calls)" : `; confirms back to ${n(caller)}`}</li>`
  })
  return page(
    `Phone tree — ${o.community}`,
    `<h1>Phone tree — ${esc(o.community)}</h1>
<p class="sub">${o.tree.length} people, each calls up to ${o.fanout}; everyone is reached in ${Tree.rounds(o.tree, o.fanout)} rounds of calls. Printed ${when(o.at)}. Tick the box when you have reached everyone on your line and told the person who called you. If someone does not answer, call the people they would have called.</p>
<ol>
${items.join("\n")}
</ol>`
  )
}

/** A drill's record on one page: who was in the tree, who confirmed and when. */
export const drill = (o: { readonly community: string; readonly drill: Drill; readonly names: Names }): string => {
  const n = (id: string) => esc(o.names.nameOf(id))
  const confirmed = new Map(o.drill.confirmations.map((c) => [c.member, c.at]))
  const items = o.drill.tree.map((p, i) =>
    `<li><b>${n(p)}</b> — ${i === 0 ? "started the drill" : confirmed.has(p) ? `confirmed ${when(confirmed.get(p)!)}` : "did not confirm"}</li>`
  )
  const reached = o.drill.tree.filter((p, i) => i === 0 || confirmed.has(p)).length
  return page(
    `Drill — ${o.community}`,
    `<h1>Phone-tree drill — ${esc(o.community)}</h1>
<p class="sub">Started by ${n(o.drill.by)} on ${when(o.drill.at)}; ${reached} of ${o.drill.tree.length} reached${o.drill.ended === null ? "; still running" : ""}.</p>
<ol>
${items.join("\n")}
</ol>`
  )
}

/** The records of communications, printable: one table per channel (when, who, answers, edits, what became of the words). */
export const records = (o: { readonly community: string; readonly state: State; readonly options: Records.Options }): string => {
  const sections = Records.channels(o.state).map((c) => {
    const rows = Records.messages(o.state, o.options, c.id)
    const table =
      rows.length === 0
        ? "<p>No messages.</p>"
        : `<table><thead><tr><th>when</th><th>who</th><th>answers</th><th>edits</th><th>words</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${esc(r.at.slice(0, 16).replace("T", " "))}</td><td>${esc(r.author)}</td><td>${esc(r.replyTo ?? "")}</td><td>${r.edits}</td><td>${esc(r.words)}${r.stale ? " (old key)" : ""}</td></tr>`).join("\n")}
</tbody></table>`
    return `<h2>${esc(c.title)}</h2>
<p class="sub">${esc(c.kind)} channel, opened by ${esc(Records.who(c.by, o.options.names))} on ${when(c.at)}${c.retention === null ? "" : `; words erased after ${c.retention} days`}.</p>
${table}`
  })
  return page(
    `Records of communications — ${o.community}`,
    `<h1>Records of communications — ${esc(o.community)}</h1>
<p class="sub">Who wrote where and when. The words are not here: they belong to their authors and can be erased.</p>
${sections.join("\n")}`
  ).replace("</style>", "table{border-collapse:collapse;width:100%;margin:0 0 1em}td,th{border:1px solid #999;padding:.2em .4em;text-align:left;font-size:10pt}\n</style>")
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
  readonly verification?: string
}

const cells = (row: ReadonlyArray<string>): string => `<tr>${row.map((c) => `<td>${c}</td>`).join("")}</tr>`
const grid = (caption: string, head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  `<table><caption>${caption}</caption><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.map(cells).join("")}</tbody></table>`

const KIND_WORDS: { readonly [K in State["channels"][string]["kind"]]: string } = {
  community: "everyone",
  group: "a working group",
  private: "private, end to end",
  direct: "a direct conversation"
}

/**
 * The expression section of a community's binder
 * (`Governance.Binder.section(Expression.Binder.binderSection, state)`): channels with who opened
 * them and how many messages they hold, the pages published, the alerts raised. Metadata only:
 * the words belong to their authors and stay out of print.
 *
 * ```ts
 * import * as Expression from "@affinity/expression"
 *
 * const state = Expression.module.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 1, primeSize: 3, primeTerm: 1, quorumPercent: 50 } })
 * const part = Expression.Binder.binderSection(state, { name: (id) => id, date: (ms) => String(ms), escape: (t) => t })
 * console.log(part.title) // Communication
 * ```
 */
export const binderSection = (state: State, context: Context): Section => {
  const { escape, date, name } = context
  const channels = Records.channels(state)
  const alerts = Object.values(state.alerts).sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
  const html = [
    `<p>Who wrote where and when, never the words: they belong to their authors, who may erase them, and private channels are readable only by their members' devices.</p>`,
    channels.length === 0
      ? `<p>No channel was opened.</p>`
      : grid(
          "Channels",
          ["Channel", "For", "Opened by", "On", "Messages", "Words kept"],
          channels.map((c) =>
            [c.title, KIND_WORDS[c.kind], name(c.by), date(c.at), String(c.messages.length), c.retention === null ? "until erased" : `${c.retention} days`].map(escape)
          )
        ),
    state.pages.length === 0
      ? ""
      : grid("Public pages published", ["Title", "Files", "Decided on"], state.pages.map((p) => [p.title, String(p.files), date(p.at)].map(escape))),
    alerts.length === 0
      ? ""
      : grid(
          "Alerts",
          ["Raised by", "On", "Confirmed by", "Reached everyone"],
          alerts.map((a) =>
            [name(a.by), date(a.at), a.confirmations.map((c) => name(c.member)).join(", ") || "nobody", a.cancelled !== null ? "called off" : a.escalated !== null ? "yes" : "no"].map(escape)
          )
        )
  ].join("\n")
  const verification =
    state.pages.length === 0 ? "" : grid("Public pages", ["Title", "Manifest (SHA-256)"], state.pages.map((p) => [escape(p.title), `<code>${p.manifest}</code>`]))
  return { title: "Communication", html, verification }
}

