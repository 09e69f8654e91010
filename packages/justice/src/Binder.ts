/**
 * The justice section of a community's binder (`Governance.Binder.html` with
 * `sections: [Governance.Binder.section(Justice.Binder.binderSection, state)]`): the public
 * record people keep on paper. Restrictions with what they stop, until when, who decided and
 * why; cases by their public steps only. What people wrote in a case stays sealed to the people
 * in it and is never printed here.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const state = Justice.module.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 1, primeSize: 3, primeTerm: 1, quorumPercent: 50 } })
 * const part = Justice.Binder.binderSection(state, { name: (id) => id, date: (ms) => new Date(ms).toISOString(), escape: (t) => t })
 * console.log(part.title) // Justice
 * ```
 *
 * @module
 */
import { aboutName, kindWords, type Namer, restrictionRecord, restrictions, stageOf } from "./Records.ts"
import { readers, type State } from "./State.ts"

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

const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, caption: string): string =>
  `<table><caption>${caption}</caption><thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`

const latest = (state: State): number => {
  let t = 0
  for (const r of Object.values(state.restrictions)) t = Math.max(t, r.at)
  for (const c of Object.values(state.cases)) t = Math.max(t, c.filed)
  return t
}

/** The justice section: restrictions, then cases without their words. */
export const binderSection = (state: State, context: Context): Section => {
  const { escape, date } = context
  const name: Namer = (id) => (id.startsWith("group/") ? context.name(id.slice("group/".length)) : context.name(id))
  const now = context.now ?? latest(state)
  const rs = restrictions(state)
  const cases = Object.values(state.cases).sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
  const html = [
    `<p>The aim is repair, not punishment. Every restriction names what it stops and ends on a set date; a restricted member may appeal once, to a panel drawn by lot that leaves out whoever decided. What people wrote in a case stays sealed to the people in it: this record shows only that cases exist, their steps and their decisions.</p>`,
    rs.length === 0
      ? `<p>No restriction was ever decided.</p>`
      : table(
          ["Who", "What it stops", "From", "Until", "Decided by", "Reason", "Now", "Appeal"],
          rs.map((r) => {
            const x = restrictionRecord(state, r, name, now)
            return [x.subject, `${x.rung}: ${x.scope}`, date(r.at), x.until, x.decidedBy, x.reason, x.status, x.appeal].map(escape)
          }),
          "Restrictions"
        ),
    cases.length === 0
      ? `<p>No case was ever filed.</p>`
      : table(
          ["Filed", "Case", "Where it stands", "Who can read its words"],
          cases.map((c) => [date(c.filed), `${kindWords[c.kind]} about ${aboutName(c, name)}`, stageOf(c), readers(c).map(name).sort().join(", ")].map(escape)),
          "Cases"
        )
  ].join("\n")
  const verification =
    rs.length === 0 && cases.length === 0
      ? ""
      : table(
          ["Record", "Event"],
          [
            ...rs.map((r) => [escape(`Restriction of ${name(r.subject)} from ${date(r.at)}`), `<code>${r.key}</code>`]),
            ...cases.map((c) => [escape(`Case filed ${date(c.filed)}`), `<code>${c.id}</code>`])
          ],
          "Justice"
        )
  return { title: "Justice", html, verification }
}
