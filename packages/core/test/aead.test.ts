import { describe, expect, it } from "vitest"
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js"
import { Aead, Bytes } from "@affinity/core"

describe("Aead", () => {
  const key = new Uint8Array(32).fill(9)
  const aad = Bytes.utf8("where it belongs")

  it("is XChaCha20-Poly1305 with the nonce in front", () => {
    const nonce = new Uint8Array(24).fill(3)
    const box = Aead.encrypt(key, Bytes.utf8("hello"), aad, nonce)
    expect(box.subarray(0, 24)).toEqual(nonce)
    expect(box.subarray(24)).toEqual(xchacha20poly1305(key, nonce, aad).encrypt(Bytes.utf8("hello")))
  })

  it("draws a new nonce for every message", () => {
    const a = Aead.encrypt(key, Bytes.utf8("same"), aad)
    const b = Aead.encrypt(key, Bytes.utf8("same"), aad)
    expect(Bytes.equals(a, b)).toBe(false)
  })

  it("refuses a changed box, another key, other additional data and short input, never throwing", () => {
    const box = Aead.encrypt(key, Bytes.utf8("hello"), aad)
    const changed = box.slice()
    changed[30]! ^= 1
    expect(Aead.decrypt(key, changed, aad)).toMatchObject({ ok: false, reason: "Tampered" })
    expect(Aead.decrypt(new Uint8Array(32), box, aad)).toMatchObject({ ok: false, reason: "Tampered" })
    expect(Aead.decrypt(key, box, Bytes.utf8("elsewhere"))).toMatchObject({ ok: false, reason: "Tampered" })
    expect(Aead.decrypt(key, box.subarray(0, 39), aad)).toMatchObject({ ok: false, reason: "Malformed" })
    expect(Aead.decrypt(new Uint8Array(3), box, aad)).toMatchObject({ ok: false, reason: "Malformed" })
  })
})
