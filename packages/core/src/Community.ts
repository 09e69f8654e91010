/**
 * A community as an application sees it: a replica whose events are verified, stored and
 * announced. Built on the `Crypto` and `Storage` services.
 *
 * - {@link create} writes a genesis and opens the new community;
 * - {@link open} reopens one from storage (stored events were verified when they arrived
 *   and are not verified again; a local checkpoint of the fold, written as the community
 *   grows, means only the events after it are folded again);
 * - `append` signs and adds an event of your own; `check` says what the fold would make
 *   of one without writing it; `receive` takes untrusted bytes from a peer, a file or a
 *   form, and never fails on them: every input gets a verdict.
 *
 * An event whose claimed time is further ahead of this device's clock than
 * {@link Options.futureTolerance} is {@link Held}: kept in memory, neither folded nor built
 * upon nor relayed, and offered to the log once the clock catches up (protocol §6, "Events
 * ahead of this device's clock").
 *
 * @module
 */
import { Clock, Data, Effect, Semaphore } from "effect"
import * as Bytes from "./Bytes.ts"
import type * as Cbor from "./Cbor.ts"
import * as CoreEvents from "./CoreEvents.ts"
import { Crypto, type VerifyItem } from "./Crypto.ts"
import * as Event from "./Event.ts"
import * as Hash from "./Hash.ts"
import * as Checkpoints from "./internal/checkpoint.ts"
import * as Payloads from "./internal/payloads.ts"
import { probe } from "./internal/probe.ts"
import { forget as forgetDoor, refusedAtTheDoor } from "./replica/Door.ts"
import { type Slicer, slicer } from "./internal/yield.ts"
import type { DeviceKey } from "./Keys.ts"
import type { Verdict } from "./Log.ts"
import type * as Module from "./Module.ts"
import { type Outcome, Replica, type ReplicaOptions, type Resumed } from "./Replica.ts"
import { Storage, type StorageError } from "./Storage.ts"

/** The draft could not become an event (a broken rule, or a genesis that cannot start a community). */
export class AppendError extends Data.TaggedError("AppendError")<{
  readonly reason: string
  readonly message: string
}> {}

/** Nothing is stored under that community id, or what is stored does not start with its genesis. */
export class CommunityNotFound extends Data.TaggedError("CommunityNotFound")<{
  readonly community: string
  readonly message: string
}> {}

/**
 * An event kept aside because the time it claims is ahead of this device's clock by more
 * than the tolerance ({@link Options.futureTolerance}). It is not refused: its signatures
 * were verified, and it is offered to the log once this device's clock reaches `until`.
 * Until then it is not stored, not folded, never a parent of a local append and not
 * relayed to peers. Held events are kept in memory only.
 */
export interface Held {
  readonly _tag: "Held"
  readonly key: string
  /** The time the event claims, in milliseconds. */
  readonly time: number
  /**
   * When, on this device's clock, the event is offered to the log: its claimed time less the
   * tolerance, or later when it cites an event held longer.
   */
  readonly until: number
  /**
   * Why, in words a person can read: `AheadOfClock` ("claimed time is 8 days ahead of this
   * device's clock; held until then"), or `CitesHeld` (it names a held event as a parent or
   * backlink, so it could not be delivered before that one anyway).
   */
  readonly reason: { readonly _tag: "AheadOfClock" | "CitesHeld"; readonly message: string }
}

/**
 * What a replica said about one input of `receive`: the log's {@link Verdict}, or
 * {@link Held} for an event claiming a time too far ahead of this device's clock.
 */
export type ReceiveVerdict = Verdict | Held

/** What changed after events were added: keys delivered (in delivery order) and the new state hash. */
export interface Change {
  readonly delivered: ReadonlyArray<string>
  /**
   * Hex of the state hash right after this change. It costs an encoding of the whole state,
   * so it is made when first read (and kept), still of the state after this change.
   */
  readonly stateHash: string
}

