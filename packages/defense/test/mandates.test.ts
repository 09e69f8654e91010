import { describe, expect, it } from "vitest"
import { ada, bo, DAY, Defense, defense, Governance, HOUR, mallory, tagOf, World } from "./support/world.ts"

const EMERGENCY = ["defense/restrict", "defense/lift", "defense/freeze.impose"]

/** A community with a defensive working group of Ada and Bo; returns the group's id. */
const withGroup = () => {
  const w = new World()
  const created = w.decide(Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: EMERGENCY, members: [ada.id, bo.id] }))
  return { w, group: created.key }
}

const block = (reason = "a bot wave", expires?: number) =>
  Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason, ...(expires === undefined ? {} : { expires }) })

describe("emergency mandates", () => {
  it("a working group restricts only while its emergency mandate holds", () => {
    const { w, group } = withGroup()
    const without = w.groupDecide(group, [ada, bo], block())
    const granted = w.decide(Defense.grantMandate({ group }, { scope: ["restrict", "freeze"], expires: w.time + 5 * DAY, reason: "bot attack on admissions" }))
    const withIt = w.groupDecide(group, [ada, bo], block("a bot wave", w.time + 10 * DAY))
    const tooLong = w.groupDecide(group, [ada, bo], block("a bot wave", w.time + 20 * DAY))
    const liftNotGranted = w.groupDecide(group, [ada, bo], Defense.lift(withIt.key, "over"))
    const frozen = w.groupDecide(group, [ada, bo], Defense.impose("admissions", "the wave goes on"))
    const r = w.replica()
    expect(tagOf(r, without)).toBe("Applied NoEmergencyMandate")
    expect(tagOf(r, granted)).toBe("Applied Applied")
    expect(tagOf(r, withIt)).toBe("Applied Applied")
    expect(tagOf(r, tooLong)).toBe("Applied TooLong")
    expect(tagOf(r, liftNotGranted)).toBe("Applied NoEmergencyMandate")
    expect(tagOf(r, frozen)).toBe("Applied Applied")
    const state = defense(r)
    const restriction = state.restrictions[withIt.key]!
    expect(restriction.by).toBe(`group/${group}`)
    expect(restriction.mandate).toBe(granted.key)
    expect(Object.values(state.freezes)[0]!.by).toBe(`group/${group}`)
  })

  it("at most 7 days, renewed once and never again; it lapses by itself", () => {
    const { w, group } = withGroup()
    const long = w.decide(Defense.grantMandate({ group }, { scope: ["restrict"], expires: w.time + 8 * DAY, reason: "x" }))
    const granted = w.decide(Defense.grantMandate({ group }, { scope: ["restrict"], expires: w.time + 3 * DAY, reason: "x" }))
    const twice = w.decide(Defense.grantMandate({ group }, { scope: ["restrict"], expires: w.time + 3 * DAY, reason: "x" }))
    const renewed = w.decide(Defense.renewMandate(granted.key, w.time + 6 * DAY, "the attack goes on"))
    const again = w.decide(Defense.renewMandate(granted.key, w.time + 7 * DAY, "still"))
    const m = defense(w.replica()).mandates[granted.key]!
    w.at(m.renewals[0]!.expires)
    const lapsed = w.groupDecide(group, [ada, bo], block())
    const late = w.decide(Defense.renewMandate(granted.key, w.time + 3 * DAY, "once more"))
    const r = w.replica()
    expect(tagOf(r, long)).toBe("Applied TooLong")
    expect(tagOf(r, granted)).toBe("Applied Applied")
    expect(tagOf(r, twice)).toBe("Applied AlreadyGranted")
    expect(tagOf(r, renewed)).toBe("Applied Applied")
    expect(tagOf(r, again)).toBe("Applied AlreadyRenewed")
    expect(tagOf(r, lapsed)).toBe("Applied NoEmergencyMandate")
    expect(tagOf(r, late)).toBe("Applied MandateEnded")
  })

  it("the scope is from the fixed emergency set: never governance, membership or the mandate itself", () => {
    const { w, group } = withGroup()
    const bad = w.add(ada, "defense", "mandate.grant", { holder: { group: Buffer.from(group, "hex") }, scope: ["governance/proposal.open"], expires: w.time + DAY, reason: "x" })
    const carried = w.decide({ module: "defense", type: "mandate.grant", body: { holder: "prime", scope: ["mandate.grant"], expires: w.time + DAY, reason: "x" } })
    const direct = w.send(ada, Defense.grantMandate("prime", { scope: ["restrict"], expires: w.time + DAY, reason: "x" }))
    const r = w.replica()
    expect(tagOf(r, bad)).toBe("InvalidBody")
    expect(tagOf(r, carried)).toBe("Applied InvalidBody")
    expect(tagOf(r, direct)).toBe("NeedsDecision")
    expect(defense(r).mandates).toEqual({})
  })

  it("a review is due within 14 days of the end; a missed one is listed for justice, and the review clears it", () => {
    const { w, group } = withGroup()
    const granted = w.decide(Defense.grantMandate({ group }, { scope: ["restrict"], expires: w.time + 2 * DAY, reason: "x" }))
    const early = w.decide(Defense.reviewMandate(granted.key, "fine"))
    const m = defense(w.replica()).mandates[granted.key]!
    w.at(m.expires + 14 * DAY)
    let r = w.replica()
    const ctx = { key: "ff".repeat(32), happenedBefore: () => true, communityTime: r.communityTime() }
    expect(Defense.Queries.overdueAt(defense(r), ctx)).toEqual([{ mandate: granted.key, holder: `group/${group}`, ended: m.expires, due: m.expires + 14 * DAY }])
    expect(Defense.Records.overdueReviews(defense(r), { now: r.communityTime() })).toHaveLength(1)
    expect(Defense.Queries.overdueAt(defense(r), { ...ctx, communityTime: m.expires + 14 * DAY - HOUR })).toEqual([])
    const reviewed = w.decide(Defense.reviewMandate(granted.key, "the group restricted one bot key; proportionate"))
    r = w.replica()
    expect(tagOf(r, early)).toBe("Applied NotEnded")
    expect(tagOf(r, reviewed)).toBe("Applied Applied")
    expect(Defense.Queries.overdueAt(defense(r), { ...ctx, communityTime: r.communityTime() })).toEqual([])
    expect(Defense.Records.mandates(defense(r), { now: r.communityTime() })[0]!.status).toBe("reviewed")
  })

  it("ending a mandate early brings its review forward", () => {
    const { w, group } = withGroup()
    const granted = w.decide(Defense.grantMandate({ group }, { scope: ["restrict"], expires: w.time + 5 * DAY, reason: "x" }))
    const ended = w.decide(Defense.endMandate(granted.key, "the attack stopped"))
    const after = w.groupDecide(group, [ada, bo], block())
    const r = w.replica()
    expect(tagOf(r, ended)).toBe("Applied Applied")
    expect(tagOf(r, after)).toBe("Applied NoEmergencyMandate")
    const m = defense(r).mandates[granted.key]!
    expect(Defense.Records.mandates(defense(r), { now: r.communityTime() })[0]!.reviewDue).toBe(m.ended!.at + 14 * DAY)
  })

  it("a mandate for a group that does not exist is refused", () => {
    const w = new World()
    const close = w.decide(Defense.grantMandate({ group: "ab".repeat(32) }, { scope: ["restrict"], expires: w.time + DAY, reason: "x" }))
    expect(tagOf(w.replica(), close)).toBe("Applied UnknownGroup")
  })
})
