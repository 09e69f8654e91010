import { Clock, Duration, Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Client, Community, Event, Storage } from "@affinity/core"
import type { Keys } from "@affinity/core"
import * as Sync from "../src/sync/index.ts"
import { Builder } from "./support/build.ts"
import { key, memoryLayer, run } from "./support/world.ts"

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
/** The default tolerance: five minutes. */
const TOLERANCE = 5 * MINUTE

/**
 * A device clock for tests, moved by hand: a fixed time, or (without `start`) the real
 * clock plus an offset. Its layer gives communities opened under it this clock.
 */
const deviceClock = (start?: number) => {
  let fixed = start
  let offset = 0
  const ms = () => fixed ?? Date.now() + offset
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: ms,
    currentTimeMillis: Effect.sync(ms),
    currentTimeNanosUnsafe: () => BigInt(ms()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(ms()) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => process.hrtime.bigint(),
    monotonicTimeNanos: Effect.sync(() => process.hrtime.bigint()),
    sleep: (d) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, Duration.toMillis(d))))
  }
  return {
    clock,
    now: ms,
    layer: () => Layer.mergeAll(memoryLayer(), Layer.succeed(Clock.Clock, clock)),
    advance: (by: number) => {
      if (fixed !== undefined) fixed += by
      else offset += by
    },
    set: (to: number) => {
      fixed = to
    }
  }
}

/** The claimed time of a delivered event. */
const timeOf = (community: Community.Community, k: string): number => {
  const log = community.replica.log
  return log.time[log.index.get(k)!]!
}

/** Keys of the parents (and backlink) a delivered event cites. */
const citesOf = (community: Community.Community, k: string): ReadonlyArray<string> => {
  const d = Event.decode(community.replica.bytesOf(k)!)
  if (!d.ok) throw new Error(d.error.message)
  return [...d.event.header.parents, ...(d.event.header.prev ? [d.event.header.prev] : [])].map(Bytes.toHex)
}

