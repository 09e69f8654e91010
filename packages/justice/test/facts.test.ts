import { describe, expect, it } from "vitest"
import { testKey } from "@affinity/core/testing"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, cy, DAY, dee, eli, messageOf, tagOf, World } from "./support/world.ts"

/** A world running defense and the economy beside governance and justice. */
const world = () => {
  const w = new World()
  w.modules = [Governance.module, Justice.module, Defense.module, Economy.module]
  return w
}

describe("a case opened on an overdue mandate review", () => {
  /** A working group of Cy and Dee granted an emergency mandate for two days. */
  const granted = () => {
    const w = world()
    const group = w.decide([Governance.createGroup({ name: "Night watch", purpose: "respond to attacks", mandate: ["defense/restrict"], members: [cy.id, dee.id] })])
    const mandate = w.decide([Defense.grantMandate({ group: group.key }, { scope: ["restrict"], expires: w.now() + 2 * DAY, reason: "a bot wave" })])
    return { w, group: group.key, mandate: mandate.key }
  }

  it("opens only once the review is overdue, about the holder, with nobody's consent, and only once", () => {
    const { w, group, mandate } = granted()
    const early = w.send(ada, Justice.open({ mandate }))
    w.witness(w.now() + 17 * DAY)
    const unknown = w.send(ada, Justice.open({ mandate: "ab".repeat(32) }))
    const opened = w.send(ada, Justice.open({ mandate }, "community"))
    const again = w.send(bo, Justice.open({ mandate }))
    const withdrawn = w.send(ada, Justice.withdraw(opened.key))
    const r = w.replica()
    expect([early, unknown, opened, again, withdrawn].map((e) => tagOf(r, e))).toEqual(["NotOverdue", "NotOverdue", "Applied", "AlreadyOpen", "NotWithdrawable"])
    expect(messageOf(r, again)).toContain("opened on")
    const c = w.justice(r).cases[opened.key]!
    expect(c.kind).toBe("review")
    expect(c.weight).toBe("community")
    expect(c.status).toBe("open")
    expect(c.about).toEqual({ group })
    expect(c.respondents).toEqual([cy.id, dee.id].sort())
    expect(c.fact).toEqual({ mandate })
    expect(Justice.subjectOf(c)).toBe(`group/${group}`)
    expect(Object.keys(w.justice(r).cases)).toEqual([opened.key])
    const names = (id: string) => ({ [ada.id]: "Ada", [cy.id]: "Cy", [dee.id]: "Dee" })[id] ?? (id === `group/${group}` ? "Night watch" : "someone")
    expect(Justice.Records.timeline(w.justice(r), opened.key, names)[0]!.what).toBe(
      "Ada opened an overdue mandate review about the working group Night watch (defense lists its emergency mandate's review as overdue)"
    )
  })

  it("a review recorded in the opening's past leaves no case to open", () => {
    const { w, mandate } = granted()
    w.witness(w.now() + 17 * DAY)
    const reviewed = w.decide([Defense.reviewMandate(mandate, "proportionate")])
    const late = w.send(bo, Justice.open({ mandate }))
    const r = w.replica()
    expect(tagOf(r, reviewed)).toBe("Applied; defense/mandate.review Applied")
    expect(tagOf(r, late)).toBe("NotOverdue")
  })

  it("two concurrent openings: the first in fold order opens the case, the other is refused", () => {
    const { w, mandate } = granted()
    w.witness(w.now() + 17 * DAY)
    const base = w.heads()
    const one = w.send(ada, Justice.open({ mandate }), { parents: base })
    const two = w.send(bo, Justice.open({ mandate }), { parents: base })
    const tags = [tagOf(w.replica(), one), tagOf(w.replica(), two)].sort()
    expect(tags).toEqual(["AlreadyOpen", "Applied"])
    const reversed = w.replica([...w.events].reverse())
    expect(Object.keys(w.justice(reversed).cases)).toEqual(Object.keys(w.justice(w.replica()).cases))
  })

  it("a mandate the defense prime group held: the case is about that prime group", () => {
    const w = world()
    const mandate = w.decide([Defense.grantMandate("prime", { scope: ["restrict"], expires: w.now() + DAY, reason: "a bot wave" })])
    w.witness(w.now() + 16 * DAY)
    const opened = w.send(eli, Justice.open({ mandate: mandate.key }))
    const r = w.replica()
    expect(tagOf(r, opened)).toBe("Applied")
    const c = w.justice(r).cases[opened.key]!
    expect(c.about).toEqual({ prime: "defense" })
    expect(Justice.subjectOf(c)).toBe("prime/defense")
    expect(Justice.Records.aboutName(c, () => "")).toBe("the defense prime group")
  })

  it("without defense, nothing is overdue", () => {
    const w = new World()
    const opened = w.send(ada, Justice.open({ mandate: "ab".repeat(32) }))
    expect(tagOf(w.replica(), opened)).toBe("NotOverdue")
  })
})

