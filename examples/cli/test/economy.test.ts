import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Economy from "@affinity/economy"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type EconomyResult, runEconomy } from "../src/economy.ts"

describe("the economy demo", () => {
  let directory = ""
  let result: EconomyResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-economy-test-"))
    result = await runEconomy(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("creates the currency by decision only, and refuses what breaks a rule", () => {
    expect(result.state.currency).toMatchObject({ name: "Hours", symbol: "h", decimals: 2 })
    expect(result.refusals.map((r) => r.reason)).toEqual(["NeedsDecision", "NotAsked", "OverLimit", "OwnExpense", "NeedsApproval", "Frozen"])
  })

  it("demurrage went to the commons, and the ledger sums to zero", () => {
    const s = result.state
    expect(result.demurrage).toBeGreaterThan(0)
    expect(Economy.Records.ledger(s).filter((e) => e.kind === "demurrage").reduce((a, e) => a + e.amount, 0)).toBe(s.totals.demurrage)
    const sum = Object.values(s.accounts).reduce((a, x) => a + x.balance, 0) + s.commons + Object.values(s.budgets).reduce((a, b) => a + b.balance, 0)
    expect(sum).toBe(0)
  })

  it("funded a working group in one decision and paid an expense approved by two others", () => {
    const s = result.state
    expect(s.budgets[result.group]).toMatchObject({ funded: 3_000, spent: 1_200, balance: 1_800 })
    const e = s.expenses[result.expense]!
    expect(e.by).toBe(result.people.Ada)
    expect(e.approvals.map((a) => a.member).sort()).toEqual([result.people.Bo, result.people.Cy].sort())
    expect(e.paid?.by).toBe(result.people.Bo)
  })

  it("caught the double spend from two devices, froze the account, and saw it repaid", () => {
    const s = result.state
    expect(s.overshoots).toHaveLength(1)
    expect(s.overshoots[0]!.payer).toBe(result.people.Ada)
    expect(s.accounts[result.people.Ada!]).toMatchObject({ debt: 0, frozen: null })
    expect(result.hashes[0]).toBe(result.hashes[1])
  })

  it("tells the story in plain words, by name, without hex", () => {
    const text = lines.join("\n")
    expect(text).toContain("The community decides to create Hours")
    expect(text).toContain("the commons takes it on")
    expect(text).toContain("# Statement of Ada")
    expect(text).not.toMatch(/[0-9a-f]{16}/)
    expect(result.csv.split("\r\n")[0]).toBe("date,day,kind,from,to,amount,note,event")
  })
})
