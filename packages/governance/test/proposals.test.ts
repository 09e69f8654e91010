import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import { DAY, gov, HOUR, key, outcome, T0, tagOf, World } from "./support/world.ts"

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")

/**
 * Three founders. Even with `timeWitnesses: 1`, community time needs two of their clocks
 * (`docs/protocol.md` §6): `w.witness(time)` has alice and bob attest it.
 */
const world = (params: Record<string, number> = {}) => new World([alice, bob, carol], { timeWitnesses: 1, ...params })

const deadline = T0 + 2 * HOUR

describe("proposals: consensus", () => {
  it("passes with quorum and no block, and the host applies its action once under the decision", () => {
    const w = world()
    w.apply(dave)
    const open = w.send(alice, Governance.propose({ title: "Admit dave", process: "consensus", deadline, action: Governance.admit(dave.id) }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    w.witness(deadline)
    const close = w.send(bob, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, close)).toBe("Applied")
    expect(outcome(r, close)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "member.admit" }] })
    expect(r.core.identities[dave.id]!.status).toBe("full")
    const p = gov(r).proposals[open.key]!
    expect(p.status).toBe("passed")
    expect(p.decision).toMatchObject({ outcome: "passed", rule: "ConsensusReached", key: close.key, actionEvent: close.key, deciders: 3 })
    expect(p.decision!.tally).toEqual({ agree: 2, abstain: 0, object: 0, block: 0, silent: 1 })
    expect(Governance.Records.actionStatus(p, { outcomeOf: (k) => r.outcome(k) })).toBe("applied")
  })

  it("fails without quorum when the deadline is reached", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Paint the door", deadline }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.witness(deadline)
    const close = w.send(carol, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "failed", rule: "NoQuorum" })
    expect(gov(r).proposals[open.key]!.decision!.reason).toContain("1 of 3 took part, 2 needed")
  })

  it("fails with a standing block; amending clears stances, and the amended version passes", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Rent", text: "Raise dues to 20", deadline }))
    w.send(bob, Governance.stance(open.key, "block", "too much for some of us"))
    w.send(alice, Governance.stance(open.key, "agree"))
    const amended = w.send(alice, Governance.amend(open.key, { text: "Raise dues to 12, waived on request" }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    w.witness(deadline)
    const close = w.send(carol, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, amended)).toBe("Applied")
    const d = gov(r).proposals[open.key]!.decision!
    expect(d).toMatchObject({ outcome: "passed", version: 1, text: "Raise dues to 12, waived on request", key: close.key })
    expect(d.stances.map((s) => [s.member, s.stance])).toEqual(
      [
        [alice.id, "agree"],
        [bob.id, "agree"]
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
    )
    // Without the amendment, the block stands.
    const w2 = world()
    const o2 = w2.send(alice, Governance.propose({ title: "Rent", text: "Raise dues to 20", deadline }))
    w2.send(bob, Governance.stance(o2.key, "block", "too much for some of us"))
    w2.send(alice, Governance.stance(o2.key, "agree"))
    w2.witness(deadline)
    w2.send(carol, Governance.close(o2.key))
    const d2 = gov(w2.replica()).proposals[o2.key]!.decision!
    expect(d2).toMatchObject({ outcome: "failed", rule: "Blocked" })
    expect(d2.reason).toContain("too much for some of us")
  })

  it("counts only stances in the close's causal past: a concurrent block does not count", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Share tools", deadline }))
    w.send(alice, Governance.stance(open.key, "agree"))
    const agree = w.send(bob, Governance.stance(open.key, "agree"))
    const tick = w.witness(deadline)
    // carol blocks without having seen the ticks; the close does not see the block.
    const block = w.send(carol, Governance.stance(open.key, "block", "not yet"), { parents: [agree] })
    const close = w.send(bob, Governance.close(open.key), { parents: [tick] })
    const r = w.replica()
    expect(tagOf(r, block)).toBe("Applied")
    const d = gov(r).proposals[open.key]!.decision!
    expect(d.outcome).toBe("passed")
    expect(d.stances.some((s) => s.stance === "block")).toBe(false)
    expect(d.key).toBe(close.key)
  })

  it("refuses a stance whose community time is at or past the deadline", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Late", deadline }))
    w.witness(deadline)
    const late = w.send(bob, Governance.stance(open.key, "agree"))
    expect(tagOf(w.replica(), late)).toBe("DeadlinePassed")
  })

  it("refuses to close before the deadline, and a second close is AlreadyClosed", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Early", deadline }))
    const early = w.send(bob, Governance.close(open.key))
    const tick = w.witness(deadline)
    const c1 = w.send(bob, Governance.close(open.key), { parents: [tick] })
    const c2 = w.send(carol, Governance.close(open.key), { parents: [tick] })
    const r = w.replica()
    expect(tagOf(r, early)).toBe("DeadlineNotReached")
    const tags = [tagOf(r, c1), tagOf(r, c2)].sort()
    expect(tags).toEqual(["AlreadyClosed", "Applied"])
    const first = r.orderedKeys().find((k) => k === c1.key || k === c2.key)
    expect(gov(r).proposals[open.key]!.decision!.key).toBe(first)
  })

  it("does not count the stance of a member removed (by a passed decision) before the close", () => {
    const w = world()
    const p1 = w.send(alice, Governance.propose({ title: "Open the garden on Sundays", deadline: T0 + 5 * HOUR }))
    w.send(alice, Governance.stance(p1.key, "agree"))
    w.send(carol, Governance.stance(p1.key, "block", "I want it closed"))
    const p2 = w.send(alice, Governance.propose({ title: "Remove carol", deadline, action: Governance.remove(carol.id, "repeated harm") }))
    w.send(alice, Governance.stance(p2.key, "agree"))
    w.send(bob, Governance.stance(p2.key, "agree"))
    w.witness(deadline)
    const c2 = w.send(bob, Governance.close(p2.key))
    w.send(bob, Governance.stance(p1.key, "agree"))
    w.witness(T0 + 5 * HOUR)
    w.send(alice, Governance.close(p1.key))
    const r = w.replica()
    expect(outcome(r, c2)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "member.remove" }] })
    expect(r.core.identities[carol.id]!.status).toBe("left")
    const d = gov(r).proposals[p1.key]!.decision!
    expect(d).toMatchObject({ outcome: "passed", deciders: 2 })
    expect(d.stances.map((s) => s.member)).not.toContain(carol.id)
  })

  it("one member's far-future clock cannot make a close valid early", () => {
    const w = new World([alice, bob, carol], { timeWitnesses: 2 })
    const open = w.send(alice, Governance.propose({ title: "Clock", deadline }))
    w.send(alice, Governance.stance(open.key, "agree"))
    const honestPast = w.send(bob, Governance.stance(open.key, "agree"))
    w.tick(carol, T0 + 365 * DAY)
    const liar = w.send(carol, Governance.close(open.key))
    // Clocks never go backwards along causal edges: bob attests the deadline without having seen carol's claim.
    w.tick(bob, deadline, { parents: [honestPast] })
    const honest = w.send(alice, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, liar)).toBe("DeadlineNotReached")
    expect(tagOf(r, honest)).toBe("Applied")
  })

  it("refuses deadlines too soon or too late, and a block without a reason", () => {
    const w = world()
    const soon = w.send(alice, Governance.propose({ title: "Soon", deadline: T0 + HOUR - 1 }))
    const far = w.send(alice, Governance.propose({ title: "Far", deadline: T0 + 91 * DAY }))
    const ok = w.send(alice, Governance.propose({ title: "Ok", deadline }))
    const block = w.add(bob, "governance", "stance", { proposal: ok.id, stance: "block" })
    const object = w.add(bob, "governance", "stance", { proposal: ok.id, stance: "object", reason: "  " })
    const r = w.replica()
    expect(tagOf(r, soon)).toBe("DeadlineTooSoon")
    expect(tagOf(r, far)).toBe("DeadlineTooLate")
    expect(tagOf(r, block)).toBe("InvalidBody")
    expect(tagOf(r, object)).toBe("InvalidBody")
    expect((outcome(r, block) as { reason: { message: string } }).reason.message).toContain("needs a reason")
  })

  it("lets only the proposer amend or withdraw, before the deadline", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Mine", deadline }))
    const amendByBob = w.send(bob, Governance.amend(open.key, { text: "hijack" }))
    const withdrawByBob = w.send(bob, Governance.withdraw(open.key))
    const withdraw = w.send(alice, Governance.withdraw(open.key, "changed my mind"))
    const stanceAfter = w.send(bob, Governance.stance(open.key, "agree"))
    const r = w.replica()
    expect(tagOf(r, amendByBob)).toBe("NotProposer")
    expect(tagOf(r, withdrawByBob)).toBe("NotProposer")
    expect(tagOf(r, withdraw)).toBe("Applied")
    expect(tagOf(r, stanceAfter)).toBe("AlreadyClosed")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "withdrawn", reason: "withdrawn by the proposer: changed my mind" })
  })

  it("an amendment close to the deadline must push the deadline", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Sneaky", deadline }))
    w.witness(deadline - 30 * 60 * 1000)
    const late = w.send(alice, Governance.amend(open.key, { text: "something else" }))
    const pushed = w.send(alice, Governance.amend(open.key, { text: "something else", deadline: deadline + 2 * HOUR }))
    const r = w.replica()
    expect(tagOf(r, late)).toBe("DeadlineTooSoon")
    expect(tagOf(r, pushed)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.deadline).toBe(deadline + 2 * HOUR)
  })

  it("a stance made before an amendment it had not seen does not count for the amended version", () => {
    const w = world()
    const open = w.send(alice, Governance.propose({ title: "Versions", deadline }))
    const base = w.heads()
    const amended = w.send(alice, Governance.amend(open.key, { text: "v1" }))
    const old = w.send(bob, Governance.stance(open.key, "agree"), { parents: base })
    const r = w.replica()
    expect(tagOf(r, amended)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.stances.find((s) => s.key === old.key)!.version).toBe(0)
    expect(Governance.Records.stances(gov(r), open.key)).toEqual([])
  })
})

