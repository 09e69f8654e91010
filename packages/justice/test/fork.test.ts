import { describe, expect, it } from "vitest"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"
import { ada, bo, cy, dee, HOUR, messageOf, tagOf, World } from "./support/world.ts"

/** Bo signs two different events at one sequence number; Cy records the proof with core. */
const forked = () => {
  const w = new World()
  const tip = w.send(bo, Governance.propose({ title: "One", deadline: w.now() + 2 * HOUR }))
  const a = w.signed(bo, "core", "tick", {}, { seq: tip.header.seq + 1, time: tip.header.time + 10 })
  const b = w.signed(bo, "core", "tick", {}, { seq: tip.header.seq + 1, time: tip.header.time + 20 })
  const proof = w.add(cy, "core", "equivocation", { a: a.bytes, b: b.bytes })
  return { w, a, b, proof }
}

describe("a forked chain", () => {
  it("opens a case on its own from the recorded proof, about the forked identity, decided by the justice prime group", () => {
    const { w, a, b, proof } = forked()
    const filed = w.send(ada, Justice.fork(proof.headerBytes, a.bytes, b.bytes))
    const again = w.send(cy, Justice.fork(proof.headerBytes, a.bytes, b.bytes))
    const r = w.replica()
    expect(tagOf(r, proof)).toBe("Applied")
    expect(tagOf(r, filed)).toBe("Applied")
    expect(tagOf(r, again)).toBe("CaseExists")
    const c = w.justice(r).cases[filed.key]!
    expect(c.kind).toBe("fork")
    expect(c.about).toEqual({ member: bo.id })
    expect(c.weight).toBe("prime")
    expect(Justice.subjectOf(c)).toBe(bo.id)
  })

  it("refuses what proves nothing: another event's header, events that are not the proof's, a proof not in the past", () => {
    const { w, a, b, proof } = forked()
    const other = w.send(ada, Governance.propose({ title: "Two", deadline: w.now() + 2 * HOUR }))
    const wrongHeader = w.send(ada, Justice.fork(other.headerBytes, a.bytes, b.bytes))
    const swapped = w.send(ada, Justice.fork(proof.headerBytes, b.bytes, a.bytes))
    const same = w.send(ada, Justice.fork(proof.headerBytes, a.bytes, a.bytes))
    const notYet = w.send(dee, Justice.fork(proof.headerBytes, a.bytes, b.bytes), { parents: [w.genesis] })
    const r = w.replica()
    expect([wrongHeader, swapped, same].map((e) => tagOf(r, e))).toEqual(["NotAProof", "NotAProof", "NotAProof"])
    expect(messageOf(r, swapped)).toContain("not the two events of that proof")
    expect(tagOf(r, notYet)).toBe("UnknownProof")
  })
})
