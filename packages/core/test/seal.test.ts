import { x25519 } from "@noble/curves/ed25519.js"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Client, CoreEvents, Crypto, Event, Keys, Membership, Seal, Storage } from "@affinity/core"

type Handle = Client.CommunityHandle

/** A device key whose 32-byte seed is `n` in its first two bytes (distinct for n < 65,536). */
const seeded = (n: number): Keys.DeviceKey => ({
  secret: new Uint8Array(32).map((_, j) => (j === 0 ? n & 255 : j === 1 ? n >> 8 : 0x5a)),
  publicKey: new Uint8Array(32),
  id: ""
})

const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** Three founders, each with a laptop (the founding key) and a phone added with its sealing key. */
const garden = async () => {
  const client = await Client.make({ storage: Storage.layerMemory })
  const [ada, bea, cy] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
  const community = await client.create({ name: "Garden", author: ada, founders: [bea.publicKey, cy.publicKey] })
  const phones = new Map<string, Keys.DeviceKey>()
  for (const laptop of [ada, bea, cy]) {
    expect((await community.publishSealingKey(laptop))?.outcome._tag).toBe("Applied")
    const phone = await client.generateKey()
    const body = await client.deviceAddition(phone, community.id, laptop.publicKey)
    expect((await community.append(laptop, "core", "device.add", body)).outcome._tag).toBe("Applied")
    phones.set(laptop.id, phone)
  }
  return { client, community, ada, bea, cy, phones, phone: (k: Keys.DeviceKey) => phones.get(k.id)! }
}

const opens = async (community: Handle, device: Keys.DeviceKey, sealed: Uint8Array) => {
  const r = await community.unseal(device, sealed)
  return r.ok ? text(r.secret) : r.error.reason
}

