import { describe, expect, it } from "vitest"
import type { Event } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { grant, revoke, skills } from "./support/skills.ts"
import { gov, HOUR, key, outcome, T0, tagOf, World } from "./support/world.ts"

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")

/** Four founders; the community creates "Treasurers" (alice), which requires `requires` to join. */
const treasurers = (requires: Governance.Qualification.Requirement = { module: "skills", qualification: "bookkeeping" }) => {
  const w = new World([alice, bob, carol, dave], { timeWitnesses: 1 })
  w.modules = [skills]
  const create = w.send(
    alice,
    Governance.propose({
      title: "Form the treasurers",
      process: "consent",
      deadline: T0 + HOUR,
      action: Governance.createGroup({ name: "Treasurers", purpose: "Keep the books", mandate: [], members: [alice.id], requires })
    })
  )
  w.witness(T0 + HOUR)
  const made = w.send(carol, Governance.close(create.key))
  return { w, group: made.key, made }
}

const orders = (events: ReadonlyArray<Event.Event>): ReadonlyArray<ReadonlyArray<Event.Event>> => [
  events,
  [...events].reverse(),
  [...events.filter((_, i) => i % 2 === 1), ...events.filter((_, i) => i % 2 === 0)],
  [...events.filter((_, i) => i % 3 === 2), ...events.filter((_, i) => i % 3 !== 2).reverse()]
]

describe("working groups that require a qualification kept by another module", () => {
  it("admit a join only when the joining event's past holds the qualification, in every delivery order", () => {
    const { w, group, made } = treasurers()
    const none = w.send(carol, Governance.joinGroup(group))
    const carolGrant = w.send(alice, grant(carol.id), { parents: [made] })
    const concurrent = w.send(carol, Governance.joinGroup(group), { parents: [none] })
    const joined = w.send(carol, Governance.joinGroup(group), { parents: [concurrent, carolGrant] })
    const wrongSkill = w.send(alice, grant(bob.id, "gardening"), { parents: [carolGrant] })
    const bobNo = w.send(bob, Governance.joinGroup(group), { parents: [wrongSkill] })
    const bobGrant = w.send(alice, grant(bob.id), { parents: [wrongSkill] })
    const bobRevoke = w.send(alice, revoke(bobGrant), { parents: [bobGrant] })
    const bobUnseen = w.send(bob, Governance.joinGroup(group), { parents: [bobNo, bobGrant] })
    const daveGrant = w.send(alice, grant(dave.id), { parents: [bobRevoke] })
    const daveRevoke = w.send(alice, revoke(daveGrant), { parents: [daveGrant] })
    const daveAfter = w.send(dave, Governance.joinGroup(group), { parents: [daveRevoke] })
    const expected: ReadonlyArray<readonly [Event.Event, string]> = [
      [none, "NotQualified"],
      [carolGrant, "Applied"],
      [concurrent, "NotQualified"],
      [joined, "Applied"],
      [bobNo, "NotQualified"],
      [bobRevoke, "Applied"],
      [bobUnseen, "Applied"],
      [daveAfter, "NotQualified"]
    ]
    const hashes = new Set<string>()
    for (const order of orders(w.events)) {
      const r = w.replica(order)
      for (const [e, tag] of expected) expect(`${e.header.type} ${tagOf(r, e)}`).toBe(`${e.header.type} ${tag}`)
      expect(gov(r).groups[group]!.members).toEqual([alice.id, bob.id, carol.id].sort())
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
    const r = w.replica()
    expect(gov(r).groups[group]!.requires).toEqual({ module: "skills", qualification: "bookkeeping" })
    const refusal = outcome(r, none)
    expect(refusal._tag === "Rejected" && refusal.reason.message).toMatch(/requires the qualification "bookkeeping" kept by skills, and you do not hold it/)
  })

  it("refuse a join, saying why, when the named module is not run or answers no such query", () => {
    for (const [requires, why] of [
      [{ module: "ledger", qualification: "bookkeeping" }, /no module named ledger/],
      [{ module: "core", qualification: "bookkeeping" }, /core answers no query named qualified/]
    ] as const) {
      const { w, group } = treasurers(requires)
      w.send(alice, grant(carol.id))
      const join = w.send(carol, Governance.joinGroup(group))
      const o = outcome(w.replica(), join)
      expect(o).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotQualified" } })
      expect(o._tag === "Rejected" && o.reason.message).toMatch(why)
    }
  })

  it("leave groups without a requirement as they were: no requires key, everyone full may join", () => {
    const w = new World([alice, bob], { timeWitnesses: 1 })
    const create = w.send(
      alice,
      Governance.propose({
        title: "Form",
        process: "consent",
        deadline: T0 + HOUR,
        action: Governance.createGroup({ name: "Open", purpose: "Anyone", mandate: [], members: [alice.id] })
      })
    )
    w.witness(T0 + HOUR)
    const made = w.send(bob, Governance.close(create.key))
    const join = w.send(bob, Governance.joinGroup(made.key))
    const r = w.replica()
    expect(tagOf(r, join)).toBe("Applied")
    expect("requires" in gov(r).groups[made.key]!).toBe(false)
  })

  it("refuse a requirement that is not a module name and a qualification", () => {
    const w = new World([alice, bob], { timeWitnesses: 1 })
    const bad = w.add(alice, "governance", "proposal.open", {
      title: "Form",
      text: "",
      process: "consent",
      deadline: T0 + HOUR,
      action: { module: "governance", type: "group.create", body: { name: "X", purpose: "Y", mandate: [], members: [], requires: { module: "Skills!", qualification: "" } } }
    })
    w.witness(T0 + HOUR)
    const close = w.send(bob, Governance.close(bad.key))
    const o = outcome(w.replica(), close)
    expect(o).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "InvalidBody" } }] })
  })
})
