import { describe, expect, it } from "vitest"
import { Client, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { module as machine } from "../src/Machine.ts"

const { DAY, HOUR } = Governance
const client = () => Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })

/**
 * Type tests: each `@ts-expect-error` must be an error, or the type check (`tsc -b`) fails.
 * Never called; the tests below run what is allowed.
 */
export const typeTests = async (): Promise<void> => {
  const c = await client()
  const me = await c.generateKey()
  const community = await c.create({ name: "Types", author: me })
  const open = Governance.propose({ title: "t", deadline: 0 })
  const { key } = await community.append(me, open)
  await community.append(me, open.module, open.type, open.body)
  await community.append(me, "governance", "stance", { proposal: new Uint8Array(32), stance: "block", reason: "not yet" })
  const draft: Governance.EventDraft<"stance"> = Governance.stance(key, "agree")
  const wide: Governance.Draft = draft
  await community.append(me, wide)
  // @ts-expect-error: no stance "agre"
  await community.append(me, "governance", "stance", { proposal: new Uint8Array(32), stance: "agre" })
  // @ts-expect-error: no event type "proposl.open"
  await community.append(me, "governance", "proposl.open", open.body)
  // @ts-expect-error: a close's body names the proposal as bytes
  await community.append(me, "governance", "proposal.close", { proposal: key })
  // @ts-expect-error: a builder's draft has its own type
  const mixed: Governance.EventDraft<"proposal.close"> = Governance.stance(key, "agree")
  void mixed
  await c.close()
}

describe("governance through the Promise API", () => {
  it("registers the same module, typed", () => {
    expect(Governance.module).toBe(machine)
    expect(Governance.module.name).toBe("governance")
  })

  it("says what a close before the deadline waits for, and closes once members' clocks pass it", async () => {
    const c = await client()
    const [a, b, d, applicant] = [await c.generateKey(), await c.generateKey(), await c.generateKey(), await c.generateKey()]
    const start = Date.now() - DAY
    const deadline = start + HOUR
    // Three full members: community time moves when two members' clocks say so.
    const community = await c.create({ name: "Housing co-op", author: a, founders: [b.publicKey, d.publicKey], time: start })
    await community.append(applicant, "core", "member.apply", { note: "I'd like to join" }, { time: start })
    const { key } = await community.append(
      a,
      Governance.propose({ title: "Admit a neighbour", deadline, action: Governance.admit(applicant.id) }),
      { time: start }
    )
    for (const member of [a, b, d]) await community.append(member, Governance.stance(key, "agree"), { time: start })

    // Alice's clock is past the deadline; community time is not, until a second member's is.
    await community.append(a, "core", "tick", {})
    expect(community.communityTime()).toBe(start)
    const predicted = await community.check(a, Governance.close(key))
    const early = await community.append(a, Governance.close(key))
    expect(early.outcome).toEqual(predicted)
    expect(early.outcome).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "DeadlineNotReached", message: expect.stringMatching(/closes at .*; community time here is .*, so wait until members' clocks pass it/) }
    })
    expect(Governance.decision(community, key)).toBeUndefined()

    await community.append(b, "core", "tick", {})
    expect(community.communityTime()).toBeGreaterThanOrEqual(deadline)
    const expected = { _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "member.admit" }] }
    expect(await community.check(d, Governance.close(key))).toEqual(expected)
    const closed = await community.append(d, Governance.close(key))
    expect(closed.outcome).toEqual(expected)
    expect(community.members()).toContain(applicant.id)
    await c.close()
  })

  it("reads decisions with what became of their actions", async () => {
    const c = await client()
    const [me, applicant, stranger] = [await c.generateKey(), await c.generateKey(), await c.generateKey()]
    const start = Date.now() - DAY
    const community = await c.create({ name: "Garden", author: me, time: start })
    await community.append(applicant, "core", "member.apply", { note: "tomatoes" }, { time: start })
    const decide = async (draft: Governance.EventDraft<"proposal.open">) => {
      const { key } = await community.append(me, draft, { time: start })
      await community.append(me, Governance.stance(key, "agree"), { time: start })
      return key
    }
    const deadline = start + HOUR
    const admitted = await decide(Governance.propose({ title: "Admit the grower", process: "consent", deadline, action: Governance.admit(applicant.id) }))
    const refused = await decide(Governance.propose({ title: "Admit a stranger", process: "consent", deadline, action: Governance.admit(stranger.id) }))
    const plain = await decide(Governance.propose({ title: "Water on Sundays", process: "consent", deadline }))
    const pending = await decide(Governance.propose({ title: "Buy a shed", process: "consent", deadline: start + 30 * DAY }))
    await community.append(me, "core", "tick", {})
    for (const key of [admitted, refused, plain]) expect((await community.append(me, Governance.close(key))).outcome._tag).toBe("Applied")

    expect(Governance.decision(community, admitted)).toMatchObject({
      proposal: { id: admitted, status: "passed" },
      decision: { outcome: "passed" },
      action: { _tag: "Applied", module: "core", type: "member.admit" }
    })
    // The decision passed; its action broke a rule when it was applied.
    expect(Governance.decision(community, refused)?.action).toMatchObject({
      _tag: "Failed",
      module: "core",
      type: "member.admit",
      reason: { _tag: "NotAnApplicant" }
    })
    expect(Governance.decision(community, plain)).toMatchObject({ decision: { outcome: "passed" }, action: undefined })
    expect(Governance.decision(community, pending)).toBeUndefined()
    expect(Governance.decision(community, "00".repeat(32))).toBeUndefined()
    // In the order they ended: community time, then the closing event's key.
    const ended = Governance.decisions(community)
    expect(ended.map((d) => d.proposal.id).sort()).toEqual([admitted, refused, plain].sort())
    const order = ended.map((d) => [d.decision.at, d.decision.key] as const)
    expect(order).toEqual([...order].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1)))

    // The exports take the handle's outcomes directly.
    const state = community.state<Governance.State>("governance")
    const markdown = Governance.Records.toMarkdown(state, { outcomeOf: community.outcome })
    expect(markdown).toContain("- Action: core/member.admit: applied")
    expect(markdown).toContain("- Action: core/member.admit: failed: NotAnApplicant")
    await c.close()
  })
})
