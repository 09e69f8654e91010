import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor, CoreEvents, Crypto, Keys, Seal } from "@affinity/core"
import * as Hpke from "../src/internal/hpke.ts"

/** `conformance/vectors/sealing.json`, written by `conformance/sealing/generate.ts`. */
interface Vectors {
  readonly hpke: {
    readonly info: string
    readonly ikmE: string
    readonly pkEm: string
    readonly skEm: string
    readonly ikmR: string
    readonly pkRm: string
    readonly skRm: string
    readonly enc: string
    readonly shared_secret: string
    readonly key_schedule_context: string
    readonly secret: string
    readonly key: string
    readonly base_nonce: string
    readonly exporter_secret: string
    readonly pt: string
    readonly encryptions: ReadonlyArray<{ readonly seq: number; readonly aad: string; readonly ct: string }>
    readonly exports: ReadonlyArray<{ readonly exporter_context: string; readonly L: number; readonly exported_value: string }>
  }
  readonly keys: ReadonlyArray<{ readonly name: string; readonly seed: string; readonly device: string; readonly sealingKey: string }>
  readonly consent: {
    readonly community: string
    readonly adder: string
    readonly device: string
    readonly seal: string
    readonly message: string
    readonly consent: string
    readonly body: string
  }
  readonly sealed: ReadonlyArray<{
    readonly name: string
    readonly recipients: ReadonlyArray<string>
    readonly secret: string
    readonly context: string
    readonly ephemeral: string
    readonly contentKey: string
    readonly sealed: string
    readonly size: number
    readonly opens: ReadonlyArray<string>
    readonly refuses: ReadonlyArray<{ readonly opener: string; readonly reason: string }>
  }>
  readonly refused: ReadonlyArray<{ readonly name: string; readonly sealed: string; readonly opener: string; readonly context: string; readonly reason: string }>
  readonly sizes: ReadonlyArray<{ readonly recipients: number; readonly secret: number; readonly bytes: number }>
}

const file = join(import.meta.dirname, "..", "..", "..", "conformance", "vectors", "sealing.json")
const vectors = JSON.parse(readFileSync(file, "utf8")) as Vectors
const bytes = (hex: string) => Bytes.fromHex(hex)!
const noble = Crypto.makeNoble()
const run = <A>(effect: Effect.Effect<A, never, Crypto.Crypto>) => Effect.runPromise(Effect.provideService(effect, Crypto.Crypto, noble))

const devices = new Map<string, Keys.DeviceKey>()
for (const k of vectors.keys) devices.set(k.name, await run(Keys.fromSecret(bytes(k.seed))))
const device = (name: string) => devices.get(name)!

