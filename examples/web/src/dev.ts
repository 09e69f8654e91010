/**
 * `pnpm web`: a relay on 127.0.0.1:8787 (data in `examples/web/.relay-data`) and the app's
 * Vite dev server, together; Ctrl-C stops both.
 *
 * @module
 */
import { join } from "node:path"
import { startRelay } from "@affinity/example-relay"
import { appRoot } from "./serve.ts"

const relay = await startRelay({ port: Number(process.env["RELAY_PORT"] ?? 8787), data: join(appRoot, ".relay-data") })
const { createServer } = await import("vite")
const server = await createServer({ root: appRoot, server: { port: Number(process.env["PORT"] ?? 5173), host: "127.0.0.1" } })
await server.listen()
console.log(`Relay:  ${relay.url}`)
server.printUrls()

const stop = async () => {
  await server.close()
  await relay.stop()
  process.exit(0)
}
process.on("SIGINT", () => void stop())
process.on("SIGTERM", () => void stop())
