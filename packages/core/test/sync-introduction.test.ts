import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Crypto, Keys, Sync } from "@affinity/core"
import { generateIntroductionVectors } from "../src/conformance/introduction.ts"

const Introduction = Sync.Introduction

/** `conformance/vectors/introduction.json`, written by `conformance/introduction/generate.ts`. */
interface Vectors {
  readonly vectors: ReadonlyArray<{
    readonly name: string
    readonly checks: string
    readonly secret: string
    readonly key: string
    readonly community: string
    readonly time: number
    readonly signed: string
    readonly signature: string
    readonly hex: string
    readonly url: string
  }>
  readonly invalid: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly hex: string }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "introduction.json")
const text = readFileSync(file, "utf8")
const vectors = JSON.parse(text) as Vectors
const bytes = (hex: string) => Bytes.fromHex(hex)!
const crypto = await Crypto.makeBest()
const keyOf = (secret: Uint8Array) => Effect.runPromise(Effect.provideService(Keys.fromSecret(secret), Crypto.Crypto, crypto))

describe("introduction conformance vectors", () => {
  it("are what the generator writes", () => {
    expect(text === generateIntroductionVectors(), "introduction.json differs; run conformance/introduction/generate.ts").toBe(true)
    expect(vectors.vectors.length).toBeGreaterThanOrEqual(4)
    expect(vectors.invalid.length).toBeGreaterThanOrEqual(10)
  })

  it("sign, encode, carry in a URL and decode byte for byte", async () => {
    for (const v of vectors.vectors) {
      const device = await keyOf(bytes(v.secret))
      expect(device.id, v.name).toBe(v.key)
      expect(Bytes.toHex(Introduction.signedMessage(bytes(v.community), device.publicKey, v.time)), v.name).toBe(v.signed)
      const made = await Introduction.make({ device, community: v.community, time: v.time, crypto })
      expect(Bytes.toHex(made.signature), v.name).toBe(v.signature)
      expect(Bytes.toHex(Introduction.encode(made)), v.name).toBe(v.hex)
      expect(Introduction.url("wss://relay.example/", [made]), v.name).toBe(v.url)
      const decoded = Introduction.decode(bytes(v.hex))
      expect(decoded, v.name).toEqual({ ok: true, introduction: { community: v.community, key: v.key, time: v.time, signature: bytes(v.signature) } })
      expect(Introduction.fromUrl(v.url), v.name).toEqual({ ok: true, introductions: [made] })
      expect(await Introduction.check(made, crypto), v.name).toBe(true)
    }
  })

  it("refuse every invalid one", () => {
    for (const v of vectors.invalid) {
      const d = Introduction.decode(bytes(v.hex))
      expect(d.ok, v.name).toBe(false)
      if (!d.ok) expect(d.error._tag, v.name).toBe("InvalidIntroduction")
    }
  })
})

