import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Community, Event, Replica } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { key, run, testCrypto } from "./support/world.ts"

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const permutations = <T>(xs: ReadonlyArray<T>): Array<Array<T>> =>
  xs.length <= 1 ? [[...xs]] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]))

describe("device keys", () => {
  it("a second device acts for the same identity; a revoked one stops, including concurrent events (strong removal)", () => {
    const [a, c] = [key(1), key(2)]
    const phone = key(50)
    const b = new Builder([a, c])
    const add = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const byPhone = b.add(phone, "core", "tick", {}, { parents: [add] })
    // The phone is stolen: a concurrent event by it, and a revocation that has seen only `byPhone`.
    const concurrent = b.add(phone, "core", "tick", {}, { parents: [byPhone] })
    const revoke = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [byPhone] })
    const after = b.add(phone, "core", "tick", {}, { parents: [revoke, concurrent] })
    const events = [add, byPhone, concurrent, revoke, after]
    const hashes = new Set<string>()
    for (const order of permutations(events)) {
      const r = open(b.genesis)
      for (const e of order) r.ingest([e])
      expect(r.outcome(byPhone.key)?._tag).toBe("Applied")
      expect(r.outcome(revoke.key)?._tag).toBe("Applied")
      expect(r.outcome(concurrent.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "DeviceRevoked" } })
      expect(r.outcome(after.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "DeviceRevoked" } })
      expect(r.core.identities[a.id]!.devices).toEqual([a.id])
      expect(r.core.identities[a.id]!.revoked).toEqual([phone.id])
      hashes.add(r.stateHashHex())
    }
    expect(hashes.size).toBe(1)
  })

  it("two devices that revoke each other concurrently are both revoked", () => {
    const [a, c] = [key(1), key(2)]
    const phone = key(51)
    const b = new Builder([a, c])
    const add = b.add(a, "core", "device.add", b.deviceAdd(a, phone), { parents: [b.genesis] })
    const r1 = b.add(a, "core", "device.revoke", { device: phone.publicKey }, { parents: [add] })
    const r2 = b.add(phone, "core", "device.revoke", { device: a.publicKey }, { parents: [add] })
    const later = b.add(a, "core", "tick", {}, { parents: [r1, r2] })
    for (const order of permutations([r1, r2, later])) {
      const r = open(b.genesis)
      r.ingest([add, ...order])
      expect(r.log.revocationsOf(a.id)).toHaveLength(1)
      expect(r.log.revocationsOf(phone.id)).toHaveLength(1)
      expect(r.outcome(later.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "DeviceRevoked" } })
    }
  })

  it("refuses a device.add whose consent signature is not the new key's", async () => {
    const [a, c] = [key(1), key(2)]
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.create({ name: "x", author: a, founders: [c.publicKey] })
        const b = new Builder([a, c])
        // A consent signed by another key than the one being added.
        const other = b.deviceAdd(a, key(60)) as { consent: Uint8Array }
        const tip = com.replica.chainTip(a.id)
        const e = yield* Event.sign(testCrypto, a.secret, {
          community: com.replica.log.community,
          author: a.publicKey,
          seq: tip.seq,
          prev: tip.prev,
          parents: [],
          time: com.replica.headTime() + 1,
          module: "core",
          type: "device.add",
          body: { device: key(61).publicKey, consent: other.consent }
        })
        return { verdicts: yield* com.receive([e.bytes]), size: com.replica.log.size }
      })
    )
    expect(out.verdicts[0]).toMatchObject({ _tag: "Invalid", reason: { _tag: "BadEmbeddedSignature" } })
    expect(out.size).toBe(1)
  })
})