/** An open community. */
export interface Community {
  /** Community id: hex of the genesis event id. */
  readonly id: string
  /** The replica: state, outcomes and log (read it; do not feed it directly). */
  readonly replica: Replica
  /**
   * Sign and add an event by `device`; it gets the current heads as parents. Its claimed
   * time is the clock's (or `options.time`, e.g. when entering a decision taken on paper),
   * raised to the latest time among the parents it cites and its own previous event, so it
   * never goes backwards. Held events are never heads, so a device's own claims run ahead
   * of its clock by at most the tolerance ({@link Options.futureTolerance}). Held events
   * that are due are released first.
   */
  readonly append: (
    device: DeviceKey,
    module: string,
    type: string,
    body: Cbor.Value,
    options?: AppendOptions
  ) => Effect.Effect<{ readonly key: string; readonly outcome: Outcome }, AppendError | StorageError>
  /**
   * What the fold would make of an event by `author` if it were appended now, without
   * signing, storing or announcing anything: the {@link Outcome} `append` would give
   * (`Applied`, with what became of any actions it carries, or `Rejected` with the reason),
   * or the {@link AppendError} it would fail with. `author` is the device key that would
   * sign it, or its 32-byte public key: a dry run needs no secret.
   *
   * The event is built as `append` builds it (the current heads as parents, the next
   * sequence number of `author`, the clock's time or `options.time`) and folded on a copy
   * of the replica, which costs about as much as reopening the community from its
   * checkpoint. The verdict holds for now: events that arrive before the real append, or
   * community time moving on, can change it.
   */
  readonly check: (
    author: DeviceKey | Uint8Array,
    module: string,
    type: string,
    body: Cbor.Value,
    options?: AppendOptions
  ) => Effect.Effect<Outcome, AppendError>
  /**
   * Verify, store and fold untrusted wire bytes; one verdict per input, in order. An event
   * claiming a time too far ahead of this device's clock is {@link Held}, not delivered.
   * Held events that are due are released first.
   */
  readonly receive: (
    inputs: ReadonlyArray<Uint8Array>
  ) => Effect.Effect<ReadonlyArray<ReceiveVerdict>, StorageError>
  /**
   * Offer the log every held event whose time has come (this device's clock has reached its
   * `until`), without verifying its signatures again; they are then stored, folded and
   * announced like received events. Resolves to the keys delivered, in delivery order.
   * `receive` and `append` do this first; a long-lived process calls it now and then (the
   * sync hub does on its resync timer, a `Client` on a timer of its own).
   */
  readonly release: () => Effect.Effect<ReadonlyArray<string>, StorageError>
  /** Events held for claiming a time ahead of this device's clock, earliest release first. */
  readonly held: () => ReadonlyArray<Held>
  /** Whether the event of that key is held (see {@link Community.held}). */
  readonly isHeld: (key: string) => boolean
  /** Call `listener` after every change; returns the function that unsubscribes it. */
  readonly subscribe: (listener: (change: Change) => void) => () => void
  /** Wire bytes of every delivered event, in delivery order (parents first). */
  readonly export: () => ReadonlyArray<Uint8Array>
  /**
   * Write a local checkpoint of the fold now (checkpoints are also written every
   * `checkpoint.every` delivered events). Call it before closing storage, so the next
   * {@link open} folds nothing again. `false` when nothing was written: nothing new since
   * the last checkpoint, events still being stored or folded, or checkpoints turned off.
   */
  readonly checkpoint: () => Effect.Effect<boolean, StorageError>
  /** How {@link open} rebuilt the state; `undefined` for a community created or joined. */
  readonly resumed: Resumed | undefined
  /**
   * The payload of the delivered event with that key (a copy), or `undefined`: the event
   * carries none, its payload was erased, or this replica never received it
   * (`docs/protocol.md` §3a). Events get a payload from `append`'s `options.payload`.
   */
  readonly payload: (key: string) => Uint8Array | undefined
  /**
   * Erase the payload of the delivered event with that key: append a `core/payload.erase`
   * by `device`, whose outcome says whether it took effect (`Applied` only when `device`
   * acts for the identity that wrote the event; anyone else's payload is erased by a
   * community decision carrying the same body). Once folded, every replica drops the
   * payload's bytes from memory and storage and never sends them again; the event itself
   * stays valid, with the same id. Fails with an `AppendError` when no event of that key
   * committing to a payload is delivered here.
   */
  readonly erasePayload: (
    device: DeviceKey,
    key: string,
    options?: Omit<AppendOptions, "payload">
  ) => Effect.Effect<{ readonly key: string; readonly outcome: Outcome }, AppendError | StorageError>
}

/** Options of one `append`. */
export interface AppendOptions {
  /**
   * Bytes the event carries beside its body, at most `Event.Limits.maxPayloadBytes` (128
   * KiB): committed to by hash in its signed header, never seen by the fold, sent to peers
   * with the event and erasable later (`docs/protocol.md` §3a). Read back with
   * `community.payload(key)`.
   */
  readonly payload?: Uint8Array
  /**
   * Claimed time in ms instead of the clock's (still raised to the parents' times). A
   * device's own event is never held, even when this is ahead of its clock.
   */
  readonly time?: number
}

/** Bounds on the events held for claiming a time ahead of this device's clock. */
export interface HoldLimits {
  /** Most events held. */
  readonly maxHeld: number
  /** Most bytes of events held. */
  readonly maxHeldBytes: number
}

/** Default {@link HoldLimits}: 10,000 events, 16 MiB (those of the log's quarantine). */
export const defaultHoldLimits: HoldLimits = { maxHeld: 10_000, maxHeldBytes: 16 * 1024 * 1024 }

/** Default {@link Options.futureTolerance}: five minutes. */
export const FUTURE_TOLERANCE = 5 * 60 * 1000

/** Reason of the `Invalid` verdict of an event that should be held when the hold is full: offer it again later. */
export const HOLD_FULL = "HoldFull"

/** Local checkpoints of the fold (see "Local storage" in docs/protocol.md). */
export interface CheckpointOptions {
  /**
   * Delivered events between checkpoints written while the community is open (default
   * 1,024), or an eighth of the events the last checkpoint covered when that is more: each
   * checkpoint encodes the whole state, so spacing them by a share of the history keeps
   * their cost per event flat as a community grows.
   */
  readonly every?: number
  /**
   * A name for the module code the state was folded with (default `""`). A checkpoint
   * written under another label is ignored and the history folded again: change it when
   * a module's rules change, since a checkpoint holds the state the old rules produced.
   */
  readonly label?: string
}

/** Options for creating or opening a community. */
export interface Options extends ReplicaOptions {
  /** Local checkpoints: on by default; `false` neither reads nor writes them. */
  readonly checkpoint?: false | CheckpointOptions
  /**
   * Milliseconds of work after which `open` and `receive` give the event loop a turn
   * (default 8), so a browser stays responsive while a large history is read or folded.
   * `Infinity` never yields.
   */
  readonly yieldAfterMs?: number
  /**
   * Milliseconds a received event's claimed time may be ahead of this device's clock
   * (default: what the community decided, `futureTolerance` in its parameters, else
   * {@link FUTURE_TOLERANCE}, five minutes). An event further ahead is
   * {@link Held} until the clock is within this of its time. This is local policy, not a
   * validity rule: every replica delivers the event once its clock gets there. `Infinity`
   * holds nothing. The clock is the Effect `Clock` of the environment the community was
   * created, joined or opened in, read whenever events are received, appended or released.
   */
  readonly futureTolerance?: number
  /**
   * Bounds on held events (default {@link defaultHoldLimits}). An event that does not fit
   * is refused with {@link HOLD_FULL}, to be offered again later.
   */
  readonly holdLimits?: Partial<HoldLimits>
}

