/**
 * The sync transport contract: a `Connection` carries whole binary frames between two
 * peers. Every adapter (in-memory, WebSocket, BroadcastChannel) implements it and runs
 * the shared suite `runSyncTransportContract` from `@affinity/core/testing`.
 *
 * ## Contract
 *
 * 1. **Frames.** `send(frame)` delivers `frame` to the other end as one frame, byte for
 *    byte, in the order sent, while the connection is open. Frames of 0 bytes up to the
 *    adapter's maximum (at least 1 MiB) are supported. (The simulated network of
 *    `Sync.Memory` may drop, duplicate, delay and reorder frames on purpose: the sync
 *    protocol tolerates it.)
 * 2. **Receiving.** `receive(handler)` sets the one function that gets incoming frames.
 *    Frames that arrive before it is set are held and handed over, in order, when it is.
 *    A handler that throws does not stop later frames.
 * 3. **Ownership.** The receiver gets its own bytes: changing a frame after `send`, or a
 *    received frame, changes nothing on the other side.
 * 4. **Closing.** `close(reason)` is idempotent. After it, `send` does nothing and no more
 *    frames reach the handler. `closed` resolves exactly once: with `by: "local"` and the
 *    given reason on the side that closed, with `by: "remote"` and the same reason tag and
 *    message on the other side (a transport may shorten the message), and with
 *    `by: "transport"` when the link itself failed. Frames sent before `close` reach the
 *    other side before it learns of the close.
 * 5. **Never throws.** `send`, `receive` and `close` do not throw, whatever the state.
 *
 * @module
 */

/** A reason to close a connection: a tag a program can switch on and a sentence for people. */
export interface Reason {
  /** `Closed` for a normal close; otherwise a `DisconnectReason` or an adapter's own tag. */
  readonly reason: string
  readonly message: string
}

/** How a connection ended, as seen from one side. */
export interface CloseReason extends Reason {
  /** Who ended it: this side, the other side, or the transport (link lost, socket error). */
  readonly by: "local" | "remote" | "transport"
}

/** One end of a link that carries binary frames. */
export interface Connection {
  /** Send one frame; does nothing once the connection is closed. */
  readonly send: (frame: Uint8Array) => void
  /** Set the function that receives frames (frames that came earlier are handed over now). */
  readonly receive: (handler: (frame: Uint8Array) => void) => void
  /** Close the connection, telling the other side why. Idempotent. */
  readonly close: (reason?: Reason) => void
  /** Resolves once, when the connection is closed (by either side or the transport). */
  readonly closed: Promise<CloseReason>
}

/** The reason used when `close()` is called without one. */
export const normalClose: Reason = { reason: "Closed", message: "the connection was closed" }

/**
 * A helper for adapters: the receiving half of a connection (buffer until a handler is
 * set, isolate handler errors, stop after close) and the `closed` promise.
 */
export interface Endpoint {
  /** Hand an incoming frame to the handler (or hold it until one is set). */
  readonly deliver: (frame: Uint8Array) => void
  /** Mark the connection closed; the first call wins. Returns whether this call closed it. */
  readonly finish: (reason: CloseReason) => boolean
  readonly isClosed: () => boolean
  readonly receive: (handler: (frame: Uint8Array) => void) => void
  readonly closed: Promise<CloseReason>
}

/** Make the receiving half of a connection (see {@link Endpoint}). */
export const makeEndpoint = (): Endpoint => {
  let handler: ((frame: Uint8Array) => void) | undefined
  let held: Array<Uint8Array> = []
  let done = false
  let draining = false
  let resolve: (reason: CloseReason) => void = () => {}
  const closed = new Promise<CloseReason>((r) => (resolve = r))
  const call = (frame: Uint8Array) => {
    try {
      handler!(frame)
    } catch {
      // A handler's failure is its own; the connection keeps delivering.
    }
  }
  return {
    deliver: (frame) => {
      if (done) return
      if (handler && !draining) call(frame)
      else held.push(frame)
    },
    finish: (reason) => {
      if (done) return false
      done = true
      held = []
      resolve(reason)
      return true
    },
    isClosed: () => done,
    receive: (h) => {
      handler = h
      if (draining) return
      draining = true
      for (let i = 0; i < held.length && !done; i++) call(held[i]!)
      held = []
      draining = false
    },
    closed
  }
}
