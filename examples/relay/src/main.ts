/**
 * `pnpm --filter @affinity/example-relay start -- --port 8787 --data ./relay-data`
 *
 * Options (see the README for each): `--port` (default 8787; 0 lets the system pick),
 * `--host` (default 127.0.0.1), `--data` (default `./relay-data`), `--store` (`sqlite`,
 * the default, or `fs`), `--allow <community id>` (repeatable), `--unintroduced`
 * (`memory`, the default, `decline` or `keep`), `--max-new-per-connection` (8),
 * `--max-new-per-address` (32 an hour), `--max-communities` (10,000 kept),
 * `--max-in-memory` (1,000), `--forget-after` (seconds, 600), `--max-frame` and `--window`
 * (bytes per peer; defaults 1 MiB and 2 MiB), `--max-per-address` (open connections from
 * one address; default 64), `--quiet`. Stops cleanly on Ctrl-C or SIGTERM.
 *
 * @module
 */
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import type { Unintroduced } from "./Admission.ts"
import { startRelay } from "./relay.ts"

const fail = (text: string): never => {
  console.error(text)
  process.exit(2)
}

const parsed = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((a) => a !== "--"),
      options: {
        port: { type: "string", default: "8787" },
        host: { type: "string", default: "127.0.0.1" },
        data: { type: "string", default: "./relay-data" },
        store: { type: "string", default: "sqlite" },
        allow: { type: "string", multiple: true },
        unintroduced: { type: "string", default: "memory" },
        "max-new-per-connection": { type: "string" },
        "max-new-per-address": { type: "string" },
        "max-communities": { type: "string" },
        "max-in-memory": { type: "string" },
        "forget-after": { type: "string" },
        quiet: { type: "boolean", default: false },
        "max-frame": { type: "string" },
        window: { type: "string" },
        "max-per-address": { type: "string" },
        ipc: { type: "boolean", default: false }
      },
      strict: true
    })
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}; see examples/relay/README.md for the options`)
  }
})()
const { values } = parsed

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not ${values.port}`)
/** A whole number of at least `min` given as `--name`, or undefined when not given. */
const whole = (name: string, text: string | undefined, min: number, unit: string): number | undefined => {
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === "" || !Number.isInteger(n) || n < min) return fail(`--${name} must be ${unit} (a whole number from ${min}), not ${text}`)
  return n
}
const maxFrameBytes = whole("max-frame", values["max-frame"], 1, "a number of bytes")
const window = whole("window", values.window, 1, "a number of bytes")
const maxConnectionsPerAddress = whole("max-per-address", values["max-per-address"], 1, "a number of connections")
const maxNewPerConnection = whole("max-new-per-connection", values["max-new-per-connection"], 0, "a number of communities")
const maxNewPerAddress = whole("max-new-per-address", values["max-new-per-address"], 0, "a number of communities")
const maxCommunities = whole("max-communities", values["max-communities"], 0, "a number of communities")
const maxInMemory = whole("max-in-memory", values["max-in-memory"], 0, "a number of communities")
const forgetAfter = whole("forget-after", values["forget-after"], 1, "a number of seconds")
const store = values.store
if (store !== "sqlite" && store !== "fs") fail(`--store must be sqlite or fs, not ${store}`)
const unintroduced = values.unintroduced
if (unintroduced !== "memory" && unintroduced !== "decline" && unintroduced !== "keep")
  fail(`--unintroduced must be memory, decline or keep, not ${unintroduced}`)
const allow = values.allow ?? []
for (const id of allow) if (!/^[0-9a-f]{64}$/i.test(id)) fail(`--allow takes a community id (64 hex digits), not ${id}`)

const data = resolve(values.data)
const relay = await startRelay({
  port,
  host: values.host,
  data,
  store: store as "sqlite" | "fs",
  allow,
  unintroduced: unintroduced as Unintroduced,
  ...(maxNewPerConnection !== undefined ? { maxNewPerConnection } : {}),
  ...(maxNewPerAddress !== undefined ? { maxNewPerAddress } : {}),
  ...(maxCommunities !== undefined ? { maxCommunities } : {}),
  ...(maxInMemory !== undefined ? { maxInMemory } : {}),
  ...(forgetAfter !== undefined ? { forgetAfter: forgetAfter * 1000 } : {}),
  limits: { ...(maxFrameBytes ? { maxFrameBytes } : {}), ...(window ? { window } : {}) },
  ...(maxConnectionsPerAddress ? { maxConnectionsPerAddress } : {}),
  log: values.quiet ? () => {} : (line) => console.log(`${new Date().toISOString()} ${line}`)
})
if (!values.quiet) console.log(`relay listening on ${relay.url} (${store === "sqlite" ? "SQLite" : "file"} store in ${data})`)

// Under a parent process (benchmarks, tests): report the address, answer for stats.
if (values.ipc && process.send) {
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  sampler.unref()
  process.on("message", (m: unknown) => {
    if (m === "stats") {
      peak = Math.max(peak, process.memoryUsage().rss)
      const counts = Object.fromEntries(relay.counts())
      const standings = Object.fromEntries([...relay.counts().keys()].map((id) => [id, relay.standing(id)]))
      const memory = process.memoryUsage()
      process.send?.({ type: "stats", peakRss: peak, rss: memory.rss, heapUsed: memory.heapUsed, counts, standings })
    }
  })
  process.send({ type: "ready", url: relay.url, port: relay.port })
}

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await relay.stop()
  process.exit(0)
}
process.on("SIGINT", () => void stop())
process.on("SIGTERM", () => void stop())
process.on("disconnect", () => void stop())
