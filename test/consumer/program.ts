/**
 * A small program on the published packages: a community on disk with the governance
 * module, reopened from disk, copied to a replica in memory, and synced over WebSocket to a
 * third replica where the platform has a global `WebSocket` client (Node 22 and later).
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client, type DeviceKey, Storage, Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as StorageFs from "@affinity/storage-fs"
import { connect } from "@affinity/sync-websocket"
import { listen } from "@affinity/sync-websocket/server"

/** What the program found; every field is `true` when the packages work together. */
export interface Result {
  readonly applied: boolean
  readonly governance: boolean
  readonly reopened: boolean
  readonly copied: boolean
  /** `"no WebSocket"` on a platform without a global `WebSocket` client. */
  readonly synced: boolean | "no WebSocket"
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const program = async (): Promise<Result> => {
  const directory = await mkdtemp(join(tmpdir(), "affinity-consumer-"))
  try {
    const options = { storage: StorageFs.layer({ directory }), modules: [Governance.module] }
    const client = await Client.make(options)
    const ada: DeviceKey = await client.generateKey()
    const garden = await client.create({ name: "Community Garden", author: ada })
    const { outcome } = await garden.append(ada, "core", "tick", {})
    const governance = Governance.Records.open(garden.state<Governance.State>("governance")).length === 0
    const { id } = garden
    const hash = garden.stateHash()
    const events = garden.export()
    await client.close()

    const again = await Client.make(options)
    const reopened = (await again.open(id)).stateHash() === hash
    await again.close()

    const memory = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
    const copy = await memory.join(events[0]!)
    await copy.receive(events.slice(1))
    const copied = copy.stateHash() === hash

    let synced: Result["synced"] = "no WebSocket"
    const serving = Sync.makeHub()
    serving.add(copy.community)
    const server = await listen({ port: 0, onConnection: (connection) => serving.connect(connection) })
    if (typeof globalThis.WebSocket === "function") {
      const third = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
      const fresh = await third.join(events[0]!)
      const dialing = Sync.makeHub()
      dialing.add(fresh.community)
      dialing.connect(await connect(server.url))
      const deadline = Date.now() + 30_000
      while (fresh.stateHash() !== hash && Date.now() < deadline) await sleep(10)
      synced = fresh.stateHash() === hash
      await dialing.close()
      await third.close()
    }
    await serving.close()
    await server.close()
    await memory.close()
    return { applied: outcome._tag === "Applied", governance, reopened, copied, synced }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
