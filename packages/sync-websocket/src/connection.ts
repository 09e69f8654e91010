/**
 * The `Connection` contract of `@affinity/core` (`Sync.Connection`), restated here by
 * shape so this package has no runtime dependency: TypeScript checks that the two match
 * wherever a connection from here is handed to a sync hub.
 *
 * @module
 */

/** A reason to close a connection: a tag and a sentence for people. */
export interface Reason {
  readonly reason: string
  readonly message: string
}

/** How a connection ended, as seen from one side. */
export interface CloseReason extends Reason {
  readonly by: "local" | "remote" | "transport"
}

/** One end of a link that carries binary frames (see `Sync.Connection` in `@affinity/core`). */
export interface Connection {
  readonly send: (frame: Uint8Array) => void
  readonly receive: (handler: (frame: Uint8Array) => void) => void
  readonly close: (reason?: Reason) => void
  readonly closed: Promise<CloseReason>
}

/** WebSocket close code for a close with an Affinity reason (`<reason>: <message>` as close text). */
export const CLOSE_CODE = 4000

/** Close text of a reason, at most 123 bytes of UTF-8 (the WebSocket limit). */
export const closeText = (r: Reason): string => {
  let out = ""
  let bytes = 0
  for (const ch of `${r.reason}: ${r.message}`) {
    const n = new TextEncoder().encode(ch).length
    if (bytes + n > 123) break
    out += ch
    bytes += n
  }
  return out
}

/** How a socket's close code and text read as a close reason. */
export const fromClose = (code: number, text: string, by: "remote" | "transport"): CloseReason => {
  if (code === CLOSE_CODE) {
    const at = text.indexOf(": ")
    const tag = at > 0 ? text.slice(0, at) : ""
    if (/^[A-Za-z]{1,64}$/.test(tag)) return { by, reason: tag, message: text.slice(at + 2) }
    return { by, reason: "Closed", message: text }
  }
  if (code === 1000 || code === 1001) return { by, reason: "Closed", message: text || "the connection was closed" }
  if (code === 1009) return { by, reason: "FrameTooLarge", message: text || "a frame was above the other side's limit" }
  return { by: "transport", reason: "TransportError", message: `the connection was lost (code ${code}${text ? `: ${text}` : ""})` }
}

/** The receiving half of a connection: holds frames until a handler is set, isolates handler errors. */
export const makeEndpoint = () => {
  let handler: ((frame: Uint8Array) => void) | undefined
  let held: Array<Uint8Array> = []
  let draining = false
  let done = false
  let resolve: (r: CloseReason) => void = () => {}
  const closed = new Promise<CloseReason>((r) => (resolve = r))
  const call = (frame: Uint8Array) => {
    try {
      handler!(frame)
    } catch {
      // The handler's failure is its own.
    }
  }
  return {
    closed,
    isClosed: () => done,
    deliver: (frame: Uint8Array) => {
      if (done) return
      if (handler && !draining) call(frame)
      else held.push(frame)
    },
    finish: (r: CloseReason): boolean => {
      if (done) return false
      done = true
      held = []
      resolve(r)
      return true
    },
    receive: (h: (frame: Uint8Array) => void) => {
      handler = h
      if (draining) return
      draining = true
      for (let i = 0; i < held.length && !done; i++) call(held[i]!)
      held = []
      draining = false
    }
  }
}
