import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Module, Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { DAY, gov, HOUR, key, type Key, outcome, T0, tagOf, World } from "./support/world.ts"

const alice = key(1, "alice")
const bob = key(2, "bob")
const carol = key(3, "carol")
const dave = key(4, "dave")
const erin = key(5, "erin")
const fay = key(6, "fay")

/**
 * A community of `founders` that admits each of `applicants` by a decision the founders all
 * agree to, closed at `T0 + HOUR`.
 */
const admitting = (founders: ReadonlyArray<Key>, applicants: ReadonlyArray<Key>, params: Record<string, number> = {}): World => {
  const w = new World(founders, params)
  const opened = applicants.map((k) => {
    w.apply(k)
    return w.send(founders[0]!, Governance.propose({ title: `Admit ${k.name}`, deadline: T0 + HOUR, action: Governance.admit(k.id) }))
  })
  for (const p of opened) for (const f of founders) w.send(f, Governance.stance(p.key, "agree"))
  w.witness(T0 + HOUR, founders.slice(0, 2))
  for (const p of opened) w.send(founders[0]!, Governance.close(p.key))
  return w
}

/** Identities of keys, sorted (as the module keeps them). */
const ids = (...keys: ReadonlyArray<Key>) => keys.map((k) => k.id).sort()

describe("community time: every full member is a witness (docs/protocol.md §6)", () => {
  it("keeps moving with the admitted members' clocks when every founder has left: a deadline passes and a term is drawn", () => {
    const w = admitting([alice, bob, carol], [dave, erin, fay], { primeTerm: DAY })
    for (const f of [alice, bob, carol]) w.add(f, "core", "member.leave", { note: "handing over" })
    const draw0 = w.send(dave, Governance.draw(0))
    const open = w.send(dave, Governance.propose({ title: "Keep the garden", deadline: T0 + 4 * HOUR }))
    w.send(dave, Governance.stance(open.key, "agree"))
    w.send(erin, Governance.stance(open.key, "agree"))
    w.witness(T0 + 4 * HOUR, [dave, erin])
    const close = w.send(fay, Governance.close(open.key))
    w.witness(T0 + DAY, [dave, erin])
    const draw1 = w.send(fay, Governance.draw(1))
    const r = w.replica()
    for (const f of [alice, bob, carol]) expect(r.core.identities[f.id]!.status).toBe("left")
    expect(tagOf(r, draw0)).toBe("Applied")
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", deciders: 3 })
    expect(tagOf(r, draw1)).toBe("Applied")
    expect(gov(r).terms["1"]!.full).toEqual(ids(dave, erin, fay))
    expect(Governance.Records.seats(gov(r), 1, "governance")).toHaveLength(3)
    expect(Governance.communityTime(r)).toBe(T0 + DAY)
  })

  it("two founders with the default timeWitnesses: when one goes quiet, the other alone passes deadlines and draws", () => {
    const w = new World([alice, bob])
    const open = w.send(alice, Governance.propose({ title: "Fix the roof", deadline: T0 + 2 * HOUR }))
    w.send(alice, Governance.stance(open.key, "agree"))
    w.send(bob, Governance.stance(open.key, "agree"))
    // bob goes quiet: from here on only alice signs.
    const draw0 = w.send(alice, Governance.draw(0))
    w.tick(alice, T0 + 2 * HOUR)
    const close = w.send(alice, Governance.close(open.key))
    const term1 = T0 + Module.defaultParams.primeTerm
    w.tick(alice, term1)
    const draw1 = w.send(alice, Governance.draw(1))
    const r = w.replica()
    expect(r.core.community.params.timeWitnesses).toBe(2)
    expect(tagOf(r, draw0)).toBe("Applied")
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", rule: "ConsensusReached" })
    expect(tagOf(r, draw1)).toBe("Applied")
    expect(gov(r).terms["1"]).toMatchObject({ at: term1, full: ids(alice, bob) })
  })

  it("a lone founder with default parameters passes deadlines (the README's example)", () => {
    const w = new World([alice])
    const now = Governance.communityTime(w.replica())
    const deadline = now + 2 * DAY
    const open = w.send(alice, Governance.propose({ title: "Hold the meeting on Thursdays", process: "consensus", deadline }))
    w.send(alice, Governance.stance(open.key, "agree"))
    const early = w.send(alice, Governance.close(open.key))
    w.tick(alice, deadline)
    expect(Governance.communityTime(w.replica())).toBe(deadline)
    const close = w.send(alice, Governance.close(open.key))
    const r = w.replica()
    expect(tagOf(r, early)).toBe("DeadlineNotReached")
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", deciders: 1 })
  })

  it("from three full members on, no single member moves community time, whatever time they claim", () => {
    const deadline = T0 + 3 * HOUR
    const member = fc.constantFrom(alice, bob, carol)
    fc.assert(
      fc.property(member, member, fc.integer({ min: deadline, max: T0 + 3650 * DAY }), (liar, closer, claim) => {
        // Two founders admit carol: three full members, two of them founders; timeWitnesses 1 changes nothing.
        const w = admitting([alice, bob], [carol], { timeWitnesses: 1 })
        const open = w.send(alice, Governance.propose({ title: "Clocks", process: "consent", deadline }))
        const base = w.heads()
        const lie = w.tick(liar, claim, { parents: base })
        const early = w.send(closer, Governance.close(open.key), { parents: [lie] })
        const stance = w.send(liar, Governance.stance(open.key, "agree"), { parents: [lie] })
        // A second member's clock reaching the deadline is what moves it.
        const second = [alice, bob, carol].find((k) => k !== liar && k !== closer)!
        const honest = w.tick(second, deadline, { parents: base })
        const close = w.send(second, Governance.close(open.key), { parents: [honest, stance] })
        const r = w.replica()
        expect(r.core.identities[carol.id]!.status).toBe("full")
        expect(tagOf(r, early)).toBe("DeadlineNotReached")
        expect(tagOf(r, stance)).toBe("Applied")
        expect(tagOf(r, close)).toBe("Applied")
        expect(gov(r).proposals[open.key]!.decision).toMatchObject({ outcome: "passed", key: close.key })
      }),
      { numRuns: 30 }
    )
  })

  it("a removed member's claims stop counting; what had passed when the removal was decided stays passed", () => {
    const deadline = T0 + 4 * HOUR
    const later = T0 + 10 * HOUR
    const w = admitting([alice, bob, carol], [dave])
    const water = w.send(alice, Governance.propose({ title: "Water", process: "consent", deadline }))
    const plant = w.send(alice, Governance.propose({ title: "Plant", process: "consent", deadline: later }))
    const remove = w.send(alice, Governance.propose({ title: "Remove carol", process: "consent", deadline: T0 + 2 * HOUR, action: Governance.remove(carol.id, "left town") }))
    w.witness(T0 + 2 * HOUR, [alice, bob])
    // carol's clock and bob's reach the deadline; bob closes the removal on top of both claims.
    const claim = w.tick(carol, deadline)
    const seen = w.tick(bob, deadline, { parents: [claim] })
    const removal = w.send(bob, Governance.close(remove.key))
    // Community time never goes back along a causal path: the removal had seen the deadline pass.
    const before = w.send(dave, Governance.close(water.key), { parents: [seen] })
    expect(before).toBeDefined()
    // After the removal, carol's claims no longer move time: hers and bob's reach `later`, still not passed.
    const hers = w.tick(carol, later, { parents: [removal] })
    const his = w.tick(bob, later, { parents: [hers] })
    const early = w.send(alice, Governance.close(plant.key), { parents: [his] })
    // A second member who still counts reaches it.
    w.tick(dave, later, { parents: [his] })
    const close = w.send(alice, Governance.close(plant.key))
    const r = w.replica()
    expect(r.core.identities[dave.id]!.status).toBe("full")
    expect(tagOf(r, claim)).toBe("Applied")
    expect(outcome(r, removal)).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "member.remove" }] })
    expect(r.core.identities[carol.id]!.status).toBe("left")
    expect(tagOf(r, before)).toBe("Applied")
    expect(tagOf(r, hers)).toBe("Removed")
    expect(r.communityTimeAt(r.log.index.get(early.key)!)).toBe(deadline)
    expect(tagOf(r, early)).toBe("DeadlineNotReached")
    expect(tagOf(r, close)).toBe("Applied")
    expect(gov(r).proposals[plant.key]!.decision).toMatchObject({ outcome: "passed", key: close.key })
  })

  it("never goes back along a causal path: not when the latest claimers leave, nor when a pair admits a third member", () => {
    // Five founders: alice and bob claim the latest times, then leave.
    const w = new World([alice, bob, carol, dave, erin])
    for (const k of [carol, dave, erin]) w.tick(k, T0 + 5 * HOUR)
    for (const k of [alice, bob]) w.tick(k, T0 + 6 * HOUR)
    const seen = w.tick(carol, T0 + 6 * HOUR)
    for (const k of [alice, bob]) w.add(k, "core", "member.leave", { note: "moving away" })
    const probe = w.add(dave, "core", "tick", {})
    const r = w.replica()
    const at = (e: { readonly key: string }) => r.communityTimeAt(r.log.index.get(e.key)!)
    expect(at(probe)).toBeGreaterThanOrEqual(at(seen))
    expect(at(probe)).toBe(T0 + 6 * HOUR)

    // A pair moves time with one clock; admitting a third member raises w(n) to 2 but time stays.
    const p = new World([alice, bob])
    p.apply(carol)
    const admit = p.send(alice, Governance.propose({ title: "Admit carol", deadline: T0 + HOUR, action: Governance.admit(carol.id) }))
    for (const k of [alice, bob]) p.send(k, Governance.stance(admit.key, "agree"))
    p.tick(alice, T0 + 10 * HOUR)
    const close = p.send(alice, Governance.close(admit.key))
    const after = p.tick(carol, T0 + 10 * HOUR + 2000)
    const q = p.replica()
    expect(q.core.identities[carol.id]!.status).toBe("full")
    expect(q.communityTimeAt(q.log.index.get(close.key)!)).toBe(T0 + 10 * HOUR)
    expect(q.communityTimeAt(q.log.index.get(after.key)!)).toBe(T0 + 10 * HOUR)
  })

  it("is the same for events a checkpoint covers, found again when a late event cites them", () => {
    const w = admitting([alice, bob, carol], [dave])
    const old = w.witness(T0 + 3 * HOUR)
    for (let k = 0; k < 5; k++) w.witness(T0 + (4 + k) * HOUR, [dave, carol])
    const before = w.replica()
    const checkpoint = before.checkpoint()!
    const late = w.send(dave, Governance.propose({ title: "Late", deadline: T0 + 20 * HOUR }), { parents: [old] })
    const opened = Replica.Replica.open(w.genesis, { modules: [Governance.module] })
    if (!opened.ok) throw new Error(opened.error.message)
    const resumed = opened.replica
    for (const e of w.events.filter((x) => x !== late && x !== w.genesis)) resumed.loadStored(e.bytes, checkpoint.size)
    expect(resumed.resume(checkpoint)._tag).toBe("FromCheckpoint")
    resumed.fold()
    resumed.ingest([late])
    const whole = w.replica()
    for (const e of w.events) expect(resumed.communityTimeAt(resumed.log.index.get(e.key)!)).toBe(whole.communityTimeAt(whole.log.index.get(e.key)!))
    expect(resumed.stateHashHex()).toBe(whole.stateHashHex())
  })
})
