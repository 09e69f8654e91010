/**
 * Measurements of the sync protocol, for `pnpm bench` and for tests that check its cost:
 * signed histories built quickly, replicas opened from them without verifying again, and
 * two hubs run on a simulated network until they converge, counting round trips and bytes.
 *
 * @example
 * ```ts
 * import { Sync } from "@affinity/core"
 *
 * const history = await Sync.Measure.makeHistory({ events: 300 })
 * const r = await Sync.Measure.measureReconciliation({ history, differing: 1 })
 * console.log(r.converged, r.roundTrips <= 3) // true true
 * ```
 *
 * @module
 */
import { Effect, Layer } from "effect"
import * as Bytes from "../Bytes.ts"
import * as Community from "../Community.ts"
import { Crypto, type CryptoShape, makeBest } from "../Crypto.ts"
import * as Event from "../Event.ts"
import { sha256 } from "../Hash.ts"
import { Storage, makeMemory } from "../Storage.ts"
import { makeHub, type HubOptions } from "./Hub.ts"
import { Network } from "./Memory.ts"
import { mulberry32 } from "../internal/random.ts"

/** A signed history: a genesis and events in an order where parents come first. */
export interface History {
  readonly genesis: Uint8Array
  /** Events after the genesis, parents first. */
  readonly events: ReadonlyArray<Uint8Array>
  /** Community id (hex). */
  readonly id: string
  /** Branches written concurrently on top of `events` (see `HistoryOptions.branches`). */
  readonly branches: ReadonlyArray<ReadonlyArray<Uint8Array>>
  readonly crypto: CryptoShape
}

/** What {@link makeHistory} builds. */
export interface HistoryOptions {
  /** Events after the genesis. */
  readonly events: number
  /** Founders writing them (default 8). */
  readonly founders?: number
  /** Seed of every choice and key (default 1). */
  readonly seed?: number
  /** Share of steps where several founders write concurrently (default 0.1). */
  readonly concurrency?: number
  /** Sizes of branches written concurrently on top of the history, each by its own founder (default none). */
  readonly branches?: ReadonlyArray<number>
  /** Signing provider (default: the fastest available). */
  readonly crypto?: CryptoShape
}

interface Tip {
  readonly seq: number
  readonly id: Uint8Array
  readonly time: number
}

/**
 * Build a signed history of `core/tick` events by several founders. Each event cites the
 * current heads; now and then several are written at once (concurrent events).
 */
