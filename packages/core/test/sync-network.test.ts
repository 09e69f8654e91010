import { describe, expect, it } from "vitest"
import { Community } from "@affinity/core"
import * as Sync from "../src/sync/index.ts"
import { key, memoryLayer, run } from "./support/world.ts"

const founders = [key(11), key(12), key(13)]

interface Node {
  readonly name: string
  readonly community: Community.Community
  readonly layer: ReturnType<typeof memoryLayer>
  hub: Sync.SyncHub
}

/** One community, a replica of it per founder, each in its own storage. */
const world = async (names: ReadonlyArray<string>) => {
  const layer = memoryLayer()
  const first = await run(
    Community.create({ name: "Net", author: founders[0]!, founders: founders.slice(1).map((f) => f.publicKey) }),
    layer
  )
  const genesis = first.export()[0]!
  const nodes: Array<{ name: string; community: Community.Community; layer: ReturnType<typeof memoryLayer> }> = [
    { name: names[0]!, community: first, layer }
  ]
  for (const name of names.slice(1)) {
    const l = memoryLayer()
    nodes.push({ name, community: await run(Community.join(genesis), l), layer: l })
  }
  return nodes
}

const appendTicks = async (node: { community: Community.Community; layer: ReturnType<typeof memoryLayer> }, who: number, n: number) => {
  for (let i = 0; i < n; i++) await run(node.community.append(founders[who]!, "core", "tick", {}), node.layer)
}

const converged = (nodes: ReadonlyArray<{ community: Community.Community }>) => {
  const [a, ...rest] = nodes
  const heads = a!.community.replica.log.heads().join()
  const hash = a!.community.replica.stateHashHex()
  return rest.every((n) => n.community.replica.log.heads().join() === heads && n.community.replica.stateHashHex() === hash)
}

const hubsOn = (net: Sync.Memory.Network, nodes: ReadonlyArray<{ name: string; community: Community.Community }>) => {
  let seq = 0
  return nodes.map((n) => {
    const hub = Sync.makeHub({
      clock: net.clock,
      resyncInterval: 500,
      random: (size) => {
        const out = new Uint8Array(size)
        out[0] = ++seq
        out[1] = n.name.charCodeAt(0)
        return out
      }
    })
    hub.add(n.community)
    return hub
  })
}

