import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Community, CoreEvents, Event, Replica } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { history, shuffle } from "./support/histories.ts"
import { key, run } from "./support/world.ts"

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const permutations = <T>(xs: ReadonlyArray<T>): Array<Array<T>> =>
  xs.length <= 1 ? [[...xs]] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]))

/** A replica that received `events` one at a time, in this order. */
const deliver = (genesis: Event.Event, events: ReadonlyArray<Event.Event>) => {
  const r = open(genesis)
  for (const e of events) r.ingest([e])
  return r
}

const tagOf = (r: Replica.Replica, e: Event.Event): string => {
  const o = r.outcome(e.key)
  return o === undefined ? "missing" : o._tag === "Applied" ? "Applied" : o.reason._tag
}

/**
 * Check `expect` on a replica fed every order of `events` (exhaustively up to 6 events, else
 * on fast-check shuffles plus the given and the reversed order), and that all reach one state.
 */
const inEveryOrder = (genesis: Event.Event, events: ReadonlyArray<Event.Event>, check: (r: Replica.Replica) => void): void => {
  const hashes = new Set<string>()
  const once = (order: ReadonlyArray<Event.Event>) => {
    const r = deliver(genesis, order)
    check(r)
    hashes.add(r.stateHashHex())
  }
  if (events.length <= 6) for (const order of permutations(events)) once(order)
  else {
    once(events)
    once([...events].reverse())
    fc.assert(
      fc.property(fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }), (order) => once(order)),
      { numRuns: 150, seed: 7 }
    )
  }
  expect(hashes.size).toBe(1)
}

