/**
 * The justice records: read-only views a page or a terminal shows a member (their cases, who can
 * read each, the restrictions in force, the appeals), and the public record of restrictions and
 * cases as JSON (for machines), CSV (for spreadsheets) and Markdown (for people, by name, with
 * dates in community time). Case contents (the sealed payloads) never appear in a record: a case
 * shows that it exists, its steps and its decisions.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const state = Justice.init({ community: "00", name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Justice.DAY, quorumPercent: 50 }, time: 0 })
 * console.log(Justice.Records.restrictionsCsv(state, () => "someone", 0).split("\r\n")[0]) // restriction,subject,rung,scope,from,until,decided_by,decision,reason,status,renewals,appeal
 * console.log(Justice.Records.when(1_700_000_000_000)) // 2023-11-14 22:13 UTC
 * ```
 *
 * @module
 */
import { Bytes } from "@affinity/core/module"
import { type Appeal, type Case, expiry, handlers, parties, readers, type Restriction, type State, subjectOf } from "./State.ts"

/** How a record names an identity (or a subject such as `group/<id>`): a name people read. */
export type Namer = (identity: string) => string

/** A date and time people read, from community time (UTC). */
export const when = (time: number): string => {
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

const HEX64 = /^[0-9a-f]{64}$/

/** A subject in words: a member's name, or "the working group <name>". */
export const subjectName = (subject: string, name: Namer): string => (subject.startsWith("group/") ? `the working group ${name(subject)}` : name(subject))

/** What a restriction stops, in words, naming people where a field holds an identity. */
export const scopeText = (r: Pick<Restriction, "scope">, name: Namer): string => {
  const s = r.scope
  const what = s.types === undefined ? `every act of ${s.module}` : s.types.map((t) => `${s.module}/${t}`).join(", ")
  const where =
    s.where === undefined
      ? ""
      : ` where ${Object.keys(s.where)
          .sort()
          .map((k) => {
            const v = s.where![k]!
            return `${k} is ${typeof v === "string" && HEX64.test(v) ? name(v) : String(v)}`
          })
          .join(" and ")}`
  return what + where
}

/** The context a case's payloads are sealed with (the community adds its id in front): the filing's, or a later step's. */
export const sealContext = (caseId?: string): Uint8Array =>
  caseId === undefined ? Bytes.utf8("justice/case/v1") : Bytes.concat(Bytes.utf8("justice/case/v1\u0000"), Bytes.fromHex(caseId) ?? Bytes.utf8(caseId))

/**
 * Who can read a case about to be filed: the filer, the affected person, the respondents and
 * the justice prime group's seats now (from governance's records), sorted, once each. Seal the
 * filing's words to them with {@link sealContext}.
 */
export const filingReaders = (filing: { readonly filer: string; readonly affected?: string; readonly respondents: ReadonlyArray<string> }, seats: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set([filing.filer, ...(filing.affected === undefined ? [] : [filing.affected]), ...filing.respondents, ...seats])].sort()

/** A member's role in a case. */
export type Role = "filer" | "affected" | "respondent" | "handler" | "facilitator"

/** A case as a member sees it in a list: what it is, their roles, who can read it, where it stands. */
export type CaseView = {
  readonly id: string
  readonly kind: Case["kind"]
  readonly about: string
  readonly roles: ReadonlyArray<Role>
  /** Who can read its words, by name, sorted by name. */
  readonly readers: ReadonlyArray<string>
  readonly status: Case["status"]
  /** Where it stands, in words. */
  readonly stage: string
  readonly filed: string
}

/** Whom or what a case is about, in words. */
export const aboutName = (c: Case, name: Namer): string =>
  "member" in c.about
    ? name(c.about.member)
    : "group" in c.about
      ? `the working group ${name(subjectOf(c))}`
      : "prime" in c.about
        ? `the ${c.about.prime} prime group`
        : "a device with a forked chain"

/** For a case opened on another module's fact, what the fact was, in words (else empty). */
const factWords = (c: Case): string =>
  c.fact === undefined
    ? ""
    : "mandate" in c.fact
      ? " (defense lists its emergency mandate's review as overdue)"
      : ` (the economy records ${c.fact.overshoots.length} overshoot${c.fact.overshoots.length === 1 ? "" : "s"} of their limit)`

/** Where a case stands, in words. */
export const stageOf = (c: Case): string => {
  if (c.status !== "open") return c.status === "decided" ? `decided: ${c.decisions.at(-1)?.option ?? ""}` : c.status
  if (c.repair !== null && c.repair.stage !== "consent") return `repair: ${c.repair.stage}`
  if (c.repair !== null) return "repair: waiting for every party's consent"
  return c.weight === "community" ? `review by the community, round ${c.round + 1}` : "review by the justice prime group"
}

/** The roles `identity` holds in a case (none: they only see its public record). */
export const rolesIn = (c: Case, identity: string): ReadonlyArray<Role> => {
  const roles: Array<Role> = []
  if (c.filer === identity) roles.push("filer")
  if (c.affected === identity && c.filer !== identity) roles.push("affected")
  if (c.respondents.includes(identity)) roles.push("respondent")
  if (c.repair !== null && c.repair.stage !== "consent" && c.repair.facilitators.includes(identity)) roles.push("facilitator")
  else if (handlers(c).includes(identity)) roles.push("handler")
  return roles
}

const view = (c: Case, identity: string, name: Namer): CaseView => ({
  id: c.id,
  kind: c.kind,
  about: aboutName(c, name),
  roles: rolesIn(c, identity),
  readers: readers(c).map(name).sort(),
  status: c.status,
  stage: stageOf(c),
  filed: when(c.filed)
})

/** The cases `identity` is in (as a party, a handler or a facilitator), newest first. */
export const casesOf = (state: State, identity: string, name: Namer): ReadonlyArray<CaseView> =>
  Object.values(state.cases)
    .filter((c) => readers(c).includes(identity))
    .sort((a, b) => b.filed - a.filed || (a.id < b.id ? -1 : 1))
    .map((c) => view(c, identity, name))

/** Who can read a case's words, by name: what a page shows beside it ("who can read this"). */
export const whoCanRead = (state: State, caseId: string, name: Namer): ReadonlyArray<string> => {
  const c = state.cases[caseId]
  return c === undefined ? [] : readers(c).map(name).sort()
}

/** One public step of a case: when, and what happened, in words (never its sealed words). */
export type TimelineStep = { readonly at: number; readonly when: string; readonly what: string }

/**
 * A case's visible timeline, in order: the filing, who spoke, repair's stages, votes, decisions
 * and the end. What anyone can see; the words stay sealed.
 */
export const timeline = (state: State, caseId: string, name: Namer): ReadonlyArray<TimelineStep> => {
  const c = state.cases[caseId]
  if (c === undefined) return []
  const steps: Array<{ at: number; order: number; what: string }> = []
  const add = (at: number, what: string) => steps.push({ at, order: steps.length, what })
  add(c.filed, `${name(c.filer)} ${c.fact === undefined ? "filed" : "opened"} ${kindWords[c.kind].toLowerCase()} about ${aboutName(c, name)}${factWords(c)}`)
  for (const s of c.statements) if (s.key !== c.id) add(s.at, `${name(s.by)} spoke`)
  const a = c.repair?.agreement ?? null
  if (a !== null) {
    add(a.at, `${name(a.by)} recorded the circle's ${a.actions.length} agreed action${a.actions.length === 1 ? "" : "s"}, due ${a.actions.map((x) => when(x.due).slice(0, 10)).join(", ")}`)
    a.checks.forEach((x, i) => {
      if (x !== null) add(x.at, `action ${i + 1} (${name(a.actions[i]!.owner)}) ${x.done ? "was done" : "was not done"}`)
    })
  }
  for (const v of c.votes) add(v.at, `${name(v.member)} voted ${v.option}`)
  for (const d of c.decisions)
    add(d.at, `${d.by === "prime" ? "the justice prime group" : "a community decision"} decided ${d.option}${d.protective ? " (protective, during repair)" : ""}`)
  if (c.ended !== null && c.status !== "decided") add(c.ended.at, c.status === "withdrawn" ? `${name(c.ended.by)} withdrew the case` : `the case ended ${c.status}`)
  return steps.sort((x, y) => x.at - y.at || x.order - y.order).map((x) => ({ at: x.at, when: when(x.at), what: x.what }))
}

/** The public record of one restriction. */
export type RestrictionRecord = {
  readonly key: string
  readonly subject: string
  readonly rung: Restriction["rung"]
  readonly scope: string
  readonly from: string
  readonly until: string
  /** "the justice prime group" or "a community decision". */
  readonly decidedBy: string
  /** Key of the decision that imposed it (for machines and links). */
  readonly decision: string
  readonly reason: string
  /** `in force`, `expired`, `lifted` or `overturned on appeal`. */
  readonly status: string
  readonly renewals: ReadonlyArray<{ readonly until: string; readonly at: string; readonly by: string }>
  /** `none`, `heard by <names>`, `upheld` or `overturned`. */
  readonly appeal: string
}

const decisionOf = (state: State, r: Restriction): string => state.cases[r.case]?.decisions.find((d) => d.key === r.key)?.decision ?? r.key

const statusOf = (r: Restriction, time: number): string =>
  r.ended !== null ? (r.ended.why === "lifted" ? "lifted" : "overturned on appeal") : time < expiry(r) ? "in force" : "expired"

const appealText = (state: State, r: Restriction, name: Namer): string => {
  const a = r.appeal === null ? undefined : state.appeals[r.appeal]
  if (a === undefined) return "none"
  return a.decided !== null ? (a.decided.verdict === "overturn" ? "overturned" : "upheld") : `heard by ${a.panel.map(name).join(", ")}`
}

/** The public record of a restriction at community time `time`. */
export const restrictionRecord = (state: State, r: Restriction, name: Namer, time: number): RestrictionRecord => ({
  key: r.key,
  subject: subjectName(r.subject, name),
  rung: r.rung,
  scope: scopeText(r, name),
  from: when(r.at),
  until: when(expiry(r)),
  decidedBy: r.by === "prime" ? "the justice prime group" : "a community decision",
  decision: decisionOf(state, r),
  reason: r.reason,
  status: statusOf(r, time),
  renewals: r.renewals.map((n) => ({ until: when(n.until), at: when(n.at), by: n.by === "prime" ? "the justice prime group" : "a community decision" })),
  appeal: appealText(state, r, name)
})

/** Every restriction, oldest first (ties by key). */
export const restrictions = (state: State): ReadonlyArray<Restriction> =>
  Object.values(state.restrictions).sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))

