/**
 * Untrusted ingest: the history's wire bytes through `Community.join` and `receive`, in
 * chunks, into memory storage; every signature is verified and every event folded.
 *
 * @module
 */
import { Community, Crypto, Event, Storage } from "@affinity/core"
import { Clock, Duration, Effect, Layer } from "effect"
import * as os from "node:os"
import { performance } from "node:perf_hooks"
import type { History } from "./history.ts"
import { cpuSince, median, rate, type ThreadCpu, threadCpu, time } from "./measure.ts"
import { count, millis, percent, perSecond, type Row } from "./report.ts"

/** Share of the provider's raw `verifyBatch` rate that ingest should reach. */
export const INGEST_TARGET = 0.85

/** Options of {@link measureIngest}. */
export interface IngestOptions {
  /** Events fed (genesis included); a prefix of the history. */
  readonly events: number
  /** Events per `receive` call. */
  readonly chunk: number
  readonly runs: number
  readonly warmup: number
  /** Add a row on the CPU time each kind of thread spent per event (where `/proc` tells it). */
  readonly account?: boolean
}

/** Crypto on a given provider and a fresh memory store. */
export const memoryLayer = (shape: Crypto.CryptoShape): Layer.Layer<Crypto.Crypto | Storage.Storage> =>
  Layer.mergeAll(Layer.succeed(Crypto.Crypto, shape), Storage.layerMemory)

/** Join from the genesis and receive `events - 1` events in chunks; the open community. */
export const feed = (history: History, events: number, chunk: number, options?: Community.Options) =>
  Effect.gen(function* () {
    const community = yield* Community.join(history.genesis, options)
    const wire = history.events
    const end = Math.min(wire.length, events - 1)
    let refused = 0
    for (let i = 0; i < end; i += chunk) {
      const verdicts = yield* community.receive(wire.slice(i, Math.min(end, i + chunk)))
      for (const v of verdicts) if (v._tag !== "Valid") refused++
    }
    if (refused > 0) throw new Error(`bench: ${refused} events of the history were not accepted`)
    return community
  })

/** Every delivered event must have been applied: the history is meant to be all valid. */
export const checkApplied = (community: Community.Community, events: number): void => {
  const replica = community.replica
  if (replica.log.size !== events) throw new Error(`bench: ${replica.log.size} of ${events} events were delivered`)
  let rejected = 0
  for (const key of replica.orderedKeys()) if (replica.outcome(key)?._tag !== "Applied") rejected++
  if (rejected > 0) throw new Error(`bench: the fold rejected ${rejected} events of the history`)
}

/**
 * A provider that accepts every signature without looking at it: ingest with it shows what
 * everything but verification costs (decoding, links, fold, storage), on the main thread.
 */
export const unchecked = (shape: Crypto.CryptoShape): Crypto.CryptoShape => ({
  ...shape,
  name: "unchecked",
  verify: () => Effect.succeed(true),
  verifyBatch: (items) => Effect.succeed(items.map(() => true))
})

/** A verification rate ingest is compared with, and how the report names it. */
export interface Reference {
  readonly rate: number
  /** Words after "of", e.g. "the fastest raw verify rate of this run (node (verifyBatch))". */
  readonly words: string
}

/**
 * Ingest with one provider; a row comparing the rate to a verification rate measured in the
 * same run, held to {@link INGEST_TARGET} unless `label` is given.
 */
