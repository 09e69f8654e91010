/**
 * The economy module's event types: a currency created by decision and its policy, payments,
 * requests, basic issuance, demurrage settled lazily per community day, overshoots of
 * concurrent spends and their repayment, working groups' budgets and expenses, and the
 * inventory of resources. Every rule is stated in `docs/protocol.md`, the economy section.
 *
 * @module
 */
import { Bytes, Module } from "@affinity/core/module"
import * as Ask from "./Ask.ts"
import * as Bodies from "./Bodies.ts"
import { format, limitsOf, settle } from "./Money.ts"
import * as Queries from "./Queries.ts"
import {
  type Account,
  appendEntries,
  type Budget,
  COMMONS,
  type Currency,
  dayOf,
  type Entry,
  type EntryKind,
  type Expense,
  groupAccount,
  init,
  MAX_AMOUNT,
  openAccount,
  type Overshoot,
  type Policy,
  policySeen,
  type Request,
  type Resource,
  type State
} from "./State.ts"

const reject = Module.reject
const hex = Bytes.toHex
type Ctx = Module.EventContext
type Rejection = Module.Rejection

const isRejection = (x: unknown): x is Rejection => x !== null && typeof x === "object" && "_tag" in x && "message" in x

/** A member's own act cannot be carried by a decision: nobody acts for someone else. */
const ownAct = (type: string) => (ctx: Ctx): Rejection | undefined =>
  ctx.warrant._tag === "Direct" ? undefined : reject("NotAnAction", `economy/${type} is a member's own act; a decision cannot carry it`)

/** The currency as the event sees it. */
const currencyAt = (state: State, ctx: Ctx): Currency | Rejection =>
  state.currency && (state.currency.key === ctx.key || ctx.happenedBefore(state.currency.key))
    ? state.currency
    : reject("NoCurrency", "this community has no currency yet in this event's past; a community decision creates it (economy/currency.create)")

const policyAt = (state: State, ctx: Ctx): Policy => policySeen(state, ctx) ?? state.policies[0]!

const money = (state: State, amount: number): string =>
  state.currency ? `${format(amount, state.currency.decimals)} ${state.currency.symbol}` : String(amount)

/** An account as of community day `day`, settled (a new one when it has none). */
const accountOn = (state: State, id: string, ctx: Ctx): Account => {
  const day = dayOf(state, ctx.communityTime)
  const a = state.accounts[id]
  return a ? settle(state, a, day).account : openAccount(ctx.communityTime, day)
}

// ---- Applying: one transaction per event ----------------------------------------------------

/** The changes one event makes: accounts settled and changed, the commons, entries. */
class Tx {
  readonly day: number
  private readonly changed: Record<string, Account> = {}
  commons: number
  private demurrage = 0
  private issued = 0
  readonly entries: Array<Entry> = []
  readonly state: State
  readonly ctx: Ctx
  constructor(state: State, ctx: Ctx) {
    this.state = state
    this.ctx = ctx
    this.day = dayOf(state, ctx.communityTime)
    this.commons = state.commons
  }
  /** The account of `id`, settled to today; demurrage taken flows to the commons. */
  get(id: string): Account {
    const had = this.changed[id]
    if (had) return had
    const a = this.state.accounts[id]
    if (!a) return (this.changed[id] = openAccount(this.ctx.communityTime, this.day))
    const { account, taken } = settle(this.state, a, this.day)
    if (taken > 0) {
      this.commons += taken
      this.demurrage += taken
      this.entry("demurrage", id, COMMONS, taken, `demurrage through day ${this.day}`)
    }
    return (this.changed[id] = account)
  }
  set(id: string, account: Account): void {
    this.changed[id] = account
  }
  entry(kind: EntryKind, from: string | null, to: string | null, amount: number, note: string): void {
    this.entries.push({ key: this.ctx.key, kind, from, to, amount, day: this.day, at: this.ctx.communityTime, note })
  }
  mint(amount: number): void {
    this.issued += amount
  }
  done(extra: Partial<State> = {}): State {
    const { journal, totals } = appendEntries(this.state, this.entries)
    return {
      ...this.state,
      ...extra,
      accounts: Object.keys(this.changed).length === 0 ? this.state.accounts : { ...this.state.accounts, ...this.changed },
      commons: this.commons,
      journal,
      totals: { ...totals, issued: totals.issued + this.issued, demurrage: totals.demurrage + this.demurrage }
    }
  }
}

// ---- Payments -------------------------------------------------------------------------------

/** How a payment goes through: whether it overshoots, by how much, and against which day's allowance. */
type Plan = { readonly overshoot: number; readonly allowanceDay: number; readonly used: number }

/**
 * The checks every payment between members passes (E4): the payee a full member, the payer not
 * frozen in the event's past, the payee under their maximum balance, and the payer within their
 * credit limit, or past it only by a concurrent spend within the day's offline allowance.
 */
