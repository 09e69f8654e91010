import { describe, expect, it } from "vitest"
import { Bytes, Cbor } from "@affinity/core"
import fc from "fast-check"
import { encodeCached } from "../src/internal/encodeCached.ts"

const int = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 32 - 1, -(2 ** 32), -(2 ** 32) - 1, 23, 24, 255, 256, 65_535, 65_536)
)
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("", "a", "é", "\u{1F600}", "\uE000", "z".repeat(30), "k".repeat(300)))
const { value } = fc.letrec<{ value: Cbor.Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    int,
    fc.boolean(),
    fc.constant(null),
    text,
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(text, tie("value"), { maxKeys: 6 })
  )
}))

const hex = (bytes: Uint8Array): string => Bytes.toHex(bytes)

describe("encodeCached", () => {
  it("gives exactly Cbor.encode's bytes, the first time and again from its cache", () => {
    fc.assert(
      fc.property(value, (v) => {
        const cache = new WeakMap<object, Uint8Array>()
        const expected = hex(Cbor.encode(v))
        expect(hex(encodeCached(v, cache))).toBe(expected)
        expect(hex(encodeCached(v, cache))).toBe(expected)
      }),
      { numRuns: 400 }
    )
  })

  it("reuses the encoding of what did not change when a state is made from another", () => {
    const cache = new WeakMap<object, Uint8Array>()
    const big = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`member-${i}`, { status: "full", history: [i, i + 1] }]))
    const before = { core: { identities: big }, governance: { proposals: {} } }
    expect(hex(encodeCached(before, cache))).toBe(hex(Cbor.encode(before)))
    const after = { ...before, governance: { proposals: { p: { title: "Shed" } } } }
    expect(hex(encodeCached(after, cache))).toBe(hex(Cbor.encode(after)))
    // The unchanged part is the very same encoding.
    expect(encodeCached(before.core, cache)).toBe(encodeCached(after.core, cache))
  })
})
