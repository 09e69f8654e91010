/**
 * Applications refused at the door (`docs/protocol.md` §9, "Membership rules"): a
 * `core/member.apply` that the community's membership rules refuse (`ApplicationRefused`,
 * `TooManyApplications`) would only be stored as a rejected event, so a replica refuses it
 * before storing: it gets an `Invalid` verdict with that reason, is not stored, not folded and
 * not forwarded (a relay that folds the module keeping the rules forwards no spam). The
 * judgement is the fold's own, made on a copy of the replica that folds the received events
 * with it, so it is exactly the outcome the event would have had.
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import * as Event from "../Event.ts"
import { probeAll } from "../internal/probe.ts"
import * as Membership from "../Membership.ts"
import type * as Module from "../Module.ts"
import type { Replica, ReplicaOptions } from "../Replica.ts"
import { APPLY } from "../Admission.ts"

/** The rejections that keep an application out of the log. */
export const DOOR_REASONS: ReadonlySet<string> = new Set(["ApplicationRefused", "TooManyApplications"])

/** Whether a module of these options keeps membership rules (answers `membership.apply`). */
export const keepsRules = (options: ReplicaOptions): boolean =>
  (options.modules ?? []).some((m) => m.queries !== undefined && Object.hasOwn(m.queries, APPLY))

/**
 * The applications among `events` (by keys no identity holds yet) that the membership rules
 * refuse, with the reason, when folded with every one of `events` after what `replica` holds.
 * Empty (and nothing copied) when none of `events` is such an application.
 */
export const refusedAtTheDoor = (
  replica: Replica,
  options: ReplicaOptions,
  events: ReadonlyArray<Event.Event>
): ReadonlyMap<string, Module.Rejection> => {
  const out = new Map<string, Module.Rejection>()
  if (!keepsRules(options)) return out
  const core = replica.foldingCore()
  const candidates = events.filter(
    (e) => e.header.module === "core" && e.header.type === "member.apply" && Membership.deviceOwner(core, Bytes.toHex(e.header.author)) === undefined
  )
  if (candidates.length === 0) return out
  const copy = mirror(replica, options)
  copy.ingest(events)
  for (const e of candidates) {
    const o = copy.outcome(e.key)
    if (o !== undefined && o._tag === "Rejected" && DOOR_REASONS.has(o.reason._tag)) out.set(e.key, o.reason)
  }
  return out
}

/**
 * The copies the door judges on, by replica: a copy holds every event of the replica (it
 * catches up from the replica's log before each use) plus the applications it refused, which
 * were rejected there and so changed nothing. Kept while one `receive` runs, so a batch of
 * many slices copies the replica once; {@link forget} drops it.
 */
const copies = new WeakMap<Replica, { readonly copy: Replica; mirrored: number }>()

const decode = Event.decode

const mirror = (replica: Replica, options: ReplicaOptions): Replica => {
  const log = replica.log
  const kept = copies.get(replica)
  if (kept === undefined || kept.mirrored > log.size) {
    const copy = probeAll(replica, options, [])
    copies.set(replica, { copy, mirrored: log.size })
    return copy
  }
  if (kept.mirrored < log.size) {
    const missing: Array<Event.Event> = []
    for (let i = kept.mirrored; i < log.size; i++) {
      const d = decode(log.wire(i))
      if (d.ok) missing.push(d.event)
    }
    kept.copy.ingest(missing)
    kept.mirrored = log.size
  }
  return kept.copy
}

/** Drop the copy kept for `replica` (at the end of a `receive`). */
export const forget = (replica: Replica): void => {
  copies.delete(replica)
}