describe("events ahead of this device's clock", () => {
  it("an honest device does not inherit the time of a member whose device runs 8 days fast", async () => {
    const fast = await Client.make({ storage: Storage.layerMemory })
    const honest = await Client.make({ storage: Storage.layerMemory })
    const lenient = await Client.make({ storage: Storage.layerMemory, futureTolerance: 9 * DAY })
    const [alice, bob] = [await fast.generateKey(), await honest.generateKey()]
    const community = await fast.create({ name: "Allotment", author: alice, founders: [bob.publicKey] })
    const genesis = community.export()[0]!
    const mine = await honest.join(genesis)
    expect((await mine.receive(community.export().slice(1))).every((v) => v._tag === "Valid")).toBe(true)

    // Alice's device runs 8 days fast: everything it writes claims a time 8 days ahead.
    const ahead = await community.append(alice, "core", "tick", {}, { time: Date.now() + 8 * DAY })
    const next = await community.append(alice, "core", "tick", {})
    const before = mine.stateHash()
    const verdicts = await mine.receive(community.export().slice(1))
    expect(verdicts.map((v) => v._tag)).toEqual(["Held", "Held"])
    expect(verdicts[0]).toMatchObject({ key: ahead.key, reason: { _tag: "AheadOfClock" } })
    expect((verdicts[0] as Community.Held).reason.message).toBe("claimed time is 8 days ahead of this device's clock; held until then")
    expect(verdicts[1]!.key).toBe(next.key)
    // Held: not refused, not folded, not exported.
    expect(mine.stateHash()).toBe(before)
    // Her next event claims the same time (her chain never goes back): both wait as long.
    expect(mine.held().map((h) => h.key)).toEqual([ahead.key, next.key].sort())
    expect(mine.held().map((h) => h.until)).toEqual([ahead, next].map(() => timeOf(community.community, ahead.key) - TOLERANCE))
    expect(mine.export()).toHaveLength(1)
    // Offered again, it is held again (without being verified twice).
    expect((await mine.receive([community.export()[1]!]))[0]!._tag).toBe("Held")

    // Bob writes: his event claims his own clock's time, not Alice's, and does not cite hers.
    const start = Date.now()
    const own = await mine.append(bob, "core", "tick", {})
    expect(own.outcome._tag).toBe("Applied")
    const stamped = timeOf(mine.community, own.key)
    expect(stamped).toBeGreaterThanOrEqual(start)
    expect(stamped).toBeLessThanOrEqual(Date.now() + TOLERANCE)
    expect(citesOf(mine.community, own.key)).not.toContain(ahead.key)

    // A tolerance passed through `Client.make` decides what is held.
    const other = await lenient.join(genesis)
    expect((await other.receive(community.export().slice(1))).map((v) => v._tag)).toEqual(["Valid", "Valid"])
    expect(Community.FUTURE_TOLERANCE).toBe(TOLERANCE)
    await fast.close()
    await honest.close()
    await lenient.close()
  })

  it("releases a held event and its dependents when the clock reaches them, to the state of a replica that got them on time", async () => {
    const [a, c] = [key(1), key(2)]
    const t0 = 1_700_000_000_000
    const b = new Builder([a, c], {}, t0)
    const now = b.add(c, "core", "tick", {}, { time: t0 + MINUTE })
    const far = b.add(a, "core", "tick", {}, { parents: [now], time: t0 + 8 * DAY })
    // A dependent claiming the same time (valid: times only may not go down) and one later.
    const same = b.add(c, "core", "tick", {}, { parents: [far], time: t0 + 8 * DAY })
    const later = b.add(a, "core", "tick", {}, { time: t0 + 8 * DAY + 2000 })
    // Times go down from `far`: held with it, refused when released, as on time.
    const backwards = b.add(c, "core", "tick", {}, { parents: [far], prev: same, time: t0 + 2 * MINUTE })
    const all = [now, far, same, later, backwards]

    const device = deviceClock(t0 + 2 * MINUTE)
    const late = await run(Community.join(b.genesis.bytes), device.layer())
    // Children before parents: each claims a time ahead of the clock and is held on its own.
    const verdicts = await Effect.runPromise(late.receive([later, same, far, now].map((e) => e.bytes)))
    expect(verdicts.map((v) => v._tag)).toEqual(["Held", "Held", "Held", "Valid"])
    expect(verdicts.slice(0, 3).map((v) => (v as Community.Held).reason._tag)).toEqual(["AheadOfClock", "AheadOfClock", "AheadOfClock"])
    // A dependent whose own time is not ahead is held with what it cites.
    const cites = await Effect.runPromise(late.receive([backwards.bytes]))
    expect(cites[0]).toMatchObject({ _tag: "Held", until: far.header.time - TOLERANCE, reason: { _tag: "CitesHeld" } })
    expect((cites[0] as Community.Held).reason.message).toMatch(/^it cites [0-9a-f]{16}…, which is held for claiming a time ahead of this device's clock/)
    expect(late.held().map((h) => h.key)).toEqual([...[far.key, same.key, backwards.key].sort(), later.key])
    expect(late.held()[0]!.until).toBe(far.header.time - TOLERANCE)
    expect(late.replica.log.size).toBe(2)

    // A replica whose clock had passed them all when they came.
    const onTime = await run(Community.join(b.genesis.bytes), deviceClock(t0 + 9 * DAY).layer())
    const direct = await Effect.runPromise(onTime.receive(all.map((e) => e.bytes)))
    expect(direct.map((v) => v._tag)).toEqual(["Valid", "Valid", "Valid", "Valid", "Invalid"])

    // Not yet: a minute short of the tolerance.
    device.set(far.header.time - TOLERANCE - MINUTE)
    expect(await Effect.runPromise(late.release())).toEqual([])
    // The clock reaches `far` (less the tolerance): the next receive releases it and `same`;
    // `later` waits two more seconds.
    device.set(far.header.time - TOLERANCE)
    expect(await Effect.runPromise(late.receive([]))).toEqual([])
    expect(late.replica.log.index.has(far.key) && late.replica.log.index.has(same.key)).toBe(true)
    expect(late.held().map((h) => h.key)).toEqual([later.key])
    expect(late.isHeld(backwards.key)).toBe(false)
    device.advance(2000)
    expect(await Effect.runPromise(late.release())).toEqual([later.key])
    expect(late.held()).toEqual([])
    expect(late.replica.log.size).toBe(onTime.replica.log.size)
    expect(late.replica.stateHashHex()).toBe(onTime.replica.stateHashHex())
    // Offered again now, the one that went backwards gets the verdict it got on time.
    expect(direct[4]).toMatchObject({ _tag: "Invalid", reason: { _tag: "TimeWentBackwards" } })
    expect((await Effect.runPromise(late.receive([backwards.bytes])))[0]).toMatchObject({ _tag: "Invalid", reason: { _tag: "TimeWentBackwards" } })
  })

  it("never makes a held event a parent of a local append, and stamps at most the tolerance ahead", async () => {
    const [a, c, d] = [key(1), key(2), key(3)]
    const t0 = 1_700_000_000_000
    const b = new Builder([a, c, d], {}, t0)
    const far = b.add(a, "core", "tick", {}, { time: t0 + 8 * DAY })
    const near = b.add(d, "core", "tick", {}, { parents: [b.genesis], time: t0 + TOLERANCE - 1000 })
    const device = deviceClock(t0)
    const com = await run(Community.join(b.genesis.bytes), device.layer())
    expect((await Effect.runPromise(com.receive([far.bytes]))).map((v) => v._tag)).toEqual(["Held"])
    const own = await Effect.runPromise(com.append(c, "core", "tick", {}))
    expect(citesOf(com, own.key)).toEqual([b.genesis.key])
    expect(timeOf(com, own.key)).toBe(t0)
    // A head within the tolerance raises the time to its own, never beyond it.
    expect((await Effect.runPromise(com.receive([near.bytes]))).map((v) => v._tag)).toEqual(["Valid"])
    const second = await Effect.runPromise(com.append(c, "core", "tick", {}, { time: t0 - 5000 }))
    expect(citesOf(com, second.key)).toContain(near.key)
    expect(citesOf(com, second.key)).not.toContain(far.key)
    expect(timeOf(com, second.key)).toBe(near.header.time)
    expect(timeOf(com, second.key)).toBeLessThanOrEqual(device.now() + TOLERANCE)
    // Once released, it is a head like any other, and the next append cites it.
    device.set(far.header.time)
    const third = await Effect.runPromise(com.append(c, "core", "tick", {}))
    expect(citesOf(com, third.key)).toContain(far.key)
    expect(timeOf(com, third.key)).toBe(far.header.time)
  })

  it("bounds what it holds: beyond the limit an event is refused, to be offered again later", async () => {
    const [a, c] = [key(1), key(2)]
    const t0 = 1_700_000_000_000
    const b = new Builder([a, c], {}, t0)
    const x = b.add(a, "core", "tick", {}, { parents: [b.genesis], time: t0 + DAY })
    const y = b.add(c, "core", "tick", {}, { parents: [b.genesis], time: t0 + DAY })
    const device = deviceClock(t0)
    const com = await run(Community.join(b.genesis.bytes, { holdLimits: { maxHeld: 1 } }), device.layer())
    const verdicts = await Effect.runPromise(com.receive([x.bytes, y.bytes]))
    expect(verdicts.map((v) => v._tag)).toEqual(["Held", "Invalid"])
    expect(verdicts[1]).toMatchObject({ reason: { _tag: Community.HOLD_FULL, message: expect.stringMatching(/offer this one again later/) } })
    device.set(t0 + DAY)
    expect((await Effect.runPromise(com.receive([y.bytes]))).map((v) => v._tag)).toEqual(["Valid"])
    expect(com.replica.log.size).toBe(3)
  })

  it("the sync hub acknowledges a held event, does not relay it, keeps the connection, and relays it once released", async () => {
    const founders: ReadonlyArray<Keys.DeviceKey> = [key(1), key(2), key(3)]
    const [liar, bob, carol] = founders as [Keys.DeviceKey, Keys.DeviceKey, Keys.DeviceKey]
    const la = memoryLayer()
    const alice = await run(Community.create({ name: "Sync", author: liar, founders: [bob.publicKey, carol.publicKey] }), la)
    const genesis = alice.export()[0]!
    const bobClock = deviceClock()
    const carolClock = deviceClock()
    const b = await run(Community.join(genesis), bobClock.layer())
    const c = await run(Community.join(genesis), carolClock.layer())
    const options = { resyncInterval: 20 }
    const [ha, hb, hc] = [Sync.makeHub(options), Sync.makeHub(options), Sync.makeHub(options)]
    ha.add(alice)
    hb.add(b)
    hc.add(c)
    const [ab1, ab2] = Sync.Memory.pair()
    const [bc1, bc2] = Sync.Memory.pair()
    const aToB = ha.connect(ab1)
    const bToA = hb.connect(ab2)
    const bToC = hb.connect(bc1)
    hc.connect(bc2)
    let closed = false
    for (const p of [aToB, bToA]) void p.closed.then(() => (closed = true))
    const settle = async (done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) {
        await Promise.all([ha.idle(), hb.idle(), hc.idle()])
        await new Promise((res) => setTimeout(res, 5))
      }
    }

    // The liar's device claims a time 8 days ahead; bob's hub holds it and acknowledges it.
    const ahead = await run(alice.append(liar, "core", "tick", {}, { time: Date.now() + 8 * DAY }), la)
    await settle(() => aToB.stats.eventsAcked >= 1)
    expect(aToB.stats.eventsAcked).toBeGreaterThanOrEqual(1)
    expect(b.replica.log.index.has(ahead.key)).toBe(false)
    expect(b.isHeld(ahead.key)).toBe(true)
    // Several resync intervals later: still held, never relayed to carol, nobody cut off.
    await new Promise((res) => setTimeout(res, 150))
    await Promise.all([ha.idle(), hb.idle(), hc.idle()])
    expect(b.replica.log.index.has(ahead.key)).toBe(false)
    expect(c.replica.log.index.has(ahead.key) || c.isHeld(ahead.key)).toBe(false)
    expect(bToC.stats.eventsOut).toBe(0)
    expect(closed).toBe(false)

    // Bob writes on his own clock; carol and alice get it.
    const own = await run(b.append(bob, "core", "tick", {}), bobClock.layer())
    expect(citesOf(b, own.key)).not.toContain(ahead.key)
    expect(timeOf(b, own.key)).toBeLessThanOrEqual(bobClock.now() + TOLERANCE)
    await settle(() => c.replica.log.index.has(own.key) && alice.replica.log.index.has(own.key))
    expect(c.replica.log.index.has(own.key)).toBe(true)
    expect(c.replica.log.index.has(ahead.key)).toBe(false)

    // Eight days on for bob and carol: bob's hub releases it on its timer and relays it.
    bobClock.advance(8 * DAY)
    carolClock.advance(8 * DAY)
    await settle(() => c.replica.log.index.has(ahead.key) && alice.replica.log.size === c.replica.log.size)
    expect(b.held()).toEqual([])
    expect(c.replica.log.index.has(ahead.key)).toBe(true)
    expect(b.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    expect(c.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    expect(closed).toBe(false)
    await ha.close()
    await hb.close()
    await hc.close()
  })

  it("a full hold is no fault of the peer: the connection stays, and the event comes again at a later resync", async () => {
    const [liar, bob] = [key(1), key(2)]
    const la = memoryLayer()
    const alice = await run(Community.create({ name: "Sync", author: liar, founders: [bob.publicKey] }), la)
    const bobClock = deviceClock()
    const b = await run(Community.join(alice.export()[0]!, { holdLimits: { maxHeld: 0 } }), bobClock.layer())
    const [ha, hb] = [Sync.makeHub({ resyncInterval: 20 }), Sync.makeHub({ resyncInterval: 20 })]
    ha.add(alice)
    hb.add(b)
    const [l, r] = Sync.Memory.pair()
    const aToB = ha.connect(l)
    const bToA = hb.connect(r)
    let closed = false
    for (const p of [aToB, bToA]) void p.closed.then(() => (closed = true))
    const settle = async (done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) {
        await Promise.all([ha.idle(), hb.idle()])
        await new Promise((res) => setTimeout(res, 5))
      }
    }
    const ahead = await run(alice.append(liar, "core", "tick", {}, { time: Date.now() + 8 * DAY }), la)
    await settle(() => aToB.stats.eventsAcked >= 1)
    expect(b.isHeld(ahead.key) || b.replica.log.index.has(ahead.key)).toBe(false)
    expect(closed).toBe(false)
    bobClock.advance(8 * DAY)
    await settle(() => b.replica.log.index.has(ahead.key))
    expect(b.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    expect(closed).toBe(false)
    await ha.close()
    await hb.close()
  })
})
