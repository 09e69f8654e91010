import { createHash } from "node:crypto"
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes } from "@affinity/core"
import { sha256 } from "../src/internal/sha256.ts"

// The plain JavaScript SHA-256 is what browsers run (Hash.ts uses node:crypto on Node), so
// it is checked here directly, against node:crypto and @noble/hashes.

const hex = (bytes: Uint8Array): string => Bytes.toHex(bytes)
const reference = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

describe("plain SHA-256 (the browsers' hash)", () => {
  it("gives the FIPS 180-4 examples", () => {
    expect(hex(sha256(new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    expect(hex(sha256(utf8("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(hex(sha256(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  })

  it("agrees with node:crypto on every length around the block and padding boundaries", () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length * 7) & 255)
      expect(hex(sha256(bytes)), `length ${length}`).toBe(reference(bytes))
    }
  })

  it("agrees with node:crypto and @noble/hashes on random inputs, views included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.nat(40), fc.nat(40), (bytes, cutStart, cutEnd) => {
        const view = bytes.subarray(Math.min(cutStart, bytes.length), Math.max(Math.min(cutStart, bytes.length), bytes.length - cutEnd))
        const digest = sha256(view)
        expect(hex(digest)).toBe(reference(view))
        expect(digest).toEqual(nobleSha256(view))
      }),
      { numRuns: 500 }
    )
  })

  it("returns a fresh array each time and leaves its input alone", () => {
    const input = utf8("the same input twice")
    const copy = input.slice()
    const a = sha256(input)
    const b = sha256(input)
    expect(a).not.toBe(b)
    expect(a).toEqual(b)
    a[0] = a[0]! ^ 1
    expect(hex(sha256(input))).toBe(hex(b))
    expect(input).toEqual(copy)
  })
})
