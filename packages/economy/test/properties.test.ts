import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Event } from "@affinity/core"
import * as Economy from "@affinity/economy"
import { ada, ada2, bo, currency, cy, DAY, economy, World } from "./support/world.ts"

const LIMIT = 100
const ALLOWANCE = 40
const payers = [ada, bo, cy, ada2]
const members = [ada, bo, cy]

/** One step of a random history: a payment, maybe concurrent with the ones before, maybe a day later. */
const step = fc.record({
  // Ada (on either device) pays most often, so her two devices race.
  payer: fc.constantFrom(0, 3, 0, 3, 1, 2),
  payee: fc.integer({ min: 0, max: 2 }),
  amount: fc.integer({ min: 1, max: 90 }),
  concurrent: fc.boolean(),
  nextDay: fc.boolean(),
  fund: fc.integer({ min: 0, max: 9 }),
  /** Ada's two devices each pay at once, on the same past. */
  race: fc.option(fc.integer({ min: 1, max: 90 }), { freq: 2 })
})

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

/** Build a history: a mutual-credit currency with demurrage, Ada on two devices, then the steps. */
const history = (steps: ReadonlyArray<Step>, demurrage: number): World => {
  const c = new World()
  c.decide(currency({ creditLimit: LIMIT, demurrage, offlineAllowance: ALLOWANCE, commonsCredit: 1000 }))
  c.add(ada, "core", "device.add", c.deviceAdd(ada, ada2))
  let base: Array<Event.Event> = c.heads()
  let day = 0
  for (const s of steps) {
    if (s.nextDay) {
      day += 1
      c.at(c.time + DAY)
      base = c.heads()
    }
    if (s.fund === 0) c.decide(Economy.fund("ab".repeat(32), 5)) // refused: no such group
    const payer = payers[s.payer]!
    const payee = members[s.payee]!
    if (s.race !== null) {
      c.act(ada, Economy.pay(bo.id, s.amount), { parents: base })
      c.act(ada2, Economy.pay(cy.id, s.race), { parents: base })
      continue
    }
    c.act(payer, Economy.pay(payee.id, s.amount), s.concurrent ? { parents: base } : {})
    if (!s.concurrent) base = c.heads()
  }
  return c
}

/** What a state holds in all: member balances, the commons and the budgets. */
const total = (s: Economy.State): number =>
  Object.values(s.accounts).reduce((a, x) => a + x.balance, 0) + s.commons + Object.values(s.budgets).reduce((a, b) => a + b.balance, 0)

const steps = fc.array(step, { minLength: 1, maxLength: 14 })

describe("economy properties", () => {
  it("the ledger of a mutual-credit currency sums to zero at every point, in every delivery order", () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 50_000 }), (list, demurrage) => {
        const c = history(list, demurrage)
        for (let k = 1; k <= c.events.length; k += 3) {
          const s = economy(c.replica(c.events.slice(0, k)))
          expect(total(s)).toBe(0)
          expect(s.totals.issued).toBe(0)
        }
        const forward = c.replica()
        const backward = c.replica([...c.events].reverse())
        expect(total(economy(forward))).toBe(0)
        expect(backward.stateHashHex()).toBe(forward.stateHashHex())
        // The entries say the same: each moves value from one account to another.
        const sum = new Map<string, number>()
        for (const e of Economy.Records.ledger(economy(forward))) {
          sum.set(e.from!, (sum.get(e.from!) ?? 0) - e.amount)
          sum.set(e.to!, (sum.get(e.to!) ?? 0) + e.amount)
        }
        expect([...sum.values()].reduce((a, b) => a + b, 0)).toBe(0)
      }),
      { numRuns: 20, seed: 18 }
    )
  })

  it("demurrage conserves value: what leaves balances arrives at the commons", () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 1, max: 100_000 }), (list, demurrage) => {
        const s = economy(history(list, demurrage).replica())
        const taken = Economy.Records.ledger(s).filter((e) => e.kind === "demurrage")
        const toCommons = taken.reduce((a, e) => a + e.amount, 0)
        expect(taken.every((e) => e.to === Economy.COMMONS && e.amount > 0)).toBe(true)
        expect(toCommons).toBe(s.totals.demurrage)
        const owed = s.overshoots.reduce((a, o) => a + o.amount, 0)
        expect(s.commons).toBe(s.totals.demurrage - owed)
      }),
      { numRuns: 20, seed: 19 }
    )
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e12 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (b, rate, d1, d2) => {
        const kept = Economy.Money.decay(b, rate, d1)
        if (b <= 0) expect(kept).toBe(b)
        else {
          expect(kept).toBeGreaterThanOrEqual(0)
          expect(kept).toBeLessThanOrEqual(b)
          // Exact: the largest integer not above b × (1 − rate)^days.
          const num = BigInt(b) * BigInt(1_000_000 - rate) ** BigInt(d1)
          const den = 1_000_000n ** BigInt(d1)
          expect(BigInt(kept) * den <= num && (BigInt(kept) + 1n) * den > num).toBe(true)
          // Charging more days never gives back.
          expect(Economy.Money.decay(kept, rate, d2)).toBeLessThanOrEqual(kept)
        }
      }),
      { numRuns: 200, seed: 20 }
    )
  })

  it("no account passes its limit except by a recorded overshoot, and overshoots stay within the day's allowance", () => {
    let seen = 0
    fc.assert(
      fc.property(steps, (list) => {
        const c = history(list, 0)
        for (const order of [c.events, [...c.events].reverse()]) {
          const s = economy(c.replica(order))
          for (const m of members) expect(s.accounts[m.id]?.balance ?? 0).toBeGreaterThanOrEqual(-LIMIT)
          // The commons carries exactly the overshoots, each owed by its payer.
          const byPayer = new Map<string, number>()
          for (const o of s.overshoots) byPayer.set(o.payer, (byPayer.get(o.payer) ?? 0) + o.amount)
          for (const [payer, amount] of byPayer) expect(s.accounts[payer]!.debt).toBe(amount)
          expect(s.commons).toBe(0 - [...byPayer.values()].reduce((a, b) => a + b, 0))
          // Per payer and day, overshoots stay within the allowance.
          const perDay = new Map<string, number>()
          for (const o of s.overshoots) perDay.set(`${o.payer}/${o.day}`, (perDay.get(`${o.payer}/${o.day}`) ?? 0) + o.amount)
          for (const v of perDay.values()) expect(v).toBeLessThanOrEqual(ALLOWANCE)
          // Only an author with two devices can overshoot.
          for (const o of s.overshoots) expect(o.payer).toBe(ada.id)
          seen += s.overshoots.length
        }
      }),
      { numRuns: 30, seed: 21 }
    )
    // The histories did put overshoots to the test.
    expect(seen).toBeGreaterThan(0)
  })
})