/** Default {@link CheckpointOptions.every}. */
export const CHECKPOINT_EVERY = 1024

/** Checkpoints are at least the covered size divided by this apart (see {@link CheckpointOptions.every}). */
const CHECKPOINT_SHARE = 8

/** Default {@link Options.yieldAfterMs}. */
export const YIELD_AFTER_MS = 8

/**
 * Fold steps between two looks at the clock while folding in slices: few, since the first
 * steps of a page run code the engine has not compiled yet (a step can take milliseconds).
 */
const FOLD_STEPS = 8

/** Events whose community time is prepared between two looks at the clock while opening. */
const CLOCK_STEPS = 64

/** Events verified and folded per step of the `receive` pipeline. */
const SLICE = 128

/**
 * Fewest events in a slice of `receive`: its first slice, and the last ones. A small first
 * slice hands the verifiers work sooner, and small last slices leave less to fold once
 * every signature is checked, when the verifiers have nothing left to do.
 */
const SLICE_MIN = 32

/** Events in the next slice of a `receive` call when `remaining` inputs are left to decode. */
const sliceSize = (remaining: number, first: boolean): number =>
  first ? SLICE_MIN : Math.min(SLICE, Math.max(SLICE_MIN, Math.ceil(remaining / 2)))

/** Slices whose signatures are being verified ahead of the fold. */
const IN_FLIGHT = 3

const invalid = (key: string | null, tag: string, message: string): Verdict => ({
  _tag: "Invalid",
  key,
  reason: { _tag: tag, message }
})

/** A held event and why it waits. */
interface Holding {
  readonly event: Event.Event
  /** When it is due, on this device's clock. */
  readonly until: number
  /** Key of the held event it cites when that one is why it waits this long. */
  readonly cites: string | undefined
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000]
]

/** A span of time in words, rounded in its largest unit: `8 days`, `1 hour`, `40 seconds`. */
const span = (ms: number): string => {
  for (const [unit, size] of UNITS) {
    if (ms < size) continue
    const n = Math.round(ms / size)
    return `${n} ${unit}${n === 1 ? "" : "s"}`
  }
  return `${Math.max(0, Math.round(ms))} ms`
}

/** Hex keys of an event's dependencies: parents, then prev. */
const dependencyKeys = (event: Event.Event): ReadonlyArray<string> => {
  const keys = event.header.parents.map(Bytes.toHex)
  if (event.header.prev) keys.push(Bytes.toHex(event.header.prev))
  return keys
}

/** A slice of events on its way through `receive`, with each event's position in the verdicts. */
interface Part {
  readonly events: ReadonlyArray<Event.Event>
  readonly at: ReadonlyArray<number>
}

/** Signatures an event carries besides its own: device consents, embedded proof events. */
const embeddedSignatures = (event: Event.Event): ReadonlyArray<VerifyItem> => {
  const h = event.header
  if (h.module !== "core" || h.community === null) return []
  if (h.type === "device.add") {
    const body = CoreEvents.decodeBody(CoreEvents.DeviceAdd, event.body)
    return body
      ? [{ publicKey: body.device, message: CoreEvents.deviceConsentMessage(h.community, h.author, body.seal), signature: body.consent }]
      : []
  }
  if (h.type === "equivocation") {
    const body = CoreEvents.decodeBody(CoreEvents.Equivocation, event.body)
    if (!body) return []
    const out: Array<VerifyItem> = []
    for (const bytes of [body.a, body.b]) {
      const d = Event.decode(bytes)
      if (d.ok) out.push({ publicKey: d.event.header.author, message: Event.signingMessage(d.event.id), signature: d.event.signature })
    }
    return out
  }
  return []
}

/** Whether `ok[from..to)` are all true. */
const allTrue = (ok: ReadonlyArray<boolean>, from: number, to: number): boolean => {
  for (let k = from; k < to; k++) if (!ok[k]) return false
  return true
}

/** Fold everything delivered, in slices of about the slicer's budget. */
const foldInSlices = (replica: Replica, slices: Slicer): Effect.Effect<void> =>
  Effect.gen(function* () {
    while (!replica.fold(FOLD_STEPS)) if (slices.due()) yield* slices.pause
  })

