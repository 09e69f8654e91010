import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cleanUp, clock, hasNoHex, type Person, person, startRelay } from "./support.ts"

const HOUR = 3_600_000
const DAY = 24 * HOUR

type Member = {
  readonly id: string
  readonly label: string
  readonly name: string
  readonly given: string | null
  readonly published: { readonly name: string } | null
  readonly status: string
  readonly note: string | null
}
type Proposal = { readonly number: number; readonly id: string; readonly status: string; readonly decision: { readonly outcome: string; readonly rule: string; readonly actionResult: string } | null }
type Status = { readonly stateHash: string; readonly events: number; readonly fullMembers: number }

describe("three members run a community from their terminals", () => {
  const time = clock()
  let relay: Awaited<ReturnType<typeof startRelay>>
  let ada: Person
  let bo: Person
  let cy: Person

  beforeAll(async () => {
    relay = await startRelay()
    ;[ada, bo, cy] = [await person(time), await person(time), await person(time)]
  })
  afterAll(async () => {
    await relay.stop()
    await cleanUp()
  })

  /** Those who acted send it through the relay, one after the other; then everyone else receives what they lack, at once. */
  const share = async (...from: ReadonlyArray<Person>) => {
    for (const p of from) expect((await p("sync")).code).toBe(0)
    const rest = [...[ada, bo, cy].filter((x) => !from.includes(x)), ...from.slice(0, -1)]
    for (const r of await Promise.all(rest.map((p) => p("sync")))) expect(r.code).toBe(0)
  }

  it("founds, invites, admits, decides, and prints the record", async () => {
    // Ada founds the community, names the relay, and invites.
    const created = await ada("create", "Riverside Tool Library", "--as", "Ada", "--relay", relay.url)
    expect(created.code).toBe(0)
    expect(created.out).toContain("Created “Riverside Tool Library”")
    const { code } = await ada.json<{ code: string }>("invite")

    // Bo and Cy join with the invitation and send their requests.
    const boJoins = await bo("join", code, "--as", "Bo", "--note", "I fix bikes and would like to lend a hand.")
    expect(boJoins.code).toBe(0)
    expect(boJoins.out).toContain("You asked to join")
    expect((await bo("sync")).code).toBe(0)
    expect((await cy("join", code, "--as", "Cy")).code).toBe(0)
    expect((await cy("sync")).code).toBe(0)

    // Ada hears of them: they said who they are, so she sees their names, each with their label.
    const heard = await ada("sync")
    expect(heard.code).toBe(0)
    expect(heard.out).toMatch(/asked to join/)
    expect(heard.out).toMatch(/goes by “Bo”/)
    const applicants = (await ada.json<ReadonlyArray<Member>>("members")).filter((m) => m.status === "applicant")
    expect(applicants).toHaveLength(2)
    const boMember = applicants.find((m) => m.note === "I fix bikes and would like to lend a hand.")!
    const cyMember = applicants.find((m) => m.note === "Cy would like to join.")!
    expect(boMember).toMatchObject({ name: "Bo", given: null, published: { name: "Bo" } })
    expect(cyMember).toMatchObject({ name: "Cy", given: null, published: { name: "Cy" } })
    const listed = await ada("members")
    expect(listed.out).toContain(`Bo (${boMember.label}) — asked on`)
    expect(listed.out).toContain("“I fix bikes and would like to lend a hand.”")
    expect(listed.out).toContain('to admit: affinity propose "Admit Bo" --admit Bo')
    expect(hasNoHex(listed.out)).toBe(true)

    // Alone, Ada's clock moves community time: she admits Bo by a decision.
    const admitBo = await ada("propose", "Admit Bo", "--admit", "Bo", "--hours", "2", "--text", "Bo has borrowed from us for a year.")
    expect(admitBo.code).toBe(0)
    expect(admitBo.out).toContain("Proposal 1 is open")
    expect(admitBo.out).toContain("If it passes: admit Bo as a full member.")
    expect((await ada("stance", "1", "agree")).code).toBe(0)
    const early = await ada("close", "1")
    expect(early.code).toBe(1)
    expect(early.err).toContain("is open until")
    time.advance(2 * HOUR + 60_000)
    const closed = await ada("close", "Admit Bo")
    expect(closed.code).toBe(0)
    expect(closed.out).toContain("passed")
    expect(closed.out).toContain("Done: admit Bo as a full member.")
    await share(ada)

    // Bo is in, and sees Ada and Cy by the names they published. Cy's admission: Bo stands aside, with his reason.
    const boSees = await bo.json<ReadonlyArray<Member>>("members")
    const adaMember = boSees.find((m) => m.status === "full" && m.id !== boMember.id)!
    expect(boSees.find((m) => m.id === boMember.id)?.status).toBe("full")
    expect(adaMember.name).toBe("Ada")
    expect(boSees.find((m) => m.id === cyMember.id)?.name).toBe("Cy")
    expect((await ada("propose", "Admit Cy", "--admit", "Cy", "--hours", "2")).code).toBe(0)
    expect((await ada("stance", "2", "agree")).code).toBe(0)
    await share(ada)
    expect((await bo("stance", "Admit Cy", "stand-aside", "I have not met Cy yet.")).code).toBe(0)
    await share(bo)
    time.advance(2 * HOUR + 60_000)
    const cyIn = await bo("close", "2")
    expect(cyIn.code).toBe(0)
    expect(cyIn.out).toContain("1 agreed, 1 stood aside")
    await share(bo)
    expect((await cy.json<Status>("status")).fullMembers).toBe(3)

    // Three members: a block needs a reason; the proposer amends; stances are taken again.
    expect((await bo("propose", "Buy a second lawnmower", "--text", "The old one breaks every week.", "--days", "1")).code).toBe(0)
    expect((await bo("stance", "3", "agree")).code).toBe(0)
    await share(bo)
    const bare = await cy("stance", "3", "block")
    expect(bare.code).toBe(2)
    expect(bare.err).toContain("give your reason")
    const blocked = await cy("stance", "3", "block", "We have no shed to keep it in.")
    expect(blocked.code).toBe(0)
    expect(blocked.out).toContain("While your block stands, it cannot pass")
    expect((await ada("stance", "3", "object", "It costs too much.")).code).toBe(0)
    await share(cy, ada)
    const shown = await bo("show", "3")
    expect(shown.out).toContain("Cy blocks: “We have no shed to keep it in.”")
    expect(shown.out).toContain("Ada objects: “It costs too much.”")
    expect(hasNoHex(shown.out)).toBe(true)
    const amended = await bo("amend", "3", "--text", "A second-hand one, kept in Ada's garage.", "--days", "1")
    expect(amended.code).toBe(0)
    expect(amended.out).toContain("Every stance is cleared")
    await share(bo)
    for (const p of [ada, bo, cy]) expect((await p("stance", "3", "agree")).code).toBe(0)
    await share(ada, bo, cy)

    // The deadline passes on everyone's clock; community time needs two members' clocks.
    time.advance(DAY + 60_000)
    const waiting = await ada("close", "3")
    expect(waiting.code).toBe(1)
    expect(waiting.err).toContain("has passed on your clock but not yet in community time")
    expect((await ada("sync")).code).toBe(0)
    const boWitnesses = await bo("sync")
    expect(boWitnesses.out).toContain("time witness")
    expect((await ada("sync")).code).toBe(0)
    const passed = await ada("close", "3")
    expect(passed.code).toBe(0)
    expect(passed.out).toContain("consensus reached: 3 of 3 members took part")
    await share(ada)

    // The record, for people and for scripts.
    const record = await cy("record")
    expect(record.code).toBe(0)
    expect(record.out).toContain("1. Admit Bo")
    expect(record.out).toContain("Carried out: admit Bo as a full member.")
    expect(record.out).toContain("Bo stood aside: “I have not met Cy yet.”")
    expect(record.out).toContain("A second-hand one, kept in Ada's garage.")
    expect(record.out).toMatch(/Passed on \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/)
    expect(hasNoHex(record.out)).toBe(true)
    const decisions = await cy.json<ReadonlyArray<Proposal>>("record")
    expect(decisions.map((p) => [p.number, p.decision?.outcome, p.decision?.actionResult])).toEqual([
      [1, "passed", "applied"],
      [2, "passed", "applied"],
      [3, "passed", "none"]
    ])
    expect(decisions[0]!.id).toMatch(/^[0-9a-f]{64}$/)
    const markdown = await cy("record", "--markdown")
    expect(markdown.out).toContain("# Decisions")
    expect(markdown.out).toContain("| Bo | abstain | I have not met Cy yet. |")

    // Everyone holds the same events and the same state.
    const states = await Promise.all([ada, bo, cy].map((p) => p.json<Status>("status")))
    expect(new Set(states.map((s) => s.stateHash)).size).toBe(1)
    expect(new Set(states.map((s) => s.events)).size).toBe(1)
  })
})
