import { Names } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Schemas } from "../src/index.ts"
import { expectShape, openStream, type Rig, start, TOKEN } from "./harness.ts"

let rig: Rig
beforeAll(async () => {
  rig = await start()
})
afterAll(() => rig.close())

const HOUR = 60 * 60 * 1000
const iso = (ms: number) => new Date(ms).toISOString()
const member = async (identity: string) => expectShape(Schemas.Member, (await rig.api("GET", `/members/${identity}`)).json)
/** Text that names no one by hex: no run of 12 or more hex digits. */
const hasNoHex = (text: string): boolean => !/[0-9a-f]{12,}/.test(text)

describe("names members publish", () => {
  it("the bridge's member publishes a profile; bad ones are refused with the reason, and nothing is signed", async () => {
    expect(await member(rig.ada.id)).toMatchObject({ name: Names.label(rig.ada.id), published: null })
    const size = rig.bridge.community.export().length
    for (const [body, tag] of [
      [{ name: Names.label(rig.bo.id) }, "BadProfile"],
      [{ name: "ab12cd34ef" }, "BadProfile"],
      [{ name: "" }, "BadRequest"],
      [{ name: "Ada", colour: "red" }, "BadRequest"],
      [{ name: "Ada", pronouns: "x".repeat(31) }, "BadRequest"]
    ] as const) {
      const refused = await rig.api("PUT", "/profile", { body })
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(expectShape(Schemas.Failure, refused.json)._tag).toBe(tag)
    }
    expect(rig.bridge.community.export().length).toBe(size)

    const answer = await rig.api("PUT", "/profile", { body: { name: "Ada", pronouns: "she/her", note: "Bakes on Tuesdays." } })
    expect(answer.status).toBe(200)
    const act = expectShape(Schemas.ProfileAct, answer.json)
    expect(act.events.map((e) => [e.module, e.type, e.outcome.result])).toEqual([["core", "member.profile", "applied"]])
    expect(act.member).toMatchObject({ identity: rig.ada.id, name: "Ada", given: null, published: { name: "Ada", pronouns: "she/her", note: "Bakes on Tuesdays." } })
    const community = expectShape(Schemas.Community, (await rig.api("GET", "/community")).json)
    expect(community.me.name).toBe("Ada")
    // Another member's replica shows her by it.
    await rig.synced()
    expect(rig.boHandle.names().nameOf(rig.ada.id)).toBe("Ada")
  })

  it("shows others by the names they published, after a name given on the bridge, and by their label once erased", async () => {
    const { key } = await rig.boHandle.setProfile(rig.bo, { name: "Bo" })
    await rig.synced()
    expect(await member(rig.bo.id)).toMatchObject({ name: "Bo", given: null, published: { name: "Bo", pronouns: null, note: null } })
    expect((await rig.api("PUT", `/members/${rig.bo.id}/name`, { body: { name: "Bobby" } })).status).toBe(200)
    expect(await member(rig.bo.id)).toMatchObject({ name: "Bobby", given: "Bobby", published: { name: "Bo" } })
    expect((await rig.api("PUT", `/members/${rig.bo.id}/name`, { body: { name: null } })).status).toBe(200)
    expect((await member(rig.bo.id)).name).toBe("Bo")

    // Two who would show the same name are told apart by their labels.
    await rig.boHandle.setProfile(rig.bo, { name: "ada" })
    await rig.synced()
    const members = expectShape(Schema.Array(Schemas.Member), (await rig.api("GET", "/members")).json)
    expect(members.map((m) => m.name).sort()).toEqual([`Ada (${Names.label(rig.ada.id)})`, `ada (${Names.label(rig.bo.id)})`].sort())

    // Bo erases his profiles: the member record changes (its name), on the stream too.
    const stream = await openStream(`${rig.url}/events/stream`, { authorization: `Bearer ${TOKEN}` })
    try {
      await stream.next((e) => e.event === "ready")
      await rig.boHandle.erasePayload(rig.bo, key)
      await rig.boHandle.erasePayload(rig.bo, rig.boHandle.state<{ identities: Record<string, { profile?: string }> }>("core").identities[rig.bo.id]!.profile!)
      const change = expectShape(Schemas.FeedItem, JSON.parse((await stream.next((e) => e.event === "record" && e.data.includes('"kind":"member"'))).data))
      expect(change.kind === "record" && change.change.kind === "member" && [change.change.id, change.change.change]).toEqual([rig.bo.id, "updated"])
    } finally {
      stream.close()
    }
    await rig.synced()
    expect(await member(rig.bo.id)).toMatchObject({ name: Names.label(rig.bo.id), published: null })
    await rig.boHandle.setProfile(rig.bo, { name: "Bo" })
    await rig.synced()
  })

  it("erases the bridge's member's own profile with DELETE /profile", async () => {
    const erased = expectShape(Schemas.ProfileAct, (await rig.api("DELETE", "/profile")).json)
    expect(erased.events.map((e) => [e.type, e.outcome.result])).toEqual([["payload.erase", "applied"]])
    expect(erased.member).toMatchObject({ name: Names.label(rig.ada.id), published: null })
    expect(expectShape(Schemas.ProfileAct, (await rig.api("DELETE", "/profile")).json).events).toEqual([])
    expect((await rig.api("PUT", "/profile", { body: { name: "Ada" } })).status).toBe(200)
  })
})

