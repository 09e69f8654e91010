/**
 * The body of every economy event type, as schemas of `Body` (`@affinity/core/module`): a
 * map with exactly the keys named, each in bounds, or `InvalidBody` with a message naming
 * the key. `ref` is a 32-byte event id, `key` a 32-byte identity; amounts are integers from
 * 1 to {@link MAX_AMOUNT} in the currency's smallest unit.
 *
 * ```ts
 * import { Body } from "@affinity/core/module"
 * import * as Economy from "@affinity/economy"
 *
 * const ok = Body.decode(Economy.Bodies.Pay, { to: new Uint8Array(32), amount: 500, note: "bread" })
 * console.log(ok.ok) // true
 * console.log(Body.decode(Economy.Bodies.Pay, { to: new Uint8Array(32), amount: 0, note: "" })) // { ok: false, message: "amount: must be between 1 and 1000000000000000" }
 * ```
 *
 * @module
 */
import { Body } from "@affinity/core/module"
import { MAX_AMOUNT, PPM } from "./State.ts"

const ref = Body.bytes(32)
const key = Body.bytes(32)
const amount = Body.int(1, MAX_AMOUNT)
const note = Body.text(0, 500)
/** `true` or `false`. */
const bool = Body.refine(Body.value, (v) => (typeof v === "boolean" ? undefined : "expected true or false")) as unknown as Body.Schema<boolean>

/** Policy fields a decision may set; each absent one keeps its value (or default, at creation). */
export const PolicyFields = {
  mutualCredit: Body.optional(bool),
  creditLimit: Body.optional(Body.int(0, MAX_AMOUNT)),
  softPercent: Body.optional(Body.int(1, 100)),
  maxBalance: Body.optional(Body.nullable(Body.int(1, MAX_AMOUNT))),
  issuance: Body.optional(Body.int(0, MAX_AMOUNT)),
  claimDays: Body.optional(Body.int(1, 366)),
  demurrage: Body.optional(Body.int(0, PPM / 10)),
  earnCap: Body.optional(Body.int(0, MAX_AMOUNT)),
  earnPerPayer: Body.optional(Body.int(0, MAX_AMOUNT)),
  probationDays: Body.optional(Body.int(0, 3650)),
  offlineAllowance: Body.optional(Body.int(0, MAX_AMOUNT)),
  commonsCredit: Body.optional(Body.int(0, MAX_AMOUNT))
} as const

/** A decoded body of the schema `PolicyBody` below. */
export type PolicyBody = Body.Infer<typeof PolicyBody>
/** Policy fields, as a map (every field optional). */
export const PolicyBody = Body.strict(PolicyFields)

/** A decoded body of the schema `CurrencyCreate` below. */
export type CurrencyCreate = Body.Infer<typeof CurrencyCreate>
/** `currency.create` (community): a name, a symbol, decimals, and the policy. */
export const CurrencyCreate = Body.strict({
  name: Body.text(1, 60),
  symbol: Body.text(1, 8),
  decimals: Body.int(0, 6),
  policy: PolicyBody
})

/** `policy.set` (prime): the fields to change, at least one. */
export const PolicySet = Body.refine(PolicyBody, (p) => (Object.keys(p).length === 0 ? "name at least one policy field to change" : undefined))
export type PolicySet = PolicyBody

/** A decoded body of the schema `AccountLimit` below. */
export type AccountLimit = Body.Infer<typeof AccountLimit>
/** `account.limit` (prime): a member's own credit limit and maximum balance; `null` follows the policy again. */
export const AccountLimit = Body.strict({
  member: key,
  credit: Body.nullable(Body.int(0, MAX_AMOUNT)),
  max: Body.nullable(Body.int(1, MAX_AMOUNT))
})

/** A decoded body of the schema `AccountUnfreeze` below. */
export type AccountUnfreeze = Body.Infer<typeof AccountUnfreeze>
/** `account.unfreeze` (community): a frozen account may spend again. */
export const AccountUnfreeze = Body.strict({ member: key, reason: Body.text(1, 1000) })

/** A decoded body of the schema `Pay` below. */
export type Pay = Body.Infer<typeof Pay>
/** `pay` (member): the author pays `to`. */
export const Pay = Body.strict({ to: key, amount, note })

/** A decoded body of the schema `Request` below. */
export type Request = Body.Infer<typeof Request>
/** `request` (member): the author asks `from` to pay them. */
export const Request = Body.strict({ from: key, amount, note })

