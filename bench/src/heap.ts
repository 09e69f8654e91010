/**
 * Memory held by an open community: heap and array buffers with the community opened from
 * storage-fs and held, against the same process after letting it go.
 *
 * @module
 */
import type { Community, Crypto } from "@affinity/core"
import { Effect } from "effect"
import type { History } from "./history.ts"
import { settle } from "./measure.ts"
import { count, percent, size, type Row } from "./report.ts"
import { open, type Store } from "./replay.ts"

/** Most bytes an open community may hold per byte of its encoded events. */
export const HEAP_TARGET = 5

interface Usage {
  readonly heap: number
  readonly buffers: number
}

/**
 * Heap and array buffers after a full collection. An Effect run first: the runtime keeps a
 * reference to the last value a run returned, which would keep a dropped community alive.
 */
const usage = async (): Promise<Usage> => {
  await Effect.runPromise(Effect.void)
  settle()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, buffers: m.arrayBuffers }
}

/** Measure what an open community costs in memory, per event and against its encoded size. */
export const measureHeap = async (history: History, shape: Crypto.CryptoShape, stored: Store): Promise<ReadonlyArray<Row>> => {
  const n = history.size
  let held: Community.Community | undefined = await open(shape, stored.directory, history.id)
  const withIt = await usage()
  const events = held.replica.log.size
  held = undefined
  const without = await usage()
  if (events !== n) throw new Error(`bench: the opened community holds ${events} of ${n} events`)

  const heap = Math.max(0, withIt.heap - without.heap)
  const buffers = Math.max(0, withIt.buffers - without.buffers)
  const perEvent = (heap + buffers) / n
  const encoded = history.encodedBytes / n
  const ratio = perEvent / encoded
  return [
    {
      section: "heap",
      name: "Heap: open community",
      result: `${count(perEvent)} B/event`,
      detail:
        `${size(heap + buffers)} for ${count(n)} events (heap ${count(heap / n)} B/event, array buffers ${count(buffers / n)} B/event); ` +
        `${count(encoded)} B/event encoded, ${ratio.toFixed(2)}× that (${percent(ratio)})`,
      target: { text: `≤ ${HEAP_TARGET}× encoded size`, met: ratio <= HEAP_TARGET }
    }
  ]
}
