/**
 * `@affinity/sync-broadcastchannel`: sync between the tabs (and workers) of one browser
 * over `BroadcastChannel`. Every tab that {@link join}s a channel gets a connection to
 * every other tab on it; hand each to a sync hub.
 *
 * A channel carries plain messages to every tab, so this adapter addresses them: tabs
 * announce themselves, the tab with the lower id opens a connection to the other, and
 * frames and closes name their connection. Messages that are not well formed, or not for
 * this tab, are ignored. A tab that leaves says so; its connections close with
 * `by: "transport"`.
 *
 * @example
 * ```ts
 * import { join } from "@affinity/sync-broadcastchannel"
 *
 * const members: Array<{ close: () => void }> = []
 * const got = new Promise<number>((resolve) => {
 *   members.push(join({ name: "affinity-example", onConnection: (c) => c.receive((frame) => resolve(frame.length)) }))
 *   members.push(join({ name: "affinity-example", onConnection: (c) => c.send(new Uint8Array(4)) }))
 * })
 * console.log(await got) // 4
 * for (const m of members) m.close()
 * ```
 *
 * @module
 */
import { type CloseReason, type Connection, makeEndpoint, type Reason } from "./connection.ts"

export type { CloseReason, Connection, Reason } from "./connection.ts"

/** Options of {@link join}. */
export interface JoinOptions {
  /** Channel name the tabs share (default `"affinity-sync"`). */
  readonly name?: string
  /** This tab's id on the channel (default: random). Ids must differ between tabs. */
  readonly id?: string
  /** Called with a connection to each other tab, as it is found. */
  readonly onConnection: (connection: Connection, info: { readonly peer: string }) => void
}

/** This tab on a channel. */
export interface Member {
  readonly id: string
  /** Ids of the tabs this one has connections to. */
  readonly peers: () => ReadonlyArray<string>
  /** Close every connection (`Shutdown`), tell the others, and leave the channel. */
  readonly close: () => void
}

type Wire =
  | { readonly t: "announce"; readonly from: string; readonly to?: string }
  | { readonly t: "open"; readonly from: string; readonly to: string; readonly conn: string }
  | { readonly t: "frame"; readonly from: string; readonly to: string; readonly conn: string; readonly data: Uint8Array }
  | { readonly t: "close"; readonly from: string; readonly to: string; readonly conn: string; readonly reason: string; readonly message: string }
  | { readonly t: "leave"; readonly from: string }

const isText = (v: unknown, max = 256): v is string => typeof v === "string" && v.length > 0 && v.length <= max

/** Read a channel message; `undefined` unless it is one of ours, well formed. */
const parse = (v: unknown): Wire | undefined => {
  if (typeof v !== "object" || v === null) return undefined
  const m = v as Record<string, unknown>
  if (!isText(m["from"])) return undefined
  switch (m["t"]) {
    case "announce":
      return m["to"] === undefined || isText(m["to"]) ? (m as Wire) : undefined
    case "leave":
      return m as Wire
    case "open":
      return isText(m["to"]) && isText(m["conn"]) ? (m as Wire) : undefined
    case "frame":
      return isText(m["to"]) && isText(m["conn"]) && m["data"] instanceof Uint8Array ? (m as Wire) : undefined
    case "close":
      return isText(m["to"]) && isText(m["conn"]) && typeof m["reason"] === "string" && typeof m["message"] === "string"
        ? (m as Wire)
        : undefined
    default:
      return undefined
  }
}

interface Link {
  readonly peer: string
  readonly end: ReturnType<typeof makeEndpoint>
}

const randomId = (): string => {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(12))
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
}

/** Join a channel: connect to every tab on it, now and later. */
export const join = (options: JoinOptions): Member => {
  const id = options.id ?? randomId()
  const channel = new BroadcastChannel(options.name ?? "affinity-sync")
  const links = new Map<string, Link>()
  const known = new Set<string>()
  let count = 0
  let left = false

  const post = (m: Wire) => {
    if (left) return
    try {
      channel.postMessage(m)
    } catch {
      // A channel that cannot post is closing.
    }
  }

  const open = (peer: string, conn: string): Connection => {
    const end = makeEndpoint()
    const link: Link = { peer, end }
    links.set(conn, link)
    end.closed.then(() => links.delete(conn))
    return {
      send: (frame) => {
        if (!end.isClosed()) post({ t: "frame", from: id, to: peer, conn, data: frame.slice() })
      },
      receive: end.receive,
      close: (reason: Reason = { reason: "Closed", message: "the connection was closed" }) => {
        if (!end.finish({ ...reason, by: "local" })) return
        post({ t: "close", from: id, to: peer, conn, reason: reason.reason, message: reason.message })
      },
      closed: end.closed
    }
  }

  const hand = (connection: Connection, peer: string) => {
    try {
      options.onConnection(connection, { peer })
    } catch {
      connection.close({ reason: "InternalError", message: "the tab could not take the connection" })
    }
  }

  const meet = (peer: string) => {
    if (known.has(peer) || peer === id) return
    known.add(peer)
    if (id < peer) {
      const conn = `${id}/${peer}/${count++}`
      const connection = open(peer, conn)
      post({ t: "open", from: id, to: peer, conn })
      hand(connection, peer)
    }
  }

  channel.onmessage = (event: MessageEvent) => {
    const m = parse(event.data)
    if (!m || left || m.from === id) return
    switch (m.t) {
      case "announce":
        if (m.to !== undefined && m.to !== id) return
        if (m.to === undefined) post({ t: "announce", from: id, to: m.from })
        meet(m.from)
        return
      case "open":
        if (m.to !== id || links.has(m.conn)) return
        known.add(m.from)
        hand(open(m.from, m.conn), m.from)
        return
      case "frame":
        if (m.to === id) links.get(m.conn)?.end.deliver(m.data)
        return
      case "close": {
        if (m.to !== id) return
        const link = links.get(m.conn)
        if (link && link.peer === m.from) link.end.finish({ by: "remote", reason: m.reason.slice(0, 64) || "Closed", message: m.message.slice(0, 1024) })
        return
      }
      case "leave":
        known.delete(m.from)
        for (const link of [...links.values()])
          if (link.peer === m.from) link.end.finish({ by: "transport", reason: "Closed", message: "the other tab left" } satisfies CloseReason)
        return
    }
  }
  post({ t: "announce", from: id })

  return {
    id,
    peers: () => [...new Set([...links.values()].map((l) => l.peer))].sort(),
    close: () => {
      if (left) return
      for (const [conn, link] of [...links]) {
        if (link.end.finish({ by: "local", reason: "Shutdown", message: "this tab left the channel" }))
          post({ t: "close", from: id, to: link.peer, conn, reason: "Shutdown", message: "the other tab left the channel" })
      }
      post({ t: "leave", from: id })
      left = true
      channel.onmessage = null
      channel.close()
    }
  }
}
