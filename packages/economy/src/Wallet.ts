/**
 * Pure reads for a member's screens: the wallet (balance, limit, headroom, a warning near the
 * limit, what demurrage will take, requests waiting), a check before paying that says what the
 * module would answer, a working group's budget with its expenses, and the inventory. They read
 * the state as this replica holds it now, so they guide people; the fold decides.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const state = Economy.init({ community: "00".repeat(32), name: "Garden", founders: [], time: 0, params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Economy.DAY, quorumPercent: 50 } })
 * const w = Economy.Wallet.wallet(state, "ab".repeat(32))
 * console.log(w.balance) // 0
 * console.log(Economy.Wallet.checkPay(state, "ab".repeat(32), "cd".repeat(32), 100).ok === false) // true: no currency yet
 * ```
 *
 * @module
 */
import { approvalsNeeded } from "./Machine.ts"
import { decay, equilibrium, format, limitsOf, settle, softLimit } from "./Money.ts"
import * as Records from "./Records.ts"
import { currentPolicy, type Expense, type Request, type State } from "./State.ts"

/** What a wallet screen shows. */
export interface WalletView {
  readonly balance: number
  /** How far below zero the account may go (0 without mutual credit). */
  readonly credit: number
  /** How much can be paid now. */
  readonly headroom: number
  readonly max: number | null
  /** `near`: below the soft limit; `frozen`: an overshoot froze it; `ok` otherwise. */
  readonly warning: "ok" | "near" | "frozen"
  readonly debt: number
  /** Demurrage since the last entry, charged at the next one. */
  readonly pendingDemurrage: number
  /** What the balance would be after 30 more days of demurrage at today's rate, with no other entry. */
  readonly in30Days: number
  readonly equilibrium: number | null
  /** Requests this member is asked to pay, and requests they made, still open. */
  readonly toPay: ReadonlyArray<Request>
  readonly asked: ReadonlyArray<Request>
  /** The balance as people read it (`12.50 h`). */
  readonly shown: string
}

/** The wallet of `identity` on community day `day` (default: the latest entry's day). */
export const wallet = (state: State, identity: string, options: Records.Options = {}): WalletView => {
  const s = Records.statement(state, identity, options)
  const policy = currentPolicy(state)
  const balance = s.balance
  const frozen = s.frozen
  const soft = policy ? softLimit(s.credit, policy) : 0
  const requests = Object.values(state.requests).filter((r) => r.status === "open")
  return {
    balance,
    credit: s.credit,
    headroom: frozen || !policy ? 0 : Math.max(0, balance + s.credit),
    max: s.max,
    warning: frozen ? "frozen" : policy && balance < soft ? "near" : "ok",
    debt: s.debt,
    pendingDemurrage: s.pendingDemurrage,
    in30Days: policy ? decay(balance, policy.demurrage, 30) : balance,
    equilibrium: policy ? equilibrium(policy) : null,
    toPay: requests.filter((r) => r.from === identity).sort((x, y) => x.at - y.at),
    asked: requests.filter((r) => r.to === identity).sort((x, y) => x.at - y.at),
    shown: state.currency ? `${format(balance, state.currency.decimals)} ${state.currency.symbol}` : "no currency yet"
  }
}

/** What paying would meet: `ok` (with a warning near the limit), or the reason it would be refused. */
export type PayCheck =
  | { readonly ok: true; readonly warning: string | null }
  | { readonly ok: false; readonly reason: string }

/** Check a payment before signing it, as this replica sees the state now. */
export const checkPay = (state: State, payer: string, payee: string, amount: number, options: Records.Options = {}): PayCheck => {
  const policy = currentPolicy(state)
  if (!state.currency || !policy) return { ok: false, reason: "this community has no currency yet" }
  if (payer === payee) return { ok: false, reason: "an account cannot pay itself" }
  if (!Number.isSafeInteger(amount) || amount <= 0) return { ok: false, reason: "the amount must be more than zero" }
  const w = wallet(state, payer, options)
  if (w.warning === "frozen") return { ok: false, reason: "this account is frozen until its debt to the commons is repaid" }
  if (amount > w.headroom) return { ok: false, reason: `you can pay at most ${format(w.headroom, state.currency.decimals)} ${state.currency.symbol} now` }
  const to = Records.statement(state, payee, options)
  if (to.max !== null && to.balance + amount > to.max) return { ok: false, reason: "the payee would pass the most an account may hold" }
  const after = w.balance - amount
  return { ok: true, warning: after < softLimit(w.credit, policy) ? "this takes you close to your credit limit" : null }
}

/** A working group's budget screen: the budget, each expense with where it stands. */
export const groupBudget = (
  state: State,
  group: string,
  members: number
): { readonly balance: number; readonly funded: number; readonly spent: number; readonly expenses: ReadonlyArray<Expense & { readonly status: string; readonly needed: number }> } => {
  const b = state.budgets[group]
  return {
    balance: b?.balance ?? 0,
    funded: b?.funded ?? 0,
    spent: b?.spent ?? 0,
    expenses: Records.expenses(state, group).map((e) => ({ ...e, status: Records.expenseStatus(e, members), needed: approvalsNeeded(members) }))
  }
}

/** The inventory screen: every resource, sorted by name, with who holds the rights and who has it in hand. */
export const inventory = Records.inventory

/** A member's limits as the latest policy sets them (for a screen that shows them). */
export const limits = (state: State, identity: string): { readonly credit: number; readonly max: number | null } => {
  const policy = currentPolicy(state)
  if (!policy) return { credit: 0, max: null }
  const a = state.accounts[identity]
  return limitsOf(state, a ? settle(state, a, a.asOf).account : undefined, policy, Number.MAX_SAFE_INTEGER, () => true)
}
