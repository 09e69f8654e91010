/**
 * `affinity sync` against the example relay run as an operator runs it, with its default
 * admission: a community nobody introduced is served from memory and forgotten on a
 * restart. A member's sync introduces the community, so the relay keeps it.
 */
import { afterAll, describe, expect, it } from "vitest"
import { cleanUp, clock, eventually, person, startRelayProcess, tempDir } from "./support.ts"

type Status = { readonly stateHash: string; readonly events: number }

describe("affinity sync and a relay that keeps only what is introduced", () => {
  afterAll(cleanUp)

  it("the relay keeps a community across its restart once a member synced it", async () => {
    const time = clock()
    const data = await tempDir("affinity-cli-relay-")
    const first = await startRelayProcess(data)
    const ada = await person(time)
    const created = await ada.json<{ community: { id: string } }>("create", "Seed Library", "--as", "Ada", "--relay", first.url)
    const id = created.community.id
    expect((await ada("tick")).code).toBe(0)
    expect((await ada("sync")).code).toBe(0)
    const events = (await ada.json<Status>("status")).events
    await eventually(async () => {
      const s = await first.stats()
      return s.standings[id] === "introduced" && s.counts[id] === events
    }, "the relay keeps the community")
    await first.stop()

    // The same relay again, on the same folder and port: the community is there before
    // anyone connects, and a newcomer receives all of it.
    const second = await startRelayProcess(data, first.port)
    try {
      const stats = await second.stats()
      expect(stats.standings[id]).toBe("introduced")
      expect(stats.counts[id]).toBe(events)
      const { code: invitation } = await ada.json<{ code: string }>("invite")
      const bo = await person(time)
      expect((await bo("join", invitation, "--as", "Bo")).code).toBe(0)
      expect((await bo("sync")).code).toBe(0)
      const mine = await ada.json<Status>("status")
      expect((await bo.json<Status>("status")).events).toBeGreaterThanOrEqual(mine.events)
    } finally {
      await second.stop()
    }
  })
})
