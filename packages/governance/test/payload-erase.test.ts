import { describe, expect, it } from "vitest"
import { Client, Event, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"

const { DAY, HOUR } = Governance

describe("a community decision erases a member's payload", () => {
  it("a passed proposal carrying core/payload.erase drops the payload; the event stays valid", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
    const [a, b] = [await client.generateKey(), await client.generateKey()]
    const start = Date.now() - DAY
    const deadline = start + HOUR
    const community = await client.create({ name: "Tenants", author: a, founders: [b.publicKey], time: start })
    const note = new TextEncoder().encode("Flat 4 owes three months of rent.")
    const posted = await community.append(b, "core", "tick", {}, { payload: note, time: start })
    const header = Event.decode(community.event(posted.key)!.bytes)
    if (!header.ok) throw new Error(header.error.message)
    const action = { module: "core", type: "payload.erase", body: { header: header.event.headerBytes } }

    // Alice cannot erase bob's payload herself; the community can.
    const direct = await community.append(a, action, { time: start })
    expect(direct.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotYourPayload" } })
    const { key } = await community.append(a, Governance.propose({ title: "Take down the rent note", deadline, action }), { time: start })
    for (const m of [a, b]) await community.append(m, Governance.stance(key, "agree"), { time: start })
    await community.append(a, "core", "tick", {}, { time: deadline })
    await community.append(b, "core", "tick", {}, { time: deadline })
    const closed = await community.append(a, Governance.close(key))
    expect(closed.outcome).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "payload.erase" }] })
    expect(community.payload(posted.key)).toBeUndefined()
    expect(community.state<{ readonly erased?: Record<string, string> }>("core").erased).toEqual({ [posted.key]: closed.key })
    const kept = Event.decode(community.event(posted.key)!.bytes)
    expect(kept.ok && kept.event.key === posted.key && kept.event.payload === null).toBe(true)
    await client.close()
  })
})
