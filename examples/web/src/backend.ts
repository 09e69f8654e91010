/**
 * The SDK side of the app: this device's key, the client on IndexedDB, the sync hub with
 * its relay links (reconnecting with backoff) and its link to the other tabs.
 *
 * Only one tab of a browser writes: the one holding the Web Lock `affinity-web/writer`.
 * The others follow it over BroadcastChannel (they read IndexedDB, receive what the
 * writer and the relays send, and store nothing) and ask it to sign what their person
 * does, so one device key never signs two different events with one sequence number, and
 * IndexedDB never holds an event twice.
 *
 * Every connection to a relay introduces the communities this device carries there,
 * signed by its key (`Sync.Introduction`), so the relay keeps them across its restarts;
 * when the device starts carrying another community on a relay it is already connected
 * to, it reconnects once to introduce it.
 *
 * @module
 */
import { Bytes, type Cbor, Client, type Community, Crypto, type Keys, type Replica, Storage, Sync } from "@affinity/core"
import * as StorageIndexedDb from "@affinity/storage-indexeddb"
import * as Tabs from "@affinity/sync-broadcastchannel"
import { connect } from "@affinity/sync-websocket"
import { Effect, type Exit, Layer } from "effect"
import { modules } from "./modules.ts"

export { modules } from "./modules.ts"

/** State of the link to one relay. */
export type RelayStatus = "connecting" | "online" | "offline"

/** The app's device: key, client, sync. */
export interface Backend {
  readonly key: Keys.DeviceKey
  readonly crypto: Crypto.CryptoShape
  readonly client: Client.Client
  /** Whether this tab writes (holds the writer lock). */
  readonly writer: () => boolean
  /** Relay addresses and their link states. */
  readonly relays: () => ReadonlyMap<string, RelayStatus>
  /**
   * Sign and add an event by this device, with `options.payload` beside its body if given
   * (a profile, say). In a follower tab the writer tab signs it (opening the community if it
   * must); the event then arrives here over the tab link.
   */
  readonly append: (
    community: Community.Community,
    module: string,
    type: string,
    body: Cbor.Value,
    options?: { readonly payload?: Uint8Array }
  ) => Promise<Appended>
  /**
   * Keep `community` in sync with the other tabs and with exactly the relays at `urls`: a
   * relay it no longer names stops carrying it, and the link to that relay closes when it
   * carries nothing else.
   */
  readonly carry: (community: Community.Community, urls: ReadonlyArray<string>) => void
  /**
   * Whether a relay is known to hold every event this device has of `community`: a
   * connected relay announced the same heads (`Sync.Peer.synced`). The other tabs of this
   * browser do not count: they keep their data in the same place.
   */
  readonly relaySynced: (community: string) => boolean
  /** A small value kept on this device for a community (names, relays, the lot secret). */
  readonly getValue: (community: string, key: string) => Promise<Uint8Array | undefined>
  readonly setValue: (community: string, key: string, value: Uint8Array) => Promise<void>
  /** Call `listener` when relay links change; returns the unsubscribe function. */
  readonly onStatus: (listener: () => void) => () => void
}

/** The link to one relay. */
interface Link {
  status: RelayStatus
  attempt: number
  /** Communities carried to this relay. */
  readonly communities: Set<string>
  /** Communities a connection to it has introduced since the page opened. */
  readonly introduced: Set<string>
  /** The peer on the open connection, if any. */
  peer: Sync.Peer | undefined
  /** Whether the connection is being closed to dial again at once, with more introductions. */
  redial: boolean
  /** Whether the link was dropped (it carries nothing any more): never dial again. */
  dropped: boolean
}

/** What became of an appended event. */
export type Appended = { readonly key: string; readonly outcome: Replica.Outcome }

type Request = {
  readonly t: "append"
  readonly id: string
  readonly community: string
  readonly module: string
  readonly type: string
  readonly body: Cbor.Value
  readonly payload?: Uint8Array
}
type Reply = { readonly t: "appended"; readonly id: string } & ({ readonly ok: true; readonly appended: Appended } | { readonly ok: false; readonly message: string })

