/**
 * Competing draws of one term (`docs/protocol.md` §12, G7, G8, G10): a term is drawn at an
 * event when any draw of it that passed the checks is in the event's causal past; the seats
 * and seed are those of the recorded draw (the first in fold order).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, type Event } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, type GardenState, HOUR, key, type Key, T0, tagOf, testModule, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave, erin] = people as [Key, Key, Key, Key, Key]
const LAYERS = 20
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0x3c), Uint8Array.of(k.secret[0]!))
const layer = (k: Key, i: number) => Governance.Lot.layer(secretOf(k), LAYERS, i)
const seed = (what: string): Governance.Draft => ({ module: "economy", type: "seed", body: { what } })
const economy = testModule("economy")
const planted = (w: World, order?: ReadonlyArray<Event.Event>) => w.replica(order).state<GardenState>(economy).planted

/**
 * Five founders (two clocks move community time), prime groups of 2 seats, 1-day terms.
 * Everyone commits, term 0 is drawn, and everyone reveals for term 1, except `hide`, whose
 * reveal is left out of the ticks that start term 1 (and built on by `voucher` before the
 * cutoff, when given). The published draw of term 1 is made a
 * little after the start, on top of everything; the late draw is signed on the start ticks
 * only, so it has fewer ancestors and sorts first in fold order.
 */
const setup = (options: { readonly hide?: Key; readonly voucher?: Key } = {}) => {
  const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
  w.modules = [economy]
  for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), LAYERS)))
  w.send(alice, Governance.draw(0))
  for (const k of people) if (k !== options.hide) w.send(k, Governance.reveal(1, layer(k, 1)))
  const before = w.heads()
  const hidden = options.hide ? w.send(options.hide, Governance.reveal(1, layer(options.hide, 1))) : undefined
  if (options.voucher) w.tick(options.voucher, T0 + 2 * HOUR)
  const start = w.witness(T0 + DAY, [alice, bob], { parents: before })
  w.tick(alice, T0 + DAY + 1000)
  const published = w.send(bob, Governance.draw(1))
  return { w, start, published, hidden }
}

/** Seats of the economy prime group in term 1 as a replica of `w` sees them now. */
const economySeats = (w: World) => Governance.Records.seats(gov(w.replica()), 1, "economy")

/**
 * The rest of the history, under the published draw: a prime decision of the economy group
 * seated by it (its action plants "beans"), then reveals for term 2 from everyone but
 * `quiet` and the draw of term 2.
 */
const continueUnder = (w: World, seats: ReadonlyArray<string>, quiet: Key) => {
  const seated = people.filter((k) => seats.includes(k.id))
  const open = w.send(
    seated[0]!,
    Governance.propose({ title: "beans", deadline: T0 + DAY + 2 * HOUR, action: seed("beans"), body: { prime: "economy" } })
  )
  const stances = seated.map((k) => w.send(k, Governance.stance(open.key, "agree")))
  w.witness(T0 + DAY + 3 * HOUR)
  const close = w.send(alice, Governance.close(open.key))
  const reveals = people.filter((k) => k !== quiet).map((k) => w.send(k, Governance.reveal(2, layer(k, 2))))
  w.witness(T0 + 2 * DAY)
  const next = w.send(carol, Governance.draw(2))
  return { open, stances, close, reveals, next }
}

/** Shuffled delivery orders of every event but the genesis (the replica waits for missing parents). */
const orders = (events: ReadonlyArray<Event.Event>, runs: number): Array<ReadonlyArray<Event.Event>> => [
  events,
  [...events].reverse(),
  ...fc.sample(fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }), { numRuns: runs, seed: 7 })
]

