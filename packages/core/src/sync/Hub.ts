/**
 * The sync engine: a `Hub` keeps a set of communities in sync with any number of peers,
 * each over a {@link Connection}. It speaks the protocol of `docs/protocol.md`, §13:
 *
 * 1. `hello` both ways; the highest common version wins, none is a `VersionMismatch`.
 * 2. `open` per community: each side's heads. A side that holds all of the peer's heads
 *    knows the peer's whole set (delivered sets are closed under parents) and sends what
 *    the peer lacks, parents first. When neither side can tell, the side with the lower
 *    nonce runs a round of range-based set reconciliation ({@link Reconcile}); what it
 *    finds is requested (`want`) and sent (`events`) when the round ends.
 * 3. Afterwards every newly delivered event is forwarded to every peer that carries the
 *    community (except the one it came from). A timer re-opens any community whose heads
 *    differ from the peer's, so lost messages are made good, and releases events the
 *    community held for claiming a time ahead of this device's clock once they are due.
 *
 * Everything a peer sends is untrusted: frames are decoded strictly, events are verified
 * by `Community.receive` exactly as a member's would be, events whose parents are missing
 * wait in a bounded per-peer buffer, and every per-peer {@link Limits limit} ends in a
 * disconnect with a typed {@link DisconnectReason}, never in an exception or a change of state.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Community, Crypto, Keys, Storage, Sync } from "@affinity/core"
 *
 * const layer = () => Layer.mergeAll(Crypto.layerBest, Storage.layerMemory)
 * const program = Effect.gen(function* () {
 *   const me = yield* Keys.generate()
 *   const alice = yield* Community.create({ name: "Allotment", author: me })
 *   yield* alice.append(me, "core", "tick", {})
 *   return { alice, genesis: alice.export()[0]! }
 * })
 * const { alice, genesis } = await Effect.runPromise(Effect.provide(program, layer()))
 * const bob = await Effect.runPromise(Effect.provide(Community.join(genesis), layer()))
 *
 * const a = Sync.makeHub()
 * const b = Sync.makeHub()
 * a.add(alice)
 * b.add(bob)
 * const [left, right] = Sync.Memory.pair()
 * a.connect(left)
 * b.connect(right)
 * while (bob.replica.log.size < alice.replica.log.size) await new Promise((r) => setTimeout(r, 5))
 * console.log(bob.replica.stateHashHex() === alice.replica.stateHashHex()) // true
 * await a.close()
 * await b.close()
 * ```
 *
 * @module
 */
import { Effect } from "effect"
import * as Bytes from "../Bytes.ts"
import { type Community, HOLD_FULL } from "../Community.ts"
import * as Event from "../Event.ts"
import { makeEnvelope, read, textIs } from "../internal/envelope.ts"
import type { Log } from "../Log.ts"
import type { CloseReason, Connection, Reason } from "./Connection.ts"
import { Bucket, type Clock, type DisconnectReason, type Limits, MIN_FRAME_BYTES, resolveLimits, systemClock } from "./Limits.ts"
import * as Message from "./Message.ts"
import * as Reconcile from "./Reconcile.ts"

/** Protocol versions this implementation speaks. */
export const VERSIONS: ReadonlyArray<number> = [1]

/** The version two sides agree on: the highest both list, or `undefined` when none is common. */
export const agreeVersion = (ours: ReadonlyArray<number>, theirs: ReadonlyArray<number>): number | undefined => {
  const common = ours.filter((v) => theirs.includes(v))
  return common.length === 0 ? undefined : Math.max(...common)
}

/** Options of {@link makeHub}. */
export interface HubOptions {
  /** Per-peer limits; unset ones take {@link Limits} defaults. */
  readonly limits?: Partial<Limits>
  /** Time and timers (default: the platform's). Simulations pass `Sync.Memory.Network`'s clock. */
  readonly clock?: Clock
  /** Versions to offer in `hello` (default {@link VERSIONS}). */
  readonly versions?: ReadonlyArray<number>
  /**
   * Whether to open every community with every new peer (default `true`). A relay sets
   * `false`: it opens a community with a peer only when the peer opens it.
   */
  readonly announce?: boolean
  /**
   * Called when a peer opens a community this hub does not carry, with its genesis
   * (which the hub asks the peer for) and the peer that sent it. Return the community to
   * start carrying it, or `undefined` or a {@link Declined} to decline (the peer is told
   * the declined message). Without it, unknown communities are declined.
   */
  readonly learn?: (genesis: Uint8Array, peer: Peer) => Promise<Community | Declined | undefined>
  /**
   * Whether a side that holds all of the peer's heads sends the difference at once instead
   * of reconciling (default `true`; turn off only to measure reconciliation alone).
   */
  readonly headsShortcut?: boolean
  /**
   * Milliseconds between checks that re-open unsynced communities, retry lost messages and
   * release events held for claiming a time ahead of this device's clock once due (default 5,000).
   */
  readonly resyncInterval?: number
  /** Source of the 16-byte hello nonce (default: the platform's secure random source). */
  readonly random?: (size: number) => Uint8Array
  /**
   * Batches of events verified and stored at once across all communities (default 2).
   * Verification is CPU-bound: more at once only holds more frames in memory.
   */
  readonly concurrentBatches?: number
}

/** A `learn` hook's refusal to carry a community, with a reason the peer is told in its `unknown`. */
export interface Declined {
  readonly _tag: "Declined"
  readonly message: string
}

