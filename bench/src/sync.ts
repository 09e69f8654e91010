/**
 * Sync rows of `pnpm bench`: finding and transferring missing events between two replicas,
 * the byte overhead of a full sync, and a relay under many concurrent clients.
 *
 * @module
 */
import { Sync } from "@affinity/core"
import { measureRelay, type RelayBenchResult } from "@affinity/example-relay/bench"
import type { Target } from "./report.ts"

/** One row of the sync section. */
export interface SyncRow {
  readonly name: string
  readonly result: string
  readonly detail: string
  readonly target?: Target
}

const count = (n: number) => n.toLocaleString("en-US")

/** Measure sync over a history of `events` (k missing ∈ `missing`) and a relay with `clients` clients. */
export const measureSync = async (options: {
  readonly events: number
  readonly missing: ReadonlyArray<number>
  readonly clients: number
  readonly perClient: number
  readonly progress?: (line: string) => void
}): Promise<ReadonlyArray<SyncRow>> => {
  const progress = options.progress ?? (() => {})
  const rows: Array<SyncRow> = []
  progress(`sync: building a ${count(options.events)}-event history…`)
  const history = await Sync.Measure.makeHistory({ events: options.events })
  for (const k of options.missing) {
    progress(`sync: ${count(k)} missing…`)
    const withHeads = await Sync.Measure.measureReconciliation({ history, differing: k })
    const reconcileOnly = await Sync.Measure.measureReconciliation({ history, differing: k, hub: { headsShortcut: false } })
    const one = k === 1
    rows.push({
      name: `Sync: ${count(k)} missing of ${count(options.events)}`,
      result: `${withHeads.roundTrips} round trips, ${count(withHeads.overhead)} B`,
      detail:
        `bytes besides the events themselves (${count(withHeads.eventBytes)} B of events); by reconciliation alone, without ` +
        `comparing heads: ${reconcileOnly.roundTrips} round trips, ${count(reconcileOnly.overhead)} B; a naive exchange of all ids ` +
        `one way: ${count(withHeads.naiveIdBytes)} B${withHeads.converged && reconcileOnly.converged ? "" : "; DID NOT CONVERGE"}`,
      ...(one ? { target: { text: "≤ 3 round trips and ≤ 2 KB", met: withHeads.roundTrips <= 3 && withHeads.overhead <= 2048 } } : {})
    })
  }
  progress("sync: full sync…")
  const full = await Sync.Measure.measureFullSync(history)
  const overhead = full.overhead
  rows.push({
    name: `Sync: full sync of ${count(full.events)} events`,
    result: `${(overhead * 100).toFixed(2)}% overhead`,
    detail: `${count(full.bytes)} B sent for ${count(full.eventBytes)} B of events, ${full.roundTrips} round trips${full.converged ? "" : "; DID NOT CONVERGE"}`,
    target: { text: "≤ 5%", met: overhead <= 0.05 }
  })
  progress(`sync: relay with ${options.clients} clients…`)
  const relay = await measureRelay({ clients: options.clients, events: options.perClient, store: "fs" })
  rows.push({
    name: `Relay: ${options.clients} clients × ${count(options.perClient)} events`,
    result: `${count(Math.round(relay.eventsPerSecond))} events/s`,
    detail: `loopback WebSocket, relay in its own process on file storage; peak memory ${relay.peakRssMiB.toFixed(0)} MiB; ${count(relay.acknowledged)} acknowledged, ${relay.lost} lost after a kill and restart`,
    target: { text: "0 events lost", met: relay.lost === 0 }
  })
  progress(`sync: relay on SQLite with ${options.clients} clients…`)
  rows.push(relayOnSqlite(relay, await measureRelay({ clients: options.clients, events: options.perClient, store: "sqlite" })))
  return rows
}

/** The relay on SQLite beside the same run on the file store: its rate as a ratio of the file store's. */
export const relayOnSqlite = (files: RelayBenchResult, sqlite: RelayBenchResult): SyncRow => ({
  name: `Relay on SQLite: ${sqlite.clients} clients × ${count(sqlite.sent / sqlite.clients)} events`,
  result: `${(sqlite.eventsPerSecond / files.eventsPerSecond).toFixed(2)}× the file store`,
  detail:
    `the row above with the relay on @affinity/storage-sqlite (its default store): ${count(Math.round(sqlite.eventsPerSecond))} events/s ` +
    `against ${count(Math.round(files.eventsPerSecond))}; peak memory ${sqlite.peakRssMiB.toFixed(0)} MiB against ${files.peakRssMiB.toFixed(0)} MiB; ` +
    `${count(sqlite.acknowledged)} acknowledged, ${sqlite.lost} lost after a kill and restart`,
  target: { text: "0 events lost", met: sqlite.lost === 0 }
})
