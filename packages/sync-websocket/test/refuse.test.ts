import { describe, expect, it } from "vitest"
import { connect } from "../src/index.ts"
import { listen } from "../src/server.ts"

describe("a community's policy on relays and peers", () => {
  it("a refused relay is never dialed", async () => {
    let asked = ""
    let connected = false
    const server = await listen({ port: 0, onConnection: () => (connected = true) })
    const refuse = (url: string) => {
      asked = url
      return { message: "a community decision restricted syncing with this relay: it rewrites traffic" }
    }
    await expect(connect(server.url, { refuse })).rejects.toThrow(/^refused to sync with ws:\/\/127\.0\.0\.1:\d+\/: a community decision restricted syncing with this relay: it rewrites traffic$/)
    expect(asked).toBe(server.url)
    expect(connected).toBe(false)
    const allowed = await connect(server.url, { refuse: () => undefined })
    allowed.close()
    await allowed.closed
    await server.close()
  })

  it("a server closes a refused peer's connection with the reason Restricted, before the application sees it", async () => {
    const seen: Array<string> = []
    const server = await listen({
      port: 0,
      refuse: (info) => (info.url?.includes("bad") ? { message: "this device key is restricted until 2025-08-03 11:00 UTC: scraping" } : undefined),
      onConnection: (c, info) => {
        seen.push(info.url ?? "")
        c.close()
      }
    })
    const refused = await connect(`${server.url}?peer=bad`)
    const reason = await refused.closed
    expect(reason.by).toBe("remote")
    expect(reason.reason).toBe("Restricted")
    expect(reason.message).toContain("scraping")
    const good = await connect(`${server.url}?peer=good`)
    await good.closed
    expect(seen).toEqual(["/?peer=good"])
    await server.close()
  })
})
