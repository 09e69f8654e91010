import { describe, expect, it } from "vitest"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { ada, bo, currency, cy, DAY, dee, economy, T0, World } from "./support/world.ts"

const names: Record<string, string> = { [ada.id]: "Ada", [bo.id]: "Bo", [cy.id]: "Cy, the baker", [dee.id]: "Dee" }
const nameOf = (id: string) => names[id]

/** A small economy: payments, demurrage, a funded group with a paid expense, an inventory. */
const story = () => {
  const c = new World([ada, bo, cy, dee])
  c.decide(Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 2, policy: { creditLimit: 10_000, demurrage: 10_000, commonsCredit: 5_000 } }))
  c.act(ada, Economy.pay(bo.id, 2_500, "bread, \"sourdough\""))
  c.act(cy, Economy.pay(bo.id, 1_000, "eggs"))
  const g = c.decide([Governance.createGroup({ name: "Kitchen", purpose: "Meals", mandate: [], members: [ada.id, bo.id, cy.id] }), Economy.fund(undefined, 3_000, "first budget")])
  const e = c.act(ada, Economy.submitExpense(g.key, 1_200, "pots"))
  c.act(bo, Economy.approveExpense(e.key))
  c.act(cy, Economy.approveExpense(e.key))
  c.act(dee, Economy.submitExpense(g.key, 1, "x")) // refused: not in the group
  c.act(bo, Economy.payExpense(e.key))
  c.at(T0 + 5 * DAY)
  c.act(bo, Economy.pay(dee.id, 100, "tea"))
  c.act(ada, Economy.addResource({ name: "Bean seeds", unit: "g", quantity: 500 }))
  return { s: economy(c.replica()), group: g.key, expense: e.key }
}

