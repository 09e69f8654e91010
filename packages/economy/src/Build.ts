/**
 * Builders of economy event bodies: plain functions returning `{ module, type, body }` to hand
 * to `community.append(device, draft)`, or to put in a proposal as its action
 * (`Governance.propose({ …, action: Economy.createCurrency(…) })`). Identities and ids are
 * given as hex or as the 32 bytes; amounts in the currency's smallest unit.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * const draft = Economy.pay("ab".repeat(32), 250, "two loaves")
 * console.log(draft.type) // "pay"
 * console.log(draft.body.amount) // 250
 * const create = Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 2, policy: { creditLimit: 2000, demurrage: 1000 } })
 * console.log(create.module === "economy" && create.type === "currency.create") // true
 * ```
 *
 * @module
 */
import { Bytes, type EventBodies } from "@affinity/core/module"
import type * as Bodies from "./Bodies.ts"

/** The body each economy event type takes, by type. */
export type Events = {
  readonly "currency.create": Bodies.CurrencyCreate
  readonly "policy.set": Bodies.PolicySet
  readonly "account.limit": Bodies.AccountLimit
  readonly "account.unfreeze": Bodies.AccountUnfreeze
  readonly pay: Bodies.Pay
  readonly request: Bodies.Request
  readonly "request.accept": Bodies.RequestAccept
  readonly "request.refuse": Bodies.RequestRefuse
  readonly "issuance.claim": Bodies.Claim
  readonly "debt.repay": Bodies.Repay
  readonly "budget.fund": Bodies.BudgetFund
  readonly "budget.return": Bodies.BudgetReturn
  readonly "group.pay": Bodies.GroupPay
  readonly "expense.submit": Bodies.ExpenseSubmit
  readonly "expense.approve": Bodies.ExpenseRef
  readonly "expense.pay": Bodies.ExpenseRef
  readonly "resource.add": Bodies.ResourceAdd
  readonly "resource.produce": Bodies.ResourceQuantity
  readonly "resource.consume": Bodies.ResourceQuantity
  readonly "resource.custody": Bodies.ResourceCustody
  readonly "resource.give": Bodies.ResourceGive
  readonly "resource.stewards": Bodies.ResourceStewards
}

/** An economy event to append, its body typed by its type. */
export type EventDraft<T extends keyof Events> = EventBodies.Draft<"economy", T, Events[T]>

/** An event id or identity: hex, or the 32 bytes. */
export type Ref = string | Uint8Array

const bytes = (ref: Ref, what: string): Uint8Array => Bytes.ref32(ref, what)

const economy = <T extends keyof Events>(type: T, body: Events[T]): EventDraft<T> => ({ module: "economy", type, body })

/** `currency.create`, a community decision's action. */
export const createCurrency = (c: { readonly name: string; readonly symbol: string; readonly decimals: number; readonly policy?: Bodies.PolicyBody }): EventDraft<"currency.create"> =>
  economy("currency.create", { name: c.name, symbol: c.symbol, decimals: c.decimals, policy: { ...(c.policy ?? {}) } })

/** `policy.set`: change policy fields from the next community day on (the economy prime group's or the community's decision). */
export const setPolicy = (fields: Bodies.PolicyBody): EventDraft<"policy.set"> => economy("policy.set", { ...fields })

/** `account.limit`: a member's own credit limit and maximum balance (`null`: the policy's). */
export const setLimit = (member: Ref, credit: number | null, max: number | null = null): EventDraft<"account.limit"> =>
  economy("account.limit", { member: bytes(member, "member"), credit, max })

/** `account.unfreeze`: a community decision lets a frozen account spend again. */
export const unfreeze = (member: Ref, reason: string): EventDraft<"account.unfreeze"> => economy("account.unfreeze", { member: bytes(member, "member"), reason })

/** `pay`: the author pays `to`. */
export const pay = (to: Ref, amount: number, note = ""): EventDraft<"pay"> => economy("pay", { to: bytes(to, "payee"), amount, note })

/** `request`: the author asks `from` to pay them. */
export const request = (from: Ref, amount: number, note = ""): EventDraft<"request"> => economy("request", { from: bytes(from, "payer"), amount, note })

