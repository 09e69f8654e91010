/**
 * `pnpm --filter @affinity/example-relay start -- --port 8787 --data ./relay-data`
 *
 * Options: `--port` (default 8787; 0 lets the system pick), `--host` (default 127.0.0.1),
 * `--data` (default `./relay-data`), `--max-frame` and `--window` (bytes per peer; defaults
 * 1 MiB and 2 MiB), `--max-per-address` (open connections from one address; default 64), `--quiet`. Stops cleanly on Ctrl-C or SIGTERM.
 *
 * @module
 */
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { startRelay } from "./relay.ts"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    data: { type: "string", default: "./relay-data" },
    quiet: { type: "boolean", default: false },
    "max-frame": { type: "string" },
    window: { type: "string" },
    "max-per-address": { type: "string" },
    ipc: { type: "boolean", default: false }
  },
  strict: true
})

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`)
  process.exit(2)
}
const bytes = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a number of bytes, not ${text}`)
    process.exit(2)
  }
  return n
}
const maxFrameBytes = bytes("max-frame", values["max-frame"])
const window = bytes("window", values.window)
const perAddressText = values["max-per-address"]
const maxConnectionsPerAddress = perAddressText === undefined ? undefined : Number(perAddressText)
if (maxConnectionsPerAddress !== undefined && (!Number.isInteger(maxConnectionsPerAddress) || maxConnectionsPerAddress <= 0)) {
  console.error(`--max-per-address must be a positive whole number, not ${perAddressText}`)
  process.exit(2)
}
const data = resolve(values.data)
const relay = await startRelay({
  port,
  host: values.host,
  data,
  limits: { ...(maxFrameBytes ? { maxFrameBytes } : {}), ...(window ? { window } : {}) },
  ...(maxConnectionsPerAddress ? { maxConnectionsPerAddress } : {}),
  log: values.quiet ? () => {} : (line) => console.log(`${new Date().toISOString()} ${line}`)
})
if (!values.quiet) console.log(`relay listening on ${relay.url} (data in ${data})`)

// Under a parent process (benchmarks, tests): report the address, answer for stats.
if (values.ipc && process.send) {
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  sampler.unref()
  process.on("message", (m: unknown) => {
    if (m === "stats") {
      peak = Math.max(peak, process.memoryUsage().rss)
      const counts = Object.fromEntries(relay.counts())
      const memory = process.memoryUsage()
      process.send?.({ type: "stats", peakRss: peak, rss: memory.rss, heapUsed: memory.heapUsed, counts })
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
