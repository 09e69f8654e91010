import { describe, expect, it } from "vitest"
import * as Economy from "@affinity/economy"
import { ada, balanceOf, bo, currency, cy, DAY, economy, T0, tagOf, World } from "./support/world.ts"

const exact = (balance: number, ppm: number, days: number): number =>
  Number((BigInt(balance) * BigInt(1_000_000 - ppm) ** BigInt(days)) / 1_000_000n ** BigInt(days))

describe("demurrage", () => {
  it("positive balances lose a share per community day, computed when touched, exactly, and it arrives at the commons", () => {
    const c = new World()
    c.decide(currency({ creditLimit: 5000, demurrage: 10_000 }))
    c.act(bo, Economy.pay(ada.id, 1000))
    const day0 = Economy.dayOf(economy(c.replica()), c.time)
    c.at(T0 + 10 * DAY + 5)
    // Nothing happened for ten days: the statement shows what is owed, the state has not moved.
    const quiet = economy(c.replica())
    expect(quiet.accounts[ada.id]!.balance).toBe(1000)
    const kept = exact(1000, 10_000, 10 - day0)
    expect(Economy.Records.statement(quiet, ada.id, { day: 10 }).balance).toBe(kept)
    expect(Economy.Records.statement(quiet, ada.id, { day: 10 }).pendingDemurrage).toBe(1000 - kept)
    // Ada pays: her account settles first; what demurrage took arrives at the commons.
    const p = c.act(ada, Economy.pay(cy.id, 10))
    const r = c.replica()
    expect(tagOf(r, p)).toBe("Applied")
    const s = economy(r)
    expect(s.accounts[ada.id]!.balance).toBe(kept - 10)
    expect(s.commons).toBe(1000 - kept)
    expect(s.totals.demurrage).toBe(1000 - kept)
    // Negative balances pay none; the ledger still sums to zero.
    expect(balanceOf(s, bo)).toBe(-1000)
    expect(Object.values(s.accounts).reduce((a, x) => a + x.balance, 0) + s.commons).toBe(0)
    const entries = Economy.Records.ledger(s)
    expect(entries.find((e) => e.kind === "demurrage")).toMatchObject({ from: ada.id, to: Economy.COMMONS, amount: 1000 - kept })
  })

  it("a rate change governs from the day after the decision, never before", () => {
    const c = new World()
    c.decide(currency({ creditLimit: 200_000, demurrage: 10_000 }))
    c.act(bo, Economy.pay(ada.id, 100_000))
    const start = Economy.dayOf(economy(c.replica()), c.time)
    c.at(T0 + 3 * DAY + 5)
    const change = c.decide(Economy.setPolicy({ demurrage: 20_000 }))
    const changeDay = Economy.dayOf(economy(c.replica()), c.time)
    c.at(T0 + 8 * DAY + 5)
    c.act(ada, Economy.pay(cy.id, 1))
    const r = c.replica()
    expect(tagOf(r, change)).toBe("Applied, policy.set Applied")
    const expected = exact(exact(100_000, 10_000, changeDay + 1 - start), 20_000, 8 - (changeDay + 1))
    expect(economy(r).accounts[ada.id]!.balance).toBe(expected - 1)
  })

  it("shows members the equilibrium balance where issuance and demurrage meet", () => {
    const c = new World()
    c.decide(currency({ mutualCredit: false, issuance: 24, demurrage: 1_987 }))
    const s = economy(c.replica())
    expect(Economy.Money.equilibrium(s.policies[0]!)).toBe(Math.floor((24 * 1_000_000) / 1_987))
    expect(Economy.Wallet.wallet(s, ada.id).equilibrium).toBe(12_078)
  })

  it("concentration: the top 10 % share and the Gini coefficient, exactly", () => {
    const g = Economy.Money.gini([10, 20, 30, 40])
    expect(g.toString()).toBe("1/4")
    expect(Economy.Money.topShare([5, 5, 5, 5, 5, 5, 5, 5, 5, 55]).toString()).toBe("11/20")
    expect(Economy.Money.gini([7, 7, 7]).toString()).toBe("0/1")
    expect(Economy.Money.topShare([]).percent()).toBe("0.0")
    expect(Economy.Money.gini([0, 0, 0, 100]).percent(0)).toBe("75")
  })
})
