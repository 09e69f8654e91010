/**
 * The arithmetic of the economy, in integers only: demurrage over community days (exact, in
 * `bigint`), settling an account lazily, credit limits (the policy's, a member's own, and what
 * a member earned from distinct counterparties), the equilibrium balance, concentration (the
 * top 10 % share and the Gini coefficient, as fractions) and amounts shown to people.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * // 1,000.00 at 1 % a day for two days: 1,000.00 × 0.99 × 0.99, rounded down.
 * console.log(Economy.Money.decay(100_000, 10_000, 2)) // 98010
 * console.log(Economy.Money.format(98_010, 2)) // "980.10"
 * console.log(Economy.Money.gini([0, 0, 0, 100]).toString()) // "3/4"
 * ```
 *
 * @module
 */
import {
  type Account,
  DAY,
  MAX_AMOUNT,
  type Policy,
  policyOfDay,
  PPM,
  type State
} from "./State.ts"

/** A fraction in lowest terms, with a positive denominator. */
export class Ratio {
  readonly num: bigint
  readonly den: bigint
  constructor(num: bigint, den: bigint) {
    if (den === 0n) throw new RangeError("a ratio needs a denominator other than zero")
    const sign = den < 0n ? -1n : 1n
    const g = gcd(num < 0n ? -num : num, den < 0n ? -den : den)
    this.num = (sign * num) / (g === 0n ? 1n : g)
    this.den = (sign * den) / (g === 0n ? 1n : g)
  }
  /** `num/den`, e.g. `3/4`. */
  toString(): string {
    return `${this.num}/${this.den}`
  }
  /** In percent, with `digits` decimals, rounded half up (for people; never hashed). */
  percent(digits = 1): string {
    const scale = 10n ** BigInt(digits)
    const x = (this.num * 100n * scale * 2n + this.den) / (2n * this.den)
    const s = x.toString().padStart(digits + 1, "0")
    return digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`
  }
}

const gcd = (a: bigint, b: bigint): bigint => {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/** `balance × (1 − rate/10⁶)^days`, rounded down: what a positive balance keeps after `days` of demurrage. */
export const decay = (balance: number, ratePpm: number, days: number): number => {
  if (balance <= 0 || ratePpm <= 0 || days <= 0) return balance
  if (ratePpm >= PPM) return 0
  const [num, den] = factor(ratePpm, days)
  return Number((BigInt(balance) * num) / den)
}

/** `(10⁶ − rate)^days` and `10^(6·days)`, remembered for the most recent rates and spans (a pure cache). */
const factors = new Map<string, readonly [bigint, bigint]>()
const factor = (ratePpm: number, days: number): readonly [bigint, bigint] => {
  const key = `${ratePpm}/${days}`
  const known = factors.get(key)
  if (known) return known
  const n = BigInt(days)
  const made = [BigInt(PPM - ratePpm) ** n, BigInt(PPM) ** n] as const
  if (factors.size >= 4096) factors.clear()
  factors.set(key, made)
  return made
}

/**
 * A positive balance after demurrage from day `from` to day `to` (the days `from … to − 1` are
 * charged), each day at the rate of the policy governing it. Equal to charging the days one
 * policy run at a time, each run exactly.
 */
export const settleBalance = (state: State, balance: number, from: number, to: number): number => {
  if (balance <= 0 || to <= from) return balance
  let b = balance
  let day = from
  while (day < to) {
    const p = policyOfDay(state, day)
    const rate = p?.demurrage ?? 0
    // The run of days governed by this policy: up to the next policy's first day, or `to`.
    let end = to
    for (const q of state.policies) if (q.day > day && q.day < end) end = q.day
    b = decay(b, rate, end - day)
    day = end
    if (b === 0) break
  }
  return b
}

/** An account settled to day `day`: demurrage charged, and how much it took. */
export const settle = (state: State, account: Account, day: number): { readonly account: Account; readonly taken: number } => {
  if (day <= account.asOf) return { account, taken: 0 }
  const balance = settleBalance(state, account.balance, account.asOf, day)
  return { account: { ...account, balance, asOf: day }, taken: account.balance - balance }
}

/** The account of `identity` as of community day `day` (settled, without changing state). */
export const balanceOn = (state: State, identity: string, day: number): number => {
  const a = state.accounts[identity]
  return a ? settle(state, a, day).account.balance : 0
}

/** What an account earned toward its credit limit at community time `time`: net receipts from counterparties past probation, each and all capped. */
export const earned = (state: State, account: Account, policy: Policy, time: number): number => {
  if (policy.earnCap <= 0 || policy.earnPerPayer <= 0) return 0
  let sum = 0
  for (const [other, net] of Object.entries(account.net)) {
    if (net <= 0) continue
    const them = state.accounts[other]
    if (!them || time - them.since < policy.probationDays * DAY) continue
    sum += Math.min(net, policy.earnPerPayer)
    if (sum >= policy.earnCap) return policy.earnCap
  }
  return sum
}

/** An account's limits as an event sees them: the override in its past, else the policy. */
export const limitsOf = (
  state: State,
  account: Account | undefined,
  policy: Policy,
  time: number,
  seen: (key: string) => boolean
): { readonly credit: number; readonly max: number | null } => {
  let override: { readonly credit: number | null; readonly max: number | null } | undefined
  if (account)
    for (let i = account.limits.length - 1; i >= 0; i--)
      if (seen(account.limits[i]!.key)) {
        override = account.limits[i]!
        break
      }
  const base = policy.mutualCredit ? policy.creditLimit + (account ? earned(state, account, policy, time) : 0) : 0
  const credit = override?.credit ?? base
  const max = override?.max !== undefined && override.max !== null ? override.max : policy.maxBalance
  return { credit: policy.mutualCredit ? Math.min(credit, MAX_AMOUNT) : 0, max }
}

/** The soft limit: the balance below which a payer is warned, `softPercent` of the way to the hard limit. */
export const softLimit = (credit: number, policy: Pick<Policy, "softPercent">): number => -Math.floor((credit * policy.softPercent) / 100)

/**
 * The equilibrium balance: where basic issuance `issuance` per day and demurrage `ratePpm` per
 * day balance (`issuance × 10⁶ / rate`, rounded down), or `null` without both.
 */
export const equilibrium = (policy: Pick<Policy, "issuance" | "demurrage">): number | null =>
  policy.issuance > 0 && policy.demurrage > 0 ? Math.floor((policy.issuance * PPM) / policy.demurrage) : null

/** Share of the total held by the top 10 % of holders (at least one), of the positive balances given. */
export const topShare = (balances: ReadonlyArray<number>): Ratio => {
  const pos = balances.filter((b) => b > 0).sort((a, b) => b - a)
  if (pos.length === 0) return new Ratio(0n, 1n)
  const k = Math.max(1, Math.ceil(pos.length / 10))
  let top = 0n
  let all = 0n
  pos.forEach((b, i) => {
    all += BigInt(b)
    if (i < k) top += BigInt(b)
  })
  return new Ratio(top, all)
}

/**
 * The Gini coefficient of the balances given (negative ones count as zero), exactly:
 * `Σᵢ (2i − n − 1)·xᵢ / (n · Σ xᵢ)` over the balances sorted ascending, `i` from 1.
 */
export const gini = (balances: ReadonlyArray<number>): Ratio => {
  const xs = balances.map((b) => (b > 0 ? b : 0)).sort((a, b) => a - b)
  const n = BigInt(xs.length)
  let sum = 0n
  let weighted = 0n
  xs.forEach((x, i) => {
    const b = BigInt(x)
    sum += b
    weighted += (2n * BigInt(i + 1) - n - 1n) * b
  })
  return sum === 0n ? new Ratio(0n, 1n) : new Ratio(weighted, n * sum)
}

/** An amount in the smallest unit, shown with `decimals` digits after the point and thousands separators: `-1,234.50`. */
export const format = (amount: number, decimals: number): string => {
  const neg = amount < 0
  const digits = Math.abs(amount).toString().padStart(decimals + 1, "0")
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals)
  const frac = decimals === 0 ? "" : `.${digits.slice(-decimals)}`
  return `${neg ? "-" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac}`
}

/** An amount people typed (`12.5`, `1,000`) in the smallest unit, or `undefined` when it is not one. */
export const parse = (text: string, decimals: number): number | undefined => {
  const t = text.replaceAll(",", "").trim()
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t)
  if (!m || (m[2] ?? "").length > decimals) return undefined
  const value = Number(m[1]!) * 10 ** decimals + Number((m[2] ?? "").padEnd(decimals, "0") || "0")
  return Number.isSafeInteger(value) && value <= MAX_AMOUNT ? value : undefined
}
