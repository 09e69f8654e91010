import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Client, Crypto, Invitation, Keys, Storage } from "@affinity/core"
import { generateInvitationVectors } from "../src/conformance/invitation.ts"

/** `conformance/vectors/invitation.json`, written by `conformance/invitation/generate.ts`. */
interface Vectors {
  readonly vectors: ReadonlyArray<{
    readonly name: string
    readonly checks: string
    readonly secret: string
    readonly inviter: string
    readonly genesis: string
    readonly community: string
    readonly communityName: string
    readonly relays: ReadonlyArray<string>
    readonly inviterIsFounder: boolean
    readonly signed: string
    readonly signature: string
    readonly cbor: string
    readonly code: string
    readonly link: string
  }>
  readonly invalid: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly code: string; readonly reason: Invitation.Reason }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "invitation.json")
const text = readFileSync(file, "utf8")
const vectors = JSON.parse(text) as Vectors
const bytes = (hex: string) => Bytes.fromHex(hex)!
const crypto = await Crypto.makeBest()
const keyOf = (secret: Uint8Array) => Effect.runPromise(Effect.provideService(Keys.fromSecret(secret), Crypto.Crypto, crypto))

describe("invitation conformance vectors", () => {
  it("are what the generator writes", async () => {
    expect(text === (await generateInvitationVectors()), "invitation.json differs; run conformance/invitation/generate.ts").toBe(true)
    expect(vectors.vectors.length).toBeGreaterThanOrEqual(3)
    expect(vectors.invalid.length).toBeGreaterThanOrEqual(20)
  })

  it("sign, encode, link and decode byte for byte", async () => {
    for (const v of vectors.vectors) {
      const inviter = await keyOf(bytes(v.secret))
      expect(inviter.id, v.name).toBe(v.inviter)
      expect(Bytes.toHex(Invitation.signedMessage(bytes(v.community), v.relays, inviter.publicKey)), v.name).toBe(v.signed)
      const code = await Invitation.make({ genesis: bytes(v.genesis), relays: v.relays, inviter, crypto })
      expect(code, v.name).toBe(v.code)
      expect(Bytes.toHex(Bytes.fromBase64url(code)!), v.name).toBe(v.cbor)
      expect(Cbor.decode(bytes(v.cbor))).toMatchObject({ ok: true, value: { s: bytes(v.signature) } })
      expect(Invitation.link("https://app.example/", code), v.name).toBe(v.link)
      for (const input of [v.code, v.link, ` ${v.link}\n`]) {
        expect(await Invitation.decode(input, crypto), v.name).toEqual({
          ok: true,
          invitation: {
            community: v.community,
            name: v.communityName,
            genesis: bytes(v.genesis),
            relays: v.relays,
            inviter: v.inviter,
            inviterIsFounder: v.inviterIsFounder
          }
        })
      }
    }
  })

  it("refuse every invalid one, for its reason", async () => {
    for (const v of vectors.invalid) {
      const d = await Invitation.decode(v.code, crypto)
      expect(d.ok, v.name).toBe(false)
      if (!d.ok) {
        expect(d.error, v.name).toBeInstanceOf(Invitation.InvalidInvitation)
        expect(d.error.reason, v.name).toBe(v.reason)
        expect(d.error.message.length, v.name).toBeGreaterThan(10)
      }
    }
  })
})

describe("Invitation", () => {
  it("makes codes that open, and refuses to make one that would not", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    try {
      const ada = await client.generateKey()
      const garden = await client.create({ name: "Garden", author: ada })
      await garden.append(ada, "core", "tick", {})
      const [genesis, tick] = [garden.export()[0]!, garden.export()[1]!]
      const code = await Invitation.make({ genesis, relays: ["ws://127.0.0.1:8787/"], inviter: ada })
      const opened = await Effect.runPromise(Effect.provideService(Invitation.open(code), Crypto.Crypto, crypto))
      expect(opened).toMatchObject({ community: garden.id, name: "Garden", relays: ["ws://127.0.0.1:8787/"], inviter: ada.id, inviterIsFounder: true })
      const refused = (p: Promise<string>) => p.then(() => "made", (e: InstanceType<typeof Invitation.InvalidInvitation>) => `${e._tag}/${e.reason}`)
      expect(await refused(Invitation.make({ genesis: tick, relays: [], inviter: ada }))).toBe("InvalidInvitation/BadGenesis")
      expect(await refused(Invitation.make({ genesis: new Uint8Array(3), relays: [], inviter: ada }))).toBe("InvalidInvitation/BadGenesis")
      expect(await refused(Invitation.make({ genesis, relays: ["https://relay.example/"], inviter: ada }))).toBe("InvalidInvitation/Malformed")
      expect(await refused(Invitation.make({ genesis, relays: Array(5).fill("wss://relay.example/"), inviter: ada }))).toBe("InvalidInvitation/Malformed")
    } finally {
      await client.close()
    }
  })

  it("reads the code out of what a person pastes, and knows a relay address", () => {
    expect(Invitation.codeOf("  https://app.example/path#join=abc_-\n")).toBe("abc_-")
    expect(Invitation.codeOf(" abc ")).toBe("abc")
    expect(Invitation.link("http://127.0.0.1:5173/", "abc")).toBe("http://127.0.0.1:5173/#join=abc")
    expect(Invitation.isRelayUrl("wss://relay.example/")).toBe(true)
    expect(Invitation.isRelayUrl("ws://127.0.0.1:8787")).toBe(true)
    expect(Invitation.isRelayUrl("http://relay.example/")).toBe(false)
    expect(Invitation.isRelayUrl("wss://")).toBe(false)
    expect(Invitation.isRelayUrl(`wss://relay.example/${"a".repeat(200)}`)).toBe(false)
  })

  it("decode never rejects, whatever it is given", async () => {
    const inputs = ["#join=", "%%%", "A", "AB", "oB", "\u0000", "🌱".repeat(10), Bytes.toBase64url(Cbor.encode({ v: "1" })), Bytes.toBase64url(Cbor.encode(null))]
    for (let n = 0; n < 200; n++) inputs.push(Bytes.toBase64url(Uint8Array.from({ length: n % 40 }, (_, i) => (i * 97 + n * 13) & 255)))
    for (const input of inputs) {
      const d = await Invitation.decode(input, crypto)
      expect(d.ok, input).toBe(false)
    }
  })
})

describe("Bytes.toBase64url / fromBase64url", () => {
  it("round-trip every length, match RFC 4648 §5, and refuse every other text", () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255)
      expect(Bytes.toBase64url(b)).toBe(Buffer.from(b).toString("base64url"))
      expect(Bytes.fromBase64url(Bytes.toBase64url(b))).toEqual(b)
    }
    for (const bad of ["ab=c", "a", "AB", "a+b/", "ab c"]) expect(Bytes.fromBase64url(bad), bad).toBeUndefined()
  })
})
