import { fork, type ChildProcess } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { Bytes, Cbor, Community, Crypto, Event, Keys, Storage } from "@affinity/core"
import * as StorageFs from "@affinity/storage-fs"
import { connect } from "@affinity/sync-websocket"
import { fromWs } from "@affinity/sync-websocket/server"
import { startDemoRelay, startRelay, Sync } from "../src/index.ts"

const crypto = await Crypto.makeBest()
const memory = () => Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, Storage.makeMemory()))
type L = ReturnType<typeof memory>
const run = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>, layer: L) => Effect.runPromise(Effect.provide(effect, layer))
const keyOf = (n: number) => Effect.runPromise(Effect.provide(Keys.fromSecret(new Uint8Array(32).fill(n)), Layer.succeed(Crypto.Crypto, crypto)))

const roots: Array<string> = []
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "affinity-relay-test-"))
  roots.push(d)
  return d
}
afterAll(async () => {
  for (const d of roots) await rm(d, { recursive: true, force: true })
})

/** Poll (bounded) until `check` holds. */
const until = async (check: () => boolean, what: string, rounds = 2_000) => {
  for (let i = 0; i < rounds && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!check()) throw new Error(`gave up waiting: ${what}`)
}

/** A member: a community replica in memory, a hub, and the key it signs with. */
const member = async (community: Community.Community, layer: L, key: Keys.DeviceKey) => {
  const hub = Sync.makeHub()
  hub.add(community)
  return { community, layer, key, hub }
}

const founding = async () => {
  const [alice, bob, carol] = await Promise.all([keyOf(1), keyOf(2), keyOf(3)])
  const la = memory()
  const c = await run(Community.create({ name: "Relayed", author: alice, founders: [bob.publicKey, carol.publicKey] }), la)
  const genesis = c.export()[0]!
  const lb = memory()
  const lc = memory()
  return {
    genesis,
    alice: await member(c, la, alice),
    bob: await member(await run(Community.join(genesis), lb), lb, bob),
    carol: await member(await run(Community.join(genesis), lc), lc, carol)
  }
}

const ticks = async (m: Awaited<ReturnType<typeof member>>, n: number) => {
  for (let i = 0; i < n; i++) await run(m.community.append(m.key, "core", "tick", {}), m.layer)
}

const sameLog = (...cs: Array<Community.Community>) =>
  cs.every((c) => c.replica.log.heads().join() === cs[0]!.replica.log.heads().join() && c.replica.stateHashHex() === cs[0]!.replica.stateHashHex())

