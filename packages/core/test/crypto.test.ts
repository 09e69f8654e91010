import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { runInNewContext } from "node:vm"
import * as ed from "@noble/ed25519"
import { sha256 as nobleSha256, sha512 } from "@noble/hashes/sha2.js"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Crypto, Hash } from "@affinity/core"
import { BoundedCache } from "../src/internal/ed25519.ts"
import { framedInSlices, SLICE_BYTES, sha256InSlices } from "../src/internal/slicedHash.ts"
import { verifyPool } from "../src/internal/verifyPool.ts"
import { countingTurns } from "./support/turns.ts"

ed.hashes.sha512 = sha512
const { Point } = ed
type Point = InstanceType<typeof Point>

// --- independent reference -------------------------------------------------------------------

const P = 2n ** 255n - 19n
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const Y_MASK = (1n << 255n) - 1n

const hex = (text: string): Uint8Array => {
  const bytes = Bytes.fromHex(text)
  if (bytes === undefined) throw new Error(`bad hex: ${text}`)
  return bytes
}
const le = (bytes: Uint8Array): bigint => {
  let v = 0n
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!)
  return v
}
const enc32 = (value: bigint): Uint8Array => {
  const out = new Uint8Array(32)
  let v = value
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}
/** The 32-byte encoding of y with the given sign bit (y may be >= p: non-canonical). */
const encY = (y: bigint, sign: number): Uint8Array => {
  const out = enc32(y)
  if (sign === 1) out[31] = out[31]! | 0x80
  return out
}
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => le(sha512(Bytes.concat(r, a, m))) % L

