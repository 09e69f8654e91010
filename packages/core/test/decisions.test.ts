import { describe, expect, it } from "vitest"
import { Bytes, Membership, Module, Replica } from "@affinity/core"
import type { Event } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { council, type Notes, notes } from "./support/kernel-modules.ts"
import { key } from "./support/world.ts"

const T0 = 1_700_000_000_000
const DAY = 24 * 3_600_000

const fold = (events: ReadonlyArray<Event.Event>) => {
  const r = Replica.Replica.open(events[0]!, { modules: [notes, council], decider: "council" })
  if (!r.ok) throw new Error(r.error.message)
  r.replica.ingest(events.slice(1))
  return r.replica
}

describe("decisions that do several things", () => {
  it("apply their actions in order, as one unit", () => {
    const [ada, bo] = [key(1), key(2)]
    const b = new Builder([ada, bo], {}, T0)
    const both = b.add(ada, "council", "decide", {
      actions: [
        { module: "notes", type: "pin", body: { text: "water on Sundays" } },
        { module: "core", type: "community.params", body: { quorumPercent: 75 } }
      ]
    })
    const r = fold(b.events)
    expect(r.outcome(both.key)).toEqual({
      _tag: "Applied",
      actions: [
        { _tag: "Applied", module: "notes", type: "pin" },
        { _tag: "Applied", module: "core", type: "community.params" }
      ]
    })
    expect(r.state<Notes>("notes").posts).toEqual(["water on Sundays"])
    expect(r.core.community.params.quorumPercent).toBe(75)
  })

  it("apply none when one fails, recording which failed and why", () => {
    const [ada, bo] = [key(1), key(2)]
    const b = new Builder([ada, bo], {}, T0)
    b.add(ada, "council", "decide", { actions: [{ module: "notes", type: "pin", body: { text: "compost" } }] })
    const before = fold(b.events).stateHashHex()
    const mixed = b.add(ada, "council", "decide", {
      actions: [
        { module: "notes", type: "pin", body: { text: "water on Sundays" } },
        { module: "core", type: "community.params", body: { timeWitnesses: 1 } },
        { module: "notes", type: "pin", body: { text: "compost" } },
        { module: "core", type: "community.params", body: { primeSize: 5 } }
      ]
    })
    const r = fold(b.events)
    const outcome = r.outcome(mixed.key)
    expect(outcome).toMatchObject({
      _tag: "Applied",
      actions: [
        { _tag: "Failed", module: "notes", type: "pin", reason: { _tag: "NotApplied", message: expect.stringContaining("action 3 (notes/pin) failed, so this one was undone") } },
        { _tag: "Failed", module: "core", type: "community.params", reason: { _tag: "NotApplied" } },
        { _tag: "Failed", module: "notes", type: "pin", reason: { _tag: "AlreadyPinned" } },
        { _tag: "Failed", module: "core", type: "community.params", reason: { _tag: "NotApplied", message: expect.not.stringContaining("undone") } }
      ]
    })
    expect(r.state<Notes>("notes").posts).toEqual(["compost"])
    expect(r.core.community.params.timeWitnesses).toBe(2)
    // Only the decision process's own count moved.
    expect(r.stateHashHex()).not.toBe(before)
    expect(r.state<{ readonly decided: number }>("council").decided).toBe(2)
  })
})

