import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ExpressionResult, runExpression, verifySite } from "../src/expression.ts"

describe("the expression demo", () => {
  let directory = ""
  let result: ExpressionResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-expression-test-"))
    result = await runExpression(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("a removed member reads what came before, not what followed; a relay reads nothing and folds the same state", () => {
    expect(result.epochs).toBe(2)
    expect(result.adaReads.every((t) => t !== null)).toBe(true)
    expect(result.cyReads.slice(0, 2).every((t) => t !== null)).toBe(true)
    expect(result.cyReads[2]).toBeNull()
    expect(result.relayReads).toEqual([null, null, null])
    expect(result.relaySameState).toBe(true)
  })

  it("verifies the public page from its files, and catches a changed file", async () => {
    expect(result.site.verified).toBe(true)
    expect(result.site.tampered).toBe(true)
    expect(result.site.problems).toEqual(["contact.txt is not the file the manifest names: it was changed"])
    expect((await verifySite(result.site.directory)).ok).toBe(false)
  })

  it("escalates the alert, runs the drill and prints the phone tree on one page with names", async () => {
    expect(result.escalated).toBe(true)
    expect([...result.drill.tree].sort()).toEqual(["Ada", "Bo", "Cy", "Dee"])
    expect(result.drill.tree[0]).toBe("Ada")
    expect(result.drill.confirmed).toEqual(["Bo", "Cy"])
    const page = await readFile(join(directory, "phone-tree.html"), "utf8")
    expect(page).toBe(result.treePage)
    expect(page).toContain("<b>Ada</b> calls ")
    expect(page).not.toMatch(/[0-9a-f]{64}/)
  })

  it("tells each refusal with its reason, and prints no hex to people", () => {
    expect(result.refusals.map((r) => r.reason)).toEqual(["NotYourMessage", "NeedsDecision", "AnnouncementsOnly", "NotAChannelMember", "OwnAlert"])
    for (const l of lines.slice(1)) expect(l).not.toMatch(/[0-9a-f]{64}/)
    expect(result.markdown).toContain("## Care circle")
  })
})
