/**
 * Read-only records of the economy: the ledger, a statement per member and per working group,
 * budgets and expenses, the inventory and how concentrated holdings are; and their exports in
 * JSON (for machines), CSV (RFC 4180, one row per entry, for spreadsheets) and Markdown (for
 * people, by name, with dates from community time). Amounts are shown with the currency's
 * decimals; JSON keeps them as integers in the smallest unit, and ids as hex.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const state = Economy.init({ community: "00".repeat(32), name: "Garden", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Economy.DAY, quorumPercent: 50 } })
 * console.log(Economy.Records.ledger(state).length) // 0
 * console.log(Economy.Records.ledgerCsv(state).split("\r\n")[0]) // "date,day,kind,from,to,amount,note,event"
 * ```
 *
 * @module
 */
import { Names } from "@affinity/core/module"
import { approvalsNeeded } from "./Machine.ts"
import { equilibrium, format, gini, limitsOf, type Ratio, settle, topShare } from "./Money.ts"
import {
  type Budget,
  COMMONS,
  currentPolicy,
  dayOf,
  entries,
  type Entry,
  type Expense,
  groupAccount,
  type Resource,
  type State
} from "./State.ts"

/** How records name people and groups, and which day they are read on. */
export interface Options {
  /** A member's name (from `community.names()`); absent: their label. */
  readonly nameOf?: (identity: string) => string | undefined
  /** A working group's name (governance's `Records.groups`); absent: "a working group". */
  readonly groupName?: (group: string) => string | undefined
  /** The community day balances are settled to (default: the day of the last entry). */
  readonly day?: number
}

/** Who an account is, in words. */
export const who = (account: string | null, options: Options = {}): string => {
  if (account === null) return "issuance"
  if (account === COMMONS) return "the commons"
  if (account.startsWith("group:")) return options.groupName?.(account.slice(6)) ?? "a working group"
  return options.nameOf?.(account) ?? Names.label(account)
}

/** ISO 8601 date and time (UTC) of community time `time`. */
export const date = (time: number): string => `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`

const amountOf = (state: State, n: number): string => (state.currency ? format(n, state.currency.decimals) : String(n))
const withSymbol = (state: State, n: number): string => (state.currency ? `${amountOf(state, n)} ${state.currency.symbol}` : String(n))

/** The day records read on: the option, else the latest entry's, else the currency's. */
const dayRead = (state: State, options: Options): number => {
  if (options.day !== undefined) return options.day
  const chunk = state.journal[state.journal.length - 1]
  const last = chunk?.[chunk.length - 1]
  return last ? last.day : state.currency ? dayOf(state, state.currency.created) : 0
}

/** Every ledger entry, in fold order. */
export const ledger = (state: State): ReadonlyArray<Entry> => entries(state)

/** How an entry changes `account`: positive in, negative out, zero when it does not touch it. */
export const delta = (e: Entry, account: string): number => (e.to === account ? e.amount : 0) - (e.from === account ? e.amount : 0)

/** One line of a statement: the entry, what it did to the account, and the balance after it. */
export interface Line {
  readonly entry: Entry
  readonly change: number
  readonly balance: number
}

/** A member's statement. */
export interface MemberStatement {
  readonly identity: string
  readonly lines: ReadonlyArray<Line>
  /** Settled to the day read (demurrage charged through it). */
  readonly balance: number
  /** Demurrage owed since the last entry, charged at the next one. */
  readonly pendingDemurrage: number
  readonly credit: number
  readonly max: number | null
  readonly debt: number
  readonly frozen: boolean
  /** Where basic issuance and demurrage balance, or `null` without both. */
  readonly equilibrium: number | null
  readonly day: number
}

/** A member's statement: every entry touching their account with the balance after it, and where it stands now. */
export const statement = (state: State, identity: string, options: Options = {}): MemberStatement => {
  const day = dayRead(state, options)
  const lines: Array<Line> = []
  let balance = 0
  for (const e of entries(state)) {
    const change = delta(e, identity)
    if (change === 0 && e.from !== identity && e.to !== identity) continue
    balance += change
    lines.push({ entry: e, change, balance })
  }
  const a = state.accounts[identity]
  const policy = currentPolicy(state)
  const settled = a ? settle(state, a, day).account.balance : 0
  const limits = policy ? limitsOf(state, a, policy, state.genesisTime + (day + 1) * 86_400_000 - 1, () => true) : { credit: 0, max: null }
  return {
    identity,
    lines,
    balance: settled,
    pendingDemurrage: (a?.balance ?? 0) - settled,
    credit: limits.credit,
    max: limits.max,
    debt: a?.debt ?? 0,
    frozen: a?.frozen != null,
    equilibrium: policy ? equilibrium(policy) : null,
    day
  }
}

/** A working group's statement: its budget and every entry in or out of it. */
export interface GroupStatement {
  readonly group: string
  readonly budget: Budget | null
  readonly lines: ReadonlyArray<Line>
  readonly expenses: ReadonlyArray<Expense>
}

