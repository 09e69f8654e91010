import { describe, expect, it } from "vitest"
import { Layer } from "effect"
import { Client, Crypto, Storage } from "@affinity/core"
import type { Community } from "@affinity/core"

describe("Client (Promise facade)", () => {
  it("creates, appends, notifies subscribers, exports, and another replica converges", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [a, b] = [await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Food co-op", author: a, founders: [b.publicKey], params: { timeWitnesses: 1 } })
    const changes: Array<Community.Change> = []
    const stop = community.subscribe((c) => changes.push(c))
    const first = await community.append(b, "core", "tick", {})
    expect(first.outcome._tag).toBe("Applied")
    expect(changes).toHaveLength(1)
    expect(changes[0]!.delivered).toEqual([first.key])
    expect(changes[0]!.stateHash).toBe(community.stateHash())
    stop()
    await community.append(a, "core", "tick", {})
    expect(changes).toHaveLength(1)
    expect(community.members()).toEqual([a.id, b.id].sort())
    expect(await client.communities()).toEqual([community.id])

    const phone = await client.generateKey()
    // The new device knows only the adding device's public key.
    const consent = await client.deviceConsent(phone, community.id, a.publicKey)
    await expect(client.deviceConsent(phone, "zz", a.publicKey)).rejects.toThrow(/community id/)
    await expect(client.deviceConsent(phone, community.id, "abcd")).rejects.toThrow(/public key/)
    expect(await client.deviceConsent(phone, community.id, Buffer.from(a.publicKey).toString("hex"))).toEqual(consent)
    const added = await community.append(a, "core", "device.add", { device: phone.publicKey, consent })
    expect(added.outcome._tag).toBe("Applied")
    expect(community.state<{ devices: Record<string, string> }>("core").devices[phone.id]).toBe(a.id)

    const other = await Client.make({ storage: Storage.layerMemory, crypto: Crypto.layerNoble })
    const copy = await other.join(community.export()[0]!)
    const verdicts = await copy.receive([...community.export().slice(1)].reverse())
    expect(verdicts.every((v) => v._tag === "Valid" || v._tag === "Pending")).toBe(true)
    expect(copy.stateHash()).toBe(community.stateHash())
    await client.close()
    await other.close()
  })

  it("rejects an append that breaks a structural rule with a typed error", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, crypto: Layer.succeed(Crypto.Crypto, Crypto.makeNoble()) })
    const a = await client.generateKey()
    const community = await client.create({ name: "x", author: a })
    // Names held in `string` values are checked at run time only.
    const [badModule, tick]: ReadonlyArray<string> = ["Not A Module", "tick"]
    await expect(community.append(a, badModule!, "tick", {})).rejects.toMatchObject({ _tag: "AppendError", reason: "MalformedHeader" })
    await expect(community.append(a, "core", tick!, { n: 1.5 })).rejects.toMatchObject({ _tag: "AppendError", reason: "MalformedBody" })
    await client.close()
  })
})
