/**
 * What the economy answers other modules through the kernel's queries (`docs/protocol.md` §8,
 * "Queries"): the overshoots of concurrent spends (what the justice module reads to open a
 * case), a member's balance and limits, and how concentrated holdings are. Answers about
 * overshoots and limits are judged on the asking event's causal past.
 *
 * ```ts
 * import * as Economy from "@affinity/economy"
 *
 * console.log(Object.keys(Economy.module.queries ?? {}).join(", ")) // balance, concentration, overshoots
 * ```
 *
 * @module
 */
import { Body, type Cbor, Query } from "@affinity/core/module"
import { gini, limitsOf, settle, topShare } from "./Money.ts"
import { dayOf, policySeen, type State } from "./State.ts"

/** Query name: the overshoots of concurrent spends ({@link overshoots}). */
export const OVERSHOOTS = "overshoots"
/** Query name: a member's balance and limits ({@link balance}). */
export const BALANCE = "balance"
/** Query name: how concentrated holdings are ({@link concentration}). */
export const CONCENTRATION = "concentration"

const identity = Body.pattern(/^[0-9a-f]{64}$/, "an identity (64 lower-case hex characters)")

/**
 * Overshoots in the asking event's past, in fold order, of one member (`identity`) or of
 * everyone: `[{ key, payer, amount, day, at, owed }]`, `owed` being what the payer still owes
 * the commons in all. A justice module opens a case from these.
 */
export const overshoots: Query.Query<State> = Query.make<State, { readonly identity?: string }, Cbor.Value>({
  args: Body.strict({ identity: Body.optional(identity) }),
  answer: (state, args, ctx) =>
    state.overshoots
      .filter((o) => (args.identity === undefined || o.payer === args.identity) && ctx.happenedBefore(o.key))
      .map((o) => ({ key: o.key, payer: o.payer, amount: o.amount, day: o.day, at: o.at, owed: state.accounts[o.payer]?.debt ?? 0 }))
})

/**
 * A member's account at the asking event: `{ balance, credit, max, debt, frozen }`, the balance
 * settled for demurrage to the event's community day, the limits as the event sees them;
 * `null` while the community has no currency.
 */
export const balance: Query.Query<State> = Query.make<State, { readonly identity: string }, Cbor.Value>({
  args: Body.strict({ identity }),
  answer: (state, args, ctx) => {
    const policy = policySeen(state, ctx)
    if (!policy) return null
    const a = state.accounts[args.identity]
    const day = dayOf(state, ctx.communityTime)
    const limits = limitsOf(state, a, policy, ctx.communityTime, ctx.happenedBefore)
    return {
      balance: a ? settle(state, a, day).account.balance : 0,
      credit: limits.credit,
      max: limits.max,
      debt: a?.debt ?? 0,
      frozen: a !== undefined && a.frozen !== null && ctx.happenedBefore(a.frozen)
    }
  }
})

/**
 * How concentrated holdings are at the asking event's community day: `{ holders, top10: [num,
 * den], gini: [num, den] }` over every member account (balances settled for demurrage;
 * negative ones count as zero), fractions in lowest terms as decimal strings.
 */
export const concentration: Query.Query<State> = Query.make<State, Record<string, never>, Cbor.Value>({
  args: Body.strict({}),
  answer: (state, _args, ctx) => {
    const day = dayOf(state, ctx.communityTime)
    const balances = Object.values(state.accounts).map((a) => settle(state, a, day).account.balance)
    const top = topShare(balances)
    const g = gini(balances)
    return { holders: balances.length, top10: [top.num.toString(), top.den.toString()], gini: [g.num.toString(), g.den.toString()] }
  }
})

/** Every query the economy answers, by name. */
export const all: { readonly [name: string]: Query.Query<State> } = { [BALANCE]: balance, [CONCENTRATION]: concentration, [OVERSHOOTS]: overshoots }