const Y8 = le(hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"))
const SMALL_ORDER_Y = [0n, 1n, P - 1n, Y8, P - Y8]
/** The eight points of small order and the two -0 encodings, as (name, encoding). */
const SMALL_ORDER: ReadonlyArray<readonly [string, Uint8Array]> = SMALL_ORDER_Y.flatMap((y) =>
  [0, 1].map((sign) => [`y=${y === P - 1n ? "p-1" : y === P - Y8 ? "p-y8" : y === Y8 ? "y8" : y} sign ${sign}`, encY(y, sign)] as const)
)
/** Every encoding with y >= p, both sign bits. */
const NON_CANONICAL: ReadonlyArray<readonly [string, Uint8Array]> = Array.from({ length: 19 }, (_, i) => BigInt(i)).flatMap(
  (i) => [0, 1].map((sign) => [`y=p+${i} sign ${sign}`, encY(P + i, sign)] as const)
)
const T8 = Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
const SMALL_POINTS: ReadonlyArray<Point> = Array.from({ length: 8 }, (_, i) => T8.multiplyUnsafe(BigInt(i)))

const referencePrecheck = (item: Crypto.VerifyItem): boolean => {
  if (item.signature.length !== 64 || item.publicKey.length !== 32) return false
  if (le(item.signature.subarray(32)) >= L) return false
  return [item.publicKey, item.signature.subarray(0, 32)].every((e) => {
    const y = le(e) & Y_MASK
    return y < P && !SMALL_ORDER_Y.includes(y)
  })
}
/** The cofactorless equation with noble's plain (non-windowed) multiplication, on points. */
const referenceEquation = (item: Crypto.VerifyItem): boolean => {
  try {
    const a = Point.fromBytes(item.publicKey, false)
    const r = Point.fromBytes(item.signature.subarray(0, 32), false)
    const s = le(item.signature.subarray(32))
    const k = challenge(item.signature.subarray(0, 32), item.publicKey, item.message)
    return Point.BASE.multiplyUnsafe(s).equals(r.add(a.multiplyUnsafe(k)))
  } catch {
    return false
  }
}
const reference = (item: Crypto.VerifyItem): boolean => referencePrecheck(item) && referenceEquation(item)
/** What a cofactored (ZIP-215) verifier says: noble's default `verify`. */
const cofactored = (item: Crypto.VerifyItem): boolean => {
  try {
    return ed.verify(item.signature, item.message, item.publicKey)
  } catch {
    return false
  }
}

/** A signer with a known scalar, to build signatures with chosen R and A. */
const signer = (seed: Uint8Array) => {
  const { scalar, prefix, pointBytes } = ed.utils.getExtendedPublicKey(seed)
  return {
    a: scalar,
    publicKey: pointBytes,
    nonce: (m: Uint8Array): bigint => le(sha512(Bytes.concat(prefix, m))) % L,
    /** R || (r + k a mod L) with k over the given R and A encodings. */
    sign: (rBytes: Uint8Array, r: bigint, aBytes: Uint8Array, m: Uint8Array): Uint8Array =>
      Bytes.concat(rBytes, enc32((r + challenge(rBytes, aBytes, m) * scalar) % L))
  }
}

// --- vectors and providers --------------------------------------------------------------------

interface RfcVector {
  readonly name: string
  readonly secretKey: string
  readonly publicKey: string
  readonly message: string
  readonly signature: string
}
interface ConformanceVector {
  readonly name: string
  readonly publicKey: string
  readonly message: string
  readonly signature: string
  readonly valid: boolean
  readonly checks: string
}
const rfc = (
  JSON.parse(readFileSync(new URL("./vectors/rfc8032.json", import.meta.url), "utf8")) as {
    readonly vectors: ReadonlyArray<RfcVector>
  }
).vectors
const conformance = JSON.parse(
  readFileSync(new URL("../../../conformance/vectors/signatures.json", import.meta.url), "utf8")
) as { readonly description: string; readonly rule: string; readonly vectors: ReadonlyArray<ConformanceVector> }

const itemOf = (v: { publicKey: string; message: string; signature: string }): Crypto.VerifyItem => ({
  publicKey: hex(v.publicKey),
  message: hex(v.message),
  signature: hex(v.signature)
})

const all = await Crypto.providers()
const run = <A>(effect: Effect.Effect<A>): Promise<A> => Effect.runPromise(effect)

/** Every provider's verdict through `verify`, then through `verifyBatch`. */
const verdicts = async (items: ReadonlyArray<Crypto.VerifyItem>) =>
  Promise.all(
    all.map(async (p) => ({
      name: p.name,
      single: await Promise.all(items.map((item) => run(p.verify(item)))),
      batch: await run(p.verifyBatch(items))
    }))
  )

/** Asserts every provider, through both paths, gives the expected verdicts. */
const expectVerdicts = async (items: ReadonlyArray<Crypto.VerifyItem>, expected: ReadonlyArray<boolean>) => {
  for (const v of await verdicts(items)) {
    expect({ provider: v.name, verdicts: v.single }).toEqual({ provider: v.name, verdicts: expected })
    expect({ provider: v.name, verdicts: v.batch }).toEqual({ provider: v.name, verdicts: expected })
  }
}

const TEST1 = rfc[0]!
const TEST2 = rfc[1]!

describe("providers", () => {
  it("node, webcrypto and noble are all available on Node, and pass the self-test", async () => {
    expect(all.map((p) => p.name)).toEqual(["node", "webcrypto", "noble"])
    for (const p of all) expect({ provider: p.name, ok: await Crypto.selfTest(p) }).toEqual({ provider: p.name, ok: true })
  })

  it("makeBest and layerBest choose node:crypto on Node", async () => {
    expect((await Crypto.makeBest()).name).toBe("node")
    const name = Crypto.Crypto.use((c) => Effect.succeed(c.name))
    expect(await Effect.runPromise(Effect.provide(name, Crypto.layerBest))).toBe("node")
    expect(await Effect.runPromise(Effect.provide(name, Crypto.layerNoble))).toBe("noble")
    expect(await Effect.runPromise(Effect.provide(name, Crypto.layerNode))).toBe("node")
    expect(await Effect.runPromise(Effect.provide(name, Crypto.layerWebCrypto))).toBe("webcrypto")
  })

  it("a provider that gives the cofactored verdicts fails the self-test", async () => {
    const noble = Crypto.makeNoble()
    const cofactoredShape: Crypto.CryptoShape = {
      ...noble,
      name: "cofactored",
      verify: (item) => Effect.sync(() => Crypto.precheck(item) && cofactored(item)),
      verifyBatch: (items) => Effect.sync(() => items.map((item) => Crypto.precheck(item) && cofactored(item)))
    }
    expect(await Crypto.selfTest(cofactoredShape)).toBe(false)
  })

  it("generateSecret gives 32 fresh random bytes", () => {
    const a = Crypto.generateSecret()
    const b = Crypto.generateSecret()
    expect(a).toBeInstanceOf(Uint8Array)
    expect(a.length).toBe(32)
    expect(Bytes.equals(a, b)).toBe(false)
  })
})

describe("RFC 8032 section 7.1", () => {
  it("holds the five test vectors", () => {
    expect(rfc.map((v) => v.name)).toEqual(["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
    expect(hex(rfc[3]!.message).length).toBe(1023)
    expect(Bytes.toHex(sha512(Bytes.utf8("abc")))).toBe(rfc[4]!.message)
  })

  for (const v of rfc) {
    it(`${v.name}: public key, exact signature bytes and verification on every provider`, async () => {
      for (const p of all) {
        const secret = hex(v.secretKey)
        expect({ provider: p.name, publicKey: Bytes.toHex(await run(p.publicKey(secret))) }).toEqual({
          provider: p.name,
          publicKey: v.publicKey
        })
        expect({ provider: p.name, signature: Bytes.toHex(await run(p.sign(secret, hex(v.message)))) }).toEqual({
          provider: p.name,
          signature: v.signature
        })
      }
      await expectVerdicts([itemOf(v)], [true])
    })
  }

  it("signatures are identical across providers for random seeds and messages", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), async (seed, m) => {
        const keys = await Promise.all(all.map((p) => run(p.publicKey(seed))))
        const sigs = await Promise.all(all.map((p) => run(p.sign(seed, m))))
        for (const k of keys) expect(Bytes.toHex(k)).toBe(Bytes.toHex(keys[0]!))
        for (const s of sigs) expect(Bytes.toHex(s)).toBe(Bytes.toHex(sigs[0]!))
        expect(Bytes.toHex(sigs[0]!)).toBe(Bytes.toHex(ed.sign(m, seed)))
      }),
      { numRuns: 200 }
    )
  })

  it("bytes from another realm verify like any others", async () => {
    const foreign = (bytes: Uint8Array): Uint8Array =>
      runInNewContext(`Uint8Array.from(${JSON.stringify(Array.from(bytes))})`) as Uint8Array
    const item = itemOf(TEST2)
    const alien = { publicKey: foreign(item.publicKey), message: foreign(item.message), signature: foreign(item.signature) }
    expect(alien.publicKey instanceof Uint8Array).toBe(false)
    expect(Crypto.precheck(alien)).toBe(true)
    await expectVerdicts([alien, { ...alien, message: foreign(new Uint8Array([0x73])) }], [true, false])
  })

  it("a secret that is not 32 bytes is a defect on every provider", async () => {
    for (const p of all) {
      await expect(run(p.sign(new Uint8Array(31), new Uint8Array(0)))).rejects.toThrow()
      await expect(run(p.publicKey(new Uint8Array(33)))).rejects.toThrow()
    }
  })
})

