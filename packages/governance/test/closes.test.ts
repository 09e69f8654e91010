/**
 * Closes that cannot drop a timely block and stances that cannot be backdated
 * (`docs/protocol.md` §6 "Seen before", G3, G4, G10): a close counts the stances the
 * community had seen before the deadline, whatever parents the close cites; a stance signed
 * after the deadline on old parents counts only when `w(n)` members vouch for it; a later
 * close on old parents cannot rewrite a recorded decision; a partition that heals brings in
 * what its side had seen.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Event } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { gov, type GardenState, HOUR, key, type Key, T0, tagOf, testModule, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave, erin] = people as [Key, Key, Key, Key, Key]
const garden = testModule("garden")
const fence = (what: string): Governance.Draft => ({ module: "garden", type: "fence", body: { what } })
const deadline = T0 + 2 * HOUR

/** Delivery orders of every event but the genesis: as made, reversed, and shuffled. */
const orders = (events: ReadonlyArray<Event.Event>, runs: number): Array<ReadonlyArray<Event.Event>> => [
  events,
  [...events].reverse(),
  ...fc.sample(fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }), { numRuns: runs, seed: 13 })
]

/** Three founders (two clocks make community time); alice proposes to build a fence, alice and bob agree. */
const start = () => {
  const w = new World([alice, bob, carol], { timeWitnesses: 1 })
  w.modules = [garden]
  const p = w.send(alice, Governance.propose({ title: "Fence", deadline, action: fence("fence") }))
  w.send(alice, Governance.stance(p.key, "agree"))
  const agree = w.send(bob, Governance.stance(p.key, "agree"))
  return { w, p, agree }
}

const decisionOf = (w: World, p: Event.Event, order?: ReadonlyArray<Event.Event>) => {
  const r = w.replica(order)
  return { r, decision: gov(r).proposals[p.key]!.decision, planted: r.state<GardenState>(garden).planted }
}

describe("a close cannot drop a block the community had seen", () => {
  it("a closer who cites parents that leave out a block others saw before the deadline: Blocked, in every delivery order", () => {
    const { w, p, agree } = start()
    const ticks = w.witness(deadline, [alice, bob], { parents: [agree] })
    const block = w.send(carol, Governance.stance(p.key, "block", "the fence cuts the path"), { parents: [agree] })
    // alice's device receives the block while community time is still before the deadline.
    w.tick(alice, deadline + 1000, { parents: [block] })
    const close = w.send(bob, Governance.close(p.key), { parents: [ticks] })
    for (const order of orders(w.events.slice(1), 40)) {
      const { r, decision, planted } = decisionOf(w, p, order)
      expect(tagOf(r, close)).toBe("Applied")
      expect(decision).toMatchObject({ key: close.key, outcome: "failed", rule: "Blocked" })
      expect(decision!.stances.map((s) => s.stance)).toContain("block")
      expect(planted).toEqual([])
    }
  })

  it("a block nobody else saw before the deadline does not count, whether or not the close cites it", () => {
    const { w, p, agree } = start()
    const ticks = w.witness(deadline, [alice, bob], { parents: [agree] })
    const block = w.send(carol, Governance.stance(p.key, "block", "signed late, on old parents"), { parents: [agree] })
    // The closer even builds on the late block: it is not counted all the same.
    const close = w.send(bob, Governance.close(p.key), { parents: [ticks, block] })
    for (const order of orders(w.events.slice(1), 20)) {
      const { r, decision, planted } = decisionOf(w, p, order)
      expect(tagOf(r, block)).toBe("Applied")
      expect(tagOf(r, close)).toBe("Applied")
      expect(decision).toMatchObject({ outcome: "passed", rule: "ConsensusReached" })
      expect(decision!.stances.map((s) => s.stance)).toEqual(["agree", "agree"])
      expect(planted).toEqual([{ what: "fence", by: "community" }])
    }
  })

  it("a stance backdated on old parents needs w(n) members to vouch for it: two colluders can, one cannot", () => {
    // Five founders: w(5) = 2. The deadline passes for everyone; then erin blocks on old
    // parents, and dave (colluding) builds on the block, also on old parents.
    const w = new World(people, { timeWitnesses: 1 })
    w.modules = [garden]
    const p = w.send(alice, Governance.propose({ title: "Fence", deadline, action: fence("fence") }))
    const agrees = [alice, bob, carol].map((k) => w.send(k, Governance.stance(p.key, "agree")))
    const old = agrees[agrees.length - 1]!
    const ticks = w.witness(deadline, [alice, bob])
    const block = w.send(erin, Governance.stance(p.key, "block", "backdated"), { parents: [old], time: deadline - 1000 })
    const alone = w.send(carol, Governance.close(p.key), { parents: [ticks, block] })
    expect(decisionOf(w, p).decision).toMatchObject({ key: alone.key, outcome: "passed" })

    const w2 = new World(people, { timeWitnesses: 1 })
    w2.modules = [garden]
    const p2 = w2.send(alice, Governance.propose({ title: "Fence", deadline, action: fence("fence") }))
    const agrees2 = [alice, bob, carol].map((k) => w2.send(k, Governance.stance(p2.key, "agree")))
    const ticks2 = w2.witness(deadline, [alice, bob])
    const block2 = w2.send(erin, Governance.stance(p2.key, "block", "backdated"), { parents: [agrees2[2]!], time: deadline - 1000 })
    w2.tick(dave, deadline - 500, { parents: [block2] })
    w2.send(carol, Governance.close(p2.key), { parents: [ticks2] })
    expect(decisionOf(w2, p2).decision).toMatchObject({ outcome: "failed", rule: "Blocked" })
  })
})

