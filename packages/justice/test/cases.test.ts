import { describe, expect, it } from "vitest"
import { testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, cy, DAY, dee, eli, HOUR, messageOf, tagOf, World } from "./support/world.ts"

const scope = { module: "governance", types: ["proposal.open"] }

describe("filing a case", () => {
  it("refuses bad bodies, cases about oneself, about non-members and unknown groups, and changes nothing", () => {
    const w = new World()
    const stranger = testKey(9, "Stranger")
    const self = w.send(ada, Justice.file({ about: { member: ada.id }, weight: "prime" }))
    const outsider = w.send(ada, Justice.file({ about: { member: stranger.id }, weight: "prime" }))
    const group = w.send(ada, Justice.file({ about: { group: "07".repeat(32) }, weight: "prime" }))
    const badKind = w.send(ada, { module: "justice", type: "case.file", body: { about: { member: bo.publicKey }, kind: "feud", weight: "prime", proposals: [] } })
    const oneBlock = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime", kind: "blocking", proposals: ["01".repeat(32)] }))
    const sameAffected = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime", affected: bo.id }))
    const byStranger = w.send(stranger, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    const r = w.replica()
    expect([self, outsider, group, badKind, oneBlock, sameAffected, byStranger].map((e) => tagOf(r, e))).toEqual([
      "NotYourself",
      "NotAMember",
      "UnknownGroup",
      "InvalidBody",
      "InvalidBody",
      "AffectedIsRespondent",
      "UnknownAuthor"
    ])
    expect(messageOf(r, oneBlock)).toContain("at least 2 proposals")
    expect(w.justice(r).cases).toEqual({})
  })

  it("a case about a working group names its members; repeated blocking is a case that names the proposals", () => {
    const w = new World()
    const created = w.decide([Governance.createGroup({ name: "Kitchen", purpose: "Cook on Fridays", mandate: [], members: [cy.id, dee.id] })])
    const about = w.send(ada, Justice.file({ about: { group: created.key }, weight: "community" }))
    const p1 = w.send(ada, Governance.propose({ title: "Compost bins", deadline: w.now() + 2 * HOUR }))
    const p2 = w.send(ada, Governance.propose({ title: "Rain barrels", deadline: w.now() + 2 * HOUR }))
    w.send(bo, Governance.stance(p1.key, "block", "no"))
    w.send(bo, Governance.stance(p2.key, "block", "no"))
    const blocking = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community", kind: "blocking", proposals: [p1.key, p2.key] }))
    const r = w.replica()
    expect(tagOf(r, about)).toBe("Applied")
    expect(tagOf(r, blocking)).toBe("Applied")
    const s = w.justice(r)
    expect(s.cases[about.key]!.respondents).toEqual([cy.id, dee.id].sort())
    expect(Justice.subjectOf(s.cases[about.key]!)).toBe(`group/${created.key}`)
    expect(s.cases[blocking.key]!.proposals).toEqual([p1.key, p2.key])
    expect(s.cases[blocking.key]!.kind).toBe("blocking")
  })
})

describe("speaking", () => {
  it("the affected person speaks first; only parties and handlers speak", () => {
    const w = new World()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community", affected: cy.id }))
    const early = w.send(bo, Justice.speak(filed.key))
    const outsider = w.send(eli, Justice.speak(filed.key))
    const first = w.send(cy, Justice.speak(filed.key))
    const then = w.send(bo, Justice.speak(filed.key))
    const r = w.replica()
    expect([early, outsider, first, then].map((e) => tagOf(r, e))).toEqual(["AffectedSpeaksFirst", "NotInTheCase", "Applied", "Applied"])
    expect(w.justice(r).cases[filed.key]!.statements.map((s) => s.by)).toEqual([cy.id, bo.id])
    expect(Justice.readers(w.justice(r).cases[filed.key]!)).toEqual([ada.id, bo.id, cy.id].sort())
  })
})

describe("repair", () => {
  /** Ada's grievance about Bo, both consenting to repair with Cy facilitating. */
  const circle = () => {
    const w = new World()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
    const early = w.send(cy, Justice.met(filed.key, ada.id))
    const byOutsider = w.send(dee, Justice.consent(filed.key, [cy.id]))
    const partyFacilitates = w.send(ada, Justice.consent(filed.key, [bo.id]))
    w.send(ada, Justice.consent(filed.key, [cy.id]))
    w.send(bo, Justice.consent(filed.key, [cy.id]))
    return { w, filed, early, byOutsider, partyFacilitates }
  }

  it("starts only when every party consents to the same facilitators, then pre-circle, circle, post-circle", () => {
    const { w, filed, early, byOutsider, partyFacilitates } = circle()
    const notHandler = w.send(dee, Justice.met(filed.key, ada.id))
    w.send(cy, Justice.met(filed.key, ada.id))
    const twice = w.send(cy, Justice.met(filed.key, ada.id))
    w.send(cy, Justice.met(filed.key, bo.id))
    const due = w.now() + 7 * DAY
    const pastDue = w.send(cy, Justice.agree(filed.key, [{ owner: bo.id, due: T0() }]))
    const agreement = w.send(cy, Justice.agree(filed.key, [{ owner: bo.id, due }, { owner: ada.id, due }]))
    const wrong = w.send(ada, Justice.accept(filed.key, filed.key))
    w.send(ada, Justice.accept(filed.key, agreement.key))
    w.send(bo, Justice.accept(filed.key, agreement.key))
    const outOfRange = w.send(cy, Justice.check(filed.key, 2, true))
    w.send(cy, Justice.check(filed.key, 0, true))
    w.send(cy, Justice.check(filed.key, 1, true))
    const r = w.replica()
    expect([early, byOutsider, partyFacilitates, notHandler, twice, pastDue, wrong, outOfRange].map((e) => tagOf(r, e))).toEqual([
      "WrongStage",
      "NotAParty",
      "FacilitatorIsAParty",
      "NotAHandler",
      "AlreadyMet",
      "DueInThePast",
      "NotTheAgreement",
      "UnknownAction"
    ])
    const c = w.justice(r).cases[filed.key]!
    expect(c.repair!.stage).toBe("repaired")
    expect(c.repair!.facilitators).toEqual([cy.id])
    expect(c.repair!.agreement!.actions).toEqual([{ owner: bo.id, due }, { owner: ada.id, due }])
    expect(c.status).toBe("repaired")
    expect(Justice.readers(c)).toEqual([ada.id, bo.id, cy.id].sort())
  })

  it("an action not done leaves the case open for review", () => {
    const { w, filed } = circle()
    w.send(cy, Justice.met(filed.key, ada.id))
    w.send(cy, Justice.met(filed.key, bo.id))
    const agreement = w.send(cy, Justice.agree(filed.key, [{ owner: bo.id, due: w.now() + DAY }]))
    w.send(ada, Justice.accept(filed.key, agreement.key))
    w.send(bo, Justice.accept(filed.key, agreement.key))
    w.send(cy, Justice.check(filed.key, 0, false))
    const c = w.justice().cases[filed.key]!
    expect(c.repair!.stage).toBe("unrepaired")
    expect(c.status).toBe("open")
  })

  it("harm reduction first: a protective restriction may come during repair, never a decision instead of it", () => {
    const { w, filed } = circle()
    const seats = w.seat()
    const earlier = w.send(cy, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    w.decide([Justice.decide({ case: earlier.key, option: "correction", reason: "an earlier case" })], { seats })
    const prime = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    w.send(ada, Justice.consent(prime.key, [cy.id]))
    w.send(bo, Justice.consent(prime.key, [cy.id]))
    const instead = w.decide([Justice.decide({ case: prime.key, option: "no-change", reason: "repair is enough" })], { seats })
    const correction = w.decide([Justice.decide({ case: prime.key, option: "correction", reason: "first step" })], { seats })
    const protective = w.decide([Justice.decide({ case: prime.key, option: "warning", reason: "no contact with Ada meanwhile", scope: { module: "expression", where: { to: ada.id } }, until: w.now() + 2 * HOUR + 7 * DAY })], { seats })
    const r = w.replica()
    expect(tagOf(r, instead)).toBe("Applied; justice/case.decide RepairUnderWay")
    expect(tagOf(r, correction)).toBe("Applied; justice/case.decide RepairUnderWay")
    expect(tagOf(r, protective)).toBe("Applied; justice/case.decide Applied")
    const s = w.justice(r)
    expect(s.cases[prime.key]!.status).toBe("open")
    expect(s.cases[prime.key]!.decisions.map((d) => d.protective)).toEqual([true])
    expect(s.restrictions[protective.key]!.scope).toEqual({ module: "expression", where: { to: ada.id } })
    expect(s.restrictions[protective.key]!.deciders).toEqual(seats.map((k) => k.id).sort())
    void filed
  })
})

const T0 = () => 1_700_000_000_000

describe("the review", () => {
  it("the electorate is frozen at filing, the affected person votes first, a tie goes back to discussion", () => {
    const w = new World()
    const fay = testKey(6, "Fay")
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
    w.send(fay, Governance.propose({ title: "x", deadline: 0 })) // refused: Fay is not a member yet
    w.join(fay)
    w.decide([Governance.admit(fay.id)])
    const newcomer = w.send(fay, Justice.vote(filed.key, "no-change"))
    const before = w.send(cy, Justice.vote(filed.key, "correction"))
    w.send(ada, Justice.vote(filed.key, "correction"))
    w.send(cy, Justice.vote(filed.key, "correction"))
    w.send(dee, Justice.vote(filed.key, "no-change"))
    w.send(eli, Justice.vote(filed.key, "no-change"))
    w.send(bo, Justice.vote(filed.key, "correction"))
    w.send(bo, Justice.vote(filed.key, "no-change")) // Bo changes their vote: the latest counts
    const chosen = w.decide([Justice.decide({ case: filed.key, option: "no-change", reason: "most said so" })])
    const discussion = w.decide([Justice.decide({ case: filed.key, option: "discussion", reason: "a tie" })])
    const r = w.replica()
    expect(tagOf(r, newcomer)).toBe("NotInElectorate")
    expect(tagOf(r, before)).toBe("AffectedSpeaksFirst")
    // ada, cy: correction; dee, eli, bo: no-change → no-change wins 3 to 2.
    expect(tagOf(r, chosen)).toBe("Applied; justice/case.decide Applied")
    expect(tagOf(r, discussion)).toBe("Applied; justice/case.decide CaseClosed")
  })

  it("a tie allows only further discussion, which opens a new round; a member who leaves loses their vote", () => {
    const w = new World()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
    w.send(ada, Justice.vote(filed.key, "correction"))
    w.send(cy, Justice.vote(filed.key, "correction"))
    w.send(dee, Justice.vote(filed.key, "no-change"))
    w.send(eli, Justice.vote(filed.key, "no-change"))
    const tie = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "x" })])
    const discussion = w.decide([Justice.decide({ case: filed.key, option: "discussion", reason: "a tie: talk more" })])
    const stale = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "x" })])
    w.send(ada, Justice.vote(filed.key, "correction"))
    w.send(cy, Justice.vote(filed.key, "correction"))
    w.send(dee, Justice.vote(filed.key, "no-change"))
    w.send(eli, Justice.vote(filed.key, "no-change"))
    w.send(eli, { module: "core", type: "member.leave", body: { note: "moving" } })
    const after = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "after Eli left" })], "community", { agree: [ada, bo, cy, dee], witnesses: [cy, dee] })
    const r = w.replica()
    expect(tagOf(r, tie)).toBe("Applied; justice/case.decide NotTheReviewsChoice")
    expect(messageOf(r, tie)).toContain("a tie goes back to discussion")
    expect(tagOf(r, discussion)).toBe("Applied; justice/case.decide Applied")
    expect(tagOf(r, stale)).toBe("Applied; justice/case.decide NoVotes")
    expect(tagOf(r, after)).toBe("Applied; justice/case.decide Applied")
    const c = w.justice(r).cases[filed.key]!
    expect(c.round).toBe(1)
    expect(c.status).toBe("decided")
  })

  it("a prime-weight case has no community vote; removal needs the community and its own action", () => {
    const w = new World()
    const prime = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    const vote = w.send(cy, Justice.vote(prime.key, "correction"))
    const community = w.send(ada, Justice.file({ about: { member: eli.id }, weight: "community" }))
    for (const k of [ada, bo, cy, dee]) w.send(k, Justice.vote(community.key, "correction"))
    w.decide([Justice.decide({ case: community.key, option: "correction", reason: "1" })], "community", { agree: [ada, bo, cy, dee] })
    const r = w.replica()
    expect(tagOf(r, vote)).toBe("DecidedByPrimeGroup")
    expect(w.justice(r).ladder[eli.id]!.map((s) => s.rung)).toEqual(["correction"])
  })
})

describe("withdrawing", () => {
  it("only the filer or the affected person withdraws, and a withdrawn case takes no more steps", () => {
    const w = new World()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "community" }))
    const byBo = w.send(bo, Justice.withdraw(filed.key))
    const byAda = w.send(ada, Justice.withdraw(filed.key))
    const after = w.send(ada, Justice.speak(filed.key))
    const r = w.replica()
    expect([byBo, byAda, after].map((e) => tagOf(r, e))).toEqual(["NotYourCase", "Applied", "CaseClosed"])
  })
})

void scope