describe("a revoked key cannot mint a successor", () => {
  const [a, c] = [key(1), key(2)]
  const [p1, p2] = [key(80), key(81)]
  const b = new Builder([a, c])
  const addP1 = b.add(a, "core", "device.add", b.deviceAdd(a, p1), { parents: [b.genesis] })
  const p1t = b.add(p1, "core", "tick", {}, { parents: [addP1] })
  // a revokes the stolen p1; concurrently p1 adds p2.
  const revoke = b.add(a, "core", "device.revoke", { device: p1.publicKey }, { parents: [p1t] })
  const mint = b.add(p1, "core", "device.add", b.deviceAdd(p1, p2), { parents: [] })
  const p2t = b.add(p2, "core", "tick", {}, { parents: [mint] })
  const p2seen = b.add(p2, "core", "tick", {}, { parents: [revoke] })
  // a sees p2 and revokes it too; then ticks.
  const revokeP2 = b.add(a, "core", "device.revoke", { device: p2.publicKey }, { parents: [p2seen] })
  const after = b.add(a, "core", "tick", {}, { parents: [] })
  const events = [addP1, p1t, revoke, mint, p2t, p2seen, revokeP2, after]

  it("the minting event is rejected and the key it adds never acts, in every order", () => {
    inEveryOrder(b.genesis, events, (r) => {
      expect(tagOf(r, p1t)).toBe("Applied")
      expect(tagOf(r, revoke)).toBe("Applied")
      expect(tagOf(r, mint)).toBe("DeviceRevoked")
      expect(tagOf(r, p2t)).toBe("DeviceNotAdded")
      expect(tagOf(r, p2seen)).toBe("DeviceNotAdded")
      expect(tagOf(r, after)).toBe("Applied")
      expect(r.core.devices[p2.id]).toBeUndefined()
      expect(r.core.identities[a.id]!.devices).toEqual([a.id])
      expect(r.core.identities[a.id]!.revoked).toEqual([p1.id])
      expect(r.log.identityIn(p2.id, r.log.index.get(p2seen.key)!, "strong")).toBeUndefined()
    })
  })

  it("revoking the key it added is refused and recorded nowhere", () => {
    inEveryOrder(b.genesis, events, (r) => {
      expect(tagOf(r, revokeP2)).toBe("NotYourDevice")
      expect(r.log.revocationsOf(p2.id)).toEqual([])
    })
  })

  it("the successor cannot revoke the owner's key once the revocation is known", () => {
    const strike = b.add(p2, "core", "device.revoke", { device: a.publicKey }, { parents: [revoke], prev: p2seen })
    const later = b.add(a, "core", "tick", {}, { parents: [strike], prev: after })
    const r = deliver(b.genesis, [...events, strike, later])
    expect(tagOf(r, strike)).toBe("DeviceNotAdded")
    expect(r.log.revocationsOf(a.id)).toEqual([])
    expect(tagOf(r, later)).toBe("Applied")
    expect(r.core.identities[a.id]!.revoked).toEqual([p1.id])
  })

  it("neither can a successor of the successor", () => {
    const p3 = key(82)
    const mint2 = b.add(p2, "core", "device.add", b.deviceAdd(p2, p3), { parents: [], prev: p2t, seq: 2 })
    const p3t = b.add(p3, "core", "tick", {}, { parents: [mint2] })
    inEveryOrder(b.genesis, [addP1, p1t, revoke, mint, p2t, mint2, p3t], (r) => {
      expect(tagOf(r, mint2)).toBe("DeviceNotAdded")
      expect(tagOf(r, p3t)).toBe("DeviceNotAdded")
      expect(r.core.devices[p3.id]).toBeUndefined()
    })
  })

  it("a key added before the revocation was signed keeps acting", () => {
    // p1 adds p4, and the revocation has seen it: the addition took effect.
    const [a2, c2] = [key(3), key(4)]
    const [q1, q2] = [key(83), key(84)]
    const d = new Builder([a2, c2])
    const addQ1 = d.add(a2, "core", "device.add", d.deviceAdd(a2, q1), { parents: [d.genesis] })
    const addQ2 = d.add(q1, "core", "device.add", d.deviceAdd(q1, q2), { parents: [addQ1] })
    const rev = d.add(a2, "core", "device.revoke", { device: q1.publicKey }, { parents: [addQ2] })
    const q2t = d.add(q2, "core", "tick", {}, { parents: [rev] })
    inEveryOrder(d.genesis, [addQ1, addQ2, rev, q2t], (r) => {
      expect(tagOf(r, addQ2)).toBe("Applied")
      expect(tagOf(r, q2t)).toBe("Applied")
      expect(r.core.devices[q2.id]).toBe(a2.id)
      expect(r.core.identities[a2.id]!.devices).toEqual([a2.id, q2.id].sort())
    })
  })

  it("reaches the same outcomes through Community.receive, with the revocation arriving last", async () => {
    const order = [addP1, p1t, mint, p2t, p2seen, after, revokeP2, revoke]
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        for (const e of order) yield* com.receive([e.bytes])
        return com.replica
      })
    )
    expect(tagOf(out, mint)).toBe("DeviceRevoked")
    expect(tagOf(out, p2t)).toBe("DeviceNotAdded")
    expect(tagOf(out, revokeP2)).toBe("NotYourDevice")
    expect(out.core.devices[p2.id]).toBeUndefined()
    expect(out.stateHashHex()).toBe(deliver(b.genesis, events).stateHashHex())
  })
})

