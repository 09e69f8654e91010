import { afterAll, describe, expect, it } from "vitest"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { cleanUp, clock, hasNoHex, person, tempDir } from "./support.ts"

const HOUR = 3_600_000

afterAll(cleanUp)

describe("decisions taken on paper", () => {
  it("a member enters one with its witnesses, a witness signs it, and the list and binder show it by name", async () => {
    const time = clock()
    const ada = await person(time)
    expect((await ada("create", "Repair Network", "--as", "Ada")).code).toBe(0)
    time.advance(2 * HOUR)
    expect((await ada("tick")).code).toBe(0)
    const decided = new Date(time.now() - HOUR).toISOString()
    const future = await ada("paper", "enter", "Open on Sundays", "--decided", new Date(time.now() + 10 * HOUR).toISOString(), "--witness", "me")
    expect(future.code).toBe(1)
    expect(future.err).toContain("later than community time now")
    const badDate = await ada("paper", "enter", "Open on Sundays", "--decided", "last week", "--witness", "me")
    expect(badDate.code).toBe(2)
    const entered = await ada("paper", "enter", "Open on Sundays", "--decided", decided, "--witness", "me", "--text", "Agreed in the hall.")
    expect(entered.err).toBe("")
    expect(entered.out).toContain("Entered “Open on Sundays”")
    const listed = await ada("paper")
    expect(listed.out).toContain("1. “Open on Sundays”: decided on paper on")
    expect(listed.out).toContain("awaiting signatures")
    expect(listed.out).toContain("Not signed yet: Ada.")
    expect(hasNoHex(listed.out)).toBe(true)
    const unknown = await ada("paper", "sign", "Saturdays")
    expect(unknown.code).toBe(2)
    const signed = await ada.json<{ status: string; witnesses: ReadonlyArray<{ name: string; signed: string }> }>("paper", "sign", "sundays")
    expect(signed.status).toBe("witnessed")
    expect(signed.witnesses).toEqual([expect.objectContaining({ name: "Ada", signed: "agreed" })])
    const again = await ada("paper", "sign", "1")
    expect(again.code).toBe(1)
    expect(again.err).toContain("already signed")
    const out = join(await tempDir(), "binder.html")
    expect((await ada("binder", "--out", out)).code).toBe(0)
    const page = await readFile(out, "utf8")
    expect(page).toContain("Decided on paper")
    expect(page).toContain("<strong>Witnessed</strong>")
    // Each module's records have their chapter.
    for (const title of ["Administration", "Justice", "Economy", "Communication", "Defense"]) expect(page).toMatch(new RegExp(`<h2>\\d+\\. ${title}</h2>`))
  })
})