describe("records", () => {
  it("a member's statement: every entry with the balance after it, demurrage to the commons included", () => {
    const { s } = story()
    const st = Economy.Records.statement(s, bo.id, { nameOf })
    expect(st.lines.map((l) => [l.entry.kind, l.change])).toEqual([
      ["pay", 2_500],
      ["pay", 1_000],
      ["demurrage", st.lines[2]!.change],
      ["pay", -100]
    ])
    expect(st.lines[2]!.change).toBeLessThan(0)
    expect(st.lines[st.lines.length - 1]!.balance).toBe(s.accounts[bo.id]!.balance)
    expect(st.balance).toBe(s.accounts[bo.id]!.balance)
  })

  it("exports the ledger as CSV, one row per entry, by name, that a spreadsheet reads back", () => {
    const { s } = story()
    const csv = Economy.Records.ledgerCsv(s, { nameOf, groupName: () => "Kitchen" })
    const rows = csv.trimEnd().split("\r\n")
    expect(rows).toHaveLength(1 + Economy.Records.ledger(s).length)
    expect(rows[0]).toBe("date,day,kind,from,to,amount,note,event")
    expect(rows[1]).toMatch(/^2023-11-1[45] \d\d:\d\d UTC,0,pay,Ada,Bo,25\.00,"bread, ""sourdough""",[0-9a-f]{64}$/)
    expect(csv).toContain(",fund,the commons,Kitchen,30.00,first budget,")
    expect(csv).toContain(',"Cy, the baker",Bo,10.00,eggs,')
    expect(csv).not.toMatch(/,[0-9a-f]{64},/) // no hex except the event column at the end
  })

  it("Markdown and JSON of the ledger, budgets, statements and the inventory", () => {
    const { s, group } = story()
    const md = Economy.Records.ledgerMarkdown(s, { nameOf })
    expect(md).toContain("# Ledger of Hours")
    expect(md).toContain("| Ada | Bo | 25.00 |")
    const budgets = Economy.Records.budgetsMarkdown(s, { nameOf, groupName: () => "Kitchen", membersOf: () => 3 })
    expect(budgets).toContain("## Kitchen")
    expect(budgets).toContain("Funded 30.00 h, spent 12.00 h, left 18.00 h.")
    expect(budgets).toContain("| pots | Ada | Ada | 12.00 | paid | Bo, Cy, the baker |")
    const budgetCsv = Economy.Records.budgetsCsv(s, { nameOf, groupName: () => "Kitchen" })
    expect(budgetCsv.split("\r\n")[1]).toContain("Kitchen,30.00,12.00,18.00,pots,Ada,Ada,12.00,paid,")
    expect(JSON.parse(Economy.Records.ledgerJson(s)).entries).toHaveLength(Economy.Records.ledger(s).length)
    const st = Economy.Records.statementMarkdown(s, bo.id, { nameOf })
    expect(st).toContain("# Statement of Bo")
    expect(st).toContain("| pay | Dee | -1.00 |")
    expect(Economy.Records.statementCsv(s, bo.id, { nameOf }).split("\r\n")[0]).toBe("date,day,kind,from,to,amount,note,event,change,balance")
    expect(Economy.Records.inventoryCsv(s, { nameOf }).split("\r\n")[1]).toMatch(/^Bean seeds,500,g,the community,Ada,Ada,no,[0-9a-f]{64}$/)
    expect(Economy.Records.inventoryMarkdown(s, { nameOf })).toContain("| Bean seeds | 500 g | the community | Ada | Ada |")
    expect(Economy.Records.groupStatement(s, group).lines.map((l) => l.change)).toEqual([3_000, -1_200])
  })

  it("a printable statement, with names and no hex", () => {
    const { s } = story()
    const page = Economy.Statement.html(s, bo.id, { nameOf, community: "Garden <club>" })
    expect(page.startsWith("<!doctype html>")).toBe(true)
    expect(page).toContain("<h1>Statement of Bo</h1>")
    expect(page).toContain("Garden &lt;club&gt;")
    expect(page).toContain("bread, &quot;sourdough&quot;")
    expect(page).not.toMatch(/[0-9a-f]{64}/)
  })

  it("a section of the community's binder, by name", () => {
    const { s } = story()
    const part = Governance.Binder.section(Economy.binderSection, s)
    const written = part({ name: (id) => nameOf(id) ?? "someone", date: (ms) => new Date(ms).toISOString().slice(0, 10), escape: Governance.Binder.escape })
    expect(written.title).toBe("Economy")
    expect(written.html).toContain("The currency is <strong>Hours</strong> (h)")
    expect(written.html).toContain("<td>Cy, the baker</td>")
    expect(written.html).toContain("pots: 12.00 h for Ada, asked by Ada, approved by Bo, Cy, the baker, paid by Bo")
    expect(written.html).not.toMatch(/[0-9a-f]{64}/)
    expect(written.verification).toMatch(/[0-9a-f]{64}/)
  })

  it("wallet, pay check, group budget and inventory screens", () => {
    const { s, group } = story()
    const w = Economy.Wallet.wallet(s, ada.id)
    expect(w).toMatchObject({ balance: -2_500 + 1_200, credit: 10_000, headroom: 10_000 - 1_300, warning: "ok", shown: "-13.00 h" })
    expect(Economy.Wallet.checkPay(s, ada.id, bo.id, 8_700)).toEqual({ ok: true, warning: "this takes you close to your credit limit" })
    expect(Economy.Wallet.checkPay(s, ada.id, bo.id, 8_701).ok).toBe(false)
    const b = Economy.Wallet.groupBudget(s, group, 3)
    expect(b).toMatchObject({ balance: 1_800, funded: 3_000, spent: 1_200 })
    expect(b.expenses[0]).toMatchObject({ status: "paid", needed: 2 })
    expect(Economy.Wallet.inventory(s).map((r) => r.name)).toEqual(["Bean seeds"])
    const c = Economy.Records.concentration(s)
    expect(c.holders).toBe(4)
    expect(Number(c.top10.num) / Number(c.top10.den)).toBeGreaterThan(0.5)
  })
})
