/**
 * In-memory connections: {@link pair} for tests and examples (reliable, ordered), and a
 * seeded {@link Network} for simulations that drops, duplicates, delays and reorders
 * frames, partitions peers and heals, all on virtual time and reproducible from its seed.
 *
 * @example
 * ```ts
 * import { Sync } from "@affinity/core"
 *
 * const [a, b] = Sync.Memory.pair()
 * const got: Array<number> = []
 * b.receive((frame) => got.push(frame.length))
 * a.send(new Uint8Array(3))
 * a.close()
 * const reason = await b.closed
 * console.log(got[0] === 3, reason.by === "remote") // true true
 * ```
 *
 * @module
 */
import { type CloseReason, type Connection, makeEndpoint, normalClose, type Reason } from "./Connection.ts"
import type { Clock } from "./Limits.ts"
import { mulberry32 } from "../internal/random.ts"

/** Two connected ends, reliable and ordered; frames arrive asynchronously (as microtasks). */
export const pair = (): readonly [Connection, Connection] => {
  const ends = [makeEndpoint(), makeEndpoint()] as const
  const make = (me: 0 | 1): Connection => {
    const self = ends[me]
    const other = ends[me === 0 ? 1 : 0]
    return {
      send: (frame) => {
        if (self.isClosed()) return
        const copy = new Uint8Array(frame)
        queueMicrotask(() => other.deliver(copy))
      },
      receive: self.receive,
      close: (reason: Reason = normalClose) => {
        if (!self.finish({ ...reason, by: "local" })) return
        queueMicrotask(() => other.finish({ ...reason, by: "remote" }))
      },
      closed: self.closed
    }
  }
  return [make(0), make(1)]
}

/** Faults and timing of a simulated {@link Network}. Probabilities are per frame. */
export interface NetworkOptions {
  /** Seed of the network's random choices: one seed, one run. */
  readonly seed: number
  /** Probability that a frame is lost. */
  readonly drop?: number
  /** Probability that a frame is delivered twice. */
  readonly duplicate?: number
  /** Probability that a frame is held back so that later frames overtake it. */
  readonly reorder?: number
  /** Delay of each hop in virtual milliseconds, `[min, max]` (default `[1, 1]`). */
  readonly latency?: readonly [number, number]
}

/** What {@link Network.run} stops on. */
export interface RunOptions {
  /** Resolves when the peers have no work in progress (e.g. every hub's `idle`). */
  readonly idle: () => Promise<unknown>
  /** Stop as soon as this holds (checked whenever the peers are idle). */
  readonly until?: () => boolean
  /** Stop at this virtual time (default: one hour). */
  readonly maxTime?: number
  /** Stop after this many deliveries and timers (default 1,000,000). */
  readonly maxSteps?: number
}

/** Counters of a network. */
export interface NetworkStats {
  frames: number
  bytes: number
  dropped: number
  duplicated: number
  reordered: number
  delivered: number
}

interface Scheduled {
  readonly time: number
  readonly order: number
  readonly run: () => void
  cancelled: boolean
}


/**
 * A simulated network on virtual time. Peers get connections from {@link Network.link}; hubs get
 * {@link Network.clock} so their timers run on the same time line; {@link Network.run} delivers frames
 * and fires timers in time order, waiting for the peers to be idle between steps.
 */
export class Network {
  /** The network's virtual clock (pass it to every hub on this network). */
  readonly clock: Clock
  readonly stats: NetworkStats = { frames: 0, bytes: 0, dropped: 0, duplicated: 0, reordered: 0, delivered: 0 }
  private readonly options: NetworkOptions
  private readonly random: () => number
  private readonly queue: Array<Scheduled> = []
  private now = 0
  private order = 0
  private groups: ReadonlyArray<ReadonlySet<string>> | undefined
  /** Bytes sent by each node name. */
  readonly sentBy = new Map<string, number>()

  constructor(options: NetworkOptions) {
    this.options = options
    this.random = mulberry32(options.seed)
    this.clock = {
      now: () => this.now,
      setTimer: (ms, run) => {
        const item = this.schedule(this.now + Math.max(0, ms), run)
        return () => {
          item.cancelled = true
        }
      }
    }
  }

  /** Current virtual time. */
  get time(): number {
    return this.now
  }

