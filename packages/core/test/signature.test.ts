import { describe, expect, it } from "vitest"
import { Bytes, Crypto, Signature } from "@affinity/core"
import { Effect } from "effect"

describe("Signature: verifying a signature carried in a body, inside the fold", () => {
  const secret = new Uint8Array(32).fill(3)
  const message = Bytes.utf8("an export")

  it("gives the protocol's verdicts, the same as the Crypto service", async () => {
    const noble = Crypto.makeNoble()
    const publicKey = Signature.publicKey(secret)
    const signature = Signature.sign(secret, message)
    expect(Signature.verify(publicKey, message, signature)).toBe(true)
    expect(await Effect.runPromise(noble.verify({ publicKey, message, signature }))).toBe(true)
    const flipped = Uint8Array.from(signature)
    flipped[5] = flipped[5]! ^ 1
    expect(Signature.verify(publicKey, message, flipped)).toBe(false)
    expect(Signature.verify(publicKey, Bytes.utf8("another"), signature)).toBe(false)
    // S ≥ L (malleable) and a small-order key are refused by the byte checks.
    const high = Uint8Array.from(signature)
    high.fill(0xff, 32)
    expect(Signature.verify(publicKey, message, high)).toBe(false)
    expect(Signature.verify(new Uint8Array(32), message, signature)).toBe(false)
  })

  it("never throws on bad input", () => {
    expect(Signature.verify(new Uint8Array(31), message, new Uint8Array(64))).toBe(false)
    expect(Signature.verify(Signature.publicKey(secret), message, new Uint8Array(63))).toBe(false)
    expect(Signature.verify("x" as unknown as Uint8Array, message, new Uint8Array(64))).toBe(false)
    expect(() => Signature.sign(new Uint8Array(3), message)).toThrow(RangeError)
  })
})