describe("proposals: consent and polls", () => {
  it("consent passes in silence and fails on an objection", () => {
    const w = world()
    const quiet = w.send(alice, Governance.propose({ title: "Quiet", process: "consent", deadline }))
    const loud = w.send(alice, Governance.propose({ title: "Loud", process: "consent", deadline }))
    w.send(bob, Governance.stance(loud.key, "object", "the budget is wrong"))
    w.send(carol, Governance.stance(loud.key, "abstain"))
    w.witness(deadline)
    w.send(bob, Governance.close(quiet.key))
    w.send(bob, Governance.close(loud.key))
    const r = w.replica()
    expect(gov(r).proposals[quiet.key]!.decision).toMatchObject({ outcome: "passed", rule: "ConsentGiven" })
    expect(gov(r).proposals[loud.key]!.decision).toMatchObject({ outcome: "failed", rule: "Objected" })
  })

  it("a poll carries no action and records the tallies", () => {
    const w = world()
    const bad = w.send(alice, Governance.propose({ title: "Poll", process: "poll", deadline, action: Governance.admit(dave.id) }))
    const poll = w.send(alice, Governance.propose({ title: "Lunch?", process: "poll", deadline }))
    w.send(alice, Governance.stance(poll.key, "agree"))
    w.send(bob, Governance.stance(poll.key, "object", "prefer dinner"))
    w.witness(deadline)
    w.send(carol, Governance.close(poll.key))
    const r = w.replica()
    expect(tagOf(r, bad)).toBe("PollCarriesNoAction")
    const d = gov(r).proposals[poll.key]!.decision!
    expect(d).toMatchObject({ outcome: "recorded", rule: "PollRecorded", actionEvent: null })
    expect(d.tally).toEqual({ agree: 1, abstain: 0, object: 1, block: 0, silent: 1 })
  })

  it("a passing proposal closes the one it supersedes", () => {
    const w = world()
    const old = w.send(bob, Governance.propose({ title: "Meet Mondays", process: "consent", deadline: deadline + DAY }))
    const next = w.send(alice, Governance.propose({ title: "Meet Tuesdays", process: "consent", deadline, supersedes: old.key }))
    w.witness(deadline)
    const close = w.send(alice, Governance.close(next.key))
    const lateStance = w.send(carol, Governance.stance(old.key, "agree"))
    const r = w.replica()
    expect(gov(r).proposals[old.key]!.decision).toMatchObject({ outcome: "superseded", key: close.key })
    expect(tagOf(r, lateStance)).toBe("AlreadyClosed")
  })
})