describe("community parameters by decision", () => {
  it("change from the decision on, within bounds, never by one member alone", () => {
    const [ada, bo, cy, dee] = [key(1), key(2), key(3), key(4)]
    const b = new Builder([ada, bo, cy, dee], {}, T0)
    const alone = b.add(ada, "core", "community.params", { timeWitnesses: 1 })
    const outOfBounds = b.add(ada, "council", "decide", { actions: [{ module: "core", type: "community.params", body: { primeTerm: 1000 } }] })
    const empty = b.add(ada, "council", "decide", { actions: [{ module: "core", type: "community.params", body: {} }] })
    const r0 = fold(b.events)
    expect(r0.outcome(alone.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "NeedsDecision" } })
    expect(r0.outcome(outOfBounds.key)).toMatchObject({ actions: [{ _tag: "Failed", reason: { _tag: "InvalidBody" } }] })
    expect(r0.outcome(empty.key)).toMatchObject({ actions: [{ _tag: "Failed", reason: { _tag: "InvalidBody", message: expect.stringContaining("at least one") } }] })

    // From the decision on, three members' clocks must pass a time (it was two), never fewer than two.
    b.add(ada, "council", "decide", { actions: [{ module: "core", type: "community.params", body: { timeWitnesses: 3, futureTolerance: 60_000 } }] })
    const ahead = b.add(ada, "council", "decide", { actions: [] }, { time: T0 + 5 * DAY })
    const also = b.add(bo, "council", "decide", { actions: [] }, { parents: [ahead], time: T0 + 5 * DAY })
    const after = b.add(dee, "council", "decide", { actions: [] }, { parents: [also], time: T0 + 5 * DAY })
    const third = b.add(cy, "council", "decide", { actions: [] }, { parents: [after], time: T0 + 5 * DAY })
    const last = b.add(ada, "council", "decide", { actions: [] }, { parents: [third], time: T0 + 5 * DAY })
    const r = fold(b.events)
    expect(r.core.community.params).toMatchObject({ timeWitnesses: 3, futureTolerance: 60_000 })
    expect(r.communityTimeAt(r.log.index.get(after.key)!)).toBeLessThan(T0 + 5 * DAY)
    expect(r.communityTimeAt(r.log.index.get(last.key)!)).toBe(T0 + 5 * DAY)
    // The same history under the genesis parameters: two clocks were enough.
    const before = new Builder([ada, bo, cy, dee], {}, T0)
    const x = before.add(ada, "council", "decide", { actions: [] }, { time: T0 + 5 * DAY })
    const y = before.add(bo, "council", "decide", { actions: [] }, { parents: [x], time: T0 + 5 * DAY })
    const z = before.add(dee, "council", "decide", { actions: [] }, { parents: [y], time: T0 + 5 * DAY })
    const r2 = fold(before.events)
    expect(r2.communityTimeAt(r2.log.index.get(z.key)!)).toBe(T0 + 5 * DAY)
  })

  it("change the prime term's length from the next term, so a term under way is neither cut short nor extended", () => {
    const params = { ...Module.defaultParams, primeTerm: 14 * DAY }
    // Decided in the middle of term 2 (days 28–42).
    const changed = Module.changeParams(params, T0, T0 + 30 * DAY, { primeTerm: 7 * DAY })
    expect(changed.termSchedule).toEqual([
      { fromTerm: 0, start: T0, length: 14 * DAY },
      { fromTerm: 3, start: T0 + 42 * DAY, length: 7 * DAY }
    ])
    expect(Module.termStart(changed, T0, 2)).toBe(T0 + 28 * DAY)
    expect(Module.termStart(changed, T0, 3)).toBe(T0 + 42 * DAY)
    expect(Module.termStart(changed, T0, 4)).toBe(T0 + 49 * DAY)
    expect(Module.termAt(changed, T0, T0 + 41 * DAY)).toBe(2)
    expect(Module.termAt(changed, T0, T0 + 48 * DAY)).toBe(3)
    expect(Module.termAt(changed, T0, T0 + 50 * DAY)).toBe(4)
    // Without a change, the genesis length holds throughout and no schedule is kept.
    expect(Module.changeParams(params, T0, T0 + DAY, { quorumPercent: 60 }).termSchedule).toBeUndefined()
    const core = fold(new Builder([key(1)], {}, T0).events).core
    expect(Object.keys(core.community.params).sort()).toEqual(["primeSize", "primeTerm", "quorumPercent", "timeWitnesses"])
    expect(Membership.members(core, "full")).toEqual([Bytes.toHex(key(1).publicKey)])
  })
})