const checkPayment = (state: State, ctx: Ctx, payer: string, payee: string, amount: number): Plan | Rejection => {
  if (payer === payee) return reject("SelfPayment", "an account cannot pay itself")
  if (ctx.statusOf(payee) !== "full") return reject("NotAMember", "the payee is not a full member in this event's past; only members hold accounts")
  const from = accountOn(state, payer, ctx)
  if (from.frozen !== null && (from.frozen === ctx.key || ctx.happenedBefore(from.frozen)))
    return reject(
      "Frozen",
      `this account is frozen: a spend past its limit was made from two devices at once; repay the ${money(state, from.debt)} owed to the commons (economy/debt.repay), or ask the community to lift the freeze`
    )
  const policy = policyAt(state, ctx)
  const to = accountOn(state, payee, ctx)
  const payeeLimits = limitsOf(state, state.accounts[payee], policy, ctx.communityTime, ctx.happenedBefore)
  if (payeeLimits.max !== null && to.balance + amount > payeeLimits.max)
    return reject(
      "OverMaxBalance",
      `the payee may hold at most ${money(state, payeeLimits.max)} and holds ${money(state, to.balance)}; they can receive ${money(state, Math.max(0, payeeLimits.max - to.balance))} now`
    )
  if (to.balance + amount > MAX_AMOUNT) return reject("TooLarge", "the payee's balance would pass the largest amount an account can hold")
  const { credit } = limitsOf(state, state.accounts[payer], policy, ctx.communityTime, ctx.happenedBefore)
  const after = from.balance - amount
  if (after >= -credit) return { overshoot: 0, allowanceDay: from.allowance.day, used: from.allowance.used }
  const concurrent = from.lastOut !== null && from.lastOut !== ctx.key && !ctx.happenedBefore(from.lastOut)
  const can = Math.max(0, from.balance + credit)
  if (!concurrent)
    return reject(
      "OverLimit",
      `this would take the balance to ${money(state, after)}, past the credit limit of ${money(state, -credit)}; you can pay at most ${money(state, can)} now`
    )
  const overshoot = Math.min(amount, -credit - after)
  const allowanceDay = from.frozen !== null ? from.allowance.day : dayOf(state, ctx.communityTime)
  const used = from.allowance.day === allowanceDay ? from.allowance.used : 0
  if (used + overshoot > policy.offlineAllowance)
    return reject(
      "OverAllowance",
      `another spend of this account that this one had not seen already used its limit, and the overshoot of ${money(state, overshoot)} is more than the ${money(state, Math.max(0, policy.offlineAllowance - used))} left of the day's offline allowance`
    )
  return { overshoot, allowanceDay, used }
}

/** Apply a payment the checks allowed: the payee gets it all; an overshoot is taken on by the commons and owed by the payer, whose account freezes. */
const applyPayment = (tx: Tx, payer: string, payee: string, amount: number, plan: Plan, kind: EntryKind, note: string): Overshoot | undefined => {
  const ctx = tx.ctx
  const from = tx.get(payer)
  const to = tx.get(payee)
  let balance = from.balance - amount
  let next: Account = {
    ...from,
    lastOut: ctx.key,
    net: { ...from.net, [payee]: (from.net[payee] ?? 0) - amount }
  }
  let overshoot: Overshoot | undefined
  if (plan.overshoot > 0) {
    balance += plan.overshoot
    tx.commons -= plan.overshoot
    overshoot = { key: ctx.key, payer, amount: plan.overshoot, day: tx.day, at: ctx.communityTime, concurrent: from.lastOut ?? "" }
    next = {
      ...next,
      debt: from.debt + plan.overshoot,
      frozen: from.frozen ?? ctx.key,
      allowance: { day: plan.allowanceDay, used: plan.used + plan.overshoot }
    }
  }
  tx.set(payer, { ...next, balance })
  tx.set(payee, { ...to, balance: to.balance + amount, net: { ...to.net, [payer]: (to.net[payer] ?? 0) + amount } })
  tx.entry(kind, payer, payee, amount, note)
  if (overshoot) tx.entry("overshoot", COMMONS, payer, overshoot.amount, "a concurrent spend past the limit, owed to the commons")
  return overshoot
}

const memberOf = (ctx: Ctx): string | Rejection =>
  ctx.identity ?? reject("NotAMember", "this key belongs to no member")

// ---- The event types ------------------------------------------------------------------------

