/**
 * The bridge and the example relay run as an operator runs it, with its default admission
 * (a community nobody introduced is served from memory and forgotten on a restart): the
 * bridge's connections introduce the community, so the relay keeps it across a restart,
 * and the bridge carries on through the restarted relay.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { describe, expect, it } from "vitest"
import { Bridge } from "../src/index.ts"
import { startRelayProcess } from "./relay-process.ts"

/** Poll (every 20 ms, at most `ms`) until `check` resolves true. */
const eventually = async (check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("the bridge and a relay that keeps only what is introduced", () => {
  it("the relay keeps the bridge's community across its restart", async () => {
    const data = await mkdtemp(join(tmpdir(), "affinity-bridge-relay-"))
    const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
    const ada = await client.generateKey()
    const handle = await client.create({ name: "Bakery co-op", author: ada })
    let relay = await startRelayProcess(data)
    const bridge = await Bridge.make({ community: handle, device: ada, relays: [relay.url], sync: { resyncInterval: 100 } })
    try {
      await bridge.append("core", "tick", {})
      const kept = async (count: number) => {
        const s = await relay.stats()
        return s.standings[handle.id] === "introduced" && s.counts[handle.id] === count
      }
      await eventually(() => kept(handle.export().length), "the relay keeps the community")
      await relay.stop()

      relay = await startRelayProcess(data, relay.port)
      const stats = await relay.stats()
      expect(stats.standings[handle.id]).toBe("introduced")
      expect(stats.counts[handle.id]).toBe(handle.export().length)
      // The bridge dials again and what it signs next reaches the relay.
      await eventually(() => bridge.relays()[0]?.connected === true, "the bridge reconnects")
      await bridge.append("core", "tick", {})
      await eventually(() => kept(handle.export().length), "a new event reaches the restarted relay")
    } finally {
      await bridge.close()
      await relay.stop()
      await client.close()
      await rm(data, { recursive: true, force: true })
    }
  })
})
