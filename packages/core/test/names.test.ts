import { describe, expect, it } from "vitest"
import { Client, Names, Storage } from "@affinity/core"

const DAY = 24 * 3_600_000

describe("names, not hex", () => {
  it("show a member by the name they published, by their label where they have none, and tell two of the same name apart", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, bo, cy] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const garden = await client.create({ name: "Garden", author: ada, founders: [bo.publicKey, cy.publicKey] })
    expect((await garden.setProfile(ada, { name: "Ada", pronouns: "she/her", note: "compost and bees" })).outcome._tag).toBe("Applied")
    expect((await garden.setProfile(bo, { name: "ada" })).outcome._tag).toBe("Applied")
    const names = garden.names()
    expect(names.nameOf(ada.id)).toBe(`Ada (${Names.label(ada.id)})`)
    expect(names.nameOf(bo.id)).toBe(`ada (${Names.label(bo.id)})`)
    expect(names.nameOf(cy.id)).toBe(Names.label(cy.id))
    expect(names.nameOf(cy.id)).toMatch(/^[a-z]{5}-[a-z]{5}$/)
    expect(garden.profile(ada.id)).toEqual({ name: "Ada", pronouns: "she/her", note: "compost and bees" })
    // A name given on this device comes first.
    expect(garden.names({ [bo.id]: "Bo" }).nameOf(bo.id)).toBe("Bo")
    expect(garden.names({ [bo.id]: "Bo" }).nameOf(ada.id)).toBe("Ada")
    // The latest profile counts; a name is not an identity: nothing else changes.
    const members = garden.members()
    await garden.setProfile(bo, { name: "Bo" })
    expect(garden.names().nameOf(bo.id)).toBe("Bo")
    expect(garden.names().nameOf(ada.id)).toBe("Ada")
    expect(garden.members()).toEqual(members)
    await client.close()
  })

  it("puts names into the messages people read", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, stranger] = [await client.generateKey(), await client.generateKey()]
    const garden = await client.create({ name: "Garden", author: ada })
    await garden.setProfile(ada, { name: "Ada" })
    const names = garden.names()
    expect(names.explain(`the proposal by ${ada.id.slice(0, 12)}… was decided by ${ada.id}`)).toBe("the proposal by Ada was decided by Ada")
    // Someone not in the community, and an event, show by their labels: no hex is left.
    expect(names.explain(`key ${stranger.id}`)).toBe(`key ${Names.label(stranger.id)}`)
    expect(names.explain("event 0123456789ab… and 42")).toBe(`event ${Names.label("0123456789ab")} and 42`)
    expect(names.explain("2026-12-03, 12 members")).toBe("2026-12-03, 12 members")
    await client.close()
  })

  it("lets an applicant say who they are, not a member who left, and refuses a bad profile with the reason", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, bo, newcomer] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const start = Date.now() - DAY
    const garden = await client.create({ name: "Garden", author: ada, founders: [bo.publicKey], time: start })
    await garden.append(newcomer, "core", "member.apply", { note: "I grow beans" })
    expect((await garden.setProfile(newcomer, { name: "Dee" })).outcome._tag).toBe("Applied")
    expect(garden.names().nameOf(newcomer.id)).toBe("Dee")
    await garden.append(bo, "core", "member.leave", { note: "moving away" })
    expect((await garden.setProfile(bo, { name: "Bo" })).outcome._tag).toBe("Rejected")
    await expect(garden.setProfile(ada, { name: "  " })).rejects.toMatchObject({ _tag: "AppendError", reason: "BadProfile", message: "write a name" })
    await expect(garden.setProfile(ada, { name: Names.label(bo.id) })).rejects.toMatchObject({ reason: "BadProfile" })
    await expect(garden.setProfile(ada, { name: "Ada", pronouns: "x".repeat(31) })).rejects.toMatchObject({ reason: "BadProfile" })
    await client.close()
  })

  it("goes with the payload: erased, the member shows by their label again, on every replica", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, bo] = [await client.generateKey(), await client.generateKey()]
    const garden = await client.create({ name: "Garden", author: ada, founders: [bo.publicKey] })
    const { key } = await garden.setProfile(bo, { name: "Bo", note: "ask me about bikes" })
    const other = await Client.make({ storage: Storage.layerMemory })
    const copy = await other.join(garden.export()[0]!)
    await copy.receive(garden.export())
    expect(copy.names().nameOf(bo.id)).toBe("Bo")
    expect((await garden.erasePayload(bo, key)).outcome._tag).toBe("Applied")
    expect(garden.names().nameOf(bo.id)).toBe(Names.label(bo.id))
    expect(garden.profile(bo.id)).toBeUndefined()
    await copy.receive(garden.export())
    expect(copy.names().nameOf(bo.id)).toBe(Names.label(bo.id))
    expect(copy.stateHash()).toBe(garden.stateHash())
    await client.close()
    await other.close()
  })

  it("can be taken away in one call: every profile the member published is erased", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, bo] = [await client.generateKey(), await client.generateKey()]
    const start = Date.now() - DAY
    const garden = await client.create({ name: "Garden", author: ada, founders: [bo.publicKey], time: start })
    await garden.setProfile(bo, { name: "Robert" }, { time: start + 1000 })
    await garden.setProfile(bo, { name: "Bo" }, { time: start + 2000 })
    expect(garden.names().nameOf(bo.id)).toBe("Bo")
    const erased = await garden.eraseProfile(bo, { time: start + 3000 })
    expect(erased.map((e) => e.outcome._tag)).toEqual(["Applied", "Applied"])
    expect(garden.names().nameOf(bo.id)).toBe(Names.label(bo.id))
    expect(garden.event(erased[0]!.key)?.time).toBe(start + 3000)
    expect(await garden.eraseProfile(bo)).toEqual([])
    expect(garden.names().nameOf(ada.id)).toBe(Names.label(ada.id))
    await client.close()
  })

  it("reads profiles defensively: anything unexpected is no profile", () => {
    expect(Names.decodeProfile(Names.encodeProfile({ name: " Ada " }))).toEqual({ name: "Ada" })
    expect(Names.decodeProfile(new Uint8Array([0xff]))).toBeUndefined()
    expect(Names.decodeProfile(new TextEncoder().encode("Ada"))).toBeUndefined()
    expect(() => Names.encodeProfile({ name: "a".repeat(61) })).toThrow(/at most 60/)
    expect(Names.problem("ab12cd34ef")).toMatch(/key/)
  })
})
