/**
 * Helpers for driving the CLI as people would: a data directory per person, a clock the
 * test moves forward, a relay in this process, and the example relay in a process of its
 * own.
 *
 * @module
 */
import { fork } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Community, Crypto, Storage, Sync } from "@affinity/core"
import { listen } from "@affinity/sync-websocket/server"
import { Effect, Layer } from "effect"
import { run } from "../src/index.ts"

/** What one run printed and returned. */
export interface Result {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** A clock shared by everyone in a test, moved forward by the test. */
export interface Clock {
  readonly now: () => number
  readonly advance: (ms: number) => void
}

/**
 * A clock starting at `start`: by default a minute ahead of the machine's, since a new
 * community's first event claims the machine's time and must not be later than the events
 * that follow it.
 */
export const clock = (start: number = Date.now() + 60_000): Clock => {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

/** Temporary directories, removed by {@link cleanUp}. */
const made: Array<string> = []

/** A new temporary directory. */
export const tempDir = async (prefix = "affinity-cli-test-"): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), prefix))
  made.push(d)
  return d
}

/** Remove every temporary directory made. */
export const cleanUp = async (): Promise<void> => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true })
}

/** A person at a terminal: runs `affinity --dir <their dir> …` with the shared clock, in UTC. */
export type Person = ((...args: ReadonlyArray<string>) => Promise<Result>) & {
  readonly dir: string
  /** Runs with `--json` and parses standard output (fails the test on a non-zero exit). */
  readonly json: <T = unknown>(...args: ReadonlyArray<string>) => Promise<T>
}

/** A person with a data directory of their own. */
export const person = async (time: Clock, env: Readonly<Record<string, string | undefined>> = {}): Promise<Person> => {
  const dir = await tempDir()
  const call = async (...args: ReadonlyArray<string>): Promise<Result> => {
    let out = ""
    let err = ""
    const code = await run(["--dir", dir, ...args], {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      env,
      now: time.now,
      timeZone: "UTC"
    })
    return { code, out, err }
  }
  const json = async <T>(...args: ReadonlyArray<string>): Promise<T> => {
    const r = await call("--json", ...args)
    if (r.code !== 0) throw new Error(`affinity ${args.join(" ")} exited ${r.code}: ${r.err}`)
    return JSON.parse(r.out) as T
  }
  return Object.assign(call, { dir, json })
}

/** A relay in this process: stores and forwards any community's events, in memory. */
export const startRelay = async (): Promise<{ readonly url: string; readonly stop: () => Promise<void> }> => {
  const crypto = await Crypto.makeBest()
  const layer = Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, Storage.makeMemory()))
  const hub = Sync.makeHub({
    announce: false,
    resyncInterval: 50,
    // The test's clock runs ahead of the machine's: the relay holds back no event for its time.
    learn: (genesis) =>
      Effect.runPromise(Effect.provide(Community.join(genesis, { futureTolerance: Number.POSITIVE_INFINITY }), layer)).catch(() => undefined)
  })
  const server = await listen({ port: 0, onConnection: (connection) => void hub.connect(connection) })
  return {
    url: server.url,
    stop: async () => {
      await server.close()
      await hub.close()
    }
  }
}

/** What the example relay reports of the communities it carries. */
export interface RelayStats {
  /** Events held per community (hex id). */
  readonly counts: Readonly<Record<string, number>>
  /** How it holds each: `"introduced"`, `"memory"`, … (see `examples/relay`, Admission). */
  readonly standings: Readonly<Record<string, string>>
}

/** The example relay (`examples/relay`) in a process of its own, with its default admission. */
export interface RelayProcess {
  readonly url: string
  readonly port: number
  readonly stats: () => Promise<RelayStats>
  /** Stop it (SIGTERM, as an operator would) and wait until it has exited. */
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

/** Poll (every 20 ms, at most `ms`) until `check` resolves true. */
export const eventually = async (check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Text that names no one by hex: no run of 12 or more hex digits. */
export const hasNoHex = (text: string): boolean => !/[0-9a-f]{12,}/.test(text)
