/**
 * The feed as Server-Sent Events (`GET /events/stream`).
 *
 * The stream opens with a `ready` event (`{ "community": …, "last": <id of the latest item
 * or null> }`), then sends each feed item as an event named after its kind (`event` or
 * `record`), with the item's id as the SSE id and the item as JSON data. A client that
 * reconnects with `Last-Event-ID` (or `?after=<id>`) first gets the items it missed; when
 * some can no longer be sent (too old, or from before the bridge restarted) a `gap` event
 * says so, and the client should read the records again. A comment line every 15 seconds
 * keeps proxies from closing a quiet stream. A client that falls more than 1,000 items
 * behind gets an `overflow` event and the stream ends.
 *
 * @module
 */
import type { Context } from "hono"
import { streamSSE } from "hono/streaming"
import type { Bridge } from "./Bridge.ts"
import type * as Schemas from "./Schemas.ts"

/** Items a stream may fall behind by before it is ended. */
export const MAX_BEHIND = 1_000

/** Milliseconds between keep-alive comments. */
export const KEEP_ALIVE_MS = 15_000

/** Answer `c` with the bridge's feed as Server-Sent Events, from after item `after` when given. */
export const stream = (c: Context, bridge: Bridge, after: string | undefined, closing: AbortSignal): Response =>
  streamSSE(c, async (sse) => {
    const queue: Array<Schemas.FeedItem> = []
    let overflow = false
    let wake: (() => void) | undefined
    const nudge = () => wake?.()
    // Subscribing and reading what was missed happen in one turn, so nothing falls between them.
    const stop = bridge.feed.subscribe((item) => {
      if (queue.length >= MAX_BEHIND) overflow = true
      else queue.push(item)
      nudge()
    })
    const missed = after === undefined ? undefined : bridge.feed.after(after)
    if (missed !== undefined) queue.unshift(...missed.items)
    closing.addEventListener("abort", nudge)
    sse.onAbort(nudge)
    try {
      await sse.writeSSE({
        event: "ready",
        data: JSON.stringify({ community: bridge.community.id, last: bridge.feed.last() ?? null }),
        retry: 2_000
      })
      if (missed?.gap === true)
        await sse.writeSSE({
          event: "gap",
          data: JSON.stringify({ message: "some changes since the id you gave are no longer kept (or the bridge restarted): read the records again" })
        })
      while (!sse.aborted && !sse.closed && !closing.aborted) {
        if (overflow) {
          await sse.writeSSE({ event: "overflow", data: JSON.stringify({ message: `this stream fell more than ${MAX_BEHIND} items behind; reconnect` }) })
          return
        }
        const item = queue.shift()
        if (item !== undefined) {
          await sse.writeSSE({ id: item.id, event: item.kind, data: JSON.stringify(item) })
          continue
        }
        const quiet = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), KEEP_ALIVE_MS)
          wake = () => {
            clearTimeout(timer)
            resolve(false)
          }
        })
        wake = undefined
        if (quiet && !sse.aborted) await sse.write(": keep-alive\n\n")
      }
    } finally {
      stop()
      closing.removeEventListener("abort", nudge)
    }
  })