const policyFrom = (key: string, day: number, base: Policy | undefined, fields: Bodies.PolicyBody, decimals: number): Policy => {
  const unit = 10 ** decimals
  const defaults: Policy = base ?? {
    key,
    day,
    mutualCredit: true,
    creditLimit: 100 * unit,
    softPercent: 80,
    maxBalance: null,
    issuance: 0,
    claimDays: 14,
    demurrage: 0,
    earnCap: 0,
    earnPerPayer: 0,
    probationDays: 30,
    offlineAllowance: 0,
    commonsCredit: 0
  }
  return { ...defaults, ...fields, key, day }
}

const currencyCreate = Module.eventType<State, Bodies.CurrencyCreate>({
  body: Bodies.CurrencyCreate,
  authority: "community",
  validate: (state) =>
    state.currency ? reject("CurrencyExists", `this community already has a currency, ${state.currency.name} (${state.currency.symbol}); change its policy instead (economy/policy.set)`) : undefined,
  apply: (state, body, ctx) => {
    // Every full member has an account from the currency's creation on (probation counts from then).
    const day = dayOf(state, ctx.communityTime)
    const accounts: Record<string, Account> = { ...state.accounts }
    for (const m of ctx.fullMembers()) accounts[m] ??= openAccount(ctx.communityTime, day)
    return {
      ...state,
      accounts,
      currency: { key: ctx.key, name: body.name, symbol: body.symbol, decimals: body.decimals, created: ctx.communityTime },
      policies: [policyFrom(ctx.key, day, undefined, body.policy, body.decimals)]
    }
  }
})

const policySet = Module.eventType<State, Bodies.PolicySet>({
  body: Bodies.PolicySet,
  authority: "prime",
  validate: (state, _body, ctx) => {
    const c = currencyAt(state, ctx)
    return isRejection(c) ? c : undefined
  },
  apply: (state, body, ctx) => {
    const latest = state.policies[state.policies.length - 1]!
    const next = policyFrom(ctx.key, dayOf(state, ctx.communityTime) + 1, latest, body, state.currency!.decimals)
    return { ...state, policies: [...state.policies, next] }
  }
})

const accountLimit = Module.eventType<State, Bodies.AccountLimit>({
  body: Bodies.AccountLimit,
  authority: "prime",
  validate: (state, body, ctx) => {
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const member = hex(body.member)
    return ctx.statusOf(member) === "full" ? undefined : reject("NotAMember", "limits are set for full members only")
  },
  apply: (state, body, ctx) => {
    const member = hex(body.member)
    const tx = new Tx(state, ctx)
    const a = tx.get(member)
    tx.set(member, { ...a, limits: [...a.limits, { key: ctx.key, credit: body.credit, max: body.max }] })
    return tx.done()
  }
})

const accountUnfreeze = Module.eventType<State, Bodies.AccountUnfreeze>({
  body: Bodies.AccountUnfreeze,
  authority: "community",
  validate: (state, body) => {
    const a = state.accounts[hex(body.member)]
    return a && a.frozen !== null ? undefined : reject("NotFrozen", "that account is not frozen")
  },
  apply: (state, body, ctx) => {
    const member = hex(body.member)
    const tx = new Tx(state, ctx)
    tx.set(member, { ...tx.get(member), frozen: null })
    return tx.done()
  }
})

const pay = Module.eventType<State, Bodies.Pay>({
  body: Bodies.Pay,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("pay")(ctx)
    if (own) return own
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const me = memberOf(ctx)
    if (isRejection(me)) return me
    const plan = checkPayment(state, ctx, me, hex(body.to), body.amount)
    return isRejection(plan) ? plan : undefined
  },
  apply: (state, body, ctx) => {
    const me = ctx.identity!
    const to = hex(body.to)
    const plan = checkPayment(state, ctx, me, to, body.amount) as Plan
    const tx = new Tx(state, ctx)
    const o = applyPayment(tx, me, to, body.amount, plan, "pay", body.note)
    return tx.done(o ? { overshoots: [...state.overshoots, o] } : {})
  }
})

const request = Module.eventType<State, Bodies.Request>({
  body: Bodies.Request,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("request")(ctx)
    if (own) return own
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const from = hex(body.from)
    if (from === ctx.identity) return reject("SelfPayment", "a member cannot ask themselves to pay")
    return ctx.statusOf(from) === "full" ? undefined : reject("NotAMember", "the one asked to pay is not a full member in this event's past")
  },
  apply: (state, body, ctx) => {
    const r: Request = {
      key: ctx.key,
      from: hex(body.from),
      to: ctx.identity!,
      amount: body.amount,
      note: body.note,
      at: ctx.communityTime,
      status: "open",
      ended: null,
      reason: null
    }
    return { ...state, requests: { ...state.requests, [ctx.key]: r } }
  }
})

