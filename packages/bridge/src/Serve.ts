/**
 * Running a bridge from a data directory, and listening for HTTP.
 *
 * The data directory (mode `0700`) holds:
 *
 * | file | what | mode |
 * |---|---|---|
 * | `device.key` | the bridge's device key (see `DeviceKeyFile`) | `0600` |
 * | `token` | the access token (see `Token`) | `0600` |
 * | `store.sqlite` | the community's events (`@affinity/storage-sqlite`) | |
 * | `settings.json` | the community served, its relays, the device request code | |
 * | `names.json` | names given to members (see `Names`) | `0600` |
 * | `webhooks.json` | registered webhooks and their secrets (see `Webhooks`) | `0600` |
 * | `lock` | held while the bridge runs (see `Lock`) | |
 *
 * Only one bridge may run on a data directory at a time: two processes signing with one key
 * could fork its chain.
 *
 * The bridge listens on 127.0.0.1 unless told otherwise; on any other address it warns, since
 * whoever reaches it with the token acts as the member, and the traffic is not encrypted.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { Client, Invitation, type Module, type Storage, type Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as StorageSqlite from "@affinity/storage-sqlite"
import { createAdaptorServer } from "@hono/node-server"
import type { Layer } from "effect"
import type { Hono } from "hono"
import { makeApp } from "./App.ts"
import * as Bridge from "./Bridge.ts"
import * as DeviceKeyFile from "./DeviceKeyFile.ts"
import * as DeviceRequest from "./DeviceRequest.ts"
import * as Lock from "./Lock.ts"
import * as Names from "./Names.ts"
import type * as Relays from "./Relays.ts"
import * as Token from "./Token.ts"
import type * as Webhooks from "./Webhooks.ts"

/** Default port. */
export const PORT = 8790

/** Default address: loopback only. */
export const HOST = "127.0.0.1"

/** Whether `host` is a loopback address (only this computer can reach it). */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

/** An HTTP server listening. */
export interface Listening {
  /** `http://host:port` */
  readonly url: string
  readonly host: string
  readonly port: number
  /** Stop listening; idle connections end at once, requests under way within a second. */
  readonly close: () => Promise<void>
}

/** Serve `app` on `host:port` (port 0: the system picks one); resolves once it listens. */
export const listen = (app: Hono, options: { readonly host?: string; readonly port?: number } = {}): Promise<Listening> => {
  const host = options.host ?? HOST
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host, port: options.port ?? PORT })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? PORT, host, () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        url: `http://${shown}:${address.port}`,
        host: address.address,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            // Idle connections end now; requests under way get a second to finish.
            const force = setTimeout(() => {
              if ("closeAllConnections" in server) server.closeAllConnections()
            }, 1_000)
            server.close(() => {
              clearTimeout(force)
              done()
            })
            if ("closeIdleConnections" in server) server.closeIdleConnections()
          })
      })
    })
  })
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The data directory (created when missing). */
  readonly dir: string
  /** Address to listen on (default 127.0.0.1; anything else is warned about). */
  readonly host?: string
  /** Port (default 8790; 0: the system picks one). */
  readonly port?: number
  /** The community to serve (hex id), when the store holds several or none is remembered. */
  readonly community?: string
  /** Start a new community of this name, this bridge's device its founder. */
  readonly create?: string
  /** Join the community of this invitation code (or web link). */
  readonly join?: string
  /** Relays to stay connected to (added to those of the invitation and those remembered). */
  readonly relays?: ReadonlyArray<string>
  /** How to dial a relay (default: WebSocket). */
  readonly dial?: Relays.Dial
  /** Options of the sync hub (limits, the resync interval). */
  readonly sync?: Sync.HubOptions
  /** Where events are stored (default `@affinity/storage-sqlite` in `store.sqlite`). */
  readonly storage?: Layer.Layer<Storage.Storage, unknown>
  /** Modules besides `core` (default governance; it must be among them). */
  readonly modules?: ReadonlyArray<Module.Module>
  /** How webhook deliveries are retried. */
  readonly webhookRetry?: Partial<Webhooks.RetryOptions>
  /** Milliseconds a received event may claim to be ahead of this clock before it is held (see `Client.ClientOptions`). */
  readonly futureTolerance?: number
  /** Lines for the operator: warnings and what to do next (default: standard error). */
  readonly log?: (line: string) => void
}

/** A bridge being served. */
export interface Served extends Listening {
  readonly token: string
  readonly tokenFile: string
  readonly bridge: Bridge.Bridge
  readonly app: Hono
}

interface Settings {
  readonly community?: string
  readonly relays?: ReadonlyArray<string>
  readonly request?: string
}

