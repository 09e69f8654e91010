/**
 * The relay: a WebSocket server that stores and forwards the events of the communities it
 * serves.
 *
 * - Every event it receives goes through `Community.receive`, so it validates exactly like
 *   a member, and an event of a community it keeps is acknowledged to the sender only once
 *   it is stored durably (on SQLite by default, `@affinity/storage-sqlite`).
 * - It keeps the communities its operator allows and those a member introduces with a
 *   signed request (`Sync.Introduction` of `@affinity/core`); a restart reopens them. A
 *   community a peer opens without an introduction is served from memory while it is in
 *   use, forgotten after a while, and never kept across a restart.
 * - It caps the new communities one connection and one address may bring, the communities
 *   it keeps and those it serves from memory, and the connections from one address.
 * - It holds no power in any community: it has no key and never signs anything.
 * - It stores and forwards the payloads events carry, which it need not read, and honours
 *   every erasure its fold sees: it drops the payload and never sends it again.
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
import { Community, Crypto, Event, type Module, Storage, type Sync as CoreSync } from "@affinity/core"
import * as StorageFs from "@affinity/storage-fs"
import * as StorageSqlite from "@affinity/storage-sqlite"
import { listen } from "@affinity/sync-websocket/server"
import { Effect, Layer } from "effect"
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import * as Admission from "./Admission.ts"
import * as Provisional from "./Provisional.ts"
import { type Limits, Sync, type SyncHub } from "./sync.ts"
import * as Administration from "@affinity/administration"
import * as Defense from "@affinity/defense"
import * as Economy from "@affinity/economy"
import * as Expression from "@affinity/expression"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

type Introduction = Sync.Introduction.Introduction

/** Options of {@link startRelay}; the admission settings are those of {@link Admission.AdmissionOptions}. */
export interface RelayOptions extends Admission.AdmissionOptions {
  /** TCP port (0: the system picks one). Default 8787. */
  readonly port?: number
  /** Address to bind. Default `127.0.0.1`. */
  readonly host?: string
  /** Folder of the relay's storage (created if missing). */
  readonly data: string
  /**
   * The store: `"sqlite"` (default) keeps everything in `<data>/relay.db`
   * (`@affinity/storage-sqlite`); `"fs"` keeps one folder per community in `data`
   * (`@affinity/storage-fs`).
   */
  readonly store?: "sqlite" | "fs"
  /** Per-peer limits; unset ones take the sync defaults. */
  readonly limits?: Partial<Limits>
  /** Most open connections from one address (default 64); more are closed with `TooManyConnections`. */
  readonly maxConnectionsPerAddress?: number
  /**
   * Milliseconds an event's claimed time may be ahead of the relay's clock before the relay
   * holds it (and does not forward it) until its time comes; default the core's five minutes
   * (`Community.FUTURE_TOLERANCE`). A test rig whose browsers move their clocks ahead sets more.
   */
  readonly futureTolerance?: number
  /**
   * Modules the relay folds besides `core` (default: the six the web app and the CLI run, so
   * that the relay judges every event as the members' devices do: governance, the decision
   * process, so that it honours a payload erasure a community decision carries as every
   * replica must, `docs/protocol.md` §3a (an author's own `core/payload.erase` needs no
   * module); administration, which keeps the membership rules, so that the relay neither
   * stores nor forwards an application the community's rules refuse, §9 "Membership rules";
   * expression, so that it drops words past a channel's retention, §17 X4; and justice,
   * economy and defense, whose standing and actions decisions carry). `[]`
   * folds `core` alone: the relay then validates envelopes, links and keys, judges no
   * module's rules, and keeps serving payloads that only a decision erased.
   */
  readonly modules?: ReadonlyArray<Module.Module>
  /** Lines for an operator (connections, communities learned, kept and forgotten, refusals). Default: none. */
  readonly log?: (line: string) => void
}

/** A running relay. */
export interface Relay {
  /** `ws://host:port/` */
  readonly url: string
  readonly port: number
  /** The sync hub (its peers, its communities). */
  readonly hub: SyncHub
  /** Events held per community carried (hex id → count, the genesis included). */
  readonly counts: () => ReadonlyMap<string, number>
  /** How the relay holds a community (hex id), or `undefined` when it does not carry it. */
  readonly standing: (community: string) => Admission.Standing | undefined
  /** Close connections, the server and the storage. */
  readonly stop: () => Promise<void>
}

