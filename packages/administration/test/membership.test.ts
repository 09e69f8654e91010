import { describe, expect, it } from "vitest"
import { Body, type Cbor, Module } from "@affinity/core/module"
import { testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, at, bo, cy, DAY, decide, dee, eli, MODULES, outcome, reason, world } from "./support/world.ts"

describe("membership rules", () => {
  it("once the community asks for invitations, an application without one is refused by the fold; with a member's invitation it applies", () => {
    const c = world()
    const rules = decide(c, [Administration.setRules({ application: "invitation" })])
    const spam = c.join(testKey(90, "spam"))
    const invite = c.send(bo, Administration.invite(dee.id))
    const invited = c.join(dee)
    const r = c.replica()
    expect(outcome(r, rules)).toBe("Applied; administration/rules.set Applied")
    expect(outcome(r, spam)).toBe("ApplicationRefused")
    expect(reason(r, spam)).toMatch(/only with a full member's invitation/)
    expect(outcome(r, invite)).toBe("Applied")
    expect(outcome(r, invited)).toBe("Applied")
  })

  it("an invitation expires, and one by a key that is not a full member is refused", () => {
    const c = world()
    decide(c, [Administration.setRules({ application: "invitation" })])
    c.send(bo, Administration.invite(dee.id, 1))
    at(c, c.time + 2 * DAY)
    const late = c.join(dee)
    const byApplicant = c.send(dee, Administration.invite(eli.id))
    const r = c.replica()
    expect(outcome(r, late)).toBe("ApplicationRefused")
    expect(outcome(r, byApplicant)).toBe("NotAFullMember")
  })

  it("a rate of applications per window, counted by the kernel in fold order", () => {
    const c = world()
    decide(c, [Administration.setRules({ perWindow: 2, windowDays: 7 })])
    const base = c.heads()
    const apps = [80, 81, 82, 83, 84].map((n) => c.join(testKey(n, `k${n}`), { parents: base }))
    const r = c.replica()
    const tags = apps.map((a) => outcome(r, a))
    expect(tags.filter((t) => t === "Applied").length).toBe(2)
    expect(tags.filter((t) => t === "TooManyApplications").length).toBe(3)
    at(c, c.time + 8 * DAY)
    const after = c.join(testKey(85, "next week"))
    expect(outcome(c.replica(), after)).toBe("Applied")
  })

  it("admission needs k vouches from full members past probation, judged on the deciding event's past", () => {
    const c = world()
    decide(c, [Administration.setRules({ admitVouches: 2, probationDays: 30 })])
    c.join(dee)
    c.join(eli)
    const early = decide(c, [Governance.admit(dee.id)])
    const v1 = c.send(ada, Administration.vouchAdmission(dee.id))
    const v2 = c.send(bo, Administration.vouchAdmission(dee.id))
    const twice = c.send(bo, Administration.vouchAdmission(dee.id))
    const admitted = decide(c, [Governance.admit(dee.id)])
    const newcomer = c.send(dee, Administration.vouchAdmission(eli.id)) // Dee is full, but not for 30 days yet
    at(c, c.time + 31 * DAY)
    const seasoned = c.send(dee, Administration.vouchAdmission(eli.id))
    const cyVouch = c.send(cy, Administration.vouchAdmission(eli.id))
    const eliIn = decide(c, [Governance.admit(eli.id)])
    const r = c.replica()
    expect(outcome(r, early)).toBe("Applied; core/member.admit AdmissionRefused")
    expect(reason(r, early)).toMatch(/vouches from 2 full members, and 0 are/)
    expect([v1, v2, twice].map((e) => outcome(r, e))).toEqual(["Applied", "Applied", "AlreadyVouched"])
    expect(outcome(r, admitted)).toBe("Applied; core/member.admit Applied")
    expect(outcome(r, newcomer)).toBe("InProbation")
    expect([seasoned, cyVouch].map((e) => outcome(r, e))).toEqual(["Applied", "Applied"])
    expect(outcome(r, eliIn)).toBe("Applied; core/member.admit Applied")
  })
})

/** A test module that records what administration answers to `inactive` at its own events. */
type Asked = { readonly answers: ReadonlyArray<Cbor.Value> }
const asker = Module.make<Asked>({
  name: "asker",
  init: () => ({ answers: [] }),
  events: {
    ask: Module.eventType<Asked, { readonly identity: string }>({
      body: Body.strict({ identity: Body.text(64, 64) }),
      authority: "member",
      apply: (s, b, ctx) => {
        const r = ctx.ask("administration", "inactive", { identity: b.identity })
        return { answers: [...s.answers, r.ok ? r.value : r.refusal._tag] }
      }
    })
  }
})

describe("inactivity", () => {
  it("a full member with no event for the days the rules set counts as inactive, until their next event", () => {
    const c = world()
    decide(c, [Administration.setRules({ inactiveDays: 30 })])
    at(c, c.time + 31 * DAY) // Ada and Bo write; Cy does not
    c.send(ada, { module: "asker", type: "ask", body: { identity: cy.id } })
    c.send(ada, { module: "asker", type: "ask", body: { identity: bo.id } })
    c.send(cy, { module: "asker", type: "ask", body: { identity: cy.id } }) // Cy's own event: she is back
    c.send(ada, { module: "asker", type: "ask", body: { identity: dee.id } }) // not a member
    const r = c.replica(c.events, [...MODULES, asker])
    expect(r.state<Asked>("asker").answers).toEqual([true, false, false, false])
  })

  it("nobody is inactive while the rules set no period", () => {
    const c = world()
    at(c, c.time + 400 * DAY)
    c.send(ada, { module: "asker", type: "ask", body: { identity: cy.id } })
    const r = c.replica(c.events, [...MODULES, asker])
    expect(r.state<Asked>("asker").answers).toEqual([false])
  })
})

describe("probation", () => {
  it("a new member in probation takes no role: no working group, no assignment, until it ends", () => {
    const c = world()
    const garden = decide(c, [
      Administration.setRules({ probationDays: 14 }),
      Governance.createGroup({ name: "Garden", purpose: "grow", mandate: ["administration/assign"], members: [] })
    ])
    c.join(dee)
    decide(c, [Governance.admit(dee.id)])
    const join = c.send(dee, Governance.joinGroup(garden.key))
    const assigned = decide(c, [Administration.assign({ group: garden.key, role: "waterer", member: dee.id })])
    const founder = c.send(cy, Governance.joinGroup(garden.key))
    at(c, c.time + 15 * DAY)
    const later = c.send(dee, Governance.joinGroup(garden.key))
    const r = c.replica()
    expect(outcome(r, join)).toBe("RoleCap")
    expect(reason(r, join)).toMatch(/^administration: new members take roles once their probation of 14 days ends, on \d{4}-\d\d-\d\d$/)
    expect(outcome(r, assigned)).toBe("Applied; administration/assign InProbation")
    expect(outcome(r, founder)).toBe("Applied")
    expect(outcome(r, later)).toBe("Applied")
  })
})