  /** Separate the named nodes into groups that cannot reach each other (until {@link Network.heal}). */
  partition(...groups: ReadonlyArray<ReadonlyArray<string>>): void {
    this.groups = groups.map((g) => new Set(g))
  }

  /** End a partition. */
  heal(): void {
    this.groups = undefined
  }

  private reachable(a: string, b: string): boolean {
    if (!this.groups) return true
    return this.groups.some((g) => g.has(a) && g.has(b))
  }

  private schedule(time: number, run: () => void): Scheduled {
    const item: Scheduled = { time, order: this.order++, run, cancelled: false }
    // Binary heap by (time, order).
    const q = this.queue
    q.push(item)
    let i = q.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (before(q[p]!, q[i]!)) break
      ;[q[p], q[i]] = [q[i]!, q[p]!]
      i = p
    }
    return item
  }

  private pop(): Scheduled | undefined {
    const q = this.queue
    if (q.length === 0) return undefined
    const top = q[0]!
    const last = q.pop()!
    if (q.length > 0) {
      q[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < q.length && before(q[l]!, q[m]!)) m = l
        if (r < q.length && before(q[r]!, q[m]!)) m = r
        if (m === i) break
        ;[q[m], q[i]] = [q[i]!, q[m]!]
        i = m
      }
    }
    return top
  }

  private latency(): number {
    const [lo, hi] = this.options.latency ?? [1, 1]
    return lo + Math.floor(this.random() * (hi - lo + 1))
  }

  /** A connection between nodes `a` and `b`: `[a's end, b's end]`. */
  link(a: string, b: string): readonly [Connection, Connection] {
    const ends = [makeEndpoint(), makeEndpoint()] as const
    const names = [a, b] as const
    const last = [0, 0]
    const make = (me: 0 | 1): Connection => {
      const self = ends[me]
      const other = ends[me === 0 ? 1 : 0]
      const from = names[me]
      const to = names[me === 0 ? 1 : 0]
      const deliverAt = (time: number, copy: Uint8Array) =>
        this.schedule(time, () => {
          if (!this.reachable(from, to)) {
            this.stats.dropped++
            return
          }
          this.stats.delivered++
          other.deliver(copy)
        })
      return {
        send: (frame) => {
          if (self.isClosed()) return
          this.stats.frames++
          this.stats.bytes += frame.length
          this.sentBy.set(from, (this.sentBy.get(from) ?? 0) + frame.length)
          if (!this.reachable(from, to) || this.random() < (this.options.drop ?? 0)) {
            this.stats.dropped++
            return
          }
          const copy = new Uint8Array(frame)
          let time = this.now + this.latency()
          if (this.random() < (this.options.reorder ?? 0)) {
            this.stats.reordered++
            time += this.latency() * 5
          } else {
            time = Math.max(time, last[me]!)
            last[me] = time
          }
          deliverAt(time, copy)
          if (this.random() < (this.options.duplicate ?? 0)) {
            this.stats.duplicated++
            deliverAt(time + this.latency(), new Uint8Array(frame))
          }
        },
        receive: self.receive,
        close: (reason: Reason = normalClose) => {
          if (!self.finish({ ...reason, by: "local" })) return
          const remote: CloseReason = { ...reason, by: "remote" }
          this.schedule(Math.max(this.now + this.latency(), last[me]!), () => other.finish(remote))
        },
        closed: self.closed
      }
    }
    return [make(0), make(1)]
  }

  /**
   * Deliver frames and fire timers in virtual-time order until `until` holds, nothing is
   * left to do, or a bound is reached. Resolves with whether `until` held.
   */
  async run(options: RunOptions): Promise<{ readonly done: boolean; readonly time: number; readonly steps: number }> {
    const maxTime = options.maxTime ?? 3_600_000
    const maxSteps = options.maxSteps ?? 1_000_000
    let steps = 0
    for (;;) {
      await options.idle()
      if (options.until?.()) return { done: true, time: this.now, steps }
      let next = this.pop()
      while (next?.cancelled) next = this.pop()
      if (!next || next.time > maxTime || steps >= maxSteps) {
        if (next && !next.cancelled) this.schedule(next.time, next.run)
        return { done: options.until ? options.until() : true, time: this.now, steps }
      }
      this.now = Math.max(this.now, next.time)
      steps++
      next.run()
    }
  }
}

const before = (a: Scheduled, b: Scheduled): boolean => a.time < b.time || (a.time === b.time && a.order < b.order)
