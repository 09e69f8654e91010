import { fork, type ChildProcess } from "node:child_process"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { Bytes, Cbor, Community, Event } from "@affinity/core"
import { connect } from "@affinity/sync-websocket"
import { fromWs } from "@affinity/sync-websocket/server"
import { startDemoRelay, startRelay, Sync } from "../src/index.ts"
import { founding, introducing, memory, removeTemporaries, run, sameLog, tempDir, ticks, until } from "./support/members.ts"

afterAll(removeTemporaries)

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
    // Nobody introduced it: served from memory.
    expect(relay.relay.standing(alice.community.id)).toBe("memory")
    // The relay folds governance too (these members run `core` alone): the `core` states agree.
    expect(Bytes.toHex(Cbor.encode(held.replica.state("core")))).toBe(Bytes.toHex(Cbor.encode(alice.community.replica.state("core"))))
    // Every stored event is signed by a member's key: the relay has none.
    const authors = new Set(held.export().map((b) => { const d = Event.decode(b); return d.ok ? Bytes.toHex(d.event.header.author) : "?" }))
    expect([...authors].sort()).toEqual([alice.key.id, bob.key.id, carol.key.id].sort())
    for (const m of [alice, bob, carol]) await m.hub.close()
    await relay.stop()
  })

  it.each(["sqlite", "fs"] as const)("keeps a community a founder introduces: a restart reopens it (%s store)", async (store) => {
    const data = await tempDir()
    const first = await startRelay({ port: 0, data, store })
    const { alice, bob } = await founding()
    await ticks(alice, 30)
    alice.hub.connect(await connect(await introducing(first.url, alice.key, alice.community.id)))
    await until(() => first.counts().get(alice.community.id) === 31, "relay holds everything")
    await until(() => first.standing(alice.community.id) === "introduced", "relay keeps it")
    await alice.hub.close()
    await first.stop()
    const second = await startRelay({ port: 0, data, store })
    expect(second.counts().get(alice.community.id)).toBe(31)
    expect(second.standing(alice.community.id)).toBe("introduced")
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
    const peer = hub.connect(await connect(await introducing(one.url, alice.key, bulk.id)))
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
    const again = hub.connect(await connect(await introducing(two.url, alice.key, bulk.id)))
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
