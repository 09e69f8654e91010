/**
 * The economy module's state and the pure reads of it the rules share: the currency and its
 * policies, accounts with their balances settled lazily per community day, the commons,
 * working groups' budgets and expenses, requests, overshoots and the inventory of resources.
 * Amounts are integers in the currency's smallest unit (safe integers; products are taken in
 * `bigint`). The layout is stated in `docs/protocol.md`, the economy section (E9).
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const state = Economy.init({ community: "00".repeat(32), name: "Garden", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Economy.DAY, quorumPercent: 50 } })
 * console.log(state.currency === null) // true
 * console.log(Economy.dayOf(state, 3 * Economy.DAY + 5)) // 3
 * ```
 *
 * @module
 */
import type { Module } from "@affinity/core/module"

/** One hour, in milliseconds. */
export const HOUR = 3_600_000
/** One day, in milliseconds: the length of a community day. */
export const DAY = 24 * HOUR

/** The largest amount a body may carry, and the largest balance an account may hold (either sign). */
export const MAX_AMOUNT = 1_000_000_000_000_000
/** Demurrage and shares are in parts per million. */
export const PPM = 1_000_000

/** The name of the commons account in entries and records. */
export const COMMONS = "commons"

/** What a currency's policy says; each field is changed by decision, from the next community day on. */
export type Policy = {
  /** Key of the decision that set this policy (the currency's creation for the first). */
  readonly key: string
  /** The first community day it governs (the day after the decision's). */
  readonly day: number
  /** Mutual credit: accounts may go below zero, down to their credit limit. */
  readonly mutualCredit: boolean
  /** The credit limit every account starts with (mutual credit only). */
  readonly creditLimit: number
  /** A warning once a balance is below this share of the limit, in percent. */
  readonly softPercent: number
  /** The most an account may hold, or `null` for no cap. */
  readonly maxBalance: number | null
  /** Basic issuance: so much per full member per community day (0: none). */
  readonly issuance: number
  /** The most days of issuance one claim collects. */
  readonly claimDays: number
  /** Demurrage on positive balances, parts per million per community day. */
  readonly demurrage: number
  /** The most a credit limit grows with what a member received from others. */
  readonly earnCap: number
  /** The most one counterparty's net payments add to it. */
  readonly earnPerPayer: number
  /** Counterparties count once their account is this many days old. */
  readonly probationDays: number
  /** The most a payer's concurrent spends may overshoot their limit per community day. */
  readonly offlineAllowance: number
  /** How far below zero the commons may go to fund working groups. */
  readonly commonsCredit: number
}

/** The currency of the community, created by decision. */
export type Currency = {
  readonly key: string
  readonly name: string
  readonly symbol: string
  /** Digits after the point when amounts are shown (amounts are kept in the smallest unit). */
  readonly decimals: number
  /** Community time of the decision that created it. */
  readonly created: number
}

/** A per-member limit set by decision; `null` fields follow the policy. */
export type LimitOverride = {
  readonly key: string
  readonly credit: number | null
  readonly max: number | null
}

/** One member's account. */
export type Account = {
  /** Settled balance, as of day {@link Account.asOf}. */
  readonly balance: number
  /** The community day the balance was last settled to (demurrage charged through it). */
  readonly asOf: number
  /** Community time the account opened (its first entry). */
  readonly since: number
  /** Key of the account's last outgoing payment in fold order, or `null`. */
  readonly lastOut: string | null
  /** Key of the payment that froze it, or `null`. */
  readonly frozen: string | null
  /** What it owes the commons for overshoots. */
  readonly debt: number
  /** Overshoot taken against the offline allowance: the day, and how much. */
  readonly allowance: { readonly day: number; readonly used: number }
  /** Net received from each counterparty (received minus paid), by identity. */
  readonly net: { readonly [identity: string]: number }
  /** Limits set for this account by decision, in fold order. */
  readonly limits: ReadonlyArray<LimitOverride>
  /** The last community day basic issuance was claimed through, or `null`. */
  readonly claimed: number | null
}

/** A request for payment. */
export type Request = {
  readonly key: string
  /** Who is asked to pay. */
  readonly from: string
  /** Who asks (and is paid). */
  readonly to: string
  readonly amount: number
  readonly note: string
  readonly at: number
  readonly status: "open" | "paid" | "refused"
  readonly ended: string | null
  readonly reason: string | null
}

/** A working group's budget, funded from the commons by decision. */
export type Budget = {
  /** The working group's id (key of the decision that created it). */
  readonly group: string
  readonly balance: number
  readonly funded: number
  readonly spent: number
  readonly fundings: ReadonlyArray<{ readonly key: string; readonly amount: number; readonly at: number }>
}

/** An expense of a working group: submitted, approved, paid. */
export type Expense = {
  readonly key: string
  readonly group: string
  /** Who submitted it (never an approver of it). */
  readonly by: string
  readonly payee: string
  readonly amount: number
  readonly note: string
  readonly at: number
  readonly approvals: ReadonlyArray<{ readonly member: string; readonly key: string; readonly at: number }>
  readonly paid: { readonly key: string; readonly by: string; readonly at: number } | null
}

/** An overshoot: a concurrent spend past the limit the commons absorbed, owed back by the payer. */
export type Overshoot = {
  readonly key: string
  readonly payer: string
  readonly amount: number
  readonly day: number
  readonly at: number
  /** The payer's earlier spend this payment had not seen. */
  readonly concurrent: string
}

