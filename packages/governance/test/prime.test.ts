import { describe, expect, it } from "vitest"
import { Bytes, type Event } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, type GardenState, HOUR, key, type Key, outcome, T0, tagOf, testModule, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave, erin] = people as [Key, Key, Key, Key, Key]
const LAYERS = 20
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0xaa), Uint8Array.of(k.secret[0]!))

/**
 * Five founders, prime groups of 2 seats, 1-day terms. Everyone commits, term 0 is drawn,
 * everyone but `withhold` reveals for term 1, and term 1 is drawn at its start (alice's and
 * bob's clocks reach it: with five members, `timeWitnesses: 1` still needs two).
 */
const drawn = (options: { readonly withhold?: ReadonlyArray<Key>; readonly primeSize?: number } = {}) => {
  const w = new World(people, { timeWitnesses: 1, primeSize: options.primeSize ?? 2, primeTerm: DAY })
  w.modules = [testModule("economy")]
  for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
  const draw0 = w.send(alice, Governance.draw(0))
  const reveals: Array<Event.Event> = []
  for (const k of people)
    if (!options.withhold?.includes(k)) reveals.push(w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1))))
  w.witness(T0 + DAY)
  const draw1 = w.send(bob, Governance.draw(1))
  return { w, draw0, draw1, reveals }
}

const seed = (what: string): Governance.Draft => ({ module: "economy", type: "seed", body: { what } })

