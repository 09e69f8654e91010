/**
 * The WebSocket side of the `Connection` contract of `@affinity/core` (`Sync.Connection`):
 * close codes and texts. The contract and its endpoint helper come from core.
 *
 * @module
 */
import { Sync } from "@affinity/core"

export type Reason = Sync.Connection.Reason
export type CloseReason = Sync.Connection.CloseReason
export type Connection = Sync.Connection.Connection
export const makeEndpoint: () => Sync.Connection.Endpoint = Sync.Connection.makeEndpoint

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

