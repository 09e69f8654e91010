/**
 * The live feed: after every change to the community (an act of this bridge, events from a
 * relay), one item per new event, in delivery order, then one per record that changed.
 * Server-Sent Events and webhooks both read it.
 *
 * Items are numbered `<run>:<n>`, where `run` is random per start of the bridge and `n`
 * counts from 1; the latest items are kept so that a client reconnecting with the last id
 * it saw gets what it missed. An id from another run, or older than what is kept, is a gap:
 * the client should read the records again.
 *
 * @module
 */
import { randomBytes } from "node:crypto"
import type { Client } from "@affinity/core"
import * as RecordChanges from "./RecordChanges.ts"
import type * as Schemas from "./Schemas.ts"
import * as Views from "./Views.ts"

/** Items kept for clients that reconnect (default). */
export const KEEP = 1024

/** What a reconnecting client missed. */
export interface Missed {
  readonly items: ReadonlyArray<Schemas.FeedItem>
  /** Whether items may have been missed that are no longer kept (or from another run). */
  readonly gap: boolean
}

/** The feed of one community. */
export interface Feed {
  /** Call `listener` with each new item; returns the function that stops it. */
  readonly subscribe: (listener: (item: Schemas.FeedItem) => void) => () => void
  /** The kept items after the one numbered `id`, and whether some may be missing. */
  readonly after: (id: string) => Missed
  /** The id of the latest item, or `undefined` before the first. */
  readonly last: () => string | undefined
  /** Stop following the community. */
  readonly close: () => void
}

/** Options of {@link make}. */
export interface FeedOptions {
  readonly community: Client.CommunityHandle
  readonly reader: Views.Reader
  /** The position (delivery order) and wire bytes of a delivered event. */
  readonly eventAt: (key: string) => { readonly index: number; readonly bytes: Uint8Array } | undefined
  /** Items kept for reconnecting clients (default {@link KEEP}). */
  readonly keep?: number
  /** Called when a listener throws (it is not called again for that item). */
  readonly onError?: (error: unknown) => void
}

/** Follow a community. */
export const make = (options: FeedOptions): Feed => {
  const { community, reader } = options
  const run = randomBytes(4).toString("hex")
  const keep = Math.max(1, options.keep ?? KEEP)
  const kept: Array<Schemas.FeedItem> = []
  const listeners = new Set<(item: Schemas.FeedItem) => void>()
  let n = 0
  let snapshot: RecordChanges.Snapshot = { core: reader.core(), governance: reader.governance() }

  const emit = (item: Schemas.FeedItem) => {
    kept.push(item)
    if (kept.length > keep) kept.splice(0, kept.length - keep)
    for (const listener of [...listeners]) {
      try {
        listener(item)
      } catch (e) {
        options.onError?.(e)
      }
    }
  }
  const id = () => `${run}:${++n}`

  const stop = community.subscribe((change) => {
    try {
      for (const key of change.delivered) {
        const at = options.eventAt(key)
        const view = at === undefined ? undefined : Views.event(reader, at.index, at.bytes)
        if (view !== undefined) emit({ id: id(), community: community.id, kind: "event", event: view })
      }
      for (const c of RecordChanges.between(snapshot, reader)) emit({ id: id(), community: community.id, kind: "record", change: c })
    } catch (e) {
      options.onError?.(e)
    } finally {
      snapshot = { core: reader.core(), governance: reader.governance() }
    }
  })

  return {
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    after: (last) => {
      const [r, count] = last.split(":")
      const seen = Number(count)
      if (r !== run || !Number.isSafeInteger(seen) || seen < 0 || seen > n) return { items: [], gap: true }
      const first = kept[0] === undefined ? n + 1 : Number(kept[0].id.split(":")[1])
      return { items: kept.filter((item) => Number(item.id.split(":")[1]) > seen), gap: seen + 1 < first }
    },
    last: () => (n === 0 ? undefined : `${run}:${n}`),
    close: () => {
      stop()
      listeners.clear()
    }
  }
}
