import { describe, expect, it } from "vitest"
import { Client, type Keys, Storage } from "@affinity/core"
import { Expression, Retention, type State } from "@affinity/expression"
import { Chat } from "@affinity/expression/client"
import { council, decide } from "./support/council.ts"

const modules = [Expression.module, council]

const setup = async () => {
  const client = await Client.make({ storage: Storage.layerMemory, modules })
  const [ada, bo, cy] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
  const community = await client.create({ name: "Riverside", author: ada, founders: [bo.publicKey, cy.publicKey], params: { timeWitnesses: 1 } })
  for (const k of [ada, bo, cy]) await community.publishSealingKey(k)
  return { client, community, ada, bo, cy }
}

const texts = (reads: ReadonlyArray<Chat.Read>) => reads.map((r) => r.text ?? `(${r.missing})`)

describe("private channels end to end", () => {
  it("members read; a removed member cannot read what follows; a relay holds ciphertext and folds the same state", async () => {
    const { client, community, ada, bo, cy } = await setup()
    try {
      const opened = await community.append(ada, Expression.openChannel({ name: "care", title: "Care circle", kind: "private", members: [bo.id, cy.id] }))
      const care = opened.key
      const ring = new Chat.Keyring()
      await Chat.send(community, ada, care, "Cy's mother is in hospital; who can drive on Tuesday?", { ring })
      await Chat.send(community, bo, care, "I can.")
      expect(texts(await Chat.read(community, cy, care))).toEqual(["Cy's mother is in hospital; who can drive on Tuesday?", "I can."])

      const removal = await community.append(ada, decide("community", Expression.removeMember(care, cy.id, "asked to step back")))
      expect(removal.outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Applied" }] })
      await Chat.send(community, bo, care, "Tuesday is settled.")
      const s = community.state<State>("expression")
      const keys = Object.values(s.channels[care]!.keys)
      expect(new Set(keys.map((k) => k.epoch)).size).toBe(2)
      // Cy still reads what came before the removal, not what followed it
      expect(texts(await Chat.read(community, cy, care))).toEqual(["Cy's mother is in hospital; who can drive on Tuesday?", "I can.", "(locked)"])
      expect(texts(await Chat.read(community, ada, care))).toEqual(["Cy's mother is in hospital; who can drive on Tuesday?", "I can.", "Tuesday is settled."])
      // a post by Cy is refused now
      const late = await community.append(cy, Expression.post(care, { key: keys[0]!.key }), { payload: new Uint8Array(40) })
      expect(late.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotAChannelMember" } })

      // a relay: another client that only receives the events; it holds no key of the channel
      const relayClient = await Client.make({ storage: Storage.layerMemory, modules })
      try {
        const relay = await relayClient.join(community.export()[0]!)
        await relay.receive(community.export().slice(1))
        expect(relay.stateHash()).toBe(community.stateHash())
        const seen = await Chat.read(relay, null, care)
        expect(seen.map((r) => r.missing)).toEqual(["locked", "locked", "locked"])
        // the payload it holds is not the text
        const first = relay.payload(seen[0]!.message.key)!
        expect(new TextDecoder().decode(first)).not.toContain("hospital")
      } finally {
        await relayClient.close()
      }
    } finally {
      await client.close()
    }
  })

  it("a revoked device: the member's client sees the key needs rotating, rotates, and the revoked device cannot open the new epoch's key", async () => {
    const { client, community, ada, bo } = await setup()
    try {
      const phone = await client.generateKey()
      const addition = await client.deviceAddition(phone, community.id, ada.publicKey)
      const added = await community.append(ada, "core", "device.add", { ...addition })
      expect(added.outcome._tag).toBe("Applied")
      const care = (await community.append(ada, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo.id] }))).key
      await Chat.send(community, ada, care, "before")
      const state = () => community.state<State>("expression").channels[care]!
      const sealedTo = (lock: string) => (state().keys[lock]!.devices)
      const first = state().messages[0]!
      const lock0 = Expression.messageOf(community.state<State>("expression"), first)!.lock!
      expect(sealedTo(lock0)).toBe(3) // Ada's two devices and Bo's
      expect(texts(await Chat.read(community, phone, care))).toEqual(["before"])
      expect(Chat.needsRotation(community, care)).toBeNull()
      await community.append(ada, "core", "device.revoke", { device: phone.publicKey })
      expect(Chat.sealedTo(community.event(lock0)!.body)).toContain(phone.id)
      expect(Chat.needsRotation(community, care)).toBe("a device the key was sealed to is no longer a current device")
      const rotated = await community.append(ada, Expression.rotate(care))
      expect(rotated.outcome._tag).toBe("Applied")
      expect(Chat.needsRotation(community, care)).toBeNull()
      await Chat.send(community, ada, care, "after")
      expect(texts(await Chat.read(community, bo, care))).toEqual(["before", "after"])
      expect(texts(await Chat.read(community, phone, care))).toEqual(["before", "(locked)"])
    } finally {
      await client.close()
    }
  })

  it("edits and deletions: the latest text shows, a deleted message shows none, and erasing its payload keeps its metadata", async () => {
    const { client, community, ada, bo } = await setup()
    try {
      const garden = (await community.append(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))).key
      const m = await Chat.send(community, ada, garden, "Seed swap on Sundy")
      await Chat.edit(community, ada, m.key, "Seed swap on Sunday")
      const gone = await Chat.send(community, bo, garden, "my number is 555 0199")
      await community.append(bo, Expression.remove(gone.key))
      await community.erasePayload(bo, gone.key)
      const reads = await Chat.read(community, ada, garden)
      expect(texts(reads)).toEqual(["Seed swap on Sunday", "(deleted)"])
      expect(reads[0]!.edited).toBe(true)
      expect(community.payload(gone.key)).toBeUndefined()
      expect(reads[1]!.message.author).toBe(bo.id)
    } finally {
      await client.close()
    }
  })

  it("retention set by decision: bodies past it count as erased on every replica", async () => {
    const { client, community, ada, bo } = await setup()
    try {
      const garden = (await community.append(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))).key
      const t0 = community.communityTime()
      await Chat.send(community, ada, garden, "old news", { time: t0 + 1000 })
      await community.append(ada, decide("community", Expression.retention(garden, 30)))
      for (const k of [ada, bo] as ReadonlyArray<Keys.DeviceKey>) await community.append(k, { module: "core", type: "tick", body: {} }, { time: t0 + 31 * 86_400_000 })
      await Chat.send(community, bo, garden, "fresh", { time: t0 + 31 * 86_400_000 + 1000 })
      expect(texts(await Chat.read(community, ada, garden))).toEqual(["(expired)", "fresh"])
      const due = Retention.due(community.state<State>("expression"), community.communityTime())
      expect(due).toHaveLength(1)
    } finally {
      await client.close()
    }
  })
})
