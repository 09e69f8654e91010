import { describe, expect, it } from "vitest"
import { type Feed, type Schemas, Webhooks } from "../src/index.ts"

/** A feed that emits what the test tells it to. */
const fakeFeed = () => {
  const listeners = new Set<(item: Schemas.FeedItem) => void>()
  let n = 0
  const feed: Feed.Feed = {
    subscribe: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    after: () => ({ items: [], gap: true }),
    last: () => undefined,
    close: () => listeners.clear()
  }
  const emit = () => {
    const item: Schemas.FeedItem = {
      id: `run:${++n}`,
      community: "00".repeat(32),
      kind: "record",
      change: { kind: "term", change: "created", id: "1", record: { term: 1, start: "", end: "", drawn: true, draw: null, groups: [] } }
    }
    for (const l of listeners) l(item)
  }
  return { feed, emit }
}

/** A `fetch` that answers each call with the next status, and records the calls. */
const answering = (statuses: ReadonlyArray<number | "network">) => {
  const calls: Array<{ readonly url: string; readonly at: number }> = []
  const fetch = (async (url: string | URL | Request) => {
    const status = statuses[Math.min(calls.length, statuses.length - 1)]!
    calls.push({ url: String(url), at: Date.now() })
    if (status === "network") throw new TypeError("fetch failed")
    return new Response(null, { status })
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

const retry = { attempts: 4, firstDelayMs: 5, maxDelayMs: 20, timeoutMs: 1_000, maxPending: 3 }

describe("webhook deliveries", () => {
  it("retry a bounded number of times with a growing delay, then give up and go on", async () => {
    const { feed, emit } = fakeFeed()
    const { fetch, calls } = answering([500, "network", 503, 502, 200])
    const registry = await Webhooks.open({ feed, fetch, retry })
    const { webhook } = await registry.add({ url: "http://127.0.0.1:9/hook" })
    emit()
    emit()
    await registry.idle()
    // Item 1: four attempts, all failed; item 2: delivered at once.
    expect(calls.length).toBe(5)
    // Delays of 5, 10 and 20 ms (doubling, capped at 20) came between the four attempts.
    expect(calls[3]!.at - calls[0]!.at).toBeGreaterThanOrEqual(5 + 10 + 20 - 3)
    expect(registry.get(webhook.id)).toMatchObject({ delivered: 1, failed: 1, pending: 0 })
    expect(registry.get(webhook.id)?.lastError).toContain("attempt 4 of 4")
    registry.close()
  })

  it("do not retry an answer that says the request itself is wrong", async () => {
    const { feed, emit } = fakeFeed()
    const { fetch, calls } = answering([404])
    const registry = await Webhooks.open({ feed, fetch, retry })
    const { webhook } = await registry.add({ url: "http://127.0.0.1:9/hook" })
    emit()
    await registry.idle()
    expect(calls.length).toBe(1)
    expect(registry.get(webhook.id)).toMatchObject({ delivered: 0, failed: 1 })
    registry.close()
  })

  it("keep at most maxPending items waiting, dropping the oldest", async () => {
    const { feed, emit } = fakeFeed()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const bodies: Array<string> = []
    const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      await gate
      bodies.push(String(init?.body))
      return new Response(null, { status: 200 })
    }) as typeof globalThis.fetch
    const registry = await Webhooks.open({ feed, fetch, retry })
    const { webhook } = await registry.add({ url: "http://127.0.0.1:9/hook", kinds: ["record"] })
    for (let k = 0; k < 6; k++) emit()
    expect(registry.get(webhook.id)).toMatchObject({ pending: 3, dropped: 3 })
    release()
    await registry.idle()
    expect(bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toEqual(["run:1", "run:5", "run:6"])
    registry.close()
  })

  it("send only the kinds asked for", async () => {
    const { feed, emit } = fakeFeed()
    const { fetch, calls } = answering([200])
    const registry = await Webhooks.open({ feed, fetch, retry })
    await registry.add({ url: "http://127.0.0.1:9/hook", kinds: ["event"] })
    emit()
    await registry.idle()
    expect(calls.length).toBe(0)
    registry.close()
  })
})
