import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Event, Replica } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { history, shuffle } from "./support/histories.ts"
import { key } from "./support/world.ts"

const open = (genesis: Event.Event, options: Replica.ReplicaOptions = {}) => {
  const r = Replica.Replica.open(genesis, options)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const outcomes = (replica: Replica.Replica) =>
  replica
    .orderedKeys()
    .map((k) => [k, JSON.stringify(replica.outcome(k))] as const)

describe("fold", () => {
  it("gives the same state hash and outcomes in every delivery order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 9 }), (seed, order, batch) => {
        const b = history(seed, 40)
        const reference = open(b.genesis, { snapshotEvery: 4 })
        reference.ingest(b.events.slice(1))
        const other = open(b.genesis, { snapshotEvery: 3 })
        const shuffled = shuffle(b.events.slice(1), order)
        for (let i = 0; i < shuffled.length; i += batch) other.ingest(shuffled.slice(i, i + batch))
        expect(other.log.size).toBe(reference.log.size)
        expect(other.stateHashHex()).toBe(reference.stateHashHex())
        expect(outcomes(other)).toEqual(outcomes(reference))
      }),
      { numRuns: 60 }
    )
  })

  it("is idempotent under re-delivery", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), (seed, order) => {
        const b = history(seed, 30)
        const r = open(b.genesis)
        const first = r.ingest(b.events.slice(1))
        const tags = new Map(b.events.slice(1).map((e, i) => [e.key, first.verdicts[i]!._tag]))
        const before = r.stateHashHex()
        const again = shuffle(b.events.slice(1), order).slice(0, 15)
        const { verdicts, delivered } = r.ingest(again)
        expect(delivered).toEqual([])
        again.forEach((e, i) => {
          const was = tags.get(e.key)
          // Delivered events are duplicates now; refused ones are refused again.
          expect(verdicts[i]!._tag).toBe(was === "Valid" ? "Duplicate" : was)
        })
        expect(r.stateHashHex()).toBe(before)
      }),
      { numRuns: 30 }
    )
  })

  it("leaves state unchanged when an event is invalid or rejected", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const b = history(seed, 25)
        const r = open(b.genesis)
        r.ingest(b.events.slice(1))
        const before = r.stateHashHex()
        const size = r.log.size
        const a = key(4)
        const stranger = key(999)
        const g = { parents: [b.genesis] }
        const rejected = [
          b.add(a, "core", "member.admit", { identity: stranger.publicKey }, g),
          b.add(stranger, "core", "tick", {}, g),
          b.add(a, "core", "tick", { extra: 1 }, g),
          b.add(a, "nowhere", "x", {}, g)
        ]
        r.ingest(rejected)
        for (const e of rejected) expect(r.outcome(e.key)?._tag).toBe("Rejected")
        expect(r.stateHashHex()).toBe(before)
        // Broken links are refused by the log and never stored.
        const broken = b.add(a, "core", "tick", {}, { seq: 99, prev: b.genesis, parents: [] })
        const v = r.ingest([broken]).verdicts[0]!
        expect(v._tag).toBe("Invalid")
        expect(r.log.size).toBe(size + rejected.length)
        expect(r.stateHashHex()).toBe(before)
      }),
      { numRuns: 20 }
    )
  })
})

describe("late events", () => {
  it("refold from the snapshot before the insertion point, not from genesis", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    for (let i = 0; i < 300; i++) b.add(a, "core", "tick", {})
    const chain = b.events.slice()
    const late = b.add(c, "core", "tick", {}, { parents: [chain[250]!] })
    const r = open(b.genesis, { snapshotEvery: 16 })
    r.ingest(chain.slice(1))
    const reference = open(b.genesis)
    reference.ingest(b.events.slice(1))
    const steps = r.stats.steps
    r.ingest([late])
    // The late event sorts at position 251 of 302: only the tail after the snapshot at 240 is folded again.
    expect(r.stats.steps - steps).toBeLessThanOrEqual(302 - 240)
    expect(r.stats.steps - steps).toBeGreaterThan(300 - 251)
    expect(r.stateHashHex()).toBe(reference.stateHashHex())
    expect(r.orderedKeys()).toEqual(reference.orderedKeys())
  })
})

describe("equivocation", () => {
  it("detects a forked chain, keeps both events as proof and stops counting the author from the fork", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const one = b.add(c, "core", "tick", {}, { parents: [b.genesis] })
    const x = b.add(c, "core", "tick", {}, { parents: [one] })
    const y = b.add(c, "core", "tick", {}, { parents: [one], seq: 2, prev: one, time: x.header.time + 1 })
    const r = open(b.genesis)
    r.ingest([one, x, y])
    expect(r.log.equivocations.get(c.id)).toBe(2)
    expect(r.log.proofs).toHaveLength(1)
    const proof = r.log.proofs[0]!
    expect(Bytes.equals(proof.a, x.key < y.key ? x.bytes : y.bytes)).toBe(true)
    expect(r.outcome(one.key)?._tag).toBe("Applied")
    expect(r.outcome(x.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "Equivocated" } })
    expect(r.outcome(y.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "Equivocated" } })
  })
})
