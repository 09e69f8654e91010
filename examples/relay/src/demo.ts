/**
 * A relay for demos and tests: loopback, a port the system picks, a temporary data folder
 * that `stop` removes.
 *
 * @example
 * ```ts
 * import { startDemoRelay } from "@affinity/example-relay"
 *
 * const relay = await startDemoRelay()
 * console.log(relay.url) // ws://127.0.0.1:<port>/
 * await relay.stop()
 * ```
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Relay, type RelayOptions, startRelay } from "./relay.ts"

/** A running demo relay. */
export interface DemoRelay {
  readonly url: string
  /** Its data folder (removed by `stop`). */
  readonly data: string
  readonly relay: Relay
  /** Stop the relay and remove its data folder. */
  readonly stop: () => Promise<void>
}

/** Start a relay on 127.0.0.1, port 0, in a new temporary folder. */
export const startDemoRelay = async (options: Omit<RelayOptions, "data" | "port" | "host"> = {}): Promise<DemoRelay> => {
  const data = await mkdtemp(join(tmpdir(), "affinity-relay-"))
  try {
    const relay = await startRelay({ ...options, data, port: 0, host: "127.0.0.1" })
    return {
      url: relay.url,
      data,
      relay,
      stop: async () => {
        await relay.stop()
        await rm(data, { recursive: true, force: true })
      }
    }
  } catch (e) {
    await rm(data, { recursive: true, force: true })
    throw e
  }
}
