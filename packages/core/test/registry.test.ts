import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Community, CoreEvents, Event, type Keys, Module, Replica } from "@affinity/core"
import * as v from "valibot"
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
      // The phone forked its chain: it acts no more, so it is not listed either.
      expect(r.core.identities[a.id]!.devices).toEqual([a.id])
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
          // A revocation or a departure that counts is applied even when its signer no longer
          // acts in the whole log (it acted in the event's causal past).
          const fact = inOrder.log.claim(i)
          const takesPowerAway = fact !== undefined && fact.kind !== "add" && fact.counts !== undefined
          if (i > 0 && o._tag === "Applied" && !takesPowerAway) expect(added.has(author)).toBe(true)
          if (o._tag === "Rejected" && o.reason._tag === "DeviceNotAdded") expect(inOrder.core.devices[author]).toBeUndefined()
        }
        for (const device of Object.keys(inOrder.core.devices)) expect(added.has(device)).toBe(true)
      }),
      { numRuns: 60 }
    )
  })
})

describe("the state lists exactly the devices that act", () => {
  const [a, c] = [key(1), key(2)]
  const [laptop, phone] = [key(110), key(111)]

  /** A replica of `events` in this order, with a decider `gov` whose `remove` event removes the named identity by decision. */
  const withGov = (genesis: Event.Event, events: ReadonlyArray<Event.Event>) => {
    const r = Replica.Replica.open(genesis, { modules: [gov], decider: "gov" })
    if (!r.ok) throw new Error(r.error.message)
    for (const e of events) r.replica.ingest([e])
    return r.replica
  }
  const gov = Module.make<{ readonly n: number }>({
    name: "gov",
    init: () => ({ n: 0 }),
    events: {
      remove: Module.eventType<{ readonly n: number }, { readonly identity: Uint8Array }>({
        body: v.strictObject({ identity: v.instance(Uint8Array) }),
        authority: "member",
        apply: (state) => ({ n: state.n + 1 }),
        effects: (_state, body, ctx) => [
          {
            _tag: "Apply",
            module: "core",
            type: "member.remove",
            body: { identity: body.identity, reason: "decided" },
            warrant: { _tag: "Decision", body: { _tag: "Community" }, decision: ctx.key }
          }
        ]
      })
    }
  })

  it("two keys that revoke each other concurrently: both revocations apply and neither key is listed", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const byA = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [addPhone] })
    const byPhone = b.add(phone, "core", "device.revoke", { device: a.publicKey }, { parents: [addPhone] })
    const later = b.add(a, "core", "tick", {}, { parents: [byA, byPhone] })
    inEveryOrder(b.genesis, [addPhone, byA, byPhone, later], (r) => {
      expect(tagOf(r, byA)).toBe("Applied")
      expect(tagOf(r, byPhone)).toBe("Applied")
      expect(tagOf(r, later)).toBe("DeviceRevoked")
      expect(r.core.devices[a.id]).toBeUndefined()
      expect(r.core.devices[phone.id]).toBeUndefined()
      expect(r.core.identities[a.id]!.devices).toEqual([])
      expect(r.core.identities[a.id]!.revoked).toEqual([a.id, phone.id].sort())
    })
  })

  it("a member who leaves has no device left, nor does one removed by decision", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const leave = b.add(a, "core", "member.leave", { note: "bye" }, { parents: [addPhone] })
    inEveryOrder(b.genesis, [addPhone, leave], (r) => {
      expect(r.core.identities[a.id]!.status).toBe("left")
      expect(r.core.identities[a.id]!.devices).toEqual([])
      expect(r.core.devices[a.id]).toBeUndefined()
      expect(r.core.devices[phone.id]).toBeUndefined()
      expect(r.core.devices[c.id]).toBe(c.id)
    })
    const d = new Builder([a, c])
    const addLaptop = d.add(c, "core", "device.add", d.deviceAdd(c, laptop), { parents: [d.genesis] })
    const remove = d.add(a, "gov", "remove", { identity: c.publicKey }, { parents: [addLaptop] })
    const hashes = new Set<string>()
    for (const order of permutations([addLaptop, remove])) {
      const r = withGov(d.genesis, order)
      expect(r.outcome(remove.key)).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied", type: "member.remove" }] })
      expect(r.core.identities[c.id]!.status).toBe("left")
      expect(r.core.identities[c.id]!.devices).toEqual([])
      expect(r.core.devices[c.id]).toBeUndefined()
      expect(r.core.devices[laptop.id]).toBeUndefined()
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
  })

  it("a revoked key added again by another identity is refused DeviceKnown and never listed", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const revoke = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [addPhone] })
    const again = b.add(c, "core", "device.add", b.deviceAdd(c, phone), { parents: [revoke] })
    const pt = b.add(phone, "core", "tick", {}, { parents: [again] })
    inEveryOrder(b.genesis, [addPhone, revoke, again, pt], (r) => {
      expect(tagOf(r, again)).toBe("DeviceKnown")
      expect(tagOf(r, pt)).toBe("DeviceRevoked")
      expect(r.core.devices[phone.id]).toBeUndefined()
      expect(r.core.identities[c.id]!.devices).toEqual([c.id])
      expect(r.core.identities[a.id]!.revoked).toEqual([phone.id])
    })
  })

  it("so is a key of a member who left, added again by another", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const leave = b.add(a, "core", "member.leave", { note: "bye" }, { parents: [addPhone] })
    const again = b.add(c, "core", "device.add", b.deviceAdd(c, phone), { parents: [leave] })
    const pt = b.add(phone, "core", "tick", {}, { parents: [again] })
    inEveryOrder(b.genesis, [addPhone, leave, again, pt], (r) => {
      expect(tagOf(r, again)).toBe("DeviceKnown")
      expect(tagOf(r, pt)).toBe("MemberLeft")
      expect(r.core.devices[phone.id]).toBeUndefined()
      expect(r.core.identities[c.id]!.devices).toEqual([c.id])
    })
  })

  it("a revocation that had not seen the key's addition is refused NotYourDevice, even when the addition folds first", () => {
    const b = new Builder([a, c])
    const addLaptop = b.add(a, "core", "device.add", b.deviceAdd(a, laptop), { parents: [b.genesis] })
    const lt = b.add(laptop, "core", "tick", {}, { parents: [addLaptop] })
    const revoke = b.add(laptop, "core", "device.revoke", { device: phone.publicKey }, { parents: [lt] })
    // a's chain: the addition has depth 3, the revocation depth 4: the addition folds first.
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [], prev: addLaptop })
    const pt = b.add(phone, "core", "tick", {}, { parents: [addPhone, revoke] })
    inEveryOrder(b.genesis, [addLaptop, lt, revoke, addPhone, pt], (r) => {
      expect(r.orderedKeys().indexOf(addPhone.key)).toBeLessThan(r.orderedKeys().indexOf(revoke.key))
      expect(tagOf(r, addPhone)).toBe("Applied")
      expect(tagOf(r, revoke)).toBe("NotYourDevice")
      expect(tagOf(r, pt)).toBe("Applied")
      expect(r.log.revocationsOf(phone.id)).toEqual([])
      expect(r.core.devices[phone.id]).toBe(a.id)
      expect(r.core.identities[a.id]!.devices).toEqual([a.id, laptop.id, phone.id].sort())
      expect(r.core.identities[a.id]!.revoked).toEqual([])
    })
  })

  it("a departure signed by a key revoked concurrently counts, and the member has left", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const revoke = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [addPhone] })
    const leave = b.add(phone, "core", "member.leave", { note: "stolen" }, { parents: [addPhone] })
    const later = b.add(a, "core", "tick", {}, { parents: [revoke] })
    inEveryOrder(b.genesis, [addPhone, revoke, leave, later], (r) => {
      expect(tagOf(r, leave)).toBe("Applied")
      expect(tagOf(r, revoke)).toBe("Applied")
      expect(tagOf(r, later)).toBe("MemberLeft")
      expect(r.core.identities[a.id]!.status).toBe("left")
      expect(r.core.identities[a.id]!.devices).toEqual([])
      expect(r.core.identities[a.id]!.revoked).toEqual([phone.id])
      expect(r.core.devices[a.id]).toBeUndefined()
    })
  })

  it("two concurrent departures of one member both apply; the member left once", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const byA = b.add(a, "core", "member.leave", { note: "bye" }, { parents: [addPhone] })
    const byPhone = b.add(phone, "core", "member.leave", { note: "bye too" }, { parents: [addPhone] })
    inEveryOrder(b.genesis, [addPhone, byA, byPhone], (r) => {
      expect(tagOf(r, byA)).toBe("Applied")
      expect(tagOf(r, byPhone)).toBe("Applied")
      expect(r.core.identities[a.id]!.status).toBe("left")
      expect(r.core.identities[a.id]!.history.filter((h) => h.status === "left")).toHaveLength(1)
      expect(r.core.identities[a.id]!.devices).toEqual([])
    })
  })

  it("a key that forked its chain is no longer listed, even when its fork folds before its addition", () => {
    const b = new Builder([a, c])
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const pt = b.add(phone, "core", "tick", {}, { parents: [addPhone] })
    const f1 = b.add(phone, "core", "tick", {}, { parents: [], prev: pt })
    const f2 = b.add(phone, "core", "tick", {}, { parents: [], prev: pt, seq: 2, time: f1.header.time + 1 })
    inEveryOrder(b.genesis, [addPhone, pt, f1, f2], (r) => {
      expect(tagOf(r, pt)).toBe("Applied")
      expect(tagOf(r, f1)).toBe("Equivocated")
      expect(r.core.devices[phone.id]).toBeUndefined()
      expect(r.core.identities[a.id]!.devices).toEqual([a.id])
    })
    // The laptop forks at seq 1 before anyone added it; the forked events sort before the addition.
    const d = new Builder([a, c])
    const l1 = d.add(laptop, "core", "tick", {}, { parents: [d.genesis] })
    const l2 = d.add(laptop, "core", "tick", {}, { parents: [d.genesis], seq: 1, prev: null, time: l1.header.time + 1 })
    const at = d.add(a, "core", "tick", {}, { parents: [d.genesis] })
    const addLaptop = d.add(a, "core", "device.add", d.deviceAdd(a, laptop), { parents: [], prev: at })
    inEveryOrder(d.genesis, [l1, l2, at, addLaptop], (r) => {
      expect(tagOf(r, l1)).toBe("Equivocated")
      expect(r.orderedKeys().indexOf(l1.key)).toBeLessThan(r.orderedKeys().indexOf(addLaptop.key))
      expect(tagOf(r, addLaptop)).toBe("Applied")
      expect(r.core.devices[laptop.id]).toBeUndefined()
      expect(r.core.identities[a.id]!.devices).toEqual([a.id])
    })
  })

  it("a revocation signed at a forked sequence number does not count", () => {
    const b = new Builder([a, c])
    const addLaptop = b.add(a, "core", "device.add", b.deviceAdd(a, laptop), { parents: [b.genesis] })
    const addPhone = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [addLaptop] })
    const lt = b.add(laptop, "core", "tick", {}, { parents: [addPhone] })
    const revoke = b.add(laptop, "core", "device.revoke", { device: phone.publicKey }, { parents: [], prev: lt })
    const other = b.add(laptop, "core", "tick", {}, { parents: [], prev: lt, seq: 2, time: revoke.header.time + 1 })
    const pt = b.add(phone, "core", "tick", {}, { parents: [revoke] })
    inEveryOrder(b.genesis, [addLaptop, addPhone, lt, revoke, other, pt], (r) => {
      expect(tagOf(r, revoke)).toBe("Equivocated")
      expect(r.log.revocationsOf(phone.id)).toEqual([])
      expect(tagOf(r, pt)).toBe("Applied")
      expect(r.core.devices[phone.id]).toBe(a.id)
      expect(r.core.identities[a.id]!.revoked).toEqual([])
    })
  })
})

