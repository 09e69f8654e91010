/**
 * `@affinity/sync-websocket`: sync over WebSocket. This entry is the client, built on the
 * platform's global `WebSocket` (every browser, Node 22 and later); the server for Node is
 * `@affinity/sync-websocket/server`.
 *
 * Each sync frame is one binary WebSocket message. Closing with a reason sends close code
 * 4000 with `<reason>: <message>` as close text (cut to 123 bytes), so the other side
 * learns why.
 *
 * A relay may keep only the communities a member asks it to: `connect(url, { introduce })`
 * adds a fresh signed introduction of each (`Sync.Introduction` of `@affinity/core`) to
 * the URL; {@link introduced} gives that URL for a socket opened some other way.
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
import { type Crypto, type Keys, Sync } from "@affinity/core"
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

/** Communities to ask a relay to keep (see {@link ConnectOptions.introduce}). */
export interface Introduce {
  /** The device key that signs: one of a member's. */
  readonly device: Keys.DeviceKey
  /**
   * The communities (hex ids), at most `Sync.Introduction.MAX_PER_CONNECTION` (16). None:
   * the URL is left as it is.
   */
  readonly communities: ReadonlyArray<string>
  /** The signer (default: the platform's best provider, `Crypto.makeBest`). */
  readonly crypto?: Crypto.CryptoShape
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** WebSocket subprotocols to offer. */
  readonly protocols?: string | ReadonlyArray<string>
  /**
   * Ask the relay to keep these communities across restarts: for each, an introduction
   * (`Sync.Introduction` of `@affinity/core`) signed now by the device goes in the URL's
   * query, fresh for this connection. A relay may otherwise serve a community only from
   * memory and forget it. The key should act for a member of each community; a relay
   * ignores an introduction by anyone else.
   */
  readonly introduce?: Introduce
  /**
   * The community's policy on relays, asked before dialing: a refusal (`{ message }`) when the
   * community restricted syncing with this relay (the defense module's
   * `SyncPolicy.refusal(state, { relay: url }, communityTime)`), else `undefined`. A refused
   * relay is never dialed: {@link connect} rejects with an `Error` whose message says why.
   */
  readonly refuse?: (url: string) => { readonly message: string } | undefined
}

/**
 * `url` with a fresh introduction of each community, signed now: what {@link connect}
 * dials when given {@link ConnectOptions.introduce}, for code that opens its own socket
 * ({@link fromWebSocket}). Rejects with a `RangeError` when there are more than 16
 * communities, with a `TypeError` when `url` is not a URL, and with
 * `Sync.Introduction.InvalidIntroduction` when a community is not a 64-hex-digit id.
 *
 * @example
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 * import { introduced } from "@affinity/sync-websocket"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const me = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: me })
 * const url = await introduced("wss://relay.example/", { device: me, communities: [garden.id] })
 * console.log(url.startsWith("wss://relay.example/?introduce=")) // true
 * await client.close()
 * ```
 */
export const introduced = async (url: string | URL, introduce: Introduce): Promise<string> => {
  const { device, communities, crypto } = introduce
  if (communities.length > Sync.Introduction.MAX_PER_CONNECTION)
    throw new RangeError(`${communities.length} communities to introduce on one connection; at most ${Sync.Introduction.MAX_PER_CONNECTION}`)
  const base = new URL(url).toString()
  const introductions = await Promise.all(
    communities.map((community) => Sync.Introduction.make({ device, community, ...(crypto === undefined ? {} : { crypto }) }))
  )
  return Sync.Introduction.url(base, introductions)
}

/**
 * Open a WebSocket to `url` (`ws://` or `wss://`) with the global `WebSocket` and resolve
 * with a connection once it is open; reject with an `Error` if it cannot open. With
 * `introduce`, the relay is asked to keep the communities (see {@link introduced}, whose
 * errors it rejects with).
 *
 * @example
 * ```ts
 * import { Client, Storage, Sync } from "@affinity/core"
 * import { connect } from "@affinity/sync-websocket"
 * import { listen } from "@affinity/sync-websocket/server"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const me = await client.generateKey()
 * const garden = await client.create({ name: "Garden", author: me })
 *
 * // A server that reads the introductions a connection carries, as a relay does.
 * const heard: Array<string> = []
 * const server = await listen({
 *   port: 0,
 *   onConnection: (connection, info) => {
 *     const read = Sync.Introduction.fromUrl(info.url)
 *     if (read.ok) heard.push(...read.introductions.map((i) => i.community))
 *     connection.close()
 *   }
 * })
 * const connection = await connect(server.url, { introduce: { device: me, communities: [garden.id] } })
 * await connection.closed
 * console.log(heard[0] === garden.id) // true
 * await server.close()
 * await client.close()
 * ```
 */
export const connect = async (url: string | URL, options: ConnectOptions = {}): Promise<Connection> => {
  const refused = options.refuse?.(String(url))
  if (refused !== undefined) throw new Error(`refused to sync with ${String(url)}: ${refused.message}`)
  const address = options.introduce === undefined || options.introduce.communities.length === 0 ? url : await introduced(url, options.introduce)
  return new Promise((resolve, reject) => {
    const Socket = (globalThis as { WebSocket?: new (url: string | URL, protocols?: string | Array<string>) => SocketLike }).WebSocket
    if (!Socket) return reject(new Error("this platform has no global WebSocket (Node 22 or later, or a browser, is needed)"))
    let socket: SocketLike
    try {
      socket = new Socket(address, typeof options.protocols === "string" ? options.protocols : options.protocols ? [...options.protocols] : undefined)
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
}
