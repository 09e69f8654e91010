import * as ed from "@noble/ed25519"
import { sha512 } from "@noble/hashes/sha2.js"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Crypto, Event } from "@affinity/core"
import { publicKeyOf, signDraft, signSync, TestCommunity, testKey } from "@affinity/core/testing"

ed.hashes.sha512 = sha512

const noble = Crypto.makeNoble()
const message = Bytes.utf8("affinity test message")

describe("the synchronous test signer", () => {
  it("makes the RFC 8032 keys and signatures every provider makes", () => {
    for (const fill of [1, 2, 0x7f, 0xff]) {
      const secret = new Uint8Array(32).fill(fill)
      expect(Bytes.toHex(publicKeyOf(secret))).toBe(Bytes.toHex(ed.getPublicKey(secret)))
      expect(Bytes.toHex(signSync(secret, message))).toBe(Bytes.toHex(ed.sign(message, secret)))
      expect(Effect.runSync(noble.verify({ publicKey: publicKeyOf(secret), message, signature: signSync(secret, message) }))).toBe(true)
    }
  })

  it("numbers keys 1 … 255 (32 bytes of the number) and names them", () => {
    const ada = testKey(3, "Ada")
    expect(ada).toMatchObject({ name: "Ada", secret: new Uint8Array(32).fill(3), id: Bytes.toHex(ed.getPublicKey(new Uint8Array(32).fill(3))) })
    expect(testKey(4).name).toBe("key 4")
    expect(testKey(new Uint8Array(32).fill(3)).id).toBe(ada.id)
    expect(() => testKey(0)).toThrow(RangeError)
    expect(() => testKey(256)).toThrow(RangeError)
    expect(() => signSync(new Uint8Array(31), message)).toThrow(RangeError)
  })

  it("signs drafts into events whose signatures verify", () => {
    const ada = testKey(1, "Ada")
    const c = new TestCommunity([ada])
    const tick = c.tick(ada, c.time + 1000)
    for (const e of [c.genesis, tick]) expect(Effect.runSync(Event.verify(noble, e))).toBe(true)
    const again = signDraft(ada.secret, {
      community: c.community,
      author: ada.publicKey,
      seq: 2,
      prev: c.genesis.id,
      parents: [],
      time: tick.header.time,
      module: "core",
      type: "tick",
      body: {}
    })
    expect(again.key).toBe(tick.key)
    expect(() => signDraft(ada.secret, { ...again.header, community: null, module: "Not A Module", body: {} })).toThrow(/the draft breaks a rule/)
  })
})