/** The restrictions in force at community time `time`, oldest first; of one subject when given. */
export const inForce = (state: State, time: number, subject?: string): ReadonlyArray<Restriction> =>
  restrictions(state).filter((r) => r.ended === null && time < expiry(r) && (subject === undefined || r.subject === subject))

/** The appeals `identity` filed or sits on, newest first. */
export const appealsOf = (state: State, identity: string): ReadonlyArray<Appeal> =>
  Object.values(state.appeals)
    .filter((a) => a.by === identity || a.panel.includes(identity))
    .sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : 1))

/** An appeal in words for the people in it. */
export const appealLine = (state: State, a: Appeal, name: Namer): string => {
  const r = state.restrictions[a.restriction]
  const verdict = a.decided === null ? `waiting for ${a.panel.filter((m) => !a.stances.some((s) => s.member === m)).map(name).join(", ") || "agreement"}` : a.decided.verdict === "overturn" ? "overturned" : "upheld"
  return `${name(a.by)} appealed ${r === undefined ? "a restriction" : `the restriction on ${scopeText(r, name)}`} on ${when(a.at)}; panel: ${a.panel.map(name).join(", ")}; ${verdict}`
}

// --- exports ---------------------------------------------------------------------------------

/** The public record as JSON (for machines): restrictions with their scope, expiry and decision; cases without contents. */
export const toJson = (state: State, name: Namer, time: number): string =>
  JSON.stringify(
    {
      params: state.params,
      restrictions: restrictions(state).map((r) => ({ ...restrictionRecord(state, r, name, time), subjectId: r.subject, expires: expiry(r) })),
      cases: Object.values(state.cases)
        .sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
        .map((c) => ({
          id: c.id,
          kind: c.kind,
          weight: c.weight,
          about: aboutName(c, name),
          parties: parties(c).map(name).sort(),
          filed: when(c.filed),
          status: c.status,
          stage: stageOf(c),
          steps: c.statements.length,
          decisions: c.decisions.map((d) => ({ option: d.option, by: d.by, at: when(d.at), decision: d.decision, protective: d.protective }))
        }))
    },
    null,
    2
  )

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
const row = (cells: ReadonlyArray<string>): string => cells.map(cell).join(",")

