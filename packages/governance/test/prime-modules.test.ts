/**
 * Prime working groups for the modules a community runs (§8 `prime`, §12 G2, G7, G8): the six of
 * the seed always, and every registered module that sets `prime`, as the host tells governance
 * through the context's `primeModules`.
 */
import { describe, expect, it } from "vitest"
import { Bytes, type Event, Module } from "@affinity/core"
import { Body } from "@affinity/core/module"
import * as Governance from "@affinity/governance"
import { DAY, gov, type GardenState, HOUR, key, type Key, outcome, T0, tagOf, testModule, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob] = people as [Key, Key, Key, Key, Key]
const LAYERS = 20
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0xaa), Uint8Array.of(k.secret[0]!))

/** A third-party module outside the seed that has a prime working group. */
const orchard: Module.Module<GardenState> = { ...testModule("orchard"), prime: true }

/** Five founders running `modules`, prime groups of 2 seats, 1-day terms; terms 0 and 1 drawn. */
const drawn = (modules: ReadonlyArray<Module.Module>) => {
  const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
  w.modules = modules
  for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
  w.send(alice, Governance.draw(0))
  for (const k of people) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
  w.witness(T0 + DAY)
  const draw1 = w.send(bob, Governance.draw(1))
  return { w, draw1 }
}

const byId = (id: string): Key => people.find((k) => k.id === id)!
const deadline = T0 + DAY + 3 * HOUR
const rejection = (r: ReturnType<World["replica"]>, e: Event.Event) => {
  const o = outcome(r, e)
  return o._tag === "Rejected" ? o.reason : undefined
}

describe("prime groups of the community's modules", () => {
  it("the kernel tells the seed's six and every registered module that sets prime, sorted", () => {
    expect(Module.primeModules([])).toEqual(Module.SEED_PRIME_GROUPS)
    expect(Module.primeModules([orchard, testModule("economy"), testModule("notes")])).toEqual([
      "administration",
      "defense",
      "economy",
      "expression",
      "governance",
      "justice",
      "orchard"
    ])
    expect(Governance.PRIME_GROUPS).toEqual(Module.SEED_PRIME_GROUPS)
  })

  it("a module that sets prime gets a prime group drawn and seated each term", () => {
    const { w, draw1 } = drawn([orchard])
    const r = w.replica()
    expect(tagOf(r, draw1)).toBe("Applied")
    const state = gov(r)
    expect(Object.keys(state.terms["1"]!.groups).sort()).toEqual([...Governance.PRIME_GROUPS, "orchard"].sort())
    expect(Object.keys(state.terms["0"]!.groups)).toContain("orchard")
    expect(Governance.primeGroups(state)).toEqual(["administration", "defense", "economy", "expression", "governance", "justice", "orchard"])
    const seats = Governance.Records.seats(state, 1, "orchard")
    expect(seats).toHaveLength(2)
    const explained = Governance.explainDraw(state, 1, "orchard")!
    expect(explained.seedVerified).toBe(true)
    expect(explained.rankingVerified).toBe(true)
    expect(explained.candidates.filter((c) => c.seated).map((c) => c.identity)).toEqual(seats)
    // The binder lists the group with the others.
    const binder = Governance.Binder.html(state, r.core, { timeZone: "UTC" })
    expect(binder).toContain("<td>orchard</td>")
    expect(binder).toMatch(/Each module of community life \([^)]*orchard[^)]*\)/)
  })

  it("its prime decisions carry its actions, under its Prime warrant", () => {
    const { w } = drawn([orchard])
    const seats = Governance.Records.seats(gov(w.replica()), 1, "orchard")
    const open = w.send(alice, Governance.propose({ title: "Apples", deadline, body: { prime: "orchard" }, action: { module: "orchard", type: "seed", body: { what: "apples" } } }))
    const other = w.send(alice, Governance.propose({ title: "x", deadline, body: { prime: "orchard" }, action: { module: "economy", type: "seed", body: { what: "x" } } }))
    for (const s of seats) w.send(byId(s), Governance.stance(open.key, "agree"))
    w.witness(deadline)
    const close = w.send(alice, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, other)).toBe("OutsideMandate")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", rule: "AllSeatsAgreed", seats })
    expect(outcome(r, close)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "orchard", type: "seed" }] })
    expect(r.state<GardenState>("orchard").planted).toEqual([{ what: "apples", by: "prime:orchard" }])
    // The same result in the reverse delivery order.
    const reversed = w.replica([...w.events].reverse())
    expect(reversed.stateHashHex()).toBe(r.stateHashHex())
  })

  it("a seat of its group can be resigned, and the next in line takes it", () => {
    const { w } = drawn([orchard])
    const state = gov(w.replica())
    const seats = Governance.Records.seats(state, 1, "orchard")
    const next = state.terms["1"]!.groups["orchard"]!.ranked[2]!
    const resign = w.send(byId(seats[0]!), Governance.resign("orchard", 1))
    const r = w.replica()
    expect(tagOf(r, resign)).toBe("Applied")
    expect(Governance.Records.seats(gov(r), 1, "orchard")).toEqual([seats[1]!, next])
  })

  it("a proposal or a resignation naming a prime group the community lacks is refused, saying which exist", () => {
    const { w } = drawn([testModule("economy")])
    const open = w.send(alice, Governance.propose({ title: "Apples", deadline, body: { prime: "orchard" } }))
    const resign = w.send(alice, Governance.resign("orchard", 1))
    const r = w.replica()
    for (const e of [open, resign]) {
      const reason = rejection(r, e)
      expect(reason?._tag).toBe("UnknownPrimeGroup")
      expect(reason?.message).toBe(
        "this community has no orchard prime group; its prime groups are administration, defense, economy, expression, governance, justice"
      )
    }
    expect(Governance.primeGroups(gov(r))).toEqual(Governance.PRIME_GROUPS)
    expect(Object.keys(gov(r).proposals)).not.toContain(open.key)
  })

  it("a community whose modules set no flag draws exactly the seed's six, installed or not", () => {
    for (const modules of [[], [testModule("economy"), testModule("notes")]]) {
      const { w } = drawn(modules)
      const state = gov(w.replica())
      for (const t of ["0", "1"]) expect(Object.keys(state.terms[t]!.groups).sort()).toEqual([...Governance.PRIME_GROUPS])
    }
  })

  it("a body names a prime group by module name; whether it exists is judged in the fold", () => {
    expect(Body.decode(Governance.Bodies.Scope, { prime: "orchard" }).ok).toBe(true)
    expect(Body.decode(Governance.Bodies.Resign, { group: "orchard", term: 1 }).ok).toBe(true)
    expect(Body.decode(Governance.Bodies.Scope, { prime: "Orchard!" }).ok).toBe(false)
    expect(Body.decode(Governance.Bodies.Resign, { group: "", term: 1 })).toEqual({ ok: false, message: "group: expected a module name ([a-z][a-z0-9-]{0,31})" })
  })
})