export const measureIngest = async (
  history: History,
  shape: Crypto.CryptoShape,
  reference: Reference | undefined,
  options: IngestOptions,
  /** Name of the row when it is not the provider's own ingest (see {@link unchecked}): no target. */
  label?: { readonly name: string }
): Promise<ReadonlyArray<Row>> => {
  const events = Math.min(options.events, history.size)
  const run = () => Effect.runPromise(Effect.provide(feed(history, events, options.chunk), memoryLayer(shape)))
  const first = await run()
  checkApplied(first, events)
  const steps = first.replica.stats.steps
  // CPU of each kind of thread over the timed runs (warm-ups and collections between runs left out).
  let runs = 0
  let cpu: ThreadCpu | undefined = zeroCpu
  let wall = 0
  const t = await time(options.runs, options.warmup, async () => {
    const counted = runs++ >= options.warmup
    const before = threadCpu()
    const start = performance.now()
    await run()
    const after = threadCpu()
    if (!counted) return
    wall += performance.now() - start
    cpu = cpu === undefined || before === undefined || after === undefined ? undefined : addCpu(cpu, cpuSince(before, after))
  })
  const r = rate(events - 1, t.ms)
  const ratio = reference === undefined ? undefined : r / reference.rate
  const row: Row = {
    section: "ingest",
    name: label?.name ?? `Ingest: ${shape.name}`,
    result: perSecond(r, "events"),
    detail:
      `${count(events)} events, \`receive\` of ${count(options.chunk)} at a time, memory storage, ` +
      `${(steps / events).toFixed(2)} fold steps per event` +
      (ratio === undefined || reference === undefined ? "" : `; ${percent(ratio)} of ${reference.words}`),
    ...(ratio === undefined || label !== undefined ? {} : { target: { text: `≥ ${percent(INGEST_TARGET)} of raw verify`, met: ratio >= INGEST_TARGET } })
  }
  const accounted = options.account === true && cpu !== undefined && reference !== undefined
  return accounted ? [row, cpuRow(shape.name, cpu, wall, options.runs * (events - 1), reference)] : [row]
}

const zeroCpu: ThreadCpu = { main: 0, workers: 0, engine: 0, other: 0 }

const addCpu = (a: ThreadCpu, b: ThreadCpu): ThreadCpu => ({
  main: a.main + b.main,
  workers: a.workers + b.workers,
  engine: a.engine + b.engine,
  other: a.other + b.other
})

/**
 * Where ingest's CPU went, per event, and what that allows: at full use of every core, the
 * highest rate these costs permit, and how much CPU per event everything besides
 * verification could take for ingest to reach {@link INGEST_TARGET} at this verification cost.
 */
const cpuRow = (provider: string, cpu: ThreadCpu, wallMs: number, events: number, reference: Reference): Row => {
  const cores = os.availableParallelism()
  const us = (ms: number) => (ms * 1000) / events
  const verify = us(cpu.workers)
  const rest = us(cpu.main + cpu.engine + cpu.other)
  const total = verify + rest
  const ceiling = (cores * 1e6) / total
  const allowed = (cores * 1e6) / (INGEST_TARGET * reference.rate) - verify
  const fmt = (x: number) => `${x.toFixed(1)} µs`
  return {
    section: "ingest",
    name: `Ingest: CPU per event (${provider})`,
    result: `${total.toFixed(1)} µs`,
    detail:
      `CPU time of the process's threads over the timed runs, per event: verification workers ${fmt(verify)}, ` +
      `main thread ${fmt(us(cpu.main))} (decoding, links, fold, storage, checkpoints, garbage-collection pauses), ` +
      `the engine's helper threads ${fmt(us(cpu.engine))} (concurrent garbage collection, compilation), other threads ` +
      `${fmt(us(cpu.other))}; ${((cpu.main + cpu.workers + cpu.engine + cpu.other) / wallMs).toFixed(2)} of ${cores} cores busy. ` +
      `With every core busy these costs allow at most ${perSecond(ceiling, "events")}, ${percent(ceiling / reference.rate)} of ` +
      `${reference.words}; reaching ${percent(INGEST_TARGET)} at this verification cost leaves ` +
      (allowed > 0 ? `${fmt(allowed)}` : "nothing") +
      ` per event for everything besides verification (now ${fmt(rest)})`
  }
}

/**
 * The held row's communities write no checkpoints: one `release()` stores its events in one
 * go, and so would be spared the checkpoints `receive` writes every 1,024 events.
 */
const WITHOUT_CHECKPOINTS: Community.Options = { checkpoint: false }