describe("the lot", () => {
  it("seats each prime group from the seed of the reveals, reproducibly", () => {
    const { w, draw0, draw1, reveals } = drawn()
    const r = w.replica()
    for (const e of [draw0, draw1, ...reveals]) expect(tagOf(r, e)).toBe("Applied")
    const state = gov(r)
    const term = state.terms["1"]!
    const values = people.map((k) => Governance.Lot.layer(secretOf(k), LAYERS, 1))
    expect(term.seed).toBe(Bytes.toHex(Governance.Lot.seed(Bytes.fromHex(state.community)!, 1, values)))
    expect(term.withheld).toEqual([])
    expect(term.full).toEqual(people.map((k) => k.id).sort())
    for (const group of Governance.PRIME_GROUPS) {
      const explained = Governance.explainDraw(state, 1, group)!
      expect(explained.seedVerified).toBe(true)
      expect(explained.rankingVerified).toBe(true)
      expect(explained.reveals).toHaveLength(5)
      const seatedNow = explained.candidates.filter((c) => c.seated).map((c) => c.identity)
      expect(seatedNow).toEqual(Governance.Records.seats(state, 1, group))
      expect(seatedNow).toHaveLength(2)
      expect(explained.candidates.map((c) => c.why)).toEqual([
        "seated: rank 1 of 5",
        "seated: rank 2 of 5",
        "rank 3 of 5: next in line for a vacancy",
        "rank 4 of 5: next in line for a vacancy",
        "rank 5 of 5: next in line for a vacancy"
      ])
    }
    const stranger = key(9, "stranger").id
    expect(Governance.explainDraw(state, 1, "justice", { members: [stranger] })!.candidates.at(-1)).toEqual({
      identity: stranger,
      score: null,
      rank: null,
      seated: false,
      why: "not a full member"
    })
    // Term 0 seats nobody.
    expect(Governance.explainDraw(state, 0, "justice")!.candidates.every((c) => c.why.startsWith("term 0"))).toBe(true)
    expect(Governance.Records.seats(state, 0, "governance")).toEqual([])
  })

  it("records withheld reveals, and the seed is made of the others", () => {
    const { w } = drawn({ withhold: [carol] })
    const state = gov(w.replica())
    const term = state.terms["1"]!
    expect(term.withheld).toEqual([carol.id])
    const values = [alice, bob, dave, erin].map((k) => Governance.Lot.layer(secretOf(k), LAYERS, 1))
    expect(term.seed).toBe(Bytes.toHex(Governance.Lot.seed(Bytes.fromHex(state.community)!, 1, values)))
  })

  it("a reveal nobody else had seen before the cutoff does not count (withheld)", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    w.send(alice, Governance.draw(0))
    for (const k of [alice, bob, carol, dave]) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
    const before = w.heads()
    const hidden = w.send(erin, Governance.reveal(1, Governance.Lot.layer(secretOf(erin), LAYERS, 1)))
    const tick = w.witness(T0 + DAY, [alice, bob], { parents: before })
    w.send(bob, Governance.draw(1), { parents: [tick] })
    const r = w.replica()
    expect(tagOf(r, hidden)).toBe("Applied")
    expect(gov(r).terms["1"]!.withheld).toEqual([erin.id])
  })

  it("a reveal the community had seen before the cutoff counts even when the drawer leaves it out of its past", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    w.send(alice, Governance.draw(0))
    for (const k of [alice, bob, carol, dave]) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), LAYERS, 1)))
    const before = w.heads()
    const seen = w.send(erin, Governance.reveal(1, Governance.Lot.layer(secretOf(erin), LAYERS, 1)))
    w.tick(carol, T0 + 2 * HOUR) // carol builds on erin's reveal well before the cutoff
    const tick = w.witness(T0 + DAY, [alice, bob], { parents: before })
    const draw = w.send(bob, Governance.draw(1), { parents: [tick] })
    for (const order of [w.events, [...w.events].reverse().sort((a, b) => (a === w.genesis ? -1 : b === w.genesis ? 1 : 0))]) {
      const r = w.replica(order)
      expect(r.outcome(draw.key)?._tag).toBe("Applied")
      expect(tagOf(r, seen)).toBe("Applied")
      const term = gov(r).terms["1"]!
      expect(term.withheld).toEqual([])
      expect(term.reveals.map((x) => x.member)).toContain(erin.id)
    }
  })

  it("refuses reveals that are early, late, uncommitted, wrong or repeated", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    for (const k of [alice, bob, carol]) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
    const early = w.send(alice, Governance.reveal(1, Governance.Lot.layer(secretOf(alice), LAYERS, 1)))
    w.send(alice, Governance.draw(0))
    const lateCommit = w.send(dave, Governance.commit(Governance.Lot.anchor(secretOf(dave), LAYERS)))
    const uncommitted = w.send(dave, Governance.reveal(1, Governance.Lot.layer(secretOf(dave), LAYERS, 1)))
    const wrong = w.send(bob, Governance.reveal(1, Governance.Lot.layer(secretOf(bob), LAYERS, 2)))
    const ok = w.send(alice, Governance.reveal(1, Governance.Lot.layer(secretOf(alice), LAYERS, 1)))
    const twice = w.send(alice, Governance.reveal(1, Governance.Lot.layer(secretOf(alice), LAYERS, 2)))
    w.witness(T0 + 12 * HOUR)
    const late = w.send(carol, Governance.reveal(1, Governance.Lot.layer(secretOf(carol), LAYERS, 1)))
    const r = w.replica()
    expect(tagOf(r, early)).toBe("RevealTooEarly")
    expect(tagOf(r, lateCommit)).toBe("Applied")
    expect(tagOf(r, uncommitted)).toBe("NotCommitted")
    expect(tagOf(r, wrong)).toBe("BadReveal")
    expect(tagOf(r, ok)).toBe("Applied")
    expect(tagOf(r, twice)).toBe("AlreadyRevealed")
    expect(tagOf(r, late)).toBe("RevealTooLate")
  })

  it("draws terms in order, once, after they start", () => {
    const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
    const skip = w.send(alice, Governance.draw(1))
    const d0 = w.send(alice, Governance.draw(0))
    const again = w.send(bob, Governance.draw(0))
    const notYet = w.send(bob, Governance.draw(1))
    w.witness(T0 + DAY)
    const d1 = w.send(bob, Governance.draw(1))
    const r = w.replica()
    expect(tagOf(r, skip)).toBe("PreviousTermNotDrawn")
    expect(tagOf(r, d0)).toBe("Applied")
    expect(tagOf(r, again)).toBe("AlreadyDrawn")
    expect(tagOf(r, notYet)).toBe("TermNotStarted")
    expect(tagOf(r, d1)).toBe("Applied")
  })

  it("does not seat anyone in the same group two terms in a row", () => {
    const { w } = drawn()
    for (const k of people) w.send(k, Governance.reveal(2, Governance.Lot.layer(secretOf(k), LAYERS, 2)))
    w.witness(T0 + 2 * DAY)
    const d2 = w.send(carol, Governance.draw(2))
    const r = w.replica()
    expect(tagOf(r, d2)).toBe("Applied")
    const state = gov(r)
    for (const group of Governance.PRIME_GROUPS) {
      const before = Governance.Records.seats(state, 1, group)
      const after = Governance.Records.seats(state, 2, group)
      expect(state.terms["2"]!.groups[group]!.excluded).toEqual([...before].sort())
      expect(after.some((m) => before.includes(m))).toBe(false)
      const explained = Governance.explainDraw(state, 2, group)!
      for (const m of before) expect(explained.candidates.find((c) => c.identity === m)!.why).toBe("served last term")
    }
  })
})

