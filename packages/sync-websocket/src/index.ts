/**
 * `@affinity/sync-websocket`: sync over WebSocket. This entry is the client, built on the
 * platform's global `WebSocket` (every browser, Node 22 and later); the server for Node is
 * `@affinity/sync-websocket/server`.
 *
 * Each sync frame is one binary WebSocket message. Closing with a reason sends close code
 * 4000 with `<reason>: <message>` as close text (cut to 123 bytes), so the other side
 * learns why.
 *
 * @example
 * ```ts
 * import { Sync } from "@affinity/core"
 * import { connect } from "@affinity/sync-websocket"
 * import { listen } from "@affinity/sync-websocket/server"
 *
 * const relay = Sync.makeHub()
 * const server = await listen({ port: 0, onConnection: (connection) => relay.connect(connection) })
 * const hub = Sync.makeHub()
 * const peer = hub.connect(await connect(server.url))
 * while (peer.version() === undefined) await new Promise((r) => setTimeout(r, 5))
 * console.log(peer.version()) // 1
 * await hub.close()
 * await relay.close()
 * await server.close()
 * ```
 *
 * @module
 */
import { closeText, CLOSE_CODE, type Connection, fromClose, makeEndpoint, type Reason } from "./connection.ts"

export { CLOSE_CODE, closeText, fromClose, type CloseReason, type Connection, type Reason } from "./connection.ts"

/** The part of the WebSocket API this adapter uses (the global `WebSocket` has it). */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void
  addEventListener(type: "close", listener: (event: { readonly code: number; readonly reason: string }) => void): void
  addEventListener(type: "open" | "error", listener: () => void): void
}

const OPEN = 1

const bytesOf = (data: unknown): Uint8Array => {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
  if (typeof data === "string") return new TextEncoder().encode(data)
  return new Uint8Array(0)
}

/**
 * A connection over a WebSocket that is open or opening. Frames sent while it opens are
 * sent once it is open.
 */
export const fromWebSocket = (socket: SocketLike): Connection => {
  const end = makeEndpoint()
  const early: Array<Uint8Array> = []
  socket.binaryType = "arraybuffer"
  socket.addEventListener("open", () => {
    for (const f of early.splice(0)) if (!end.isClosed()) socket.send(f)
  })
  socket.addEventListener("message", (event) => end.deliver(bytesOf(event.data)))
  socket.addEventListener("close", (event) => {
    end.finish(fromClose(event.code, event.reason, "remote"))
  })
  socket.addEventListener("error", () => {
    // A close event follows and says what happened.
  })
  return {
    send: (frame) => {
      if (end.isClosed()) return
      const copy = frame.slice()
      try {
        if (socket.readyState === OPEN) socket.send(copy)
        else early.push(copy)
      } catch {
        // The socket is going away; its close event reports it.
      }
    },
    receive: end.receive,
    close: (reason: Reason = { reason: "Closed", message: "the connection was closed" }) => {
      if (!end.finish({ ...reason, by: "local" })) return
      try {
        socket.close(CLOSE_CODE, closeText(reason))
      } catch {
        // Already closing.
      }
    },
    closed: end.closed
  }
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** WebSocket subprotocols to offer. */
  readonly protocols?: string | ReadonlyArray<string>
}

/**
 * Open a WebSocket to `url` (`ws://` or `wss://`) with the global `WebSocket` and resolve
 * with a connection once it is open; reject with an `Error` if it cannot open.
 */
export const connect = (url: string | URL, options: ConnectOptions = {}): Promise<Connection> =>
  new Promise((resolve, reject) => {
    const Socket = (globalThis as { WebSocket?: new (url: string | URL, protocols?: string | Array<string>) => SocketLike }).WebSocket
    if (!Socket) return reject(new Error("this platform has no global WebSocket (Node 22 or later, or a browser, is needed)"))
    let socket: SocketLike
    try {
      socket = new Socket(url, typeof options.protocols === "string" ? options.protocols : options.protocols ? [...options.protocols] : undefined)
    } catch (e) {
      return reject(e instanceof Error ? e : new Error(String(e)))
    }
    const connection = fromWebSocket(socket)
    let opened = false
    socket.addEventListener("open", () => {
      opened = true
      resolve(connection)
    })
    connection.closed.then((r) => {
      if (!opened) reject(new Error(`could not connect to ${String(url)}: ${r.message}`))
    })
  })