describe("records for people use those names; JSON keeps ids beside them", () => {
  it("decisions with several actions, the Markdown record and the binder; refusals name people", async () => {
    const now = Governance.communityTime(rig.boHandle.community.replica)
    const two = await rig.api("POST", "/proposals", {
      body: {
        title: "Two clocks and a larger quorum",
        deadline: iso(now + 2 * HOUR),
        actions: [
          { module: "core", type: "community.params", body: { timeWitnesses: 2 } },
          { module: "core", type: "community.params", body: { quorumPercent: 60 } }
        ]
      }
    })
    expect(two.status).toBe(201)
    const passing = expectShape(Schemas.Act, two.json).proposal!
    expect(passing.actions.map((a) => a.body)).toEqual([{ timeWitnesses: 2 }, { quorumPercent: 60 }])
    const both = await rig.api("POST", "/proposals", {
      body: { title: "One", deadline: iso(now + 2 * HOUR), action: { module: "core", type: "tick", body: {} }, actions: [] }
    })
    expect(both.status).toBe(400)
    const blocked = expectShape(Schemas.Act, (await rig.api("POST", "/proposals", { body: { title: "Paint the door red", deadline: iso(now + 2 * HOUR) } })).json).proposal!

    // Ada agrees with the second; Bo agrees with the first and blocks the second, then his clock moves community time on.
    expect((await rig.api("POST", `/proposals/${blocked.id}/stance`, { body: { stance: "agree" } })).status).toBe(201)
    await rig.synced()
    for (const d of [Governance.stance(passing.id, "agree"), Governance.stance(blocked.id, "block", "Red fades in the sun.")])
      await rig.boHandle.append(rig.bo, d.module, d.type, d.body)
    await rig.boHandle.append(rig.bo, "core", "tick", {}, { time: Date.now() + 3 * HOUR })
    await rig.synced()
    for (const p of [passing, blocked]) expect((await rig.api("POST", `/proposals/${p.id}/close`)).status).toBe(201)

    const decisions = expectShape(Schema.Array(Schemas.Proposal), (await rig.api("GET", "/decisions")).json)
    const done = decisions.find((p) => p.id === passing.id)!.decision!
    expect(done.actions.map((a) => [a.type, a.status])).toEqual([
      ["community.params", "applied"],
      ["community.params", "applied"]
    ])
    expect(done.actionStatus).toBe("applied")
    const no = decisions.find((p) => p.id === blocked.id)!.decision!
    expect(no.stances).toContainEqual(expect.objectContaining({ member: { identity: rig.bo.id, name: "Bo" }, stance: "block" }))
    expect(no.reason).toContain(`${rig.bo.id.slice(0, 12)}…`)

    const markdown = await fetch(`${rig.url}/record.md`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(markdown.headers.get("content-type")).toContain("text/markdown")
    const md = await markdown.text()
    expect(md).toContain("## Paint the door red")
    expect(md).toContain("blocked by Bo (Red fades in the sun.)")
    expect(md).toContain("| Bo | block | Red fades in the sun. |")
    expect(md).toContain("- Proposed by Ada on")
    expect(md).toContain(`by event \`${no.event}\``)
    expect(md).not.toContain(`${rig.bo.id.slice(0, 12)}…`)

    const binder = await fetch(`${rig.url}/binder.html`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(binder.headers.get("content-type")).toContain("text/html")
    const html = await binder.text()
    expect(html).toContain("<td>Bo</td><td>blocked</td>")
    const appendix = html.indexOf(`id="verification"`)
    expect(appendix).toBeGreaterThan(0)
    expect(hasNoHex(html.slice(0, appendix))).toBe(true)
    expect((await rig.api("GET", "/record.md", { token: null })).status).toBe(401)

    // A refusal the community gives names the person it is about, not their key.
    const bosProposal = Governance.propose({ title: "Bo's bread", deadline: Governance.communityTime(rig.boHandle.community.replica) + 2 * HOUR })
    const { key } = await rig.boHandle.append(rig.bo, bosProposal.module, bosProposal.type, bosProposal.body)
    await rig.synced()
    const amend = await rig.api("POST", "/events", {
      body: { module: "governance", type: "proposal.amend", body: { proposal: { $bytes: key }, text: "Rye." } }
    })
    expect(amend.status).toBe(422)
    const failure = expectShape(Schemas.Failure, amend.json)
    expect(failure._tag).toBe("NotProposer")
    expect(failure.message).toContain("(Bo)")
    expect(hasNoHex(failure.message)).toBe(true)
    expect(failure.event).toMatch(/^[0-9a-f]{64}$/)
  })
})