describe("prime decisions", () => {
  const decideInTerm1 = (stancesBy: (seats: ReadonlyArray<string>) => ReadonlyArray<Key>) => {
    const { w } = drawn()
    const seats = Governance.Records.seats(gov(w.replica()), 1, "economy")
    const open = w.send(alice, Governance.propose({ title: "Seed money", deadline: T0 + DAY + 3 * HOUR, body: { prime: "economy" }, action: seed("fund") }))
    for (const k of stancesBy(seats)) w.send(k, Governance.stance(open.key, "agree"))
    w.witness(T0 + DAY + 3 * HOUR)
    const close = w.send(alice, Governance.close(open.key))
    return { w, open, close, seats, r: w.replica() }
  }

  it("pass with agreement of every seated member, under a Prime warrant", () => {
    const { r, open, close, seats } = decideInTerm1((seats) => people.filter((k) => seats.includes(k.id)))
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", rule: "AllSeatsAgreed", seats })
    expect(outcome(r, close)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "economy", type: "seed" }] })
    expect(r.state<GardenState>("economy").planted).toEqual([{ what: "fund", by: "prime:economy" }])
  })

  it("fail when one seated member is silent: silence is not consent", () => {
    const { r, open } = decideInTerm1((seats) => people.filter((k) => k.id === seats[0]))
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "failed", rule: "SeatMissingAgreement" })
    expect(r.state<GardenState>("economy").planted).toEqual([])
  })

  it("take stances from seated members only", () => {
    const { w } = drawn()
    const seats = Governance.Records.seats(gov(w.replica()), 1, "economy")
    const outsider = people.find((k) => !seats.includes(k.id))!
    const open = w.send(alice, Governance.propose({ title: "Seed", deadline: T0 + DAY + 3 * HOUR, body: { prime: "economy" } }))
    const s = w.send(outsider, Governance.stance(open.key, "agree"))
    expect(tagOf(w.replica(), s)).toBe("NotSeated")
  })

  it("decide only their own module's actions, by consensus", () => {
    const { w } = drawn()
    const other = w.send(alice, Governance.propose({ title: "x", deadline: T0 + DAY + 3 * HOUR, body: { prime: "justice" }, action: seed("x") }))
    const consent = w.send(alice, Governance.propose({ title: "y", process: "consent", deadline: T0 + DAY + 3 * HOUR, body: { prime: "economy" } }))
    const r = w.replica()
    expect(tagOf(r, other)).toBe("OutsideMandate")
    expect(tagOf(r, consent)).toBe("ProcessNotAllowed")
  })

  it("a group short of seats cannot decide: PrimeShortOfSeats", () => {
    const w = new World([alice, bob], { timeWitnesses: 1, primeSize: 3, primeTerm: DAY })
    const before = w.send(alice, Governance.propose({ title: "Undrawn", deadline: T0 + 3 * HOUR, body: { prime: "economy" } }))
    w.send(alice, Governance.draw(0))
    w.tick(alice, T0 + DAY)
    w.send(alice, Governance.draw(1))
    const short = w.send(alice, Governance.propose({ title: "Too few", deadline: T0 + DAY + 3 * HOUR, body: { prime: "economy" } }))
    const r = w.replica()
    expect(tagOf(r, before)).toBe("PrimeShortOfSeats")
    expect(tagOf(r, short)).toBe("PrimeShortOfSeats")
    expect(Governance.Records.seats(gov(r), 1, "economy")).toHaveLength(2)
  })

  it("refill a vacancy with the next in line when a seated member is removed", () => {
    const { w } = drawn()
    const state = gov(w.replica())
    const seats = Governance.Records.seats(state, 1, "economy")
    const ranked = state.terms["1"]!.groups["economy"]!.ranked
    const gone = seats[0]!
    const others = people.filter((k) => k.id !== gone)
    const remove = w.send(
      others[0]!,
      Governance.propose({ title: "Remove", process: "consent", deadline: T0 + DAY + 2 * HOUR, action: Governance.remove(gone, "moved away") })
    )
    w.witness(T0 + DAY + 2 * HOUR, others.slice(0, 2))
    w.send(others[0]!, Governance.close(remove.key))
    const r = w.replica()
    expect(r.core.identities[gone]!.status).toBe("left")
    const isFull = (id: string) => r.core.identities[id]?.status === "full"
    expect(Governance.Records.seats(gov(r), 1, "economy", isFull)).toEqual([seats[1]!, ranked[2]!])
  })

  it("a seated member may resign; the next in line takes the seat", () => {
    const { w } = drawn()
    const state = gov(w.replica())
    const seats = Governance.Records.seats(state, 1, "economy")
    const ranked = state.terms["1"]!.groups["economy"]!.ranked
    const resigning = people.find((k) => k.id === seats[0])!
    const ok = w.send(resigning, Governance.resign("economy", 1))
    const notSeated = w.send(people.find((k) => !seats.includes(k.id) && k.id !== ranked[2])!, Governance.resign("economy", 1))
    const r = w.replica()
    expect(tagOf(r, ok)).toBe("Applied")
    expect(tagOf(r, notSeated)).toBe("NotSeated")
    expect(Governance.Records.seats(gov(r), 1, "economy")).toEqual([seats[1]!, ranked[2]!])
  })

  it("a seat can be resigned only during its term: after it ended, TermEnded, and the next draw is unchanged", () => {
    const { w } = drawn()
    const state = gov(w.replica())
    const seats = Governance.Records.seats(state, 1, "economy")
    const ranked = state.terms["1"]!.groups["economy"]!.ranked
    const resigning = people.find((k) => k.id === seats[0])!
    for (const k of people) w.send(k, Governance.reveal(2, Governance.Lot.layer(secretOf(k), LAYERS, 2)))
    w.witness(T0 + 2 * DAY)
    // Term 1 has ended: resigning from it now would move the next in line into the exclusions of term 2.
    const ended = w.send(resigning, Governance.resign("economy", 1))
    const notStarted = w.send(resigning, Governance.resign("economy", 3))
    const d2 = w.send(carol, Governance.draw(2))
    const afterDraw = w.send(resigning, Governance.resign("economy", 1))
    const r = w.replica()
    expect(tagOf(r, ended)).toBe("TermEnded")
    expect((outcome(r, ended) as { reason: { message: string } }).reason.message).toContain("a seat can only be resigned during its term")
    expect(tagOf(r, notStarted)).toBe("TermNotStarted")
    expect(tagOf(r, d2)).toBe("Applied")
    expect(tagOf(r, afterDraw)).toBe("TermEnded")
    const after = gov(r)
    expect(after.terms["1"]!.groups["economy"]!.resigned).toEqual([])
    expect(Governance.Records.seats(after, 1, "economy")).toEqual(seats)
    expect(after.terms["2"]!.groups["economy"]!.excluded).toEqual([...seats].sort())
    expect(after.terms["2"]!.groups["economy"]!.excluded).not.toContain(ranked[2])
  })
})
