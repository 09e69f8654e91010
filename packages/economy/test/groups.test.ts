import { describe, expect, it } from "vitest"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { ada, bo, currency, cy, dee, economy, messageOf, tagOf, World } from "./support/world.ts"

/** A community of four with a currency whose commons may lend 500, and a kitchen group of Ada, Bo and Cy funded with 300 in one decision. */
const kitchen = () => {
  const c = new World([ada, bo, cy, dee])
  c.decide(currency({ commonsCredit: 500 }))
  const created = c.decide(
    [
      Governance.createGroup({ name: "Kitchen", purpose: "Cook for the Sunday meal", mandate: ["economy/group.pay"], members: [ada.id, bo.id, cy.id] }),
      Economy.fund(undefined, 300, "first budget")
    ],
    { title: "A kitchen group, and its budget" }
  )
  return { c, group: created.key, created }
}

describe("working groups funded by decision, and their expenses", () => {
  it("one decision creates a group and funds it: the budget is the group's (the decision's key names it)", () => {
    const { c, group, created } = kitchen()
    const r = c.replica()
    expect(tagOf(r, created)).toBe("Applied, group.create Applied, budget.fund Applied")
    const s = economy(r)
    expect(s.budgets[group]).toMatchObject({ balance: 300, funded: 300, spent: 0 })
    expect(s.commons).toBe(-300)
    // A later decision names the group; the commons can't lend past what the community allowed.
    const more = c.decide(Economy.fund(group, 100))
    const tooMuch = c.decide(Economy.fund(group, 200))
    const nowhere = c.decide(Economy.fund("ab".repeat(32), 1))
    const r2 = c.replica()
    expect([tagOf(r2, more), tagOf(r2, tooMuch), tagOf(r2, nowhere)]).toEqual([
      "Applied, budget.fund Applied",
      "Applied, budget.fund CommonsShort",
      "Applied, budget.fund UnknownGroup"
    ])
  })

  it("an expense is submitted, approved by two others in a group of three, then paid; never by its submitter; never past the budget", () => {
    const { c, group } = kitchen()
    const submit = c.act(ada, Economy.submitExpense(group, 120, "pots and pans"))
    const outsider = c.act(dee, Economy.submitExpense(group, 10, "a knife"))
    const own = c.act(ada, Economy.approveExpense(submit.key))
    const early = c.act(bo, Economy.payExpense(submit.key))
    const one = c.act(bo, Economy.approveExpense(submit.key))
    const twice = c.act(bo, Economy.approveExpense(submit.key))
    const stillEarly = c.act(cy, Economy.payExpense(submit.key))
    const two = c.act(cy, Economy.approveExpense(submit.key))
    const ownPay = c.act(ada, Economy.payExpense(submit.key))
    const paid = c.act(bo, Economy.payExpense(submit.key))
    const again = c.act(cy, Economy.payExpense(submit.key))
    const big = c.act(bo, Economy.submitExpense(group, 181, "a new stove"))
    const r = c.replica()
    expect(
      [submit, outsider, own, early, one, twice, stillEarly, two, ownPay, paid, again, big].map((e) => tagOf(r, e))
    ).toEqual(["Applied", "NotInGroup", "OwnExpense", "NeedsApproval", "Applied", "AlreadyApproved", "NeedsApproval", "Applied", "OwnExpense", "Applied", "AlreadyPaid", "OverBudget"])
    expect(messageOf(r, stillEarly)).toContain("1 of the 2 approvals")
    const s = economy(r)
    expect(s.budgets[group]).toMatchObject({ balance: 180, spent: 120 })
    expect(Economy.Records.statement(s, ada.id).balance).toBe(120)
    expect(s.expenses[submit.key]!.paid).toMatchObject({ by: bo.id })
  })

  it("two concurrent expenses cannot overspend the budget: the second to be paid finds it short", () => {
    const { c, group } = kitchen()
    const e1 = c.act(ada, Economy.submitExpense(group, 200, "oven"))
    const e2 = c.act(bo, Economy.submitExpense(group, 200, "fridge"))
    for (const [x, by] of [[e1, [bo, cy]], [e2, [ada, cy]]] as const) for (const k of by) c.act(k, Economy.approveExpense(x.key))
    const base = c.heads()
    const p1 = c.act(cy, Economy.payExpense(e1.key), { parents: base })
    const p2 = c.act(ada, Economy.payExpense(e2.key), { parents: base })
    const r = c.replica()
    expect([tagOf(r, p1), tagOf(r, p2)].sort()).toEqual(["Applied", "OverBudget"])
    expect(economy(r).budgets[group]!.balance).toBe(100)
  })

  it("a working group pays from its budget by its own decision, within its mandate", () => {
    const { c, group } = kitchen()
    const byGroup = c.decide(Economy.groupPay(dee.id, 50, "for the vegetables"), { scope: { group }, voters: [ada, bo, cy] })
    const byCommunity = c.decide(Economy.groupPay(dee.id, 50))
    const r = c.replica()
    expect(tagOf(r, byGroup)).toBe("Applied, group.pay Applied")
    expect(tagOf(r, byCommunity)).toBe("Applied, group.pay NotAGroup")
    const s = economy(r)
    expect(s.budgets[group]!.balance).toBe(250)
    expect(Economy.Records.statement(s, dee.id).balance).toBe(50)
    expect(Economy.Records.groupStatement(s, group).lines.map((l) => l.change)).toEqual([300, -50])
  })
})
