import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, type Event, Hash, type Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, HOUR, key, type Key, T0, World } from "./support/world.ts"

const people = ["alice", "bob", "carol", "dave", "erin"].map((name, i) => key(i + 1, name))
const [alice, bob, carol, dave] = people as [Key, Key, Key, Key, Key]
const kinds: ReadonlyArray<Governance.StanceKind> = ["agree", "abstain", "object", "block"]
const secretOf = (k: Key) => Bytes.concat(new Uint8Array(31).fill(0x55), Uint8Array.of(k.secret[0]!))

/** Outcomes of every event and the state hash, after delivering `order` one event at a time. */
const fold = (w: World, order: ReadonlyArray<Event.Event>): { hash: string; outcomes: Record<string, string> } => {
  const r = w.replica([])
  for (const e of order) r.ingest([e])
  return summary(r, w)
}

const summary = (r: Replica.Replica, w: World) => {
  const outcomes: Record<string, string> = {}
  for (const e of w.events) {
    const o = r.outcome(e.key)
    outcomes[e.key] = !o ? "missing" : o._tag === "Applied" ? `Applied ${o.actions.map((a) => a._tag).join(",")}` : o.reason._tag
  }
  return { hash: r.stateHashHex(), outcomes }
}

/**
 * A history with concurrency everywhere: a group created by decision, proposals with
 * concurrent stances, an amendment, two concurrent closes, a removal, commitments, reveals
 * and two draws.
 */
const richHistory = (): World => {
  const w = new World(people, { timeWitnesses: 2, primeSize: 2, primeTerm: DAY })
  for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), 8)))
  w.send(alice, Governance.draw(0))
  const fork = w.heads()
  for (const k of people.slice(0, 4)) w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), 8, 1)), { parents: fork })
  const p = w.send(alice, Governance.propose({ title: "Admit nobody", process: "consensus", deadline: T0 + 3 * HOUR }))
  const base = w.heads()
  w.send(bob, Governance.stance(p.key, "block", "wait"), { parents: base })
  w.send(carol, Governance.stance(p.key, "agree"), { parents: base })
  w.send(alice, Governance.amend(p.key, { text: "v1" }), { parents: base })
  w.send(dave, Governance.stance(p.key, "agree"))
  w.send(alice, Governance.stance(p.key, "agree"))
  const g = w.send(
    bob,
    Governance.propose({
      title: "Group",
      process: "consent",
      deadline: T0 + 3 * HOUR,
      action: Governance.createGroup({ name: "G", purpose: "p", mandate: ["garden/plant"], members: [alice.id, bob.id] })
    })
  )
  const r = w.send(carol, Governance.propose({ title: "Remove erin", process: "consent", deadline: T0 + 3 * HOUR, action: Governance.remove(people[4]!.id, "gone") }))
  const late = w.heads()
  const t1 = w.tick(alice, T0 + 3 * HOUR, { parents: late })
  const t2 = w.tick(bob, T0 + 3 * HOUR, { parents: late })
  const c1 = w.send(carol, Governance.close(p.key))
  w.send(dave, Governance.close(p.key), { parents: [t1, t2] })
  w.send(dave, Governance.close(g.key), { parents: [c1] })
  w.send(alice, Governance.close(r.key))
  w.tick(alice, T0 + DAY)
  w.tick(bob, T0 + DAY)
  w.send(carol, Governance.draw(1))
  return w
}

describe("order independence", () => {
  it("every delivery order of a concurrent history gives the same outcomes and state hash", () => {
    const w = richHistory()
    const events = w.events.slice(1)
    const reference = fold(w, events)
    expect(Object.values(reference.outcomes)).not.toContain("missing")
    expect(Object.values(reference.outcomes).filter((o) => o === "AlreadyClosed")).toHaveLength(1)
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (order) => {
        const got = fold(w, order)
        expect(got.hash).toBe(reference.hash)
        expect(got.outcomes).toEqual(reference.outcomes)
      }),
      { numRuns: 40 }
    )
  })

  it("random concurrent stances and closes converge in every order", () => {
    const step = fc.record({ who: fc.nat({ max: 3 }), kind: fc.constantFrom(...kinds), behind: fc.nat({ max: 3 }) })
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), fc.nat({ max: 3 }), fc.infiniteStream(fc.nat()), (steps, closer, shuffle) => {
        const w = new World(people.slice(0, 4), { timeWitnesses: 1 })
        const p = w.send(alice, Governance.propose({ title: "P", deadline: T0 + 2 * HOUR }))
        const frontiers: Array<Array<Event.Event>> = [w.heads()]
        for (const s of steps) {
          const parents = frontiers[Math.max(0, frontiers.length - 1 - s.behind)]!
          const reason = s.kind === "object" || s.kind === "block" ? "because" : undefined
          w.send(people[s.who]!, Governance.stance(p.key, s.kind, reason), { parents })
          frontiers.push(w.heads())
        }
        const tick = w.witness(T0 + 2 * HOUR)
        w.send(people[closer]!, Governance.close(p.key), { parents: [tick] })
        w.send(people[(closer + 1) % 4]!, Governance.close(p.key))
        const events = w.events.slice(1)
        const reference = fold(w, events)
        const it = shuffle[Symbol.iterator]()
        const order = [...events]
        for (let i = order.length - 1; i > 0; i--) {
          const j = it.next().value! % (i + 1)
          ;[order[i], order[j]] = [order[j]!, order[i]!]
        }
        const got = fold(w, order)
        expect(got).toEqual(reference)
      }),
      { numRuns: 60 }
    )
  })
})