/** Counters of one peer, for diagnostics and benchmarks. */
export interface PeerStats {
  framesIn: number
  framesOut: number
  bytesIn: number
  bytesOut: number
  /** Event bytes sent and received inside `events` frames. */
  eventBytesOut: number
  eventBytesIn: number
  eventsOut: number
  eventsIn: number
  /** Events sent in frames the peer acknowledged: validated and stored on its side. */
  eventsAcked: number
  /** Received events this side already had. */
  duplicates: number
  /** Reconciliation rounds this side started, and messages of rounds either side started. */
  rounds: number
  reconcileMessages: number
}

/** One connected peer. */
export interface Peer {
  /** A number unique within the hub. */
  readonly id: number
  /** Counters (live). */
  readonly stats: PeerStats
  /** Resolves when the connection is closed; the reason says who closed it and why. */
  readonly closed: Promise<CloseReason>
  /** The version agreed in `hello`, once it is. */
  readonly version: () => number | undefined
  /** Whether this side believes the peer holds exactly its events of `community` (hex id). */
  readonly synced: (community: string) => boolean
  /** Disconnect, telling the peer why. */
  readonly close: (reason?: Reason) => void
}

/** A sync hub; see the module documentation. */
export interface Hub {
  /** Start carrying a community: it is opened with connected peers and kept in sync. */
  readonly add: (community: Community) => void
  /** Stop carrying a community (the community itself stays open). */
  readonly remove: (community: string) => void
  /** Hex ids of the communities carried, sorted. */
  readonly communities: () => ReadonlyArray<string>
  /** The community of that id, if carried. */
  readonly community: (id: string) => Community | undefined
  /** Speak the protocol over a connection. */
  readonly connect: (connection: Connection) => Peer
  /** Peers currently connected. */
  readonly peers: () => ReadonlyArray<Peer>
  /** Resolves when no frame, event batch or learn is being processed. */
  readonly idle: () => Promise<void>
  /** Disconnect every peer (`Shutdown`) and stop; communities stay open. */
  readonly close: () => Promise<void>
}

/** Flood units per item hashed for fingerprints (1 per 1,024 ids). */
const HASH_UNIT = 1024
/** Flood units per id of a `want` (1 per 256 ids). */
const WANT_UNIT = 256
/** Flood units per byte received (1 per 4 KiB), besides 1 per frame. */
const BYTE_UNIT = 4096

interface Slot {
  readonly community: Community
  readonly id: string
  readonly idBytes: Uint8Array
  items: Reconcile.ItemSet | undefined
  /** Serializes every `receive` the hub makes into this community. */
  queue: Promise<unknown>
  /** The peer whose events are being received right now (not sent back to it). */
  origin: object | undefined
  /** A release of held events is queued or running. */
  releasing: boolean
  readonly unsubscribe: () => void
}

interface Round {
  readonly id: number
  /** The step expected next from the peer. */
  expect: number
  readonly started: number
}

interface Staged {
  readonly bytes: Uint8Array
  readonly missing: Set<string>
}

interface Session {
  readonly slot: Slot | undefined
  readonly community: string
  readonly communityBytes: Uint8Array
  /** Waiting for the peer's genesis to learn this community. */
  learning: boolean
  /** The peer said it does not carry this community. */
  unknown: boolean
  peerOpened: boolean
  sentOpen: boolean
  peerHeads: ReadonlyArray<string> | null
  synced: boolean
  round: Round | undefined
  lastRound: number
  /** Log indexes to send, and those sent in frames not yet acknowledged. */
  readonly outbox: Set<number>
  readonly inflight: Set<number>
  /** Indexes acknowledged lately, with when: not pushed again until the peer has had time to say it has them. */
  readonly recent: Map<number, number>
  /** Ids asked for, with when. */
  readonly wanted: Map<string, number>
  /** Events from this peer waiting for parents, and who waits for what. */
  readonly staged: Map<string, Staged>
  readonly waiting: Map<string, Set<string>>
  stagedBytes: number
}

interface Flight {
  /** Presumed lost: its bytes no longer count against the window (a late ack still counts it). */
  expired?: boolean
  readonly seq: number
  readonly bytes: number
  readonly session: Session
  readonly indexes: ReadonlyArray<number>
  readonly at: number
}

const hexOf = Bytes.toHex