const requestOf = (state: State, id: Uint8Array, ctx: Ctx): Request | Rejection => {
  const key = hex(id)
  const r = state.requests[key]
  if (!r || !ctx.happenedBefore(key)) return reject("UnknownRequest", "no such request in this event's past; sync with the community and try again")
  if (ctx.identity !== r.from) return reject("NotAsked", "only the member asked to pay can accept or refuse this request")
  if (r.status !== "open") return reject("AlreadyEnded", `this request was already ${r.status}`)
  return r
}

const requestAccept = Module.eventType<State, Bodies.RequestAccept>({
  body: Bodies.RequestAccept,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("request.accept")(ctx)
    if (own) return own
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const r = requestOf(state, body.request, ctx)
    if (isRejection(r)) return r
    const plan = checkPayment(state, ctx, r.from, r.to, r.amount)
    return isRejection(plan) ? plan : undefined
  },
  apply: (state, body, ctx) => {
    const r = requestOf(state, body.request, ctx) as Request
    const plan = checkPayment(state, ctx, r.from, r.to, r.amount) as Plan
    const tx = new Tx(state, ctx)
    const o = applyPayment(tx, r.from, r.to, r.amount, plan, "request", r.note)
    return tx.done({
      requests: { ...state.requests, [r.key]: { ...r, status: "paid", ended: ctx.key } },
      ...(o ? { overshoots: [...state.overshoots, o] } : {})
    })
  }
})

const requestRefuse = Module.eventType<State, Bodies.RequestRefuse>({
  body: Bodies.RequestRefuse,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("request.refuse")(ctx)
    if (own) return own
    const r = requestOf(state, body.request, ctx)
    return isRejection(r) ? r : undefined
  },
  apply: (state, body, ctx) => {
    const r = requestOf(state, body.request, ctx) as Request
    return { ...state, requests: { ...state.requests, [r.key]: { ...r, status: "refused", ended: ctx.key, reason: body.reason === "" ? null : body.reason } } }
  }
})

/** Basic issuance owed to an account at day `day`: each unclaimed day (at most `claimDays`) at its policy's rate. */
const claimable = (state: State, account: Account, policy: Policy, day: number): { readonly amount: number; readonly from: number } => {
  const currencyDay = dayOf(state, state.currency!.created)
  const last = account.claimed ?? currencyDay
  const from = Math.max(last, day - policy.claimDays)
  let amount = 0
  for (let d = from; d < day; d++) {
    let rate = 0
    for (const p of state.policies) if (p.day <= d) rate = p.issuance
    amount = Math.min(MAX_AMOUNT, amount + rate)
  }
  return { amount, from }
}

const issuanceClaim = Module.eventType<State, Bodies.Claim>({
  body: Bodies.Claim,
  authority: "member",
  validate: (state, _body, ctx) => {
    const own = ownAct("issuance.claim")(ctx)
    if (own) return own
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const me = memberOf(ctx)
    if (isRejection(me)) return me
    const policy = policyAt(state, ctx)
    const day = dayOf(state, ctx.communityTime)
    const { amount } = claimable(state, accountOn(state, me, ctx), policy, day)
    if (amount <= 0)
      return reject("NothingToClaim", policy.issuance > 0 ? "issuance was already claimed through yesterday; claim again tomorrow" : "this currency has no basic issuance")
    return undefined
  },
  apply: (state, _body, ctx) => {
    const me = ctx.identity!
    const tx = new Tx(state, ctx)
    const a = tx.get(me)
    const policy = policyAt(state, ctx)
    const { amount } = claimable(state, a, policy, tx.day)
    const limits = limitsOf(state, state.accounts[me], policy, ctx.communityTime, ctx.happenedBefore)
    // A balance cap holds for issuance too: what would pass it is not issued.
    const room = limits.max === null ? amount : Math.max(0, Math.min(amount, limits.max - a.balance))
    const issued = Math.min(room, MAX_AMOUNT - Math.max(0, a.balance))
    tx.set(me, { ...a, balance: a.balance + issued, claimed: tx.day })
    if (issued > 0) {
      tx.mint(issued)
      tx.entry("issue", null, me, issued, `basic issuance through day ${tx.day - 1}`)
    }
    return tx.done()
  }
})

const debtRepay = Module.eventType<State, Bodies.Repay>({
  body: Bodies.Repay,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("debt.repay")(ctx)
    if (own) return own
    const me = memberOf(ctx)
    if (isRejection(me)) return me
    const a = accountOn(state, me, ctx)
    if (a.debt <= 0) return reject("NoDebt", "this account owes the commons nothing")
    if (body.amount > a.debt) return reject("MoreThanOwed", `this account owes the commons ${money(state, a.debt)}; repay at most that`)
    const { credit } = limitsOf(state, state.accounts[me], policyAt(state, ctx), ctx.communityTime, ctx.happenedBefore)
    if (a.balance - body.amount < -credit)
      return reject("OverLimit", `repaying ${money(state, body.amount)} would take the balance past the credit limit; repay at most ${money(state, Math.max(0, a.balance + credit))} now`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const me = ctx.identity!
    const tx = new Tx(state, ctx)
    const a = tx.get(me)
    const debt = a.debt - body.amount
    tx.set(me, { ...a, balance: a.balance - body.amount, debt, frozen: debt === 0 ? null : a.frozen })
    tx.commons += body.amount
    tx.entry("repay", me, COMMONS, body.amount, "repaid to the commons")
    return tx.done()
  }
})

