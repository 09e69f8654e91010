/**
 * One round of sync: carry a community over connections to peers or relays, exchange what
 * either side lacks until both hold the same events (or time runs out), then disconnect.
 * What a command-line tool, a script or a scheduled job does; a long-running program keeps
 * connections open instead (`CommunityHandle.connect`, or a `Sync` hub).
 *
 * The Promise API runs it as `community.sync(connections)`; with Effect, call {@link run}
 * with a `Community`.
 *
 * ```ts
 * import { Client, Storage, Sync } from "@affinity/core"
 *
 * const [here, there] = [await Client.make({ storage: Storage.layerMemory }), await Client.make({ storage: Storage.layerMemory })]
 * const me = await here.generateKey()
 * const choir = await here.create({ name: "Choir", author: me })
 * await choir.append(me, "core", "tick", {})
 * const copy = await there.join(choir.export()[0]!)
 *
 * const [left, right] = Sync.Memory.pair()
 * choir.connect(left) // the other side stays connected
 * const round = await copy.sync([right])
 * console.log(round.peers[0]!.synced, round.received) // true 1
 * console.log(copy.stateHash() === choir.stateHash()) // true
 * await here.close()
 * await there.close()
 * ```
 *
 * @module
 */
import type { Community } from "./Community.ts"
import type { CloseReason, Connection } from "./sync/Connection.ts"
import { type HubOptions, makeHub } from "./sync/Hub.ts"

/** Options of a round. */
export interface Options {
  /** Milliseconds after which the round ends, whether or not every peer is in step (default 10,000). */
  readonly timeout?: number
  /**
   * Milliseconds between the hub's comparisons of heads with each peer (default 100): how
   * soon a finished exchange is confirmed, and how long a slow peer is given to answer
   * before a message is sent again. Raise it for peers far away.
   */
  readonly resyncInterval?: number
  /** Other options of the round's hub: per-peer limits, the clock. */
  readonly hub?: Omit<HubOptions, "resyncInterval" | "learn" | "announce">
}

/** Default {@link Options.timeout}. */
export const TIMEOUT = 10_000

/** Default {@link Options.resyncInterval}. */
export const RESYNC_INTERVAL = 100

/** How the round went with one peer. */
export interface PeerResult {
  /** Whether this side and the peer ended the round holding the same events. */
  readonly synced: boolean
  /**
   * Why the connection ended before the round did (the peer closed it, the link failed, a
   * limit was broken), or `undefined` when it lasted until the round closed it.
   */
  readonly closed: CloseReason | undefined
  /** Events sent that the peer acknowledged (verified and stored on its side). */
  readonly sent: number
  /** Events received from the peer that this side did not have. */
  readonly received: number
}

/** What a round did. */
export interface Result {
  /** One per connection, in the order they were given. */
  readonly peers: ReadonlyArray<PeerResult>
  /** Events delivered to the community during the round. */
  readonly received: number
  /** Events held at the end for claiming a time ahead of this device's clock (see `Community.held`). */
  readonly held: number
  /** Whether the round ended on its timeout with a peer still connected and not in step. */
  readonly timedOut: boolean
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Run one round over `connections`: each is carried by a hub of its own for this round and
 * closed when the round ends (a peer that closes its side early ends its part sooner). Never
 * rejects: each peer's result says how it went.
 */
export const run = async (community: Community, connections: ReadonlyArray<Connection>, options: Options = {}): Promise<Result> => {
  const deadline = Date.now() + (options.timeout ?? TIMEOUT)
  const hub = makeHub({ ...options.hub, resyncInterval: options.resyncInterval ?? RESYNC_INTERVAL })
  let received = 0
  const stop = community.subscribe((change) => {
    received += change.delivered.length
  })
  hub.add(community)
  let ended = false
  const peers = connections.map((connection) => {
    const peer = hub.connect(connection)
    let closed: CloseReason | undefined
    void peer.closed.then((reason) => {
      if (!ended) closed = reason
    })
    return { peer, closed: () => closed }
  })
  const settled = () => peers.every((p) => p.closed() !== undefined || p.peer.synced(community.id))
  try {
    for (;;) {
      await hub.idle()
      if (settled() || Date.now() >= deadline) break
      await sleep(Math.min(20, Math.max(0, deadline - Date.now())))
    }
    await hub.idle()
    const timedOut = !settled()
    const results = peers.map((p): PeerResult => ({
      synced: p.peer.synced(community.id),
      closed: p.closed(),
      sent: p.peer.stats.eventsAcked,
      received: p.peer.stats.eventsIn - p.peer.stats.duplicates
    }))
    return { peers: results, received, held: community.held().length, timedOut }
  } finally {
    ended = true
    stop()
    await hub.close()
  }
}