describe("a case opened on an overshoot", () => {
  const phone = testKey(12, "Bo's phone")

  /** A currency with a credit limit of 50 and an offline allowance of 30; Bo spends 40 on two devices at once. */
  const overshot = () => {
    const w = world()
    w.decide([Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 0, policy: { creditLimit: 50, offlineAllowance: 30 } })])
    w.add(bo, "core", "device.add", w.deviceAdd(bo, phone))
    const base = w.heads()
    const laptop = w.send(bo, Economy.pay(cy.id, 40, "laptop"), { parents: base })
    const second = w.send(phone, Economy.pay(eli.id, 30, "phone"), { parents: base })
    return { w, spends: [laptop, second] }
  }

  it("opens a case about the payer on the overshoots the economy lists, and only once for each", () => {
    const { w } = overshot()
    const noOvershoot = w.send(ada, Justice.open({ payer: cy.id }))
    const stranger = w.send(ada, Justice.open({ payer: testKey(9, "Stranger").id }))
    const opened = w.send(ada, Justice.open({ payer: bo.id }))
    const again = w.send(cy, Justice.open({ payer: bo.id }))
    const bad = w.send(ada, { module: "justice", type: "case.open", body: { kind: "overshoot", mandate: "ab".repeat(32), weight: "prime" } })
    const r = w.replica()
    expect([noOvershoot, stranger, opened, again, bad].map((e) => tagOf(r, e))).toEqual(["NoOvershoot", "NotAMember", "Applied", "AlreadyOpen", "InvalidBody"])
    const s = w.justice(r)
    const c = s.cases[opened.key]!
    const overshoots = r.state<Economy.State>(Economy.module).overshoots
    expect(overshoots).toHaveLength(1)
    expect(c.kind).toBe("overshoot")
    expect(c.weight).toBe("prime")
    expect(c.about).toEqual({ member: bo.id })
    expect(c.respondents).toEqual([bo.id])
    expect(c.fact).toEqual({ overshoots: [overshoots[0]!.key] })
    // Dee and Eli hold no seats yet: no handlers, and repair needs a named facilitator.
    expect(Justice.parties(c)).toEqual([ada.id, bo.id].sort())
    // The records say what kind of case it is, in words for people and as a word for machines.
    const names = (id: string) => ({ [ada.id]: "Ada", [bo.id]: "Bo" })[id] ?? "someone"
    expect(Justice.Records.toMarkdown(s, names, r.communityTime())).toContain("### An overshot spending limit about Bo, filed ")
    expect(Justice.Records.casesCsv(s, names).split("\r\n")[1]).toMatch(new RegExp(`^${opened.key},overshoot,Bo,`))
    expect(Justice.Records.timeline(s, opened.key, names)[0]!.what).toBe("Ada opened an overshot spending limit about Bo (the economy records 1 overshoot of their limit)")
  })

  it("a new overshoot opens a new case; the one before stays covered", () => {
    const { w } = overshot()
    const first = w.send(ada, Justice.open({ payer: bo.id }))
    w.send(cy, Economy.pay(bo.id, 30, "back"))
    const repaid = w.send(bo, Economy.repay(20))
    const base = w.heads()
    w.send(bo, Economy.pay(cy.id, 10, "laptop again"), { parents: base })
    w.send(phone, Economy.pay(eli.id, 10, "phone again"), { parents: base })
    const second = w.send(cy, Justice.open({ payer: bo.id }))
    const third = w.send(dee, Justice.open({ payer: bo.id }))
    const r = w.replica()
    const overshoots = r.state<Economy.State>(Economy.module).overshoots.map((o) => o.key)
    expect(overshoots).toHaveLength(2)
    expect([first, repaid, second, third].map((e) => tagOf(r, e))).toEqual(["Applied", "Applied", "Applied", "AlreadyOpen"])
    expect(w.justice(r).cases[first.key]!.fact).toEqual({ overshoots: [overshoots[0]!] })
    expect(w.justice(r).cases[second.key]!.fact).toEqual({ overshoots: [overshoots[1]!] })
  })
})
