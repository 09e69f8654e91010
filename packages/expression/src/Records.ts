/**
 * Records of communications: who wrote in which channel when, verifiable from the log whether
 * or not the words are still held. Read-only views of the state, and exports to JSON (for
 * machines), CSV (RFC 4180, for spreadsheets) and Markdown (for people). People are shown by
 * name (`names.nameOf`, a `Names.Directory` of `@affinity/core` or a community handle's
 * `names()`), dates as ISO 8601 from community time. Words are never in a record.
 *
 * ```ts
 * import { Expression, Records } from "@affinity/expression"
 *
 * const state = Expression.init({ community: "ab".repeat(32), name: "Garden", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
 * console.log(Records.toCSV(Records.messages(state, { names: { nameOf: () => "Ada" }, now: 0 }))) // channel,kind,message,author,at,reply_to,edits,deleted,stale,words
 * ```
 *
 * @module
 */
import * as Retention from "./Retention.ts"
import { type Channel, messageOf, type State } from "./State.ts"

/** How to name people. */
export interface Names {
  nameOf(identity: string): string
}

/** What a record needs besides the state. */
export interface Options {
  readonly names: Names
  /** Community time now (for retention). */
  readonly now: number
  /** Whether this replica still holds an event's payload (default: say `unknown`). */
  readonly held?: (key: string) => boolean
}

/** One message as a record shows it. */
export type MessageRecord = {
  readonly channel: string
  readonly kind: string
  /** The message's event key (for machines; people read the rest). */
  readonly message: string
  readonly author: string
  readonly at: string
  /** The author and time of the message it answers, or `null`. */
  readonly replyTo: string | null
  readonly edits: number
  readonly deleted: string | null
  readonly stale: boolean
  /** What became of the words: `held`, `erased`, `expired` (past retention), `deleted`, `announcement` (in the decision's record), `unknown`. */
  readonly words: "held" | "erased" | "expired" | "deleted" | "announcement" | "unknown"
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** A deciding body or an identity, in words. */
export const who = (author: string, names: Names): string =>
  author === "community" ? "the community" : author.startsWith("prime/") ? `the ${author.slice(6)} prime group` : author.startsWith("group/") ? "a working group" : names.nameOf(author)

/** Channels, in the order they were opened. */
export const channels = (state: State): ReadonlyArray<Channel> => Object.values(state.channels).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))

/** Every message of every channel (or of `channel`), channel by channel, in fold order. */
export const messages = (state: State, options: Options, channel?: string): ReadonlyArray<MessageRecord> => {
  const out: Array<MessageRecord> = []
  for (const c of channels(state)) {
    if (channel !== undefined && c.id !== channel) continue
    for (const key of c.messages) {
      const m = messageOf(state, key)!
      const reply = m.reply === null ? undefined : messageOf(state, m.reply)
      const words: MessageRecord["words"] =
        m.announcement !== null ? "announcement"
        : m.deleted !== null ? "deleted"
        : Retention.expired(c, m, options.now) ? "expired"
        : options.held === undefined ? "unknown"
        : options.held(m.edits.at(-1)?.key ?? m.key) ? "held" : "erased"
      out.push({
        channel: c.title,
        kind: c.kind,
        message: m.key,
        author: who(m.author, options.names),
        at: iso(m.at),
        replyTo: reply ? `${who(reply.author, options.names)}, ${iso(reply.at)}` : null,
        edits: m.edits.length,
        deleted: m.deleted === null ? null : iso(m.deleted.at),
        stale: m.stale,
        words
      })
    }
  }
  return out
}

/** The records as JSON text. */
export const toJSON = (records: ReadonlyArray<MessageRecord>): string => `${JSON.stringify(records, null, 2)}\n`

const cell = (v: string | number | boolean | null): string => {
  const s = v === null ? "" : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** The records as CSV (RFC 4180): a header row, then one row per message. */
export const toCSV = (records: ReadonlyArray<MessageRecord>): string =>
  [
    "channel,kind,message,author,at,reply_to,edits,deleted,stale,words",
    ...records.map((r) => [r.channel, r.kind, r.message, r.author, r.at, r.replyTo, r.edits, r.deleted, r.stale, r.words].map(cell).join(","))
  ].join("\r\n")

const md = (s: string): string => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`)

/** The records as Markdown: one section per channel, a table of its messages. */
export const toMarkdown = (state: State, options: Options): string => {
  const lines: Array<string> = ["# Records of communications", ""]
  for (const c of channels(state)) {
    lines.push(`## ${md(c.title)}`, "")
    const rule = c.post === "announce" ? "announcements by decision" : c.post === "group" ? "its working group posts" : "its members post"
    lines.push(`- ${c.kind} channel, opened by ${md(who(c.by, options.names))} on ${iso(c.at)}; ${rule}${c.private ? `; ${c.members.filter((m) => m.ended === null).length} members` : ""}`)
    if (c.retention !== null) lines.push(`- Words are erased ${c.retention} days after they were written`)
    const rows = messages(state, options, c.id)
    if (rows.length === 0) {
      lines.push("", "No messages.", "")
      continue
    }
    lines.push("", "| when | who | answers | edits | words |", "|---|---|---|---|---|")
    for (const r of rows) lines.push(`| ${r.at} | ${md(r.author)} | ${md(r.replyTo ?? "")} | ${r.edits} | ${r.words}${r.stale ? " (sent under an old key)" : ""} |`)
    lines.push("")
  }
  return lines.join("\n")
}
