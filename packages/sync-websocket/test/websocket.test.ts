import { afterAll, describe, expect, it } from "vitest"
import { runSyncTransportContract } from "@affinity/core/testing"
import { Crypto, Keys, Sync } from "@affinity/core"
import { Effect } from "effect"
import { closeText, connect, fromClose, introduced, type Connection } from "../src/index.ts"
import { listen, type Server } from "../src/server.ts"

/** One server for the suite; each pair is a new client and the server's end of it. */
let server: Server | undefined
const waiting: Array<(c: Connection) => void> = []
const serve = async (): Promise<Server> =>
  (server ??= await listen({ port: 0, onConnection: (c) => waiting.shift()?.(c) }))
afterAll(async () => {
  await server?.close()
})

const pair = async (clientFirst: boolean) => {
  const s = await serve()
  const accepted = new Promise<Connection>((resolve) => waiting.push(resolve))
  const client = await connect(s.url)
  const serverEnd = await accepted
  return clientFirst ? { a: client, b: serverEnd } : { a: serverEnd, b: client }
}

describe("WebSocket transport", () => {
  runSyncTransportContract("websocket: global WebSocket client ↔ ws server", () => pair(true))
  runSyncTransportContract("websocket: ws server ↔ global WebSocket client", () => pair(false))

  it("refuses a frame above the server's limit (FrameTooLarge on both sides)", async () => {
    let serverEnd: Connection | undefined
    const small = await listen({ port: 0, maxFrameBytes: 1000, onConnection: (c) => (serverEnd = c) })
    const client = await connect(small.url)
    client.send(new Uint8Array(2000))
    // The client hears code 1009, or only that the link dropped, depending on timing.
    const reason = await client.closed
    expect(["FrameTooLarge", "TransportError"]).toContain(reason.reason)
    expect(serverEnd).toBeDefined()
    expect((await serverEnd!.closed).reason).toBe("FrameTooLarge")
    await small.close()
  })

  it("closes connections beyond the per-address limit with TooManyConnections, and admits again after one closes", async () => {
    let accepted = 0
    const s = await listen({ port: 0, maxConnectionsPerAddress: 2, onConnection: () => accepted++ })
    const first = await connect(s.url)
    const second = await connect(s.url)
    const third = await connect(s.url)
    const reason = await third.closed
    expect(reason).toMatchObject({ by: "remote", reason: "TooManyConnections" })
    expect(reason.message).toMatch(/at most 2 connections/)
    expect(accepted).toBe(2)
    first.close()
    await first.closed
    // The server learns of the close asynchronously; retry until the seat is free.
    let fourth = await connect(s.url)
    for (let i = 0; i < 50 && accepted < 3; i++) {
      const r = await Promise.race([fourth.closed, new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 100))])
      if (r === undefined) break
      fourth = await connect(s.url)
    }
    expect(accepted).toBe(3)
    second.close()
    fourth.close()
    await s.close()
  })

  it("fails to connect with an Error when nobody listens", async () => {
    const gone = await listen({ port: 0, onConnection: () => {} })
    const url = gone.url
    await gone.close()
    await expect(connect(url)).rejects.toThrow(/could not connect/)
  })

  it("closes every connection with Shutdown when the server stops", async () => {
    const s = await listen({ port: 0, onConnection: () => {} })
    const c = await connect(s.url)
    await s.close()
    expect((await c.closed).reason).toBe("Shutdown")
  })

  it("fits close reasons in 123 bytes and reads them back", () => {
    const long = { reason: "Flood", message: "é".repeat(200) }
    const text = closeText(long)
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(123)
    expect(fromClose(4000, text, "remote")).toMatchObject({ reason: "Flood", by: "remote" })
    expect(fromClose(1006, "", "remote")).toMatchObject({ reason: "TransportError", by: "transport" })
    expect(fromClose(4000, "not a tag!: x", "remote").reason).toBe("Closed")
  })

  it("introduces communities in the URL, signed afresh for each connection", async () => {
    const crypto = await Crypto.makeBest()
    const device = await Effect.runPromise(Effect.provideService(Keys.fromSecret(new Uint8Array(32).fill(9)), Crypto.Crypto, crypto))
    const communities = ["0a".repeat(32), "0b".repeat(32)]
    const seen: Array<ReadonlyArray<Sync.Introduction.Introduction>> = []
    const s = await listen({
      port: 0,
      onConnection: (c, info) => {
        const read = Sync.Introduction.fromUrl(info.url)
        seen.push(read.ok ? read.introductions : [])
        c.close()
      }
    })
    for (let n = 0; n < 2; n++) {
      const before = Date.now()
      const c = await connect(`${s.url}path?room=1`, { introduce: { device, communities, crypto } })
      await c.closed
      const got = seen[n]!
      expect(got.map((i) => i.community)).toEqual(communities)
      for (const i of got) {
        expect(i.key).toBe(device.id)
        expect(i.time).toBeGreaterThanOrEqual(before)
        expect(await Sync.Introduction.check(i, crypto)).toBe(true)
      }
    }
    // None to introduce: the URL is dialled as it is.
    await (await connect(s.url, { introduce: { device, communities: [] } })).closed
    expect(seen[2]).toEqual([])
    await s.close()
  })

  it("refuses to introduce more than 16 communities, or something that is no community id", async () => {
    const crypto = await Crypto.makeBest()
    const device = await Effect.runPromise(Effect.provideService(Keys.fromSecret(new Uint8Array(32).fill(9)), Crypto.Crypto, crypto))
    const many = Array.from({ length: 17 }, (_, i) => i.toString(16).padStart(64, "0"))
    await expect(connect("ws://127.0.0.1:9/", { introduce: { device, communities: many } })).rejects.toThrow(RangeError)
    await expect(introduced("ws://127.0.0.1:9/", { device, communities: ["garden"] })).rejects.toMatchObject({ _tag: "InvalidIntroduction" })
    await expect(introduced("not a url", { device, communities: [] })).rejects.toThrow(TypeError)
    expect(await introduced("ws://relay.example/", { device, communities: many.slice(0, 16) })).toMatch(/^ws:\/\/relay\.example\/\?(introduce=[0-9a-f]+&){15}introduce=[0-9a-f]+$/)
  })
})
