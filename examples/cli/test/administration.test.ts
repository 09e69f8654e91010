import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Administration from "@affinity/administration"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AdministrationResult, runAdministration } from "../src/administration.ts"

describe("the administration demo", () => {
  let directory = ""
  let result: AdministrationResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-administration-test-"))
    result = await runAdministration(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("Cy is vouched for by two holders past probation, and the group that requires it lets her in", () => {
    const past = Administration.Records.now(result.state, result.now)
    expect(Administration.Records.holders(result.state, "workshop", past)).toContain(result.people["Cy"])
    expect(result.workshop.cyIsMember).toBe(true)
    expect(result.refusals.map((r) => r.reason).slice(0, 2)).toEqual(["NotQualified", "InProbation"])
  })

  it("draws two cooks by lot from the three who opted in", () => {
    const lot = result.state.lots[0]!
    expect(lot.ranked).toHaveLength(3)
    expect(lot.drawn).toEqual(lot.ranked.slice(0, 2))
  })

  it("refuses a third role by every door, keeps personal property out of decisions, and records the loan", () => {
    expect(result.refusals.filter((r) => r.reason === "RoleCap")).toHaveLength(2)
    expect(result.refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(["Personal", "Overlap"]))
    const loan = result.state.bookings.find((b) => b.kind === "loan")!
    expect(loan.member).toBe(result.people["Cy"])
    expect(loan.ended).not.toBeNull()
  })

  it("tells its story by name, with no hex, and teaches why", () => {
    const text = lines.join("\n")
    expect(text).not.toMatch(/[0-9a-f]{12}/)
    expect(text).toMatch(/expires/)
    expect(text).toMatch(/anyone can check it/)
    expect(text).toMatch(/full-time job/)
    expect(result.markdown).toContain("| Cy | Can open the workshop |")
  })
})