export const makeHistory = async (options: HistoryOptions): Promise<History> => {
  const crypto = options.crypto ?? (await makeBest())
  const seed = options.seed ?? 1
  const count = options.founders ?? 8
  const random = mulberry32(seed)
  const secrets = Array.from({ length: count }, (_, i) => sha256(Bytes.utf8(`affinity/sync/measure/${seed}/${i}`)))
  const keys = await Promise.all(secrets.map((s) => Effect.runPromise(crypto.publicKey(s))))
  const sign = async (author: number, draft: Omit<Event.Draft, "author">): Promise<{ bytes: Uint8Array; id: Uint8Array }> => {
    const prepared = Event.prepare({ ...draft, author: keys[author]! })
    if (!prepared.ok) throw new Error(prepared.error.message)
    const signature = await Effect.runPromise(crypto.sign(secrets[author]!, prepared.unsigned.message))
    return { bytes: Event.assemble(prepared.unsigned, signature), id: prepared.unsigned.id }
  }
  const start = 1_700_000_000_000
  const genesis = await sign(0, {
    community: null,
    seq: 1,
    prev: null,
    parents: [],
    time: start,
    module: "core",
    type: "genesis",
    body: { name: "Measure", founders: [...Event.dedupeSorted(keys)], params: {} }
  })
  const community = genesis.id
  const times = new Map<string, number>([[Bytes.toHex(genesis.id), start]])

  const grow = async (
    n: number,
    heads: Map<string, Uint8Array>,
    tips: Map<number, Tip>,
    authors: ReadonlyArray<number>,
    concurrency: number
  ): Promise<Array<Uint8Array>> => {
    const out: Array<Uint8Array> = []
    while (out.length < n) {
      const burst = random() < concurrency ? Math.min(n - out.length, 2 + Math.floor(random() * 3)) : 1
      const cited = [...heads.values()].sort(Bytes.compare).slice(0, Event.Limits.maxParents)
      const citedTime = Math.max(...cited.map((c) => times.get(Bytes.toHex(c)) ?? start))
      const made: Array<{ bytes: Uint8Array; id: Uint8Array }> = []
      const used = new Set<number>()
      const replaced: Array<Uint8Array> = []
      for (let b = 0; b < burst; b++) {
        let author = authors[Math.floor(random() * authors.length)]!
        if (used.has(author)) author = authors.find((a) => !used.has(a)) ?? author
        if (used.has(author)) break
        used.add(author)
        const tip = tips.get(author)
        if (tip) replaced.push(tip.id)
        const time = Math.max(citedTime, tip?.time ?? start) + 1 + Math.floor(random() * 1000)
        const e = await sign(author, {
          community,
          seq: tip ? tip.seq + 1 : 1,
          prev: tip ? tip.id : null,
          parents: cited.filter((c) => !tip || !Bytes.equals(c, tip.id)),
          time,
          module: "core",
          type: "tick",
          body: {}
        })
        times.set(Bytes.toHex(e.id), time)
        tips.set(author, { seq: tip ? tip.seq + 1 : 1, id: e.id, time })
        made.push(e)
      }
      for (const c of cited) heads.delete(Bytes.toHex(c))
      for (const t of replaced) heads.delete(Bytes.toHex(t))
      for (const e of made) {
        heads.set(Bytes.toHex(e.id), e.id)
        out.push(e.bytes)
      }
    }
    return out
  }

  const heads = new Map<string, Uint8Array>([[Bytes.toHex(genesis.id), genesis.id]])
  const tips = new Map<number, Tip>([[0, { seq: 1, id: genesis.id, time: start }]])
  const founders = Array.from({ length: count }, (_, i) => i)
  const events = await grow(options.events, heads, tips, founders, options.concurrency ?? 0.1)
  const branches: Array<Array<Uint8Array>> = []
  for (const [b, size] of (options.branches ?? []).entries()) {
    branches.push(await grow(size, new Map(heads), new Map(tips), [b % count], 0))
  }
  return { genesis: genesis.bytes, events, id: Bytes.toHex(genesis.id), branches, crypto }
}

/**
 * A community holding `events` after the genesis, opened from in-memory storage without
 * verifying signatures again (they were made by {@link makeHistory}).
 */
export const openReplica = async (
  history: History,
  events: ReadonlyArray<Uint8Array>
): Promise<Community.Community> => {
  const storage = makeMemory()
  await Effect.runPromise(storage.append(history.id, [history.genesis, ...events]))
  const layer = Layer.mergeAll(Layer.succeed(Crypto, history.crypto), Layer.succeed(Storage, storage))
  return Effect.runPromise(Effect.provide(Community.open(history.id), layer))
}

/** What {@link measureReconciliation} finds. */
export interface ReconciliationResult {
  readonly converged: boolean
  /** Events each replica held before. */
  readonly before: readonly [number, number]
  /** Round trips from the first hello to convergence (one hop is half a round trip). */
  readonly roundTrips: number
  /** Frames and bytes both sides sent in all. */
  readonly frames: number
  readonly bytes: number
  /** Bytes of the events that had to move. */
  readonly eventBytes: number
  /** `bytes − eventBytes`: what finding and carrying them cost. */
  readonly overhead: number
  /** Bytes of the ids of one whole set: what a naive exchange of ids sends in one direction. */
  readonly naiveIdBytes: number
  /** Reconciliation messages and rounds. */
  readonly reconcileMessages: number
  readonly rounds: number
}