const make = (replica: Replica, persisted: number, options: Options, resumed: Resumed | undefined) =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    const storage = yield* Storage
    const clock = yield* Clock.Clock
    const listeners = new Set<(change: Change) => void>()
    const slices = slicer(options.yieldAfterMs ?? YIELD_AFTER_MS)
    let stored = persisted
    /** Payloads in storage beside the records, and the erasures honoured (see `internal/payloads.ts`). */
    const payloads = Payloads.make(storage, replica.id, replica.log, () => replica.core, () => replica.dueErasures())
    /** Appends not acknowledged yet; a checkpoint may only cover acknowledged events. */
    let appending = 0
    /** Set when an append failed: what storage holds is no longer known, so no checkpoints. */
    let appendFailed = false
    const checkpoints = options.checkpoint === false ? undefined : options.checkpoint ?? {}
    const every = Math.max(1, checkpoints?.every ?? CHECKPOINT_EVERY)
    const label = checkpoints?.label ?? ""
    /** Log size covered by the last checkpoint written (or read) in this session. */
    let checkpointed = resumed?._tag === "FromCheckpoint" ? resumed.position : 0
    let writing = false
    /** The records stored so far, hashed as they are stored (from the first checkpoint on; `null` where the platform cannot). */
    let recordsHash: Hash.FramedHasher | null | undefined

    // Events held for claiming a time ahead of this device's clock (memory only).
    // This device's option, else what the community decided (`community.params`), else five minutes.
    const tolerance = (): number => options.futureTolerance ?? replica.core.community.params.futureTolerance ?? FUTURE_TOLERANCE
    const holdLimits: HoldLimits = { ...defaultHoldLimits, ...options.holdLimits }
    const holding = new Map<string, Holding>()
    let heldBytes = 0
    /** The earliest `until` among held events; infinite when none is held. */
    let earliest = Number.POSITIVE_INFINITY
    /** {@link Community.held}, made when asked for and kept until the hold changes. */
    let heldView: ReadonlyArray<Held> | undefined
    const now = (): number => clock.currentTimeMillisUnsafe()

    const heldVerdict = (h: Holding, at: number): Held => {
      const time = h.event.header.time
      return {
        _tag: "Held",
        key: h.event.key,
        time,
        until: h.until,
        reason:
          h.cites === undefined
            ? { _tag: "AheadOfClock", message: `claimed time is ${span(time - at)} ahead of this device's clock; held until then` }
            : {
              _tag: "CitesHeld",
              message: `it cites ${h.cites.slice(0, 16)}…, which is held for claiming a time ahead of this device's clock; held until that one is released`
            }
      }
    }

    /**
     * Hold a verified event that claims a time more than the tolerance ahead of `at`, or
     * that cites a held event (it could not be delivered before it anyway); its verdict, or
     * `undefined` when it goes to the log.
     */
    const hold = (event: Event.Event, at: number): ReceiveVerdict | undefined => {
      const known = holding.get(event.key)
      if (known !== undefined) return heldVerdict(known, at)
      if (replica.log.index.has(event.key)) return undefined
      let until = event.header.time - tolerance()
      let cites: string | undefined
      if (holding.size > 0) {
        for (const k of dependencyKeys(event)) {
          const h = holding.get(k)
          if (h !== undefined && h.until > until) {
            until = h.until
            cites = k
          }
        }
      }
      if (!(until > at)) return undefined
      if (holding.size >= holdLimits.maxHeld || heldBytes + event.bytes.length > holdLimits.maxHeldBytes)
        return invalid(event.key, HOLD_FULL, "too many events are held for claiming a time ahead of this device's clock; offer this one again later")
      const h: Holding = { event, until, cites }
      holding.set(event.key, h)
      heldBytes += event.bytes.length
      earliest = Math.min(earliest, until)
      heldView = undefined
      return heldVerdict(h, at)
    }

    /** Take the held events due at `at` out of the hold, in claimed-time order (parents before children). */
    const takeDue = (at: number): ReadonlyArray<Event.Event> => {
      if (earliest > at) return []
      const due: Array<Holding> = []
      let next = Number.POSITIVE_INFINITY
      for (const h of holding.values()) {
        if (h.until <= at) due.push(h)
        else next = Math.min(next, h.until)
      }
      for (const h of due) {
        holding.delete(h.event.key)
        heldBytes -= h.event.bytes.length
      }
      earliest = next
      heldView = undefined
      // Times never go down along causal edges, so this order offers parents first; the
      // log's quarantine takes care of any other order.
      due.sort((a, b) => a.event.header.time - b.event.header.time || (a.event.key < b.event.key ? -1 : 1))
      return due.map((h) => h.event)
    }

    /** Write a checkpoint of the current fold when it covers more than the last one. */
    const writeCheckpoint: Effect.Effect<boolean, StorageError> = Effect.suspend(() => {
      if (checkpoints === undefined || writing || appendFailed || appending > 0 || stored !== replica.log.size)
        return Effect.succeed(false)
      const cp = replica.checkpoint()
      if (cp === undefined || cp.size <= checkpointed) return Effect.succeed(false)
      writing = true
      // The stored records it covers are the first `size` delivered events, byte for byte:
      // kept hashed as they are stored where the platform can, else hashed now in one pass.
      if (recordsHash === undefined) {
        recordsHash = Hash.framedHasher() ?? null
        recordsHash?.add(replica.log.bytes, 0, stored)
      }
      const running = recordsHash !== null && recordsHash.count === cp.size ? recordsHash.digest() : undefined
      return (running !== undefined ? Effect.succeed(running) : Effect.promise(() => Hash.sha256Framed(replica.log.bytes, cp.size))).pipe(
        Effect.flatMap((records) => storage.set(replica.id, Checkpoints.KEY, Checkpoints.encode(replica.log.community, label, { ...cp, records }))),
        Effect.map(() => {
          checkpointed = Math.max(checkpointed, cp.size)
          return true
        }),
        Effect.ensuring(
          Effect.sync(() => {
            writing = false
          })
        )
      )
    })

    /**
     * Persist what the replica delivered since the last call, then notify. The range to
     * store is claimed before waiting on storage, so overlapping calls (an append during a
     * peer's receive) never store an event twice or skip one.
     */
    const commit = (delivered: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        if (delivered.length === 0) return
        // Erasures the fold made are honoured before anything else is stored, and payloads
        // are stored before their records (a crash in between loses no payload).
        yield* payloads.erase
        const log = replica.log
        const records: Array<Uint8Array> = []
        const from = stored
        for (let i = stored; i < log.size; i++) records.push(log.bytes[i]!)
        stored = log.size
        recordsHash?.add(records)
        if (records.length > 0) {
          appending++
          yield* payloads.store(from, from + records.length).pipe(Effect.andThen(storage.append(replica.id, records))).pipe(
            Effect.tapError(() =>
              Effect.sync(() => {
                appendFailed = true
              })
            ),
            Effect.ensuring(
              Effect.sync(() => {
                appending--
              })
            )
          )
        }
        // A checkpoint is an optimisation: failing to write one does not fail the change.
        // Spaced by a share of what is covered, so a growing state costs each event the same.
        if (replica.log.size - checkpointed >= Math.max(every, Math.floor(checkpointed / CHECKPOINT_SHARE)))
          yield* Effect.ignore(writeCheckpoint)
        if (listeners.size === 0) return
        // The state hash costs an encoding of the whole state: made only when a listener reads it.
        const hash = replica.stateHashOfNow()
        const change: Change = {
          delivered,
          get stateHash() {
            return Bytes.toHex(hash())
          }
        }
        for (const l of listeners) l(change)
      })

    /** Verification requests of a slice of events: their own signatures and embedded ones. */
    const requests = (events: ReadonlyArray<Event.Event>) => {
      const items: Array<VerifyItem> = []
      const spans: Array<readonly [number, number]> = []
      for (const e of events) {
        const start = items.length
        items.push({ publicKey: e.header.author, message: Event.signingMessage(e.id), signature: e.signature })
        items.push(...embeddedSignatures(e))
        spans.push([start, items.length])
      }
      return { items, spans }
    }

    /** Start verifying now (providers with a thread pool run while the fold works). */
    const startVerify = (items: ReadonlyArray<VerifyItem>): Promise<ReadonlyArray<boolean>> =>
      Effect.runPromise(crypto.verifyBatch(items))

    /**
     * Fold one verified slice; fills `verdicts` at the slice's positions; collects events
     * embedded in proofs. With `holdAt` (the clock's time), events too far ahead of it are
     * held rather than offered to the log.
     */
    const foldSlice = (
      part: Part,
      spans: ReadonlyArray<readonly [number, number]>,
      ok: ReadonlyArray<boolean>,
      verdicts: Array<ReceiveVerdict | undefined>,
      delivered: Array<string>,
      embedded: Array<Event.Event> | undefined,
      holdAt: number | undefined
    ) => {
      const good: Array<Event.Event> = []
      const goodAt: Array<number> = []
      part.events.forEach((e, n) => {
        const [a, b] = spans[n]!
        const at = part.at[n]!
        if (!ok[a]) verdicts[at] = invalid(e.key, "BadSignature", "the signature does not verify for the author's key")
        else if (!allTrue(ok, a + 1, b)) verdicts[at] = invalid(e.key, "BadEmbeddedSignature", "a signature inside the body does not verify")
        else {
          const held = holdAt === undefined ? undefined : hold(e, holdAt)
          if (held !== undefined) verdicts[at] = held
          else {
            good.push(e)
            goodAt.push(at)
          }
        }
      })
      // Applications the membership rules refuse are not stored (§9, "Membership rules").
      const door = refusedAtTheDoor(replica, options, good)
      if (door.size > 0)
        for (let j = good.length - 1; j >= 0; j--) {
          const refused = door.get(good[j]!.key)
          if (refused === undefined) continue
          verdicts[goodAt[j]!] = invalid(good[j]!.key, refused._tag, refused.message)
          good.splice(j, 1)
          goodAt.splice(j, 1)
        }
      const r = replica.ingest(good, { fold: false })
      r.verdicts.forEach((v, j) => (verdicts[goodAt[j]!] = v))
      delivered.push(...r.delivered)
      if (!embedded) return
      for (const e of good) {
        if (e.header.module !== "core" || e.header.type !== "equivocation") continue
        const body = CoreEvents.decodeBody(CoreEvents.Equivocation, e.body)
        for (const bytes of body ? [body.a, body.b] : []) {
          const d = Event.decode(bytes)
          if (d.ok && Bytes.equals(d.event.header.community ?? new Uint8Array(0), replica.log.community) && !replica.log.index.has(d.event.key))
            embedded.push(d.event)
        }
      }
    }

    /**
     * Verify and fold events in slices, pipelined: slices are taken from `next` (which may
     * decode them on demand) and their signatures verified a few slices ahead while the
     * current one is folded, so a provider with a thread pool is kept busy from the first
     * slice on. Events embedded in equivocation proofs are evidence: when `embedded` is
     * given they are collected there, to be verified and offered like any received event.
     * `verified`: the events' signatures were checked already (held events being released).
     */
    const verifyAndFold = (
      next: () => Part | undefined,
      verdicts: Array<ReceiveVerdict | undefined>,
      delivered: Array<string>,
      embedded: Array<Event.Event> | undefined,
      holdAt: number | undefined,
      verified: boolean
    ): Effect.Effect<void> =>
      Effect.gen(function* () {
        const inFlight: Array<{ readonly part: Part; readonly spans: ReadonlyArray<readonly [number, number]>; readonly ok: Promise<ReadonlyArray<boolean>> }> = []
        let done = false
        const startNext = () => {
          const part = next()
          if (part === undefined) {
            done = true
            return
          }
          if (verified) {
            inFlight.push({ part, spans: part.events.map((_, k) => [k, k + 1] as const), ok: Promise.resolve(part.events.map(() => true)) })
            return
          }
          const r = requests(part.events)
          inFlight.push({ part, spans: r.spans, ok: startVerify(r.items) })
        }
        while (!done && inFlight.length < IN_FLIGHT) startNext()
        while (inFlight.length > 0) {
          const current = inFlight.shift()!
          const ok = yield* Effect.promise(() => current.ok)
          if (!done) startNext()
          foldSlice(current.part, current.spans, ok, verdicts, delivered, embedded, holdAt)
          yield* foldInSlices(replica, slices)
          yield* slices.check
        }
      })

    /** Slices of decoded events, in order; positions are indexes into the array. */
    const slicesOf = (events: ReadonlyArray<Event.Event>): (() => Part | undefined) => {
      let from = 0
      return () => {
        if (from >= events.length) return undefined
        const to = Math.min(events.length, from + SLICE)
        const part: Part = { events: events.slice(from, to), at: Array.from({ length: to - from }, (_, k) => from + k) }
        from = to
        return part
      }
    }

    /**
     * Verify, fold and store events taken from `next`; fills `verdicts`; the keys delivered.
     * `holdAt`: the clock's time, to hold events too far ahead of it (`undefined` for a
     * device's own event); `verified`: signatures checked already.
     */
    const ingest = (
      next: () => Part | undefined,
      verdicts: Array<ReceiveVerdict | undefined>,
      holdAt: number | undefined,
      verified = false
    ): Effect.Effect<ReadonlyArray<string>, StorageError> =>
      Effect.gen(function* () {
        const delivered: Array<string> = []
        const embedded: Array<Event.Event> = []
        yield* verifyAndFold(next, verdicts, delivered, embedded, holdAt, verified)
        // Embedded events go through the same checks as received ones (their own and
        // embedded signatures, the clock's), one level deep: proofs inside proofs are not unpacked.
        if (embedded.length > 0) yield* verifyAndFold(slicesOf(embedded), [], delivered, undefined, holdAt ?? now(), false)
        forgetDoor(replica)
        yield* commit(delivered)
        return delivered
      })

    /** Offer the log the held events that are due (their signatures were checked when they were held). */
    const release = (): Effect.Effect<ReadonlyArray<string>, StorageError> =>
      Effect.suspend(() => {
        const at = now()
        const due = takeDue(at)
        return due.length === 0 ? Effect.succeed([]) : ingest(slicesOf(due), [], at, true)
      })

    const held = (): ReadonlyArray<Held> => {
      if (heldView === undefined) {
        const at = now()
        heldView = [...holding.values()]
          .sort((a, b) => a.until - b.until || (a.event.key < b.event.key ? -1 : 1))
          .map((h) => heldVerdict(h, at))
      }
      return heldView
    }

    const receive = (inputs: ReadonlyArray<Uint8Array>) =>
      Effect.gen(function* () {
        yield* release()
        const time = now()
        const verdicts: Array<ReceiveVerdict | undefined> = new Array(inputs.length)
        let n = 0
        /** Decode the next slice of inputs: bytes that fail get their verdict here. */
        const next = (): Part | undefined => {
          const events: Array<Event.Event> = []
          const at: Array<number> = []
          const size = sliceSize(inputs.length - n, n === 0)
          while (n < inputs.length && events.length < size) {
            const d = Event.decode(inputs[n]!)
            if (!d.ok) verdicts[n] = invalid(null, d.error.reason, d.error.message)
            else {
              const c = d.event.header.community
              const h = holding.get(d.event.key)
              if (c !== null && !Bytes.equals(c, replica.log.community))
                verdicts[n] = invalid(d.event.key, "WrongCommunity", `event belongs to community ${Bytes.toHex(c)}`)
              // Held already: its signatures were checked; it is not checked again.
              else if (h !== undefined) verdicts[n] = heldVerdict(h, time)
              else {
                events.push(d.event)
                at.push(n)
              }
            }
            n++
          }
          return events.length === 0 ? undefined : { events, at }
        }
        yield* ingest(next, verdicts, time)
        return verdicts as ReadonlyArray<ReceiveVerdict>
      })

    /**
     * The draft of an event by the key `author` on the current heads. Its time is raised to
     * the latest time among what it cites (never to a held event's: those are not heads),
     * so it cannot go backwards.
     */
    const draftOf = (author: Uint8Array, module: string, type: string, body: Cbor.Value, options: AppendOptions): Event.Draft => {
      const time = options.time ?? now()
      const log = replica.log
      const id = Bytes.toHex(author)
      const tip = replica.chainTip(id)
      const parents = log.heads().slice(0, Event.Limits.maxParents)
      let cited = 0
      for (const k of parents) cited = Math.max(cited, log.time[log.index.get(k)!]!)
      const own = log.tip(id)
      if (own !== undefined) cited = Math.max(cited, log.time[own.index]!)
      return {
        community: log.community,
        author,
        seq: tip.seq,
        prev: tip.prev,
        parents: parents.map((k) => Bytes.fromHex(k)!),
        time: Math.max(Number(time), cited),
        module,
        type,
        body,
        ...(options.payload === undefined ? {} : { payload: options.payload })
      }
    }

    /** The error `append` fails with when the log does not take its event. */
    const notTaken = (verdict: ReceiveVerdict | undefined): AppendError =>
      new AppendError({
        reason: verdict?._tag ?? "Unknown",
        message: verdict?._tag === "Invalid" ? verdict.reason.message : `the event is ${verdict?._tag}`
      })

    // One append at a time: an append reads its key's chain tip before signing and takes its
    // event after, so two at once from one device would sign two events at one `seq` and fork
    // the key (every later event of it then stops counting, §4).
    const oneAtATime = Semaphore.makeUnsafe(1)

    const append = (device: DeviceKey, module: string, type: string, body: Cbor.Value, options: AppendOptions = {}) =>
      Effect.gen(function* () {
        yield* release()
        const event = yield* Event.sign(crypto, device.secret, draftOf(device.publicKey, module, type, body, options)).pipe(
          Effect.mapError((e) => new AppendError({ reason: e.reason, message: e.message }))
        )
        const verdicts: Array<ReceiveVerdict | undefined> = []
        // A device's own event is not held: its time is its own claim.
        yield* ingest(slicesOf([event]), verdicts, undefined)
        const verdict = verdicts[0]
        if (verdict?._tag !== "Valid") return yield* Effect.fail(notTaken(verdict))
        return { key: event.key, outcome: replica.outcome(event.key)! }
      }).pipe(oneAtATime.withPermit)

    const erasePayload = (device: DeviceKey, key: string, options: Omit<AppendOptions, "payload"> = {}) =>
      Effect.suspend(() => {
        const i = replica.log.index.get(key)
        if (i === undefined || !replica.log.commitsToPayload(i))
          return Effect.fail(
            new AppendError({
              reason: i === undefined ? "UnknownEvent" : "NoPayload",
              message: i === undefined ? `no event ${key.slice(0, 12)}… is delivered here` : `event ${key.slice(0, 12)}… carries no payload`
            })
          )
        const d = Event.decode(replica.log.bytes[i]!, { owned: true })
        if (!d.ok) return Effect.fail(new AppendError({ reason: d.error.reason, message: d.error.message }))
        return append(device, "core", "payload.erase", { header: d.event.headerBytes }, options)
      })

    const check = (author: DeviceKey | Uint8Array, module: string, type: string, body: Cbor.Value, appendOptions: AppendOptions = {}) =>
      Effect.gen(function* () {
        const publicKey = author instanceof Uint8Array ? author : author.publicKey
        const prepared = Event.prepare(draftOf(publicKey, module, type, body, appendOptions))
        if (!prepared.ok) return yield* Effect.fail(new AppendError({ reason: prepared.error.reason, message: prepared.error.message }))
        // An event's id does not cover its signature: unsigned, it is the event `append` would sign.
        const decoded = Event.decode(Event.assemble(prepared.unsigned, new Uint8Array(64)))
        if (!decoded.ok) return yield* Effect.fail(new AppendError({ reason: decoded.error.reason, message: decoded.error.message }))
        const event = decoded.event
        const embedded = embeddedSignatures(event)
        if (embedded.length > 0 && !(yield* crypto.verifyBatch(embedded)).every(Boolean))
          return yield* Effect.fail(notTaken(invalid(event.key, "BadEmbeddedSignature", "a signature inside the body does not verify")))
        const probed = yield* Effect.try({
          try: () => probe(replica, options, event),
          catch: (e) => new AppendError({ reason: "Unreadable", message: e instanceof Error ? e.message : String(e) })
        })
        if (probed.verdict._tag !== "Valid" || probed.outcome === undefined) return yield* Effect.fail(notTaken(probed.verdict))
        return probed.outcome
      })

    const community: Community = {
      id: replica.id,
      replica,
      append,
      check,
      receive,
      release,
      held,
      isHeld: (key) => holding.has(key),
      subscribe: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      // As peers are sent them: with the payloads this replica holds.
      export: () => replica.log.bytes.map((_, i) => replica.log.wire(i)),
      checkpoint: () => writeCheckpoint,
      resumed,
      payload: (key) => {
        const i = replica.log.index.get(key)
        return i === undefined ? undefined : replica.log.payload(i)?.slice()
      },
      erasePayload
    }
    yield* payloads.load
    return community
  })

