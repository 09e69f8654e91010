/**
 * A community of two founders for the tests: Ada, whose device key the bridge holds, and Bo,
 * on a replica of his own in this process. Both sync through an in-memory relay (a sync hub
 * that learns communities from their genesis, as examples/relay does), the bridge by
 * dialling it as it would a relay's address.
 */
import { Client, type Keys, Storage, Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Result, Schema } from "effect"
import { expect } from "vitest"
import { Bridge, type Listening, listen, makeApp } from "../src/index.ts"

/** The access token of the test bridges. */
export const TOKEN = "test-token-0123456789-abcdefghijklmnopqrstuvwxyz"

/** An answer of the API: status, headers and parsed JSON (or `undefined`). */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly json: unknown
}

/** A running test bridge. */
export interface Rig {
  readonly url: string
  readonly bridge: Bridge.Bridge
  readonly ada: Keys.DeviceKey
  readonly bo: Keys.DeviceKey
  /** Bo's own replica of the community. */
  readonly boHandle: Client.CommunityHandle
  /** Call the API with the token (unless `token` is given, or `null` for none). */
  readonly api: (
    method: string,
    path: string,
    options?: { readonly body?: unknown; readonly raw?: string; readonly token?: string | null; readonly headers?: Record<string, string> }
  ) => Promise<Answer>
  /** Wait until Bo's replica and the bridge's hold the same events. */
  readonly synced: () => Promise<void>
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Wait until `check` holds, at most `ms`. */
export const until = async (check: () => boolean, ms = 5_000, what = "the condition"): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** Start a bridge for Ada, Bo's replica and the relay between them. */
export const start = async (options: { readonly webhookRetry?: Partial<import("../src/Webhooks.ts").RetryOptions> } = {}): Promise<Rig> => {
  const make = () => Client.make({ storage: Storage.layerMemory, modules: [Governance.module], futureTolerance: Number.POSITIVE_INFINITY })
  const client = await make()
  const ada = await client.generateKey()
  const bo = await client.generateKey()
  const handle = await client.create({ name: "Bakery co-op", author: ada, founders: [bo.publicKey] })

  const relayClient = await make()
  const relay = Sync.makeHub({
    announce: false,
    resyncInterval: 100,
    learn: async (genesis) => (await relayClient.join(genesis)).community
  })
  const dial = async () => {
    const [mine, theirs] = Sync.Memory.pair()
    relay.connect(theirs)
    return mine
  }

  const bridge = await Bridge.make({
    community: handle,
    device: ada,
    relays: ["memory://relay"],
    dial,
    sync: { resyncInterval: 100 },
    webhooks: { retry: { firstDelayMs: 10, maxDelayMs: 40, timeoutMs: 2_000, ...options.webhookRetry } }
  })
  const server: Listening = await listen(makeApp(bridge, { token: TOKEN, tokenFile: "/data/token" }), { port: 0 })

  const boClient = await make()
  const boHandle = await boClient.join(handle.export()[0]!)
  const boHub = Sync.makeHub({ resyncInterval: 100 })
  boHub.add(boHandle.community)
  boHub.connect(await dial())

  const api: Rig["api"] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers }
    const token = o.token === undefined ? TOKEN : o.token
    if (token !== null) headers["authorization"] = `Bearer ${token}`
    let body: string | undefined
    if (o.raw !== undefined) body = o.raw
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers["content-type"] ??= "application/json"
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    return { status: response.status, headers: response.headers, json: text === "" ? undefined : (JSON.parse(text) as unknown) }
  }

  return {
    url: server.url,
    bridge,
    ada,
    bo,
    boHandle,
    api,
    // A time witness changes no state: compare the logs, not only the state hashes.
    synced: () =>
      until(
        () => boHandle.export().length === handle.export().length && boHandle.stateHash() === handle.stateHash(),
        5_000,
        "Bo's replica and the bridge to sync"
      ),
    close: async () => {
      await bridge.close()
      await server.close()
      await boHub.close()
      await relay.close()
      await client.close()
      await boClient.close()
      await relayClient.close()
    }
  }
}

/** Check that `value` has exactly the shape of `schema` (no field missing, none undeclared). */
export const expectShape = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, value: unknown): S["Type"] => {
  const result = Schema.decodeUnknownResult(schema, { onExcessProperty: "error", errors: "all" })(value)
  if (Result.isFailure(result)) expect.fail(`the response does not fit its schema: ${result.failure.message}\n${JSON.stringify(value, null, 2)}`)
  return Result.getOrThrow(result)
}

/** A Server-Sent Event. */
export interface SseEvent {
  readonly event: string
  readonly id: string | undefined
  readonly data: string
}

/** Open an SSE stream; `next` resolves to the next event matching `filter`. */
export const openStream = async (url: string, headers: Record<string, string>) => {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ""
  const events: Array<SseEvent> = []
  let ended = false
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let at: number
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          let event = "message"
          let id: string | undefined
          const data: Array<string> = []
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue
            const colon = line.indexOf(":")
            const field = colon < 0 ? line : line.slice(0, colon)
            const v = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
            if (field === "event") event = v
            else if (field === "id") id = v
            else if (field === "data") data.push(v)
          }
          if (data.length > 0 || event !== "message") events.push({ event, id, data: data.join("\n") })
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true
    }
  })()
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    next: async (filter: (e: SseEvent) => boolean = () => true, ms = 5_000): Promise<SseEvent> => {
      const end = Date.now() + ms
      for (;;) {
        const k = events.findIndex(filter)
        if (k >= 0) return events.splice(0, k + 1)[k]!
        if (ended) throw new Error("the stream ended")
        if (Date.now() > end) throw new Error("timed out waiting for an event")
        await sleep(5)
      }
    },
    close: () => controller.abort()
  }
}