/** What to measure. */
export interface ReconciliationOptions {
  readonly history: History
  /**
   * How the replicas differ: `behind` (default) takes `differing` events off the end of one
   * of them; `diverged` gives each replica one of the history's two branches (built with
   * `branches`), `differing` is then ignored.
   */
  readonly mode?: "behind" | "diverged"
  readonly differing?: number
  /** Hub options for both sides (e.g. `headsShortcut: false`). */
  readonly hub?: Omit<HubOptions, "clock">
  /** Seed of the network (no faults; one virtual millisecond per hop). */
  readonly seed?: number
}

/**
 * Two replicas that differ, two hubs, one simulated link with one virtual millisecond per
 * hop: run until both hold the same events, and count round trips and bytes.
 */
export const measureReconciliation = async (options: ReconciliationOptions): Promise<ReconciliationResult> => {
  const h = options.history
  let a: Community.Community
  let b: Community.Community
  let moved: ReadonlyArray<Uint8Array>
  if ((options.mode ?? "behind") === "diverged") {
    const [x = [], y = []] = h.branches
    a = await openReplica(h, [...h.events, ...x])
    b = await openReplica(h, [...h.events, ...y])
    moved = [...x, ...y]
  } else {
    const k = Math.min(options.differing ?? 1, h.events.length)
    a = await openReplica(h, h.events)
    b = await openReplica(h, h.events.slice(0, h.events.length - k))
    moved = h.events.slice(h.events.length - k)
  }
  const before = [a.replica.log.size, b.replica.log.size] as const
  const net = new Network({ seed: options.seed ?? 1, latency: [1, 1] })
  let nonce = 0
  const random = (n: number) => {
    const out = new Uint8Array(n)
    out[0] = ++nonce
    return out
  }
  const ha = makeHub({ ...options.hub, clock: net.clock, random })
  const hb = makeHub({ ...options.hub, clock: net.clock, random })
  ha.add(a)
  hb.add(b)
  const [l, r] = net.link("a", "b")
  const pa = ha.connect(l)
  const pb = hb.connect(r)
  const done = () =>
    a.replica.log.size === b.replica.log.size &&
    a.replica.log.heads().join() === b.replica.log.heads().join() &&
    a.replica.stateHashHex() === b.replica.stateHashHex()
  const result = await net.run({ idle: () => Promise.all([ha.idle(), hb.idle()]), until: done, maxTime: 600_000 })
  const eventBytes = moved.reduce((t, e) => t + e.length, 0)
  const out: ReconciliationResult = {
    converged: result.done,
    before,
    roundTrips: result.time / 2,
    frames: net.stats.frames,
    bytes: net.stats.bytes,
    eventBytes,
    overhead: net.stats.bytes - eventBytes,
    naiveIdBytes: Math.max(before[0], before[1]) * 32,
    reconcileMessages: pa.stats.reconcileMessages + pb.stats.reconcileMessages,
    rounds: pa.stats.rounds + pb.stats.rounds
  }
  await ha.close()
  await hb.close()
  return out
}

/** What {@link measureFullSync} finds. */
export interface FullSyncResult {
  readonly converged: boolean
  readonly events: number
  /** Wire bytes of every event moved. */
  readonly eventBytes: number
  /** Every byte both sides sent. */
  readonly bytes: number
  /** `(bytes − eventBytes) / eventBytes`. */
  readonly overhead: number
  readonly roundTrips: number
}

/** A replica holding only the genesis syncs a whole history: the protocol's cost over the raw event bytes. */
export const measureFullSync = async (history: History): Promise<FullSyncResult> => {
  const r = await measureReconciliation({ history, differing: history.events.length })
  return {
    converged: r.converged,
    events: history.events.length,
    eventBytes: r.eventBytes,
    bytes: r.bytes,
    overhead: r.overhead / r.eventBytes,
    roundTrips: r.roundTrips
  }
}

