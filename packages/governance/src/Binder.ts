/**
 * The binder: one printable document of a community, for the shelf and for the day the
 * software fails. It holds the community's name and founding, its members by name with
 * their standing and since when, every decision with each stance and its reason (stances
 * heard late included), the working groups with their mandate and members, the prime
 * groups' seats term by term with how each draw can be checked, and a section for each
 * module that offers one. People appear by name and dates in words; ids (hex) appear only
 * in a short appendix, "For verification", in a small font.
 *
 * It is HTML with a print stylesheet and nothing to fetch (no script, no web font, no
 * image): open it in a browser and print it, on A4 or Letter, or save it as a PDF. Each
 * section starts a page; tables repeat their header row on every page and keep their rows
 * whole; it reads the same in black and white. Every string that people wrote (names,
 * titles, texts, reasons) is escaped.
 *
 * ```ts
 * import { Client, type Membership, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const ada = await client.generateKey()
 * const garden = await client.create({ name: "Garden <& friends>", author: ada })
 *
 * const page = Governance.Binder.html(garden.state<Governance.State>("governance"), garden.state<Membership.State>("core"), {
 *   nameOf: (identity) => (identity === ada.id ? "Ada" : undefined),
 *   timeOf: (key) => garden.event(key)?.communityTime,
 *   outcomeOf: garden.outcome,
 *   timeZone: "UTC"
 * })
 * console.log(page.startsWith("<!doctype html>")) // true
 * console.log(page.includes("<h1>Garden &lt;&amp; friends&gt;</h1>")) // true
 * console.log(page.includes("<td>Ada</td>")) // true
 * await client.close()
 * ```
 *
 * @module
 */
import type { Membership, Module, Replica } from "@affinity/core"
import * as Carried from "./Carried.ts"
import * as Explain from "./Explain.ts"
import * as Paper from "./Paper.ts"
import * as Records from "./Records.ts"
import {
  type Decision,
  type Group,
  primeGroups,
  type Proposal,
  type Scope,
  type Stance,
  type StanceKind,
  type State,
  type Term,
  termStart
} from "./State.ts"

// --- the extension point -------------------------------------------------------------------------

/**
 * What a section is written with: people's names, dates in words, and escaping. `name` and
 * `date` give plain text; put any text into HTML through `escape`.
 */
export interface Context {
  /** A person (identity hex) as the binder names them: the given name, else their label. */
  readonly name: (identity: string) => string
  /** A moment (ms since the epoch) in words: `4 December 2025, 14:05 UTC`. */
  readonly date: (ms: number) => string
  /** Text made safe to put in HTML, as element content or a quoted attribute value. */
  readonly escape: (text: string) => string
  /** When the binder is printed (ms), when known: what "in force" and "expired" are judged at. */
  readonly now?: number
}

/** One section of the binder, as a module writes it. */
export interface Section {
  /** The section's heading (plain text; the binder escapes it). */
  readonly title: string
  /** The section's body, HTML (headings from `<h3>` down, paragraphs, tables), with every user-provided string escaped. */
  readonly html: string
  /** Ids and other data for checking the section against the log, HTML, printed in the appendix in a small font. */
  readonly verification?: string
}

/**
 * What a module offers the binder: its section, written from its state. A module offers one
 * by exporting it as `binderSection`; it needs no import from this package, the shape is
 * enough.
 *
 * ```ts
 * import * as Governance from "@affinity/governance"
 *
 * type Notes = { readonly notes: ReadonlyArray<string> }
 * const binderSection: Governance.Binder.SectionOf<Notes> = (state, { escape }) => ({
 *   title: "Notes",
 *   html: `<ul>${state.notes.map((note) => `<li>${escape(note)}</li>`).join("")}</ul>`
 * })
 * const part = Governance.Binder.section(binderSection, { notes: ["<b>bring gloves</b>"] })
 * const written = part({ name: (id) => id, date: (ms) => String(ms), escape: Governance.Binder.escape })
 * console.log(written.html) // "<ul><li>&lt;b&gt;bring gloves&lt;/b&gt;</li></ul>"
 * ```
 */
export type SectionOf<S> = (state: S, context: Context) => Section

/** A module's section bound to the state it is written from, for {@link Options.sections}. */
export type Part = (context: Context) => Section

/** Bind a module's `binderSection` to its state: `Binder.section(Economy.binderSection, community.state("economy"))`. */
export const section =
  <S>(binderSection: SectionOf<S>, state: S): Part =>
  (context) =>
    binderSection(state, context)

// --- options ---------------------------------------------------------------------------------------

