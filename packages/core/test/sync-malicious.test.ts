import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Community, Event } from "@affinity/core"
import * as Sync from "../src/sync/index.ts"
import { signDraft } from "./support/build.ts"
import { key, memoryLayer, run } from "./support/world.ts"

const founders = [key(21), key(22)]

/** A community with `n` ticks, and a fresh replica that joined it. */
const setup = async (n: number) => {
  const la = memoryLayer()
  const alice = await run(
    Community.create({ name: "Besieged", author: founders[0]!, founders: [founders[1]!.publicKey] }),
    la
  )
  for (let i = 0; i < n; i++) await run(alice.append(founders[0]!, "core", "tick", {}), la)
  return { alice, la, genesis: alice.export()[0]! }
}

/** A hostile peer speaking raw frames to a hub. */
const attacker = (hub: Sync.SyncHub) => {
  const [mine, theirs] = Sync.Memory.pair()
  const peer = hub.connect(theirs)
  const got: Array<Sync.Message.Message> = []
  mine.receive((frame) => {
    const d = Sync.Message.decode(frame)
    if (d.ok) got.push(d.message)
  })
  const send = (m: Sync.Message.Message) => mine.send(Sync.Message.encode(m))
  const hello = (versions: ReadonlyArray<number> = [1]) =>
    send({ _tag: "Hello", versions, nonce: new Uint8Array(16).fill(0xee), maxFrame: 1 << 20, window: 1 << 21 })
  return { conn: mine, peer, got, send, hello, raw: (b: Uint8Array) => mine.send(b) }
}

const state = (c: Community.Community) => ({
  hash: c.replica.stateHashHex(),
  size: c.replica.log.size,
  pending: c.replica.log.pendingCount
})

const settle = async (hub: Sync.SyncHub) => {
  for (let i = 0; i < 5; i++) {
    await hub.idle()
    await new Promise((r) => setTimeout(r, 1))
  }
}

/** A signed tick by `who` on top of `parents` (hex ids), with an author chain of its own. */
const tickOn = (community: Uint8Array, who: ReturnType<typeof key>, seq: number, prev: Uint8Array | null, parents: ReadonlyArray<Uint8Array>, time: number) =>
  signDraft(who.secret, { community, author: who.publicKey, seq, prev, parents, time, module: "core", type: "tick", body: {} })