describe("leaving", () => {
  it("a member who left stops counting, and so do events their departure had not seen", () => {
    const [a, c, d] = [key(1), key(2), key(3)]
    const b = new Builder([a, c, d])
    const t = b.add(c, "core", "tick", {}, { parents: [b.genesis] })
    const concurrent = b.add(c, "core", "tick", {}, { parents: [t] })
    const leave = b.add(c, "core", "member.leave", { note: "moving away" }, { parents: [t], seq: 3, prev: concurrent })
    for (const order of permutations([t, concurrent, leave])) {
      const r = open(b.genesis)
      r.ingest(order)
      expect(r.outcome(t.key)?._tag).toBe("Applied")
      expect(r.outcome(concurrent.key)?._tag).toBe("Applied")
      expect(r.outcome(leave.key)?._tag).toBe("Applied")
      expect(r.core.identities[c.id]!.status).toBe("left")
    }
    const stray = b.add(c, "core", "tick", {}, { parents: [t], seq: 4, prev: leave })
    const r = open(b.genesis)
    r.ingest([t, concurrent, leave, stray])
    expect(r.outcome(stray.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "MemberLeft" } })
  })
})

describe("time", () => {
  it("refuses an event whose claimed time is before its parents'", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const t = b.add(a, "core", "tick", {}, { time: b.genesis.header.time + 10_000 })
    const back = b.add(c, "core", "tick", {}, { parents: [t], time: t.header.time - 1 })
    const r = open(b.genesis)
    const { verdicts } = r.ingest([t, back])
    expect(verdicts[1]).toMatchObject({ _tag: "Invalid", reason: { _tag: "TimeWentBackwards" } })
  })

  it("community time moves only when enough members' clocks agree; one liar cannot push it", () => {
    const [a, c, d, e] = [key(1), key(2), key(3), key(4)]
    const b = new Builder([a, c, d, e], { timeWitnesses: 2 })
    const t0 = b.genesis.header.time
    const liar = b.add(a, "core", "tick", {}, { parents: [b.genesis], time: t0 + 1_000_000_000 })
    const probe1 = b.add(c, "core", "tick", {}, { parents: [liar], time: t0 + 1_000_000_000 })
    const honest = b.add(d, "core", "tick", {}, { parents: [b.genesis], time: t0 + 5_000 })
    const probe2 = b.add(e, "core", "tick", {}, { parents: [liar, honest], time: t0 + 1_000_000_000 })
    const r = open(b.genesis)
    r.ingest([liar, probe1, honest, probe2])
    const at = (e: Event.Event) => r.communityTimeAt(r.log.index.get(e.key)!)
    // Only the liar's clock is past t0 in probe1's past: community time stays at the genesis time.
    expect(at(probe1)).toBe(t0)
    // With the honest member's clock, the second latest clock is the honest one.
    expect(at(probe2)).toBe(t0 + 5_000)
  })
})

describe("pending events", () => {
  it("waits for missing parents and delivers when they arrive", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const x = b.add(a, "core", "tick", {})
    const y = b.add(c, "core", "tick", {})
    const z = b.add(a, "core", "tick", {})
    const r = open(b.genesis)
    const first = r.ingest([z, y])
    expect(first.verdicts.map((v) => v._tag)).toEqual(["Pending", "Pending"])
    expect(r.log.missing()).toEqual([x.key])
    const second = r.ingest([x])
    expect(second.verdicts[0]!._tag).toBe("Valid")
    expect([...second.delivered].sort()).toEqual([x.key, y.key, z.key].sort())
    expect(r.log.pendingCount).toBe(0)
  })

  it("bounds the quarantine", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const hidden = b.add(a, "core", "tick", {})
    const waiting = Array.from({ length: 5 }, () => b.add(c, "core", "tick", {}))
    const r = Replica.Replica.open(b.genesis, { limits: { maxPending: 3, maxPendingBytes: 1 << 20 } })
    if (!r.ok) throw new Error()
    const { verdicts } = r.replica.ingest(waiting)
    expect(verdicts.map((v) => v._tag)).toEqual(["Pending", "Pending", "Pending", "Invalid", "Invalid"])
    expect(verdicts[3]).toMatchObject({ reason: { _tag: "QuarantineFull" } })
    r.replica.ingest([hidden])
    expect(r.replica.log.size).toBe(1 + 1 + 3)
  })
})