/** A resource in the inventory. */
export type Resource = {
  readonly key: string
  readonly name: string
  readonly unit: string
  readonly quantity: number
  /** Personal property is the holder's own, outside decisions; else the community's. */
  readonly personal: boolean
  /** Who holds the rights: the community, or the member whose personal property it is. */
  readonly rights: string
  /** Who has it in hand. */
  readonly custodian: string
  /** Who looks after it for the community (the economy's own; administration's for a registered resource). */
  readonly stewards: ReadonlyArray<string>
  /** The administration record it is of (its `resource.register`), or `null`. */
  readonly registered: string | null
  readonly history: ReadonlyArray<{ readonly key: string; readonly kind: string; readonly by: string; readonly quantity: number; readonly to: string | null; readonly at: number }>
}

/** One ledger entry. */
export type Entry = {
  readonly key: string
  readonly kind: EntryKind
  /** Account debited: an identity, `commons`, or `group:<id>`; `null` for issuance. */
  readonly from: string | null
  /** Account credited. */
  readonly to: string | null
  readonly amount: number
  readonly day: number
  readonly at: number
  readonly note: string
}

/** What an entry records. */
export type EntryKind = "pay" | "request" | "issue" | "demurrage" | "overshoot" | "repay" | "fund" | "return" | "group" | "expense"

/** Ledger entries are kept in chunks of this many, so appending copies little. */
export const CHUNK = 256

/** The economy state. */
export type State = {
  readonly version: 1
  readonly genesisTime: number
  readonly currency: Currency | null
  /** Policies in fold order; the first is the currency's. */
  readonly policies: ReadonlyArray<Policy>
  readonly accounts: { readonly [identity: string]: Account }
  readonly commons: number
  readonly budgets: { readonly [group: string]: Budget }
  readonly expenses: { readonly [key: string]: Expense }
  readonly requests: { readonly [key: string]: Request }
  readonly overshoots: ReadonlyArray<Overshoot>
  readonly resources: { readonly [key: string]: Resource }
  /** Every entry in fold order, in chunks of {@link CHUNK}. */
  readonly journal: ReadonlyArray<ReadonlyArray<Entry>>
  /** Issued by basic issuance, and taken by demurrage, in all. */
  readonly totals: { readonly issued: number; readonly demurrage: number; readonly entries: number }
}

/** The initial economy state of a community: no currency yet. */
export const init = (genesis: Module.Genesis): State => ({
  version: 1,
  genesisTime: genesis.time,
  currency: null,
  policies: [],
  accounts: {},
  commons: 0,
  budgets: {},
  expenses: {},
  requests: {},
  overshoots: [],
  resources: {},
  journal: [],
  totals: { issued: 0, demurrage: 0, entries: 0 }
})

/** The community day community time `time` falls in (day 0 starts at the genesis). */
export const dayOf = (state: Pick<State, "genesisTime">, time: number): number =>
  time <= state.genesisTime ? 0 : Math.floor((time - state.genesisTime) / DAY)

/** When community day `day` starts. */
export const dayStart = (state: Pick<State, "genesisTime">, day: number): number => state.genesisTime + day * DAY

/** The policy governing community day `day`: the last in fold order whose first day is at or before it. */
export const policyOfDay = (state: State, day: number): Policy | undefined => {
  let found: Policy | undefined = state.policies[0]
  for (const p of state.policies) if (p.day <= day) found = p
  return found
}

/**
 * The policy an event sees: the last in fold order whose decision is the event itself or in its
 * causal past (a change the event had not seen does not apply to it).
 */
export const policySeen = (state: State, ctx: Pick<Module.EventContext, "key" | "happenedBefore">): Policy | undefined => {
  for (let i = state.policies.length - 1; i >= 0; i--) {
    const p = state.policies[i]!
    if (p.key === ctx.key || ctx.happenedBefore(p.key)) return p
  }
  return undefined
}

/** The latest policy in fold order (what people see as current). */
export const currentPolicy = (state: State): Policy | undefined => state.policies[state.policies.length - 1]

/** A new, empty account opened at community time `time` on day `day`. */
export const openAccount = (time: number, day: number): Account => ({
  balance: 0,
  asOf: day,
  since: time,
  lastOut: null,
  frozen: null,
  debt: 0,
  allowance: { day: -1, used: 0 },
  net: {},
  limits: [],
  claimed: null
})

/** Every ledger entry, in fold order. */
export const entries = (state: State): ReadonlyArray<Entry> => state.journal.flat()

/** The journal with `entry` appended (copies the last chunk and the list of chunks only). */
export const appendEntries = (state: State, added: ReadonlyArray<Entry>): Pick<State, "journal" | "totals"> => {
  if (added.length === 0) return { journal: state.journal, totals: state.totals }
  const chunks = state.journal.slice()
  for (const e of added) {
    const last = chunks[chunks.length - 1]
    if (last === undefined || last.length >= CHUNK) chunks.push([e])
    else chunks[chunks.length - 1] = [...last, e]
  }
  return { journal: chunks, totals: { ...state.totals, entries: state.totals.entries + added.length } }
}

/** The account name of a working group's budget in entries. */
export const groupAccount = (group: string): string => `group:${group}`