describe("a recorded decision does not change because someone later signs a close on old parents", () => {
  it("an honest close records Blocked; a later close on the deadline ticks sorts first and decides the same, in every delivery order", () => {
    const { w, p, agree } = start()
    const block = w.send(carol, Governance.stance(p.key, "block", "not this year"), { parents: [agree] })
    const ticks = w.witness(deadline, [alice, bob])
    const honest = w.send(carol, Governance.close(p.key))
    const recorded = decisionOf(w, p).decision!
    expect(recorded).toMatchObject({ key: honest.key, outcome: "failed", rule: "Blocked" })
    // Later, alice signs another close whose parents are the deadline ticks only: it has no
    // more ancestors than the honest close, so it can sort first.
    const late = w.send(alice, Governance.close(p.key), { parents: [ticks] })
    for (const order of orders(w.events.slice(1), 40)) {
      const { r, decision, planted } = decisionOf(w, p, order)
      expect(decision).toMatchObject({ outcome: "failed", rule: "Blocked" })
      expect(decision!.stances).toEqual(recorded.stances)
      expect(planted).toEqual([])
      expect([tagOf(r, honest), tagOf(r, late)].sort()).toEqual(["AlreadyClosed", "Applied"])
      expect(tagOf(r, block)).toBe("Applied")
    }
  })
})

describe("a partition that heals", () => {
  it("what the other side saw before the deadline counts once it arrives: the decision is taken again, and its action undone", () => {
    // Five founders; alice, bob and carol on one side, dave and erin on the other.
    const w = new World(people, { timeWitnesses: 1 })
    w.modules = [garden]
    const p = w.send(alice, Governance.propose({ title: "Fence", deadline, action: fence("fence") }))
    const opened = w.heads()
    const block = w.send(dave, Governance.stance(p.key, "block", "we were not heard"), { parents: opened })
    const vouch = w.tick(erin, T0 + HOUR, { parents: [block] })
    const a = [alice, bob, carol].map((k, i) =>
      w.send(k, Governance.stance(p.key, "agree"), { parents: i === 0 ? opened : [w.events[w.events.length - 1]!] })
    )
    const ticks = w.witness(deadline, [alice, bob], { parents: [a[2]!] })
    const close = w.send(carol, Governance.close(p.key), { parents: [ticks] })
    const sideA = w.events.filter((e) => e !== block && e !== vouch).slice(1)
    const before = decisionOf(w, p, sideA)
    expect(before.decision).toMatchObject({ key: close.key, outcome: "passed" })
    expect(before.planted).toEqual([{ what: "fence", by: "community" }])
    for (const order of orders(w.events.slice(1), 20)) {
      const healed = decisionOf(w, p, order)
      expect(healed.decision).toMatchObject({ key: close.key, outcome: "failed", rule: "Blocked" })
      expect(healed.planted).toEqual([])
    }
  })

  it("a stance made before the deadline by a member who had not seen the close, arriving after it in fold order, is recorded as heard late", () => {
    const { w, p, agree } = start()
    w.witness(deadline, [alice, bob])
    const close = w.send(alice, Governance.close(p.key))
    // carol, offline, kept working on her own events (before the deadline by her clock) and
    // then objected: her stance has more ancestors than the close, so it sorts after it.
    let last = agree
    for (let k = 1; k <= 5; k++) last = w.tick(carol, T0 + k * 10 * 60 * 1000, { parents: [last] })
    const late = w.send(carol, Governance.stance(p.key, "object", "I was offline"), { parents: [last] })
    const after = w.send(carol, Governance.stance(p.key, "object", "again"))
    const r = w.replica()
    expect(tagOf(r, late)).toBe("Applied")
    expect(tagOf(r, after)).toBe("AlreadyClosed")
    const proposal = gov(r).proposals[p.key]!
    expect(proposal.decision).toMatchObject({ key: close.key, outcome: "passed" })
    expect(proposal.late.map((s) => [s.member, s.stance, s.reason])).toEqual([[carol.id, "object", "I was offline"]])
  })
})
