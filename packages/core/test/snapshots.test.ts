import { describe, expect, it } from "vitest"
import { Replica } from "@affinity/core"
import type { Event } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { key } from "./support/world.ts"

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis, { snapshotEvery: 4 })
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

describe("snapshots after a late event", () => {
  it("are not reused once a late event changed what follows them", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const chain: Array<Event.Event> = []
    for (let k = 0; k < 600; k++) chain.push(b.add(a, "core", "tick", {}, { parents: chain.length ? [chain[chain.length - 1]!] : [b.genesis] }))
    // A late applicant, concurrent with the chain's tail: it lands in the recent part of the fold.
    const late = b.add(key(60), "core", "member.apply", { note: "late" }, { parents: [chain[590]!] })
    const more: Array<Event.Event> = []
    for (let k = 0; k < 600; k++) more.push(b.add(a, "core", "tick", {}, { parents: [more.length ? more[more.length - 1]! : chain[599]!] }))
    // Another late event, far back: the fold resumes from a snapshot before it.
    const later = b.add(key(61), "core", "member.apply", { note: "later" }, { parents: [chain[594]!] })
    const r = open(b.genesis)
    r.ingest(chain)
    r.ingest([late])
    r.ingest(more)
    r.ingest([later])
    const whole = open(b.genesis)
    whole.ingest([...chain, late, ...more, later])
    expect(r.core.identities[key(60).id]?.status).toBe("applicant")
    expect(r.stateHashHex()).toBe(whole.stateHashHex())
  })
})
