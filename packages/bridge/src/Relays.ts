/**
 * Staying connected to relays. A relay stores and forwards a community's signed events and
 * holds no power; through it the bridge receives what other members write and passes on
 * what it signs. Each relay is dialled, handed to the sync hub, and dialled again when the
 * connection ends or cannot be made, after a delay that doubles from one second up to a
 * minute (and starts over after a connection that worked). Each dial is a new
 * connection, so a dial that signs an introduction (the bridge's default) signs a fresh
 * one every time.
 *
 * @module
 */
import type { Sync } from "@affinity/core"

/** Opens a connection to a relay address; rejects when it cannot. */
export type Dial = (url: string) => Promise<Sync.Connection.Connection>

/** How one relay is doing. */
export interface Status {
  readonly url: string
  readonly connected: boolean
  /** Why the last connection ended or could not be made, or `null`. */
  readonly error: string | null
}

/** Relays being kept connected. */
export interface Relays {
  readonly status: () => ReadonlyArray<Status>
  /** Stop dialling and close every connection. */
  readonly close: () => void
}

/** Options of {@link keep}. */
export interface RelayOptions {
  readonly hub: Sync.SyncHub
  readonly urls: ReadonlyArray<string>
  readonly dial: Dial
  /** First delay before dialling again, in ms (default 1,000). */
  readonly firstDelayMs?: number
  /** Longest delay, in ms (default 60,000). */
  readonly maxDelayMs?: number
}

/** Keep `urls` connected to `hub`. */
export const keep = (options: RelayOptions): Relays => {
  const first = options.firstDelayMs ?? 1_000
  const max = options.maxDelayMs ?? 60_000
  let closed = false
  const wakers = new Set<() => void>()
  const states = options.urls.map((url) => ({
    url,
    connected: false,
    error: null as string | null,
    connection: undefined as Sync.Connection.Connection | undefined
  }))

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wakers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      wakers.add(done)
    })

  for (const state of states)
    void (async () => {
      let delay = first
      while (!closed) {
        try {
          const connection = await options.dial(state.url)
          if (closed) {
            connection.close()
            return
          }
          state.connection = connection
          state.connected = true
          state.error = null
          delay = first
          const peer = options.hub.connect(connection)
          const reason = await peer.closed
          state.error = `${reason.reason}: ${reason.message}`
        } catch (e) {
          state.error = e instanceof Error ? e.message : String(e)
        }
        state.connected = false
        state.connection = undefined
        if (closed) return
        await sleep(delay)
        delay = Math.min(max, delay * 2)
      }
    })()

  return {
    status: () => states.map(({ url, connected, error }) => ({ url, connected, error })),
    close: () => {
      closed = true
      for (const wake of [...wakers]) wake()
      for (const s of states) s.connection?.close()
    }
  }
}
