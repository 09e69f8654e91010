/**
 * Replay of stored, already-verified history: `Community.open` from storage-fs (no
 * signature is checked again) with the local checkpoint written when the history was
 * stored, and without it (every event decoded and folded again); and the parts of the
 * full re-fold: decoding the stored bytes, and the fold alone over decoded events.
 *
 * @module
 */
import { Community, Crypto, Event, Replica } from "@affinity/core"
import * as StorageFs from "@affinity/storage-fs"
import { Effect, Layer } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import type { History } from "./history.ts"
import { checkApplied, feed } from "./ingest.ts"
import { rate, time } from "./measure.ts"
import { count, millis, perSecond, type Row } from "./report.ts"

/** Events per second that reopening a stored community should reach. */
export const REPLAY_TARGET = 100_000

/** A storage-fs directory holding the history, and how to remove it. */
export interface Store {
  readonly directory: string
  /** Size of the community's `events.log`, in bytes. */
  readonly fileBytes: number
  readonly dispose: () => Promise<void>
}

const fsLayer = (shape: Crypto.CryptoShape, directory: string) =>
  Layer.mergeAll(Layer.succeed(Crypto.Crypto, shape), StorageFs.layer({ directory }))

/** Store the history in a new temporary directory by ingesting it once through storage-fs. */
export const store = async (history: History, shape: Crypto.CryptoShape, chunk: number): Promise<Store> => {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "affinity-bench-"))
  const dispose = () => fs.rm(directory, { recursive: true, force: true })
  try {
    const community = await Effect.runPromise(
      Effect.provide(
        Effect.tap(feed(history, history.size, chunk), (c) => c.checkpoint()),
        fsLayer(shape, directory)
      )
    )
    checkApplied(community, history.size)
    const { size } = await fs.stat(path.join(directory, `c-${history.id}`, "events.log"))
    return { directory, fileBytes: size, dispose }
  } catch (cause) {
    await dispose()
    throw cause
  }
}

/** Open the stored community with a fresh storage layer (so it reads the file again). */
export const open = (
  shape: Crypto.CryptoShape,
  directory: string,
  id: string,
  options: Community.Options = {}
): Promise<Community.Community> => Effect.runPromise(Effect.provide(Community.open(id, options), fsLayer(shape, directory)))

/**
 * Run `body` while watching the event loop: the longest time between two turns of it (a
 * `setImmediate` chain), that is the longest task `body` ran without yielding.
 */
const longestTask = async <A>(body: () => Promise<A>): Promise<{ readonly value: A; readonly ms: number }> => {
  let longest = 0
  let last = performance.now()
  let running = true
  const tick = () => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  try {
    const value = await body()
    return { value, ms: Math.max(longest, performance.now() - last) }
  } finally {
    running = false
  }
}

/** Options of {@link measureReplay}. */
export interface ReplayOptions {
  readonly runs: number
  readonly warmup: number
}

/** Reopen from disk, decode alone, fold alone. */
export const measureReplay = async (
  history: History,
  shape: Crypto.CryptoShape,
  stored: Store,
  options: ReplayOptions
): Promise<ReadonlyArray<Row>> => {
  const n = history.size
  const rows: Array<Row> = []

  const reopened = await longestTask(() => open(shape, stored.directory, history.id))
  checkApplied(reopened.value, n)
  if (reopened.value.resumed?._tag !== "FromCheckpoint")
    throw new Error(`bench: open did not resume from the checkpoint (${JSON.stringify(reopened.value.resumed)})`)
  const withCheckpoint = await time(options.runs, options.warmup, () => open(shape, stored.directory, history.id))
  const checkpointRate = rate(n, withCheckpoint.ms)
  rows.push({
    section: "replay",
    name: "Replay: Community.open with checkpoint (storage-fs)",
    result: perSecond(checkpointRate, "events"),
    detail:
      `${count(n)} events in ${millis(withCheckpoint.ms)}: read ${count(stored.fileBytes)} bytes, check the covered records with one pass of SHA-256 and take their ids from the checkpoint, rebuild the log (bodies not read), ` +
      `restore the checkpoint, fold the events after it; no signature checks; longest task ${millis(reopened.ms)}`,
    target: { text: `≥ ${count(REPLAY_TARGET)} events/s`, met: checkpointRate >= REPLAY_TARGET }
  })

  const full = await longestTask(() => open(shape, stored.directory, history.id, { checkpoint: false }))
  checkApplied(full.value, n)
  const opened = await time(options.runs, options.warmup, () => open(shape, stored.directory, history.id, { checkpoint: false }))
  rows.push({
    section: "replay",
    name: "Replay: Community.open, full re-fold (no checkpoint)",
    result: perSecond(rate(n, opened.ms), "events"),
    detail:
      `${count(n)} events in ${millis(opened.ms)}: read ${count(stored.fileBytes)} bytes, rebuild the log, decode and fold every event; ` +
      `no signature checks; longest task ${millis(full.ms)}`
  })

  const wire = [history.genesis, ...history.events]
  const decodeAll = (): Array<Event.Event> =>
    wire.map((bytes) => {
      const d = Event.decode(bytes)
      if (!d.ok) throw new Error(`bench: an event of the history does not decode: ${d.error.message}`)
      return d.event
    })
  const decoding = await time(options.runs, options.warmup, decodeAll)
  rows.push({
    section: "replay",
    name: "Replay: Event.decode only",
    result: perSecond(rate(n, decoding.ms), "events"),
    detail: `${count(n)} events in ${millis(decoding.ms)}: strict canonical decode of envelope, header and body, two SHA-256`
  })

  const decoded = decodeAll()
  const [genesis, ...rest] = decoded
  if (genesis === undefined) throw new Error("bench: empty history")
  const fold = () => {
    const r = Replica.Replica.open(genesis)
    if (!r.ok) throw new Error(`bench: ${r.error.message}`)
    r.replica.ingest(rest)
    return r.replica
  }
  const folded = fold()
  if (folded.log.size !== n) throw new Error(`bench: the fold delivered ${folded.log.size} of ${n} events`)
  const folding = await time(options.runs, options.warmup, fold)
  rows.push({
    section: "replay",
    name: "Replay: in-memory fold only",
    result: perSecond(rate(n, folding.ms), "events"),
    detail:
      `${count(n)} decoded events in ${millis(folding.ms)}: \`Replica.open\` + \`ingest\` (log links, key registry, fold), ` +
      `${(folded.stats.steps / n).toFixed(2)} fold steps per event`
  })
  return rows
}