describe("the relay", () => {
  it("stores and forwards between members that never meet, and signs nothing", async () => {
    const relay = await startDemoRelay()
    const { alice, bob, carol } = await founding()
    await ticks(alice, 10)
    for (const m of [alice, bob, carol]) m.hub.connect(await connect(relay.url))
    await until(() => sameLog(alice.community, bob.community, carol.community), "members converge")
    await ticks(bob, 5)
    await ticks(carol, 5)
    await until(
      () => alice.community.replica.log.size === 21 && sameLog(alice.community, bob.community, carol.community),
      "live events reach everyone"
    )
    const held = relay.relay.hub.community(alice.community.id)!
    expect(held.replica.log.size).toBe(21)
    expect(held.replica.stateHashHex()).toBe(alice.community.replica.stateHashHex())
    // Every stored event is signed by a member's key: the relay has none.
    const authors = new Set(held.export().map((b) => { const d = Event.decode(b); return d.ok ? Bytes.toHex(d.event.header.author) : "?" }))
    expect([...authors].sort()).toEqual([alice.key.id, bob.key.id, carol.key.id].sort())
    for (const m of [alice, bob, carol]) await m.hub.close()
    await relay.stop()
  })

  it("keeps communities on disk: a restart reopens them", async () => {
    const data = await tempDir()
    const first = await startRelay({ port: 0, data })
    const { alice, bob } = await founding()
    await ticks(alice, 30)
    alice.hub.connect(await connect(first.url))
    await until(() => first.counts().get(alice.community.id) === 31, "relay holds everything")
    await alice.hub.close()
    await first.stop()
    const second = await startRelay({ port: 0, data })
    expect(second.counts().get(alice.community.id)).toBe(31)
    bob.hub.connect(await connect(second.url))
    await until(() => sameLog(alice.community, bob.community), "a new member catches up from the restarted relay")
    await bob.hub.close()
    await second.stop()
  })

  it("loses nothing acknowledged when killed mid-sync (SIGKILL) and restarted", async () => {
    const data = await tempDir()
    const start = async () => {
      const child = fork(join(import.meta.dirname, "../src/main.ts"), ["--port", "0", "--data", data, "--quiet", "--ipc", "--window", String(256 * 1024), "--max-frame", String(256 * 1024)], {
        execArgv: ["--conditions=@affinity/source"],
        stdio: ["ignore", "ignore", "inherit", "ipc"]
      })
      const url = await new Promise<string>((resolve, reject) => {
        child.once("message", (m) => resolve((m as { url: string }).url))
        child.once("exit", (code) => reject(new Error(`relay exited early (${code})`)))
      })
      return { child, url }
    }
    const stats = (child: ChildProcess) =>
      new Promise<Record<string, number>>((resolve) => {
        child.once("message", (m) => resolve((m as { counts: Record<string, number> }).counts))
        child.send("stats")
      })
    const { alice } = await founding()
    // A history large enough to need several windows, sent at once on connecting.
    const bulk = await run(Community.create({ name: "Bulk", author: alice.key }), alice.layer)
    for (let i = 0; i < 3000; i++) await run(bulk.append(alice.key, "core", "tick", {}), alice.layer)
    const hub = Sync.makeHub()
    hub.add(bulk)
    const one = await start()
    const peer = hub.connect(await connect(one.url))
    await until(() => peer.stats.eventsAcked >= 1, "some events acknowledged", 4_000)
    one.child.kill("SIGKILL")
    const acked = peer.stats.eventsAcked
    await peer.closed
    // Killed in the middle: a window holds about a third of the history.
    expect(acked).toBeLessThan(3001)
    const two = await start()
    const stored = (await stats(two.child))[bulk.id] ?? 0
    // Every acknowledged event (the genesis among them) survived the kill.
    expect(stored).toBeGreaterThanOrEqual(acked)
    const again = hub.connect(await connect(two.url))
    await until(() => again.synced(bulk.id), "the rest arrives after the restart", 4_000)
    expect((await stats(two.child))[bulk.id]).toBe(3001)
    await hub.close()
    two.child.kill("SIGTERM")
    await new Promise((r) => two.child.once("exit", r))
  })

  it("talks to real ws clients on loopback, and cuts off hostile ones with typed reasons", async () => {
    const relay = await startDemoRelay({ limits: { maxFrameBytes: 256 * 1024 } })
    const { alice, bob } = await founding()
    await ticks(alice, 5)
    // An honest member over a `ws` client socket.
    const socket = new WebSocket(relay.url)
    await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)))
    alice.hub.connect(fromWs(socket))
    await until(() => relay.relay.counts().get(alice.community.id) === 6, "relay learns the community")
    const before = relay.relay.hub.community(alice.community.id)!.replica.stateHashHex()

    const hostile = async (send: (ws: WebSocket) => void) => {
      const ws = new WebSocket(relay.url)
      ws.on("error", () => {})
      await new Promise((resolve) => ws.once("open", resolve))
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }))
      )
      send(ws)
      return closed
    }
    const hello = Sync.Message.encode({ _tag: "Hello", versions: [1], nonce: new Uint8Array(16).fill(3), maxFrame: 1 << 20, window: 1 << 20 })
    expect((await hostile((ws) => ws.send(new Uint8Array([0xff, 0x00])))).reason).toMatch(/^MalformedMessage/)
    expect((await hostile((ws) => ws.send("a text frame"))).reason).toMatch(/^MalformedMessage/)
    expect((await hostile((ws) => ws.send(Cbor.encode([0, [7], new Uint8Array(16), 1 << 20, 1 << 20])))).reason).toMatch(/^VersionMismatch/)
    expect((await hostile((ws) => ws.send(new Uint8Array(300 * 1024)))).code).toBe(1009)
    const flood = await hostile((ws) => {
      ws.send(hello)
      for (let i = 0; i < 15_000; i++) ws.send(Sync.Message.encode({ _tag: "Ack", seq: i }))
    })
    expect(flood.reason).toMatch(/^Flood/)
    // A forged event: Bob's tick with a broken signature.
    const forged = await (async () => {
      const lb = memory()
      await run(bob.community.receive(alice.community.export().slice(1)), lb)
      await ticks({ ...bob, layer: lb }, 1)
      const bytes = new Uint8Array(bob.community.export().at(-1)!)
      const d = Event.decode(bytes)
      if (!d.ok) throw new Error("test event")
      const at = Bytes.toHex(bytes).indexOf(Bytes.toHex(d.event.signature)) / 2
      bytes[at + 1]! ^= 0x40
      return bytes
    })()
    const invalid = await hostile((ws) => {
      ws.send(hello)
      ws.send(Sync.Message.encode({ _tag: "Events", community: Bytes.fromHex(alice.community.id)!, seq: 1, events: [forged] }))
    })
    expect(invalid.reason).toMatch(/^InvalidEvent/)
    expect(relay.relay.hub.community(alice.community.id)!.replica.stateHashHex()).toBe(before)
    expect(relay.relay.counts().get(alice.community.id)).toBe(6)
    // The honest member is still served.
    await ticks(alice, 2)
    await until(() => relay.relay.counts().get(alice.community.id) === 8, "honest events still arrive")
    await alice.hub.close()
    await relay.stop()
  })
})
