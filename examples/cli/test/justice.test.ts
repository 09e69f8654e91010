import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Justice from "@affinity/justice"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type JusticeResult, runJustice } from "../src/justice.ts"

describe("the justice demo", () => {
  let directory = ""
  let result: JusticeResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-justice-test-"))
    result = await runJustice(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  const id = (name: string) => Object.keys(result.names).find((k) => result.names[k] === name)!

  it("a grievance's words are sealed to the people in the case: a party reads them, an outsider cannot", () => {
    expect(result.partyRead).toBe(true)
    expect(result.outsiderRead).toBe(false)
    expect(result.readers).toEqual(expect.arrayContaining(["Bo", "Cy"]))
    expect(result.readers).not.toContain("Ada")
  })

  it("the repair circle agreed actions with owners and due dates, all done: the case ended repaired", () => {
    const c = result.state.cases[result.grievance]!
    expect(c.status).toBe("repaired")
    expect(c.repair!.facilitators).toEqual([id("Dee")])
    expect(c.repair!.agreement!.actions.map((a) => a.owner)).toEqual([id("Bo"), id("Cy")])
    expect(c.repair!.agreement!.checks.every((x) => x?.done === true)).toBe(true)
  })

  it("the ladder: a correction first, then a warning that stops one act, not others, and expires", () => {
    expect(result.state.ladder[id("Bo")]!.map((s) => s.rung)).toEqual(["correction", "warning"])
    expect(result.blockWhileWarned).toBe("Restricted")
    expect(result.agreeWhileWarned).toBe("Applied")
    expect(result.blockAfterExpiry).toBe("Applied")
    const r = result.state.restrictions[result.warning]!
    expect(r.scope).toEqual({ module: "governance", types: ["stance"], where: { stance: "block" } })
    expect(Justice.expiry(r) - r.at).toBeLessThanOrEqual(result.state.params.maxDays * Justice.DAY)
  })

  it("the appeal was heard by a panel that shares no one with those who decided, nor with the parties", () => {
    expect(result.panel.length).toBeGreaterThan(0)
    for (const m of result.panel) {
      expect(result.deciders).not.toContain(m)
      expect([id("Bo"), id("Eli")]).not.toContain(m)
    }
    expect(Object.values(result.state.appeals)[0]!.decided?.verdict).toBe("uphold")
  })

  it("refusals taught along the way, and no key is printed", () => {
    expect(result.refusals.map((r) => r.reason)).toEqual(
      expect.arrayContaining(["NotInTheCase", "FacilitatorIsAParty", "NotAHandler", "AffectedSpeaksFirst", "Restricted", "AlreadyAppealed"])
    )
    expect(lines.join("\n")).toContain("justice/case.decide failed: NotTheReviewsChoice")
    expect(lines.join("\n")).toContain("justice/case.decide failed: ExpiryTooLong")
    expect(lines.join("\n")).not.toMatch(/[0-9a-f]{64}/)
    expect(result.markdown).toContain("### Bo: warning (expired)")
  })
})