/** How long a follower waits for the writer tab to sign. */
const WRITER_TIMEOUT = 15_000

/** Options of {@link make}. */
export interface BackendOptions {
  /** Prefix of the IndexedDB database names (default `"affinity-web"`). */
  readonly database?: string
  /** Called when this tab becomes the writer after having been a follower. */
  readonly onPromoted?: () => void
  /**
   * A community the page is about to open: its stored events are read while the rest of
   * the device starts, and the first `client.open` of it takes them from there.
   */
  readonly prefetch?: string
}

/** Reconnect delays: 0.5 s doubling up to 10 s, with up to 25 % jitter. */
export const backoff = (attempt: number): number => {
  const base = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10))
  return Math.round(base * (0.75 + Math.random() * 0.25))
}

const DEVICE = "device"

/** Hold the writer lock if free; `promoted` is called if it is taken later instead. */
const acquireWriter = (name: string, promoted: () => void): Promise<boolean> => {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks
  if (!locks) return electWriter(name, promoted)
  return new Promise((resolve) => {
    const hold = () => new Promise<void>(() => {})
    void locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock) {
        resolve(true)
        return hold()
      }
      resolve(false)
      void locks.request(name, () => {
        promoted()
        return hold()
      })
      return undefined
    })
  })
}

/** How long a starting tab listens for a writer or other candidates when there are no Web Locks. */
const ELECTION_WINDOW = 400

type Election = { readonly t: "claim" | "writer" | "gone"; readonly id: string }

/**
 * The writer chosen over BroadcastChannel, for pages without Web Locks (which browsers give
 * only to secure pages: a page opened over plain http from a network address has none). A
 * starting tab claims the role and listens for {@link ELECTION_WINDOW} ms: a writer answers
 * every claim, and of tabs that claim at once the one with the lowest random id wins. A
 * writer that goes away says so, and the following tabs elect again; the winner is
 * promoted. Without this, two tabs would both sign with the device key and fork it.
 */
const electWriter = (name: string, promoted: () => void): Promise<boolean> => {
  if (typeof BroadcastChannel === "undefined") return Promise.resolve(true)
  const channel = new BroadcastChannel(`${name}/election`)
  const id = Bytes.toHex(Crypto.generateSecret()).slice(0, 16)
  let writer = false
  let settled = false
  const run = (): Promise<boolean> =>
    new Promise((resolve) => {
      let lost = false
      const listen = (event: MessageEvent) => {
        const m = event.data as Partial<Election> | null
        if (typeof m !== "object" || m === null || typeof m.id !== "string" || m.id === id) return
        if (m.t === "writer" || (m.t === "claim" && m.id < id)) lost = true
      }
      channel.addEventListener("message", listen)
      channel.postMessage({ t: "claim", id } satisfies Election)
      setTimeout(() => {
        channel.removeEventListener("message", listen)
        resolve(!lost)
      }, ELECTION_WINDOW)
    })
  channel.addEventListener("message", (event: MessageEvent) => {
    const m = event.data as Partial<Election> | null
    if (typeof m !== "object" || m === null || typeof m.id !== "string" || m.id === id) return
    if (m.t === "claim" && writer) channel.postMessage({ t: "writer", id } satisfies Election)
    if (m.t === "gone" && !writer && settled)
      void run().then((won) => {
        if (won && !writer) {
          writer = true
          promoted()
        }
      })
  })
  addEventListener("pagehide", () => {
    if (writer) channel.postMessage({ t: "gone", id } satisfies Election)
  })
  return run().then((won) => {
    writer = won
    settled = true
    return won
  })
}

/** A turn of the event loop: `scheduler.yield` where the browser has it (it keeps the task's priority), else a timer. */
const turn = (): Promise<void> => {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  return typeof scheduler?.yield === "function" ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0))
}