describe("competing draws of a term", () => {
  it("a late draw on old parents with the same seats changes nothing for events that saw the published draw", () => {
    const { w, start, published } = setup()
    const seats = economySeats(w)
    expect(seats).toHaveLength(2)
    // The late drawer: someone not seated in economy, who sends nothing after the start ticks.
    const drawer = [carol, dave, erin].find((k) => !seats.includes(k.id))!
    const rest = continueUnder(w, seats, drawer)
    const honest = w.replica()
    expect(planted(w)).toEqual([{ what: "beans", by: "prime:economy" }])
    const reference = gov(honest)

    // Signed later, on the ticks that started the term: fewer ancestors, so it sorts first.
    const late = w.send(drawer, Governance.draw(1), { parents: [start] })
    const events = w.events.slice(1)
    for (const order of orders(events, 30)) {
      const r = w.replica(order)
      const state = gov(r)
      // The late draw is recorded (first in fold order); the published one competes.
      expect(state.terms["1"]!.key).toBe(late.key)
      // Same reveals, same members: the same seed and seats.
      expect(state.terms["1"]!.seed).toBe(reference.terms["1"]!.seed)
      expect(Governance.Records.seats(state, 1, "economy")).toEqual(seats)
      // The prime decision made under the published draw stands, with its action.
      for (const e of [rest.open, ...rest.stances, rest.close]) expect(tagOf(r, e)).toBe("Applied")
      expect(state.proposals[rest.open.key]!.decision).toMatchObject({ outcome: "passed", rule: "AllSeatsAgreed", seats })
      expect(r.state<GardenState>(economy).planted).toEqual([{ what: "beans", by: "prime:economy" }])
      // The next term's reveals and draw still apply, with the same result.
      for (const e of [...rest.reveals, rest.next]) expect(tagOf(r, e)).toBe("Applied")
      expect(state.terms["2"]!.key).toBe(rest.next.key)
      expect(state.terms["2"]!.seed).toBe(reference.terms["2"]!.seed)
      expect(state.terms["2"]!.groups).toEqual(reference.terms["2"]!.groups)
      expect(tagOf(r, late)).toBe("Applied")
      expect(tagOf(r, published)).toBe("Applied")
      expect(state.terms["1"]!.draws).toEqual([late.key, published.key].sort())
    }
  })

  it("a draw that has a draw of its term in its past is refused AlreadyDrawn and not recorded", () => {
    const { w, published } = setup()
    const again = w.send(carol, Governance.draw(1))
    const r = w.replica()
    expect(tagOf(r, again)).toBe("AlreadyDrawn")
    expect(gov(r).terms["1"]!.draws).toEqual([published.key])
  })

  it("a late draw that leaves a reveal out of its past: the reveal counts when the community had seen it, so the seats are the published draw's", () => {
    for (const vouched of [true, false]) {
      // erin's reveal is left out of the start ticks; dave builds on it before the cutoff, or nobody does.
      const { w, start, published } = setup({ hide: erin, ...(vouched ? { voucher: dave } : {}) })
      const seats = economySeats(w)
      const late = w.send(carol, Governance.draw(1), { parents: [start] })
      const events = w.events.slice(1)
      const reference = w.replica()
      const term = gov(reference).terms["1"]!
      expect(tagOf(reference, late)).toBe("Applied")
      expect(tagOf(reference, published)).toBe("Applied")
      expect(term.key).toBe(late.key)
      // Seen by two members before the cutoff, erin's reveal is in the seed whatever the draw
      // cites; seen by erin alone, it is in neither draw's seed (withheld).
      expect(term.withheld).toEqual(vouched ? [] : [erin.id])
      expect(term.reveals.some((r) => r.member === erin.id)).toBe(vouched)
      expect(Governance.Records.seats(gov(reference), 1, "economy")).toEqual(seats)
      const without = w.replica(events.filter((e) => e.key !== late.key))
      expect(gov(without).terms["1"]!.seed).toBe(term.seed)
      for (const order of orders(events, 10)) expect(w.replica(order).stateHashHex()).toBe(reference.stateHashHex())
    }
  })
})