describe("rejections, with identical verdicts on every provider", () => {
  const test1 = itemOf(TEST1)
  const test2 = itemOf(TEST2)
  const alice = signer(hex(TEST1.secretKey))

  it("S >= L", async () => {
    const s = le(test1.signature.subarray(32))
    const items = [s + L, L, L + 1n, 2n ** 255n + s, 2n ** 256n - 1n].map((bad) => ({
      ...test1,
      signature: Bytes.concat(test1.signature.subarray(0, 32), enc32(bad))
    }))
    // S + L is the same scalar mod L: an unreduced S.
    expect(referenceEquation({ ...test1, signature: items[0]!.signature })).toBe(false)
    await expectVerdicts(items, items.map(() => false))
    // S = L - 1 passes the range check (and then fails the equation).
    const edge = { ...test1, signature: Bytes.concat(test1.signature.subarray(0, 32), enc32(L - 1n)) }
    expect(Crypto.precheck(edge)).toBe(true)
    await expectVerdicts([edge], [false])
  })

  it("non-canonical A and R (y >= p), both sign bits", async () => {
    const items: Array<Crypto.VerifyItem> = []
    for (const [name, e] of NON_CANONICAL) {
      // A = e with R = [S]B and k = 0 mod 8: when e is a small-order point, the bare equation holds.
      const s = le(sha512(Bytes.utf8(`S for ${name}`))) % L
      const r = Point.BASE.multiply(s).toBytes()
      let m = Bytes.utf8(`non-canonical A ${name}`)
      while (challenge(r, e, m) % 8n !== 0n) m = Bytes.concat(m, new Uint8Array([0]))
      items.push({ publicKey: e, message: m, signature: Bytes.concat(r, enc32(s)) })
      // R = e with S = ka: cofactored verifiers accept when e is a small-order point.
      const m2 = Bytes.utf8(`non-canonical R ${name}`)
      items.push({ publicKey: alice.publicKey, message: m2, signature: alice.sign(e, 0n, alice.publicKey, m2) })
    }
    expect(items.filter(cofactored).length).toBeGreaterThan(0)
    for (const item of items) expect(Crypto.precheck(item)).toBe(false)
    await expectVerdicts(items, items.map(() => false))
  })

  it("small-order A and R: all eight points, both sign bits", async () => {
    const items: Array<Crypto.VerifyItem> = []
    for (const [name, e] of SMALL_ORDER) {
      const s = le(sha512(Bytes.utf8(`S for ${name}`))) % L
      const r = Point.BASE.multiply(s).toBytes()
      let m = Bytes.utf8(`small-order A ${name}`)
      while (challenge(r, e, m) % 8n !== 0n) m = Bytes.concat(m, new Uint8Array([0]))
      const badA = { publicKey: e, message: m, signature: Bytes.concat(r, enc32(s)) }
      const m2 = Bytes.utf8(`small-order R ${name}`)
      const badR = { publicKey: alice.publicKey, message: m2, signature: alice.sign(e, 0n, alice.publicKey, m2) }
      // Cofactored verifiers accept both; only the small-order check stands in the way.
      expect(cofactored(badA)).toBe(true)
      expect(cofactored(badR)).toBe(true)
      items.push(badA, badR)
    }
    // With the identity as A (or R), the bare cofactorless equation holds too.
    const identity = encY(1n, 0)
    expect(referenceEquation(items[2 * SMALL_ORDER.findIndex(([, e]) => Bytes.equals(e, identity))]!)).toBe(true)
    for (const item of items) expect(Crypto.precheck(item)).toBe(false)
    await expectVerdicts(items, items.map(() => false))
  })

  it("wrong lengths", async () => {
    const { publicKey, message, signature } = test1
    const items = [
      { publicKey, message, signature: signature.subarray(0, 63) },
      { publicKey, message, signature: Bytes.concat(signature, new Uint8Array(1)) },
      { publicKey, message, signature: new Uint8Array(0) },
      { publicKey: publicKey.subarray(0, 31), message, signature },
      { publicKey: Bytes.concat(publicKey, new Uint8Array(1)), message, signature },
      { publicKey: new Uint8Array(0), message, signature }
    ]
    await expectVerdicts(items, items.map(() => false))
  })

  it("every single flipped bit of the signature, the key and the message", async () => {
    const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
      const out = bytes.slice()
      out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7))
      return out
    }
    const items: Array<Crypto.VerifyItem> = []
    for (let bit = 0; bit < 512; bit++) items.push({ ...test2, signature: flip(test2.signature, bit) })
    for (let bit = 0; bit < 256; bit++) items.push({ ...test2, publicKey: flip(test2.publicKey, bit) })
    for (let bit = 0; bit < 8; bit++) items.push({ ...test2, message: flip(test2.message, bit) })
    items.push({ ...test2, message: Bytes.concat(test2.message, new Uint8Array(1)) }, { ...test2, publicKey: test1.publicKey })
    await expectVerdicts(items, items.map(() => false))
  })

  it("mixed-order R (R + T): cofactored verifiers accept, the rule rejects", async () => {
    const items: Array<Crypto.VerifyItem> = []
    for (const t of SMALL_POINTS.slice(1)) {
      const m = Bytes.utf8(`mixed-order R ${t.toHex()}`)
      const r = alice.nonce(m)
      const rBytes = Point.BASE.multiply(r).add(t).toBytes()
      const item = { publicKey: alice.publicKey, message: m, signature: alice.sign(rBytes, r, alice.publicKey, m) }
      expect(Crypto.precheck(item)).toBe(true)
      expect(cofactored(item)).toBe(true)
      items.push(item)
    }
    await expectVerdicts(items, items.map(() => false))
  })

  it("mixed-order A (A + T): valid exactly when [k]T vanishes", async () => {
    const items: Array<Crypto.VerifyItem> = []
    const expected: Array<boolean> = []
    for (const t of SMALL_POINTS.slice(1)) {
      const a = Point.BASE.multiply(alice.a).add(t).toBytes()
      for (let i = 0; i < 16; i++) {
        const m = Bytes.utf8(`mixed-order A ${t.toHex()} ${i}`)
        const r = alice.nonce(m)
        const item = { publicKey: a, message: m, signature: alice.sign(Point.BASE.multiply(r).toBytes(), r, a, m) }
        expect(cofactored(item)).toBe(true)
        items.push(item)
        expected.push(t.multiplyUnsafe(challenge(item.signature.subarray(0, 32), a, m)).is0())
      }
    }
    expect(expected.filter((x) => x).length).toBeGreaterThan(0)
    expect(expected.filter((x) => !x).length).toBeGreaterThan(0)
    expect(items.map(reference)).toEqual(expected)
    await expectVerdicts(items, expected)
  })

  it("points that are not on the curve", async () => {
    const offCurve = encY(2n, 0)
    expect(() => Point.fromBytes(offCurve)).toThrow()
    const m = Bytes.utf8("R off the curve")
    const items = [
      { ...test1, publicKey: offCurve },
      { publicKey: alice.publicKey, message: m, signature: alice.sign(offCurve, 0n, alice.publicKey, m) }
    ]
    for (const item of items) expect(Crypto.precheck(item)).toBe(true)
    await expectVerdicts(items, [false, false])
  })

  it("input that is not bytes is false, never an exception", async () => {
    const bad = [
      null,
      undefined,
      {},
      { publicKey: "00", message: new Uint8Array(0), signature: test1.signature },
      { publicKey: test1.publicKey, message: [1, 2], signature: test1.signature },
      { publicKey: test1.publicKey, message: test1.message, signature: Array.from(test1.signature) }
    ] as unknown as ReadonlyArray<Crypto.VerifyItem>
    for (const item of bad) expect(Crypto.precheck(item)).toBe(false)
    await expectVerdicts(bad, bad.map(() => false))
    await expectVerdicts([], [])
  })
})