describe("sealing conformance vectors", () => {
  it("are what the generator writes (it checks them with node:crypto alone)", () => {
    const root = join(import.meta.dirname, "..", "..", "..")
    const out = execFileSync(process.execPath, ["--conditions=@affinity/source", join(root, "conformance", "sealing", "generate.ts"), "--check"], {
      cwd: root,
      encoding: "utf8"
    })
    expect(out.trim()).toBe("sealing.json is up to date")
  })

  it("the HPKE composition gives RFC 9180 A.2.1, value by value", () => {
    const v = vectors.hpke
    const e = Hpke.deriveKeyPair(bytes(v.ikmE))
    const r = Hpke.deriveKeyPair(bytes(v.ikmR))
    expect([Bytes.toHex(e.secretKey), Bytes.toHex(e.publicKey), Bytes.toHex(r.secretKey), Bytes.toHex(r.publicKey)]).toEqual([v.skEm, v.pkEm, v.skRm, v.pkRm])
    const sender = Hpke.setupSender(e, r.publicKey, bytes(v.info))
    expect(Bytes.toHex(sender.enc)).toBe(v.enc)
    expect(Bytes.toHex(sender.sharedSecret)).toBe(v.shared_secret)
    expect(Bytes.toHex(Hpke.scheduleContext(bytes(v.info)))).toBe(v.key_schedule_context)
    expect([Bytes.toHex(sender.context.key), Bytes.toHex(sender.context.baseNonce), Bytes.toHex(sender.context.exporterSecret)]).toEqual([
      v.key,
      v.base_nonce,
      v.exporter_secret
    ])
    const receiver = Hpke.setupReceiver(bytes(v.enc), r, bytes(v.info))
    expect(v.encryptions).toHaveLength(6)
    for (const x of v.encryptions) {
      expect(Bytes.toHex(sender.context.at(x.seq).seal(bytes(x.aad), bytes(v.pt))), `seq ${x.seq}`).toBe(x.ct)
      expect(Bytes.toHex(receiver.at(x.seq).open(bytes(x.aad), bytes(x.ct))), `seq ${x.seq}`).toBe(v.pt)
    }
    const changed = bytes(v.encryptions[0]!.ct)
    changed[0] = changed[0]! ^ 1
    expect(() => receiver.at(0).open(bytes(v.encryptions[0]!.aad), changed)).toThrow()
    for (const x of v.exports) expect(Bytes.toHex(receiver.export(bytes(x.exporter_context), x.L))).toBe(x.exported_value)
  })

  it("derive each device's sealing key from its signing seed", () => {
    expect(vectors.keys.length).toBeGreaterThanOrEqual(5)
    for (const k of vectors.keys) {
      expect(device(k.name).id, k.name).toBe(k.device)
      expect(Bytes.toHex(Seal.publicKey(device(k.name))), k.name).toBe(k.sealingKey)
    }
  })

  it("the consent of a device.add with a sealing key covers it, byte for byte", async () => {
    const c = vectors.consent
    const phone = [...devices.values()].find((d) => d.id === c.device)!
    expect(Bytes.toHex(CoreEvents.deviceConsentMessage(bytes(c.community), bytes(c.adder), bytes(c.seal)))).toBe(c.message)
    const addition = await run(Keys.addition(phone, bytes(c.community), bytes(c.adder)))
    expect(Bytes.toHex(addition.seal)).toBe(c.seal)
    expect(Bytes.toHex(addition.consent)).toBe(c.consent)
    expect(Bytes.toHex(Cbor.encode({ ...addition }))).toBe(c.body)
    const decoded = Cbor.decode(bytes(c.body))
    expect(decoded.ok && CoreEvents.decodeBody(CoreEvents.DeviceAdd, decoded.value)).toEqual(addition)
    expect(await Effect.runPromise(noble.verify({ publicKey: phone.publicKey, message: bytes(c.message), signature: addition.consent }))).toBe(true)
  })

  it("seal with fixed randomness gives the same bytes, which every recipient opens and nobody else", () => {
    expect(vectors.sealed.length).toBeGreaterThanOrEqual(4)
    for (const v of vectors.sealed) {
      const r = Seal.sealWith(v.recipients.map(bytes), bytes(v.secret), { ephemeral: bytes(v.ephemeral), contentKey: bytes(v.contentKey) }, { context: bytes(v.context) })
      expect(r.ok && Bytes.toHex(r.value), v.name).toBe(v.sealed)
      expect(bytes(v.sealed).length, v.name).toBe(v.size)
      for (const name of v.opens) expect(Seal.unseal(bytes(v.sealed), device(name), { context: bytes(v.context) }), `${v.name}: ${name}`).toEqual({ ok: true, value: bytes(v.secret) })
      for (const x of v.refuses) {
        const opened = Seal.unseal(bytes(v.sealed), device(x.opener), { context: bytes(v.context) })
        expect(opened.ok || opened.error.reason, `${v.name}: ${x.opener}`).toBe(x.reason)
      }
    }
  })

  it("refuse every changed or malformed one, for its reason", () => {
    expect(vectors.refused.length).toBeGreaterThanOrEqual(15)
    for (const v of vectors.refused) {
      const opened = Seal.unseal(bytes(v.sealed), device(v.opener), { context: bytes(v.context) })
      expect(opened.ok, v.name).toBe(false)
      if (!opened.ok) {
        expect(opened.error, v.name).toBeInstanceOf(Seal.SealError)
        expect(opened.error.reason, v.name).toBe(v.reason)
      }
    }
  })

  it("sizes: 56 bytes per recipient", () => {
    for (const s of vectors.sizes) expect(Seal.sizeOf(s.recipients, s.secret)).toBe(s.bytes)
    const thousand = vectors.sizes.find((s) => s.recipients === 1000)!
    expect(thousand.bytes).toBeLessThan(64 * 1024)
  })
})