/** The file of the SQLite store in the data folder. */
export const SQLITE_FILE = "relay.db"

/** The key under which the relay keeps the introduction a community was kept for. */
export const INTRODUCTION_KEY = "relay.introduction"

/** A community the relay carries. */
interface Carried {
  readonly id: string
  readonly community: Community.Community
  standing: Admission.Standing
  /** Set while the community is served from memory. */
  readonly provisional: Provisional.Provisional | undefined
  /** Verified introductions whose key is not (yet) a member's, checked again as events arrive. */
  pending: Array<Introduction>
  /** When an event last arrived, or a peer was last seen in sync on it (ms). */
  lastActive: number
  promoting: boolean
  readonly unsubscribe: () => void
}

/** What the relay knows of one connection. */
interface PeerState extends Admission.Connection {
  /** Settles once the introductions it carried are checked. */
  ready: Promise<void>
}

/** Most introductions kept waiting for one community. */
const MAX_PENDING = 16

const message = (e: unknown): string => (e instanceof Error ? e.message : typeof e === "object" && e !== null && "message" in e ? String(e.message) : String(e))

const openStore = async (options: RelayOptions, log: (line: string) => void): Promise<Storage.StorageShape> => {
  if ((options.store ?? "sqlite") === "fs") return Effect.runPromise(StorageFs.make({ directory: options.data }))
  const store = await Effect.runPromise(StorageSqlite.make({ file: join(options.data, SQLITE_FILE) }))
  const left = await readdir(options.data).catch(() => [])
  if (left.some((name) => name.startsWith("c-")))
    log(`${options.data} also holds communities of the file store (c-… folders); start with store "fs" (--store fs) to serve those`)
  return store
}

