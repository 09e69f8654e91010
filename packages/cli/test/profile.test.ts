import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cleanUp, clock, hasNoHex, type Person, person, startRelay, tempDir } from "./support.ts"

const HOUR = 3_600_000

type Member = {
  readonly id: string
  readonly label: string
  readonly name: string
  readonly given: string | null
  readonly published: { readonly name: string; readonly pronouns: string | null; readonly note: string | null } | null
  readonly status: string
}
type Action = { readonly module: string; readonly type: string; readonly text: string; readonly result: string; readonly failure: string | null }
type Proposal = {
  readonly actions: ReadonlyArray<{ readonly module: string; readonly type: string; readonly text: string }>
  readonly decision: { readonly actionResult: string; readonly actionFailure: string | null; readonly actions: ReadonlyArray<Action> } | null
}

describe("members say who they are; names show everywhere people read", () => {
  const time = clock()
  let relay: Awaited<ReturnType<typeof startRelay>>
  let ada: Person
  let bo: Person
  let cy: Person
  let dee: Person

  beforeAll(async () => {
    relay = await startRelay()
    ;[ada, bo, cy, dee] = [await person(time), await person(time), await person(time), await person(time)]
  })
  afterAll(async () => {
    await relay.stop()
    await cleanUp()
  })

  const sync = async (...people: ReadonlyArray<Person>) => {
    for (const p of people) expect((await p("sync")).code).toBe(0)
  }
  const members = async (p: Person) => p.json<ReadonlyArray<Member>>("members", "--all")

  it("publishes a profile, finds people by it, lets a name given here come first, and erases it", async () => {
    expect((await ada("create", "Allotment", "--relay", relay.url)).code).toBe(0)
    const { code } = await ada.json<{ code: string }>("invite")
    const mine = await ada("profile")
    expect(mine.out).toMatch(/You have published no profile here: members see you as [a-z]{5}-[a-z]{5}\./)

    // Ada says who she is; a bad profile is refused with the reason, and nothing is written.
    const published = await ada("profile", "--name", "Ada", "--pronouns", "she/her", "--note", "Compost and bees.")
    expect(published.code).toBe(0)
    expect(published.out).toContain("You go by Ada (she/her): “Compost and bees.” in “Allotment”.")
    const tooLong = await ada("profile", "--pronouns", "x".repeat(31))
    expect(tooLong.code).toBe(2)
    expect(tooLong.err).toContain("pronouns have 1 to 30 characters")
    expect((await ada("profile", "--name", "me")).code).toBe(2)
    expect((await ada("profile", "--name", "Ada")).out).toContain("nothing changed")

    // Bo and Cy ask to join; Bo says who he is with his request, Cy later. Dee publishes “Bo” too.
    expect((await bo("join", code, "--as", "Bo")).code).toBe(0)
    expect((await cy("join", code)).code).toBe(0)
    expect((await dee("join", code, "--as", "Bo")).code).toBe(0)
    await sync(bo, cy, dee)
    const cyJson = await cy.json<Member & { readonly erased: number }>("profile", "--name", "Cy")
    expect(cyJson).toMatchObject({ name: "Cy", published: { name: "Cy", pronouns: null, note: null } })
    await sync(cy, ada)

    // Ada sees everyone by the names they published, the two Bos told apart by their labels.
    const seen = await members(ada)
    const idOf = async (p: Person) => (await p.json<{ key: string }>("whoami")).key
    const [boId, cyId, deeId] = [await idOf(bo), await idOf(cy), await idOf(dee)]
    const byId = (id: string) => seen.find((m) => m.id === id)!
    expect(byId(cyId)).toMatchObject({ name: "Cy", given: null })
    expect(byId(boId).name).toBe(`Bo (${byId(boId).label})`)
    expect(byId(deeId).name).toBe(`Bo (${byId(deeId).label})`)
    const listed = await ada("members")
    expect(listed.out).toContain(`Bo (${byId(boId).label}) — asked on`)
    expect(listed.out).toContain(`Ada (${seen.find((m) => m.published?.name === "Ada")!.label}), she/her, you`)
    expect(hasNoHex(listed.out)).toBe(true)

    // “Bo” could be either of two; the label says which. The published name finds Cy.
    const ambiguous = await ada("propose", "Admit Bo", "--admit", "Bo")
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.err).toMatch(/“Bo” could be Bo \([a-z]{5}-[a-z]{5}\) and Bo \([a-z]{5}-[a-z]{5}\); use the label to say which/)
    for (const id of [boId, deeId]) expect(ambiguous.err).toContain(`Bo (${byId(id).label})`)

    // A name given on this device comes first; the published one then finds nobody else.
    expect((await ada("name", byId(deeId).label, "Dee")).out).toContain(`is “Dee” on this device; they call themselves “Bo”.`)
    const now = await members(ada)
    expect(now.find((m) => m.id === deeId)).toMatchObject({ name: "Dee", given: "Dee", published: { name: "Bo" } })
    expect(now.find((m) => m.id === boId)?.name).toBe("Bo")

    // The news of a sync says who now goes by which name.
    expect((await bo("profile", "--name", "Bob")).code).toBe(0)
    await sync(bo)
    const news = await ada("sync")
    expect(news.out).toContain(`${byId(boId).label} now goes by “Bob” (was “Bo”)`)
    expect((await ada("name", "bob", "Bo")).code).toBe(0)
    expect((await ada("name", "Bo", "--forget")).out).toContain("they show as “Bob”, the name they published")

    // Erased, Bo shows by his label again, on every device that syncs.
    const erased = await bo.json<{ readonly erased: number; readonly published: unknown }>("profile", "--erase")
    expect(erased).toMatchObject({ erased: 2, published: null })
    await sync(bo, ada)
    expect((await members(ada)).find((m) => m.id === boId)).toMatchObject({ name: byId(boId).label, published: null })
    expect((await bo("profile")).out).toContain("You have published no profile here")
  })

  it("a decision carrying several actions shows each, and what became of it, with names in the reasons", async () => {
    const ids = Object.fromEntries((await members(ada)).map((m) => [m.name, m.id]))
    expect(ids["Cy"]).toBeDefined()
    // Dee is named “Dee” on Ada's device. Two proposals remove Dee; the second also admits Cy.
    const first = await ada("propose", "Remove Dee", "--hours", "1", "--remove", "Dee", "--reason", "Never came to a meeting.")
    expect(first.code).toBe(0)
    const both = await ada("propose", "Admit Cy, remove Dee", "--hours", "1", "--admit", "Cy", "--remove", "Dee", "--reason", "Never came.")
    expect(both.code).toBe(0)
    expect(both.out).toContain("If it passes, all 2 together or none of them:\n  1. Admit Cy as a full member.\n  2. Remove Dee from the community (“Never came.”).")
    // Both opened at the same moment: they are named by title, not by number.
    const open = await ada.json<Proposal>("show", "Admit Cy, remove Dee")
    expect(open.actions.map((a) => a.type)).toEqual(["member.admit", "member.remove"])
    for (const n of ["Remove Dee", "Admit Cy, remove Dee"]) expect((await ada("stance", n, "agree")).code).toBe(0)
    time.advance(HOUR + 60_000)
    expect((await ada("close", "Remove Dee")).out).toContain("Done: remove Dee from the community")

    // Dee is gone, so the second decision's removal fails, and so the admission is not carried out either.
    const closed = await ada("close", "Admit Cy, remove Dee")
    expect(closed.code).toBe(0)
    expect(closed.out).toContain("The decision stands, but none of its 2 actions took effect (they take effect together or not at all):")
    expect(closed.out).toContain("  1. Admit Cy as a full member: not carried out, since action 2 (remove Dee from the community (“Never came.”)) could not be carried out.")
    expect(closed.out).toContain("  2. Remove Dee from the community (“Never came.”): could not be carried out: identity Dee is not a member.")
    expect(hasNoHex(closed.out)).toBe(true)
    const decided = await ada.json<Proposal>("show", "Admit Cy, remove Dee")
    expect(decided.decision?.actionResult).toBe("failed")
    expect(decided.decision?.actions.map((a) => a.result)).toEqual(["notApplied", "failed"])
    expect((await members(ada)).find((m) => m.id === ids["Cy"])?.status).toBe("applicant")

    // A third admits Cy and Bo together: both are carried out.
    const boLabel = (await members(ada)).find((m) => m.published === null && m.status === "applicant")!.label
    expect((await ada("propose", "Admit Cy and Bo", "--hours", "1", "--admit", "Cy", "--admit", boLabel)).code).toBe(0)
    expect((await ada("stance", "Admit Cy and Bo", "agree")).code).toBe(0)
    time.advance(HOUR + 60_000)
    const admitted = await ada("close", "Admit Cy and Bo")
    expect(admitted.out).toContain(`Done, all 2 actions together:\n  1. Admit Cy as a full member: carried out.\n  2. Admit ${boLabel} as a full member: carried out.`)

    // The record tells the same, and the binder names people as this device does.
    const record = await ada("record")
    expect(record.out).toContain("   The decision stands, but none of its 2 actions took effect")
    expect(record.out).toContain("   Carried out, all 2 actions together:")
    expect(hasNoHex(record.out)).toBe(true)
    const file = join(await tempDir(), "binder.html")
    expect((await ada("binder", "--out", file)).code).toBe(0)
    const html = await readFile(file, "utf8")
    expect(html).toContain("<td>Cy</td>")
    expect(html).toContain("remove Dee from the community")
  })
})
