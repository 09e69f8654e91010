/**
 * Per-peer limits against hostile peers, the typed reasons a peer is disconnected for,
 * and the clock the sync engine reads (replaceable, so simulations run on virtual time).
 *
 * @module
 */

/** What a sync peer may cost this replica; every limit is per connection. */
export interface Limits {
  /** Largest frame accepted, in bytes (announced in `hello`). Default 1 MiB. */
  readonly maxFrameBytes: number
  /** Bytes of `events` frames the peer may send before they are acknowledged (announced in `hello`). Default 2 MiB. */
  readonly window: number
  /** Bytes of received frames held before they are validated. Default `window` + 2 × `maxFrameBytes`. */
  readonly maxUnvalidatedBytes: number
  /** Events from this peer held while their parents are missing. Default 2,000. */
  readonly maxPending: number
  /** Bytes of those events. Default 4 MiB. */
  readonly maxPendingBytes: number
  /**
   * Flood budget refilled per second: one unit per frame and one per 4 KiB received, one per
   * 1,024 ids hashed for fingerprints, one per 256 ids requested. Default 2,000 (about 8 MB/s).
   */
  readonly unitsPerSecond: number
  /** Flood budget that can be spent at once. Default 10,000. */
  readonly burst: number
  /** Steps one reconciliation round may take before the peer is cut off. Default 64. */
  readonly maxRoundSteps: number
  /** Communities one peer may open on this connection. Default 10,000. */
  readonly maxCommunities: number
}

/** Smallest frame limit and window a peer may announce: room for the largest event and then some. */
export const MIN_FRAME_BYTES = 256 * 1024

/** Default limits. */
export const defaultLimits: Limits = {
  maxFrameBytes: 1024 * 1024,
  window: 2 * 1024 * 1024,
  maxUnvalidatedBytes: 4 * 1024 * 1024,
  maxPending: 2_000,
  maxPendingBytes: 4 * 1024 * 1024,
  unitsPerSecond: 2_000,
  burst: 10_000,
  maxRoundSteps: 64,
  maxCommunities: 10_000
}

/** Complete limits from a partial set, keeping `maxUnvalidatedBytes` consistent with the others. */
export const resolveLimits = (partial: Partial<Limits> = {}): Limits => {
  const maxFrameBytes = Math.max(MIN_FRAME_BYTES, partial.maxFrameBytes ?? defaultLimits.maxFrameBytes)
  const window = Math.max(MIN_FRAME_BYTES, partial.window ?? defaultLimits.window)
  return {
    ...defaultLimits,
    ...partial,
    maxFrameBytes,
    window,
    maxUnvalidatedBytes: partial.maxUnvalidatedBytes ?? window + 2 * maxFrameBytes
  }
}

/**
 * Why a peer was disconnected. Every one is sent to the peer in a `bye` and given as the
 * connection's close reason.
 *
 * - `VersionMismatch`: no protocol version in common.
 * - `FrameTooLarge`: a frame above `maxFrameBytes`.
 * - `MalformedMessage`: a frame that is not a well-formed message.
 * - `ProtocolViolation`: a well-formed message at the wrong time (a second hello with another
 *   nonce, a reconciliation round that does not end), or more communities than `maxCommunities`.
 * - `Flood`: the flood budget ran out.
 * - `TooMuchUnvalidated`: more than `maxUnvalidatedBytes` received and not yet validated
 *   (the peer ignored the window).
 * - `TooManyPending`: more than `maxPending` events (or `maxPendingBytes`) waiting for parents.
 * - `InvalidEvent`: an event that fails validation (bad signature, malformed, wrong community):
 *   an honest peer only forwards events it validated by the same rules.
 * - `StorageFailed`: this side could not store what the peer sent (nothing was acknowledged).
 * - `Timeout`: the peer never said hello.
 * - `Shutdown`: this side is closing.
 * - `InternalError`: a bug on this side; the peer is cut off rather than the replica crashing.
 */
export type DisconnectReason =
  | "VersionMismatch"
  | "FrameTooLarge"
  | "MalformedMessage"
  | "ProtocolViolation"
  | "Flood"
  | "TooMuchUnvalidated"
  | "TooManyPending"
  | "InvalidEvent"
  | "StorageFailed"
  | "Timeout"
  | "Shutdown"
  | "InternalError"

/** Time and timers as the sync engine sees them. */
export interface Clock {
  /** Milliseconds, monotonic enough for rates and timeouts. */
  readonly now: () => number
  /** Call `run` after `ms` milliseconds; returns the function that cancels it. */
  readonly setTimer: (ms: number, run: () => void) => () => void
}

/** The platform's clock (`Date.now`, `setTimeout`); timers do not keep a Node process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, run) => {
    const t = setTimeout(run, ms) as unknown as { unref?: () => void }
    t.unref?.()
    return () => clearTimeout(t as unknown as Parameters<typeof clearTimeout>[0])
  }
}

/** A token bucket: `take(cost)` is false once the budget is spent. */
export class Bucket {
  private readonly clock: Clock
  private readonly rate: number
  private readonly burst: number
  private tokens: number
  private last: number
  constructor(clock: Clock, rate: number, burst: number) {
    this.clock = clock
    this.rate = rate
    this.burst = burst
    this.tokens = burst
    this.last = clock.now()
  }
  take(cost: number): boolean {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
    this.tokens -= cost
    return this.tokens >= 0
  }
}
