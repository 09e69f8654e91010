import { describe, expect, it } from "vitest"
import { testKey } from "@affinity/core/testing"
import { ada, bo, cy, Defense, defense, mallory, tagOf, World } from "./support/world.ts"

describe("what a liar cannot do", () => {
  it("a member who forks her chain cannot make up one of the two calls a freeze needs", () => {
    const w = new World()
    const before = w.heads()
    const call = w.send(ada, Defense.freeze("payments", "panic"), { parents: before })
    // The same sequence number after the same event (the genesis, Ada's): a fork.
    const fork = w.add(ada, "core", "tick", {}, { parents: before, seq: call.header.seq, prev: w.genesis, time: call.header.time + 1 })
    w.send(bo, Defense.freeze("payments", "panic"), { parents: [call] })
    const r = w.replica()
    expect(tagOf(r, call)).toBe("Equivocated")
    expect(tagOf(r, fork)).toBe("Equivocated")
    expect(defense(r).freezes).toEqual({})
  })

  it("a member cannot call twice from two devices to freeze alone", () => {
    const w = new World()
    const phone = testKey(40, "Ada's phone")
    w.add(ada, "core", "device.add", w.deviceAdd(ada, phone))
    w.send(ada, Defense.freeze("admissions", "bots"))
    const second = w.send(phone, Defense.freeze("admissions", "bots, from my phone"))
    const r = w.replica()
    expect(tagOf(r, second)).toBe("AlreadyCalled")
    expect(defense(r).freezes).toEqual({})
  })

  it("an outsider cannot import a list, call a freeze, or act for the community", () => {
    const w = new World()
    const tags = [
      w.send(mallory, Defense.freeze("admissions", "x")),
      w.send(mallory, Defense.lift("00".repeat(32), "x")),
      w.send(mallory, Defense.grantMandate("prime", { scope: ["restrict"], expires: w.time + 1000, reason: "x" }))
    ]
    const r = w.replica()
    expect(tags.map((e) => tagOf(r, e))).toEqual(["UnknownAuthor", "UnknownAuthor", "UnknownAuthor"])
  })

  it("a lift concurrent with an application that sorts after it counts (giving power back is judged on the state)", () => {
    const w = new World()
    const restricted = w.decide(Defense.restrict({ key: mallory.publicKey }, { scope: ["join"], reason: "spam" }))
    const base = w.heads()
    const lifted = w.decide(Defense.lift(restricted.key, "a mistake"))
    const apply = w.join(mallory, { parents: base })
    const r = w.replica()
    expect(tagOf(r, lifted)).toBe("Applied Applied")
    const order = r.orderedKeys()
    const outcome = tagOf(r, apply)
    // Before the lift in fold order it meets the restriction; after it, it is free.
    expect(outcome).toBe(order.indexOf(apply.key) < order.indexOf(lifted.key) ? "Restricted" : "Applied")
    expect(cy.id).not.toBe(bo.id)
  })
})
