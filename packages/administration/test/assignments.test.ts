import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, at, bo, cy, DAY, decide, dee, outcome, reason, stateOf, world } from "./support/world.ts"

const group = (name: string, members: ReadonlyArray<string> = []) =>
  Governance.createGroup({ name, purpose: `run the ${name.toLowerCase()}`, mandate: ["administration/assign", "administration/assign.lot"], members })

describe("assignments", () => {
  it("by lot from the opt-in pool, ranked with the term's seed: anyone recomputes the draw from the log", () => {
    const c = world()
    const kitchen = decide(c, [group("Kitchen")])
    c.send(ada, Governance.draw(0))
    const joins = [ada, bo, cy].map((k) => c.send(k, Administration.joinPool(kitchen.key)))
    const twice = c.send(ada, Administration.joinPool(kitchen.key))
    const lot = decide(c, [Administration.assignByLot({ group: kitchen.key, role: "cook", seats: 2, hours: 3 })])
    const r = c.replica()
    expect(joins.map((e) => outcome(r, e))).toEqual(["Applied", "Applied", "Applied"])
    expect(outcome(r, twice)).toBe("AlreadyInPool")
    expect(outcome(r, lot)).toBe("Applied; administration/assign.lot Applied")
    const s = stateOf(r)
    const drawn = s.lots[0]!
    const gov = r.state<Governance.State>("governance")
    const seed = gov.terms["0"]!.seed
    expect(drawn.seed).toBe(seed)
    const pool = [ada.id, bo.id, cy.id].sort()
    expect(drawn.ranked).toEqual(Administration.Assignments.rank(seed, kitchen.key, "cook", 0, pool))
    expect(drawn.drawn).toEqual(drawn.ranked.slice(0, 2))
    expect(s.assignments.map((a) => a.member).sort()).toEqual([...drawn.drawn].sort())
  })

  it("a lot needs a drawn term, and refuses when nobody in the pool can take the role", () => {
    const c = world()
    const kitchen = decide(c, [group("Kitchen")])
    const noSeed = decide(c, [Administration.assignByLot({ group: kitchen.key, role: "cook" })])
    c.send(ada, Governance.draw(0))
    const empty = decide(c, [Administration.assignByLot({ group: kitchen.key, role: "cook" })])
    const r = c.replica()
    expect(outcome(r, noSeed)).toBe("Applied; administration/assign.lot NoSeed")
    expect(outcome(r, empty)).toBe("Applied; administration/assign.lot NobodyEligible")
  })

  it("caps concurrent roles (working groups included): a member at the cap is refused a third role", () => {
    const c = world()
    const kitchen = decide(c, [group("Kitchen", [ada.id])])
    const garden = decide(c, [group("Garden")])
    const bar = decide(c, [group("Bar")])
    const first = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: ada.id })])
    const sameGroup = decide(c, [Administration.assign({ group: kitchen.key, role: "cook", member: ada.id })]) // same group as her membership: still two roles
    const third = decide(c, [Administration.assign({ group: bar.key, role: "bartender", member: ada.id })])
    const r = c.replica()
    expect(outcome(r, first)).toBe("Applied; administration/assign Applied")
    expect(outcome(r, sameGroup)).toBe("Applied; administration/assign Applied")
    expect(outcome(r, third)).toBe("Applied; administration/assign RoleCap")
    expect(reason(r, third)).toMatch(/already holds 2 roles and the cap is 2/)
    const load = Administration.Records.load(stateOf(r), ada.id, Administration.Records.now(stateOf(r), r.communityTime()), [`group/${kitchen.key}`])
    expect(load.roles).toBe(2)
    expect(load.assignments.map((a) => a.role).sort()).toEqual(["cook", "waterer"])
  })

  it("caps hours per cycle and consecutive cycles in one role, as the rules say", () => {
    const c = world()
    const garden = decide(c, [group("Garden"), Administration.setRules({ hoursPerCycle: 4, consecutive: 2, roleCap: 5 })])
    const a1 = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: bo.id, hours: 3, cycles: 2 })])
    const tooMany = decide(c, [Administration.assign({ group: garden.key, role: "weeder", member: bo.id, hours: 2 })])
    at(c, c.time + 2 * 28 * DAY)
    const third = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: bo.id, hours: 3 })])
    const r = c.replica()
    expect(outcome(r, a1)).toBe("Applied; administration/assign Applied")
    expect(outcome(r, tooMany)).toBe("Applied; administration/assign HoursCap")
    expect(outcome(r, third)).toBe("Applied; administration/assign RotationLimit")
  })

  it("a holiday freeze starts at the next cycle boundary, not at once; unfreezing is immediate", () => {
    const c = world()
    const garden = decide(c, [group("Garden")])
    const f = c.send(cy, Administration.freeze(1))
    const now = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: cy.id })]) // this cycle: still due
    const r1 = c.replica()
    expect(outcome(r1, f)).toBe("Applied")
    expect(outcome(r1, now)).toBe("Applied; administration/assign Applied")
    const s = stateOf(r1)
    expect(s.freezes[0]!.from).toBe(s.genesisTime + 28 * DAY)
    at(c, s.genesisTime + 28 * DAY + DAY)
    const frozen = decide(c, [Administration.assign({ group: garden.key, role: "weeder", member: cy.id })])
    const un = c.send(cy, Administration.unfreeze())
    const after = decide(c, [Administration.assign({ group: garden.key, role: "weeder", member: cy.id })])
    const r2 = c.replica()
    expect(outcome(r2, frozen)).toBe("Applied; administration/assign Frozen")
    expect(outcome(r2, un)).toBe("Applied")
    expect(outcome(r2, after)).toBe("Applied; administration/assign Applied")
  })

  it("ending assignments: a body ends any, a member only their own", () => {
    const c = world()
    const garden = decide(c, [group("Garden")])
    const a = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: bo.id })])
    const notMine = c.send(cy, Administration.leaveAssignment(a.key, "not mine"))
    const mine = c.send(bo, Administration.leaveAssignment(a.key, "too busy"))
    const gone = decide(c, [Administration.endAssignment(a.key, "ended already")])
    const r = c.replica()
    expect(outcome(r, notMine)).toBe("UnknownAssignment")
    expect(outcome(r, mine)).toBe("Applied")
    expect(outcome(r, gone)).toBe("Applied; administration/assign.end UnknownAssignment")
  })

  it("refuses a working group unknown in the event's past, and members who are not full", () => {
    const c = world()
    c.join(dee)
    const garden = decide(c, [group("Garden")])
    const unknown = decide(c, [Administration.assign({ group: "ab".repeat(32), role: "x", member: bo.id })])
    const applicant = decide(c, [Administration.assign({ group: garden.key, role: "x", member: dee.id })])
    const r = c.replica()
    expect(outcome(r, unknown)).toBe("Applied; administration/assign UnknownGroup")
    expect(outcome(r, applicant)).toBe("Applied; administration/assign NotAMember")
  })
})

