import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Cbor, Community, Event } from "@affinity/core"
import { encode as rawEncode } from "cborg"
import { Builder } from "./support/build.ts"
import { key, run } from "./support/world.ts"

const reasons = new Set([
  "Oversize",
  "NotCanonical",
  "MalformedEnvelope",
  "UnknownVersion",
  "MalformedHeader",
  "BodyMismatch",
  "MalformedBody",
  "BadSignature",
  "BadEmbeddedSignature",
  "WrongCommunity",
  "BrokenBacklink",
  "TimeWentBackwards",
  "QuarantineFull"
])

/** A community with some history, and a valid event not yet delivered to mutate. */
const setup = () => {
  const [a, c] = [key(1), key(2)]
  const b = new Builder([a, c])
  for (let i = 0; i < 5; i++) b.add(i % 2 ? a : c, "core", "tick", {})
  const fresh = b.add(a, "core", "tick", {})
  return { b, fresh }
}

const mutations = (valid: Uint8Array) =>
  fc.oneof(
    // Random bytes.
    fc.uint8Array({ minLength: 0, maxLength: 300 }),
    // Truncations.
    fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
    // Bit flips (header, signature or body).
    fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => {
      const out = valid.slice()
      out[i]! ^= 1 << bit
      return out
    }),
    // Appended garbage.
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((tail) => Uint8Array.from([...valid, ...tail])),
    // Well-formed CBOR of the wrong shape.
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => {
        try {
          return rawEncode(v)
        } catch {
          return new Uint8Array([0xff])
        }
      })
  )

describe("adversarial input", () => {
  it("ends 10,000 fuzzed inputs in typed rejections, never a throw, and changes nothing", async () => {
    const { b, fresh } = setup()
    const original = Buffer.from(fresh.bytes)
    const samples = fc.sample(mutations(fresh.bytes), { numRuns: 10_400, seed: 42 }).filter((s) => !original.equals(s)).slice(0, 10_000)
    expect(samples).toHaveLength(10_000)
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        yield* com.receive(b.events.slice(1, -1).map((e) => e.bytes))
        const before = com.replica.stateHashHex()
        const size = com.replica.log.size
        const verdicts = yield* com.receive(samples)
        return { verdicts, before, after: com.replica.stateHashHex(), size, sizeAfter: com.replica.log.size }
      })
    )
    out.verdicts.forEach((v) => {
      expect(v._tag).toBe("Invalid")
      if (v._tag === "Invalid") {
        expect(reasons.has(v.reason._tag), v.reason._tag).toBe(true)
        expect(v.reason.message.length).toBeGreaterThan(5)
      }
    })
    expect(out.sizeAfter).toBe(out.size)
    expect(out.after).toBe(out.before)
  })

  it("gives every input of a long receive its own verdict at its position, through slices of every size", async () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    for (let i = 0; i < 400; i++) b.add(i % 3 ? a : c, "core", "tick", {})
    const events = b.events.slice(1)
    // Before every fifth event, bytes that do not decode; before every eleventh, a copy with a forged signature: 517 inputs.
    const inputs: Array<Uint8Array> = []
    const expected: Array<string> = []
    events.forEach((e, i) => {
      if (i % 5 === 0) {
        inputs.push(Uint8Array.of(0xff, i & 255))
        expected.push("Invalid")
      }
      if (i % 11 === 0) {
        const forged = e.bytes.slice()
        forged[forged.length - e.bodyBytes.length - 5]! ^= 1
        inputs.push(forged)
        expected.push("BadSignature")
      }
      inputs.push(e.bytes)
      expected.push(e.key)
    })
    expect(inputs).toHaveLength(517)
    const verdicts = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        return yield* com.receive(inputs)
      })
    )
    expect(verdicts).toHaveLength(inputs.length)
    verdicts.forEach((v, i) => {
      const want = expected[i]!
      if (want === "Invalid") expect(v._tag).toBe("Invalid")
      else if (want === "BadSignature") expect(v._tag === "Invalid" && v.reason._tag).toBe("BadSignature")
      else expect(v).toEqual({ _tag: "Valid", key: want })
    })
  })

  it("names the reason of each classic attack", async () => {
    const { b, fresh } = setup()
    const other = new Builder([key(7), key(8)])
    const foreign = other.add(key(7), "core", "tick", {})
    const forged = fresh.bytes.slice()
    forged[forged.length - fresh.bodyBytes.length - 5]! ^= 1 // inside the signature
    // The same event with a non-canonical (two-byte) head for the body length.
    const nonCanonical = Uint8Array.from([0x83, 0x58, fresh.headerBytes.length, ...fresh.headerBytes, 0x58, 0x40, ...fresh.signature, 0x58, 0x01, 0xa0])
    const future = Cbor.encode([Cbor.encode([3, null]), new Uint8Array(64), new Uint8Array(0)])
    const big = new Uint8Array(Event.Limits.maxEventBytes + 1)
    const cases: ReadonlyArray<readonly [Uint8Array, string]> = [
      [forged, "BadSignature"],
      [foreign.bytes, "WrongCommunity"],
      [nonCanonical, "NotCanonical"],
      [future, "UnknownVersion"],
      [big, "Oversize"],
      [fresh.bytes.slice(0, 20), "NotCanonical"],
      [new Uint8Array([0x80]), "MalformedEnvelope"]
    ]
    const verdicts = await run(
      Effect.gen(function* () {
        const com = yield* Community.join(b.genesis.bytes)
        yield* com.receive(b.events.slice(1, -1).map((e) => e.bytes))
        return yield* com.receive(cases.map(([bytes]) => bytes))
      })
    )
    cases.forEach(([, reason], i) => expect(verdicts[i]).toMatchObject({ _tag: "Invalid", reason: { _tag: reason } }))
  })
})