// ---- Working groups' budgets and expenses ------------------------------------------------------

const emptyBudget = (group: string): Budget => ({ group, balance: 0, funded: 0, spent: 0, fundings: [] })

const budgetFund = Module.eventType<State, Bodies.BudgetFund>({
  body: Bodies.BudgetFund,
  authority: "community",
  validate: (state, body, ctx) => {
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    if (body.group !== undefined) {
      const g = Ask.groupAt(ctx, hex(body.group))
      if (isRejection(g)) return g
      if (!g.active) return reject("GroupInactive", `working group "${g.name}" is disbanded or expired; it cannot be funded`)
    }
    const policy = policyAt(state, ctx)
    if (state.commons - body.amount < -policy.commonsCredit)
      return reject(
        "CommonsShort",
        `the commons holds ${money(state, state.commons)} and may go down to ${money(state, -policy.commonsCredit)}; it can fund at most ${money(state, Math.max(0, state.commons + policy.commonsCredit))} now`
      )
    return undefined
  },
  apply: (state, body, ctx) => {
    // Without `group`: the group an earlier action of this decision created, whose id is the decision's key.
    const group = body.group === undefined ? ctx.key : hex(body.group)
    const tx = new Tx(state, ctx)
    const b = state.budgets[group] ?? emptyBudget(group)
    tx.commons -= body.amount
    tx.entry("fund", COMMONS, groupAccount(group), body.amount, body.note)
    return tx.done({
      budgets: {
        ...state.budgets,
        [group]: { ...b, balance: b.balance + body.amount, funded: b.funded + body.amount, fundings: [...b.fundings, { key: ctx.key, amount: body.amount, at: ctx.communityTime }] }
      }
    })
  }
})

const budgetOf = (state: State, group: string, ctx: Ctx): Budget | Rejection => {
  const b = state.budgets[group]
  return b && b.fundings.some((f) => f.key === ctx.key || ctx.happenedBefore(f.key))
    ? b
    : reject("NoBudget", "this working group has no budget in this event's past; the community funds it by decision (economy/budget.fund)")
}

const budgetReturn = Module.eventType<State, Bodies.BudgetReturn>({
  body: Bodies.BudgetReturn,
  authority: "community",
  validate: (state, body, ctx) => {
    const b = budgetOf(state, hex(body.group), ctx)
    if (isRejection(b)) return b
    return body.amount > b.balance ? reject("OverBudget", `the budget holds ${money(state, b.balance)}; return at most that`) : undefined
  },
  apply: (state, body, ctx) => {
    const group = hex(body.group)
    const b = state.budgets[group]!
    const tx = new Tx(state, ctx)
    tx.commons += body.amount
    tx.entry("return", groupAccount(group), COMMONS, body.amount, body.note)
    return tx.done({ budgets: { ...state.budgets, [group]: { ...b, balance: b.balance - body.amount } } })
  }
})

const payeeRoom = (state: State, payee: string, amount: number, ctx: Ctx): Rejection | undefined => {
  if (ctx.statusOf(payee) !== "full") return reject("NotAMember", "the payee is not a full member in this event's past")
  const to = accountOn(state, payee, ctx)
  const { max } = limitsOf(state, state.accounts[payee], policyAt(state, ctx), ctx.communityTime, ctx.happenedBefore)
  if (max !== null && to.balance + amount > max)
    return reject("OverMaxBalance", `the payee may hold at most ${money(state, max)} and holds ${money(state, to.balance)}`)
  return to.balance + amount > MAX_AMOUNT ? reject("TooLarge", "the payee's balance would pass the largest amount an account can hold") : undefined
}

/** Pay `amount` from group `group`'s budget to `payee`. */
const payFromBudget = (tx: Tx, group: string, payee: string, amount: number, kind: EntryKind, note: string): Budget => {
  const b = tx.state.budgets[group]!
  const to = tx.get(payee)
  tx.set(payee, { ...to, balance: to.balance + amount })
  tx.entry(kind, groupAccount(group), payee, amount, note)
  return { ...b, balance: b.balance - amount, spent: b.spent + amount }
}