describe("Sync against hostile peers", () => {
  it("disconnects on junk with MalformedMessage and changes nothing", async () => {
    const { alice } = await setup(3)
    const hub = Sync.makeHub()
    hub.add(alice)
    const before = state(alice)
    const m = attacker(hub)
    m.raw(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))
    const closed = await m.peer.closed
    expect(closed.reason).toBe("MalformedMessage")
    expect(m.got.at(-1)).toMatchObject({ _tag: "Bye", reason: "MalformedMessage" })
    expect(state(alice)).toEqual(before)
    await hub.close()
  })

  it("answers every kind of junk with a typed disconnect, never a throw", async () => {
    const { alice } = await setup(1)
    // A peer that never says hello is cut off after twelve resync intervals.
    const hub = Sync.makeHub({ resyncInterval: 20 })
    hub.add(alice)
    const junk: Array<Uint8Array> = [
      new Uint8Array(0),
      Cbor.encode([]),
      Cbor.encode([0, [1], new Uint8Array(16), 10, 10]),
      Cbor.encode([7, new Uint8Array(32), 1, [new Uint8Array(5)]]),
      Cbor.encode({ kind: 0 }),
      new Uint8Array([0x9f, 0x00, 0xff])
    ]
    for (let seed = 1; seed <= 40; seed++) {
      const r = new Uint8Array(1 + ((seed * 37) % 200))
      for (let i = 0; i < r.length; i++) r[i] = (seed * 131 + i * 17) & 255
      junk.push(r)
    }
    const before = state(alice)
    for (const frame of junk) {
      const m = attacker(hub)
      m.raw(frame)
      const closed = await m.peer.closed
      expect(["MalformedMessage", "ProtocolViolation", "Timeout"]).toContain(closed.reason)
    }
    // Junk after a proper hello, too.
    for (const frame of junk.filter((f) => !Sync.Message.decode(f).ok).slice(0, 12)) {
      const m = attacker(hub)
      m.hello()
      m.raw(frame)
      expect((await m.peer.closed).reason).toMatch(/MalformedMessage|ProtocolViolation/)
    }
    expect(state(alice)).toEqual(before)
    expect(hub.peers()).toHaveLength(0)
    await hub.close()
  })

  it("cuts off an oversize frame with FrameTooLarge", async () => {
    const { alice } = await setup(1)
    const hub = Sync.makeHub({ limits: { maxFrameBytes: 256 * 1024 } })
    hub.add(alice)
    const m = attacker(hub)
    m.hello()
    m.raw(new Uint8Array(256 * 1024 + 1))
    expect((await m.peer.closed).reason).toBe("FrameTooLarge")
    await hub.close()
  })

  it("cuts off a flood with Flood", async () => {
    const { alice } = await setup(1)
    const hub = Sync.makeHub({ limits: { unitsPerSecond: 100, burst: 200 } })
    hub.add(alice)
    const m = attacker(hub)
    m.hello()
    for (let i = 0; i < 1000; i++) m.send({ _tag: "Ack", seq: i })
    expect((await m.peer.closed).reason).toBe("Flood")
    await hub.close()
  })

  it("refuses a peer with no common version with VersionMismatch", async () => {
    const { alice } = await setup(1)
    const hub = Sync.makeHub()
    hub.add(alice)
    const m = attacker(hub)
    m.hello([2, 3])
    const closed = await m.peer.closed
    expect(closed.reason).toBe("VersionMismatch")
    expect(closed.message).toMatch(/2, 3/)
    await hub.close()
  })

  it("picks the highest common version", async () => {
    const a = Sync.makeHub({ versions: [1, 2, 5] })
    const b = Sync.makeHub({ versions: [1, 2, 3] })
    const [l, r] = Sync.Memory.pair()
    const pa = a.connect(l)
    const pb = b.connect(r)
    await settle(a)
    await settle(b)
    expect(pa.version()).toBe(2)
    expect(pb.version()).toBe(2)
    await a.close()
    await b.close()
  })

  it("disconnects a peer that sends an invalid signature, state unchanged", async () => {
    const { alice } = await setup(2)
    const hub = Sync.makeHub()
    hub.add(alice)
    const before = state(alice)
    const m = attacker(hub)
    m.hello()
    const good = tickOn(alice.replica.log.community, founders[1]!, 1, null, [Bytes.fromHex(alice.replica.log.heads()[0]!)!], 1_900_000_000_000)
    const sigAt = Bytes.toHex(good.bytes).indexOf(Bytes.toHex(good.signature)) / 2
    const forged = new Uint8Array(good.bytes)
    forged[sigAt + 5]! ^= 1
    m.send({ _tag: "Open", community: alice.replica.log.community, heads: [alice.replica.log.community], count: 1, reply: false })
    m.send({ _tag: "Events", community: alice.replica.log.community, seq: 1, events: [forged] })
    const closed = await m.peer.closed
    expect(closed.reason).toBe("InvalidEvent")
    expect(closed.message).toMatch(/BadSignature/)
    expect(state(alice)).toEqual(before)
    await hub.close()
  })

  it("holds parent-less events in a bounded per-peer buffer and cuts off with TooManyPending", async () => {
    const { alice } = await setup(1)
    const hub = Sync.makeHub({ limits: { maxPending: 20 } })
    hub.add(alice)
    const before = state(alice)
    const m = attacker(hub)
    m.hello()
    const c = alice.replica.log.community
    const events: Array<Uint8Array> = []
    for (let i = 0; i < 30; i++) {
      const phantom = new Uint8Array(32).fill(i + 1)
      events.push(tickOn(c, key(100 + i), 1, null, [phantom], 1_900_000_000_000).bytes)
    }
    m.send({ _tag: "Events", community: c, seq: 1, events })
    expect((await m.peer.closed).reason).toBe("TooManyPending")
    expect(state(alice)).toEqual(before)
    expect(alice.replica.log.pendingCount).toBe(0)
    await hub.close()
  })

  it("cuts off a peer that ignores the window with TooMuchUnvalidated", async () => {
    const { alice, la } = await setup(1)
    // Events a peer might legitimately have: a long chain it sends all at once.
    for (let i = 0; i < 800; i++) await run(alice.append(founders[1]!, "core", "tick", {}), la)
    const all = alice.export()
    const victim = await run(Community.join(all[0]!), memoryLayer())
    const limits = { window: 256 * 1024, maxFrameBytes: 256 * 1024, maxUnvalidatedBytes: 100 * 1024 }
    const hub = Sync.makeHub({ limits })
    hub.add(victim)
    const m = attacker(hub)
    m.hello()
    let seq = 1
    for (let i = 1; i < all.length; i += 200)
      m.send({ _tag: "Events", community: victim.replica.log.community, seq: seq++, events: all.slice(i, i + 200) })
    expect((await m.peer.closed).reason).toBe("TooMuchUnvalidated")
    await hub.close()
  })

  it("treats replays as duplicates: no change, no crash", async () => {
    const { alice, genesis } = await setup(5)
    const all = alice.export()
    const victim = await run(Community.join(genesis), memoryLayer())
    const hub = Sync.makeHub()
    hub.add(victim)
    const m = attacker(hub)
    m.hello()
    const c = victim.replica.log.community
    m.send({ _tag: "Events", community: c, seq: 1, events: all.slice(1) })
    await settle(hub)
    const after = state(victim)
    expect(after.size).toBe(6)
    for (let i = 0; i < 20; i++) m.send({ _tag: "Events", community: c, seq: 2 + i, events: all })
    await settle(hub)
    expect(state(victim)).toEqual(after)
    expect(m.peer.stats.duplicates).toBeGreaterThanOrEqual(20 * 6)
    expect(m.got.some((x) => x._tag === "Ack")).toBe(true)
    await hub.close()
  })

  it("cuts off a reconciliation round that never ends", async () => {
    const { alice } = await setup(300)
    // The hub's nonce sorts below the attacker's: it is the initiator, the attacker's rounds are odd.
    const hub = Sync.makeHub({ limits: { maxRoundSteps: 20 }, random: (n) => new Uint8Array(n).fill(1) })
    hub.add(alice)
    const m = attacker(hub)
    const mine = m.conn
    const c = alice.replica.log.community
    const noise = (ranges: ReadonlyArray<Sync.Message.Range>): Array<Sync.Message.Range> =>
      ranges.map((r) => ({ _tag: "Fingerprint", upper: r.upper, fingerprint: crypto.getRandomValues(new Uint8Array(16)) }))
    mine.receive((frame) => {
      const d = Sync.Message.decode(frame)
      if (d.ok && d.message._tag === "Reconcile" && d.message.ranges.length > 0)
        m.send({ ...d.message, step: d.message.step + 1, ranges: noise(d.message.ranges) })
    })
    m.hello()
    // The attacker starts a round of its own, as the non-initiator may.
    m.send({ _tag: "Open", community: c, heads: [new Uint8Array(32).fill(9)], count: 2, reply: false })
    m.send({ _tag: "Reconcile", community: c, round: 1, step: 0, ranges: [{ _tag: "Fingerprint", upper: null, fingerprint: new Uint8Array(16) }] })
    const closed = await m.peer.closed
    expect(closed.reason).toBe("ProtocolViolation")
    expect(closed.message).toMatch(/steps/)
    await hub.close()
  })

  it("keeps honest peers converging while attackers misbehave on the same hub", async () => {
    const { alice, la, genesis } = await setup(10)
    const hub = Sync.makeHub()
    hub.add(alice)
    const bob = await run(Community.join(genesis), memoryLayer())
    const hb = Sync.makeHub()
    hb.add(bob)
    const attackers = [attacker(hub), attacker(hub), attacker(hub)]
    attackers[0]!.raw(new Uint8Array([1, 2, 3]))
    attackers[1]!.hello()
    for (let i = 0; i < 30_000; i++) attackers[1]!.send({ _tag: "Ack", seq: i })
    attackers[2]!.hello()
    attackers[2]!.send({ _tag: "Want", community: alice.replica.log.community, ids: [alice.replica.log.community] })
    const [l, r] = Sync.Memory.pair()
    hub.connect(l)
    hb.connect(r)
    await run(alice.append(founders[0]!, "core", "tick", {}), la)
    for (let i = 0; i < 400 && bob.replica.log.size !== alice.replica.log.size; i++) {
      await settle(hub)
      await settle(hb)
    }
    expect(bob.replica.stateHashHex()).toBe(alice.replica.stateHashHex())
    expect(bob.replica.log.size).toBe(12)
    expect((await attackers[0]!.peer.closed).reason).toBe("MalformedMessage")
    expect((await attackers[1]!.peer.closed).reason).toBe("Flood")
    await hub.close()
    await hb.close()
  })

  it("converges when ids were mined to crowd one depth and share a prefix", async () => {
    const { alice, la, genesis } = await setup(3)
    const c = alice.replica.log.community
    const parent = Bytes.fromHex(alice.replica.log.heads()[0]!)!
    const time = alice.replica.headTime() + 1
    // Many authors write concurrently on one parent (one depth); keep those whose id starts with 0x00.
    const mined: Array<Event.Event> = []
    for (let n = 0; n < 24; n++) {
      const who = key(1000 + n)
      for (let t = time; ; t++) {
        const draft = { community: c, author: who.publicKey, seq: 1, prev: null, parents: [parent], time: t, module: "core", type: "tick", body: {} }
        const prepared = Event.prepare(draft)
        if (prepared.ok && prepared.unsigned.id[0] === 0) {
          mined.push(signDraft(who.secret, draft))
          break
        }
      }
    }
    const bob = await run(Community.join(genesis), memoryLayer())
    await run(bob.receive(alice.export().slice(1)), memoryLayer())
    await run(alice.receive(mined.slice(0, 12).map((e) => e.bytes)), la)
    const lb = memoryLayer()
    await run(bob.receive(mined.slice(12).map((e) => e.bytes)), lb)
    const a = Sync.makeHub({ headsShortcut: false })
    const b = Sync.makeHub({ headsShortcut: false })
    a.add(alice)
    b.add(bob)
    const [l, r] = Sync.Memory.pair()
    a.connect(l)
    b.connect(r)
    for (let i = 0; i < 400 && bob.replica.log.size !== 4 + 24; i++) {
      await settle(a)
      await settle(b)
    }
    expect(alice.replica.log.heads()).toEqual(bob.replica.log.heads())
    expect(alice.replica.log.size).toBe(4 + 24)
    await a.close()
    await b.close()
  })
})