/** A working group's statement. */
export const groupStatement = (state: State, group: string): GroupStatement => {
  const account = groupAccount(group)
  const lines: Array<Line> = []
  let balance = 0
  for (const e of entries(state)) {
    if (e.from !== account && e.to !== account) continue
    const change = delta(e, account)
    balance += change
    lines.push({ entry: e, change, balance })
  }
  return { group, budget: state.budgets[group] ?? null, lines, expenses: expenses(state, group) }
}

/** Budgets of working groups, by group id. */
export const budgets = (state: State): ReadonlyArray<Budget> => Object.keys(state.budgets).sort().map((g) => state.budgets[g]!)

/** Expenses, of one group or all, oldest first. */
export const expenses = (state: State, group?: string): ReadonlyArray<Expense> =>
  Object.values(state.expenses)
    .filter((e) => group === undefined || e.group === group)
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))

/** Where an expense stands, in words: `paid`, `approved`, or `1 of 2 approvals`. */
export const expenseStatus = (e: Expense, members: number): string => {
  if (e.paid) return "paid"
  const needed = approvalsNeeded(members)
  const have = new Set(e.approvals.filter((a) => a.member !== e.by).map((a) => a.member)).size
  return have >= needed ? "approved" : `${have} of ${needed} approvals`
}

/** The inventory, sorted by name. */
export const inventory = (state: State): ReadonlyArray<Resource> =>
  Object.values(state.resources).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : 1))

/** How concentrated holdings are on the day read: holders, the top 10 % share and the Gini coefficient. */
export const concentration = (state: State, options: Options = {}): { readonly holders: number; readonly top10: Ratio; readonly gini: Ratio } => {
  const day = dayRead(state, options)
  const balances = Object.values(state.accounts).map((a) => settle(state, a, day).account.balance)
  return { holders: balances.length, top10: topShare(balances), gini: gini(balances) }
}

/** Every member's balance on the day read, highest first. */
export const balances = (state: State, options: Options = {}): ReadonlyArray<{ readonly identity: string; readonly balance: number }> => {
  const day = dayRead(state, options)
  return Object.entries(state.accounts)
    .map(([identity, a]) => ({ identity, balance: settle(state, a, day).account.balance }))
    .sort((a, b) => b.balance - a.balance || (a.identity < b.identity ? -1 : 1))
}