const groupPay = Module.eventType<State, Bodies.GroupPay>({
  body: Bodies.GroupPay,
  authority: "mandate",
  validate: (state, body, ctx) => {
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const w = ctx.warrant
    if (w._tag !== "Decision" || w.body._tag !== "Group")
      return reject("NotAGroup", "economy/group.pay is a working group's own decision; the community funds groups (economy/budget.fund)")
    const b = budgetOf(state, w.body.group, ctx)
    if (isRejection(b)) return b
    if (body.amount > b.balance) return reject("OverBudget", `the group's budget holds ${money(state, b.balance)}; it cannot pay ${money(state, body.amount)}`)
    return payeeRoom(state, hex(body.to), body.amount, ctx)
  },
  apply: (state, body, ctx) => {
    const group = (ctx.warrant as { readonly body: { readonly group: string } }).body.group
    const tx = new Tx(state, ctx)
    const b = payFromBudget(tx, group, hex(body.to), body.amount, "group", body.note)
    return tx.done({ budgets: { ...state.budgets, [group]: b } })
  }
})

/** Approvals an expense needs from members other than its submitter: 2 in a group of 3 or more, else 1. */
export const approvalsNeeded = (members: number): number => (members >= 3 ? 2 : 1)

const memberOfGroup = (ctx: Ctx, group: string): Ask.GroupInfo | Rejection => {
  const g = Ask.groupAt(ctx, group)
  if (isRejection(g)) return g
  if (!g.active) return reject("GroupInactive", `working group "${g.name}" is disbanded or expired`)
  if (ctx.identity === null || !g.members.includes(ctx.identity)) return reject("NotInGroup", `only members of working group "${g.name}" act on its expenses`)
  return g
}

const expenseSubmit = Module.eventType<State, Bodies.ExpenseSubmit>({
  body: Bodies.ExpenseSubmit,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("expense.submit")(ctx)
    if (own) return own
    const c = currencyAt(state, ctx)
    if (isRejection(c)) return c
    const group = hex(body.group)
    const g = memberOfGroup(ctx, group)
    if (isRejection(g)) return g
    const b = budgetOf(state, group, ctx)
    if (isRejection(b)) return b
    if (body.amount > b.balance) return reject("OverBudget", `the budget of "${g.name}" holds ${money(state, b.balance)}; an expense cannot ask for more`)
    return body.payee !== undefined && ctx.statusOf(hex(body.payee)) !== "full" ? reject("NotAMember", "the payee is not a full member in this event's past") : undefined
  },
  apply: (state, body, ctx) => {
    const e: Expense = {
      key: ctx.key,
      group: hex(body.group),
      by: ctx.identity!,
      payee: body.payee === undefined ? ctx.identity! : hex(body.payee),
      amount: body.amount,
      note: body.note,
      at: ctx.communityTime,
      approvals: [],
      paid: null
    }
    return { ...state, expenses: { ...state.expenses, [ctx.key]: e } }
  }
})

const expenseOf = (state: State, id: Uint8Array, ctx: Ctx): { readonly e: Expense; readonly g: Ask.GroupInfo } | Rejection => {
  const key = hex(id)
  const e = state.expenses[key]
  if (!e || !ctx.happenedBefore(key)) return reject("UnknownExpense", "no such expense in this event's past; sync with the community and try again")
  if (e.paid !== null) return reject("AlreadyPaid", "this expense was already paid")
  const g = memberOfGroup(ctx, e.group)
  if (isRejection(g)) return g
  if (ctx.identity === e.by) return reject("OwnExpense", "the member who submitted an expense never approves or pays it; another member of the group does")
  return { e, g }
}

/** Approvals of an expense that count at the event: in its past, by current members other than the submitter. */
const approvalsAt = (e: Expense, g: Ask.GroupInfo, ctx: Ctx): number =>
  new Set(e.approvals.filter((a) => a.member !== e.by && g.members.includes(a.member) && (a.key === ctx.key || ctx.happenedBefore(a.key))).map((a) => a.member)).size

const expenseApprove = Module.eventType<State, Bodies.ExpenseRef>({
  body: Bodies.ExpenseRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("expense.approve")(ctx)
    if (own) return own
    const x = expenseOf(state, body.expense, ctx)
    if (isRejection(x)) return x
    return x.e.approvals.some((a) => a.member === ctx.identity) ? reject("AlreadyApproved", "you already approved this expense") : undefined
  },
  apply: (state, body, ctx) => {
    const e = state.expenses[hex(body.expense)]!
    return {
      ...state,
      expenses: { ...state.expenses, [e.key]: { ...e, approvals: [...e.approvals, { member: ctx.identity!, key: ctx.key, at: ctx.communityTime }] } }
    }
  }
})

