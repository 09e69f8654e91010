/**
 * A replica resumed from a checkpoint prepares the community time of the covered events in
 * slices (`warmClock`), as `Community.open` does, and reads the same times as one that
 * computes them all at once on the first read, and as the replica that folded them.
 */
import { describe, expect, it } from "vitest"
import { type Event, Replica } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { history } from "./support/histories.ts"
import { key } from "./support/world.ts"

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const resumed = (genesis: Event.Event, records: ReadonlyArray<Uint8Array>, checkpoint: Replica.Checkpoint) => {
  const r = open(genesis)
  for (const bytes of records.slice(1)) expect(r.loadStored(bytes, checkpoint.size)).toBeUndefined()
  r.resume(checkpoint)
  expect(r.fold()).toBe(true)
  return r
}

describe("warming the clock after a resume", () => {
  it("gives every event the community time the folding replica gave it, in slices or at once", () => {
    const ticks = new Builder([key(1), key(2), key(3)])
    for (let n = 0; n < 400; n++) ticks.add(key(1 + (n % 3)), "core", "tick", {}, { time: ticks.genesis.header.time + 1000 * (n + 1) })
    for (const b of [ticks, history(1, 300), history(2, 300)]) {
      const live = open(b.genesis)
      live.ingest(b.events.slice(1))
      const checkpoint = live.checkpoint()!
      const records = live.log.bytes
      const keys = live.orderedKeys()
      const times = (r: Replica.Replica) => keys.map((k) => r.communityTimeAt(r.log.index.get(k)!))

      const lazy = resumed(b.genesis, records, checkpoint)
      const warmed = resumed(b.genesis, records, checkpoint)
      let steps = 0
      while (!warmed.warmClock(7)) steps++
      if (b === ticks) expect(steps).toBeGreaterThan(10)
      expect(warmed.warmClock(7)).toBe(true)
      expect(warmed.communityTime()).toBe(lazy.communityTime())
      expect(warmed.communityTime()).toBe(live.communityTime())
      expect(times(warmed)).toEqual(times(live))
      expect(times(lazy)).toEqual(times(live))
    }
  })
})
