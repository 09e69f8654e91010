import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { cleanUp, clock, hasNoHex, person, tempDir } from "./support.ts"

const HOUR = 3_600_000

afterAll(cleanUp)

describe("affinity binder", () => {
  it("writes the community's binder as one HTML file and says how to print it", async () => {
    const time = clock()
    const ada = await person(time)
    expect((await ada("create", "Riverside <Tool> Library & Co", "--as", "Ada")).code).toBe(0)
    expect((await ada("propose", "Buy a <ladder>", "--hours", "1", "--text", "For the <high> shelves.")).code).toBe(0)
    expect((await ada("stance", "1", "agree", "</td><script>alert(1)</script>")).code).toBe(0)
    time.advance(HOUR + 1000)
    expect((await ada("close", "1")).code).toBe(0)
    expect((await ada("propose", "Open on Sundays", "--days", "2")).code).toBe(0)

    const dir = await tempDir()
    const file = join(dir, "binder.html")
    const written = await ada("binder", "--out", file)
    expect(written.code).toBe(0)
    expect(written.out).toContain(`Wrote the binder of “Riverside <Tool> Library & Co” to ${file}: 1 full member, 1 decision, 0 working groups.`)
    expect(written.out).toContain("Open it in a web browser and print it")
    expect(hasNoHex(written.out)).toBe(true)

    const html = await readFile(file, "utf8")
    expect(html.startsWith("<!doctype html>")).toBe(true)
    expect(html).toContain("<h1>Riverside &lt;Tool&gt; Library &amp; Co</h1>")
    expect(html).toContain("<h3>1. Buy a &lt;ladder&gt;</h3>")
    expect(html).toContain("For the &lt;high&gt; shelves.")
    expect(html).toContain("<td>Ada</td><td>agreed</td><td><span class=\"said\">&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span></td>")
    expect(html).toContain("<td>Ada</td><td>full member, a founder</td>")
    expect(html).toContain("<td>Open on Sundays</td><td>Ada</td>")
    expect(html).not.toContain("<script")
    const appendix = html.indexOf(`id="verification"`)
    expect(appendix).toBeGreaterThan(0)
    expect(hasNoHex(html.slice(0, appendix))).toBe(true)
    const me = await ada.json<{ readonly key: string }>("whoami")
    expect(html.slice(appendix)).toContain(me.key)

    // Given a directory, it writes there under the community's name; --json says where.
    const again = await ada.json<{ readonly file: string; readonly members: number; readonly decisions: number }>("binder", "--out", dir)
    expect(again).toMatchObject({ file: join(dir, "riverside-tool-library-co-binder.html"), members: 1, decisions: 1 })
    expect(await readFile(again.file, "utf8")).toContain("<h1>Riverside &lt;Tool&gt; Library &amp; Co</h1>")
  })

  it("says so when it cannot write the file", async () => {
    const ada = await person(clock())
    expect((await ada("create", "Garden", "--as", "Ada")).code).toBe(0)
    const nowhere = join(await tempDir(), "missing", "binder.html")
    const refused = await ada("binder", "--out", nowhere)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain(`the binder could not be written to ${nowhere}`)
  })

  it("is in the help, with a sentence", async () => {
    const ada = await person(clock())
    const help = await ada("--help")
    expect(help.out).toMatch(/\n {2}binder +Write the community's binder/)
  })
})