/** What a new community starts with. */
export interface CreateOptions extends Options {
  readonly name: string
  /** The device key that signs the genesis; it is a founder. */
  readonly author: DeviceKey
  /** Other founders' first device keys (public keys). */
  readonly founders?: ReadonlyArray<Uint8Array>
  /** Community parameters; omitted ones take their defaults. */
  readonly params?: Partial<Pick<Module.Params, "timeWitnesses" | "primeSize" | "primeTerm" | "quorumPercent">>
  /**
   * The time the genesis claims, in ms (default: the clock's). Community time starts there,
   * so this is when a community whose founding is entered afterwards (from paper, or from
   * another system) was founded. Events appended later claim a time no earlier than this.
   */
  readonly time?: number
}

/** Write a genesis, store it, and open the new community. */
export const create = (
  options: CreateOptions
): Effect.Effect<Community, AppendError | StorageError, Crypto | Storage> =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    const now = options.time ?? (yield* Clock.currentTimeMillis)
    const founders = Event.dedupeSorted([options.author.publicKey, ...(options.founders ?? [])])
    const params: Record<string, number> = {}
    for (const [k, v] of Object.entries(options.params ?? {})) if (v !== undefined) params[k] = v
    const genesis = yield* Event.sign(crypto, options.author.secret, {
      community: null,
      author: options.author.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time: Number(now),
      module: "core",
      type: "genesis",
      body: { name: options.name, founders: [...founders], params }
    }).pipe(Effect.mapError((e) => new AppendError({ reason: e.reason, message: e.message })))
    const opened = Replica.open(genesis, options)
    if (!opened.ok) return yield* Effect.fail(new AppendError({ reason: "GenesisError", message: opened.error.message }))
    const storage = yield* Storage
    yield* storage.append(opened.replica.id, [genesis.bytes])
    return yield* make(opened.replica, 1, options, undefined)
  })