describe("sealing keys bound to identities", () => {
  it("every current device of every member opens what is sealed to the members; nobody else does", async () => {
    const { client, community, ada, bea, cy, phone } = await garden()
    const keys = community.sealingKeys([ada.id, bea.id, cy.id])
    expect(keys).toHaveLength(6)
    expect(keys.map((k) => k.identity)).toEqual([ada.id, ada.id, bea.id, bea.id, cy.id, cy.id])
    const devices = new Map([ada, bea, cy, phone(ada), phone(bea), phone(cy)].map((d) => [d.id, d]))
    for (const k of keys) expect(k.key).toEqual(client.sealingKey(devices.get(k.device)!))

    const { sealed, recipients, missing } = await community.seal([ada.id, bea.id, cy.id], Bytes.utf8("the gate code is 4711"))
    expect(recipients).toHaveLength(6)
    expect(missing).toEqual([])
    expect(sealed.length).toBe(Seal.sizeOf(6, 21))
    for (const device of [ada, bea, cy, phone(ada), phone(bea), phone(cy)]) expect(await opens(community, device, sealed)).toBe("the gate code is 4711")
    const eve = await client.generateKey()
    expect(await opens(community, eve, sealed)).toBe("NotARecipient")

    // Sealed to two of them: the third's devices are not recipients.
    const two = await community.seal([ada.id, bea.id], Bytes.utf8("just us"))
    expect(two.recipients.map((r) => r.identity)).toEqual([ada.id, ada.id, bea.id, bea.id])
    expect(await opens(community, phone(cy), two.sealed)).toBe("NotARecipient")
    expect(await opens(community, phone(bea), two.sealed)).toBe("just us")
    await client.close()
  })

  it("a revoked device and a member who left are no longer sealed to", async () => {
    const { client, community, ada, bea, cy, phone } = await garden()
    const before = await community.seal([ada.id], Bytes.utf8("before"))
    expect((await community.append(ada, "core", "device.revoke", { device: phone(ada).publicKey })).outcome._tag).toBe("Applied")
    expect(community.sealingKeys([ada.id]).map((k) => k.device)).toEqual([ada.id])
    const after = await community.seal([ada.id, bea.id], Bytes.utf8("after"))
    expect(after.recipients.map((r) => r.device)).not.toContain(phone(ada).id)
    expect(await opens(community, phone(ada), after.sealed)).toBe("NotARecipient")
    expect(await opens(community, ada, after.sealed)).toBe("after")
    // What it could open before, it still can: a new group key is what keeps it out.
    expect(await opens(community, phone(ada), before.sealed)).toBe("before")

    expect((await community.append(cy, "core", "member.leave", { note: "moving away" })).outcome._tag).toBe("Applied")
    expect(community.sealingKeys([cy.id])).toEqual([])
    const left = await community.seal([bea.id, cy.id], Bytes.utf8("without cy"))
    expect(left.missing).toEqual([cy.id])
    expect(left.recipients.every((r) => r.identity === bea.id)).toBe(true)
    expect(await opens(community, phone(cy), left.sealed)).toBe("NotARecipient")
    await expect(community.seal([cy.id], Bytes.utf8("nobody"))).rejects.toMatchObject({ _tag: "SealError", reason: "NoRecipients" })

    // The state says the same: no sealing key for a revoked device or an identity that left.
    const core = community.state<Membership.State>("core")
    expect(core.identities[ada.id]!.sealing).toEqual({ [ada.id]: Bytes.toHex(client.sealingKey(ada)) })
    expect(core.identities[cy.id]!.sealing).toBeUndefined()
    await client.close()
  })

  it("an applicant publishes its key with its application", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, dan] = [await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Garden", author: ada })
    expect((await community.append(dan, "core", "member.apply", { note: "I grow beans", seal: client.sealingKey(dan) })).outcome._tag).toBe("Applied")
    expect(community.sealingKeys([dan.id])).toEqual([{ identity: dan.id, device: dan.id, key: client.sealingKey(dan) }])
    // A founder has none until it publishes one.
    expect(community.sealingKeys([ada.id])).toEqual([])
    expect(await community.publishSealingKey(ada)).not.toBeNull()
    expect(await community.publishSealingKey(ada)).toBeNull()
    expect(await community.publishSealingKey(dan)).toBeNull()
    expect(community.sealingKeys([ada.id]).map((k) => k.device)).toEqual([ada.id])
    await client.close()
  })

  it("the consent of a new device covers its sealing key", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, phone, mallory] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Garden", author: ada })
    const body = await client.deviceAddition(phone, community.id, ada.publicKey)
    // The adder swaps in a sealing key of its own: the consent no longer verifies.
    const refused = { _tag: "AppendError", reason: "Invalid", message: expect.stringMatching(/signature inside the body/) }
    await expect(community.append(ada, "core", "device.add", { ...body, seal: client.sealingKey(mallory) })).rejects.toMatchObject(refused)
    // A consent without a sealing key does not cover one added afterwards either.
    const bare = await client.deviceConsent(phone, community.id, ada.publicKey)
    await expect(community.append(ada, "core", "device.add", { device: phone.publicKey, consent: bare, seal: body.seal })).rejects.toMatchObject(refused)
    // Nor does a consent with one cover its absence.
    await expect(community.append(ada, "core", "device.add", { device: phone.publicKey, consent: body.consent })).rejects.toMatchObject(refused)
    expect(community.export()).toHaveLength(1)
    expect((await community.append(ada, "core", "device.add", body)).outcome._tag).toBe("Applied")
    expect(community.sealingKeys([ada.id]).map((k) => k.device)).toEqual([phone.id])
    await client.close()
  })

  it("refuses a sealing key that is not one, and a publication by a device that does not act", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, phone, stranger] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Garden", author: ada })
    const smallOrder = Bytes.concat(Uint8Array.of(1), new Uint8Array(31))
    for (const key of [new Uint8Array(32), smallOrder, new Uint8Array(31).fill(9), new Uint8Array(32).fill(0xff)]) {
      const r = await community.append(ada, "core", "device.seal", { key })
      expect(r.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "InvalidBody" } })
    }
    const apply = await community.append(stranger, "core", "member.apply", { note: "hi", seal: smallOrder })
    expect(apply.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "InvalidBody" } })
    // A stranger's application with a bad key is no application: its key acts for nobody.
    expect(community.sealingKeys([stranger.id])).toEqual([])
    expect((await community.append(stranger, "core", "device.seal", { key: client.sealingKey(stranger) })).outcome).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "UnknownAuthor" }
    })
    // A revoked device cannot publish a key.
    await community.append(ada, "core", "device.add", await client.deviceAddition(phone, community.id, ada.publicKey))
    await community.append(ada, "core", "device.revoke", { device: phone.publicKey })
    expect((await community.append(phone, "core", "device.seal", { key: client.sealingKey(phone) })).outcome).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "DeviceRevoked" }
    })
    expect(community.sealingKeys([ada.id])).toEqual([])
    await client.close()
  })

  it("a device's later publication replaces its key", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const ada = await client.generateKey()
    const community = await client.create({ name: "Garden", author: ada })
    await community.publishSealingKey(ada)
    const other = Seal.publicKey(seeded(7))
    expect((await community.append(ada, "core", "device.seal", { key: other })).outcome._tag).toBe("Applied")
    expect(community.sealingKeys([ada.id]).map((k) => Bytes.toHex(k.key))).toEqual([Bytes.toHex(other)])
    const { sealed } = await community.seal([ada.id], Bytes.utf8("to the replaced key"))
    expect(await opens(community, ada, sealed)).toBe("NotARecipient")
    expect(Seal.unseal(sealed, seeded(7), { context: Bytes.fromHex(community.id)! })).toMatchObject({ ok: true })
    expect(await community.publishSealingKey(ada)).not.toBeNull()
    expect(community.sealingKeys([ada.id]).map((k) => Bytes.toHex(k.key))).toEqual([Bytes.toHex(client.sealingKey(ada))])
    await client.close()
  })

  it("every replica lists the same sealing keys, whatever order the events arrive in", async () => {
    const { client, community, ada, bea, cy, phone } = await garden()
    await community.append(bea, "core", "device.revoke", { device: phone(bea).publicKey })
    await community.append(phone(cy), "core", "device.seal", { key: Seal.publicKey(seeded(3)) })
    const other = await Client.make({ storage: Storage.layerMemory, crypto: Crypto.layerNoble })
    const copy = await other.join(community.export()[0]!)
    const verdicts = await copy.receive([...community.export().slice(1)].reverse())
    expect(verdicts.every((v) => v._tag === "Valid" || v._tag === "Pending")).toBe(true)
    expect(copy.stateHash()).toBe(community.stateHash())
    expect(copy.sealingKeys([ada.id, bea.id, cy.id])).toEqual(community.sealingKeys([ada.id, bea.id, cy.id]))
    expect(copy.sealingKeys([bea.id]).map((k) => k.device)).toEqual([bea.id])
    // Sealed on one replica, opened on the other.
    const { sealed } = await community.seal([cy.id], Bytes.utf8("across replicas"))
    expect(await opens(copy, cy, sealed)).toBe("across replicas")
    await client.close()
    await other.close()
  })

  it("a publication concurrent with the device's revocation does not count, in either delivery order", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [ada, phone] = [await client.generateKey(), await client.generateKey()]
    const a = await client.create({ name: "Garden", author: ada })
    await a.append(ada, "core", "device.add", await client.deviceAddition(phone, a.id, ada.publicKey))
    const other = await Client.make({ storage: Storage.layerMemory })
    const b = await other.join(a.export()[0]!)
    await b.receive(a.export().slice(1))
    // On one replica ada revokes the phone; on the other, unaware, the phone publishes a new key.
    const revoke = await a.append(ada, "core", "device.revoke", { device: phone.publicKey })
    const publish = await b.append(phone, "core", "device.seal", { key: Seal.publicKey(seeded(11)) })
    expect(publish.outcome._tag).toBe("Applied")
    expect(b.sealingKeys([ada.id]).map((k) => Bytes.toHex(k.key))).toEqual([Bytes.toHex(Seal.publicKey(seeded(11)))])
    await a.receive([b.event(publish.key)!.bytes])
    await b.receive([a.event(revoke.key)!.bytes])
    expect(a.stateHash()).toBe(b.stateHash())
    for (const c of [a, b]) {
      expect(c.sealingKeys([ada.id])).toEqual([])
      expect(c.outcome(publish.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "DeviceRevoked" } })
    }
    await client.close()
    await other.close()
  })

  it("a device whose chain forks leaves the sealing keys", async () => {
    const { client, community, ada, phone } = await garden()
    const core = community.state<Membership.State>("core")
    expect(Membership.sealingKeys(core, ada.id).map((k) => k.device).sort()).toEqual([ada.id, phone(ada).id].sort())
    const retired = Membership.retire(core, phone(ada).id)
    expect(Membership.sealingKeys(retired, ada.id).map((k) => k.device)).toEqual([ada.id])
    expect(Object.keys(retired.identities[ada.id]!.sealing!)).toEqual([ada.id])
    // The earlier state is unchanged.
    expect(Membership.sealingKeys(core, ada.id)).toHaveLength(2)
    await client.close()
  })

  it("an identity without sealing keys reads and hashes as before", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const ada = await client.generateKey()
    const community = await client.create({ name: "Garden", author: ada })
    const core = community.state<Membership.State>("core")
    expect(Object.keys(core.identities[ada.id]!)).toEqual(["status", "devices", "revoked", "history", "reason"])
    await community.publishSealingKey(ada)
    expect(Object.keys(community.state<Membership.State>("core").identities[ada.id]!)).toContain("sealing")
    await client.close()
  })
})

