#!/usr/bin/env node
/**
 * The `affinity-bridge` command: serve a community from a data directory until stopped
 * (Ctrl-C or SIGTERM). Flags are listed by `affinity-bridge --help`.
 *
 * @module
 */
import { parseArgs } from "node:util"
import { HOST, PORT, serve } from "./Serve.ts"

const HELP = `affinity-bridge: one member's view of an Affinity community, over HTTP, for the tools a co-op already runs.

Usage: affinity-bridge [options]

  --dir <path>          data directory (default ./affinity-bridge): device key, token, store, settings
  --join <code>         join the community of an invitation (made in the web app or the member CLI);
                        then add this bridge to your identity with the device request code it prints
  --create <name>       start a new community, this bridge's device its founder (to try it out)
  --community <id>      which stored community to serve (when there are several)
  --relay <url>         a relay to sync through (ws:// or wss://); repeat for several; remembered
  --host <address>      address to listen on (default ${HOST}; any other is reachable from elsewhere: a warning is printed)
  --port <n>            port (default ${PORT}; 0 picks a free one)
  -h, --help            this text

Every request but GET /openapi.json needs the access token in the data directory's file
"token": send it as "Authorization: Bearer <token>". GET /openapi.json describes the API.`

const main = async (): Promise<number> => {
  let values: ReturnType<typeof parse>["values"]
  try {
    values = parse().values
  } catch (e) {
    process.stderr.write(`affinity-bridge: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}\n`)
    return 2
  }
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`)
    return 0
  }
  const port = values.port === undefined ? PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`affinity-bridge: --port must be a number from 0 to 65535\n`)
    return 2
  }
  if (values.join !== undefined && values.create !== undefined) {
    process.stderr.write("affinity-bridge: give --join or --create, not both\n")
    return 2
  }
  const served = await serve({
    dir: values.dir ?? "affinity-bridge",
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.community === undefined ? {} : { community: values.community }),
    ...(values.create === undefined ? {} : { create: values.create }),
    ...(values.join === undefined ? {} : { join: values.join }),
    ...(values.relay === undefined ? {} : { relays: values.relay })
  })
  const device = served.bridge.request()
  process.stderr.write(
    [
      `affinity-bridge: serving ${served.bridge.reader.core().community.name} (${served.bridge.community.id}) on ${served.url}`,
      `  access token: in ${served.tokenFile}`,
      `  description: ${served.url}/openapi.json`,
      ...(device === null
        ? []
        : [
            "  this bridge acts for nobody yet. To let it act for you, on the device that made the invitation",
            "  open This device → Add a device in the web app, and paste this request code:",
            `  ${device}`
          ])
    ].join("\n") + "\n"
  )
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve)
    process.once("SIGTERM", resolve)
  })
  await served.close()
  return 0
}

const parse = () =>
  parseArgs({
    options: {
      dir: { type: "string" },
      join: { type: "string" },
      create: { type: "string" },
      community: { type: "string" },
      relay: { type: "string", multiple: true },
      host: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" }
    },
    strict: true,
    allowPositionals: false
  })

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`affinity-bridge: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  }
)