/** The outcome rules written plainly, over each member's stance (or none). */
const oracle = (
  process: Governance.Process,
  stances: ReadonlyArray<Governance.StanceKind | null>,
  quorumPercent: number
): Governance.OutcomeKind => {
  const given = stances.filter((s): s is Governance.StanceKind => s !== null)
  if (process === "poll") return "recorded"
  if (process === "consent") return given.some((s) => s === "object" || s === "block") ? "failed" : "passed"
  if (given.length * 100 < quorumPercent * stances.length || given.length === 0) return "failed"
  if (given.includes("block")) return "failed"
  return given.includes("agree") ? "passed" : "failed"
}

describe("outcome rules", () => {
  it("match the rules as written, for any stances, changes of mind and quorum", () => {
    const change = fc.record({ who: fc.nat({ max: 3 }), kind: fc.constantFrom(...kinds) })
    fc.assert(
      fc.property(
        fc.constantFrom<Governance.Process>("consensus", "consent", "poll"),
        fc.array(change, { maxLength: 12 }),
        fc.nat({ max: 100 }),
        (process, changes, quorumPercent) => {
          const w = new World(people.slice(0, 4), { timeWitnesses: 1, quorumPercent })
          const p = w.send(alice, Governance.propose({ title: "P", process, deadline: T0 + 2 * HOUR }))
          const latest: Array<Governance.StanceKind | null> = [null, null, null, null]
          for (const c of changes) {
            w.send(people[c.who]!, Governance.stance(p.key, c.kind, c.kind === "object" || c.kind === "block" ? "why" : undefined))
            latest[c.who] = c.kind
          }
          w.witness(T0 + 2 * HOUR)
          w.send(bob, Governance.close(p.key))
          const d = gov(w.replica()).proposals[p.key]!.decision!
          expect(d.outcome).toBe(oracle(process, latest, quorumPercent))
          expect(d.stances.map((s) => s.stance).sort()).toEqual(latest.filter((s) => s !== null).sort())
        }
      ),
      { numRuns: 80 }
    )
  })
})

describe("the draw", () => {
  /** Seeds that nobody chose: SHA-256 of a counter. */
  const seedN = (i: number) => Hash.sha256(Governance.Lot.u64(i))
  const eligible = Array.from({ length: 12 }, (_, i) => Bytes.toHex(Hash.sha256(Uint8Array.of(i))))

  it("seats every member equally often and every subset of seats equally often (chi-square)", () => {
    const draws = 22_000
    const seats = 3
    const perMember = new Map<string, number>()
    const perSubset = new Map<string, number>()
    for (let i = 0; i < draws; i++) {
      const chosen = Governance.Lot.rank(seedN(i), "economy", eligible)
        .slice(0, seats)
        .map((r) => r.identity)
      for (const m of chosen) perMember.set(m, (perMember.get(m) ?? 0) + 1)
      const subset = [...chosen].sort().join()
      perSubset.set(subset, (perSubset.get(subset) ?? 0) + 1)
    }
    const chi = (observed: ReadonlyArray<number>, expected: number) => observed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0)
    // 11 degrees of freedom: the 0.1% critical value is 31.26.
    expect(perMember.size).toBe(12)
    expect(chi([...perMember.values()], (draws * seats) / 12)).toBeLessThan(31.26)
    // C(12, 3) = 220 subsets, 219 degrees of freedom: the 0.1% critical value is about 293.
    expect(perSubset.size).toBe(220)
    expect(chi([...perSubset.values()], draws / 220)).toBeLessThan(293)
  })

  it("is re-derivable from the seed: the ranking only depends on seed, group and the eligible set", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(...Governance.PRIME_GROUPS), (seedBytes, group) => {
        const a = Governance.Lot.rank(seedBytes, group, eligible)
        const b = Governance.Lot.rank(seedBytes, group, [...eligible].reverse())
        expect(a).toEqual(b)
        for (const r of a) expect(r.score).toBe(Bytes.toHex(Governance.Lot.score(seedBytes, group, Bytes.fromHex(r.identity)!)))
      })
    )
  })

  it("a member can reveal only the next layer of their onion: any other value is refused", () => {
    const secret = secretOf(alice)
    const anchor = Governance.Lot.anchor(secret, 5)
    const next = Governance.Lot.layer(secret, 5, 1)
    expect(Governance.Lot.verifyLayer(next, anchor)).toBe(true)
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (value) => {
        fc.pre(!Bytes.equals(value, next))
        expect(Governance.Lot.verifyLayer(value, anchor)).toBe(false)
      })
    )
  })

  it("k withholders can choose among at most 2^k seeds, and each choice is recorded", () => {
    const withholders = [carol, dave]
    const seeds = new Set<string>()
    for (let mask = 0; mask < 1 << withholders.length; mask++) {
      const w = new World(people, { timeWitnesses: 1, primeSize: 2, primeTerm: DAY })
      for (const k of people) w.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k), 4)))
      w.send(alice, Governance.draw(0))
      for (const k of people) {
        const i = withholders.indexOf(k)
        if (i >= 0 && (mask & (1 << i)) === 0) continue
        w.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k), 4, 1)))
      }
      w.witness(T0 + DAY)
      w.send(bob, Governance.draw(1))
      const term = gov(w.replica()).terms["1"]!
      seeds.add(term.seed)
      expect(term.withheld).toEqual(withholders.filter((_, i) => (mask & (1 << i)) === 0).map((k) => k.id).sort())
      // Everyone else's reveal is always in the seed.
      for (const k of people.filter((k) => !withholders.includes(k))) expect(term.reveals.some((r) => r.member === k.id)).toBe(true)
    }
    expect(seeds.size).toBeLessThanOrEqual(1 << withholders.length)
  })
})