describe("equivocation proofs", () => {
  it("a recorded proof teaches a replica that saw only one side of the fork", async () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const one = b.add(c, "core", "tick", {}, { parents: [b.genesis] })
    const x = b.add(c, "core", "tick", {}, { parents: [one] })
    const y = b.add(c, "core", "tick", {}, { parents: [one], seq: 2, prev: one, time: x.header.time + 1 })
    const proof = b.add(a, "core", "equivocation", { a: x.bytes, b: y.bytes }, { parents: [x] })
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        yield* com.receive([one.bytes, x.bytes])
        const before = com.replica.outcome(x.key)?._tag
        const verdicts = yield* com.receive([proof.bytes])
        return { before, verdicts, replica: com.replica }
      })
    )
    expect(out.before).toBe("Applied")
    expect(out.verdicts[0]!._tag).toBe("Valid")
    expect(out.replica.log.index.has(y.key)).toBe(true)
    expect(out.replica.outcome(proof.key)?._tag).toBe("Applied")
    expect(out.replica.core.equivocations[c.id]).toBe(2)
    expect(out.replica.outcome(x.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "Equivocated" } })
  })

  it("refuses a proof whose embedded events are forged", async () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const one = b.add(c, "core", "tick", {}, { parents: [b.genesis] })
    const x = b.add(c, "core", "tick", {}, { parents: [one] })
    const forged = x.bytes.slice()
    forged[forged.length - x.bodyBytes.length - 3]! ^= 4
    const proof = b.add(a, "core", "equivocation", { a: x.bytes, b: forged }, { parents: [x] })
    const verdicts = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        return yield* com.receive([one.bytes, x.bytes, proof.bytes])
      })
    )
    expect(verdicts[2]).toMatchObject({ _tag: "Invalid", reason: { _tag: "BadEmbeddedSignature" } })
  })
})

describe("events inside proofs", () => {
  it("are checked like received events: a forged device consent inside a proof is not delivered", async () => {
    const [a, c, mallory] = [key(1), key(2), key(3)]
    const b = new Builder([a, c, mallory])
    const stolen = key(70)
    // mallory forges a device.add for a's identity with a consent not signed by the new key…
    const honest = b.deviceAdd(a, key(71)) as { consent: Uint8Array }
    const forged = b.add(a, "core", "device.add", { device: stolen.publicKey, consent: honest.consent }, { parents: [b.genesis] })
    // …and wraps it in a bogus proof signed with her own key.
    const proof = b.add(mallory, "core", "equivocation", { a: forged.bytes, b: forged.bytes }, { parents: [b.genesis] })
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        const verdicts = yield* com.receive([proof.bytes])
        return { verdicts, replica: com.replica }
      })
    )
    expect(out.verdicts[0]!._tag).toBe("Valid")
    expect(out.replica.outcome(proof.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotAProof" } })
    expect(out.replica.log.index.has(forged.key)).toBe(false)
    expect(out.replica.core.devices[stolen.id]).toBeUndefined()
  })
})

describe("refused links", () => {
  it("refuse the events that wait on them, and say so when they are offered again", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const t = b.add(a, "core", "tick", {}, { parents: [b.genesis], time: b.genesis.header.time + 10_000 })
    const back = b.add(c, "core", "tick", {}, { parents: [t], time: t.header.time - 1 })
    const child = b.add(a, "core", "tick", {}, { parents: [back] })
    const r = open(b.genesis)
    const first = r.ingest([child, back])
    expect(first.verdicts.map((v) => v._tag)).toEqual(["Pending", "Pending"])
    r.ingest([t])
    expect(r.log.pendingCount).toBe(0)
    expect(r.log.missing()).toEqual([])
    expect(r.ingest([child]).verdicts[0]).toMatchObject({ _tag: "Invalid", reason: { _tag: "RefusedDependency" } })
  })
})