describe("agreement on random cases", () => {
  type Mutation =
    | { readonly kind: "none" }
    | { readonly kind: "flipSignature"; readonly bit: number }
    | { readonly kind: "flipKey"; readonly bit: number }
    | { readonly kind: "flipMessage"; readonly bit: number }
    | { readonly kind: "sPlusL" }
    | { readonly kind: "randomS" | "randomR" | "randomA"; readonly bytes: Uint8Array }
    | { readonly kind: "smallR" | "smallA" | "nonCanonicalR" | "nonCanonicalA"; readonly index: number }
    | { readonly kind: "mixedR" | "mixedA"; readonly index: number }
    | { readonly kind: "resize"; readonly signature: number; readonly key: number }

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.constant({ kind: "none" as const }),
    fc.integer({ min: 0, max: 511 }).map((bit) => ({ kind: "flipSignature" as const, bit })),
    fc.integer({ min: 0, max: 255 }).map((bit) => ({ kind: "flipKey" as const, bit })),
    fc.integer({ min: 0, max: 1023 }).map((bit) => ({ kind: "flipMessage" as const, bit })),
    fc.constant({ kind: "sPlusL" as const }),
    fc
      .record({
        kind: fc.constantFrom("randomS" as const, "randomR" as const, "randomA" as const),
        bytes: fc.uint8Array({ minLength: 32, maxLength: 32 })
      })
      .map((m) => m),
    fc.record({
      kind: fc.constantFrom("smallR" as const, "smallA" as const),
      index: fc.integer({ min: 0, max: SMALL_ORDER.length - 1 })
    }),
    fc.record({
      kind: fc.constantFrom("nonCanonicalR" as const, "nonCanonicalA" as const),
      index: fc.integer({ min: 0, max: NON_CANONICAL.length - 1 })
    }),
    fc.record({ kind: fc.constantFrom("mixedR" as const, "mixedA" as const), index: fc.integer({ min: 0, max: 7 }) }),
    fc.record({
      kind: fc.constant("resize" as const),
      signature: fc.integer({ min: -2, max: 2 }),
      key: fc.integer({ min: -2, max: 2 })
    })
  )

  const resize = (bytes: Uint8Array, delta: number): Uint8Array =>
    delta < 0 ? bytes.subarray(0, bytes.length + delta) : Bytes.concat(bytes, new Uint8Array(delta))

  const build = (seed: Uint8Array, m: Uint8Array, mut: Mutation): Crypto.VerifyItem => {
    const s = signer(seed)
    const valid = { publicKey: s.publicKey, message: m, signature: ed.sign(m, seed) }
    const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
      const out = bytes.slice()
      if (out.length > 0) out[(bit >> 3) % out.length] = out[(bit >> 3) % out.length]! ^ (1 << (bit & 7))
      return out
    }
    const withR = (r: Uint8Array) => ({ ...valid, signature: Bytes.concat(r, valid.signature.subarray(32)) })
    switch (mut.kind) {
      case "none":
        return valid
      case "flipSignature":
        return { ...valid, signature: flip(valid.signature, mut.bit) }
      case "flipKey":
        return { ...valid, publicKey: flip(valid.publicKey, mut.bit) }
      case "flipMessage":
        return { ...valid, message: m.length === 0 ? new Uint8Array([1 << (mut.bit & 7)]) : flip(m, mut.bit) }
      case "sPlusL":
        return { ...valid, signature: Bytes.concat(valid.signature.subarray(0, 32), enc32(le(valid.signature.subarray(32)) + L)) }
      case "randomS":
        return { ...valid, signature: Bytes.concat(valid.signature.subarray(0, 32), mut.bytes) }
      case "randomR":
        return withR(mut.bytes)
      case "randomA":
        return { ...valid, publicKey: mut.bytes }
      case "smallR":
        return withR(SMALL_ORDER[mut.index]![1])
      case "smallA":
        return { ...valid, publicKey: SMALL_ORDER[mut.index]![1] }
      case "nonCanonicalR":
        return withR(NON_CANONICAL[mut.index]![1])
      case "nonCanonicalA":
        return { ...valid, publicKey: NON_CANONICAL[mut.index]![1] }
      case "mixedR": {
        const r = s.nonce(m)
        const rBytes = Point.BASE.multiply(r).add(SMALL_POINTS[mut.index]!).toBytes()
        return { ...valid, signature: s.sign(rBytes, r, s.publicKey, m) }
      }
      case "mixedA": {
        const a = Point.BASE.multiply(s.a).add(SMALL_POINTS[mut.index]!).toBytes()
        const r = s.nonce(m)
        return { publicKey: a, message: m, signature: s.sign(Point.BASE.multiply(r).toBytes(), r, a, m) }
      }
      case "resize":
        return { ...valid, signature: resize(valid.signature, mut.signature), publicKey: resize(valid.publicKey, mut.key) }
    }
  }

  it("every provider, through verify and verifyBatch, agrees with precheck && the cofactorless equation", async () => {
    const cases: Array<{ readonly item: Crypto.VerifyItem; readonly expected: boolean }> = []
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 128 }),
        mutation,
        async (seed, m, mut) => {
          const item = build(seed, m, mut)
          const expected = reference(item)
          expect(Crypto.precheck(item)).toBe(referencePrecheck(item))
          for (const p of all) expect({ provider: p.name, verdict: await run(p.verify(item)) }).toEqual({ provider: p.name, verdict: expected })
          cases.push({ item, expected })
        }
      ),
      { numRuns: 3000 }
    )
    const valid = cases.filter((c) => c.expected).length
    expect(valid).toBeGreaterThan(100)
    expect(cases.length - valid).toBeGreaterThan(1000)
    const expected = cases.map((c) => c.expected)
    for (const p of all) {
      expect({ provider: p.name, verdicts: await run(p.verifyBatch(cases.map((c) => c.item))) }).toEqual({
        provider: p.name,
        verdicts: expected
      })
    }
  }, 300_000)

  it("precheck agrees with the reference on arbitrary and boundary bytes", () => {
    const boundary = fc.constantFrom(
      ...[...SMALL_ORDER, ...NON_CANONICAL].map(([, e]) => e),
      enc32(P - 2n),
      encY(P - 2n, 1),
      enc32(L - 1n),
      enc32(L),
      enc32(L + 1n)
    )
    const part = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), boundary)
    fc.assert(
      fc.property(part, part, part, (a, r, s) => {
        const item = { publicKey: a, message: new Uint8Array(0), signature: Bytes.concat(r, s) }
        expect(Crypto.precheck(item)).toBe(referencePrecheck(item))
      }),
      { numRuns: 5000 }
    )
  })
})