/** Start a relay; resolves once it listens. Rejects with a `RangeError` when an admission setting is out of range. */
export const startRelay = async (options: RelayOptions): Promise<Relay> => {
  const log = options.log ?? (() => {})
  const settings = Admission.resolve(options)
  const admission = Admission.make(settings)
  const store = await openStore(options, log)
  const crypto = await Crypto.makeBest()
  const withCrypto = Layer.succeed(Crypto.Crypto, crypto)
  const kept = Layer.mergeAll(withCrypto, Layer.succeed(Storage.Storage, store))
  const run = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>, layer: Layer.Layer<Crypto.Crypto | Storage.Storage> = kept) =>
    Effect.runPromise(Effect.provide(effect, layer))
  const communityOptions = {
    ...(options.futureTolerance === undefined ? {} : { futureTolerance: options.futureTolerance }),
    modules: options.modules ?? [Governance.module, Administration.module, Justice.module, Economy.module, Expression.module, Defense.module]
  }

  const carried = new Map<string, Carried>()
  /** Verified, fresh introductions of communities not carried yet. */
  const waiting = new Map<string, Array<Introduction>>()
  const peers = new WeakMap<CoreSync.Peer, PeerState>()
  let keptCount = 0
  let inMemory = 0
  let stopped = false
  const declined = (text: string): Admission.Declined => ({ _tag: "Declined", message: text })

  /** Start carrying `community` with `standing`, following its changes. */
  const carry = (community: Community.Community, standing: Admission.Standing, provisional?: Provisional.Provisional): Carried => {
    const record: Carried = {
      id: community.id,
      community,
      standing,
      provisional,
      pending: [],
      lastActive: Date.now(),
      promoting: false,
      unsubscribe: community.subscribe(() => {
        record.lastActive = Date.now()
        if (record.standing === "memory" && record.pending.length > 0) checkPending(record)
      })
    }
    carried.set(record.id, record)
    if (standing === "memory") inMemory++
    else if (standing !== "allowed") keptCount++
    return record
  }

  /** Move a community served from memory to the store, for a member's `introduction`. */
  const keep = async (record: Carried, introduction: Introduction): Promise<void> => {
    if (record.standing !== "memory" || record.promoting || record.provisional === undefined) return
    if (keptCount >= settings.maxCommunities) {
      log(`could not keep community ${record.id}: already keeping ${keptCount}`)
      return
    }
    record.promoting = true
    keptCount++
    // The records exactly as the community appended them: its stored bytes, without payloads.
    const ok = await record.provisional.promote(store, (n) => record.community.replica.log.bytes.slice(0, n))
    record.promoting = false
    if (!ok) {
      keptCount--
      log(`could not keep community ${record.id}: its events could not be stored`)
      return
    }
    inMemory--
    record.standing = "introduced"
    record.pending = []
    log(`keeping community ${record.id}, introduced by ${introduction.key}`)
    // The signed request is kept beside the events: who asked for the community to be kept.
    await run(store.set(record.id, INTRODUCTION_KEY, Sync.Introduction.encode(introduction))).catch((e: unknown) =>
      log(`could not store the introduction of ${record.id}: ${message(e)}`)
    )
  }

  /** Keep the community when one of its waiting introductions is now a member's. */
  const checkPending = (record: Carried): void => {
    const by = record.pending.find((i) => Admission.byMember(i, record.community))
    if (by !== undefined) void keep(record, by)
  }

  /** A verified, fresh introduction: keep its community now, or when it is learned, or when its key becomes a member's. */
  const note = (introduction: Introduction): void => {
    const record = carried.get(introduction.community)
    if (record === undefined) {
      const list = waiting.get(introduction.community) ?? []
      if (list.length < MAX_PENDING && !list.some((i) => i.key === introduction.key)) list.push(introduction)
      waiting.set(introduction.community, list)
      return
    }
    if (record.standing !== "memory") return
    if (record.pending.length < MAX_PENDING && !record.pending.some((i) => i.key === introduction.key)) record.pending.push(introduction)
    checkPending(record)
  }

  /** Check a connection's introductions: stale ones are ignored, a forged one ends the connection. */
  const accept = async (peer: CoreSync.Peer, introductions: ReadonlyArray<Introduction>): Promise<void> => {
    for (const introduction of introductions) {
      if (!Admission.isFresh(introduction, Date.now())) {
        log(`peer ${peer.id}: ignored an introduction of ${introduction.community} signed at ${new Date(introduction.time).toISOString()}, more than ten minutes from this clock`)
        continue
      }
      if (!(await Sync.Introduction.check(introduction, crypto))) {
        peer.close({
          reason: "InvalidIntroduction",
          message: `the introduction of community ${introduction.community} does not carry a valid signature by key ${introduction.key}`
        })
        return
      }
      note(introduction)
    }
  }

  /**
   * Why the relay does not take on a new community from `connection` now (what it does with
   * one nobody introduced, its bounds, then the caps per connection and per address), or
   * `undefined` when it does.
   */
  const refusalOf = (connection: PeerState | undefined, introduced: boolean, now: number): Admission.Declined | undefined => {
    if (!introduced) {
      if (settings.unintroduced === "decline")
        return declined(
          `this relay serves only the communities its operator allows or a member introduces: connect with a signed introduction (?${Sync.Introduction.PARAMETER}=…)`
        )
      if (settings.unintroduced === "keep" && keptCount >= settings.maxCommunities)
        return declined(`this relay already keeps ${keptCount} communities, its most`)
      if (settings.unintroduced === "memory" && inMemory >= settings.maxInMemory)
        return declined(
          `this relay already serves ${inMemory} communities nobody introduced, its most; introduce yours with a signed introduction (?${Sync.Introduction.PARAMETER}=…)`
        )
    }
    return connection === undefined ? undefined : admission.refusal(connection, now)
  }

  const learn = async (genesis: Uint8Array, peer: CoreSync.Peer): Promise<Community.Community | Admission.Declined | undefined> => {
    const d = Event.decode(genesis)
    if (!d.ok) return undefined
    const id = d.event.key
    const connection = peers.get(peer)
    await connection?.ready
    if (stopped) return undefined
    const now = Date.now()
    const allowed = settings.allow.has(id)
    const introductions = (waiting.get(id) ?? []).filter((i) => Admission.isFresh(i, now))
    waiting.delete(id)
    const introduced = introductions.length > 0
    const keepAll = settings.unintroduced === "keep" && !introduced
    if (!allowed) {
      const refusal = refusalOf(connection, introduced, now)
      if (refusal !== undefined) {
        log(`declined community ${id} from peer ${peer.id}: ${refusal.message}`)
        return refusal
      }
    }
    let record: Carried
    if (allowed || keepAll) {
      const community = await run(Community.join(genesis, communityOptions)).catch((e: unknown) => {
        log(`refused a genesis: ${message(e)}`)
        return undefined
      })
      if (community === undefined) return undefined
      record = carry(community, allowed ? "allowed" : "kept")
    } else {
      const provisional = Provisional.make(id)
      const layer = Layer.mergeAll(withCrypto, Layer.succeed(Storage.Storage, provisional.storage))
      const community = await run(Community.join(genesis, communityOptions), layer).catch((e: unknown) => {
        log(`refused a genesis: ${message(e)}`)
        return undefined
      })
      if (community === undefined) return undefined
      // An introduction lets a community past the bound on those served from memory only
      // when a member signed it, as far as its genesis tells.
      if (!keepAll && inMemory >= settings.maxInMemory && !introductions.some((i) => Admission.byMember(i, community)))
        return declined(
          `this relay already serves ${inMemory} communities nobody introduced, its most, and no introduction of ${id} is signed by a founder`
        )
      record = carry(community, "memory", provisional)
      record.pending = introductions
    }
    if (!allowed && connection !== undefined) admission.charge(connection, now)
    log(`learned community ${id} from peer ${peer.id} (${record.standing}${introduced && record.standing === "memory" ? ", introduced" : ""})`)
    if (introduced) checkPending(record)
    return record.community
  }

  const hub = Sync.makeHub({
    announce: false,
    ...(options.limits ? { limits: options.limits } : {}),
    learn
  })

  let reopened = 0
  for (const id of await run(store.communities())) {
    const community = await run(Community.open(id, communityOptions)).catch((e: unknown) => {
      log(`could not reopen community ${id}: ${message(e)}`)
      return undefined
    })
    if (community === undefined) continue
    const introduction = await run(store.get(id, INTRODUCTION_KEY)).catch(() => undefined)
    carry(community, settings.allow.has(id) ? "allowed" : introduction === undefined ? "kept" : "introduced")
    hub.add(community)
    reopened++
  }
  if (reopened > 0) log(`reopened ${reopened} communities`)

  /** Forget the communities served from memory that nobody used for `forgetAfter`; drop stale introductions. */
  const sweep = (): void => {
    const now = Date.now()
    admission.prune(now)
    for (const [id, list] of waiting) {
      const fresh = list.filter((i) => Admission.isFresh(i, now))
      if (fresh.length === 0) waiting.delete(id)
      else waiting.set(id, fresh)
    }
    const connected = hub.peers()
    for (const record of [...carried.values()]) {
      if (record.standing !== "memory" || record.promoting) continue
      if (connected.some((p) => p.synced(record.id))) {
        record.lastActive = now
        continue
      }
      if (now - record.lastActive < settings.forgetAfter) continue
      hub.remove(record.id)
      record.unsubscribe()
      carried.delete(record.id)
      inMemory--
      log(`forgot community ${record.id}: nobody introduced it and nobody used it for ${Math.round((now - record.lastActive) / 1000)} s`)
    }
  }
  const sweeper = setInterval(sweep, Math.max(10, Math.min(settings.forgetAfter / 4, 60_000)))
  sweeper.unref()

  let server
  try {
    server = await listen({
      port: options.port ?? 8787,
      host: options.host ?? "127.0.0.1",
      maxFrameBytes: Sync.Limits.resolveLimits(options.limits).maxFrameBytes,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 64,
      onConnection: (connection, info) => {
        const introductions = Sync.Introduction.fromUrl(info.url)
        if (!introductions.ok) {
          log(`refused a connection from ${info.remoteAddress ?? "?"}: ${introductions.error.message}`)
          connection.close({ reason: introductions.error._tag, message: introductions.error.message })
          return
        }
        const peer = hub.connect(connection)
        const state: PeerState = { address: info.remoteAddress ?? "?", learned: 0, ready: Promise.resolve() }
        peers.set(peer, state)
        const given = introductions.introductions
        if (given.length > 0) state.ready = accept(peer, given).catch(() => undefined)
        log(`peer ${peer.id} connected from ${state.address}${given.length > 0 ? ` with ${given.length} introductions` : ""}`)
        void peer.closed.then((r) => log(`peer ${peer.id} closed (${r.by}): ${r.reason}: ${r.message}`))
      }
    })
  } catch (e) {
    clearInterval(sweeper)
    await hub.close()
    await run(store.close())
    throw e
  }
  const listening = server
  let stopping: Promise<void> | undefined
  return {
    url: listening.url,
    port: listening.port,
    hub,
    counts: () => new Map(hub.communities().map((id) => [id, hub.community(id)?.replica.log.size ?? 0] as const)),
    standing: (community) => carried.get(community)?.standing,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true
        clearInterval(sweeper)
        await listening.close()
        await hub.close()
        for (const record of carried.values()) record.unsubscribe()
        await run(store.close())
      })())
  }
}