const expensePay = Module.eventType<State, Bodies.ExpenseRef>({
  body: Bodies.ExpenseRef,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("expense.pay")(ctx)
    if (own) return own
    const x = expenseOf(state, body.expense, ctx)
    if (isRejection(x)) return x
    const { e, g } = x
    const needed = approvalsNeeded(g.members.length)
    const have = approvalsAt(e, g, ctx)
    if (have < needed)
      return reject(
        "NeedsApproval",
        `this expense has ${have} of the ${needed} approval${needed === 1 ? "" : "s"} it needs from members of "${g.name}" other than the one who submitted it`
      )
    const b = budgetOf(state, e.group, ctx)
    if (isRejection(b)) return b
    if (e.amount > b.balance) return reject("OverBudget", `the budget of "${g.name}" holds ${money(state, b.balance)}; this expense asks ${money(state, e.amount)}`)
    return payeeRoom(state, e.payee, e.amount, ctx)
  },
  apply: (state, body, ctx) => {
    const e = state.expenses[hex(body.expense)]!
    const tx = new Tx(state, ctx)
    const b = payFromBudget(tx, e.group, e.payee, e.amount, "expense", e.note)
    return tx.done({
      budgets: { ...state.budgets, [e.group]: b },
      expenses: { ...state.expenses, [e.key]: { ...e, paid: { key: ctx.key, by: ctx.identity!, at: ctx.communityTime } } }
    })
  }
})

// ---- Resources ------------------------------------------------------------------------------

const resourceOf = (state: State, id: Uint8Array, ctx: Ctx): Resource | Rejection => {
  const key = hex(id)
  const r = state.resources[key]
  return r && ctx.happenedBefore(key) ? r : reject("UnknownResource", "no such resource in this event's past; sync with the community and try again")
}

/**
 * Who tends a resource at the event: for a registered resource that administration answers
 * for, its custodian and the members of its steward working groups; for personal property, its
 * holder and whoever has it in hand; otherwise its custodian and stewards.
 */
export const tendersOf = (r: Resource, ctx: Ctx): ReadonlyArray<string> => {
  if (r.registered !== null) {
    const kept = Ask.registeredAt(ctx, r.registered)
    if (kept) return Ask.tendersAt(ctx, kept)
  }
  return [...new Set([r.custodian, ...(r.personal ? [r.rights] : r.stewards)])].sort()
}

/** Whether the author tends the resource (see {@link tendersOf}). */
const mayTend = (r: Resource, ctx: Ctx, what: string): Rejection | undefined => {
  const me = ctx.identity
  if (me !== null && tendersOf(r, ctx).includes(me)) return undefined
  return reject(
    "NotSteward",
    r.personal ? `"${r.name}" is personal property; only its holder or whoever has it in hand can ${what} it` : `only a steward or the custodian of "${r.name}" can ${what} it`
  )
}

/** A registered resource's custody and stewards are administration's to change. */
const registered = (r: Resource): Rejection | undefined =>
  r.registered === null
    ? undefined
    : reject("Registered", `"${r.name}" is under administration's stewardship; its custody and stewards change there (administration/resource.handover, resource.consent)`)

const historyEntry = (ctx: Ctx, kind: string, quantity: number, to: string | null) => ({
  key: ctx.key,
  kind,
  by: ctx.identity ?? "",
  quantity,
  to,
  at: ctx.communityTime
})

const withResource = (state: State, r: Resource): State => ({ ...state, resources: { ...state.resources, [r.key]: r } })

const resourceAdd = Module.eventType<State, Bodies.ResourceAdd>({
  body: Bodies.ResourceAdd,
  authority: "member",
  validate: (_state, body, ctx) => {
    const own = ownAct("resource.add")(ctx)
    if (own) return own
    if (body.registered === undefined) return undefined
    const kept = Ask.registeredAt(ctx, hex(body.registered))
    if (!kept) return reject("UnknownResource", "administration keeps no such resource in this event's past; register it there first, or leave `registered` out")
    if (kept.personal || body.personal === "yes") return reject("PersonalProperty", "personal property is not registered under stewardship; add it as personal without `registered`")
    return undefined
  },
  apply: (state, body, ctx) => {
    const me = ctx.identity!
    const personal = body.personal === "yes"
    const kept = body.registered === undefined ? undefined : Ask.registeredAt(ctx, hex(body.registered))
    return withResource(state, {
      key: ctx.key,
      name: body.name,
      unit: body.unit,
      quantity: body.quantity,
      personal,
      rights: personal ? me : "community",
      custodian: kept ? kept.custodian : me,
      stewards: kept ? [...kept.stewards].sort() : personal ? [] : [me],
      registered: body.registered === undefined ? null : hex(body.registered),
      history: [historyEntry(ctx, "add", body.quantity, null)]
    })
  }
})