const readSettings = async (file: string): Promise<Settings> => {
  let text: string
  try {
    text = await readFile(file, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {}
    throw e
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const s = (typeof parsed === "object" && parsed !== null ? parsed : undefined) as Record<string, unknown> | undefined
  if (
    s === undefined ||
    (s["community"] !== undefined && typeof s["community"] !== "string") ||
    (s["request"] !== undefined && typeof s["request"] !== "string") ||
    (s["relays"] !== undefined && !(Array.isArray(s["relays"]) && s["relays"].every((r) => typeof r === "string")))
  )
    throw new Error(`${file} is not the bridge's settings; fix or delete it`)
  return s as Settings
}

const writeSettings = async (file: string, settings: Settings): Promise<void> => {
  await writeFile(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
  await rename(`${file}.tmp`, file)
}

/**
 * Open the data directory, the community and the device key, and serve the bridge; resolves
 * once it listens. Rejects with an `Error` that says what to do when there is no community
 * to serve or a file is not what it should be.
 */
export const serve = async (options: ServeOptions): Promise<Served> => {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const dir = options.dir
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const files = {
    key: join(dir, "device.key"),
    token: join(dir, "token"),
    store: join(dir, "store.sqlite"),
    settings: join(dir, "settings.json"),
    names: join(dir, "names.json"),
    webhooks: join(dir, "webhooks.json"),
    lock: join(dir, "lock")
  }
  const release = await Lock.take(files.lock)
  const modules = options.modules ?? [Governance.module]
  let client: Client.Client
  try {
    client = await Client.make({
      storage: options.storage ?? StorageSqlite.layer({ file: files.store }),
      modules,
      ...(options.futureTolerance === undefined ? {} : { futureTolerance: options.futureTolerance })
    })
  } catch (e) {
    await release()
    throw e
  }
  try {
    const { key } = await DeviceKeyFile.loadOrCreate(files.key, client)
    const settings = await readSettings(files.settings)
    let relays = [...(settings.relays ?? [])]
    let request = settings.request
    let handle: Client.CommunityHandle
    if (options.create !== undefined) {
      handle = await client.create({ name: options.create, author: key })
      request = undefined
    } else if (options.join !== undefined) {
      const opened = await Invitation.decode(options.join)
      if (!opened.ok) throw new Error(`this invitation cannot be used: ${opened.error.message}`)
      const { invitation } = opened
      handle = await client.join(invitation.genesis)
      relays = [...relays, ...invitation.relays]
      request = await DeviceRequest.requestCode(client, key, invitation.community, invitation.inviter)
    } else {
      const stored = await client.communities()
      const id = options.community ?? settings.community ?? (stored.length === 1 ? stored[0] : undefined)
      if (id === undefined)
        throw new Error(
          stored.length === 0
            ? `${dir} holds no community yet: start with --join <invitation code>, or --create <name> to start a new one`
            : `${dir} holds ${stored.length} communities: say which with --community <id> (${stored.join(", ")})`
        )
      handle = await client.open(id)
    }
    relays = [...new Set([...relays, ...(options.relays ?? [])])]
    await writeSettings(files.settings, { community: handle.id, relays, ...(request === undefined ? {} : { request }) })

    const { token } = await Token.loadOrCreate(files.token)
    const bridge = await Bridge.make({
      community: handle,
      device: key,
      modules,
      names: await Names.open(files.names),
      webhooks: { file: files.webhooks, ...(options.webhookRetry === undefined ? {} : { retry: options.webhookRetry }) },
      relays,
      ...(options.dial === undefined ? {} : { dial: options.dial }),
      ...(options.sync === undefined ? {} : { sync: options.sync }),
      ...(request === undefined ? {} : { request }),
      onError: (e) => log(`affinity-bridge: ${e instanceof Error ? e.message : String(e)}`)
    })
    const app = makeApp(bridge, { token, tokenFile: files.token })
    const host = options.host ?? HOST
    if (!isLoopback(host))
      log(
        `affinity-bridge: warning: listening on ${host}, not only this computer: anyone who reaches it with the token acts as this member, and HTTP is not encrypted (put it behind TLS, or bind 127.0.0.1)`
      )
    let listening: Listening
    try {
      listening = await listen(app, { host, port: options.port ?? PORT })
    } catch (e) {
      await bridge.close()
      throw e
    }
    return {
      ...listening,
      token,
      tokenFile: files.token,
      bridge,
      app,
      close: async () => {
        await bridge.close()
        await listening.close()
        await client.close()
        await release()
      }
    }
  } catch (e) {
    await client.close().catch(() => undefined)
    await release()
    throw e
  }
}