/** Make a hub (see the module documentation). */
export const makeHub = (options: HubOptions = {}): Hub => {
  const limits = resolveLimits(options.limits)
  const clock = options.clock ?? systemClock
  const versions = options.versions ?? VERSIONS
  const announce = options.announce ?? true
  const headsShortcut = options.headsShortcut ?? true
  const interval = options.resyncInterval ?? 5_000
  const random = options.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)))
  const slots = new Map<string, Slot>()
  const peers = new Set<PeerState>()
  const active = new Set<Promise<unknown>>()
  const learning = new Map<string, Promise<Slot | Declined | undefined>>()
  let nextPeer = 1
  let closed = false

  const track = <A>(p: Promise<A>): Promise<A> => {
    active.add(p)
    const done = () => active.delete(p)
    p.then(done, done)
    return p
  }

  const addSlot = (community: Community): Slot => {
    const existing = slots.get(community.id)
    if (existing) return existing
    const slot: Slot = {
      community,
      id: community.id,
      idBytes: Bytes.fromHex(community.id)!,
      items: undefined,
      queue: Promise.resolve(),
      origin: undefined,
      releasing: false,
      unsubscribe: community.subscribe((change) => onChange(slot, change.delivered))
    }
    slots.set(slot.id, slot)
    return slot
  }

  /** Items of a community for reconciliation, built on first use and then kept current. */
  const itemsOf = (slot: Slot): Reconcile.ItemSet => {
    if (!slot.items) {
      const log = slot.community.replica.log
      const items: Array<Reconcile.Item> = []
      for (let i = 0; i < log.size; i++) items.push({ depth: log.depth[i]!, id: Bytes.fromHex(log.keys[i]!)!, ref: i })
      slot.items = Reconcile.ItemSet.of(items)
    }
    return slot.items
  }

  const onChange = (slot: Slot, delivered: ReadonlyArray<string>) => {
    const log = slot.community.replica.log
    const indexes: Array<number> = []
    for (const key of delivered) {
      const i = log.index.get(key)
      if (i !== undefined) indexes.push(i)
    }
    if (slot.items) slot.items.add(indexes.map((i) => ({ depth: log.depth[i]!, id: Bytes.fromHex(log.keys[i]!)!, ref: i })))
    for (const peer of peers) peer.delivered(slot, delivered, indexes)
  }

  // A semaphore over batches being received, across communities.
  const maxBatches = Math.max(1, options.concurrentBatches ?? 2)
  let running = 0
  const waiters: Array<() => void> = []
  const acquire = (): Promise<void> => {
    if (running < maxBatches) {
      running++
      return Promise.resolve()
    }
    return new Promise((resolve) => waiters.push(resolve))
  }
  const release = () => {
    const next = waiters.shift()
    if (next) next()
    else running--
  }

  /** Receive events into a community, one batch at a time per community. */
  const ingest = (slot: Slot, batch: ReadonlyArray<Uint8Array>, origin: object | undefined) => {
    const run = slot.queue.then(async () => {
      await acquire()
      slot.origin = origin
      try {
        return await Effect.runPromise(slot.community.receive(batch))
      } finally {
        slot.origin = undefined
        release()
      }
    })
    slot.queue = run.catch(() => undefined)
    return track(run)
  }

  /**
   * Release the events a community held for claiming a time ahead of its clock once they are
   * due (queued behind its receives); what is delivered is forwarded to every peer.
   */
  const releaseHeld = (slot: Slot): void => {
    if (slot.releasing || slot.community.held().length === 0) return
    slot.releasing = true
    const run = slot.queue.then(async () => {
      await acquire()
      try {
        return await Effect.runPromise(slot.community.release())
      } finally {
        slot.releasing = false
        release()
      }
    })
    slot.queue = run.catch(() => undefined)
    void track(slot.queue)
  }

  /** Learn a community from its genesis, once even when several peers offer it. */
  const learn = (id: string, genesis: Uint8Array, peer: Peer): Promise<Slot | Declined | undefined> => {
    const existing = slots.get(id)
    if (existing) return Promise.resolve(existing)
    let p = learning.get(id)
    if (!p) {
      const learnFn = options.learn
      p = track(
        (async () => {
          if (!learnFn || closed) return undefined
          const community = await learnFn(genesis, peer).catch(() => undefined)
          if (!community || "_tag" in community) return community
          if (community.id !== id) return undefined
          return addSlot(community)
        })()
      )
      learning.set(id, p)
      const forget = () => learning.delete(id)
      p.then(forget, forget)
    }
    return p
  }

  // -------------------------------------------------------------------------------------
  // One peer

  class PeerState implements Peer {
    readonly id = nextPeer++
    readonly stats: PeerStats = {
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      eventBytesOut: 0,
      eventBytesIn: 0,
      eventsOut: 0,
      eventsIn: 0,
      eventsAcked: 0,
      duplicates: 0,
      rounds: 0,
      reconcileMessages: 0
    }
    readonly closed: Promise<CloseReason>
    private readonly connection: Connection
    private readonly nonce = random(16)
    private readonly bucket = new Bucket(clock, limits.unitsPerSecond, limits.burst)
    private agreed: number | undefined
    private peerNonce: Uint8Array | undefined
    private salt: Uint8Array = new Uint8Array(32)
    private initiator = false
    private peerMaxFrame = MIN_FRAME_BYTES
    private peerWindow = MIN_FRAME_BYTES
    private readonly sessions = new Map<string, Session>()
    private readonly inbox: Array<Uint8Array> = []
    private inboxHead = 0
    private inboxBytes = 0
    private pumping = false
    private ended = false
    private seqOut = 0
    private readonly flights: Array<Flight> = []
    private flightBytes = 0
    /** When an ack last freed something (or the first frame went out after a quiet spell). */
    private progressAt = 0
    private acked = 0
    private ackedSent = 0
    private unackedBytes = 0
    private roundIds = 0
    private helloTries = 0
    private flushTimer: (() => void) | undefined
    private tickTimer: (() => void) | undefined

    constructor(connection: Connection) {
      this.connection = connection
      this.closed = connection.closed
      connection.closed.then(() => this.teardown())
      connection.receive((frame) => this.onFrame(frame))
      this.sendHello()
      this.schedule()
    }

    version = () => this.agreed
    synced = (community: string) => this.sessions.get(community)?.synced ?? false
    close = (reason?: Reason) => this.end(reason?.reason ?? "Closed", reason?.message ?? "the connection was closed")

    // ---- lifecycle

    private end(reason: string, message: string): void {
      if (this.ended) return
      this.send({ _tag: "Bye", reason: reason.slice(0, Message.MessageLimits.maxReason), message: message.slice(0, Message.MessageLimits.maxText) })
      this.ended = true
      this.connection.close({ reason, message })
      this.teardown()
    }

    private fail(reason: DisconnectReason, message: string): void {
      this.end(reason, message)
    }

    private teardown(): void {
      this.ended = true
      peers.delete(this)
      this.tickTimer?.()
      this.flushTimer?.()
      this.inbox.length = 0
      this.inboxHead = 0
      this.sessions.clear()
      this.flights.length = 0
    }

    private schedule(): void {
      if (this.ended) return
      this.tickTimer = clock.setTimer(interval, () => {
        this.tick()
        this.schedule()
      })
    }

    // ---- sending

    private send(m: Message.Message): void {
      if (this.ended) return
      const frame = Message.encode(m)
      this.stats.framesOut++
      this.stats.bytesOut += frame.length
      if (m._tag === "Reconcile") this.stats.reconcileMessages++
      this.connection.send(frame)
    }

    private sendHello(): void {
      this.helloTries++
      this.send({ _tag: "Hello", versions, nonce: this.nonce, maxFrame: limits.maxFrameBytes, window: limits.window })
    }

    private sendOpen(s: Session, reply: boolean): void {
      if (!s.slot) return
      const log = s.slot.community.replica.log
      const heads = log.heads()
      this.send({
        _tag: "Open",
        community: s.communityBytes,
        heads: heads.length <= Message.MessageLimits.maxHeads ? heads.map((h) => Bytes.fromHex(h)!) : null,
        count: log.size,
        reply
      })
      s.sentOpen = true
    }

    private sendWant(s: Session, ids: ReadonlyArray<string>): void {
      const now = clock.now()
      const fresh = ids.filter((k) => {
        const at = s.wanted.get(k)
        return at === undefined || now - at >= interval
      })
      if (fresh.length === 0) return
      for (const k of fresh) s.wanted.set(k, now)
      const per = Math.min(Message.MessageLimits.maxItems, Math.floor((this.peerMaxFrame - 64) / 35))
      const sorted = [...fresh].sort()
      for (let i = 0; i < sorted.length; i += per)
        this.send({ _tag: "Want", community: s.communityBytes, ids: sorted.slice(i, i + per).map((k) => Bytes.fromHex(k)!) })
    }

    /**
     * Queue log indexes for a session and flush soon. `asked`: the peer is known to lack
     * them (it asked, or reconciliation showed it), so lately acknowledged ones go again too.
     */
    private queue(s: Session, indexes: Iterable<number>, asked = false): void {
      for (const i of indexes) if (!s.inflight.has(i) && (asked || !s.recent.has(i))) s.outbox.add(i)
      this.scheduleFlush()
    }

    private scheduleFlush(): void {
      if (this.flushTimer || this.ended) return
      this.flushTimer = clock.setTimer(0, () => {
        this.flushTimer = undefined
        this.flush()
      })
    }

    /** Send queued events within the peer's window, parents first, `core` events as early as they can go. */
    private flush(): void {
      if (this.ended || this.agreed === undefined) return
      for (const s of this.sessions.values()) {
        if (s.outbox.size === 0 || s.round || s.unknown || !s.slot) continue
        const log = s.slot.community.replica.log
        const order = coreFirst(log, [...s.outbox].sort((a, b) => a - b))
        let n = 0
        while (n < order.length) {
          if (this.flightBytes >= this.peerWindow) return
          const seq = this.seqOut + 1
          const events: Array<Uint8Array> = []
          const indexes: Array<number> = []
          let size = Message.eventsOverhead(seq, Message.MessageLimits.maxItems)
          while (n < order.length && events.length < Message.MessageLimits.maxItems) {
            const i = order[n]!
            // The event as peers are sent it: with its payload while this replica holds it.
            const bytes = log.wire(i)
            const add = Message.uintSize(bytes.length) + bytes.length
            if (events.length > 0 && (size + add > this.peerMaxFrame || this.flightBytes + size + add > this.peerWindow)) break
            events.push(bytes)
            indexes.push(i)
            size += add
            n++
          }
          this.seqOut = seq
          for (const i of indexes) {
            s.outbox.delete(i)
            s.inflight.add(i)
          }
          const flight: Flight = { seq, bytes: size, session: s, indexes, at: clock.now() }
          if (this.flightBytes === 0) this.progressAt = clock.now()
          this.flights.push(flight)
          this.flightBytes += size
          this.stats.eventsOut += events.length
          this.stats.eventBytesOut += events.reduce((t, e) => t + e.length, 0)
          this.send({ _tag: "Events", community: s.communityBytes, seq, events })
        }
      }
    }

    private onAck(seq: number): void {
      let k = 0
      while (k < this.flights.length && this.flights[k]!.seq <= seq) {
        const f = this.flights[k]!
        if (!f.expired) this.flightBytes -= f.bytes
        this.stats.eventsAcked += f.indexes.length
        for (const i of f.indexes) {
          f.session.inflight.delete(i)
          f.session.recent.set(i, clock.now())
        }
        k++
      }
      if (k > 0) {
        this.flights.splice(0, k)
        this.progressAt = clock.now()
        this.scheduleFlush()
      }
    }

    private maybeAck(force: boolean): void {
      if (this.acked <= this.ackedSent) return
      if (force || this.unackedBytes >= limits.window / 4 || this.inboxHead >= this.inbox.length) {
        this.ackedSent = this.acked
        this.unackedBytes = 0
        this.send({ _tag: "Ack", seq: this.acked })
      }
    }

    // ---- receiving

    private onFrame(frame: Uint8Array): void {
      if (this.ended) return
      this.stats.framesIn++
      this.stats.bytesIn += frame.length
      if (frame.length > limits.maxFrameBytes)
        return this.fail("FrameTooLarge", `a frame of ${frame.length} bytes is above the limit of ${limits.maxFrameBytes}`)
      if (!this.bucket.take(1 + frame.length / BYTE_UNIT)) return this.fail("Flood", "too many messages; the flood budget is spent")
      this.inboxBytes += frame.length
      if (this.inboxBytes > limits.maxUnvalidatedBytes)
        return this.fail(
          "TooMuchUnvalidated",
          `more than ${limits.maxUnvalidatedBytes} bytes received and not yet validated; respect the window`
        )
      this.inbox.push(frame)
      this.pump()
    }

    private pump(): void {
      if (this.pumping || this.ended) return
      this.pumping = true
      track(
        (async () => {
          try {
            while (!this.ended && this.inboxHead < this.inbox.length) {
              const frame = this.inbox[this.inboxHead]!
              this.inbox[this.inboxHead++] = EMPTY
              try {
                await this.handle(frame)
              } catch (e) {
                this.fail("InternalError", `processing a message failed: ${e instanceof Error ? e.message : String(e)}`)
              } finally {
                this.inboxBytes -= frame.length
              }
            }
            if (this.inboxHead >= this.inbox.length) {
              this.inbox.length = 0
              this.inboxHead = 0
              // Nothing more to read: acknowledge what was processed.
              this.maybeAck(false)
            }
          } finally {
            this.pumping = false
          }
        })()
      )
    }

    private async handle(frame: Uint8Array): Promise<void> {
      const d = Message.decode(frame)
      if (!d.ok) return this.fail("MalformedMessage", d.error.message)
      const m = d.message
      if (m._tag === "Hello") return this.onHello(m)
      if (m._tag === "Bye") {
        this.ended = true
        this.connection.close({ reason: m.reason || "Closed", message: `the peer said goodbye: ${m.message}` })
        return this.teardown()
      }
      // Anything before the peer's hello is ignored: a reordering network can deliver it early.
      if (this.agreed === undefined) return
      switch (m._tag) {
        case "Ack":
          return this.onAck(m.seq)
        case "Open":
          return this.onOpen(m)
        case "Unknown": {
          const s = this.sessions.get(hexOf(m.community))
          if (s) {
            s.unknown = true
            s.outbox.clear()
            s.round = undefined
          }
          return
        }
        case "Reconcile":
          return this.onReconcile(m)
        case "Want":
          return this.onWant(m)
        case "Events":
          return this.onEvents(m, frame.length)
      }
    }

    private onHello(m: Message.Hello): void {
      if (this.peerNonce) {
        if (!Bytes.equals(this.peerNonce, m.nonce)) return this.fail("ProtocolViolation", "a second hello with another nonce")
        // The peer says hello again: it has not heard ours (or the network repeated its own).
        this.sendHello()
        return
      }
      if (Bytes.equals(m.nonce, this.nonce)) return this.fail("ProtocolViolation", "the peer's nonce is this side's own")
      const agreed = agreeVersion(versions, m.versions)
      if (agreed === undefined)
        return this.fail(
          "VersionMismatch",
          `no common protocol version: the peer speaks ${m.versions.join(", ")}, this side ${versions.join(", ")}`
        )
      if (m.maxFrame < MIN_FRAME_BYTES || m.window < MIN_FRAME_BYTES)
        return this.fail("MalformedMessage", `hello: maxFrame and window must be at least ${MIN_FRAME_BYTES} bytes`)
      this.agreed = agreed
      this.peerNonce = m.nonce
      this.salt = Reconcile.salt(this.nonce, m.nonce)
      this.initiator = Bytes.compare(this.nonce, m.nonce) < 0
      this.peerMaxFrame = Math.min(m.maxFrame, 64 * 1024 * 1024)
      this.peerWindow = Math.min(m.window, 1024 * 1024 * 1024)
      if (announce) for (const slot of slots.values()) this.openSlot(slot)
    }

    /** Open a community with this peer (on connect, or when the hub starts carrying it). */
    openSlot(slot: Slot): void {
      if (this.ended || this.agreed === undefined) return
      const s = this.session(slot.id, slot)
      if (s && !s.sentOpen) this.sendOpen(s, false)
    }

    /** A community is no longer carried. */
    dropSlot(id: string): void {
      this.sessions.delete(id)
    }

    private session(id: string, slot: Slot | undefined): Session | undefined {
      let s = this.sessions.get(id)
      if (s && !s.slot && slot) {
        // The community was learned: the same session, now with its slot.
        s = { ...s, slot, learning: false }
        this.sessions.set(id, s)
      }
      if (!s) {
        if (this.sessions.size >= limits.maxCommunities) {
          this.fail("ProtocolViolation", `the peer opened more than ${limits.maxCommunities} communities`)
          return undefined
        }
        s = {
          slot,
          community: id,
          communityBytes: Bytes.fromHex(id)!,
          learning: false,
          unknown: false,
          peerOpened: false,
          sentOpen: false,
          peerHeads: null,
          synced: false,
          round: undefined,
          lastRound: clock.now(),
          outbox: new Set(),
          inflight: new Set(),
          recent: new Map(),
          wanted: new Map(),
          staged: new Map(),
          waiting: new Map(),
          stagedBytes: 0
        }
        this.sessions.set(id, s)
      }
      return s
    }

    private onOpen(m: Message.Open): void {
      const id = hexOf(m.community)
      const slot = slots.get(id)
      if (!slot) {
        if (!options.learn) {
          this.send({ _tag: "Unknown", community: m.community, message: `this peer does not carry community ${id}` })
          return
        }
        const s = this.session(id, undefined)
        if (!s) return
        s.peerOpened = true
        s.peerHeads = m.heads?.map(hexOf) ?? null
        if (!s.learning) {
          s.learning = true
          // The genesis id is the community id: ask for it like any event.
          this.sendWant(s, [id])
        }
        return
      }
      const s = this.session(id, slot)
      if (!s) return
      s.peerOpened = true
      s.unknown = false
      s.peerHeads = m.heads?.map(hexOf) ?? null
      if (!s.sentOpen || m.reply) this.sendOpen(s, false)
      this.evaluate(s)
    }

    /** Decide what to do about a community now that the peer's heads are known. */
    private evaluate(s: Session): void {
      if (!s.slot || s.unknown || !s.peerOpened) return
      const log = s.slot.community.replica.log
      const mine = log.heads()
      if (s.peerHeads !== null && sameList(s.peerHeads, mine)) {
        s.synced = true
        return
      }
      s.synced = false
      if (this.peerIsBehind(s)) return this.pushDifference(s)
      if (!s.round && (this.initiator || clock.now() - s.lastRound >= 2 * interval)) this.startRound(s)
    }

    /** Whether every head the peer announced is delivered here (so its whole set is known). */
    private peerIsBehind(s: Session): boolean {
      if (!headsShortcut || s.peerHeads === null || !s.slot) return false
      const index = s.slot.community.replica.log.index
      return s.peerHeads.every((h) => index.has(h))
    }

    /** Send everything not in the causal closure of the peer's heads, in delivery order. */
    private pushDifference(s: Session): void {
      const log = s.slot!.community.replica.log
      const has = new Uint8Array(log.size)
      const stack: Array<number> = []
      for (const h of s.peerHeads ?? []) {
        const i = log.index.get(h)
        if (i !== undefined && !has[i]) {
          has[i] = 1
          stack.push(i)
        }
      }
      while (stack.length > 0) {
        const i = stack.pop()!
        for (const d of log.deps[i]!) if (!has[d]) {
          has[d] = 1
          stack.push(d)
        }
      }
      const missing: Array<number> = []
      for (let i = 0; i < log.size; i++) if (!has[i]) missing.push(i)
      this.queue(s, missing)
    }

    private startRound(s: Session): void {
      const step = Reconcile.initiate(itemsOf(s.slot!), this.salt)
      const id = 2 * this.roundIds++ + (this.initiator ? 0 : 1)
      s.round = { id, expect: 1, started: clock.now() }
      s.lastRound = clock.now()
      this.stats.rounds++
      this.send({ _tag: "Reconcile", community: s.communityBytes, round: id, step: 0, ranges: step.ranges })
    }

    /**
     * A round ended. Whether the sides now hold the same events is learned from their heads
     * (the next open), not from the round: only the side that received an ids list knows
     * what differed in that range.
     */
    private endRound(s: Session): void {
      s.round = undefined
      s.lastRound = clock.now()
      this.scheduleFlush()
    }

    private onReconcile(m: Message.Reconcile): void {
      const id = hexOf(m.community)
      const s = this.sessions.get(id)
      if (!s || !s.slot) {
        this.send({ _tag: "Unknown", community: m.community, message: `this peer does not carry community ${id}` })
        return
      }
      if (m.step === 0) {
        if (s.round?.id === m.round) return
        const theirs = m.round % 2 === (this.initiator ? 1 : 0)
        if (!theirs) return
        // One round at a time: the initiator's round wins.
        if (s.round && this.initiator) return
        s.round = { id: m.round, expect: 0, started: clock.now() }
        s.lastRound = clock.now()
        if (this.peerIsBehind(s)) {
          // The difference is known exactly: end the round and send it.
          this.send({ _tag: "Reconcile", community: m.community, round: m.round, step: 1, ranges: [] })
          this.endRound(s)
          this.pushDifference(s)
          return
        }
      }
      const r = s.round
      if (!r || r.id !== m.round || m.step !== r.expect) return
      if (m.step > limits.maxRoundSteps)
        return this.fail("ProtocolViolation", `a reconciliation round went on past ${limits.maxRoundSteps} steps`)
      if (m.ranges.length === 0) return this.endRound(s)
      const budget = {
        maxBytes: Math.min(this.peerMaxFrame, limits.maxFrameBytes) - 256,
        maxRanges: Message.MessageLimits.maxRanges
      }
      const step = Reconcile.respond(itemsOf(s.slot), this.salt, m.ranges, budget)
      if (!this.bucket.take(step.hashed / HASH_UNIT)) return this.fail("Flood", "reconciliation requests cost too much work")
      this.queue(s, step.theyLack, true)
      // Events held for their time are not asked for again: they are here, only not yet due.
      const community = s.slot.community
      const want = step.weLack.map(hexOf).filter((k) => !community.isHeld(k))
      if (want.length > 0) this.sendWant(s, want)
      this.send({ _tag: "Reconcile", community: m.community, round: m.round, step: m.step + 1, ranges: step.ranges })
      r.expect = m.step + 2
      if (step.ranges.length === 0) this.endRound(s)
    }

    private onWant(m: Message.Want): void {
      const id = hexOf(m.community)
      const s = this.sessions.get(id)
      if (!this.bucket.take(m.ids.length / WANT_UNIT)) return this.fail("Flood", "too many events requested")
      if (!s || !s.slot) {
        if (!slots.has(id)) this.send({ _tag: "Unknown", community: m.community, message: `this peer does not carry community ${id}` })
        return
      }
      const index = s.slot.community.replica.log.index
      const found: Array<number> = []
      for (const want of m.ids) {
        const i = index.get(hexOf(want))
        if (i !== undefined) found.push(i)
      }
      this.queue(s, found, true)
    }

    private async onEvents(m: Message.Events, frameBytes: number): Promise<void> {
      const id = hexOf(m.community)
      this.stats.eventsIn += m.events.length
      for (const e of m.events) this.stats.eventBytesIn += e.length
      const known = slots.get(id)
      let s = this.sessions.get(id) ?? (known ? this.session(id, known) : undefined)
      let events = m.events
      if (s && s.learning && !s.slot) {
        const first = events[0]!
        const d = Event.decode(first)
        if (!d.ok || d.event.key !== id) return this.done(m.seq, frameBytes)
        const slot = await learn(id, first, this)
        if (!slot || "_tag" in slot) {
          s.learning = false
          const message = slot?.message ?? `this peer declined community ${id}`
          this.send({ _tag: "Unknown", community: m.community, message: message.slice(0, Message.MessageLimits.maxText) })
          return this.done(m.seq, frameBytes)
        }
        s = this.session(id, slot)
        if (s) this.sendOpen(s, false)
        events = events.slice(1)
      }
      if (!s || !s.slot) {
        if (!slots.has(id)) this.send({ _tag: "Unknown", community: m.community, message: `this peer does not carry community ${id}` })
        return this.done(m.seq, frameBytes)
      }
      const slot = s.slot
      const log = slot.community.replica.log
      const batch: Array<Uint8Array> = []
      const inBatch = new Set<string>()
      const stagedNow: Array<string> = []
      for (const bytes of events) {
        const d = Event.decode(bytes)
        if (!d.ok) return this.fail("InvalidEvent", `an event was refused (${d.error.reason}): ${d.error.message}`)
        const e = d.event
        const c = e.header.community
        if (c === null ? e.key !== id : !Bytes.equals(c, slot.idBytes))
          return this.fail("InvalidEvent", `an event of another community arrived in a frame for ${id}`)
        s.wanted.delete(e.key)
        if (log.index.has(e.key) || inBatch.has(e.key) || s.staged.has(e.key) || slot.community.isHeld(e.key)) {
          this.stats.duplicates++
          continue
        }
        // A held dependency is as good as present: the community holds what cites it with it.
        const missing = dependencies(e).filter((k) => !log.index.has(k) && !inBatch.has(k) && !slot.community.isHeld(k))
        if (missing.length === 0) {
          batch.push(bytes)
          inBatch.add(e.key)
          continue
        }
        s.staged.set(e.key, { bytes, missing: new Set(missing) })
        s.stagedBytes += bytes.length
        for (const k of missing) {
          let w = s.waiting.get(k)
          if (!w) s.waiting.set(k, (w = new Set()))
          w.add(e.key)
        }
        stagedNow.push(...missing)
        if (s.staged.size > limits.maxPending || s.stagedBytes > limits.maxPendingBytes)
          return this.fail(
            "TooManyPending",
            `more than ${limits.maxPending} events (or ${limits.maxPendingBytes} bytes) from this peer wait for parents`
          )
      }
      if (batch.length > 0) {
        const ok = await this.receiveInto(slot, batch)
        if (!ok) return
      }
      const ask = stagedNow.filter((k) => !s.staged.has(k) && !log.index.has(k))
      if (ask.length > 0) this.sendWant(s, [...new Set(ask)])
      this.done(m.seq, frameBytes)
    }

    /** Receive a batch from this peer; false (and disconnected) when the peer sent something invalid. */
    private async receiveInto(slot: Slot, batch: ReadonlyArray<Uint8Array>): Promise<boolean> {
      let verdicts
      try {
        verdicts = await ingest(slot, batch, this)
      } catch (e) {
        this.fail("StorageFailed", `events could not be stored: ${e instanceof Error ? e.message : String(e)}`)
        return false
      }
      for (const v of verdicts) {
        // Held events are acknowledged like delivered ones; a full hold is no fault of the
        // peer: the event is offered again at a later resync.
        if (v._tag === "Invalid" && v.reason._tag !== HOLD_FULL) {
          this.fail("InvalidEvent", `an event was refused (${v.reason._tag}): ${v.reason.message}`)
          return false
        }
      }
      return true
    }

    /** An events frame was handled: acknowledge it. */
    private done(seq: number, bytes: number): void {
      if (seq > this.acked) this.acked = seq
      this.unackedBytes += bytes
      this.maybeAck(false)
    }

    /** Called for every change of a carried community. */
    delivered(slot: Slot, keys: ReadonlyArray<string>, indexes: ReadonlyArray<number>): void {
      if (this.ended) return
      const s = this.sessions.get(slot.id)
      if (!s || !s.slot) return
      s.synced = false
      if (s.peerOpened && !s.unknown && slot.origin !== this) this.queue(s, indexes)
      if (s.staged.size === 0) return
      const log = slot.community.replica.log
      const ready: Array<string> = []
      for (const key of keys) {
        const own = s.staged.get(key)
        if (own) {
          s.staged.delete(key)
          s.stagedBytes -= own.bytes.length
        }
        const waiters = s.waiting.get(key)
        if (!waiters) continue
        s.waiting.delete(key)
        for (const w of waiters) {
          const entry = s.staged.get(w)
          if (!entry) continue
          entry.missing.delete(key)
          if (entry.missing.size === 0) ready.push(w)
        }
      }
      if (ready.length === 0) return
      const batch: Array<Uint8Array> = []
      for (const key of ready) {
        const entry = s.staged.get(key)!
        s.staged.delete(key)
        s.stagedBytes -= entry.bytes.length
        if (!log.index.has(key)) batch.push(entry.bytes)
      }
      void this.receiveInto(slot, batch)
    }

    private tick(): void {
      if (this.ended) return
      const now = clock.now()
      if (this.agreed === undefined) {
        if (this.helloTries >= 12) return this.fail("Timeout", "the peer never said hello")
        this.sendHello()
        return
      }
      // When no ack has come for long, the frames still unacknowledged are presumed lost: free
      // their room, and let their events go again if the peer still lacks them. A late ack
      // still counts them. (A peer that acks slowly but surely is only slow.)
      for (const f of this.flights) {
        if (now - this.progressAt < 6 * interval) break
        if (f.expired) continue
        f.expired = true
        this.flightBytes -= f.bytes
        for (const i of f.indexes) f.session.inflight.delete(i)
      }
      while (this.flights.length > 4096 && this.flights[0]!.expired) this.flights.shift()
      this.maybeAck(true)
      const quiet = this.flightBytes === 0 && !this.pumping && this.inboxHead >= this.inbox.length
      for (const s of this.sessions.values()) {
        if (s.unknown) continue
        if (s.learning && !s.slot) {
          this.sendWant(s, [s.community])
          continue
        }
        if (!s.slot) continue
        if (s.round && now - s.round.started >= 2 * interval) this.endRound(s)
        for (const [i, at] of s.recent) if (now - at >= interval) s.recent.delete(i)
        if (s.staged.size > 0) {
          const community = s.slot.community
          const log = community.replica.log
          const need = [...s.waiting.keys()].filter((k) => !s.staged.has(k) && !log.index.has(k) && !community.isHeld(k))
          this.sendWant(s, need)
        }
        releaseHeld(s.slot)
        // Heads are compared again only on a quiet connection: while events are in flight
        // either way the heads are bound to differ, and asking would only add work.
        if (!s.synced && quiet) this.sendOpen(s, true)
      }
      this.flush()
    }
  }

  return {
    add: (community) => {
      if (closed || slots.has(community.id)) return
      const slot = addSlot(community)
      for (const p of peers) p.openSlot(slot)
    },
    remove: (id) => {
      const slot = slots.get(id)
      if (!slot) return
      slot.unsubscribe()
      slots.delete(id)
      for (const p of peers) p.dropSlot(id)
    },
    communities: () => [...slots.keys()].sort(),
    community: (id) => slots.get(id)?.community,
    connect: (connection) => {
      const peer = new PeerState(connection)
      if (closed) peer.close({ reason: "Shutdown", message: "this hub is closed" })
      else peers.add(peer)
      return peer
    },
    peers: () => [...peers],
    idle: async () => {
      while (active.size > 0) await Promise.allSettled([...active])
    },
    close: async () => {
      closed = true
      for (const p of [...peers]) p.close({ reason: "Shutdown", message: "this peer is shutting down" })
      while (active.size > 0) await Promise.allSettled([...active])
      for (const slot of slots.values()) slot.unsubscribe()
      slots.clear()
    }
  }
}

