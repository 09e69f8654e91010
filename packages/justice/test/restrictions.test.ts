import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, cy, DAY, dee, eli, HOUR, messageOf, tagOf, World } from "./support/world.ts"

const scope = { module: "governance", types: ["proposal.open"] }

/** A community-weight case by Ada about Bo, voted `option` by everyone but Bo. */
const voted = (w: World, option: Justice.Option, filer = ada) => {
  const filed = w.send(filer, Justice.file({ about: { member: bo.id }, weight: "community" }))
  w.send(filer, Justice.vote(filed.key, option))
  for (const k of [ada, cy, dee, eli]) if (k !== filer) w.send(k, Justice.vote(filed.key, option))
  return filed
}

/** Bo corrected, then warned off opening proposals for two days. */
const warned = () => {
  const w = new World()
  const first = voted(w, "correction")
  const correction = w.decide([Justice.decide({ case: first.key, option: "correction", reason: "spoke over others twice" })])
  const second = voted(w, "warning", cy)
  const until = w.now() + 2 * HOUR + 2 * DAY
  const warning = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "kept opening duplicate proposals", scope, until })])
  return { w, first, second, correction, warning, until }
}

describe("restrictions", () => {
  it("a scoped restriction stops one act of its subject, not others, and expires", () => {
    const { w, correction, warning, until } = warned()
    const open = w.send(ada, Governance.propose({ title: "Plant beans", deadline: w.now() + 2 * HOUR }))
    const blocked = w.send(bo, Governance.propose({ title: "Paint the shed", deadline: w.now() + 2 * HOUR }))
    const allowed = w.send(bo, Governance.stance(open.key, "agree"))
    w.witness(until)
    const later = w.send(bo, Governance.propose({ title: "Paint the shed", deadline: w.now() + 2 * HOUR }))
    const r = w.replica()
    expect(tagOf(r, correction)).toBe("Applied; justice/case.decide Applied")
    expect(tagOf(r, warning)).toBe("Applied; justice/case.decide Applied")
    expect(tagOf(r, blocked)).toBe("Restricted")
    expect(messageOf(r, blocked)).toContain("a community decision restricted this from governance/proposal.open until")
    expect(messageOf(r, blocked)).toContain("kept opening duplicate proposals")
    expect(tagOf(r, allowed)).toBe("Applied")
    expect(tagOf(r, later)).toBe("Applied")
    const state = w.justice(r)
    const kept = state.restrictions[warning.key]!
    expect(kept.subject).toBe(bo.id)
    expect(kept.until).toBe(until)
    expect(kept.deciders).toEqual([ada.id, cy.id, dee.id, eli.id].sort())
    expect(state.ladder[bo.id]!.map((s) => s.rung)).toEqual(["correction", "warning"])
  })

  it("the ladder climbs one rung at a time, and removal takes a community decision that carries it", () => {
    const w = new World()
    const seats = w.seat()
    const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    const skip = w.decide([Justice.decide({ case: filed.key, option: "restriction", reason: "harassment", scope, until: w.now() + 2 * DAY })], { seats })
    const removeByPrime = w.decide([Justice.decide({ case: filed.key, option: "removal", reason: "harassment" })], { seats })
    const community = w.send(cy, Justice.file({ about: { member: dee.id }, weight: "community" }))
    const primeOnCommunity = w.decide([Justice.decide({ case: community.key, option: "no-change", reason: "nothing to do" })], { seats })
    const correction = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "harassment" })], { seats })
    const r = w.replica()
    expect(tagOf(r, skip)).toBe("Applied; justice/case.decide SkipsARung")
    expect(messageOf(r, skip)).toContain('the next rung here is "correction"')
    expect(tagOf(r, removeByPrime)).toBe("Applied; justice/case.decide NeedsCommunityDecision")
    expect(tagOf(r, primeOnCommunity)).toBe("Applied; justice/case.decide NeedsCommunityDecision")
    expect(messageOf(r, primeOnCommunity)).toBe("this case is decided by the community")
    expect(tagOf(r, correction)).toBe("Applied; justice/case.decide Applied")
    expect(w.justice(r).cases[filed.key]!.status).toBe("decided")
  })

  it("removal, the last rung, is a community decision that also carries core/member.remove", () => {
    const w = new World()
    const seats = w.seat()
    const rungs: Array<ReturnType<typeof w.decide>> = []
    for (const option of ["correction", "warning", "restriction"] as const) {
      const filed = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
      const restricts = option !== "correction"
      rungs.push(w.decide([Justice.decide({ case: filed.key, option, reason: `rung ${option}`, ...(restricts ? { scope: { module: "economy" }, until: w.now() + HOUR + DAY } : {}) })], { seats }))
    }
    const last = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
    const removal = w.decide(
      [{ module: "core", type: "member.remove", body: { identity: bo.publicKey, reason: "after three rungs" } }, Justice.decide({ case: last.key, option: "removal", reason: "after three rungs" })],
      "community",
      { agree: [ada, cy, dee, eli] }
    )
    const r = w.replica()
    for (const e of rungs) expect(tagOf(r, e)).toBe("Applied; justice/case.decide Applied")
    expect(tagOf(r, removal)).toBe("Applied; core/member.remove Applied; justice/case.decide Applied")
    expect(r.core.identities[bo.id]?.status).toBe("left")
    expect(w.justice(r).ladder[bo.id]!.map((x) => x.rung)).toEqual(["correction", "warning", "restriction", "removal"])
  })

  it("nobody handles or decides their own case: a seat who is a party leaves it to the community", () => {
    const w = new World()
    const seats = w.seat()
    expect(seats.map((k) => k.name).sort()).toEqual(["Dee", "Eli"])
    const filed = w.send(ada, Justice.file({ about: { member: dee.id }, weight: "prime" }))
    const byPrime = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "x" })], { seats })
    const byCommunity = w.decide([Justice.decide({ case: filed.key, option: "correction", reason: "x" })])
    const r = w.replica()
    expect(w.justice(r).cases[filed.key]!.handlers).toEqual([eli.id])
    expect(tagOf(r, byPrime)).toBe("Applied; justice/case.decide PartyOnPrimeGroup")
    expect(tagOf(r, byCommunity)).toBe("Applied; justice/case.decide Applied")
  })

  it("a restriction's expiry is required and capped by the community's maximum; a decision signed directly is refused", () => {
    const w = new World()
    const first = voted(w, "correction")
    w.decide([Justice.decide({ case: first.key, option: "correction", reason: "first" })])
    const second = voted(w, "warning", cy)
    const tooLong = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no contact", scope, until: w.now() + 2 * HOUR + 91 * DAY })])
    const direct = w.send(ada, Justice.decide({ case: second.key, option: "warning", reason: "no contact", scope, until: w.now() + DAY }))
    const noExpiry = w.send(ada, { module: "justice", type: "case.decide", body: { case: Justice.decide({ case: second.key, option: "no-change", reason: "x" }).body.case, option: "warning", reason: "x", scope } })
    const shorter = w.decide([Justice.params({ maxDays: 30 }), Justice.decide({ case: second.key, option: "warning", reason: "no contact", scope, until: w.now() + 2 * HOUR + 31 * DAY })])
    const r = w.replica()
    expect(tagOf(r, tooLong)).toBe("Applied; justice/case.decide ExpiryTooLong")
    expect(messageOf(r, tooLong)).toContain("at most 90 days")
    expect(tagOf(r, direct)).toBe("NeedsDecision")
    expect(tagOf(r, noExpiry)).toBe("InvalidBody")
    expect(tagOf(r, shorter)).toBe("Applied; justice/params NotApplied; justice/case.decide ExpiryTooLong")
    expect(w.justice(r).params.maxDays).toBe(90)
  })

  it("lifting early and renewing take a new decision at the level that imposed it", () => {
    const { w, warning, until } = warned()
    const seats = w.seat()
    const liftByPrime = w.decide([Justice.lift(warning.key, "apologised")], { seats })
    const renew = w.decide([Justice.renew(warning.key, until + DAY, "asked for more time")])
    const lift = w.decide([Justice.lift(warning.key, "apologised")])
    const again = w.decide([Justice.lift(warning.key, "twice")])
    const open = w.send(bo, Governance.propose({ title: "Paint the shed", deadline: w.now() + 2 * HOUR }))
    const r = w.replica()
    expect(tagOf(r, liftByPrime)).toBe("Applied; justice/restriction.lift NeedsCommunityDecision")
    expect(tagOf(r, renew)).toBe("Applied; justice/restriction.renew Applied")
    expect(tagOf(r, lift)).toBe("Applied; justice/restriction.lift Applied")
    expect(tagOf(r, again)).toBe("Applied; justice/restriction.lift AlreadyEnded")
    expect(tagOf(r, open)).toBe("Applied")
    const kept = w.justice(r).restrictions[warning.key]!
    expect(Justice.expiry(kept)).toBe(until + DAY)
    expect(kept.ended?.why).toBe("lifted")
  })

  it("a restriction is a strong fact: the subject's concurrent act that sorts before it is refused", () => {
    const { w } = (() => {
      const w = new World()
      const first = voted(w, "correction")
      w.decide([Justice.decide({ case: first.key, option: "correction", reason: "first" })])
      return { w }
    })()
    const second = voted(w, "warning", cy)
    const until = w.now() + 2 * HOUR + 2 * DAY
    const base = w.heads()
    const warning = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no new proposals", scope, until })], "community", { agree: [ada, cy, dee, eli] })
    // Bo, who had not seen the decision, opens a proposal on the old heads.
    const sneaky = w.send(bo, Governance.propose({ title: "Sneak", deadline: until }), { parents: base })
    const r = w.replica()
    expect(tagOf(r, warning)).toBe("Applied; justice/case.decide Applied")
    expect(r.orderedKeys().indexOf(sneaky.key)).toBeLessThan(r.orderedKeys().indexOf(warning.key))
    expect(tagOf(r, sneaky)).toBe("Restricted")
  })

  it("restricting governance/seat keeps the subject out of the prime groups' draws", () => {
    const w = new World(undefined, { timeWitnesses: 1, primeSize: 4, primeTerm: DAY })
    const first = voted(w, "correction")
    w.decide([Justice.decide({ case: first.key, option: "correction", reason: "first" })])
    const second = voted(w, "warning", cy)
    w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no seats for a while", scope: { module: "governance", types: ["seat"] }, until: w.now() + 2 * HOUR + 3 * DAY })])
    const seats = w.seat()
    expect(seats.map((k) => k.id)).not.toContain(bo.id)
    expect(seats).toHaveLength(4)
  })
})