describe("conformance/vectors/signatures.json", () => {
  it("is well formed and covers every class", () => {
    expect(conformance.rule).toContain("cofactorless")
    const names = conformance.vectors.map((v) => v.name)
    expect(new Set(names).size).toBe(names.length)
    for (const v of conformance.vectors) {
      expect(Object.keys(v).sort()).toEqual(["checks", "message", "name", "publicKey", "signature", "valid"])
      expect(typeof v.valid).toBe("boolean")
    }
    for (const r of rfc) expect(conformance.vectors.some((v) => v.valid && v.signature === r.signature)).toBe(true)
    for (const prefix of ["S + L", "non-canonical A", "non-canonical R", "small-order A", "small-order R", "mixed-order R", "mixed-order A"])
      expect(names.some((n) => n.startsWith(prefix))).toBe(true)
  })

  it("every provider gives every vector its verdict", async () => {
    const items = conformance.vectors.map(itemOf)
    const expected = conformance.vectors.map((v) => v.valid)
    expect(items.map(reference)).toEqual(expected)
    await expectVerdicts(items, expected)
  })
})

describe("BoundedCache", () => {
  it("keeps at most its capacity, forgetting the least recently used entry", () => {
    const cache = new BoundedCache<number>(3)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.set("c", 3)
    expect(cache.get("a")).toBe(1)
    cache.set("d", 4)
    expect(cache.size).toBe(3)
    expect(cache.get("b")).toBeUndefined()
    expect(cache.get("a")).toBe(1)
    expect(cache.get("c")).toBe(3)
    expect(cache.get("d")).toBe(4)
  })
})

