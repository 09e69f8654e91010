/**
 * The example relay (`examples/relay`) in a process of its own, as an operator runs it:
 * default admission (a community nobody introduced is served from memory and forgotten on
 * a restart), its store in a folder that outlives the process.
 *
 * @module
 */
import { fork } from "node:child_process"
import { join } from "node:path"

/** What the relay reports of the communities it carries. */
export interface RelayStats {
  /** Events held per community (hex id). */
  readonly counts: Readonly<Record<string, number>>
  /** How it holds each: `"introduced"`, `"memory"`, … (see `examples/relay`, Admission). */
  readonly standings: Readonly<Record<string, string>>
}

/** A running relay process. */
export interface RelayProcess {
  readonly url: string
  readonly port: number
  readonly stats: () => Promise<RelayStats>
  /** Stop it (SIGTERM) and wait until it has exited. */
  readonly stop: () => Promise<void>
}

/** Start the example relay on `data` (and `port`, default any free one). */
export const startRelayProcess = async (data: string, port = 0): Promise<RelayProcess> => {
  const main = join(import.meta.dirname, "..", "..", "..", "examples", "relay", "src", "main.ts")
  const child = fork(main, ["--port", String(port), "--data", data, "--quiet", "--ipc"], {
    execArgv: ["--conditions=@affinity/source"],
    stdio: ["ignore", "ignore", "inherit", "ipc"]
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const ready = await new Promise<{ readonly url: string; readonly port: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { url: string; port: number }))
    child.once("exit", (code) => reject(new Error(`the relay exited before it listened (${code})`)))
  })
  return {
    url: ready.url,
    port: ready.port,
    stats: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as RelayStats))
        child.send("stats")
      }),
    stop: async () => {
      child.kill("SIGTERM")
      await exited
    }
  }
}