describe("a forked key cannot mint a successor", () => {
  const [a, c] = [key(1), key(2)]
  const [phone, p2, p3] = [key(90), key(91), key(92)]
  const b = new Builder([a, c])
  const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
  const pt = b.add(phone, "core", "tick", {}, { parents: [addPhone] })
  // The phone signs two events with sequence number 2: one adds p2.
  const mint = b.add(phone, "core", "device.add", b.deviceAdd(phone, p2), { parents: [], prev: pt })
  const other = b.add(phone, "core", "tick", {}, { parents: [], prev: pt, seq: 2, time: mint.header.time + 1 })
  const p2t = b.add(p2, "core", "tick", {}, { parents: [mint] })
  const mint2 = b.add(p2, "core", "device.add", b.deviceAdd(p2, p3), { parents: [] })
  const p3t = b.add(p3, "core", "tick", {}, { parents: [mint2] })

  it("the fork makes the addition ineffective, in every order", () => {
    inEveryOrder(b.genesis, [addPhone, pt, mint, other, p2t], (r) => {
      expect(tagOf(r, pt)).toBe("Applied")
      expect(tagOf(r, mint)).toBe("Equivocated")
      expect(tagOf(r, other)).toBe("Equivocated")
      expect(tagOf(r, p2t)).toBe("DeviceNotAdded")
      expect(r.core.devices[p2.id]).toBeUndefined()
      expect(r.core.identities[a.id]!.devices).toEqual([a.id, phone.id].sort())
    })
  })

  it("and every addition made from it", () => {
    inEveryOrder(b.genesis, [addPhone, pt, mint, other, p2t, mint2, p3t], (r) => {
      expect(tagOf(r, mint2)).toBe("DeviceNotAdded")
      expect(tagOf(r, p3t)).toBe("DeviceNotAdded")
      expect(r.core.devices[p3.id]).toBeUndefined()
    })
  })

  it("a fork above the addition leaves it in effect", () => {
    const d = new Builder([a, c])
    const add = d.add(a, "core", "device.add", d.deviceAdd(a, phone), { parents: [d.genesis] })
    const made = d.add(phone, "core", "device.add", d.deviceAdd(phone, p2), { parents: [add] })
    const f1 = d.add(phone, "core", "tick", {}, { parents: [], prev: made })
    const f2 = d.add(phone, "core", "tick", {}, { parents: [], prev: made, seq: 2, time: f1.header.time + 1 })
    const t = d.add(p2, "core", "tick", {}, { parents: [made] })
    inEveryOrder(d.genesis, [add, made, f1, f2, t], (r) => {
      expect(tagOf(r, made)).toBe("Applied")
      expect(tagOf(r, f1)).toBe("Equivocated")
      expect(tagOf(r, t)).toBe("Applied")
      expect(r.core.devices[p2.id]).toBe(a.id)
    })
  })
})

describe("departures", () => {
  const [a, c] = [key(1), key(2)]
  const [phone, p2] = [key(95), key(96)]
  const b = new Builder([a, c])
  const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
  const pt = b.add(phone, "core", "tick", {}, { parents: [addPhone] })
  const leave = b.add(a, "core", "member.leave", { note: "bye" }, { parents: [pt] })
  const concurrent = b.add(phone, "core", "tick", {}, { parents: [], prev: pt })
  const mint = b.add(phone, "core", "device.add", b.deviceAdd(phone, p2), { parents: [], prev: concurrent })
  const p2t = b.add(p2, "core", "tick", {}, { parents: [mint] })

  it("an event concurrent with another device's departure is rejected MemberLeft", () => {
    inEveryOrder(b.genesis, [addPhone, pt, leave, concurrent], (r) => {
      expect(tagOf(r, leave)).toBe("Applied")
      expect(tagOf(r, concurrent)).toBe("MemberLeft")
      expect(r.core.identities[a.id]!.status).toBe("left")
    })
  })

  it("a device added concurrently with the departure never acts", () => {
    inEveryOrder(b.genesis, [addPhone, pt, leave, concurrent, mint, p2t], (r) => {
      expect(tagOf(r, mint)).toBe("MemberLeft")
      expect(tagOf(r, p2t)).toBe("DeviceNotAdded")
      expect(r.core.devices[p2.id]).toBeUndefined()
    })
  })
})