/** A device clock set by hand: the held row moves it past the history's times. */
const settableClock = () => {
  let now = 0
  const ms = () => now
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: ms,
    currentTimeMillis: Effect.sync(ms),
    currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => process.hrtime.bigint(),
    monotonicTimeNanos: Effect.sync(() => process.hrtime.bigint()),
    sleep: (d) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, Duration.toMillis(d))))
  }
  return {
    clock,
    set: (to: number) => {
      now = to
    }
  }
}

/**
 * Join from the genesis and receive `events - 1` events in chunks on a device whose clock
 * is a day behind the history, so every one is held; then move the clock past them all and
 * release them. The open community.
 */
const holdAndRelease = (history: History, events: number, chunk: number, device: ReturnType<typeof settableClock>, start: number, end: number) =>
  Effect.gen(function* () {
    device.set(start)
    const community = yield* Community.join(history.genesis, WITHOUT_CHECKPOINTS)
    const wire = history.events
    const last = Math.min(wire.length, events - 1)
    let other = 0
    for (let i = 0; i < last; i += chunk) {
      const verdicts = yield* community.receive(wire.slice(i, Math.min(last, i + chunk)))
      for (const v of verdicts) if (v._tag !== "Held") other++
    }
    if (other > 0) throw new Error(`bench: ${other} events of the history were not held`)
    device.set(end)
    const released = yield* community.release()
    if (released.length !== last) throw new Error(`bench: ${released.length} of ${last} held events were released`)
    return community
  })

/**
 * The cost of holding events that claim times ahead of the device's clock and releasing
 * them once it gets there, against receiving the same events on time, both in this run.
 * A prefix of the history no longer than the default hold bound.
 */
export const measureHold = async (history: History, shape: Crypto.CryptoShape, options: IngestOptions): Promise<ReadonlyArray<Row>> => {
  const events = Math.min(options.events, history.size, Community.defaultHoldLimits.maxHeld + 1)
  const genesis = Event.decode(history.genesis)
  if (!genesis.ok) throw new Error(`bench: the genesis does not decode: ${genesis.error.message}`)
  const day = 24 * 3_600_000
  const start = genesis.event.header.time - day
  const end = Date.now() + day
  const device = settableClock()
  const layer = () => Layer.mergeAll(memoryLayer(shape), Layer.succeed(Clock.Clock, device.clock))
  const onTime = () => {
    device.set(end)
    return Effect.runPromise(Effect.provide(feed(history, events, options.chunk, WITHOUT_CHECKPOINTS), layer()))
  }
  const held = () => Effect.runPromise(Effect.provide(holdAndRelease(history, events, options.chunk, device, start, end), layer()))
  const [a, b] = [await onTime(), await held()]
  checkApplied(b, events)
  if (a.replica.stateHashHex() !== b.replica.stateHashHex()) throw new Error("bench: held and released events fold to another state than on time")
  // Interleaved, so both meet the same heap and the same machine.
  const plain: Array<number> = []
  const holding: Array<number> = []
  for (let i = 0; i < options.warmup + options.runs; i++) {
    const p = await time(1, 0, onTime)
    const h = await time(1, 0, held)
    if (i < options.warmup) continue
    plain.push(p.ms)
    holding.push(h.ms)
  }
  const [plainMs, heldMs] = [median(plain), median(holding)]
  return [
    {
      section: "ingest",
      name: "Ingest: held ahead of the clock, then released",
      result: `${(heldMs / plainMs).toFixed(2)}× on-time ingest`,
      detail:
        `${count(events)} events with ${shape.name}, memory storage, no checkpoints: \`receive\` of ${count(options.chunk)} at a time on a device whose clock ` +
        `is a day behind them (each verified and held), then one \`release()\` once the clock has passed them (linked, folded and ` +
        `stored, not verified again): ${millis(heldMs)}, ${perSecond(rate(events - 1, heldMs), "events")}; the same events ` +
        `received on time: ${millis(plainMs)}, ${perSecond(rate(events - 1, plainMs), "events")}`
    }
  ]
}
