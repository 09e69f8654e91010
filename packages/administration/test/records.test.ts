import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, bo, cy, DAY, decide, stateOf, world } from "./support/world.ts"

const names = (id: string) => ({ [ada.id]: "Ada", [bo.id]: "Bo", [cy.id]: "Cy <the cook>" })[id] ?? "someone"

const scene = () => {
  const c = world()
  const kitchen = decide(c, [Governance.createGroup({ name: "Kitchen", purpose: "cook", mandate: ["administration/assign"], members: [] })])
  decide(c, [
    Administration.define({ id: "first-aid", name: "First aid", criteria: "A course, with a certificate", grantedBy: "decision", expiryDays: 30 }),
    Administration.grant("first-aid", cy.id, "Red Cross course, May"),
    Administration.assign({ group: kitchen.key, role: "cook", member: cy.id, hours: 3 }),
    Administration.register({ name: "Drill", kind: "tool", stewards: ["community"], custodian: bo.id, rules: "Return it charged, please" })
  ])
  const r = c.replica()
  return { c, r, kitchen, s: stateOf(r), now: r.communityTime() }
}

describe("records", () => {
  it("answer a member's questions from the state: my qualifications, who can do X, my load, the shelf", () => {
    const { s, now, kitchen } = scene()
    const past = Administration.Records.now(s, now)
    expect(Administration.Records.held(s, cy.id, past).map((h) => [h.name, h.until - h.since])).toEqual([["First aid", 30 * DAY]])
    expect(Administration.Records.holders(s, "first-aid", past)).toEqual([cy.id])
    expect(Administration.Records.expiring(s, 31, past).map((e) => e.member)).toEqual([cy.id])
    const load = Administration.Records.load(s, cy.id, past)
    expect([load.roles, load.hours, load.cap, load.frozen]).toEqual([1, 3, 2, false])
    expect(load.assignments[0]!.group).toBe(kitchen.key)
    expect(Administration.Records.shelf(s, past).map((r) => [r.name, r.custodian])).toEqual([["Drill", bo.id]])
    expect(Administration.Records.workload(s, past).map((l) => l.member)).toEqual([cy.id])
  })

  it("export CSV (quoted where needed), Markdown and JSON by name, with dates in community time", () => {
    const { s, now } = scene()
    const o = { now, names, groups: () => "Kitchen" }
    const csv = Administration.Records.csv(s, "resources", o)
    expect(csv).toBe(`resource,kind,custodian,stewards,personal,rules\r\nDrill,tool,Bo,the community,no,"Return it charged, please"\r\n`)
    const md = Administration.Records.markdown(s, o)
    expect(md).toContain("| Cy <the cook> | First aid |")
    expect(md).toContain("| Cy <the cook> | cook | Kitchen | 3 |")
    expect(md).not.toMatch(/[0-9a-f]{64}/)
    const json = JSON.parse(JSON.stringify(Administration.Records.json(s, now))) as { qualifications: Array<{ id: string; holders: Array<string> }> }
    expect(json.qualifications.map((q) => [q.id, q.holders])).toEqual([["first-aid", [cy.id]]])
  })

  it("print a self-contained page with names escaped and no hex", () => {
    const { s, now } = scene()
    const html = Administration.Binder.page(s, { now, names, groups: () => "Kitchen", communityName: "Allotment" })
    expect(html).toContain("<title>Allotment: administration</title>")
    expect(html).toContain("Cy &lt;the cook&gt;")
    expect(html).not.toContain("<script")
    expect(html).not.toMatch(/[0-9a-f]{64}/)
  })

  it("export a holding as a Verifiable Credential 2.0 / Open Badges 3.0 object naming its events as evidence", () => {
    const { s, now, c } = scene()
    const vc = Administration.Credential.credential(s, cy.id, "first-aid", { community: c.genesis.key, communityName: "Allotment", now, memberName: "Cy" })!
    expect(vc.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"])
    expect(vc["@context"][0]).toBe("https://www.w3.org/ns/credentials/v2")
    expect(vc.credentialSubject.achievement.criteria.narrative).toBe("A course, with a certificate")
    expect(Date.parse(vc.validUntil) - Date.parse(vc.validFrom)).toBe(30 * DAY)
    expect(vc.evidence).toHaveLength(1)
    expect(vc.evidence[0]!.id).toMatch(new RegExp(`^urn:affinity:${c.genesis.key}:event:[0-9a-f]{64}$`))
    expect(Administration.Credential.credential(s, ada.id, "first-aid", { community: c.genesis.key, communityName: "Allotment", now })).toBeUndefined()
  })
})