describe("the state lists exactly the devices that act, on random histories", () => {
  /**
   * A random history of one community: ticks, applications, device additions (of new keys,
   * and of keys already given to someone), revocations (some of them two keys revoking each
   * other concurrently), departures and forks, each event citing a few random earlier ones.
   * Returns the builder and every key that signed or was named.
   */
  const registryHistory = (seed: number, size: number) => {
    let s = seed >>> 0
    const rand = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      return (s >>> 8) % n
    }
    const founders = [key(1), key(2), key(3)]
    const b = new Builder(founders)
    const keys = [...founders]
    const mine = (k: Keys.DeviceKey) => b.events.filter((e) => Bytes.equals(e.header.author, k.publicKey))
    let next = 200
    for (let n = 0; n < size; n++) {
      const pool = b.events
      const parents = [pool[pool.length - 1 - rand(Math.min(5, pool.length))]!]
      if (rand(2) === 0) parents.push(pool[rand(pool.length)]!)
      const unique = [...new Map(parents.map((p) => [p.key, p])).values()]
      const actor = keys[rand(keys.length)]!
      const pick = rand(100)
      try {
        if (pick < 25) b.add(actor, "core", "tick", {}, { parents: unique })
        else if (pick < 33) {
          const newcomer = key(next++)
          keys.push(newcomer)
          b.add(newcomer, "core", "member.apply", { note: "hi" }, { parents: unique })
        } else if (pick < 47) {
          const device = key(next++)
          keys.push(device)
          b.add(actor, "core", "device.add", b.deviceAdd(actor, device), { parents: unique })
        } else if (pick < 53) {
          // A key given before (to this identity or another, revoked or not) added again.
          const device = keys[rand(keys.length)]!
          if (device.id !== actor.id) b.add(actor, "core", "device.add", b.deviceAdd(actor, device), { parents: unique })
        } else if (pick < 65) b.add(actor, "core", "device.revoke", { device: keys[rand(keys.length)]!.publicKey }, { parents: unique })
        else if (pick < 75) {
          // Two keys revoke each other, neither seeing the other's revocation.
          const other = keys[rand(keys.length)]!
          if (other.id !== actor.id) {
            b.add(actor, "core", "device.revoke", { device: other.publicKey }, { parents: unique })
            b.add(other, "core", "device.revoke", { device: actor.publicKey }, { parents: unique })
          }
        } else if (pick < 82) b.add(actor, "core", "member.leave", { note: "bye" }, { parents: unique })
        else if (pick < 92) {
          // A fork: the actor signs again with its latest sequence number.
          const events = mine(actor)
          const last = events[events.length - 1]
          if (last !== undefined) {
            const prev = events.find((e) => e.header.seq === last.header.seq - 1) ?? null
            const type = rand(2) === 0 ? "tick" : "device.revoke"
            const body = type === "tick" ? {} : { device: keys[rand(keys.length)]!.publicKey }
            b.add(actor, "core", type, body, { parents: unique, seq: last.header.seq, prev, time: last.header.time + 7 })
          }
        } else b.add(actor, "core", "tick", {}, { parents: unique })
      } catch {
        // A drawn combination that breaks a structural rule (e.g. time) is skipped.
      }
    }
    return { b, keys }
  }

  /** Rejections that say the author key does not act at the event. */
  const STANDING = new Set(["Equivocated", "UnknownAuthor", "DeviceNotAdded", "DeviceRevoked", "MemberLeft", "Removed"])

  it("the keys listed are those an event signed now would act through, in every delivery order and across checkpoints", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 60 }), (seed, order, cut) => {
        const { b, keys } = registryHistory(seed, 36)
        const events = b.events.slice(1)
        const ref = open(b.genesis)
        ref.ingest(events)
        const core = ref.core

        // One state whatever the delivery order, and the same outcomes.
        const shuffledOrder = shuffle(events, order)
        const shuffled = deliver(b.genesis, shuffledOrder)
        expect(shuffled.stateHashHex()).toBe(ref.stateHashHex())
        for (const k of ref.log.keys) expect(shuffled.outcome(k)).toEqual(ref.outcome(k))

        // A checkpoint taken once `cut` events were delivered, restored from the stored records,
        // then every event offered again: the same state.
        const first = open(b.genesis)
        for (const e of shuffledOrder) if (first.log.size <= cut) first.ingest([e])
        const checkpoint = first.checkpoint()!
        const reopened = open(b.genesis)
        for (let i = 1; i < first.log.size; i++) expect(reopened.loadStored(first.log.bytes[i]!, checkpoint.size)).toBeUndefined()
        reopened.resume(checkpoint)
        expect(reopened.fold()).toBe(true)
        expect(reopened.stateHashHex()).toBe(first.stateHashHex())
        for (const e of shuffledOrder) reopened.ingest([e])
        expect(reopened.stateHashHex()).toBe(ref.stateHashHex())
        // And reopened from every stored record, delivered before and after the checkpoint.
        for (const e of shuffledOrder) first.ingest([e])
        const later = open(b.genesis)
        for (let i = 1; i < first.log.size; i++) expect(later.loadStored(first.log.bytes[i]!, checkpoint.size)).toBeUndefined()
        later.resume(checkpoint)
        expect(later.fold()).toBe(true)
        expect(later.stateHashHex()).toBe(ref.stateHashHex())
        for (const k of ref.log.keys) expect(later.outcome(k)).toEqual(ref.outcome(k))

        // An event signed now by each key, on every head: it acts exactly when the key is listed.
        // (The generator may have built events the log refuses: probes build on delivered ones.)
        const byKey = new Map(events.map((e) => [e.key, e]))
        const heads = ref.log.heads().map((k) => byKey.get(k) ?? b.genesis)
        const probes = keys.map((k) => {
          const tip = ref.log.tip(k.id)
          const prev = tip === undefined ? null : (byKey.get(ref.log.keys[tip.index]!) ?? b.genesis)
          return b.add(k, "core", "tick", {}, { parents: heads, prev, seq: (tip?.seq ?? 0) + 1 })
        })
        const probed = open(b.genesis)
        probed.ingest([...events, ...probes])
        expect(probed.core.devices).toEqual(core.devices)
        for (const [n, k] of keys.entries()) {
          const o = probed.outcome(probes[n]!.key)!
          const acts = o._tag === "Applied" || !STANDING.has(o.reason._tag)
          const listed = core.devices[k.id]
          expect(acts, `key ${k.id.slice(0, 8)}: ${JSON.stringify(o)}`).toBe(listed !== undefined)
          if (acts) {
            const standing = probed.log.standing(k.id, probed.log.index.get(probes[n]!.key)!)
            expect(standing).toEqual({ _tag: "Acts", identity: listed })
            expect(core.identities[listed!]!.status).not.toBe("left")
          }
        }
        // Each identity lists exactly its keys in `devices`, and the revocations that count in `revoked`.
        for (const [id, identity] of Object.entries(core.identities)) {
          expect(identity.devices).toEqual(Object.keys(core.devices).filter((d) => core.devices[d] === id).sort())
          if (identity.status === "left") expect(identity.devices).toEqual([])
        }
        for (const k of keys) {
          const counted = ref.log.revocationsOf(k.id)
          const holders = Object.entries(core.identities).filter(([, x]) => x.revoked.includes(k.id)).map(([id]) => id)
          if (counted.length === 0) expect(holders).toEqual([])
          else expect(holders).toEqual([ref.log.identityIn(ref.log.author[counted[0]!]!, counted[0]!, "past")])
        }
      }),
      { numRuns: 100 }
    )
  })
})