/** Open the device: its key (made on first use), storage, client and sync. */
export const make = async (options: BackendOptions = {}): Promise<Backend> => {
  const prefix = options.database ?? "affinity-web"
  // The steps below do not depend on each other and mostly wait on other threads or the
  // browser: start them all at once (on a slow phone that overlaps most of their waiting).
  // Each start runs code for the first time on a fresh page: a turn of the event loop
  // between them keeps that from being one long task on a slow phone.
  let writer = false
  const writerLock = acquireWriter(`${prefix}/writer`, () => {
    writer = true
    options.onPromoted?.()
  })
  const eventStore = Effect.runPromise(StorageIndexedDb.make({ name: prefix }))
  await turn()
  const deviceStore = Effect.runPromise(StorageIndexedDb.make({ name: `${prefix}-device` }))
  await turn()
  const best = Crypto.makeBest()
  let early: { readonly community: string; readonly events: Promise<Exit.Exit<ReadonlyArray<Uint8Array>, Storage.StorageError>> } | undefined
  if (options.prefetch !== undefined) {
    const community = options.prefetch
    early = { community, events: eventStore.then((s) => Effect.runPromiseExit(s.events(community))) }
    // Should opening the store fail, that is reported below; this read is then never used.
    early.events.catch(() => undefined)
  }
  writer = await writerLock
  const device = await deviceStore
  const crypto = await best
  const store = await eventStore
  const cryptoLayer = Layer.succeed(Crypto.Crypto, crypto)
  // Followers read the shared database and leave writing to the writer tab.
  const storage: Storage.StorageShape = {
    ...store,
    events: (community) => {
      const read = early?.community === community ? early.events : undefined
      if (read === undefined) return store.events(community)
      early = undefined
      return Effect.flatten(Effect.promise(() => read))
    },
    append: (community, records) => (writer ? store.append(community, records) : Effect.void),
    set: (community, key, value) => (writer ? store.set(community, key, value) : Effect.void)
  }
  const client = await Client.make({ storage: Layer.succeed(Storage.Storage, storage), crypto: cryptoLayer, modules })

  let secret = await Effect.runPromise(device.get(DEVICE, "secret"))
  if (!secret) {
    secret = Crypto.generateSecret()
    if (writer) await Effect.runPromise(device.set(DEVICE, "secret", secret))
    // A follower never makes the key: it waits for the writer's.
    else for (let i = 0; i < 100 && !(secret = await Effect.runPromise(device.get(DEVICE, "secret"))); i++) await new Promise((r) => setTimeout(r, 50))
    if (!secret) throw new Error("this device has no key yet and another tab holds the writer lock")
  }
  const key = await client.keyFromSecret(secret)

  const hub = Sync.makeHub({ resyncInterval: 2_000 })
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const l of listeners) l()
  }
  const links = new Map<string, Link>()

  /**
   * The communities a new connection to `link` introduces: those not introduced there yet
   * first, then the others, at most as many as one connection carries.
   */
  const toIntroduce = (link: Link): ReadonlyArray<string> => {
    const all = [...link.communities]
    const fresh = all.filter((id) => !link.introduced.has(id))
    return [...fresh, ...all.filter((id) => link.introduced.has(id))].slice(0, Sync.Introduction.MAX_PER_CONNECTION)
  }

  /** Reconnect `link` when it carries a community no connection introduced yet. */
  const reintroduce = (link: Link) => {
    if (link.peer === undefined || link.redial || [...link.communities].every((id) => link.introduced.has(id))) return
    link.redial = true
    link.peer.close({ reason: "Closed", message: "reconnecting to introduce another community" })
  }

  const dial = (url: string) => {
    const link = links.get(url)!
    link.status = "connecting"
    notify()
    const retry = () => {
      if (link.dropped) return
      link.status = "offline"
      notify()
      setTimeout(() => {
        if (!link.dropped) dial(url)
      }, backoff(link.attempt++))
    }
    const communities = toIntroduce(link)
    connect(url, { introduce: { device: key, communities, crypto } }).then(
      (connection) => {
        const peer = hub.connect(connection)
        if (link.dropped) {
          peer.close({ reason: "Closed", message: "this device no longer uses this relay" })
          return
        }
        for (const id of communities) link.introduced.add(id)
        link.peer = peer
        link.status = "online"
        link.attempt = 0
        notify()
        void peer.closed.then(() => {
          link.peer = undefined
          if (!link.redial) return retry()
          link.redial = false
          dial(url)
        })
        reintroduce(link)
      },
      retry
    )
  }

  Tabs.join({ name: `${prefix}/tabs`, onConnection: (connection) => hub.connect(connection) })

  // Followers' appends, signed by the writer.
  const writes = new BroadcastChannel(`${prefix}/writes`)
  const waiting = new Map<string, (reply: Reply) => void>()
  const appendHere = (community: Community.Community, module: string, type: string, body: Cbor.Value, payload?: Uint8Array): Promise<Appended> =>
    Effect.runPromise(community.append(key, module, type, body, payload === undefined ? {} : { payload }))
  writes.onmessage = (event: MessageEvent) => {
    const m = event.data as { readonly t?: unknown; readonly id?: unknown; readonly community?: unknown; readonly module?: unknown; readonly type?: unknown } | null
    if (typeof m !== "object" || m === null || typeof m.id !== "string") return
    if (m.t === "appended") waiting.get(m.id)?.(m as Reply)
    if (m.t !== "append" || !writer || typeof m.community !== "string" || typeof m.module !== "string" || typeof m.type !== "string") return
    const r = m as Request
    void (async () => {
      const community = hub.community(r.community) ?? (await client.open(r.community)).community
      hub.add(community)
      return appendHere(community, r.module, r.type, r.body, r.payload instanceof Uint8Array ? r.payload : undefined)
    })().then(
      (appended) => writes.postMessage({ t: "appended", id: r.id, ok: true, appended } satisfies Reply),
      (e: unknown) => writes.postMessage({ t: "appended", id: r.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies Reply)
    )
  }
  const askWriter = (community: Community.Community, module: string, type: string, body: Cbor.Value, payload?: Uint8Array): Promise<Appended> =>
    new Promise((resolve, reject) => {
      const id = Bytes.toHex(Crypto.generateSecret()).slice(0, 24)
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error("the tab that keeps the data did not answer; close this tab and use the other one"))
      }, WRITER_TIMEOUT)
      waiting.set(id, (reply) => {
        clearTimeout(timer)
        waiting.delete(id)
        if (reply.ok) resolve(reply.appended)
        else reject(new Error(reply.message))
      })
      writes.postMessage({ t: "append", id, community: community.id, module, type, body, ...(payload === undefined ? {} : { payload }) } satisfies Request)
    })

  return {
    key,
    crypto,
    client,
    writer: () => writer,
    append: (community, module, type, body, options = {}) =>
      writer ? appendHere(community, module, type, body, options.payload) : askWriter(community, module, type, body, options.payload),
    relays: () => new Map([...links].map(([url, l]) => [url, l.status])),
    carry: (community, urls) => {
      hub.add(community)
      for (const [url, link] of links)
        if (!urls.includes(url) && link.communities.delete(community.id) && link.communities.size === 0) {
          link.dropped = true
          links.delete(url)
          link.peer?.close({ reason: "Closed", message: "this device no longer uses this relay" })
        }
      for (const url of urls) {
        const link = links.get(url)
        if (link === undefined) {
          links.set(url, { status: "connecting", attempt: 0, communities: new Set([community.id]), introduced: new Set(), peer: undefined, redial: false, dropped: false })
          dial(url)
        } else {
          link.communities.add(community.id)
          reintroduce(link)
        }
      }
      notify()
    },
    relaySynced: (community) => [...links.values()].some((l) => l.communities.has(community) && l.peer?.synced(community) === true),
    getValue: (community, k) => Effect.runPromise(device.get(community, k)),
    setValue: (community, k, value) => (writer ? Effect.runPromise(device.set(community, k, value)) : Promise.resolve()),
    onStatus: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}

/** UTF-8 text of stored bytes. */
export const text = (bytes: Uint8Array | undefined): string | undefined => (bytes ? new TextDecoder().decode(bytes) : undefined)

/** Stored bytes of text. */
export const bytes = (value: string): Uint8Array => Bytes.utf8(value)