describe("sealed secrets", () => {
  it("a tampered blob fails with a tagged error, never a throw", async () => {
    const { client, community, ada, bea } = await garden()
    const { sealed } = await community.seal([ada.id, bea.id], Bytes.utf8("group key"))
    expect(Seal.read(sealed).ok).toBe(true)
    // Every single-bit change of every byte: an answer each time, never an exception, and
    // never another secret (another recipient's entry may change without ada noticing).
    const reasons = new Set<string>()
    for (let at = 0; at < sealed.length; at++) {
      const changed = sealed.slice()
      changed[at] = changed[at]! ^ (1 << at % 8)
      const r = await community.unseal(ada, changed)
      if (r.ok) {
        expect(text(r.secret)).toBe("group key")
        continue
      }
      expect(r.error).toBeInstanceOf(Seal.SealError)
      expect(r.error._tag).toBe("SealError")
      expect(r.error.message.length).toBeGreaterThan(20)
      reasons.add(r.error.reason)
    }
    expect([...reasons].sort()).toEqual(["Malformed", "NotARecipient", "Tampered", "UnknownVersion"])
    for (const junk of [new Uint8Array(0), Uint8Array.of(0xa0), Bytes.utf8("not sealed"), Cbor.encode({ v: 1 }), Cbor.encode([1, 2, 3])])
      expect(await community.unseal(ada, junk)).toMatchObject({ ok: false, error: { _tag: "SealError", reason: "Malformed" } })
    // Untrusted input of the wrong type: still an answer, not an exception.
    expect(await community.unseal(ada, "sealed" as unknown as Uint8Array)).toMatchObject({ ok: false, error: { reason: "Malformed" } })
    await client.close()
  })

  it("is bound to its community and its context", async () => {
    const { client, community, ada } = await garden()
    const other = await client.create({ name: "Orchard", author: ada })
    await other.publishSealingKey(ada)
    const { sealed } = await community.seal([ada.id], Bytes.utf8("for the garden"), { context: Bytes.utf8("channel 1") })
    expect(await community.unseal(ada, sealed, { context: Bytes.utf8("channel 1") })).toMatchObject({ ok: true })
    expect(await community.unseal(ada, sealed)).toMatchObject({ ok: false, error: { reason: "NotARecipient" } })
    expect(await other.unseal(ada, sealed, { context: Bytes.utf8("channel 1") })).toMatchObject({ ok: false, error: { reason: "NotARecipient" } })
    await client.close()
  })

  it("the Effect API seals to keys and opens with a device", async () => {
    const [a, b, c] = [seeded(1), seeded(2), seeded(3)]
    const context = Bytes.utf8("epoch 9")
    const sealed = await Effect.runPromise(Seal.seal([Seal.publicKey(a), Seal.publicKey(b), Seal.publicKey(a)], Bytes.utf8("k"), { context }))
    const parts = Seal.read(sealed)
    expect(parts.ok && parts.value.entries.length).toBe(2)
    expect(text(await Effect.runPromise(Seal.open(sealed, b, { context })))).toBe("k")
    const refused = await Effect.runPromise(Effect.flip(Seal.open(sealed, c, { context })))
    expect(refused).toMatchObject({ _tag: "SealError", reason: "NotARecipient" })
    expect(await Effect.runPromise(Effect.flip(Seal.seal([], Bytes.utf8("k"))))).toMatchObject({ reason: "NoRecipients" })
    expect(await Effect.runPromise(Effect.flip(Seal.seal([new Uint8Array(32)], Bytes.utf8("k"))))).toMatchObject({ reason: "InvalidKey" })
    expect(await Effect.runPromise(Effect.flip(Seal.seal([Seal.publicKey(a)], new Uint8Array(Seal.MAX_SECRET + 1))))).toMatchObject({ reason: "TooLarge" })
    // Fresh randomness: sealing twice gives different bytes.
    const again = await Effect.runPromise(Seal.seal([Seal.publicKey(a), Seal.publicKey(b)], Bytes.utf8("k"), { context }))
    expect(Bytes.equals(again, sealed)).toBe(false)
  })

  it("derives the same sealing key from a seed every time, and it is not the signing key", async () => {
    const device = await Effect.runPromise(Effect.provideService(Keys.fromSecret(new Uint8Array(32).fill(1)), Crypto.Crypto, Crypto.makeNoble()))
    const key = Seal.publicKey(device)
    expect(Seal.publicKey({ ...device })).toEqual(key)
    expect(Bytes.equals(key, device.publicKey)).toBe(false)
    expect(CoreEvents.isSealingKey(key)).toBe(true)
    // Changing the returned bytes changes nothing kept.
    key.fill(0)
    expect(CoreEvents.isSealingKey(Seal.publicKey(device))).toBe(true)
  })

  it("1,000 single-device members fit in 64 KiB: 56 bytes per recipient, carried in an event's payload", async () => {
    const keys = Array.from({ length: 1000 }, (_, n) => Seal.publicKey(seeded(n)))
    const secret = new Uint8Array(32).fill(7)
    const r = Seal.sealWith(keys, secret, { ephemeral: new Uint8Array(32).fill(1), contentKey: new Uint8Array(32).fill(2) })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.length).toBe(Seal.sizeOf(1000, 32))
    expect(r.value.length).toBe(56_133)
    expect(r.value.length).toBeLessThan(64 * 1024)
    expect(Seal.sizeOf(1001, 32) - Seal.sizeOf(1000, 32)).toBe(Seal.ENTRY_LENGTH)
    expect(Seal.ENTRY_LENGTH).toBe(56)
    for (const n of [0, 499, 999]) expect(Seal.unseal(r.value, seeded(n))).toEqual({ ok: true, value: secret })
    expect(Seal.unseal(r.value, seeded(1000))).toMatchObject({ ok: false, error: { reason: "NotARecipient" } })
    // The sealed keys travel in a payload (up to 128 KiB: about 2,300 devices), never in the body.
    expect(Seal.sizeOf(2000, 32)).toBeLessThan(Event.Limits.maxPayloadBytes)
    const client = await Client.make({ storage: Storage.layerMemory })
    const me = await client.generateKey()
    const community = await client.create({ name: "Rekey", author: me })
    const { key, outcome } = await community.append(me, "core", "tick", {}, { payload: r.value })
    expect(outcome._tag).toBe("Applied")
    expect(Seal.unseal(community.payload(key)!, seeded(499))).toEqual({ ok: true, value: secret })
    await client.close()
  })
})

