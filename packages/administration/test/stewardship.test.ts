import { describe, expect, it } from "vitest"
import { Body, type Cbor, Module } from "@affinity/core/module"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, bo, cy, DAY, decide, MODULES, outcome, stateOf, world } from "./support/world.ts"

const tools = (members: ReadonlyArray<string>) =>
  Governance.createGroup({ name: "Tool shed", purpose: "keep the tools", mandate: ["administration/resource.consent", "administration/resource.register"], members })

describe("stewardship", () => {
  it("rules change only with every steward's consent, each by its own decision", () => {
    const c = world()
    const shed = decide(c, [tools([ada.id, bo.id])])
    const drill = decide(c, [Administration.register({ name: "Drill", kind: "tool", stewards: ["community", shed.key], custodian: bo.id, rules: "Return it charged" })])
    const byCommunity = decide(c, [Administration.consent(drill.key, { rules: "Return it charged, within a week" })])
    const r1 = c.replica()
    expect(outcome(r1, drill)).toBe("Applied; administration/resource.register Applied")
    expect(outcome(r1, byCommunity)).toBe("Applied; administration/resource.consent Applied")
    expect(stateOf(r1).resources[drill.key]!.rules).toBe("Return it charged") // one steward of two
    // The tool-shed group consents by its own decision: now the change takes effect.
    const deadline = c.time + 2 * 60 * 60 * 1000
    const p = c.send(ada, Governance.propose({ title: "Drill rules", deadline, body: { group: shed.key }, action: Administration.consent(drill.key, { rules: "Return it charged, within a week" }) }))
    c.send(ada, Governance.stance(p.key, "agree"))
    c.send(bo, Governance.stance(p.key, "agree"))
    c.witness(deadline + 1000)
    const byGroup = c.send(ada, Governance.close(p.key))
    const r2 = c.replica()
    expect(outcome(r2, byGroup)).toBe("Applied; administration/resource.consent Applied")
    const drillNow = stateOf(r2).resources[drill.key]!
    expect(drillNow.rules).toBe("Return it charged, within a week")
    expect(drillNow.history.at(-1)!.consents).toEqual(["community", `group/${shed.key}`].sort())
  })

  it("custody moves with the custodian and one steward; nobody else hands it over", () => {
    const c = world()
    const shed = decide(c, [tools([ada.id])])
    const van = decide(c, [Administration.register({ name: "Van", kind: "vehicle", stewards: ["community", shed.key], custodian: bo.id })])
    const notCustodian = c.send(cy, Administration.handover(van.key, cy.id))
    const custodian = c.send(bo, Administration.handover(van.key, cy.id))
    const r1 = c.replica()
    expect(outcome(r1, notCustodian)).toBe("NotCustodian")
    expect(outcome(r1, custodian)).toBe("Applied")
    expect(stateOf(r1).resources[van.key]!.custodian).toBe(bo.id)
    decide(c, [Administration.consent(van.key, { custody: cy.id })])
    const r2 = c.replica()
    expect(stateOf(r2).resources[van.key]!.custodian).toBe(cy.id)
  })

  it("personal property is outside decisions; its owner lends it, and loans are recorded", () => {
    const c = world()
    const ladder = c.send(ada, Administration.registerPersonal({ name: "Ladder", kind: "tool" }))
    const seize = decide(c, [Administration.consent(ladder.key, { rules: "the community's now" })])
    const book = c.send(bo, Administration.book(ladder.key, c.time + DAY, c.time + 2 * DAY))
    const lent = c.send(ada, Administration.lend(ladder.key, bo.id, c.time + 3 * DAY, "for the gutter"))
    const back = c.send(bo, Administration.giveBack(lent.key))
    const r = c.replica()
    expect(outcome(r, seize)).toBe("Applied; administration/resource.consent Personal")
    expect(outcome(r, book)).toBe("Personal")
    expect(outcome(r, lent)).toBe("Applied")
    expect(outcome(r, back)).toBe("Applied")
    expect(stateOf(r).bookings.map((b) => [b.kind, b.ended === back.key])).toEqual([["loan", true]])
  })

  it("bookings do not overlap", () => {
    const c = world()
    const room = decide(c, [Administration.register({ name: "Back room", kind: "room", stewards: ["community"], custodian: ada.id })])
    const t = c.time
    const b1 = c.send(bo, Administration.book(room.key, t + DAY, t + 2 * DAY, "choir"))
    const b2 = c.send(cy, Administration.book(room.key, t + DAY + 3600_000, t + 3 * DAY, "film night"))
    const b3 = c.send(cy, Administration.book(room.key, t + 2 * DAY, t + 3 * DAY, "film night"))
    const r = c.replica()
    expect([b1, b2, b3].map((e) => outcome(r, e))).toEqual(["Applied", "Overlap", "Applied"])
    const shelf = Administration.Records.shelf(stateOf(r), Administration.Records.now(stateOf(r), t))
    expect(shelf.map((s) => [s.name, s.out.length])).toEqual([["Back room", 2]])
  })

  it("a group registers only what it stewards; a non-steward's consent is refused", () => {
    const c = world()
    const shed = decide(c, [tools([ada.id, bo.id])])
    const room = decide(c, [Administration.register({ name: "Room", kind: "room", stewards: ["community"], custodian: ada.id })])
    const deadline = c.time + 2 * 60 * 60 * 1000
    const p = c.send(ada, Governance.propose({ title: "Room rules", deadline, body: { group: shed.key }, action: Administration.consent(room.key, { rules: "ours" }) }))
    c.send(ada, Governance.stance(p.key, "agree"))
    c.send(bo, Governance.stance(p.key, "agree"))
    c.witness(deadline + 1000)
    const close = c.send(ada, Governance.close(p.key))
    const r = c.replica()
    expect(outcome(r, close)).toBe("Applied; administration/resource.consent NotASteward")
  })

  it("the economy reads stewardship through the resource query, judged on the asking event's past", () => {
    const c = world()
    const shed = decide(c, [tools([ada.id])])
    const drill = decide(c, [Administration.register({ name: "Drill", kind: "tool", stewards: ["community", shed.key], custodian: bo.id })])
    c.send(ada, { module: "reader", type: "read", body: { id: drill.key } })
    c.send(ada, { module: "reader", type: "read", body: { id: shed.key } })
    const r = c.replica(c.events, [...MODULES, reader])
    expect(r.state<Read>("reader").answers).toEqual([{ name: "Drill", stewards: ["community", shed.key], custodian: bo.id, personal: false }, null])
  })
})

/** A test module standing for the economy: it records what administration answers to `resource` at its events. */
type Read = { readonly answers: ReadonlyArray<Cbor.Value> }
const reader = Module.make<Read>({
  name: "reader",
  init: () => ({ answers: [] }),
  events: {
    read: Module.eventType<Read, { readonly id: string }>({
      body: Body.strict({ id: Body.text(64, 64) }),
      authority: "member",
      apply: (s, b, ctx) => {
        const a = ctx.ask("administration", "resource", { id: b.id })
        return { answers: [...s.answers, a.ok ? a.value : a.refusal._tag] }
      }
    })
  }
})
