import { afterAll, describe, expect, it } from "vitest"
import { cleanUp, clock, hasNoHex, person } from "./support.ts"

const DAY = 24 * 3_600_000

afterAll(cleanUp)

describe("the lot seats the prime groups", () => {
  it("commits, draws and reveals as due, and the seats show in groups", async () => {
    const time = clock()
    const ada = await person(time)
    expect((await ada("create", "Tenants' Union", "--as", "Ada", "--term-days", "1", "--seats", "1")).code).toBe(0)
    const first = await ada("lot")
    expect(first.code).toBe(0)
    expect(first.out).toContain("You committed to a new secret")
    expect(first.out).toContain("You drew term 0")
    expect(first.out).toContain("You revealed the next layer of your secret for term 1")
    const idle = await ada("lot")
    expect(idle.out).toContain("Nothing is due in the lot now.")
    const before = await ada("groups")
    expect(before.out).toContain("Term 0 is the founding term")

    time.advance(DAY + 60_000)
    expect((await ada("tick")).code).toBe(0)
    const second = await ada("lot")
    expect(second.code).toBe(0)
    expect(second.out).toContain("You drew term 1 from 1 revealed secret")
    const groups = await ada("groups")
    expect(groups.out).toMatch(/justice\s+Ada/)
    expect(hasNoHex(groups.out)).toBe(true)
    const json = await ada.json<{ term: { number: number; drawn: boolean; seats: Record<string, ReadonlyArray<{ name: string }>> } }>("groups")
    expect(json.term.number).toBe(1)
    expect(json.term.drawn).toBe(true)
    expect(json.term.seats["governance"]?.map((m) => m.name)).toEqual(["Ada"])
  })
})
