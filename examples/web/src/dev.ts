/**
 * `pnpm web`: a relay on port 8787 (data in `examples/web/.relay-data`) and the app's Vite
 * dev server on port 5173, together; Ctrl-C stops both.
 *
 * Both listen on 127.0.0.1, this computer only. `HOST=0.0.0.0 pnpm web` makes both
 * reachable from the other devices of the network: it prints the addresses to open there,
 * and a page opened at one of them proposes the relay at the same address.
 * `RELAY_PORT` and `PORT` change the ports.
 *
 * @module
 */
import { networkInterfaces } from "node:os"
import { join } from "node:path"
import { startRelay } from "@affinity/example-relay"
import { appRoot } from "./serve.ts"

const host = process.env["HOST"] ?? "127.0.0.1"
const relayPort = Number(process.env["RELAY_PORT"] ?? 8787)
const appPort = Number(process.env["PORT"] ?? 5173)
const relay = await startRelay({ host, port: relayPort, data: join(appRoot, ".relay-data") })
const { createServer } = await import("vite")
const server = await createServer({ root: appRoot, server: { port: appPort, host, strictPort: true } })
await server.listen()
console.log(`Relay:  ${relay.url}`)
server.printUrls()

/** The IPv4 addresses of this computer on its networks (not loopback). */
const lanAddresses = (): ReadonlyArray<string> =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === "IPv4" && !a.internal)
    .map((a) => a.address)

if (host === "0.0.0.0") {
  for (const address of lanAddresses())
    console.log(`On the network: open http://${address}:${appPort}/ (it proposes the relay ws://${address}:${relayPort}/)`)
  console.log("Pages opened over plain http from a network address are not \"secure\" to the browser: copying needs a manual copy, and the app keeps working without offline start-up.")
}

const stop = async () => {
  await server.close()
  await relay.stop()
  process.exit(0)
}
process.on("SIGINT", () => void stop())
process.on("SIGTERM", () => void stop())
