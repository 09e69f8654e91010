/**
 * Records: pure functions of the administration state that answer what a member asks ("my
 * qualifications and expiries", "who can do X", "opt-in pools", "my load", "the tool shelf"),
 * and exports of the whole record as JSON (for machines), CSV (for spreadsheets) and Markdown
 * (for people, by name, with dates in community time). They read "now" as a community time:
 * {@link now} treats every entry in the state as seen, at that time.
 *
 * ```ts
 * import * as Administration from "@affinity/administration"
 *
 * const state = Administration.init({ community: "00".repeat(32), name: "c", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Administration.DAY, quorumPercent: 50 } })
 * console.log(Administration.Records.markdown(state, { now: 0 }).split("\n")[0]) // # Administration record
 * ```
 *
 * @module
 */
import {
  assignmentsAt,
  type Booking,
  candidates,
  cycleAt,
  cycleStart,
  definitionAt,
  everything,
  frozenAt,
  holding,
  type Past,
  poolAt,
  qualificationIds,
  type Resource,
  rulesAt,
  type Rules,
  type State,
  standsAt
} from "./State.ts"

/** "Now" at community time `time`, for records: every entry of the state counts as seen. */
export const now = (_state: State, time: number): Past => everything(time)

/** Who holds `qualification` now ("who can do X"), sorted. */
export const holders = (state: State, qualification: string, past: Past): ReadonlyArray<string> =>
  candidates(state, qualification, past).filter((m) => holding(state, m, qualification, past).holds)

/** One qualification a member holds. */
export type Held = {
  readonly qualification: string
  readonly name: string
  readonly since: number
  readonly until: number
  /** Who granted or vouched, sorted (deciding bodies and vouchers' identities). */
  readonly by: ReadonlyArray<string>
}

/** What `member` holds now, with expiries and who vouched ("my qualifications and expiries"). */
export const held = (state: State, member: string, past: Past): ReadonlyArray<Held> =>
  qualificationIds(state, past).flatMap((q) => {
    const h = holding(state, member, q, past)
    if (!h.holds) return []
    return [{ qualification: q, name: definitionAt(state, q, past)?.name ?? q, since: h.since!, until: h.until!, by: [...new Set(h.grants.map((g) => g.by))].sort() }]
  })

/** A holding that ends soon. */
export type Expiring = { readonly member: string; readonly qualification: string; readonly until: number }

/** Holdings that end within `days` days of now, soonest first (renewal reminders). */
export const expiring = (state: State, days: number, past: Past): ReadonlyArray<Expiring> =>
  qualificationIds(state, past)
    .flatMap((q) =>
      candidates(state, q, past).flatMap((m) => {
        const h = holding(state, m, q, past)
        return h.holds && h.until! <= past.communityTime + days * 86_400_000 ? [{ member: m, qualification: q, until: h.until! }] : []
      })
    )
    .sort((a, b) => a.until - b.until || (a.member < b.member ? -1 : 1))

/** The opt-in pools now: each working group with the members who opted in. */
export const pools = (state: State, past: Past): ReadonlyArray<{ readonly group: string; readonly members: ReadonlyArray<string> }> =>
  [...new Set(state.pools.map((p) => p.group))].sort().map((group) => ({ group, members: poolAt(state, group, past) })).filter((p) => p.members.length > 0)

/** One member's load in the current cycle ("my load"). */
export type Load = {
  readonly member: string
  /** Roles held here this cycle: `role in group`, sorted. */
  readonly assignments: ReadonlyArray<{ readonly group: string; readonly role: string; readonly hours: number; readonly until: number }>
  /** Roles in governance (prime seats, groups), as the caller learned them from governance's `roles` query. */
  readonly elsewhere: ReadonlyArray<string>
  readonly roles: number
  readonly cap: number
  readonly hours: number
  readonly hoursCap: number
  /** Whether a holiday freeze holds now. */
  readonly frozen: boolean
}

