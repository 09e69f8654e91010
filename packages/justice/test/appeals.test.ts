import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, byId, cy, DAY, dee, eli, fay, gus, HOUR, messageOf, people, tagOf, World } from "./support/world.ts"

const scope = { module: "governance", types: ["proposal.open"] }

/** Seven founders; the justice prime group corrects Bo, then restricts Bo from opening proposals for 30 days. */
const restricted = () => {
  const w = new World([...people, fay, gus])
  const seats = w.seat()
  const first = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
  w.decide([Justice.decide({ case: first.key, option: "correction", reason: "a first word" })], { seats })
  const second = w.send(ada, Justice.file({ about: { member: bo.id }, weight: "prime" }))
  w.decide([Justice.decide({ case: second.key, option: "warning", reason: "a warning" })], { seats }) // refused: a warning needs a scope
  const warning = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "no new proposals for a month", scope, until: w.now() + 2 * HOUR + 30 * DAY })], { seats })
  return { w, seats, warning }
}

describe("appeals", () => {
  it("are heard by a panel drawn by lot that excludes whoever decided, and a panel's consensus overturns", () => {
    const { w, seats, warning } = restricted()
    const byOther = w.send(cy, Justice.appeal(warning.key))
    const appeal = w.send(bo, Justice.appeal(warning.key))
    const twice = w.send(bo, Justice.appeal(warning.key))
    const s = w.justice()
    const a = s.appeals[appeal.key]!
    expect(a.panel.length).toBeGreaterThan(0)
    for (const decider of seats) expect(a.panel).not.toContain(decider.id)
    expect(a.panel).not.toContain(bo.id)
    expect(a.panel).not.toContain(ada.id)
    // The panel is reproducible from the log: the lot's seed and the restriction's key.
    const seed = Governance.Records.seats(w.gov(), 1, "justice").length > 0 ? w.gov().terms["1"]!.seed : ""
    expect(a.seed).toBe(Justice.Panel.seedOf(seed, warning.key))
    expect(a.panel).toEqual(Justice.Panel.draw(a.seed, [...people, fay, gus].map((k) => k.id).sort(), [...seats.map((k) => k.id), ada.id, bo.id], 3))
    const outsider = [...people, fay, gus].find((k) => !a.panel.includes(k.id))!
    const notOnPanel = w.send(outsider, Justice.appealStance(appeal.key, "overturn"))
    const [first, ...rest] = a.panel.map(byId)
    w.send(first!, Justice.appealStance(appeal.key, "overturn"))
    const blockedMeanwhile = w.send(bo, Governance.propose({ title: "Paint", deadline: w.now() + 2 * HOUR }))
    for (const k of rest) w.send(k, Justice.appealStance(appeal.key, "overturn"))
    const late = w.send(first!, Justice.appealStance(appeal.key, "uphold"))
    const free = w.send(bo, Governance.propose({ title: "Paint", deadline: w.now() + 2 * HOUR }))
    const r = w.replica()
    expect([byOther, appeal, twice, notOnPanel, late].map((e) => tagOf(r, e))).toEqual([
      "NotYourRestriction",
      "Applied",
      "AlreadyAppealed",
      "NotOnThePanel",
      "AppealDecided"
    ])
    expect(tagOf(r, blockedMeanwhile)).toBe(a.panel.length === 1 ? "Applied" : "Restricted")
    expect(tagOf(r, free)).toBe("Applied")
    expect(w.justice(r).restrictions[warning.key]!.ended?.why).toBe("overturned")
    expect(w.justice(r).appeals[appeal.key]!.decided?.verdict).toBe("overturn")
  })

  it("a split panel decides nothing; an upholding panel leaves the restriction", () => {
    const { w, warning } = restricted()
    const appeal = w.send(bo, Justice.appeal(warning.key))
    const panel = w.justice().appeals[appeal.key]!.panel.map(byId)
    expect(panel.length).toBeGreaterThan(1)
    w.send(panel[0]!, Justice.appealStance(appeal.key, "overturn"))
    for (const k of panel.slice(1)) w.send(k, Justice.appealStance(appeal.key, "uphold"))
    // Split: nothing is decided, and the restriction holds.
    expect(w.justice().appeals[appeal.key]!.decided).toBeNull()
    expect(w.justice().restrictions[warning.key]!.ended).toBeNull()
    w.send(panel[0]!, Justice.appealStance(appeal.key, "uphold")) // the first member changes their mind
    const r = w.replica()
    expect(w.justice(r).appeals[appeal.key]!.decided?.verdict).toBe("uphold")
    expect(w.justice(r).restrictions[warning.key]!.ended).toBeNull()
  })

  it("a panel member who leaves does not hold up the others' consensus", () => {
    const { w, warning } = restricted()
    const appeal = w.send(bo, Justice.appeal(warning.key))
    const panel = w.justice().appeals[appeal.key]!.panel.map(byId)
    if (panel.length < 2) return
    const [gone, ...rest] = panel
    w.send(gone!, { module: "core", type: "member.leave", body: { note: "moving away" } })
    for (const k of rest) w.send(k, Justice.appealStance(appeal.key, "overturn"))
    expect(w.justice().appeals[appeal.key]!.decided?.verdict).toBe("overturn")
  })

  it("a working group's restriction is appealed by one of its members", () => {
    const w = new World([...people, fay, gus])
    const kitchen = w.decide([Governance.createGroup({ name: "Kitchen", purpose: "Cook on Fridays", mandate: [], members: [cy.id, dee.id] })], "community", { agree: [...people, fay, gus] })
    const first = w.send(ada, Justice.file({ about: { group: kitchen.key }, weight: "community" }))
    for (const k of [ada, bo, eli]) w.send(k, Justice.vote(first.key, "correction"))
    w.decide([Justice.decide({ case: first.key, option: "correction", reason: "left the kitchen dirty" })], "community", { agree: [...people, fay, gus] })
    const second = w.send(ada, Justice.file({ about: { group: kitchen.key }, weight: "community" }))
    for (const k of [ada, bo, eli]) w.send(k, Justice.vote(second.key, "warning"))
    const warning = w.decide([Justice.decide({ case: second.key, option: "warning", reason: "again", scope: { module: "governance" }, until: w.now() + 2 * HOUR + 5 * DAY })], "community", { agree: [...people, fay, gus] })
    const byOutsider = w.send(eli, Justice.appeal(warning.key))
    const byMember = w.send(dee, Justice.appeal(warning.key))
    const r = w.replica()
    expect(tagOf(r, warning)).toBe("Applied; justice/case.decide Applied")
    expect(w.justice(r).restrictions[warning.key]!.subject).toBe(`group/${kitchen.key}`)
    expect(tagOf(r, byOutsider)).toBe("NotYourRestriction")
    expect(tagOf(r, byMember)).toBe("Applied")
    // Neither the group's members (the respondents) nor those who voted for the warning sit.
    expect(w.justice(r).appeals[byMember.key]!.panel.map((id) => byId(id).name).sort()).toEqual(["Fay", "Gus"])
  })

  it("come within the set time (20 days by default)", () => {
    const { w, warning } = restricted()
    w.witness(w.now() + 21 * DAY)
    const late = w.send(bo, Justice.appeal(warning.key))
    const r = w.replica()
    expect(tagOf(r, late)).toBe("AppealTooLate")
    expect(messageOf(r, late)).toContain("within 20 days")
  })

  it("the justice prime group's warning needs a scope: the body says so", () => {
    const { w } = restricted()
    void w
    expect(Justice.module.events["case.decide"]!.decode(Justice.decide({ case: "01".repeat(32), option: "warning", reason: "x" }).body)).toEqual({
      ok: false,
      message: "a warning needs a scope and an expiry (until)"
    })
    void cy
    void dee
    void eli
  })
})
