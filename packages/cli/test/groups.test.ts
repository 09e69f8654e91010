import { afterAll, describe, expect, it } from "vitest"
import { cleanUp, clock, hasNoHex, person } from "./support.ts"

const HOUR = 3_600_000

afterAll(cleanUp)

describe("working groups", () => {
  it("a decision creates a group, which then decides within its mandate", async () => {
    const time = clock()
    const ada = await person(time)
    expect((await ada("create", "Repair Network", "--as", "Ada")).code).toBe(0)
    const proposed = await ada(
      "propose",
      "Start a Repair Café",
      "--hours",
      "1",
      "--create-group",
      "Repair Café",
      "--purpose",
      "Run a repair evening every Thursday.",
      "--member",
      "me",
      "--group-days",
      "30"
    )
    expect(proposed.code).toBe(0)
    expect(proposed.out).toContain("If it passes: create the working group “Repair Café” (members: Ada; may decide: nothing on its own, until")
    expect((await ada("stance", "1", "agree")).code).toBe(0)
    time.advance(HOUR + 1000)
    const closed = await ada("close", "1")
    expect(closed.out).toContain("Done: create the working group “Repair Café”")
    const groups = await ada("groups")
    expect(groups.out).toContain("Repair Café: Run a repair evening every Thursday.")
    expect(groups.out).toContain("members: Ada; may decide on its own: nothing")
    expect(hasNoHex(groups.out)).toBe(true)

    const inGroup = await ada("propose", "Buy a soldering iron", "--hours", "1", "--by", "repair café")
    expect(inGroup.code).toBe(0)
    expect(inGroup.out).toContain("Working group “Repair Café” decides by consensus")
    const poll = await ada("propose", "Which evening?", "--by", "Repair Café", "--process", "poll")
    expect(poll.code).toBe(2)
    expect(poll.err).toContain("working groups and prime groups decide by consensus")
    expect((await ada("stance", "soldering", "agree")).code).toBe(0)
    time.advance(HOUR + 1000)
    const decided = await ada.json<{ decision: { outcome: string }; decidedBy: { kind: string; name: string } }>("close", "soldering")
    expect(decided.decision.outcome).toBe("passed")
    expect(decided.decidedBy).toMatchObject({ kind: "group", name: "Repair Café" })
  })
})