/** The restrictions as CSV (RFC 4180), one row each, oldest first. */
export const restrictionsCsv = (state: State, name: Namer, time: number): string =>
  [
    row(["restriction", "subject", "rung", "scope", "from", "until", "decided_by", "decision", "reason", "status", "renewals", "appeal"]),
    ...restrictions(state).map((r) => {
      const x = restrictionRecord(state, r, name, time)
      return row([x.key, x.subject, x.rung, x.scope, x.from, x.until, x.decidedBy, x.decision, x.reason, x.status, x.renewals.map((n) => `until ${n.until} (${n.at})`).join(" | "), x.appeal])
    })
  ].join("\r\n") + "\r\n"

/** The cases as CSV (RFC 4180), one row each, without contents. */
export const casesCsv = (state: State, name: Namer): string =>
  [
    row(["case", "kind", "about", "filed", "status", "stage", "decisions"]),
    ...Object.values(state.cases)
      .sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
      .map((c) => row([c.id, c.kind, aboutName(c, name), when(c.filed), c.status, stageOf(c), c.decisions.map((d) => `${d.option} (${d.by}, ${when(d.at)})`).join(" | ")]))
  ].join("\r\n") + "\r\n"

/** A case's kind in words. */
export const kindWords: { readonly [K in Case["kind"]]: string } = {
  grievance: "A grievance",
  blocking: "Repeated blocking",
  fork: "A forked chain",
  review: "An overdue mandate review",
  overshoot: "An overshot spending limit"
}

