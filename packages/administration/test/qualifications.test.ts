import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"
import { ada, at, bo, cy, DAY, decide, dee, outcome, reason, stateOf, world } from "./support/world.ts"

const firstAid = Administration.define({
  id: "first-aid",
  name: "First aid",
  criteria: "A first-aid course in the last year",
  grantedBy: "vouches",
  vouches: 2,
  probationDays: 10,
  expiryDays: 60
})
const keys = Administration.define({ id: "keys", name: "Can hold the keys", criteria: "Knows the alarm", grantedBy: "decision" })

describe("qualifications", () => {
  it("are defined only by decision: a member signing a definition is refused NeedsDecision", () => {
    const c = world()
    const direct = c.send(ada, firstAid)
    const r = c.replica()
    expect(outcome(r, direct)).toBe("NeedsDecision")
    expect(stateOf(r).definitions).toEqual([])
  })

  it("granted by vouches: k holders past probation make a holder; vouches expire and the holding with them", () => {
    const c = world()
    c.join(dee)
    const admitted = decide(c, [firstAid, Governance.admit(dee.id), Administration.grant("first-aid", ada.id, "course 2023"), Administration.grant("first-aid", bo.id, "course 2023")])
    const t1 = c.time
    const early = c.send(ada, Administration.vouch("first-aid", cy.id, "saw her course certificate")) // refused: probation of 10 days
    at(c, t1 + 11 * DAY)
    const v1 = c.send(ada, Administration.vouch("first-aid", cy.id, "certificate"))
    const again = c.send(ada, Administration.vouch("first-aid", cy.id)) // refused: already vouched
    const self = c.send(bo, Administration.vouch("first-aid", bo.id)) // refused: self
    const stranger = c.send(cy, Administration.vouch("first-aid", dee.id)) // refused: Cy does not hold it yet
    const v2 = c.send(bo, Administration.vouch("first-aid", cy.id, "certificate"))
    const r = c.replica()
    expect(outcome(r, admitted)).toBe(
      "Applied; administration/qualification.define Applied; core/member.admit Applied; administration/qualification.grant Applied; administration/qualification.grant Applied"
    )
    expect([early, v1, again, self, stranger, v2].map((e) => outcome(r, e))).toEqual(["InProbation", "Applied", "AlreadyVouched", "SelfVouch", "NotAHolder", "Applied"])
    expect(reason(r, early)).toMatch(/counts from \d{4}-\d\d-\d\d, once you have held it 10 days/)
    const now = Administration.Records.now(stateOf(r), r.communityTime())
    expect(Administration.Records.holders(stateOf(r), "first-aid", now)).toEqual([ada.id, bo.id, cy.id].sort())
    // Sixty days after the vouches, they expire and Cy no longer holds it; so do Ada's and Bo's grants.
    at(c, t1 + 11 * DAY + 61 * DAY)
    const r2 = c.replica()
    expect(Administration.Records.holders(stateOf(r2), "first-aid", Administration.Records.now(stateOf(r2), r2.communityTime()))).toEqual([])
  })

  it("a working group that requires a qualification refuses members without it, admits them once granted", () => {
    const c = world()
    const made = decide(c, [keys])
    const group = decide(c, [Governance.createGroup({ name: "Key holders", purpose: "open the space", mandate: ["administration/qualification.grant"], members: [ada.id], requires: { module: "administration", qualification: "keys" } })])
    const refused = c.send(bo, Governance.joinGroup(group.key))
    const granted = decide(c, [Administration.grant("keys", bo.id, "walked through the alarm with Ada")])
    const joined = c.send(bo, Governance.joinGroup(group.key))
    const r = c.replica()
    expect(outcome(r, made)).toBe("Applied; administration/qualification.define Applied")
    expect(outcome(r, refused)).toBe("NotQualified")
    expect(outcome(r, granted)).toBe("Applied; administration/qualification.grant Applied")
    expect(outcome(r, joined)).toBe("Applied")
  })

  it("suspension stops a holding until it ends or is lifted; revocation ends it for good; renewal needs a past grant", () => {
    const c = world()
    decide(c, [keys, Administration.grant("keys", bo.id, "trained")])
    const t = c.time
    const renewNever = decide(c, [Administration.renew("keys", cy.id)]) // fails: Cy never held it
    const susp = decide(c, [Administration.suspend("keys", bo.id, t + 30 * DAY, "lost the keys once")])
    const r1 = c.replica()
    expect(outcome(r1, renewNever)).toBe("Applied; administration/qualification.renew NothingToRenew")
    const s1 = stateOf(r1)
    expect(Administration.Records.holders(s1, "keys", Administration.Records.now(s1, r1.communityTime()))).toEqual([])
    const lift = decide(c, [Administration.reinstate(susp.key)])
    const r2 = c.replica()
    expect(outcome(r2, lift)).toBe("Applied; administration/qualification.reinstate Applied")
    expect(Administration.Records.holders(stateOf(r2), "keys", Administration.Records.now(stateOf(r2), r2.communityTime()))).toEqual([bo.id])
    const rev = decide(c, [Administration.revoke("keys", bo.id, "left the keys in the door")])
    const again = decide(c, [Administration.revoke("keys", bo.id, "twice")])
    const r3 = c.replica()
    expect(outcome(r3, rev)).toBe("Applied; administration/qualification.revoke Applied")
    expect(outcome(r3, again)).toBe("Applied; administration/qualification.revoke NotHeld")
    expect(Administration.Records.holders(stateOf(r3), "keys", Administration.Records.now(stateOf(r3), r3.communityTime()))).toEqual([])
  })

  it("answers qualified, holders, held and expiring on the asking event's past", () => {
    const c = world()
    decide(c, [keys, Administration.grant("keys", bo.id, "trained", 20)])
    const r = c.replica()
    const s = stateOf(r)
    const now = Administration.Records.now(s, r.communityTime())
    expect(Administration.Records.held(s, bo.id, now).map((h) => h.qualification)).toEqual(["keys"])
    expect(Administration.Records.expiring(s, 30, now).map((e) => e.member)).toEqual([bo.id])
    expect(Administration.Records.expiring(s, 10, now)).toEqual([])
  })

  it("a revocation holds for every event that has seen it; an act concurrent with it, on older parents, keeps the past it saw", () => {
    const c = world()
    const group = decide(c, [keys, Administration.grant("keys", bo.id, "trained"), Administration.grant("keys", cy.id, "trained")])
    const team = decide(c, [Governance.createGroup({ name: "Key holders", purpose: "open", mandate: [], members: [], requires: { module: "administration", qualification: "keys" } })])
    const before = c.heads()
    const revoked = decide(c, [Administration.revoke("keys", bo.id, "lost them"), Administration.revoke("keys", cy.id, "lost them")])
    const concurrent = c.send(bo, Governance.joinGroup(team.key), { parents: before }) // had not seen the revocation
    const after = c.send(cy, Governance.joinGroup(team.key)) // has
    const r = c.replica()
    expect(outcome(r, group)).toMatch(/^Applied/)
    expect(outcome(r, revoked)).toBe("Applied; administration/qualification.revoke Applied; administration/qualification.revoke Applied")
    expect(outcome(r, concurrent)).toBe("Applied")
    expect(outcome(r, after)).toBe("NotQualified")
    // Every delivery order agrees.
    const reversed = c.replica([c.events[0]!, ...c.events.slice(1).reverse()])
    expect(outcome(reversed, concurrent)).toBe("Applied")
    expect(outcome(reversed, after)).toBe("NotQualified")
  })

  it("a member who forks their chain: their vouches from the fork on do not count", () => {
    const c = world()
    decide(c, [firstAid, Administration.grant("first-aid", ada.id, "course"), Administration.grant("first-aid", bo.id, "course")])
    at(c, c.time + 11 * DAY)
    const base = c.heads()
    const tip = c.events.filter((e) => e.header.author.every((b, i) => b === bo.publicKey[i])).at(-1)!
    const a = c.send(bo, Administration.vouch("first-aid", cy.id, "one"), { parents: base, prev: tip, seq: tip.header.seq + 1 })
    const b = c.send(bo, Administration.vouch("first-aid", dee.id, "two"), { parents: base, prev: tip, seq: tip.header.seq + 1 })
    const r = c.replica()
    expect([outcome(r, a), outcome(r, b)]).toEqual(["Equivocated", "Equivocated"])
    expect(stateOf(r).grants.filter((g) => g.kind === "vouch")).toEqual([])
  })
})