const EMPTY = new Uint8Array(0)

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** Keys of an event's dependencies (parents and prev). */
const dependencies = (e: Event.Event): Array<string> => {
  const out = e.header.parents.map(hexOf)
  if (e.header.prev) out.push(hexOf(e.header.prev))
  return out
}

/**
 * Reorder log indexes (ascending) so that `core` events and what they depend on come
 * first, each part still in delivery order: parents stay before children.
 */
export const coreFirst = (log: Log, sorted: ReadonlyArray<number>): ReadonlyArray<number> => {
  const inSet = new Set(sorted)
  const early = new Set<number>()
  const stack: Array<number> = []
  for (const i of sorted) {
    if (early.has(i) || !isCore(log, i)) continue
    early.add(i)
    stack.push(i)
    while (stack.length > 0) {
      const j = stack.pop()!
      for (const d of log.deps[j]!) if (inSet.has(d) && !early.has(d)) {
        early.add(d)
        stack.push(d)
      }
    }
  }
  if (early.size === 0 || early.size === sorted.length) return sorted
  return [...sorted.filter((i) => early.has(i)), ...sorted.filter((i) => !early.has(i))]
}

const CORE = Bytes.utf8("core")

/** The envelope {@link isCore} reads into (reused: reading is synchronous). */
const scanned = makeEnvelope()

/** Whether a delivered event belongs to the `core` module, read from its stored bytes with the one envelope reader. */
const isCore = (log: Log, i: number): boolean => {
  const b = log.bytes[i]!
  return read(b, scanned) && textIs(b, scanned.moduleStart, scanned.moduleEnd, CORE)
}