/** The public record in Markdown: restrictions in force and past, then cases (no contents). */
export const toMarkdown = (state: State, name: Namer, time: number, title = "Justice record"): string => {
  const out: Array<string> = [`# ${title}`, "", `As of ${when(time)}. Case contents stay with the people in each case; this record shows that they exist, their steps and decisions.`, ""]
  out.push("## Restrictions", "")
  const rs = restrictions(state)
  if (rs.length === 0) out.push("None.", "")
  for (const r of rs) {
    const x = restrictionRecord(state, r, name, time)
    out.push(`### ${x.subject}: ${x.rung} (${x.status})`, "")
    out.push(`- Stops: ${x.scope}`, `- From ${x.from} until ${x.until}`, `- Decided by ${x.decidedBy}`, `- Reason: ${x.reason}`)
    for (const n of x.renewals) out.push(`- Renewed on ${n.at} by ${n.by}, until ${n.until}`)
    out.push(`- Appeal: ${x.appeal}`, "")
  }
  out.push("## Cases", "")
  const cs = Object.values(state.cases).sort((a, b) => a.filed - b.filed || (a.id < b.id ? -1 : 1))
  if (cs.length === 0) out.push("None.", "")
  for (const c of cs) {
    out.push(`### ${kindWords[c.kind]} about ${aboutName(c, name)}, filed ${when(c.filed)}`, "")
    out.push(`- Where it stands: ${stageOf(c)}`, `- Statements: ${c.statements.length}`)
    for (const d of c.decisions) out.push(`- Decided ${d.option} by ${d.by === "prime" ? "the justice prime group" : "a community decision"} on ${when(d.at)}${d.protective ? " (protective, during repair)" : ""}`)
    out.push("")
  }
  return out.join("\n")
}