/**
 * Reopen a stored community. Stored events were verified when they were accepted, so
 * their signatures are not checked again; their ids are hashed again. When the local
 * checkpoint matches the stored log, the fold resumes from it and only the events stored
 * after it are folded; a missing, damaged or stale checkpoint is ignored and the whole
 * history folded again, so the state is the same either way. The work runs in slices
 * with turns of the event loop between them (see {@link Options.yieldAfterMs}).
 */
export const open = (
  id: string,
  options: Options = {}
): Effect.Effect<Community, CommunityNotFound | StorageError, Crypto | Storage> =>
  Effect.gen(function* () {
    const storage = yield* Storage
    const slices = slicer(options.yieldAfterMs ?? YIELD_AFTER_MS)
    // The checkpoint is read while the records are: the store answers both at once.
    const [records, stored] = yield* Effect.all(
      [storage.events(id), options.checkpoint === false ? Effect.succeed(undefined) : storage.get(id, Checkpoints.KEY).pipe(Effect.orElseSucceed(() => undefined))],
      { concurrency: 2 }
    )
    // A turn of the event loop between reading the records and rebuilding the log.
    yield* slices.check
    const notFound = (message: string) => new CommunityNotFound({ community: id, message })
    const head = records[0]
    // Storage returns arrays of its own that nobody changes: no copy needed.
    const first = head === undefined ? undefined : Event.decode(head, { owned: true })
    if (first !== undefined && !first.ok) return yield* Effect.fail(notFound(`stored event no longer decodes: ${first.error.message}`))
    if (first === undefined || first.event.key !== id) return yield* Effect.fail(notFound(`no community ${id} in this storage`))
    // The first decode and the modules' `init` run code for the first time on a fresh page.
    yield* slices.check
    const opened = Replica.open(first.event, options)
    if (!opened.ok) return yield* Effect.fail(notFound(opened.error.message))
    const replica = opened.replica
    yield* slices.check

    // A checkpoint that cannot be read is no checkpoint: fold from the genesis instead.
    let checkpoint: ReturnType<typeof Checkpoints.decode> | undefined
    if (stored !== undefined) {
      const label = (options.checkpoint || undefined)?.label ?? ""
      checkpoint = yield* Effect.promise(() => Checkpoints.read(stored, replica.log.community, label))
      yield* slices.check
    }
    // The checkpoint lists the ids of the records it covers: when one pass over those
    // records gives the digest it recorded, they are the same bytes, and their ids need not
    // be hashed one by one again.
    if (typeof checkpoint === "object") {
      const covered = checkpoint.size
      const digest = covered <= records.length ? yield* Effect.promise(() => Hash.sha256Framed(records, covered)) : undefined
      if (digest === undefined || !Bytes.equals(digest, checkpoint.records))
        checkpoint = "the stored records are not those the checkpoint was taken over"
    }
    const usable = typeof checkpoint === "object" ? checkpoint : undefined
    const ids = usable?.ids
    for (let k = 1; k < records.length; k++) {
      const problem = replica.loadStored(records[k]!, usable?.size, ids !== undefined && k < usable!.size ? ids.subarray(32 * k, 32 * k + 32) : undefined)
      if (problem !== undefined) return yield* Effect.fail(notFound(`stored event no longer decodes: ${problem}`))
      // The clock is cheap to read; the first records run before the code is optimised.
      if ((k & 3) === 0 && slices.due()) yield* slices.pause
    }
    // Restoring the checkpoint is a few tasks of their own; what the caller does next starts fresh.
    yield* slices.check
    const steps = replica.resumeInSteps(usable)
    let resumed: Resumed | undefined
    while (resumed === undefined) {
      const step = steps.next()
      if (step.done === true) resumed = step.value
      else yield* slices.check
    }
    const failure = yield* foldInSlices(replica, slices).pipe(
      Effect.as(undefined),
      Effect.catchDefect((cause) => Effect.succeed(cause instanceof Error ? cause.message : String(cause)))
    )
    if (failure !== undefined) return yield* Effect.fail(notFound(failure))
    // Community time of the events a checkpoint covered, in slices: the first read of it (a
    // page's first render) would otherwise compute it for the whole history in one task.
    while (!replica.warmClock(CLOCK_STEPS)) if (slices.due()) yield* slices.pause
    const why: Resumed =
      resumed._tag === "FromGenesis" && typeof checkpoint === "string" ? { _tag: "FromGenesis", reason: checkpoint } : resumed
    const community = yield* make(replica, replica.log.size, options, why)
    // After folding much again, save the next open that work (failing to is no error).
    const every = options.checkpoint === false ? Number.POSITIVE_INFINITY : (options.checkpoint?.every ?? CHECKPOINT_EVERY)
    // Written after `open` returns, so the first screen does not wait for it.
    if (replica.log.size - (why._tag === "FromCheckpoint" ? why.position : 0) >= Math.max(1, every))
      yield* Effect.forkDetach(Effect.ignore(community.checkpoint()))
    return community
  })