describe("CoreEvents.isSealingKey", () => {
  const p = 2n ** 255n - 19n
  const le = (u: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((u >> BigInt(8 * i)) & 255n))

  it("refuses exactly the keys X25519 cannot agree with, and non-canonical ones", () => {
    const smallOrder = [
      0n,
      1n,
      p - 1n,
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
      39382357235489614581723060781553021112529911719440698176882885853963445705823n
    ]
    const secret = new Uint8Array(32).fill(3)
    for (const u of smallOrder) {
      expect(CoreEvents.isSealingKey(le(u))).toBe(false)
      expect(() => x25519.getSharedSecret(secret, le(u))).toThrow()
    }
    // Non-canonical: at or above p, or the top bit set.
    for (const u of [p, p + 1n, p + 9n]) expect(CoreEvents.isSealingKey(le(u))).toBe(false)
    const high = le(9n)
    high[31] = 0x80
    expect(CoreEvents.isSealingKey(high)).toBe(false)
    expect(CoreEvents.isSealingKey(le(9n))).toBe(true)
    expect(CoreEvents.isSealingKey(le(p - 2n))).toBe(true)
    for (let n = 0; n < 50; n++) expect(CoreEvents.isSealingKey(x25519.getPublicKey(x25519.utils.randomSecretKey()))).toBe(true)
    for (const bad of [undefined, "key", new Uint8Array(31), new Uint8Array(33)]) expect(CoreEvents.isSealingKey(bad)).toBe(false)
  })
})