// ---- Exports --------------------------------------------------------------------------------

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
const csv = (rows: ReadonlyArray<ReadonlyArray<string>>): string => rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n"
const md = (text: string): string => text.replaceAll(/([\\`*_[\]|<>#])/g, "\\$1").replaceAll(/\r?\n/g, " ")

/** The ledger as JSON: every entry as the state keeps it (amounts in the smallest unit, ids as hex). */
export const ledgerJson = (state: State): string =>
  JSON.stringify({ currency: state.currency, commons: state.commons, totals: state.totals, entries: entries(state) }, null, 2)

const entryRow = (state: State, e: Entry, options: Options): ReadonlyArray<string> => [
  date(e.at),
  String(e.day),
  e.kind,
  who(e.from, options),
  who(e.to, options),
  amountOf(state, e.amount),
  e.note,
  e.key
]

const HEADER = ["date", "day", "kind", "from", "to", "amount", "note", "event"]

/** The ledger as CSV: one row per entry, names for people, amounts with the currency's decimals. */
export const ledgerCsv = (state: State, options: Options = {}): string => csv([HEADER, ...entries(state).map((e) => entryRow(state, e, options))])

/** A member's statement as CSV: one row per entry, with the change and the balance after it. */
export const statementCsv = (state: State, identity: string, options: Options = {}): string => {
  const s = statement(state, identity, options)
  return csv([
    [...HEADER, "change", "balance"],
    ...s.lines.map((l) => [...entryRow(state, l.entry, options), amountOf(state, l.change), amountOf(state, l.balance)])
  ])
}

/** A member's statement as JSON. */
export const statementJson = (state: State, identity: string, options: Options = {}): string => JSON.stringify(statement(state, identity, options), null, 2)

/** A member's statement in Markdown. */
export const statementMarkdown = (state: State, identity: string, options: Options = {}): string => {
  const s = statement(state, identity, options)
  const out = [`# Statement of ${md(who(identity, options))}`, ""]
  if (state.currency) out.push(`Currency: ${md(state.currency.name)} (${md(state.currency.symbol)})`, "")
  out.push(`- Balance: ${withSymbol(state, s.balance)}`)
  out.push(`- Credit limit: ${withSymbol(state, -s.credit)}${s.max === null ? "" : `; most it may hold: ${withSymbol(state, s.max)}`}`)
  if (s.pendingDemurrage > 0) out.push(`- Demurrage since the last entry: ${withSymbol(state, s.pendingDemurrage)} (to the commons)`)
  if (s.equilibrium !== null) out.push(`- Equilibrium balance (where issuance and demurrage meet): ${withSymbol(state, s.equilibrium)}`)
  if (s.debt > 0) out.push(`- Owed to the commons: ${withSymbol(state, s.debt)}${s.frozen ? " (account frozen until repaid)" : ""}`)
  out.push("", "| date | what | with | change | balance | note |", "|---|---|---|---:|---:|---|")
  for (const l of s.lines) {
    const other = l.entry.from === identity ? l.entry.to : l.entry.from
    out.push(`| ${date(l.entry.at)} | ${l.entry.kind} | ${md(who(other, options))} | ${amountOf(state, l.change)} | ${amountOf(state, l.balance)} | ${md(l.entry.note)} |`)
  }
  return out.join("\n") + "\n"
}

/** The ledger in Markdown: one table row per entry. */
export const ledgerMarkdown = (state: State, options: Options = {}): string => {
  const out = [`# Ledger${state.currency ? ` of ${md(state.currency.name)}` : ""}`, "", `The commons holds ${withSymbol(state, state.commons)}.`, ""]
  out.push("| date | kind | from | to | amount | note |", "|---|---|---|---|---:|---|")
  for (const e of entries(state))
    out.push(`| ${date(e.at)} | ${e.kind} | ${md(who(e.from, options))} | ${md(who(e.to, options))} | ${amountOf(state, e.amount)} | ${md(e.note)} |`)
  return out.join("\n") + "\n"
}

/** Budgets and expenses as CSV: one row per expense (a budget with none still gets one row). */
export const budgetsCsv = (state: State, options: Options & { readonly membersOf?: (group: string) => number } = {}): string => {
  const rows: Array<ReadonlyArray<string>> = [["group", "funded", "spent", "balance", "expense", "submitted_by", "payee", "amount", "status", "approved_by", "event"]]
  for (const b of budgets(state)) {
    const base = [who(groupAccount(b.group), options), amountOf(state, b.funded), amountOf(state, b.spent), amountOf(state, b.balance)]
    const list = expenses(state, b.group)
    if (list.length === 0) rows.push([...base, "", "", "", "", "", "", ""])
    for (const e of list)
      rows.push([
        ...base,
        e.note,
        who(e.by, options),
        who(e.payee, options),
        amountOf(state, e.amount),
        expenseStatus(e, options.membersOf?.(b.group) ?? 3),
        e.approvals.map((a) => who(a.member, options)).join(" | "),
        e.key
      ])
  }
  return csv(rows)
}

/** Budgets and expenses in Markdown. */
export const budgetsMarkdown = (state: State, options: Options & { readonly membersOf?: (group: string) => number } = {}): string => {
  const out = ["# Working groups' budgets", ""]
  for (const b of budgets(state)) {
    out.push(`## ${md(who(groupAccount(b.group), options))}`, "", `Funded ${withSymbol(state, b.funded)}, spent ${withSymbol(state, b.spent)}, left ${withSymbol(state, b.balance)}.`, "")
    const list = expenses(state, b.group)
    if (list.length > 0) {
      out.push("| submitted | expense | by | for | amount | status | approved by |", "|---|---|---|---|---:|---|---|")
      for (const e of list)
        out.push(
          `| ${date(e.at)} | ${md(e.note)} | ${md(who(e.by, options))} | ${md(who(e.payee, options))} | ${amountOf(state, e.amount)} | ${expenseStatus(e, options.membersOf?.(b.group) ?? 3)} | ${md(e.approvals.map((a) => who(a.member, options)).join(", "))} |`
        )
      out.push("")
    }
  }
  return out.join("\n")
}

/** The inventory as JSON. */
export const inventoryJson = (state: State): string => JSON.stringify(inventory(state), null, 2)

const holder = (r: Resource, options: Options): string => (r.personal ? who(r.rights, options) : "the community")

/** The inventory as CSV: one row per resource. */
export const inventoryCsv = (state: State, options: Options = {}): string =>
  csv([
    ["resource", "quantity", "unit", "rights", "custodian", "stewards", "personal", "event"],
    ...inventory(state).map((r) => [
      r.name,
      String(r.quantity),
      r.unit,
      holder(r, options),
      who(r.custodian, options),
      r.stewards.map((s) => who(s, options)).join(" | "),
      r.personal ? "yes" : "no",
      r.key
    ])
  ])

/** The inventory in Markdown. */
export const inventoryMarkdown = (state: State, options: Options = {}): string => {
  const out = ["# Inventory", "", "| resource | quantity | rights | in the hands of | stewards |", "|---|---:|---|---|---|"]
  for (const r of inventory(state))
    out.push(
      `| ${md(r.name)}${r.personal ? " (personal)" : ""} | ${r.quantity} ${md(r.unit)} | ${md(holder(r, options))} | ${md(who(r.custodian, options))} | ${md(r.stewards.map((s) => who(s, options)).join(", "))} |`
    )
  return out.join("\n") + "\n"
}
