/**
 * A bridge: one member's device key and one community, made available to other programs.
 * It reads the folded state, signs that member's acts (one at a time, so the device's chain
 * never forks), follows the community to feed Server-Sent Events and webhooks, and keeps
 * relays connected so that it hears what other members write; each connection introduces
 * the community, so that a relay keeps it.
 *
 * The HTTP side is `App.makeApp`; `Serve.serve` puts both together from a data directory.
 *
 * @module
 */
import { type Cbor, type Client, type Community, type Keys, Membership, type Module, type Names as CoreNames, type Replica, Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { connect } from "@affinity/sync-websocket"
import * as Feed from "./Feed.ts"
import * as Names from "./Names.ts"
import * as Relays from "./Relays.ts"
import type * as Schemas from "./Schemas.ts"
import * as Views from "./Views.ts"
import * as Webhooks from "./Webhooks.ts"

/** Options of {@link make}. */
export interface BridgeOptions {
  /** The community, opened by a `Client` whose modules include governance. */
  readonly community: Client.CommunityHandle
  /** The device key the bridge signs with. */
  readonly device: Keys.DeviceKey
  /**
   * The modules the client runs besides `core` (default: governance): event bodies are
   * checked against their schemas before anything is signed.
   */
  readonly modules?: ReadonlyArray<Module.Module>
  /** Names given to members (default: a book in memory). */
  readonly names?: Names.Book
  /** Where webhooks are kept, and how deliveries are retried. */
  readonly webhooks?: Omit<Webhooks.WebhookOptions, "feed">
  /** Relays to stay connected to. */
  readonly relays?: ReadonlyArray<string>
  /**
   * How to dial a relay. Default: a WebSocket (`@affinity/sync-websocket`) whose URL
   * introduces the community, signed afresh by the bridge's device key for each
   * connection, so that the relay keeps it across restarts.
   */
  readonly dial?: Relays.Dial
  /** Options of the sync hub (e.g. a shorter `resyncInterval` in tests). */
  readonly sync?: Sync.HubOptions
  /**
   * The code that lets a member add this device to their identity, when the bridge joined
   * by invitation and acts for nobody yet (see `DeviceRequest.requestCode`).
   */
  readonly request?: string
  /** Called with unexpected errors of listeners and deliveries (default: none). */
  readonly onError?: (error: unknown) => void
}

/** A running bridge. */
export interface Bridge {
  readonly community: Client.CommunityHandle
  readonly device: Keys.DeviceKey
  readonly names: Names.Book
  readonly reader: Views.Reader
  readonly feed: Feed.Feed
  readonly webhooks: Webhooks.Registry
  /** The sync hub that carries the community. */
  readonly hub: Sync.SyncHub
  /** Carry the community over a connection to a relay or another replica. */
  readonly connect: (connection: Sync.Connection.Connection) => Sync.Peer
  /** How each relay is doing. */
  readonly relays: () => ReadonlyArray<Relays.Status>
  /** The device request code, while the device acts for nobody (see {@link BridgeOptions.request}). */
  readonly request: () => string | null
  /** The event type `module/type` as the client runs it, or `undefined`. */
  readonly eventType: (module: string, type: string) => Module.EventType<Cbor.Value> | undefined
  /** The position (delivery order) and wire bytes of a delivered event. */
  readonly eventAt: (key: string) => { readonly index: number; readonly bytes: Uint8Array } | undefined
  /** Events after position `after` in delivery order, at most `limit` of them. */
  readonly events: (after: number, limit: number) => ReadonlyArray<Schemas.Event>
  /**
   * Sign and add an event by this bridge's device. Appends run one after another: two at
   * once could give the device's chain two events with one sequence number, which the
   * community would record as a fork of the key.
   */
  readonly append: (
    module: string,
    type: string,
    body: Cbor.Value,
    options?: Community.AppendOptions
  ) => Promise<{ readonly key: string; readonly outcome: Replica.Outcome }>
  /** Aborted when the bridge closes (open streams end). */
  readonly closing: AbortSignal
  /** Stop relays, sync, the feed, streams and deliveries. The community and its client stay open. */
  readonly close: () => Promise<void>
}

/** Make a bridge over an open community. Rejects with a `TypeError` when the community does not run governance. */
export const make = async (options: BridgeOptions): Promise<Bridge> => {
  const { community, device } = options
  if (community.state("governance") === undefined)
    throw new TypeError("the bridge needs the governance module: open the community with a Client made with modules: [Governance.module]")
  // The Promise API does not say what became of an event, find an event by key or give
  // community time: those reads go to the replica.
  const replica: Replica.Replica = community.community.replica
  const modules = new Map<string, Module.Module>([[Membership.module.name, Membership.module]])
  for (const m of options.modules ?? [Governance.module]) modules.set(m.name, m)
  const names = options.names ?? (await Names.open())
  // The directory is made again when the log or the names given here change.
  let directory: { readonly size: number; readonly revision: number; readonly value: CoreNames.Directory } | undefined
  const reader: Views.Reader = {
    core: () => community.state<Membership.State>("core"),
    governance: () => community.state<Governance.State>("governance"),
    names,
    directory: () => {
      const size = replica.log.size
      const revision = names.revision()
      if (directory === undefined || directory.size !== size || directory.revision !== revision)
        directory = { size, revision, value: community.names(names.all()) }
      return directory.value
    },
    me: () => Membership.deviceOwner(community.state<Membership.State>("core"), device.id),
    outcomeOf: (key) => replica.outcome(key),
    communityTime: () => Governance.communityTime(replica)
  }
  const eventAt = (key: string) => {
    const index = replica.log.index.get(key)
    const bytes = replica.bytesOf(key)
    return index === undefined || bytes === undefined ? undefined : { index, bytes }
  }
  const feed = Feed.make({ community, reader, eventAt, ...(options.onError ? { onError: options.onError } : {}) })
  const webhooks = await Webhooks.open({ ...options.webhooks, feed })
  const hub = Sync.makeHub(options.sync)
  hub.add(community.community)
  const relays =
    options.relays !== undefined && options.relays.length > 0
      ? Relays.keep({
          hub,
          urls: options.relays,
          dial: options.dial ?? ((url: string) => connect(url, { introduce: { device, communities: [community.id] } }))
        })
      : undefined
  let tail: Promise<unknown> = Promise.resolve()
  const closing = new AbortController()

  return {
    community,
    device,
    names,
    reader,
    feed,
    webhooks,
    hub,
    connect: (connection) => hub.connect(connection),
    relays: () => relays?.status() ?? [],
    request: () => (reader.me() === undefined ? (options.request ?? null) : null),
    eventType: (module, type) => modules.get(module)?.events[type],
    eventAt,
    events: (after, limit) => {
      const all = community.export()
      const out: Array<Schemas.Event> = []
      for (let i = Math.max(0, after + 1); i < all.length && out.length < limit; i++) {
        const view = Views.event(reader, i, all[i]!)
        if (view !== undefined) out.push(view)
      }
      return out
    },
    append: (module, type, body, appendOptions) => {
      const run = tail.then(() => community.append(device, module, type, body, appendOptions))
      tail = run.catch(() => undefined)
      return run
    },
    closing: closing.signal,
    close: async () => {
      closing.abort()
      relays?.close()
      webhooks.close()
      feed.close()
      await hub.close()
    }
  }
}