describe("Hash.sha256Async", () => {
  it("is SHA-256, hashed in slices with turns of the event loop between them where there is no native hash", async () => {
    for (const length of [0, 1, SLICE_BYTES - 1, SLICE_BYTES, SLICE_BYTES + 1, 3 * SLICE_BYTES + 5]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 255)
      const expected = Bytes.toHex(nobleSha256(bytes))
      expect(Bytes.toHex(await Hash.sha256Async(bytes))).toBe(expected)
      const { value, turns } = await countingTurns(() => sha256InSlices(bytes))
      expect(Bytes.toHex(value)).toBe(expected)
      if (length > 2 * SLICE_BYTES) expect(turns).toBeGreaterThan(0)
    }
  })
})

describe("Hash.sha256Framed", () => {
  it("is SHA-256 over each part preceded by its length, for any sizes and a prefix of the parts", async () => {
    const frame = (parts: ReadonlyArray<Uint8Array>) =>
      Bytes.concat(...parts.flatMap((p) => [Uint8Array.of(p.length >>> 24, (p.length >>> 16) & 255, (p.length >>> 8) & 255, p.length & 255), p]))
    const big = Uint8Array.from({ length: (1 << 20) + 7 }, (_, i) => (i * 31) & 255)
    const cases: ReadonlyArray<ReadonlyArray<Uint8Array>> = [
      [],
      [new Uint8Array(0)],
      [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(4)],
      Array.from({ length: 5000 }, (_, i) => Uint8Array.from({ length: 200 + (i % 97) }, (_, j) => (i + j) & 255)),
      [Uint8Array.of(9), big, Uint8Array.of(8, 7)]
    ]
    for (const parts of cases) {
      const expected = Bytes.toHex(nobleSha256(frame(parts)))
      expect(Bytes.toHex(await Hash.sha256Framed(parts))).toBe(expected)
      // The path of hosts without a native streaming hash (browsers), fed in slices.
      expect(Bytes.toHex(await framedInSlices(parts, parts.length))).toBe(expected)
    }
    const parts = cases[3]!
    expect(Bytes.toHex(await Hash.sha256Framed(parts, 10))).toBe(Bytes.toHex(nobleSha256(frame(parts.slice(0, 10)))))
    expect(Bytes.toHex(await framedInSlices(parts, 10))).toBe(Bytes.toHex(nobleSha256(frame(parts.slice(0, 10)))))
    // Kept running: added in pieces, read in between, the same digests.
    const running = Hash.framedHasher()
    expect(running).toBeDefined()
    running!.add(parts, 0, 10)
    expect(Bytes.toHex(running!.digest())).toBe(Bytes.toHex(nobleSha256(frame(parts.slice(0, 10)))))
    running!.add(parts, 10, 4000)
    running!.add([big])
    running!.add(parts, 4000)
    expect(running!.count).toBe(5001)
    expect(Bytes.toHex(running!.digest())).toBe(Bytes.toHex(nobleSha256(frame([...parts.slice(0, 4000), big, ...parts.slice(4000)]))))
  })
})

