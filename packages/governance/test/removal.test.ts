import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type Event, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, HOUR, key, T0, tagOf, World } from "./support/world.ts"

const [ana, ben, cy, dee] = [key(11, "ana"), key(12, "ben"), key(13, "cy"), key(14, "dee")]

/** Four founders decide to remove `cy`; returns the world and the events of that decision. */
const removal = () => {
  const w = new World([ana, ben, cy, dee])
  const deadline = T0 + 2 * HOUR
  const open = w.send(ana, Governance.propose({ title: "Remove cy", process: "consensus", deadline, action: Governance.remove(cy.id, "keeps breaking the rules") }))
  w.send(ana, Governance.stance(open.key, "agree"))
  w.send(ben, Governance.stance(open.key, "agree"))
  const t1 = w.tick(ana, deadline)
  const t2 = w.tick(ben, deadline)
  const close = w.send(dee, Governance.close(open.key))
  return { w, open, close, ticks: [t1, t2] as const }
}

/** Every order of `events` (small lists), or fast-check's samples of them. */
const shuffles = <T>(events: ReadonlyArray<T>): Array<Array<T>> =>
  fc.sample(fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }), 40)

describe("removal holds like revocation", () => {
  it("acts the removal had not seen do not take effect, whatever parents they cite and in every delivery order", () => {
    const { w, open, close, ticks } = removal()
    // cy signs on parents from before the removal: a tick and a proposal.
    const tick = w.tick(cy, T0 + 3 * HOUR, { parents: [...ticks] })
    const proposal = w.send(cy, Governance.propose({ title: "Undo", process: "consensus", deadline: T0 + 5 * HOUR }), { parents: [...ticks] })
    const late = [close, tick, proposal]
    const prefix = w.events.filter((e) => !late.includes(e))
    const hashes = new Set<string>()
    for (const order of [late, [tick, proposal, close], ...shuffles(late)]) {
      const r = w.replica([...prefix, ...order])
      expect(tagOf(r, close)).toBe("Applied")
      expect(r.core.identities[cy.id]!.status).toBe("left")
      expect(tagOf(r, tick)).toBe("Removed")
      expect(tagOf(r, proposal)).toBe("Removed")
      expect(gov(r).proposals[proposal.key]).toBeUndefined()
      expect(gov(r).proposals[open.key]!.status).toBe("passed")
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
  })

  it("a removed member stops counting for community time: with one other member they cannot move it", () => {
    const { w, close, ticks } = removal()
    const far = T0 + 60 * DAY
    const cyTick = w.tick(cy, far, { parents: [...ticks] })
    const anaTick = w.tick(ana, far, { parents: [cyTick, close] })
    const probe = w.tick(ben, far, { parents: [anaTick] })
    for (const order of shuffles([close, cyTick, anaTick, probe])) {
      const r = w.replica([...w.events.filter((e) => ![close, cyTick, anaTick, probe].includes(e)), ...order])
      expect(tagOf(r, cyTick)).toBe("Removed")
      expect(r.communityTimeAt(r.log.index.get(probe.key)!)).toBeLessThan(T0 + DAY)
    }
  })

  it("acts by the removed member that the removal had seen keep their effect", () => {
    const w = new World([ana, ben, cy, dee])
    const deadline = T0 + 2 * HOUR
    const open = w.send(ana, Governance.propose({ title: "Remove cy", process: "consensus", deadline, action: Governance.remove(cy.id, "left town") }))
    const cyStance = w.send(cy, Governance.stance(open.key, "agree"))
    w.send(ana, Governance.stance(open.key, "agree"))
    w.tick(ana, deadline)
    w.tick(ben, deadline)
    const close = w.send(dee, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, cyStance)).toBe("Applied")
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision!.tally.agree).toBe(2)
  })

  it("two decisions removing each other's closers: the one first in fold order holds, in every delivery order", () => {
    const w = new World([ana, ben, cy, dee])
    const deadline = T0 + 2 * HOUR
    const p1 = w.send(ana, Governance.propose({ title: "Remove ben", process: "consensus", deadline, action: Governance.remove(ben.id, "r1") }))
    const p2 = w.send(ana, Governance.propose({ title: "Remove cy", process: "consensus", deadline, action: Governance.remove(cy.id, "r2") }))
    for (const p of [p1, p2]) for (const k of [ana, dee]) w.send(k, Governance.stance(p.key, "agree"))
    const t1 = w.tick(ana, deadline)
    const t2 = w.tick(dee, deadline)
    // cy closes the proposal removing ben; ben closes the one removing cy; neither saw the other.
    const c1 = w.send(cy, Governance.close(p1.key), { parents: [t1, t2] })
    const c2 = w.send(ben, Governance.close(p2.key), { parents: [t1, t2] })
    const first = c1.key < c2.key ? c1 : c2
    const second = first === c1 ? c2 : c1
    const hashes = new Set<string>()
    const prefix = w.events.filter((e) => e !== c1 && e !== c2)
    for (const order of [[c1, c2], [c2, c1]]) {
      const r = w.replica([...prefix, ...order])
      expect(tagOf(r, first)).toBe("Applied")
      expect(tagOf(r, second)).toBe("Removed")
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
  })

  it("order-independence with removals, their subjects' concurrent acts and closes racing them (fast-check)", () => {
    const { w, close, ticks } = removal()
    const extra: Array<Event.Event> = []
    extra.push(w.tick(cy, T0 + 3 * HOUR, { parents: [...ticks] }))
    extra.push(w.send(cy, Governance.propose({ title: "Again", process: "consensus", deadline: T0 + 6 * HOUR }), { parents: [...ticks] }))
    const p = w.send(ana, Governance.propose({ title: "Plant", process: "consent", deadline: T0 + 4 * HOUR }), { parents: [...ticks] })
    extra.push(p)
    extra.push(w.send(cy, Governance.stance(p.key, "block", "no"), { parents: [p] }))
    extra.push(w.tick(ana, T0 + 5 * HOUR))
    extra.push(w.tick(dee, T0 + 5 * HOUR))
    extra.push(w.send(ben, Governance.close(p.key)))
    const late = [close, ...extra]
    const prefix = w.events.filter((e) => !late.includes(e))
    const reference = w.replica([...prefix, ...late])
    expect(gov(reference).proposals[p.key]!.status).toBe("passed") // cy's block came after the removal: it does not count
    fc.assert(
      fc.property(fc.shuffledSubarray(late, { minLength: late.length, maxLength: late.length }), fc.integer({ min: 1, max: 4 }), (order, batch) => {
        const r = w.replica(prefix)
        for (let k = 0; k < order.length; k += batch) r.ingest(order.slice(k, k + batch))
        return r.stateHashHex() === reference.stateHashHex()
      }),
      { numRuns: 60 }
    )
  })

  it("a replica resumed from a checkpoint keeps the removal in force for acts that arrive later", () => {
    const { w, close, ticks } = removal()
    const before = w.replica()
    const checkpoint = before.checkpoint()!
    const late = w.tick(cy, T0 + 3 * HOUR, { parents: [...ticks] })
    const opened = Replica.Replica.open(w.genesis, { modules: [Governance.module] })
    if (!opened.ok) throw new Error(opened.error.message)
    const resumed = opened.replica
    for (const e of w.events.filter((x) => x !== late)) resumed.loadStored(e.bytes, checkpoint.size)
    expect(resumed.resume(checkpoint)._tag).toBe("FromCheckpoint")
    resumed.fold()
    resumed.ingest([late])
    expect(tagOf(resumed, late)).toBe("Removed")
    expect(tagOf(resumed, close)).toBe("Applied")
    expect(resumed.stateHashHex()).toBe(w.replica().stateHashHex())
  })
})