/**
 * Start a community from a genesis received from elsewhere (an invitation): its signature
 * is verified, then it is stored. Later events arrive through `receive`.
 */
export const join = (
  genesisBytes: Uint8Array,
  options: Options = {}
): Effect.Effect<Community, AppendError | StorageError, Crypto | Storage> =>
  Effect.gen(function* () {
    const crypto = yield* Crypto
    const d = Event.decode(genesisBytes)
    if (!d.ok) return yield* Effect.fail(new AppendError({ reason: d.error.reason, message: d.error.message }))
    const valid = yield* Event.verify(crypto, d.event)
    if (!valid) return yield* Effect.fail(new AppendError({ reason: "BadSignature", message: "the genesis signature does not verify" }))
    const opened = Replica.open(d.event, options)
    if (!opened.ok) return yield* Effect.fail(new AppendError({ reason: "GenesisError", message: opened.error.message }))
    const storage = yield* Storage
    const existing = yield* storage.events(opened.replica.id)
    if (existing.length === 0) yield* storage.append(opened.replica.id, [genesisBytes])
    else return yield* open(opened.replica.id, options).pipe(
      Effect.mapError((e) => (e._tag === "CommunityNotFound" ? new AppendError({ reason: "Corrupt", message: e.message }) : e))
    )
    return yield* make(opened.replica, 1, options, undefined)
  })