describe("node provider's worker pool", () => {
  it("gives each signature's verdict in order, bad ones included", async () => {
    const pool = verifyPool()
    expect(pool).toBeDefined()
    const good = itemOf(TEST2)
    const forged = { ...good, signature: good.signature.map((x, i) => (i === 10 ? x ^ 1 : x)) }
    const otherMessage = { ...good, message: Uint8Array.of(1, 2, 3) }
    const items = Array.from({ length: 41 }, (_, i) => (i % 3 === 0 ? good : i % 3 === 1 ? forged : otherMessage))
    expect(await pool!.verify(items)).toEqual(items.map((_, i) => i % 3 === 0))
    expect(await pool!.verify([])).toEqual([])
  })

  it("answers batches verified at the same time, each in its own order", async () => {
    const pool = verifyPool()!
    const good = itemOf(TEST2)
    const forged = { ...good, signature: good.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) }
    const batches = [1, 9, 64, 65, 200, 3].map((n, b) => Array.from({ length: n }, (_, i) => ((i + b) % 5 === 0 ? forged : good)))
    const answers = await Promise.all(batches.map((items) => pool.verify(items)))
    answers.forEach((a, b) => expect(a).toEqual(batches[b]!.map((_, i) => (i + b) % 5 !== 0)))
  })

  it("keeps the process alive while signatures are out, and lets it end after", () => {
    const script = [
      `import { verifyPool } from ${JSON.stringify(new URL("../src/internal/verifyPool.ts", import.meta.url).pathname)}`,
      `const item = { publicKey: new Uint8Array(32).fill(7), message: new Uint8Array(3), signature: new Uint8Array(64) }`,
      `const out = await verifyPool().verify(Array.from({ length: 20 }, () => item))`,
      `console.log(out.length, out.every((v) => v === false))`
    ].join("\n")
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 })
    expect(r.stderr).toBe("")
    expect(r.stdout.trim()).toBe("20 true")
    expect(r.status).toBe(0)
  })
})
