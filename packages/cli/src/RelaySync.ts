/**
 * One round of sync through relays: connect to each, exchange what either side lacks until
 * both hold the same events (or time runs out), then disconnect. A relay stores and
 * forwards signed events and holds no power; members who are never online together reach
 * each other through it. Each connection carries an introduction of the community signed
 * by this device (`Sync.Introduction`), so that a relay keeps it across restarts rather
 * than serving it from memory and forgetting it.
 *
 * @module
 */
import * as Defense from "@affinity/defense"
import { type Keys, Sync } from "@affinity/core"
import { type Connection, connect, type ConnectOptions } from "@affinity/sync-websocket"
import * as CommunityTime from "./CommunityTime.ts"
import type { Room } from "./Session.ts"

/** What happened with one relay. */
export interface RelayResult {
  readonly url: string
  /** Whether the relay and this device ended holding the same events. */
  readonly synced: boolean
  /** Why not, in words, when it was not reached or did not finish. */
  readonly problem: string | null
  /** Events this device sent that the relay stored. */
  readonly sent: number
}

/** What a round of sync did. */
export interface SyncReport {
  readonly relays: ReadonlyArray<RelayResult>
  /** Events received and delivered. */
  readonly received: number
  /** Whether this device wrote a time witness during the round (see `CommunityTime.attestIfDue`). */
  readonly attested: boolean
  /** Events received that claim a time ahead of this device's clock, held until then. */
  readonly held: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const connectWithin = (url: string, ms: number, options: ConnectOptions): Promise<Connection> =>
  new Promise((resolve, reject) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(new Error(`no answer from ${url} within ${Math.round(ms / 1000)} s`))
    }, ms)
    connect(url, options).then(
      (c) => {
        clearTimeout(timer)
        if (done) c.close()
        else resolve(c)
      },
      (e: unknown) => {
        clearTimeout(timer)
        if (!done) reject(e instanceof Error ? e : new Error(String(e)))
      }
    )
  })

/**
 * The hub's resync interval for relays that took `connectMs` to connect: a few round trips
 * of the slowest, between 50 ms and 1 s. It paces how soon a finished exchange is confirmed
 * (both sides showing the same heads), and how long the hub waits for a peer's hello and
 * acknowledgements before it tries again, so a relay far away is given time to answer.
 */
export const resyncInterval = (connectMs: ReadonlyArray<number>): number => Math.min(1000, Math.max(50, 4 * Math.max(0, ...connectMs)))

/** Ask each relay to keep the community, signed by this device, when it has a key. */
const introduction = (key: Keys.DeviceKey | undefined, community: string): ConnectOptions =>
  key === undefined ? {} : { introduce: { device: key, communities: [community] } }

/** Sync the room's community through `relays`, giving up on each after `timeoutMs`. */
export const syncOnce = async (room: Room, relays: ReadonlyArray<string>, options: { readonly timeoutMs: number }): Promise<SyncReport> => {
  const community = room.handle.community
  const before = room.handle.export().length
  const deadline = Date.now() + options.timeoutMs
  // The community may have restricted a relay (defense, `docs/protocol.md` §13 S11): it is never dialed.
  const refuse = (url: string) => Defense.SyncPolicy.refusal(room.handle.state<Defense.State>("defense"), { relay: url }, room.communityTime())
  const introduce = { ...introduction(room.key, community.id), refuse }
  const connections = await Promise.all(
    relays.map(async (url) => {
      const started = Date.now()
      try {
        const connection = await connectWithin(url, options.timeoutMs, introduce)
        return { url, connection, ms: Date.now() - started, failure: null }
      } catch (e) {
        return { url, connection: undefined, ms: 0, failure: e instanceof Error ? e.message : String(e) }
      }
    })
  )
  const hub = Sync.makeHub({ resyncInterval: resyncInterval(connections.map((c) => c.ms)) })
  hub.add(community)
  const peers = connections.map(({ url, connection, failure }) => {
    if (connection === undefined) return { url, peer: undefined, problem: () => failure }
    const peer = hub.connect(connection)
    let closed: string | null = null
    void peer.closed.then((r) => {
      closed = r.message
    })
    return { url, peer, problem: () => closed }
  })
  const settle = async () => {
    while (Date.now() < deadline) {
      await hub.idle()
      if (peers.every((p) => p.peer === undefined || p.problem() !== null || p.peer.synced(community.id))) return
      await sleep(20)
    }
  }
  let attested = false
  let results: ReadonlyArray<RelayResult> = []
  try {
    await settle()
    if (peers.some((p) => p.peer?.synced(community.id))) {
      attested = await CommunityTime.attestIfDue(room)
      if (attested) await settle()
    }
    await hub.idle()
    results = peers.map((p) => {
      const synced = p.peer?.synced(community.id) ?? false
      return {
        url: p.url,
        synced,
        problem: synced ? null : (p.problem() ?? "it did not finish in time"),
        sent: p.peer?.stats.eventsAcked ?? 0
      }
    })
  } finally {
    await hub.close()
  }
  return {
    relays: results,
    received: room.handle.export().length - before - (attested ? 1 : 0),
    attested,
    held: room.handle.held().length
  }
}