describe("equivocation proofs about another community", () => {
  const [a, c, e] = [key(1), key(2), key(3)]
  const b = new Builder([a, c])
  const elsewhere = new Builder([e])
  const one = elsewhere.add(e, "core", "tick", {}, { parents: [elsewhere.genesis] })
  const x = elsewhere.add(e, "core", "tick", {}, { parents: [], prev: one })
  const y = elsewhere.add(e, "core", "tick", {}, { parents: [], prev: one, seq: x.header.seq, time: x.header.time + 1 })
  const proof = b.add(a, "core", "equivocation", { a: x.bytes, b: y.bytes }, { parents: [b.genesis] })

  it("are refused, change nothing, and their events are not offered to this log", async () => {
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        const verdicts = yield* com.receive([proof.bytes])
        return { verdicts, replica: com.replica }
      })
    )
    expect(out.verdicts[0]!._tag).toBe("Valid")
    expect(out.replica.outcome(proof.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "ForeignProof" } })
    expect(out.replica.core.equivocations).toEqual({})
    expect(out.replica.log.size).toBe(2)
    expect(out.replica.log.index.has(x.key)).toBe(false)
    expect(out.replica.log.index.has(y.key)).toBe(false)
    expect(out.replica.log.equivocations.size).toBe(0)
    expect(out.replica.stateHashHex()).toBe(open(b.genesis).stateHashHex())
  })
})

describe("the registry and the fold agree", () => {
  /** Keys added by an event that took effect (the genesis, an applied apply or device.add). */
  const addedByApplied = (r: Replica.Replica): Set<string> => {
    const out = new Set<string>(r.core.community.founders)
    for (const k of r.log.keys) {
      const i = r.log.index.get(k)!
      const bytes = r.bytesOf(k)
      if (i === 0 || bytes === undefined || r.outcome(k)?._tag !== "Applied") continue
      const d = Event.decode(bytes)
      if (!d.ok) continue
      const e = d.event
      if (e.header.module !== "core") continue
      if (e.header.type === "member.apply") out.add(r.log.author[i]!)
      if (e.header.type === "device.add") {
        const body = CoreEvents.decodeBody(CoreEvents.DeviceAdd, e.body)
        if (body) out.add(Bytes.toHex(body.device))
      }
    }
    return out
  }

  it("two concurrent revocations of one key by its identity are both accepted and both recorded", () => {
    const [a, c] = [key(1), key(2)]
    const [laptop, phone] = [key(97), key(98)]
    const b = new Builder([a, c])
    const addLaptop = b.add(a, "core", "device.add", b.deviceAdd(a, laptop), { parents: [b.genesis] })
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [] })
    const byA = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [] })
    const byLaptop = b.add(laptop, "core", "device.revoke", { device: phone.publicKey }, { parents: [addPhone] })
    inEveryOrder(b.genesis, [addLaptop, addPhone, byA, byLaptop], (r) => {
      expect(tagOf(r, byA)).toBe("Applied")
      expect(tagOf(r, byLaptop)).toBe("Applied")
      expect(r.log.revocationsOf(phone.id)).toHaveLength(2)
      expect(r.core.identities[a.id]!.devices).toEqual([a.id, laptop.id].sort())
      expect(r.core.identities[a.id]!.revoked).toEqual([phone.id])
      expect(r.core.devices[phone.id]).toBeUndefined()
    })
  })

  it("on random histories, in any delivery order: a key acts only through an addition that took effect", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), (seed, order) => {
        const b = history(seed, 40)
        const events = b.events.slice(1)
        const inOrder = open(b.genesis)
        inOrder.ingest(events)
        const shuffled = deliver(b.genesis, shuffle(events, order))
        expect(shuffled.stateHashHex()).toBe(inOrder.stateHashHex())
        for (const k of inOrder.log.keys) expect(shuffled.outcome(k)).toEqual(inOrder.outcome(k))
        const added = addedByApplied(inOrder)
        for (const k of inOrder.log.keys) {
          const i = inOrder.log.index.get(k)!
          const author = inOrder.log.author[i]!
          const o = inOrder.outcome(k)!
          if (i > 0 && o._tag === "Applied") expect(added.has(author)).toBe(true)
          if (o._tag === "Rejected" && o.reason._tag === "DeviceNotAdded") expect(inOrder.core.devices[author]).toBeUndefined()
        }
        for (const device of Object.keys(inOrder.core.devices)) expect(added.has(device)).toBe(true)
      }),
      { numRuns: 60 }
    )
  })
})