/** `member`'s load now; `elsewhere` are the governance roles (`prime/<module>`, `group/<id>`) the caller knows of. */
export const load = (state: State, member: string, past: Past, elsewhere: ReadonlyArray<string> = []): Load => {
  const rules = rulesAt(state, past)
  const cycle = cycleAt(state, rules, past.communityTime)
  const mine = assignmentsAt(state, cycle, past).filter((a) => a.member === member)
  const roles = new Set(elsewhere)
  for (const a of mine) roles.add(`group/${a.group}`)
  return {
    member,
    assignments: mine
      .map((a) => ({ group: a.group, role: a.role, hours: a.hours, until: cycleStart(state, rules, a.from + a.cycles) }))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.role < b.role ? -1 : 1)),
    elsewhere: [...elsewhere].sort(),
    roles: roles.size,
    cap: rules.roleCap,
    hours: mine.reduce((n, a) => n + a.hours, 0),
    hoursCap: rules.hoursPerCycle,
    frozen: frozenAt(state, member, past.communityTime, past) !== undefined
  }
}

/** The workload report: every member with an assignment or a freeze on record, sorted, with their load now. */
export const workload = (state: State, past: Past, elsewhere: (member: string) => ReadonlyArray<string> = () => []): ReadonlyArray<Load> =>
  [...new Set([...state.assignments.map((a) => a.member), ...state.freezes.map((f) => f.member)])].sort().map((m) => load(state, m, past, elsewhere(m)))

/** A resource on the shelf, with its bookings and loans in force. */
export type ShelfItem = Resource & { readonly out: ReadonlyArray<Booking> }

/** The tool shelf: every resource, by name, with what is booked or lent now and later. */
export const shelf = (state: State, past: Past): ReadonlyArray<ShelfItem> =>
  Object.values(state.resources)
    .filter((r) => r.id === past.key || past.happenedBefore(r.id))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
    .map((r) => ({ ...r, out: state.bookings.filter((b) => b.resource === r.id && standsAt(past, b.key, b.ended) && b.until > past.communityTime) }))

/** The rules in force now. */
export const rules = (state: State, past: Past): Rules => rulesAt(state, past)

// --- exports ---------------------------------------------------------------------------------

/** How records name members: a function from identity to a name people read (default: a short label). */
export type Names = (identity: string) => string

/** How records name working groups: from group id to its name (default: a short label). */
export type GroupNames = (group: string) => string

/** Options of the exports. */
export type ExportOptions = {
  /** Community time the record is as of. */
  readonly now: number
  readonly names?: Names
  readonly groups?: GroupNames
}

const CONSONANTS = "bdfghjklmnprstvz"
const VOWELS = "aiou"
const quint = (n: number): string =>
  CONSONANTS[(n >> 12) & 15]! + VOWELS[(n >> 10) & 3]! + CONSONANTS[(n >> 6) & 15]! + VOWELS[(n >> 4) & 3]! + CONSONANTS[n & 15]!

/**
 * The label of an identity or key (hex), as `docs/protocol.md` §9 "Profiles" defines it: the
 * proquints of its first two 16-bit words (`lusab-babad`); what records show when no name is given.
 */
export const label = (id: string): string => `${quint(Number.parseInt(id.slice(0, 4), 16) || 0)}-${quint(Number.parseInt(id.slice(4, 8), 16) || 0)}`

const shortName = label

/** A date people read (UTC, community time). */
export const date = (time: number): string => new Date(time).toISOString().slice(0, 10)

const byName = (o: ExportOptions) => {
  const names = o.names ?? shortName
  const groups = o.groups ?? ((g: string) => `group ${shortName(g)}`)
  return (by: string): string =>
    by === "community"
      ? "the community"
      : by.startsWith("prime/")
        ? `the ${by.slice(6)} prime group`
        : by.startsWith("group/")
          ? groups(by.slice(6))
          : names(by)
}

/** Rows of the record, one table per concept, as plain strings (what CSV and Markdown show). */
export type Tables = {
  readonly qualifications: ReadonlyArray<ReadonlyArray<string>>
  readonly holdings: ReadonlyArray<ReadonlyArray<string>>
  readonly assignments: ReadonlyArray<ReadonlyArray<string>>
  readonly lots: ReadonlyArray<ReadonlyArray<string>>
  readonly resources: ReadonlyArray<ReadonlyArray<string>>
  readonly bookings: ReadonlyArray<ReadonlyArray<string>>
}