/** What the binder needs beyond the governance and core states. */
export interface Options {
  /**
   * The name to print for a person (identity hex), e.g. from an address book. Without one, a
   * person appears by their label: two pronounceable words made from their key
   * (`lusab-babad`), the same the CLI and the bridge show. Two people with one name are told
   * apart by their labels.
   */
  readonly nameOf?: (identity: string) => string | undefined
  /**
   * Community time at an event (`(key) => community.event(key)?.communityTime`), for since
   * when members hold their standing and when they joined or left groups. Without it, only
   * the times the governance state holds are known, and other dates show as unknown.
   */
  readonly timeOf?: (key: string) => number | undefined
  /** What the fold made of an event (`community.outcome`), to say whether decisions' actions were carried out. */
  readonly outcomeOf?: (key: string) => Replica.Outcome | undefined
  /** Other modules' sections, printed in this order after the prime groups (see {@link section}). */
  readonly sections?: ReadonlyArray<Part>
  /** When it is printed (ms): shown on the first page, and the time working groups' end dates are judged at. */
  readonly printed?: number
  /** IANA time zone of the dates (default: the system's). */
  readonly timeZone?: string
}

// --- words -----------------------------------------------------------------------------------------

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Text made safe to put in HTML, as element content or a quoted attribute value. */
export const escape = (text: string): string => text.replaceAll(/[&<>"']/g, (c) => ENTITIES[c]!)

const CONSONANTS = "bdfghjklmnprstvz"
const VOWELS = "aiou"
const quint = (n: number): string =>
  CONSONANTS[(n >> 12) & 15]! + VOWELS[(n >> 10) & 3]! + CONSONANTS[(n >> 6) & 15]! + VOWELS[(n >> 4) & 3]! + CONSONANTS[n & 15]!

/** The label of an identity (hex): proquints of its first four bytes, e.g. `lusab-babad`. */
const label = (identity: string): string =>
  `${quint(Number.parseInt(identity.slice(0, 4), 16) || 0)}-${quint(Number.parseInt(identity.slice(4, 8), 16) || 0)}`

const list = Explain.list

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

const stancePast = (kind: StanceKind): string =>
  kind === "agree" ? "agreed" : kind === "abstain" ? "stood aside" : kind === "object" ? "objected" : "blocked"

const outcomeWord = (d: Decision): string =>
  d.outcome === "passed"
    ? "Passed"
    : d.outcome === "failed"
      ? "Did not pass"
      : d.outcome === "recorded"
        ? "Recorded"
        : d.outcome === "withdrawn"
          ? "Withdrawn"
          : "Replaced"

const processWords = (p: Proposal): string =>
  p.process === "consensus"
    ? "by consensus"
    : p.process === "consent"
      ? "by consent (it passes unless someone objects or blocks)"
      : "as a poll (it records where people stand and decides nothing)"

// --- what every part of the document shares -------------------------------------------------------

interface Writer extends Context {
  readonly gov: State
  readonly core: Membership.State
  readonly options: Options
  /** A moment's day in words: `4 December 2025`. */
  readonly day: (ms: number) => string
  /** Community time at an event, when known. */
  readonly timeOf: (key: string) => number | undefined
  /** Proposal numbers: by when they were opened, then id, the same on every device. */
  readonly number: (proposal: string) => number
  /** Text from the log for people: ids in it become names. */
  readonly plain: (text: string) => string
}

const formats = (timeZone: string | undefined) => {
  const zone = timeZone === undefined ? {} : { timeZone }
  const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", ...zone })
  const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short", ...zone })
  return {
    day: (ms: number) => dayFormat.format(new Date(ms)),
    date: (ms: number) => `${dayFormat.format(new Date(ms))}, ${timeFormat.format(new Date(ms))}`
  }
}

/** Times of the events the governance state itself dates. */
const knownTimes = (gov: State): ReadonlyMap<string, number> => {
  const times = new Map<string, number>()
  for (const p of Object.values(gov.proposals)) {
    for (const v of p.versions) times.set(v.key, v.at)
    for (const s of [...p.stances, ...p.late]) times.set(s.key, s.at)
    if (p.decision) {
      times.set(p.decision.key, p.decision.at)
      if (p.decision.actionEvent !== null) times.set(p.decision.actionEvent, p.decision.at)
    }
  }
  for (const g of Object.values(gov.groups)) {
    times.set(g.id, g.created)
    if (g.disbanded) times.set(g.disbanded.key, g.disbanded.at)
  }
  for (const t of Object.values(gov.terms)) times.set(t.key, t.at)
  return times
}

const writer = (gov: State, core: Membership.State, options: Options): Writer => {
  const identities = Object.keys(core.identities)
  const given = new Map<string, string>()
  for (const id of identities) {
    const name = options.nameOf?.(id)?.trim()
    given.set(id, name === undefined || name === "" ? label(id) : name)
  }
  const counts = new Map<string, number>()
  for (const name of given.values()) counts.set(name, (counts.get(name) ?? 0) + 1)
  const name = (identity: string): string => {
    const n = given.get(identity) ?? (options.nameOf?.(identity)?.trim() || label(identity))
    return (counts.get(n) ?? 0) > 1 && n !== label(identity) ? `${n} (${label(identity)})` : n
  }
  const known = knownTimes(gov)
  const numbers = new Map(Records.proposals(gov).map((p, i) => [p.id, i + 1]))
  const { day, date } = formats(options.timeZone)
  const plain = (text: string): string =>
    text.replaceAll(/[0-9a-f]{8,64}…?/g, (hex) => {
      const prefix = hex.replace("…", "")
      const who = identities.find((id) => id.startsWith(prefix))
      return who === undefined ? "someone" : name(who)
    })
  return {
    gov,
    core,
    options,
    name,
    date,
    day,
    escape,
    timeOf: (key) => options.timeOf?.(key) ?? known.get(key),
    number: (id) => numbers.get(id) ?? 0,
    plain
  }
}

/** People in the order given (a ranking), in words: "Ada, Bo and Cy". */
const names = (w: Writer, ids: ReadonlyArray<string>, none?: string): string => list(ids.map(w.name), none)

/** A set of people, by name in alphabetical order, in words. */
const sortedNames = (w: Writer, ids: ReadonlyArray<string>, none?: string): string =>
  list(ids.map(w.name).sort((a, b) => a.localeCompare(b, "en")), none)

/** A table whose header row repeats on each printed page; cells and caption are HTML already escaped. */
const table = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  options: { readonly caption?: string; readonly className?: string } = {}
): string =>
  [
    `<table${options.className ? ` class="${options.className}"` : ""}>`,
    options.caption === undefined ? "" : `<caption>${options.caption}</caption>`,
    `<thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody>`,
    "</table>"
  ].join("")

/** A two-column table of labelled facts (HTML already escaped). */
const facts = (rows: ReadonlyArray<readonly [string, string]>): string =>
  `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join("")}</tbody></table>`

// --- the cover -------------------------------------------------------------------------------------

const cover = (w: Writer, contents: ReadonlyArray<{ readonly id: string; readonly title: string; readonly note: string }>): string => {
  const c = w.core.community
  const full = Object.values(w.core.identities).filter((i) => i.status === "full").length
  const decided = Records.decisions(w.gov).length
  const groups = Records.groups(w.gov).length
  return [
    `<header class="cover">`,
    `<p class="kicker">The binder of</p>`,
    `<h1>${escape(c.name)}</h1>`,
    `<p class="founded">Founded on ${escape(w.date(c.created))}${c.founders.length > 0 ? ` by ${escape(sortedNames(w, c.founders))}` : ""}.</p>`,
    w.options.printed === undefined ? "" : `<p class="printed">Printed on ${escape(w.date(w.options.printed))}.</p>`,
    `<p class="summary">${escape([plural(full, "full member"), plural(decided, "decision"), plural(groups, "working group"), plural(Records.terms(w.gov).filter((t) => t.term > 0).length, "term drawn", "terms drawn")].join(" · "))}</p>`,
    `<p class="about">This binder is the community's record as one member's copy held it when it was printed: who belongs, every decision with where each member stood and why, the working groups, and who held the seats of the prime groups. Keep it where members can read it. The community has no centre: every member's copy reaches the same record from the same events, and if the software fails, the members carry on from here.</p>`,
    `</header>`,
    `<nav class="contents"><h2>Contents</h2><ol>`,
    ...contents.map((s) => `<li><a href="#${s.id}">${escape(s.title)}</a>${s.note === "" ? "" : ` <span class="note">— ${escape(s.note)}</span>`}</li>`),
    `</ol></nav>`
  ].join("\n")
}

// --- members ---------------------------------------------------------------------------------------

interface MemberRow {
  readonly id: string
  readonly identity: Membership.Identity
  readonly since: number | undefined
  readonly founder: boolean
}

const memberRows = (w: Writer): ReadonlyArray<MemberRow> => {
  const c = w.core.community
  const founders = new Set(c.founders)
  const order = { full: 0, applicant: 1, left: 2 } as const satisfies Record<Module.MemberStatus, number>
  return Object.entries(w.core.identities)
    .map(([id, identity]) => {
      const last = identity.history[identity.history.length - 1]
      const since = last === undefined || last.at === c.id ? c.created : w.timeOf(last.at)
      return { id, identity, since, founder: founders.has(id) }
    })
    .sort(
      (a, b) =>
        order[a.identity.status] - order[b.identity.status] ||
        (a.since ?? Number.MAX_SAFE_INTEGER) - (b.since ?? Number.MAX_SAFE_INTEGER) ||
        w.name(a.id).localeCompare(w.name(b.id), "en") ||
        (a.id < b.id ? -1 : 1)
    )
}

const members = (w: Writer): string => {
  const rows = memberRows(w)
  const count = (s: Module.MemberStatus) => rows.filter((r) => r.identity.status === s).length
  const standing = (r: MemberRow) =>
    r.identity.status === "full"
      ? r.founder && r.identity.history.length <= 1
        ? "full member, a founder"
        : "full member"
      : r.identity.status === "applicant"
        ? "asking to join"
        : r.identity.reason === null
          ? "left"
          : "removed by decision"
  const note = (r: MemberRow) =>
    r.identity.status === "left" && r.identity.reason !== null
      ? `“${escape(r.identity.reason)}”`
      : r.identity.status === "applicant"
        ? "the members admit a newcomer by a decision"
        : ""
  return [
    `<p>${escape(
      `${plural(count("full"), "full member")}, who decide together; ${plural(count("applicant"), "person", "people")} asking to join; ${plural(count("left"), "person", "people")} who left or were removed.`
    )} A member's standing changes only by their own act (asking to join, leaving) or by a decision of the community.</p>`,
    rows.length === 0
      ? "<p>Nobody yet.</p>"
      : table(
          ["Name", "Standing", "Since", "Note"],
          rows.map((r) => [escape(w.name(r.id)), escape(standing(r)), escape(r.since === undefined ? "not known on this copy" : w.day(r.since)), note(r)]),
          { className: "members" }
        )
  ].join("\n")
}

// --- decisions -------------------------------------------------------------------------------------

const decidedBy = (w: Writer, scope: Scope): string =>
  scope._tag === "Community"
    ? "the community"
    : scope._tag === "Prime"
      ? `the ${scope.module} prime group`
      : `the working group “${w.gov.groups[scope.group]?.name ?? "that no longer exists"}”`

/** Why a proposal ended as it did, in words, with names. */
const reasonText = (w: Writer, p: Proposal, d: Decision): string => Explain.outcome(w.gov, w.core.community.params.quorumPercent, p, d, people(w))

/** How the binder names people, dates and reasons when it tells of decisions. */
const people = (w: Writer): Explain.Names => ({ name: w.name, number: w.number, names: (ids) => sortedNames(w, ids), date: w.date, plain: w.plain })

/** The actions of a decision, each with what became of it, in words. */
const actionResults = (w: Writer, d: Decision): ReadonlyArray<Explain.ActionResult> =>
  Explain.actions(w.gov, d, d.actionEvent === null ? undefined : Carried.outcomes(d, w.options.outcomeOf?.(d.actionEvent)), people(w))

/** The facts row of a decision's actions: one action in a sentence, several as a numbered list, with what became of each. */
const actionsRow = (w: Writer, d: Decision): readonly [string, string] | undefined => {
  const told = actionResults(w, d)
  const passed = d.outcome === "passed"
  if (told.length === 0) return undefined
  if (told.length === 1) {
    const { what, text } = told[0]!
    return ["Action", escape(passed ? `${capitalized(what)}: ${text}.` : `It would have carried out: ${what}.`)]
  }
  const intro = passed
    ? "Applied in this order, together or not at all:"
    : "It would have carried out, in this order, together or not at all:"
  const items = told.map((a) => `<li>${escape(passed ? `${capitalized(a.what)}: ${a.text}.` : `${capitalized(a.what)}.`)}</li>`)
  return ["Actions", `${escape(intro)}<ol class="actions">${items.join("")}</ol>`]
}

const stanceRows = (w: Writer, stances: ReadonlyArray<Stance>): ReadonlyArray<ReadonlyArray<string>> =>
  stances.map((s) => [escape(w.name(s.member)), escape(stancePast(s.stance)), s.reason === null ? "" : `<span class="said">${escape(s.reason)}</span>`, escape(w.date(s.at))])

const decisionBlock = (w: Writer, p: Proposal): string => {
  const d = p.decision!
  const rows: Array<readonly [string, string]> = [
    ["Proposed by", escape(`${w.name(p.proposer)}, on ${w.date(p.opened)}`)],
    ["Decided by", escape(`${capitalized(decidedBy(w, p.scope))}, ${processWords(p)}`)],
    ["Deadline", escape(w.date(p.deadline))]
  ]
  if (p.supersedes !== null) {
    const old = w.gov.proposals[p.supersedes]
    rows.push(["Replaces", escape(old ? `proposal ${w.number(old.id)} (“${old.title}”)` : "an earlier proposal")])
  }
  if (d.version > 0) rows.push(["Text", escape(`amended ${d.version === 1 ? "once" : `${d.version} times`}; stances on earlier versions did not count`)])
  const carried = actionsRow(w, d)
  if (carried !== undefined) rows.push(carried)
  const t = d.tally
  if (d.outcome === "passed" || d.outcome === "failed" || d.outcome === "recorded")
    rows.push([
      "Tally",
      escape(`${t.agree} agreed, ${t.abstain} stood aside, ${t.object} objected, ${t.block} blocked, ${t.silent} said nothing, of ${plural(d.deciders, "member")} deciding`)
    ])
  if (d.seats.length > 0) rows.push(["Seats", escape(sortedNames(w, d.seats))])
  return [
    `<article class="decision" id="proposal-${w.number(p.id)}">`,
    `<h3>${w.number(p.id)}. ${escape(p.title)}</h3>`,
    `<p class="verdict"><strong>${outcomeWord(d)}</strong> on ${escape(w.date(d.at))}: ${escape(reasonText(w, p, d))}.</p>`,
    facts(rows),
    d.text === "" ? "" : `<blockquote class="text">${escape(d.text)}</blockquote>`,
    d.stances.length === 0
      ? `<p class="quiet">No stance counted.</p>`
      : table(["Member", "Stance", "Reason", "When"], stanceRows(w, d.stances), { caption: "Stances that counted", className: "stances" }),
    p.late.length === 0
      ? ""
      : table(["Member", "Stance", "Reason", "When"], stanceRows(w, p.late), {
          caption: "Heard late: taken before the deadline by members who had not seen the decision, and recorded when their copies met again; they did not count",
          className: "stances late"
        }),
    `</article>`
  ].join("\n")
}

const paperWords: Readonly<Record<Paper.PaperStatus, string>> = {
  awaiting: "Awaiting signatures",
  witnessed: "Witnessed",
  disputed: "Disputed"
}

const paperBlock = (w: Writer, p: Paper.PaperDecision): string => {
  const waiting = Paper.unsigned(p)
  return [
    `<article class="decision paper">`,
    `<h3>${escape(p.title)}</h3>`,
    `<p class="verdict"><strong>${paperWords[Paper.status(p)]}</strong>: decided on paper on ${escape(w.date(p.decided))}, entered by ${escape(w.name(p.by))} on ${escape(w.date(p.entered))}.</p>`,
    p.text === "" ? "" : `<blockquote class="text">${escape(p.text)}</blockquote>`,
    table(
      ["Witness", "Signed", "Reason", "When"],
      [
        ...p.signatures.map((s) => [escape(w.name(s.witness)), s.agree ? "agreed" : "disputed", s.reason === null ? "" : `<span class="said">${escape(s.reason)}</span>`, escape(w.date(s.at))]),
        ...waiting.map((id) => [escape(w.name(id)), "not yet", "", ""])
      ],
      { caption: "Witnesses", className: "stances" }
    ),
    `</article>`
  ].join("\n")
}

const decisions = (w: Writer): string => {
  const decided = Records.decisions(w.gov)
  const open = Records.open(w.gov)
  const paper = Paper.all(w.gov)
  return [
    `<p>Every proposal that ended, in the order it ended. Proposals are numbered by when they were opened, the same on every member's copy. A member agrees, stands aside (lets it pass without taking part), objects, or blocks (in a consensus, one block stops a proposal); objecting and blocking take a reason. A stance counts when the community had seen it before the deadline.</p>`,
    decided.length === 0 ? `<p>No decision yet.</p>` : decided.map((p) => decisionBlock(w, p)).join("\n"),
    paper.length === 0
      ? ""
      : [
          `<h3>Decided on paper</h3>`,
          `<p>Decisions taken where the software was not at hand, entered afterwards by a member and signed by each witness with their own key. They carry no action: to make one act, members open a proposal that cites it.</p>`,
          ...paper.map((p) => paperBlock(w, p))
        ].join("\n"),
    `<h3>Open when printed</h3>`,
    open.length === 0
      ? `<p>No proposal was open.</p>`
      : table(
          ["No.", "Proposal", "Proposed by", "Deadline", "Stances so far"],
          open.map((p) => [
            String(w.number(p.id)),
            escape(p.title),
            escape(w.name(p.proposer)),
            escape(w.date(p.deadline)),
            escape(list(Records.stances(w.gov, p.id).map((s) => `${w.name(s.member)} ${stancePast(s.stance)}`), "none yet"))
          ]),
          { className: "open" }
        )
  ].join("\n")
}

// --- working groups --------------------------------------------------------------------------------

const creatingDecision = (w: Writer, g: Group): Proposal | undefined =>
  Object.values(w.gov.proposals).find((p) => p.decision !== null && (p.decision.key === g.id || p.decision.actionEvent === g.id))

const groupBlock = (w: Writer, g: Group): string => {
  const made = creatingDecision(w, g)
  const printed = w.options.printed
  const status =
    g.disbanded !== null
      ? `disbanded on ${w.date(g.disbanded.at)}: “${g.disbanded.reason}”`
      : g.expiry === null
        ? "active, with no end date"
        : printed !== undefined && g.expiry <= printed
          ? `ended on ${w.date(g.expiry)}`
          : `active until ${w.date(g.expiry)}`
  const rows: Array<readonly [string, string]> = [
    ["Purpose", escape(g.purpose)],
    ["Created", escape(`on ${w.date(g.created)}${made ? `, by decision ${w.number(made.id)} (“${made.title}”)` : ""}`)],
    ["May decide on its own", g.mandate.length === 0 ? "nothing: it prepares, and the community decides" : g.mandate.map((m) => `<code>${escape(m)}</code>`).join(", ")],
    ["Standing", escape(status)],
    ["Members", escape(sortedNames(w, g.members))]
  ]
  const changes = g.changes.filter((c) => c.key !== g.id)
  return [
    `<article class="group">`,
    `<h3>${escape(g.name)}</h3>`,
    facts(rows),
    changes.length === 0
      ? ""
      : table(
          ["Member", "Change", "When"],
          changes.map((c) => {
            const at = w.timeOf(c.key)
            return [escape(w.name(c.member)), c.joined ? "joined" : "left", escape(at === undefined ? "not known on this copy" : w.date(at))]
          }),
          { caption: "Changes of membership since it was created", className: "changes" }
        ),
    `</article>`
  ].join("\n")
}

const groups = (w: Writer): string => {
  const all = Records.groups(w.gov)
  return [
    `<p>A working group is created by a decision of the community, which gives it a purpose and a mandate: the acts it may decide on its own, by consensus of its members. Anything outside its mandate goes to the community.</p>`,
    all.length === 0 ? `<p>No working group yet.</p>` : all.map((g) => groupBlock(w, g)).join("\n")
  ].join("\n")
}

// --- prime groups ----------------------------------------------------------------------------------

/** How many of those next in line a term's table names; the rest are counted. */
const NEXT_SHOWN = 5

const nextInLine = (w: Writer, waiting: ReadonlyArray<string>): string =>
  waiting.length === 0
    ? "nobody"
    : waiting.length <= NEXT_SHOWN
      ? names(w, waiting)
      : `${waiting.slice(0, NEXT_SHOWN).map(w.name).join(", ")}, then ${waiting.length - NEXT_SHOWN} more`

const termBlock = (w: Writer, t: Term): string => {
  const params = w.core.community.params
  const from = termStart(w.gov, params, t.term)
  const to = termStart(w.gov, params, t.term + 1)
  const heading = `<h3>Term ${t.term}: ${escape(w.day(from))} to ${escape(w.day(to))}</h3>`
  if (t.term === 0)
    return `<article class="term">${heading}<p>The founding term: nobody is seated, and the community decides everything. Its draw, by ${escape(w.name(t.by))} on ${escape(w.date(t.at))}, starts the lot: the commitments it records are the ones term 1's numbers come from.</p></article>`
  const drawnGroups = primeGroups(w.gov, t.term)
  const explained = drawnGroups.map((g) => Records.explainDraw(w.gov, t.term, g))
  const seedOk = explained.every((e) => e?.seedVerified === true)
  const rankingOk = explained.every((e) => e?.rankingVerified === true)
  const revealed = t.reveals.map((r) => r.member)
  const lines = [
    `Drawn by ${w.name(t.by)} on ${w.date(t.at)}, ${plural(t.size, "seat")} in each group.`,
    revealed.length === 0
      ? "No number was revealed for this term, so its seed follows from the community and the term alone, and could be known in advance."
      : `The seed mixes the secret numbers revealed by ${sortedNames(w, revealed)}.`,
    t.withheld.length === 0 ? "" : `${sortedNames(w, t.withheld)} had committed but did not reveal in time: their numbers are not in it.`
  ].filter((l) => l !== "")
  const check = `Checked when this binder was made: the seed follows from the revealed numbers — ${seedOk ? "yes" : "NO"}; each group's order follows from the seed — ${rankingOk ? "yes" : "NO"}.`
  const rows = drawnGroups.map((g) => {
    const tg = t.groups[g]
    if (tg === undefined) return [escape(g), "", "", "", ""]
    return [
      escape(g),
      escape(names(w, tg.ranked.slice(0, t.size), "no seat filled")),
      escape(nextInLine(w, tg.ranked.slice(t.size))),
      escape(sortedNames(w, tg.resigned, "—")),
      escape(sortedNames(w, tg.excluded, "—"))
    ]
  })
  return [
    `<article class="term">`,
    heading,
    `<p>${escape(lines.join(" "))}</p>`,
    `<p class="check">${escape(check)}${seedOk && rankingOk ? "" : " <strong>This draw does not match its own data: ask the members to check it against the log.</strong>"}</p>`,
    table(["Group", "Seated by the draw", "Next in line, in order", "Resigned", "Not eligible (served last term)"], rows, { className: "seats" }),
    `</article>`
  ].join("\n")
}

const prime = (w: Writer): string => {
  const params = w.core.community.params
  const terms = Records.terms(w.gov)
  const days = Math.round(params.primeTerm / (24 * 60 * 60 * 1000))
  const length = days >= 1 ? plural(days, "day") : plural(Math.round(params.primeTerm / (60 * 60 * 1000)), "hour")
  return [
    `<p>Each module of community life (${escape(list([...primeGroups(w.gov)]))}) has a prime working group of ${escape(plural(params.primeSize, "seat"))}, drawn by lot for a term of ${escape(length)}, so that power rotates and nobody campaigns for it. Nobody serves the same group two terms in a row. A prime group decides only when every seat agrees; while it has a seat empty, the community decides instead. A seat left empty during a term (its holder resigned or left) goes to the next in line of the same draw.</p>`,
    `<p><strong>How the lot works.</strong> Each member who takes part commits in advance to a chain of secret numbers, publishing only a fingerprint of its end, and reveals one number of the chain each term. Anyone can check a revealed number against the fingerprint, and nobody can pick it: the only choice left is to reveal or not. The term's seed mixes every number revealed in time with the community and the term; so long as one member kept theirs secret until the reveals closed, nobody could know or steer the seed. Each eligible member's score mixes the seed, the group's name and the member's key; the lowest scores take the seats, and the rest wait in line in the order of their scores. The appendix holds the numbers, so anyone can redo a draw by hand.</p>`,
    terms.length === 0 ? `<p>No term has been drawn yet: nobody is seated, and the community decides everything.</p>` : terms.map((t) => termBlock(w, t)).join("\n")
  ].join("\n")
}

// --- for verification ------------------------------------------------------------------------------

const id = (hex: string): string => `<code>${escape(hex)}</code>`

const verification = (w: Writer, parts: ReadonlyArray<{ readonly title: string; readonly section: Section }>): string => {
  const c = w.core.community
  const out = [
    `<p>Every id below is the fingerprint (SHA-256) of a signed event of the community's log, or a member's public key. With a copy of the log, anyone can check each line of this binder against it.</p>`,
    facts([
      ["Community", escape(c.name)],
      ["Community id (its first event)", id(c.id)],
      ["Founded (UTC)", escape(new Date(c.created).toISOString())]
    ]),
    table(
      ["Member", "Key"],
      memberRows(w).map((r) => [escape(w.name(r.id)), id(r.id)]),
      { caption: "Members" }
    )
  ]
  const all = Records.proposals(w.gov)
  if (all.length > 0)
    out.push(
      table(
        ["No.", "Proposal", "Opened by event", "Ended by event"],
        all.map((p) => [String(w.number(p.id)), escape(p.title), id(p.id), p.decision === null ? "open" : id(p.decision.key)]),
        { caption: "Proposals" }
      )
    )
  const paper = Paper.all(w.gov)
  if (paper.length > 0)
    out.push(
      table(
        ["Decided on paper", "Entered by event", "Signed by events"],
        paper.map((p) => [escape(p.title), id(p.id), p.signatures.map((s) => id(s.key)).join(" ")]),
        { caption: "Decisions taken on paper" }
      )
    )
  const groups = Records.groups(w.gov)
  if (groups.length > 0) out.push(table(["Working group", "Id (the event that created it)"], groups.map((g) => [escape(g.name), id(g.id)]), { caption: "Working groups" }))
  const terms = Records.terms(w.gov)
  if (terms.length > 0) {
    out.push(
      `<p>A term's seed is SHA-256 of the bytes of <code>affinity/lot/v1</code>, a zero byte, the community id, the term as 8 bytes (big-endian) and the revealed numbers sorted in ascending order. A member's score in a group is SHA-256 of the seed, the group's name (UTF-8) and the member's key; the lowest scores are seated.</p>`
    )
    for (const t of terms)
      out.push(
        facts([
          [`Term ${t.term}: draw event`, id(t.key)],
          ["Seed", id(t.seed)],
          ...t.reveals.map((r): readonly [string, string] => [`Revealed by ${escape(w.name(r.member))}`, `${id(r.value)} (event ${id(r.key)})`])
        ])
      )
  }
  for (const p of parts)
    if (p.section.verification !== undefined && p.section.verification !== "") out.push(`<h3>${escape(p.title)}</h3>`, p.section.verification)
  return out.join("\n")
}

// --- the page --------------------------------------------------------------------------------------

const STYLE = `
:root { color: #000; background: #fff; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "DejaVu Serif", "Times New Roman", Times, serif; max-width: 48em; margin: 0 auto; padding: 2em 1.5em 4em; }
h1, h2, h3, caption, th, .kicker, nav { font-family: "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 28pt; line-height: 1.15; margin: 0.1em 0 0.4em; }
h2 { font-size: 17pt; margin: 0 0 0.6em; padding-bottom: 0.15em; border-bottom: 1.5pt solid #000; }
h3 { font-size: 12.5pt; margin: 1.4em 0 0.4em; }
h2, h3, caption { break-after: avoid; page-break-after: avoid; }
p { margin: 0.4em 0 0.6em; orphans: 3; widows: 3; }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; font-size: 10pt; margin-top: 3em; }
.cover .summary { font-weight: bold; }
.cover .about { font-style: italic; }
nav.contents { margin-top: 2.5em; }
nav.contents h2 { border: none; }
nav.contents ol { list-style: none; padding-left: 0; }
nav.contents li { margin: 0.25em 0; }
nav .note { font-family: Georgia, "DejaVu Serif", "Times New Roman", serif; font-style: italic; }
a { color: inherit; }
section.chapter { margin-top: 3em; break-before: page; page-break-before: always; }
article { margin: 0 0 1.6em; }
article.term, article.group { break-inside: avoid; page-break-inside: avoid; }
table { width: 100%; border-collapse: collapse; margin: 0.5em 0 0.9em; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 0.25em 0.45em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { border-bottom-width: 2pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9.5pt; padding: 0.2em 0 0.3em; }
table.facts th { width: 12em; font-weight: normal; font-style: italic; }
table.stances th:nth-child(1) { width: 22%; }
table.stances th:nth-child(2) { width: 13%; }
table.stances th:nth-child(4) { width: 24%; }
table.members th:nth-child(1) { width: 30%; }
table.seats th:nth-child(1) { width: 16%; }
table.late { border-style: dashed; }
table.late td, table.late th { border-style: dashed; }
.said { white-space: pre-line; }
ol.actions { margin: 0.2em 0 0; padding-left: 1.4em; }
.verdict strong { text-transform: uppercase; letter-spacing: 0.04em; }
blockquote.text { white-space: pre-line; margin: 0.5em 0 0.8em; padding: 0.1em 0 0.1em 0.9em; border-left: 3pt solid #000; }
.check { font-size: 10pt; }
.quiet { font-style: italic; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; }
section.appendix { font-size: 7.5pt; line-height: 1.3; }
section.appendix h2 { font-size: 13pt; }
section.appendix table { font-size: 7pt; }
section.appendix code { font-size: 6.5pt; word-break: break-all; }
@page { margin: 18mm 16mm 20mm; @bottom-center { content: counter(page) " / " counter(pages); font: 8pt sans-serif; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section.chapter { margin-top: 0; }
  a { text-decoration: none; }
}
`

/**
 * The binder of a community, as one HTML document: the cover (name, founding, a summary)
 * and contents, then a section each for the members, the decisions, the working groups,
 * the prime groups and the lot, each module's section from `options.sections`, and the
 * appendix "For verification". `core` is the `core` module's state
 * (`community.state<Membership.State>("core")`).
 *
 * ```ts
 * import { Client, type Membership, Storage } from "@affinity/core"
 * import * as Governance from "@affinity/governance"
 *
 * const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
 * const ada = await client.generateKey()
 * const club = await client.create({ name: "Chess Club", author: ada })
 * const page = Governance.Binder.html(club.state<Governance.State>("governance"), club.state<Membership.State>("core"), {
 *   nameOf: (identity) => (identity === ada.id ? "Ada" : undefined)
 * })
 * console.log(["Members", "Decisions", "Working groups", "Prime groups and the lot", "For verification"].every((t) => page.includes(`${t}</h2>`))) // true
 * await client.close()
 * ```
 */
export const html = (state: State, core: Membership.State, options: Options = {}): string => {
  const w = writer(state, core, options)
  const context: Context = { name: w.name, date: w.date, escape, ...(options.printed === undefined ? {} : { now: options.printed }) }
  const parts = (options.sections ?? []).map((part) => {
    const written = part(context)
    return { title: written.title, section: written }
  })
  const full = Object.values(core.identities).filter((i) => i.status === "full").length
  const chapters: Array<{ readonly id: string; readonly title: string; readonly note: string; readonly body: string; readonly appendix?: boolean }> = [
    { id: "members", title: "Members", note: plural(full, "full member"), body: members(w) },
    { id: "decisions", title: "Decisions", note: plural(Records.decisions(state).length, "decision"), body: decisions(w) },
    { id: "groups", title: "Working groups", note: plural(Records.groups(state).length, "group"), body: groups(w) },
    { id: "prime", title: "Prime groups and the lot", note: plural(Records.terms(state).length, "term drawn", "terms drawn"), body: prime(w) },
    ...parts.map((p, i) => ({ id: `module-${i + 1}`, title: p.title, note: "", body: p.section.html })),
    { id: "verification", title: "For verification", note: "ids, in a small font", body: verification(w, parts), appendix: true }
  ]
  const numbered = chapters.map((c, i) => ({ ...c, title: c.appendix ? `Appendix: ${c.title}` : `${i + 1}. ${c.title}` }))
  return [
    "<!doctype html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="color-scheme" content="light">`,
    `<title>${escape(core.community.name)} — binder</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    cover(w, numbered),
    ...numbered.map((c) => `<section class="chapter${c.appendix ? " appendix" : ""}" id="${c.id}">\n<h2>${escape(c.title)}</h2>\n${c.body}\n</section>`),
    "</body>",
    "</html>",
    ""
  ].join("\n")
}
