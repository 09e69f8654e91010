import { describe, expect, it } from "vitest"
import * as Justice from "@affinity/justice"
import { ada, bo, byId, cy, DAY, dee, eli, fay, gus, HOUR, people, World } from "./support/world.ts"

const name = (id: string): string => (id.startsWith("group/") ? "Kitchen" : byId(id).name)
const hexOf = /[0-9a-f]{64}/

/** Bo corrected, then warned off opening proposals for two days; a repair case between Cy and Dee. */
const history = (founders = people) => {
  const w = new World(founders)
  const first = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
  for (const k of [ada, cy, dee, eli]) w.send(k, Justice.vote(first.key, "correction"))
  w.decide([Justice.decide({ case: first.key, option: "correction", reason: "spoke over others" })])
  const second = w.send(cy, Justice.file({ about: { member: bo.id }, weight: "community" }))
  for (const k of [cy, ada, dee, eli]) w.send(k, Justice.vote(second.key, "warning"))
  const until = w.now() + HOUR + 2 * DAY + HOUR / 2
  const warning = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no contact with Cy", scope: { module: "expression", where: { to: cy.id } }, until })])
  const repair = w.send(cy, Justice.file({ about: { member: dee.id }, weight: "prime" }))
  w.send(cy, Justice.consent(repair.key, [eli.id]))
  w.send(dee, Justice.consent(repair.key, [eli.id]))
  return { w, first, second, warning, repair, until }
}

describe("records", () => {
  it("show a member their cases, with who can read each and where it stands", () => {
    const { w, repair, second } = history()
    const s = w.justice()
    const mine = Justice.Records.casesOf(s, cy.id, name)
    // Cy filed two cases; the first case (Ada's about Bo) is not Cy's to read.
    expect(mine.map((c) => [c.about, c.roles, c.readers, c.stage])).toEqual([
      ["Dee", ["filer"], ["Cy", "Dee", "Eli"], "repair: pre-circle"],
      ["Bo", ["filer"], ["Bo", "Cy"], "decided: warning"]
    ])
    expect(Justice.Records.casesOf(s, eli.id, name).map((c) => c.roles)).toEqual([["facilitator"]])
    expect(Justice.Records.whoCanRead(s, repair.key, name)).toEqual(["Cy", "Dee", "Eli"])
    expect(Justice.Records.whoCanRead(s, second.key, name)).toEqual(["Bo", "Cy"])
  })

  it("the public record shows a restriction's scope, expiry and deciding body, by name, and no contents", () => {
    const { w, warning, until } = history()
    const s = w.justice()
    const now = w.now()
    const inForce = Justice.Records.inForce(s, now)
    expect(inForce.map((r) => r.key)).toEqual([warning.key])
    const record = Justice.Records.restrictionRecord(s, inForce[0]!, name, now)
    expect(record).toMatchObject({
      subject: "Bo",
      rung: "warning",
      scope: "every act of expression where to is Cy",
      until: Justice.Records.when(until),
      decidedBy: "a community decision",
      reason: "no contact with Cy",
      status: "in force",
      appeal: "none"
    })
    expect(Justice.Records.restrictionRecord(s, inForce[0]!, name, until).status).toBe("expired")
    const csv = Justice.Records.restrictionsCsv(s, name, now)
    expect(csv.split("\r\n")[1]).toContain("Bo,warning,every act of expression where to is Cy")
    const md = Justice.Records.toMarkdown(s, name, now, "Garden")
    expect(md).toContain("### Bo: warning (in force)")
    expect(md).toContain("- Stops: every act of expression where to is Cy")
    expect(md).toContain("### A grievance about Dee, filed")
    const html = Justice.Page.render(s, name, now, "Garden <&>")
    expect(html).toContain("<title>Garden &lt;&amp;&gt;: justice record</title>")
    expect(html).toContain("<td>every act of expression where to is Cy</td>")
    // People read names, never keys.
    for (const text of [md, html]) expect(text.replace(/<[^>]*>/g, "")).not.toMatch(hexOf)
    const json = JSON.parse(Justice.Records.toJson(s, name, now)) as { restrictions: Array<{ subjectId: string; decision: string }>; cases: Array<{ parties: Array<string> }> }
    expect(json.restrictions[0]!.subjectId).toBe(bo.id)
    expect(json.cases.map((c) => c.parties)).toEqual([["Ada", "Bo"].sort(), ["Bo", "Cy"], ["Cy", "Dee"]])
  })

  it("a page shows the appeals a member is in", () => {
    const { w, warning } = history([...people, fay, gus])
    const appeal = w.send(bo, Justice.appeal(warning.key))
    const s = w.justice()
    const a = s.appeals[appeal.key]!
    expect(a.panel.map(name).sort()).toEqual(["Fay", "Gus"])
    expect(Justice.Records.appealsOf(s, bo.id).map((x) => x.key)).toEqual([appeal.key])
    for (const m of a.panel) expect(Justice.Records.appealsOf(s, m).map((x) => x.key)).toEqual([appeal.key])
    expect(Justice.Records.appealLine(s, a, name)).toContain("Bo appealed the restriction on every act of expression where to is Cy")
    expect(Justice.Records.restrictionRecord(s, s.restrictions[warning.key]!, name, w.now()).appeal).toMatch(/^heard by /)
  })

  it("a case's timeline shows its public steps in order, in words", () => {
    const w = new World()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    w.send(bo, Justice.speak(filed.key))
    for (const k of [ada, bo]) w.send(k, Justice.consent(filed.key, [cy.id]))
    for (const k of [ada, bo]) w.send(cy, Justice.met(filed.key, k.id))
    const due = w.now() + DAY
    const agreement = w.send(cy, Justice.agree(filed.key, [{ owner: bo.id, due }]))
    for (const k of [ada, bo]) w.send(k, Justice.accept(filed.key, agreement.key))
    w.send(cy, Justice.check(filed.key, 0, true))
    const steps = Justice.Records.timeline(w.justice(), filed.key, name)
    expect(steps.map((s) => s.what)).toEqual([
      "Ada filed a grievance about Bo",
      "Bo spoke",
      `Cy recorded the circle's 1 agreed action, due ${Justice.Records.when(due).slice(0, 10)}`,
      "action 1 (Bo) was done",
      "the case ended repaired"
    ])
    for (const s of steps) expect(s.what).not.toMatch(hexOf)
  })

  it("the sealing context names the case", () => {
    expect(new TextDecoder().decode(Justice.Records.sealContext())).toBe("justice/case/v1")
    expect(Justice.Records.sealContext("ab".repeat(32)).length).toBe("justice/case/v1".length + 1 + 32)
  })
})
