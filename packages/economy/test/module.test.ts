import { describe, expect, it } from "vitest"
import { coreScenario, lawSetup, moduleLaws, type ModuleLawsOptions, testKey } from "@affinity/core/testing"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { bans, impose } from "./support/bans.ts"
import { currency, DAY, decide, T0 } from "./support/world.ts"

const phone = testKey(12, "Ada's phone")

// A currency by decision with demurrage and an offline allowance; payments, a request, a
// double spend from two devices, refusals of several kinds, a group created and funded in one
// decision with an expense approved by two others, a resource handed on, days passing.
const economy: ModuleLawsOptions = {
  modules: [Governance.module],
  scenario: (c, [ada, bo, cy]) => {
    decide(c, currency({ creditLimit: 50, demurrage: 20_000, offlineAllowance: 30, commonsCredit: 100 }))
    c.add(ada!, "core", "device.add", c.deviceAdd(ada!, phone))
    const base = c.heads()
    c.send(ada!, Economy.pay(bo!.id, 40, "laptop branch"), { parents: base })
    c.send(phone, Economy.pay(cy!.id, 30, "phone branch"), { parents: base })
    c.send(bo!, Economy.pay(cy!.id, 200)) // refused: past the limit
    const ask = c.send(cy!, Economy.request(bo!.id, 10, "eggs"))
    c.send(bo!, Economy.accept(ask.key))
    c.send(ada!, Economy.pay(bo!.id, 1)) // refused: frozen
    c.witness(T0 + 3 * DAY)
    c.send(bo!, Economy.pay(ada!.id, 5))
    const group = decide(c, [
      Governance.createGroup({ name: "Bakery", purpose: "Bread on Saturdays", mandate: ["economy/group.pay"], members: [ada!.id, bo!.id, cy!.id] }),
      Economy.fund(undefined, 60, "flour")
    ])
    const expense = c.send(bo!, Economy.submitExpense(group.key, 20, "flour"))
    c.send(bo!, Economy.approveExpense(expense.key)) // refused: own expense
    c.send(ada!, Economy.approveExpense(expense.key))
    c.send(cy!, Economy.payExpense(expense.key)) // refused: one approval of two
    c.send(cy!, Economy.approveExpense(expense.key))
    c.send(cy!, Economy.payExpense(expense.key))
    const oven = c.send(cy!, Economy.addResource({ name: "Oven", unit: "piece", quantity: 1 }))
    c.send(cy!, Economy.handOver(oven.key, ada!.id))
    c.send(bo!, Economy.consume(oven.key, 1)) // refused: not a steward
    return { queries: { overshoots: [{}, { identity: ada!.id }, { identity: "x" }], balance: [{ identity: ada!.id }, { identity: cy!.id }], concentration: [{}] } }
  }
}

describe("economy module", () => {
  it("has its name and an initial state in the canonical model", () => {
    expect(Economy.module.name).toBe("economy")
    const state = Economy.module.init({ community: "00", name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
    expect(state).toMatchObject({ version: 1, currency: null, commons: 0 })
  })

  moduleLaws(Economy.module, { scenario: coreScenario })
  moduleLaws(Economy.module, economy)

  it("the scenario holds what it says: a double spend caught, refusals, an expense paid", () => {
    const setup = lawSetup(Economy.module, economy)
    const tags = setup.events
      .filter((e) => e.header.module === "economy")
      .map((e) => {
        const o = setup.reference.outcome(e.key)!
        return `${e.header.type} ${o._tag === "Applied" ? "Applied" : o.reason._tag}`
      })
    expect(tags).toEqual([
      "pay Applied",
      "pay Applied",
      "pay OverLimit",
      "request Applied",
      "request.accept Applied",
      "pay Frozen",
      "pay Applied",
      "expense.submit Applied",
      "expense.approve OwnExpense",
      "expense.approve Applied",
      "expense.pay NeedsApproval",
      "expense.approve Applied",
      "expense.pay Applied",
      "resource.add Applied",
      "resource.custody Applied",
      "resource.consume NotSteward"
    ])
    const s = setup.reference.state<Economy.State>(Economy.module)
    expect(s.overshoots).toHaveLength(1)
    expect(Object.values(s.accounts).reduce((a, x) => a + x.balance, 0) + s.commons + Object.values(s.budgets).reduce((a, b) => a + b.balance, 0)).toBe(0)
  })

  // Standing honoured: a restriction on economy/pay stops a member's payments, in every order.
  moduleLaws(Economy.module, {
    modules: [Governance.module, bans],
    scenario: (c, [ada, bo]) => {
      decide(c, currency())
      const before = c.heads()
      decide(c, impose(ada!.id, "economy", ["pay"]))
      c.send(ada!, Economy.pay(bo!.id, 5), { parents: before })
      c.send(ada!, Economy.pay(bo!.id, 5))
      c.send(bo!, Economy.pay(ada!.id, 5))
    }
  })
})