describe("no single member takes an action that needs a decision", () => {
  it("decision-only types signed directly are NeedsDecision", () => {
    const w = world()
    w.apply(dave)
    const admit = w.send(alice, Governance.admit(dave.id))
    const create = w.send(alice, Governance.createGroup({ name: "Mine", purpose: "power", mandate: ["core/member.admit"], members: [alice.id] }))
    const r = w.replica()
    expect(tagOf(r, admit)).toBe("NeedsDecision")
    expect(tagOf(r, create)).toBe("NeedsDecision")
    expect(r.core.identities[dave.id]!.status).toBe("applicant")
  })

  it("a decision cannot carry a member's own act (a stance, a close …)", () => {
    const w = world()
    const target = w.send(alice, Governance.propose({ title: "Target", deadline: deadline + DAY }))
    const sneaky = w.send(bob, Governance.propose({ title: "Sneaky", process: "consent", deadline, action: Governance.stance(target.key, "block", "by decree") }))
    expect(tagOf(w.replica(), sneaky)).toBe("NotAnAction")
  })

  it("an applicant cannot propose or take a stance", () => {
    const w = world()
    w.apply(dave)
    const open = w.send(dave, Governance.propose({ title: "Let me in", deadline }))
    expect(tagOf(w.replica(), open)).toBe("NotAFullMember")
  })
})