const quantityType = (kind: "produce" | "consume") =>
  Module.eventType<State, Bodies.ResourceQuantity>({
    body: Bodies.ResourceQuantity,
    authority: "member",
    validate: (state, body, ctx) => {
      const own = ownAct(`resource.${kind}`)(ctx)
      if (own) return own
      const r = resourceOf(state, body.resource, ctx)
      if (isRejection(r)) return r
      const may = mayTend(r, ctx, kind === "produce" ? "add to" : "use up")
      if (may) return may
      if (kind === "consume" && body.quantity > r.quantity) return reject("NotEnough", `only ${r.quantity} ${r.unit} of "${r.name}" are left`)
      if (kind === "produce" && r.quantity + body.quantity > MAX_AMOUNT) return reject("TooLarge", "that quantity is more than the inventory can count")
      return undefined
    },
    apply: (state, body, ctx) => {
      const r = state.resources[hex(body.resource)]!
      return withResource(state, {
        ...r,
        quantity: kind === "produce" ? r.quantity + body.quantity : r.quantity - body.quantity,
        history: [...r.history, historyEntry(ctx, kind, body.quantity, null)]
      })
    }
  })

const resourceCustody = Module.eventType<State, Bodies.ResourceCustody>({
  body: Bodies.ResourceCustody,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("resource.custody")(ctx)
    if (own) return own
    const r = resourceOf(state, body.resource, ctx)
    if (isRejection(r)) return r
    const reg = registered(r)
    if (reg) return reg
    const may = mayTend(r, ctx, "hand on")
    if (may) return may
    const to = hex(body.to)
    if (to === r.custodian) return reject("AlreadyHolds", "that member already has it in hand")
    return ctx.statusOf(to) === "full" ? undefined : reject("NotAMember", "custody passes to full members only")
  },
  apply: (state, body, ctx) => {
    const r = state.resources[hex(body.resource)]!
    const to = hex(body.to)
    return withResource(state, { ...r, custodian: to, history: [...r.history, historyEntry(ctx, "custody", r.quantity, to)] })
  }
})

const resourceGive = Module.eventType<State, Bodies.ResourceGive>({
  body: Bodies.ResourceGive,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = ownAct("resource.give")(ctx)
    if (own) return own
    const r = resourceOf(state, body.resource, ctx)
    if (isRejection(r)) return r
    if (!r.personal) return reject("CommunityResource", `"${r.name}" is the community's; nobody gives its rights away, the community names its stewards`)
    if (ctx.identity !== r.rights) return reject("NotYours", `only the holder of "${r.name}" gives it away`)
    const to = hex(body.to)
    if (to === r.rights) return reject("AlreadyHolds", "that member already holds it")
    return ctx.statusOf(to) === "full" ? undefined : reject("NotAMember", "rights pass to full members only")
  },
  apply: (state, body, ctx) => {
    const r = state.resources[hex(body.resource)]!
    const to = hex(body.to)
    return withResource(state, { ...r, rights: to, history: [...r.history, historyEntry(ctx, "rights", r.quantity, to)] })
  }
})

const resourceStewards = Module.eventType<State, Bodies.ResourceStewards>({
  body: Bodies.ResourceStewards,
  authority: "community",
  validate: (state, body, ctx) => {
    const r = resourceOf(state, body.resource, ctx)
    if (isRejection(r)) return r
    if (r.personal) return reject("PersonalProperty", `"${r.name}" is personal property; it is outside the community's decisions`)
    const reg = registered(r)
    if (reg) return reg
    for (const s of body.stewards) if (ctx.statusOf(hex(s)) !== "full") return reject("NotAMember", "stewards are full members")
    return undefined
  },
  apply: (state, body, ctx) => {
    const r = state.resources[hex(body.resource)]!
    const stewards = [...new Set(body.stewards.map(hex))].sort()
    return withResource(state, { ...r, stewards, history: [...r.history, historyEntry(ctx, "stewards", r.quantity, null)] })
  }
})

/** The economy module's state machine (typed bodies are added in `module.ts`). */
export const module: Module.Module<State> = Module.make<State>({
  name: "economy",
  init,
  events: {
    "currency.create": currencyCreate,
    "policy.set": policySet,
    "account.limit": accountLimit,
    "account.unfreeze": accountUnfreeze,
    pay,
    request,
    "request.accept": requestAccept,
    "request.refuse": requestRefuse,
    "issuance.claim": issuanceClaim,
    "debt.repay": debtRepay,
    "budget.fund": budgetFund,
    "budget.return": budgetReturn,
    "group.pay": groupPay,
    "expense.submit": expenseSubmit,
    "expense.approve": expenseApprove,
    "expense.pay": expensePay,
    "resource.add": resourceAdd,
    "resource.produce": quantityType("produce"),
    "resource.consume": quantityType("consume"),
    "resource.custody": resourceCustody,
    "resource.give": resourceGive,
    "resource.stewards": resourceStewards
  },
  queries: Queries.all
})
