import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DefenseResult, runDefense } from "../src/defense.ts"

describe("the defense demo", () => {
  let directory = ""
  let result: DefenseResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-defense-test-"))
    result = await runDefense(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("refuses the restricted outsider with the reason, and anyone restricting alone", () => {
    const mallory = result.refusals.find((r) => r.what === "Mallory applies to join")!
    expect(mallory.reason).toBe("Restricted")
    expect(mallory.message).toContain("sent threats to three members")
    expect(result.refusals.find((r) => r.what === "Bo tries to restrict a key on his own")?.reason).toBe("NeedsDecision")
  })

  it("applies an allied entry only once both lists agree", () => {
    expect(result.imports).toEqual(["advisory", "applied"])
    const zed = result.refusals.find((r) => r.what === "Zed applies to join")!
    expect(zed.reason).toBe("Restricted")
    expect(zed.message).toContain("allied communities' lists (2 of them agree)")
  })

  it("the emergency mandate works while it runs, not before nor after, and was reviewed", () => {
    const group = result.refusals.filter((r) => r.reason === "NoEmergencyMandate").map((r) => r.what)
    expect(group).toEqual(['Night watch decides "Block the spam relay"', 'Night watch decides "Block another relay"'])
    const [mandate] = Object.values(result.state.mandates)
    expect(mandate!.review).not.toBeNull()
    expect(Object.values(result.state.restrictions).filter((r) => r.mandate === mandate!.id)).toHaveLength(1)
  })

  it("two members froze admissions, for 72 hours", () => {
    const [freeze] = Object.values(result.state.freezes)
    expect(freeze!.callers).toHaveLength(2)
    expect(freeze!.until - freeze!.at).toBe(72 * 3_600_000)
    expect(result.refusals.find((r) => r.what === "Another bot's key applies")?.reason).toBe("Restricted")
    expect(result.refusals.some((r) => r.what === "Three days later, a newcomer applies")).toBe(false)
  })

  it("the lost phone is revoked and the safety numbers match", () => {
    expect(result.refusals.find((r) => r.what === "Whoever found the phone tries to use it")?.reason).toBe("DeviceRevoked")
    expect(result.safety.ada).toMatch(/^\d{60}$/)
    expect(result.safety.cy).toBe(result.safety.ada)
  })

  it("prints the records by name, without hex", () => {
    expect(result.markdown).toContain("**key Mallory**")
    expect(result.markdown).toContain("**the working group Night watch** may freeze, restrict")
    expect(result.markdown).toContain("| Lakeside | key Zed | added: applies here")
    expect(result.markdown).not.toMatch(/[0-9a-f]{64}/)
    expect(result.html).not.toMatch(/[0-9a-f]{64}/)
    expect(lines.join("\n")).toContain("Why two?")
  })
})
