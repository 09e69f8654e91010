/**
 * A dry run of the fold: what a replica would make of one more event, worked out on a copy
 * of it, so the replica itself, its storage and its listeners are not touched.
 *
 * The copy is the replica's events and its checkpoint (the whole state, encoded), read back
 * the way `Community.open` reads a stored community; the event is then folded on the copy
 * exactly as on the replica. It costs about as much as reopening the community from a
 * checkpoint: little for a few thousand events, more for a long history.
 *
 * @internal
 */
import type * as Event from "../Event.ts"
import type { Verdict } from "../Log.ts"
import { type Outcome, Replica, type ReplicaOptions } from "../Replica.ts"

/** What the replica would say of the event: the log's verdict and, when it is delivered, the fold's outcome. */
export interface Probed {
  readonly verdict: Verdict
  readonly outcome: Outcome | undefined
}

/**
 * Fold `event` on a copy of `replica` (opened with the same `options`). Throws only when an
 * event the replica holds cannot be read again, which a replica never lets happen.
 */
export const probe = (replica: Replica, options: ReplicaOptions, event: Event.Event): Probed => {
  const copy = copyOf(replica, options)
  const verdict = copy.ingest([event]).verdicts[0]!
  return { verdict, outcome: verdict._tag === "Valid" ? copy.outcome(event.key) : undefined }
}

/**
 * Fold `events` on one copy of `replica` (opened with the same `options`): the copy, to read
 * their outcomes from. Throws as {@link probe} does.
 */
export const probeAll = (replica: Replica, options: ReplicaOptions, events: ReadonlyArray<Event.Event>): Replica => {
  const copy = copyOf(replica, options)
  copy.ingest(events)
  return copy
}

/** A copy of `replica`, folded up to date. */
const copyOf = (replica: Replica, options: ReplicaOptions): Replica => {
  const opened = Replica.open(replica.genesis, options)
  if (!opened.ok) throw new Error(opened.error.message)
  const copy = opened.replica
  const log = replica.log
  // While a fold runs in slices there is no checkpoint: the copy then folds every event.
  const checkpoint = replica.checkpoint()
  for (let k = 1; k < log.size; k++) {
    const id = checkpoint !== undefined && k < checkpoint.size ? checkpoint.ids.subarray(32 * k, 32 * k + 32) : undefined
    const problem = copy.loadStored(log.bytes[k]!, checkpoint?.size, id)
    if (problem !== undefined) throw new Error(`event ${log.keys[k]} cannot be read again: ${problem}`)
  }
  copy.resume(checkpoint)
  copy.fold()
  return copy
}