describe("the role cap holds for every way to take a role", () => {
  it("governance's group.join refuses a member at their cap (assignments here and groups there counted together)", () => {
    const c = world()
    const kitchen = decide(c, [group("Kitchen", [ada.id])])
    const garden = decide(c, [group("Garden")])
    const bar = decide(c, [group("Bar")])
    decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: ada.id })])
    const third = c.send(ada, Governance.joinGroup(bar.key))
    const bo1 = c.send(bo, Governance.joinGroup(bar.key))
    const r = c.replica()
    expect(outcome(r, third)).toBe("RoleCap")
    expect(reason(r, third)).toMatch(/already hold 2 roles and the community's cap \(kept by administration\) is 2/)
    expect(outcome(r, bo1)).toBe("Applied")
    expect(kitchen.key).not.toBe(garden.key)
  })

  it("a draw leaves out members at their cap and records them", () => {
    const c = world()
    decide(c, [Administration.setRules({ roleCap: 1 })])
    const garden = decide(c, [group("Garden", [bo.id])])
    c.send(ada, Governance.draw(0))
    const t1 = c.replica().state<Governance.State>("governance")
    const start = t1.genesisTime + 14 * DAY
    at(c, start + 1000)
    c.send(ada, Governance.draw(1))
    const r = c.replica()
    const term = r.state<Governance.State>("governance").terms["1"]!
    for (const g of Object.values(term.groups)) {
      expect(g.capped).toEqual([bo.id])
      expect(g.ranked).not.toContain(bo.id)
    }
    expect(garden.key).toBeDefined()
  })
})
