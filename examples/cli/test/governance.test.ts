import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Names } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type GovernanceResult, runGovernance } from "../src/governance.ts"

describe("the governance demo", () => {
  let directory = ""
  let result: GovernanceResult
  const lines: Array<string> = []

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "affinity-governance-test-"))
    result = await runGovernance(directory, (l) => lines.push(l))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it("admits the newcomers by decision, and they are full members", () => {
    expect(result.newcomers).toHaveLength(3)
    for (const id of result.newcomers) expect(result.statuses[id]).toBe("full")
    expect(result.admissions).toHaveLength(3)
    for (const id of result.admissions) {
      const d = result.state.proposals[id]!.decision!
      expect(d).toMatchObject({ outcome: "passed", rule: "ConsensusReached", action: { module: "core", type: "member.admit" } })
      expect(d.actionEvent).toBe(d.key)
    }
    // Nobody got in by acting alone.
    expect(result.refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(["NotAFullMember", "NeedsDecision", "DeadlineNotReached"]))
  })

  it("the block stopped the first version; the amended one passed and its action applied", () => {
    const p = result.state.proposals[result.amended]!
    expect(p.versions).toHaveLength(2)
    const block = p.stances.find((s) => s.stance === "block")!
    expect(block.version).toBe(0)
    expect(block.reason).toMatch(/whole community/)
    // The block was on the first version's action, a group allowed to admit members.
    expect(p.versions[0]!.action).toMatchObject({ module: "governance", type: "group.create", body: { mandate: ["core/member.admit"] } })
    const d = p.decision!
    expect(d).toMatchObject({ outcome: "passed", rule: "ConsensusReached", version: 1 })
    expect(d.stances.every((s) => s.version === 1 && s.stance !== "block")).toBe(true)
    expect(d.stances.find((s) => s.member === block.member)?.stance).toBe("agree")
    expect(result.actionApplied).toBe(true)
    const group = result.state.groups[result.group!]!
    expect(group.name).toBe("Repair Café")
    expect(group.mandate).toEqual([])
    expect(group.members).toEqual([...result.newcomers.slice(0, 2)].sort())
    expect(result.refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(["InvalidBody", "NotProposer"]))
  })

  it("draws two terms, and nobody serves two terms in a row in the same group", () => {
    const terms = Governance.Records.terms(result.state).map((t) => t.term)
    expect(terms).toEqual([0, 1, 2])
    const members = Object.keys(result.statuses)
    for (const g of Governance.PRIME_GROUPS) {
      expect(Governance.Records.seats(result.state, 0, g)).toEqual([])
      const first = Governance.Records.seats(result.state, 1, g)
      const second = Governance.Records.seats(result.state, 2, g)
      expect(first).toHaveLength(2)
      expect(second).toHaveLength(2)
      expect(second.some((m) => first.includes(m))).toBe(false)
      for (const t of [1, 2]) {
        const e = Governance.explainDraw(result.state, t, g, { members })!
        expect(e.seedVerified && e.rankingVerified).toBe(true)
      }
    }
    // The late reveal was refused, and the draw of term 2 names its member as withheld.
    expect(result.refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(["TermNotStarted", "RevealTooLate"]))
    expect(result.state.terms["2"]!.withheld).toHaveLength(1)
    expect(lines.join("\n")).toContain("Nobody sits in the same group two terms in a row")
  })

  it("shows everyone by the name they published, and prints no hex", () => {
    expect(Object.values(result.names).sort()).toEqual(["Ada", "Bo", "Cy", "Dee", "Eli", "Fay"])
    const text = lines.join("\n")
    // Newcomers show as their labels until they publish a name.
    for (const id of result.newcomers) expect(text).toContain(`${Names.label(id)} applies to join`)
    expect(text).toContain("now they are Dee, Eli and Fay")
    expect(text).toContain("Eli tries to amend Dee's proposal")
    expect(text).toMatch(/rejected: NotProposer — only the proposer \(Dee\) can amend/)
    expect(text).not.toMatch(/[0-9a-f]{12,}/)
    // The Markdown itself is a machine export: it keeps event ids and names people.
    expect(result.markdown).toMatch(/by event `[0-9a-f]{64}`/)
    expect(result.markdown).toContain("| Cy | abstain | I have not met Fay yet |")
  })

  it("prints the decision record as Markdown", () => {
    expect(result.markdown.startsWith("# Decisions")).toBe(true)
    for (const title of ["Admit Dee", "Admit Eli", "Admit Fay", "Start a Repair Café working group"])
      expect(result.markdown).toContain(`## ${title}`)
    expect(result.markdown).toContain("Text version 1 (amended 1 time)")
    expect(result.markdown).toContain("Action: governance/group.create: applied")
    expect(result.markdown).toContain("Action: core/member.admit: applied")
    expect(lines.join("\n")).toContain("   # Decisions")
  })
})