/** `request.accept`: pay a request made of the author. */
export const accept = (request: Ref): EventDraft<"request.accept"> => economy("request.accept", { request: bytes(request, "request") })

/** `request.refuse`: refuse a request made of the author. */
export const refuse = (request: Ref, reason = ""): EventDraft<"request.refuse"> => economy("request.refuse", { request: bytes(request, "request"), reason })

/** `issuance.claim`: collect basic issuance since the last claim. */
export const claim = (): EventDraft<"issuance.claim"> => economy("issuance.claim", {})

/** `debt.repay`: pay the commons back for an overshoot. */
export const repay = (amount: number): EventDraft<"debt.repay"> => economy("debt.repay", { amount })

/**
 * `budget.fund`: the commons funds a working group. Leave `group` out for the group an earlier
 * action of the same decision creates (`actions: [Governance.createGroup(…), Economy.fund(undefined, …)]`).
 */
export const fund = (group: Ref | undefined, amount: number, note = ""): EventDraft<"budget.fund"> =>
  economy("budget.fund", { ...(group === undefined ? {} : { group: bytes(group, "group") }), amount, note })

/** `budget.return`: money goes back from a group's budget to the commons. */
export const returnFunds = (group: Ref, amount: number, note = ""): EventDraft<"budget.return"> =>
  economy("budget.return", { group: bytes(group, "group"), amount, note })

/** `group.pay`: a working group pays from its budget (the action of one of its own decisions). */
export const groupPay = (to: Ref, amount: number, note = ""): EventDraft<"group.pay"> => economy("group.pay", { to: bytes(to, "payee"), amount, note })

/** `expense.submit`: ask a group's budget to pay the author (or `payee`). */
export const submitExpense = (group: Ref, amount: number, note: string, payee?: Ref): EventDraft<"expense.submit"> =>
  economy("expense.submit", { group: bytes(group, "group"), amount, note, ...(payee === undefined ? {} : { payee: bytes(payee, "payee") }) })

/** `expense.approve`. */
export const approveExpense = (expense: Ref): EventDraft<"expense.approve"> => economy("expense.approve", { expense: bytes(expense, "expense") })

/** `expense.pay`. */
export const payExpense = (expense: Ref): EventDraft<"expense.pay"> => economy("expense.pay", { expense: bytes(expense, "expense") })

/**
 * `resource.add`: a resource enters the inventory, the community's (default) or the author's
 * own; `registered`: the administration record (its `resource.register` key) it is of.
 */
export const addResource = (r: {
  readonly name: string
  readonly unit: string
  readonly quantity: number
  readonly personal?: boolean
  readonly registered?: Ref
}): EventDraft<"resource.add"> =>
  economy("resource.add", {
    name: r.name,
    unit: r.unit,
    quantity: r.quantity,
    personal: r.personal === true ? "yes" : "no",
    ...(r.registered === undefined ? {} : { registered: bytes(r.registered, "registered") })
  })

/** `resource.produce`. */
export const produce = (resource: Ref, quantity: number, note = ""): EventDraft<"resource.produce"> =>
  economy("resource.produce", { resource: bytes(resource, "resource"), quantity, note })

/** `resource.consume`. */
export const consume = (resource: Ref, quantity: number, note = ""): EventDraft<"resource.consume"> =>
  economy("resource.consume", { resource: bytes(resource, "resource"), quantity, note })

/** `resource.custody`: the resource passes into `to`'s hands; the rights stay. */
export const handOver = (resource: Ref, to: Ref, note = ""): EventDraft<"resource.custody"> =>
  economy("resource.custody", { resource: bytes(resource, "resource"), to: bytes(to, "member"), note })

/** `resource.give`: the holder of personal property gives its rights to `to`; custody stays. */
export const give = (resource: Ref, to: Ref, note = ""): EventDraft<"resource.give"> =>
  economy("resource.give", { resource: bytes(resource, "resource"), to: bytes(to, "member"), note })

/** `resource.stewards`: a community decision names a community resource's stewards. */
export const stewards = (resource: Ref, members: ReadonlyArray<Ref>): EventDraft<"resource.stewards"> =>
  economy("resource.stewards", { resource: bytes(resource, "resource"), stewards: members.map((m) => bytes(m, "steward")) })