describe("Sync.Introduction", () => {
  it("verifies only for its own key, community and time", async () => {
    const alice = await keyOf(new Uint8Array(32).fill(1))
    const bob = await keyOf(new Uint8Array(32).fill(2))
    const introduction = await Introduction.make({ device: alice, community: "ab".repeat(32), time: 1_700_000_000_000 })
    expect(await Introduction.check(introduction)).toBe(true)
    expect(await Introduction.check({ ...introduction, time: introduction.time + 1 })).toBe(false)
    expect(await Introduction.check({ ...introduction, community: "00".repeat(32) })).toBe(false)
    expect(await Introduction.check({ ...introduction, key: bob.id })).toBe(false)
    expect(await Introduction.check({ ...introduction, key: "not hex" })).toBe(false)
    expect(await Effect.runPromise(Effect.provideService(Introduction.verify(introduction), Crypto.Crypto, crypto))).toBe(true)
  })

  it("signs with the Effect clock when no time is given, and names what is wrong with its input", async () => {
    const alice = await keyOf(new Uint8Array(32).fill(1))
    const before = Date.now()
    const fresh = await Introduction.make({ device: alice, community: "AB".repeat(32) })
    expect(fresh.community).toBe("ab".repeat(32))
    expect(fresh.time).toBeGreaterThanOrEqual(before)
    expect(fresh.time).toBeLessThanOrEqual(Date.now())
    await expect(Introduction.make({ device: alice, community: "ab" })).rejects.toMatchObject({ _tag: "InvalidIntroduction", message: /not a community id/ })
    await expect(Introduction.make({ device: alice, community: "ab".repeat(32), time: -1 })).rejects.toMatchObject({ _tag: "InvalidIntroduction" })
    await expect(Introduction.make({ device: alice, community: "ab".repeat(32), time: 1.5 })).rejects.toBeInstanceOf(Introduction.InvalidIntroduction)
    expect(() => Introduction.encode({ ...fresh, signature: new Uint8Array(3) })).toThrow(RangeError)
  })

  it("adds introductions after the URL's own parameters, and reads them back from a request's path", async () => {
    const alice = await keyOf(new Uint8Array(32).fill(1))
    const introduction = await Introduction.make({ device: alice, community: "ab".repeat(32), time: 1_700_000_000_000 })
    const address = Introduction.url(new URL("ws://relay.example/sync?room=1"), [introduction, introduction])
    expect(address.startsWith("ws://relay.example/sync?room=1&introduce=")).toBe(true)
    const { pathname, search } = new URL(address)
    expect(Introduction.fromUrl(pathname + search)).toEqual({ ok: true, introductions: [introduction, introduction] })
    expect(Introduction.url("ws://relay.example/", [])).toBe("ws://relay.example/")
  })

  it("decode and fromUrl never throw and say what is wrong", () => {
    const wrong = (input: Uint8Array) => {
      const d = Introduction.decode(input)
      expect(d.ok).toBe(false)
      return d.ok ? "" : d.error.message
    }
    const id = new Uint8Array(32)
    const signature = new Uint8Array(64)
    expect(wrong(new Uint8Array([0xff]))).toMatch(/canonical CBOR/)
    expect(wrong(new Uint8Array(0))).toMatch(/canonical CBOR/)
    expect(wrong(Cbor.encode({ community: id }))).toMatch(/\[1, community, key, time, signature\]/)
    expect(wrong(Cbor.encode([2, id, id, 5, signature]))).toMatch(/starts with its version, 1/)
    expect(wrong(Cbor.encode([1, id.subarray(1), id, 5, signature]))).toMatch(/the community id must be 32 bytes/)
    expect(wrong(Cbor.encode([1, id, id, -5, signature]))).toMatch(/the time must be a whole number of milliseconds from 0/)
    expect(wrong(Cbor.encode([1, id, id, 5, signature.subarray(1)]))).toMatch(/the signature must be 64 bytes/)
    expect(wrong(Cbor.encode([1, id, id, 5, signature, 7]))).toMatch(/\[1, community, key, time, signature\]/)
    expect(Introduction.fromUrl("/?introduce=xyz")).toMatchObject({ ok: false, error: { _tag: "InvalidIntroduction", message: /introduction 1 is not hex/ } })
    expect(Introduction.fromUrl(`/?introduce=${"00".repeat(600)}`)).toMatchObject({ ok: false, error: { message: /introduction 1 is not hex \(or is too long\)/ } })
    expect(Introduction.fromUrl("/?introduce=00ff")).toMatchObject({ ok: false, error: { message: /^introduction 1: an introduction is canonical CBOR/ } })
    expect(Introduction.fromUrl(`/?${"introduce=00&".repeat(17)}`)).toMatchObject({ ok: false, error: { message: /17 introductions on one connection; at most 16/ } })
    expect(Introduction.fromUrl("http://[")).toMatchObject({ ok: false, error: { message: /does not parse/ } })
    expect(Introduction.fromUrl("/")).toEqual({ ok: true, introductions: [] })
    expect(Introduction.fromUrl(undefined)).toEqual({ ok: true, introductions: [] })
  })
})