/** The record as tables with a header row each, by name, dates in community time. */
export const tables = (state: State, o: ExportOptions): Tables => {
  const past = everything(o.now)
  const names = o.names ?? shortName
  const groups = o.groups ?? ((g: string) => `group ${shortName(g)}`)
  const by = byName(o)
  const rules = rulesAt(state, past)
  const ids = qualificationIds(state, past)
  return {
    qualifications: [
      ["qualification", "criteria", "granted by", "vouches", "probation days", "expiry days"],
      ...ids.map((q) => {
        const d = definitionAt(state, q, past)!
        return [d.name, d.criteria, d.grantedBy === "decision" ? "decision" : "vouches", String(d.vouches), String(d.probationDays), String(d.expiryDays)]
      })
    ],
    holdings: [
      ["member", "qualification", "since", "until", "granted or vouched by"],
      ...ids.flatMap((q) =>
        candidates(state, q, past).flatMap((m) =>
          held(state, m, past)
            .filter((h) => h.qualification === q)
            .map((h) => [names(m), h.name, date(h.since), date(h.until), h.by.map(by).join("; ")])
        )
      )
    ],
    assignments: [
      ["member", "role", "group", "hours per cycle", "from", "until", "how", "by", "ended"],
      ...state.assignments.map((a) => [
        names(a.member),
        a.role,
        groups(a.group),
        String(a.hours),
        date(cycleStart(state, rules, a.from)),
        date(cycleStart(state, rules, a.from + a.cycles)),
        a.how === "lot" ? "by lot" : "by decision",
        by(a.by),
        a.ended === null ? "" : "ended early"
      ])
    ],
    lots: [
      ["date", "role", "group", "term", "drawn", "left out"],
      ...state.lots.map((l) => [
        date(l.at),
        l.role,
        groups(l.group),
        String(l.term),
        l.drawn.map(names).join("; "),
        l.skipped.map((s) => `${names(s.member)} (${s.why})`).join("; ")
      ])
    ],
    resources: [
      ["resource", "kind", "custodian", "stewards", "personal", "rules"],
      ...shelf(state, past).map((r) => [r.name, r.kind, names(r.custodian), r.stewards.map(by).join("; "), r.personal ? "yes" : "no", r.rules])
    ],
    bookings: [
      ["resource", "member", "kind", "from", "until", "note", "ended"],
      ...state.bookings.map((b) => [state.resources[b.resource]?.name ?? "", names(b.member), b.kind, date(b.from), date(b.until), b.note, b.ended === null ? "" : "returned"])
    ]
  }
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** One table of the record as CSV (RFC 4180: quoted where needed, CRLF line ends). */
export const csv = (state: State, table: keyof Tables, o: ExportOptions): string =>
  tables(state, o)[table].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n"

const mdCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")

const TITLES: { readonly [K in keyof Tables]: string } = {
  qualifications: "Qualifications",
  holdings: "Who holds what",
  assignments: "Assignments",
  lots: "Lots drawn",
  resources: "Shared things",
  bookings: "Bookings and loans"
}

/** The whole record as Markdown, for people. */
export const markdown = (state: State, o: ExportOptions): string => {
  const t = tables(state, o)
  const out = ["# Administration record", "", `As of ${date(o.now)} (community time).`, ""]
  for (const k of Object.keys(TITLES) as Array<keyof Tables>) {
    out.push(`## ${TITLES[k]}`, "")
    const [head, ...rows] = t[k]
    if (rows.length === 0) {
      out.push("None yet.", "")
      continue
    }
    out.push(`| ${head!.map(mdCell).join(" | ")} |`, `|${head!.map(() => "---").join("|")}|`)
    for (const r of rows) out.push(`| ${r.map(mdCell).join(" | ")} |`)
    out.push("")
  }
  return out.join("\n")
}

/** The record for machines: the state's entries with identities and keys in hex, plus what holds now. */
export const json = (state: State, time: number): Readonly<Record<string, unknown>> => {
  const past = everything(time)
  return {
    asOf: time,
    rules: rulesAt(state, past),
    qualifications: qualificationIds(state, past).map((q) => ({ ...definitionAt(state, q, past)!, holders: holders(state, q, past) })),
    grants: state.grants,
    suspensions: state.suspensions,
    revocations: state.revocations,
    pools: pools(state, past),
    assignments: state.assignments,
    lots: state.lots,
    freezes: state.freezes,
    resources: Object.values(state.resources),
    pending: state.pending,
    bookings: state.bookings
  }
}