describe("Sync over a simulated network", () => {
  it("two peers converge after a partition and a heal", async () => {
    const nodes = await world(["a", "b"])
    const net = new Sync.Memory.Network({ seed: 1, latency: [1, 10] })
    const hubs = hubsOn(net, nodes)
    const [l, r] = net.link("a", "b")
    hubs[0]!.connect(l)
    hubs[1]!.connect(r)
    const idle = () => Promise.all(hubs.map((h) => h.idle()))
    await appendTicks(nodes[0]!, 0, 5)
    expect((await net.run({ idle, until: () => converged(nodes), maxTime: 60_000 })).done).toBe(true)
    net.partition(["a"], ["b"])
    await appendTicks(nodes[0]!, 0, 7)
    await appendTicks(nodes[1]!, 1, 9)
    await net.run({ idle, maxTime: net.time + 5_000 })
    expect(converged(nodes)).toBe(false)
    net.heal()
    const healed = await net.run({ idle, until: () => converged(nodes), maxTime: net.time + 120_000 })
    expect(healed.done).toBe(true)
    expect(nodes[0]!.community.replica.log.size).toBe(1 + 5 + 7 + 9)
    for (const h of hubs) await h.close()
  })

  it("three peers converge through partitions, heals and concurrent writes", async () => {
    const nodes = await world(["a", "b", "c"])
    const net = new Sync.Memory.Network({ seed: 7, latency: [1, 20] })
    const hubs = hubsOn(net, nodes)
    for (const [x, y] of [[0, 1], [1, 2], [0, 2]] as const) {
      const [l, r] = net.link(nodes[x]!.name, nodes[y]!.name)
      hubs[x]!.connect(l)
      hubs[y]!.connect(r)
    }
    const idle = () => Promise.all(hubs.map((h) => h.idle()))
    for (let phase = 0; phase < 3; phase++) {
      net.partition(...([[["a"], ["b", "c"]], [["a", "b"], ["c"]], [["a"], ["b"], ["c"]]] as const)[phase]!)
      for (let i = 0; i < 3; i++) await appendTicks(nodes[i]!, i, 3 + phase)
      await net.run({ idle, maxTime: net.time + 3_000 })
      net.heal()
      const r = await net.run({ idle, until: () => converged(nodes), maxTime: net.time + 120_000 })
      expect(r.done, `phase ${phase}`).toBe(true)
    }
    expect(nodes[2]!.community.replica.log.size).toBe(1 + 3 * (3 + 4 + 5))
    for (const h of hubs) await h.close()
  })

  it("converges under loss, duplication and reordering, for many seeds", async () => {
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1)
    for (const seed of seeds) {
      const nodes = await world(["a", "b", "c"])
      const net = new Sync.Memory.Network({ seed, drop: 0.2, duplicate: 0.1, reorder: 0.2, latency: [1, 40] })
      const hubs = hubsOn(net, nodes)
      for (const [x, y] of [[0, 1], [1, 2]] as const) {
        const [l, r] = net.link(nodes[x]!.name, nodes[y]!.name)
        hubs[x]!.connect(l)
        hubs[y]!.connect(r)
      }
      const idle = () => Promise.all(hubs.map((h) => h.idle()))
      for (let i = 0; i < 3; i++) await appendTicks(nodes[i]!, i, 4 + seed % 5)
      const first = await net.run({ idle, until: () => converged(nodes), maxTime: 600_000 })
      expect(first.done, `seed ${seed}`).toBe(true)
      // More writes while everything keeps flowing through the lossy links.
      await appendTicks(nodes[0]!, 0, 3)
      await appendTicks(nodes[2]!, 2, 3)
      const second = await net.run({ idle, until: () => converged(nodes), maxTime: net.time + 600_000 })
      expect(second.done, `seed ${seed} (live)`).toBe(true)
      expect(net.stats.dropped).toBeGreaterThan(0)
      for (const h of hubs) await h.close()
    }
  })

  it("moves a larger history through a lossy link with small windows and partitions", async () => {
    const source = await world(["source"])
    await appendTicks(source[0]!, 0, 1500)
    const all = source[0]!.community.export()
    for (const seed of [101, 102, 103]) {
      const nodes: Array<{ name: string; community: Community.Community; layer: ReturnType<typeof memoryLayer> }> = []
      for (const name of ["a", "b"]) {
        const layer = memoryLayer()
        nodes.push({ name, community: await run(Community.join(all[0]!), layer), layer })
      }
      await run(nodes[0]!.community.receive(all.slice(1)), nodes[0]!.layer)
      const net = new Sync.Memory.Network({ seed, drop: 0.1, duplicate: 0.05, reorder: 0.3, latency: [1, 30] })
      let n = 0
      const hubs = nodes.map((node) => {
        const hub = Sync.makeHub({
          clock: net.clock,
          resyncInterval: 500,
          limits: { window: 256 * 1024, maxFrameBytes: 256 * 1024 },
          random: (size) => {
            const out = new Uint8Array(size)
            out[0] = ++n
            return out
          }
        })
        hub.add(node.community)
        return hub
      })
      const [l, r] = net.link("a", "b")
      hubs[0]!.connect(l)
      hubs[1]!.connect(r)
      const idle = () => Promise.all(hubs.map((h) => h.idle()))
      await net.run({ idle, maxTime: 40 })
      net.partition(["a"], ["b"])
      await appendTicks(nodes[1]!, 1, 30)
      await net.run({ idle, maxTime: net.time + 2_000 })
      net.heal()
      const done = await net.run({ idle, until: () => converged(nodes), maxTime: net.time + 600_000 })
      expect(done.done, `seed ${seed}`).toBe(true)
      expect(nodes[1]!.community.replica.log.size).toBe(1531)
      for (const h of hubs) await h.close()
    }
  })
})
