/**
 * The relay: a WebSocket server that stores and forwards the events of any number of
 * communities.
 *
 * - It learns a community when a client opens it and sends its genesis (`Community.join`),
 *   and keeps it on disk (`@affinity/storage-fs`); a restart reopens every community.
 * - Every event it receives goes through `Community.receive`, so it validates exactly like
 *   a member, and an event is acknowledged to the sender only once it is stored durably.
 * - It holds no power in any community: it has no key and never signs anything.
 * - Every connection gets the sync protocol's per-peer limits (frame size, unvalidated
 *   bytes, pending events, flood budget); a peer that breaks one is disconnected with a
 *   typed reason.
 *
 * @example
 * ```ts
 * import { mkdtemp, rm } from "node:fs/promises"
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { startRelay } from "@affinity/example-relay"
 *
 * const data = await mkdtemp(join(tmpdir(), "affinity-relay-"))
 * const relay = await startRelay({ port: 0, data })
 * console.log(relay.url.startsWith("ws://127.0.0.1:")) // true
 * await relay.stop()
 * await rm(data, { recursive: true, force: true })
 * ```
 *
 * @module
 */
import { Community, Crypto, Storage } from "@affinity/core"
import * as StorageFs from "@affinity/storage-fs"
import { listen } from "@affinity/sync-websocket/server"
import { Effect, Layer } from "effect"
import { type Limits, Sync, type SyncHub } from "./sync.ts"

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** TCP port (0: the system picks one). Default 8787. */
  readonly port?: number
  /** Address to bind. Default `127.0.0.1`. */
  readonly host?: string
  /** Folder of the relay's storage (created if missing). */
  readonly data: string
  /** Per-peer limits; unset ones take the sync defaults. */
  readonly limits?: Partial<Limits>
  /** Most communities the relay will carry (default 10,000); beyond, new ones are declined. */
  readonly maxCommunities?: number
  /** Most open connections from one address (default 64); more are closed with `TooManyConnections`. */
  readonly maxConnectionsPerAddress?: number
  /**
   * Milliseconds an event's claimed time may be ahead of the relay's clock before the relay
   * holds it (and does not forward it) until its time comes; default the core's five minutes
   * (`Community.FUTURE_TOLERANCE`). A test rig whose browsers move their clocks ahead sets more.
   */
  readonly futureTolerance?: number
  /** Lines for an operator (connections, communities learned, disconnect reasons). Default: none. */
  readonly log?: (line: string) => void
}

/** A running relay. */
export interface Relay {
  /** `ws://host:port/` */
  readonly url: string
  readonly port: number
  /** The sync hub (its peers, its communities). */
  readonly hub: SyncHub
  /** Events stored per community (hex id → count, the genesis included). */
  readonly counts: () => ReadonlyMap<string, number>
  /** Close connections, the server and the storage. */
  readonly stop: () => Promise<void>
}

/** Start a relay; resolves once it listens. */
export const startRelay = async (options: RelayOptions): Promise<Relay> => {
  const log = options.log ?? (() => {})
  const store = await Effect.runPromise(StorageFs.make({ directory: options.data }))
  const crypto = await Crypto.makeBest()
  const layer = Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, store))
  const run = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>) => Effect.runPromise(Effect.provide(effect, layer))
  const maxCommunities = options.maxCommunities ?? 10_000
  const communityOptions = options.futureTolerance === undefined ? {} : { futureTolerance: options.futureTolerance }
  let carried = 0

  const hub = Sync.makeHub({
    announce: false,
    ...(options.limits ? { limits: options.limits } : {}),
    learn: async (genesis) => {
      if (carried >= maxCommunities) {
        log(`declined a new community: already carrying ${carried}`)
        return undefined
      }
      const community = await run(Community.join(genesis, communityOptions)).catch((e: unknown) => {
        log(`refused a genesis: ${e instanceof Error ? e.message : String(e)}`)
        return undefined
      })
      if (community) {
        carried++
        log(`learned community ${community.id}`)
      }
      return community
    }
  })

  for (const id of await run(store.communities())) {
    const community = await run(Community.open(id, communityOptions)).catch((e: unknown) => {
      log(`could not reopen community ${id}: ${e instanceof Error ? e.message : String(e)}`)
      return undefined
    })
    if (community) {
      hub.add(community)
      carried++
    }
  }
  if (carried > 0) log(`reopened ${carried} communities`)

  let server
  try {
    server = await listen({
      port: options.port ?? 8787,
      host: options.host ?? "127.0.0.1",
      maxFrameBytes: Sync.Limits.resolveLimits(options.limits).maxFrameBytes,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 64,
      onConnection: (connection, info) => {
        const peer = hub.connect(connection)
        log(`peer ${peer.id} connected from ${info.remoteAddress ?? "?"}`)
        void peer.closed.then((r) => log(`peer ${peer.id} closed (${r.by}): ${r.reason}: ${r.message}`))
      }
    })
  } catch (e) {
    await hub.close()
    await run(store.close())
    throw e
  }
  const listening = server
  let stopped: Promise<void> | undefined
  return {
    url: listening.url,
    port: listening.port,
    hub,
    counts: () => new Map(hub.communities().map((id) => [id, hub.community(id)?.replica.log.size ?? 0] as const)),
    stop: () =>
      (stopped ??= (async () => {
        await listening.close()
        await hub.close()
        await run(store.close())
      })())
  }
}
