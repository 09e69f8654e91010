/**
 * `@affinity/sync-websocket/server`: the Node side of sync over WebSocket, on `ws`.
 * {@link listen} accepts connections and hands each to your code (usually a sync hub's
 * `connect`); {@link fromWs} wraps a `ws` socket you accepted yourself.
 *
 * Frames above `maxFrameBytes` are refused by `ws` before they are buffered whole (close
 * code 1009, read as `FrameTooLarge`).
 *
 * @example
 * ```ts
 * import { listen } from "@affinity/sync-websocket/server"
 * import { connect } from "@affinity/sync-websocket"
 *
 * const server = await listen({
 *   port: 0,
 *   onConnection: (connection) => connection.receive((frame) => connection.send(frame))
 * })
 * const client = await connect(server.url)
 * const echoed = new Promise<Uint8Array>((resolve) => client.receive(resolve))
 * client.send(new Uint8Array([1, 2, 3]))
 * console.log((await echoed).length) // 3
 * client.close()
 * await server.close()
 * ```
 *
 * @module
 */
import type { IncomingMessage } from "node:http"
import { type RawData, type WebSocket, WebSocketServer } from "ws"
import { closeText, CLOSE_CODE, type Connection, fromClose, makeEndpoint, type Reason } from "./connection.ts"

export { CLOSE_CODE, type CloseReason, type Connection, type Reason } from "./connection.ts"

const bytesOf = (data: RawData): Uint8Array => {
  if (Array.isArray(data)) {
    const total = data.reduce((n, b) => n + b.length, 0)
    const out = new Uint8Array(total)
    let o = 0
    for (const b of data) {
      out.set(b, o)
      o += b.length
    }
    return out
  }
  return data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data)
}

/** A connection over an open `ws` socket. */
export const fromWs = (socket: WebSocket): Connection => {
  const end = makeEndpoint()
  socket.on("message", (data) => end.deliver(bytesOf(data)))
  socket.on("close", (code, reason) => {
    end.finish(fromClose(code, reason.toString("utf8"), "remote"))
  })
  socket.on("error", (e: Error & { code?: string }) => {
    // `ws` closes the socket after an error; say why before its close event does.
    if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")
      end.finish({ by: "local", reason: "FrameTooLarge", message: "a frame was above this side's limit" })
    else end.finish({ by: "transport", reason: "TransportError", message: e.message })
  })
  return {
    send: (frame) => {
      if (end.isClosed() || socket.readyState !== socket.OPEN) return
      socket.send(frame.slice(), { binary: true }, () => {})
    },
    receive: end.receive,
    close: (reason: Reason = { reason: "Closed", message: "the connection was closed" }) => {
      if (!end.finish({ ...reason, by: "local" })) return
      try {
        socket.close(CLOSE_CODE, closeText(reason))
      } catch {
        socket.terminate()
      }
    },
    closed: end.closed
  }
}

/** Who connected. */
export interface ConnectionInfo {
  readonly remoteAddress: string | undefined
  readonly url: string | undefined
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** TCP port; 0 (the default) lets the system pick one. */
  readonly port?: number
  /** Address to bind (default `127.0.0.1`). */
  readonly host?: string
  /** Largest frame accepted, in bytes (default 1 MiB, the sync default). */
  readonly maxFrameBytes?: number
  /**
   * Most open connections from one remote address (default: no limit). A connection
   * beyond it is closed at once with the reason `TooManyConnections`, before
   * `onConnection` sees it.
   */
  readonly maxConnectionsPerAddress?: number
  /** Called with every new connection. */
  readonly onConnection: (connection: Connection, info: ConnectionInfo) => void
  /**
   * The community's policy on peers, asked for every new connection before `onConnection`
   * sees it: a refusal (`{ message }`) closes the connection at once with the reason
   * `Restricted` and that message (the defense module's `SyncPolicy.refusal`, with the peer's
   * key read from its introductions, say); `undefined` lets it through.
   */
  readonly refuse?: (info: ConnectionInfo) => { readonly message: string } | undefined
}

/** A listening server. */
export interface Server {
  /** `ws://host:port/`. */
  readonly url: string
  readonly port: number
  /** Close every connection (`Shutdown`) and stop listening. */
  readonly close: () => Promise<void>
}

/** Listen for WebSocket connections. */
export const listen = (options: ListenOptions): Promise<Server> =>
  new Promise((resolve, reject) => {
    const host = options.host ?? "127.0.0.1"
    const wss = new WebSocketServer({
      port: options.port ?? 0,
      host,
      maxPayload: options.maxFrameBytes ?? 1024 * 1024,
      perMessageDeflate: false
    })
    const live = new Set<Connection>()
    const perAddress = new Map<string, number>()
    const limit = options.maxConnectionsPerAddress ?? Number.POSITIVE_INFINITY
    wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
      const connection = fromWs(socket)
      const address = request.socket.remoteAddress ?? "?"
      const open = perAddress.get(address) ?? 0
      if (open >= limit) {
        connection.close({
          reason: "TooManyConnections",
          message: `at most ${limit} connections from one address; close one and retry`
        })
        return
      }
      const info: ConnectionInfo = { remoteAddress: request.socket.remoteAddress, url: request.url }
      let refused: { readonly message: string } | undefined
      try {
        refused = options.refuse?.(info)
      } catch {
        refused = { message: "the server could not check whether this peer may sync" }
      }
      if (refused !== undefined) {
        connection.close({ reason: "Restricted", message: refused.message })
        return
      }
      perAddress.set(address, open + 1)
      live.add(connection)
      connection.closed.then(() => {
        live.delete(connection)
        const left = (perAddress.get(address) ?? 1) - 1
        if (left > 0) perAddress.set(address, left)
        else perAddress.delete(address)
      })
      try {
        options.onConnection(connection, info)
      } catch {
        connection.close({ reason: "InternalError", message: "the server could not take the connection" })
      }
    })
    wss.once("error", reject)
    wss.once("listening", () => {
      wss.off("error", reject)
      wss.on("error", () => {})
      const address = wss.address()
      const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0)
      const shown = host.includes(":") ? `[${host}]` : host
      resolve({
        url: `ws://${shown}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const c of live) c.close({ reason: "Shutdown", message: "the server is shutting down" })
            for (const client of wss.clients) client.terminate()
            wss.close(() => done())
          })
      })
    })
  })