/** A decoded body of the schema `RequestAccept` below. */
export type RequestAccept = Body.Infer<typeof RequestAccept>
/** `request.accept` (member): the one asked pays the request. */
export const RequestAccept = Body.strict({ request: ref })

/** A decoded body of the schema `RequestRefuse` below. */
export type RequestRefuse = Body.Infer<typeof RequestRefuse>
/** `request.refuse` (member): the one asked refuses it. */
export const RequestRefuse = Body.strict({ request: ref, reason: Body.text(0, 1000) })

/** A decoded body of the schema `Claim` below. */
export type Claim = Body.Infer<typeof Claim>
/** `issuance.claim` (member): collect basic issuance since the last claim. */
export const Claim = Body.strict({})

/** A decoded body of the schema `Repay` below. */
export type Repay = Body.Infer<typeof Repay>
/** `debt.repay` (member): pay the commons back for an overshoot. */
export const Repay = Body.strict({ amount })

/** A decoded body of the schema `BudgetFund` below. */
export type BudgetFund = Body.Infer<typeof BudgetFund>
/**
 * `budget.fund` (community): the commons funds a working group's budget. Without `group`, the
 * group is the one an earlier action of the same decision created (its id is the decision's key).
 */
export const BudgetFund = Body.strict({ group: Body.optional(ref), amount, note })

/** A decoded body of the schema `BudgetReturn` below. */
export type BudgetReturn = Body.Infer<typeof BudgetReturn>
/** `budget.return` (community): money goes back from a budget to the commons. */
export const BudgetReturn = Body.strict({ group: ref, amount, note })

/** A decoded body of the schema `GroupPay` below. */
export type GroupPay = Body.Infer<typeof GroupPay>
/** `group.pay` (mandate): a working group pays from its budget by its own decision. */
export const GroupPay = Body.strict({ to: key, amount, note })

/** A decoded body of the schema `ExpenseSubmit` below. */
export type ExpenseSubmit = Body.Infer<typeof ExpenseSubmit>
/** `expense.submit` (member): a member of a group asks its budget to pay (them, or `payee`). */
export const ExpenseSubmit = Body.strict({ group: ref, amount, note: Body.text(1, 500), payee: Body.optional(key) })

/** A decoded body of the schema `ExpenseRef` below. */
export type ExpenseRef = Body.Infer<typeof ExpenseRef>
/** `expense.approve` and `expense.pay` (member): name the expense. */
export const ExpenseRef = Body.strict({ expense: ref })

/** A decoded body of the schema `ResourceAdd` below. */
export type ResourceAdd = Body.Infer<typeof ResourceAdd>
/**
 * `resource.add` (member): a resource enters the inventory, the community's or the author's
 * own; `registered`: the administration record of the resource (its `resource.register`),
 * whose stewards and custodian then say who tends it.
 */
export const ResourceAdd = Body.strict({
  name: Body.text(1, 120),
  unit: Body.text(1, 24),
  quantity: Body.int(0, MAX_AMOUNT),
  personal: Body.literal(["yes", "no"]),
  registered: Body.optional(ref)
})

/** A decoded body of the schema `ResourceQuantity` below. */
export type ResourceQuantity = Body.Infer<typeof ResourceQuantity>
/** `resource.produce` and `resource.consume` (member): so much more, or less, of a resource. */
export const ResourceQuantity = Body.strict({ resource: ref, quantity: Body.int(1, MAX_AMOUNT), note })

/** A decoded body of the schema `ResourceCustody` below. */
export type ResourceCustody = Body.Infer<typeof ResourceCustody>
/** `resource.custody` (member): the resource passes into `to`'s hands; the rights stay. */
export const ResourceCustody = Body.strict({ resource: ref, to: key, note })

/** A decoded body of the schema `ResourceGive` below. */
export type ResourceGive = Body.Infer<typeof ResourceGive>
/** `resource.give` (member): the holder of a personal resource gives its rights to `to`; custody stays. */
export const ResourceGive = Body.strict({ resource: ref, to: key, note })

/** A decoded body of the schema `ResourceStewards` below. */
export type ResourceStewards = Body.Infer<typeof ResourceStewards>
/** `resource.stewards` (community): who looks after a community resource. */
export const ResourceStewards = Body.strict({ resource: ref, stewards: Body.array(key, 1, 64) })
