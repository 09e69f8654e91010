import { Schema } from "effect"
import * as v from "valibot"
import { describe, expect, it } from "vitest"
import { CoreEvents, type Event, Module, Replica } from "@affinity/core"
import * as Message from "../src/sync/Message.ts"
import * as Cbor from "../src/Cbor.ts"
import { hexFromCodes } from "../src/internal/hex.ts"
import { Builder } from "./support/build.ts"
import { key } from "./support/world.ts"

const open = (genesis: Event.Event) => {
  const r = Replica.Replica.open(genesis)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const decode = <T>(type: string, body: unknown) =>
  Module.decodeWith(CoreEvents[type as "Apply"] as unknown as Module.StandardSchemaV1<unknown, T>, body)

describe("core bodies", () => {
  it("refuse excess keys, wrong byte lengths and out-of-range integers with a message naming the field", () => {
    expect(decode("Apply", { note: "hi" })).toEqual({ ok: true, value: { note: "hi" } })
    expect(decode("Apply", { note: "hi", extra: 1 })).toEqual({ ok: false, message: 'extra: unexpected key' })
    expect(decode("Apply", {})).toEqual({ ok: false, message: "note: missing" })
    expect(decode("Apply", { note: "x".repeat(4001) })).toEqual({ ok: false, message: "note: expected at most 4000 characters" })
    expect(decode("Admit", { identity: new Uint8Array(31) })).toEqual({ ok: false, message: "identity: expected 32 bytes" })
    expect(decode("DeviceAdd", { device: new Uint8Array(32), consent: new Uint8Array(63) })).toEqual({
      ok: false,
      message: "consent: expected 64 bytes"
    })
    const genesis = { name: "n", founders: [new Uint8Array(32)], params: { quorumPercent: 101 } }
    expect(decode("Genesis", genesis)).toEqual({ ok: false, message: "params.quorumPercent: expected an integer from 0 to 100" })
    expect(decode("Genesis", { ...genesis, params: { primeTerm: 86_400_000 } }).ok).toBe(true)
    expect(decode("Genesis", { ...genesis, params: { primeTerm: 86_399_999 } }).ok).toBe(false)
    expect(decode("Genesis", { ...genesis, founders: [] })).toEqual({ ok: false, message: "founders: expected at least 1 founder" })
    expect(decode("Remove", { identity: new Uint8Array(32), reason: "" }).ok).toBe(false)
  })

  it("are maps: a byte string, an array or a number is refused, never thrown", () => {
    for (const body of [new Uint8Array(0), [], 1, "x", true, null])
      for (const type of ["Tick", "ParamsBody", "Apply"]) {
        const r = decode(type, body)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.message).toMatch(/^expected a map/)
      }
  })

  it("a tick whose body is not an empty map is rejected as InvalidBody, and the fold goes on", () => {
    const a = key(1)
    const b = new Builder([a, key(2)])
    const bad = [0, new Uint8Array(0), { x: 1 }].map((body) => b.add(a, "core", "tick", body, { parents: [b.genesis] }))
    const good = b.add(a, "core", "tick", {}, { parents: bad })
    const r = open(b.genesis)
    r.ingest([...bad, good])
    for (const e of bad) expect(r.outcome(e.key)).toMatchObject({ _tag: "Rejected", reason: { _tag: "InvalidBody" } })
    expect(r.outcome(good.key)?._tag).toBe("Applied")
  })
})

describe("Module.eventType takes any synchronous Standard Schema", () => {
  type Count = { readonly n: number }
  const moduleWith = (body: Module.StandardSchemaV1<unknown, { readonly by: number }>) =>
    Module.make<Count>({
      name: "count",
      init: () => ({ n: 0 }),
      events: { add: Module.eventType<Count, { readonly by: number }>({ body, authority: "member", apply: (s, b) => ({ n: s.n + b.by }) }) }
    })

  it("valibot and effect Schema (through toStandardSchemaV1) decode the same bodies", () => {
    const fromValibot = moduleWith(v.strictObject({ by: v.pipe(v.number(), v.safeInteger()) }))
    const fromEffect = moduleWith(Schema.toStandardSchemaV1(Schema.Struct({ by: Schema.Int }), { parseOptions: { onExcessProperty: "error" } }))
    for (const m of [fromValibot, fromEffect]) {
      expect(m.events.add!.decode({ by: 2 })).toEqual({ ok: true, value: { by: 2 } })
      expect(m.events.add!.decode({ by: 1.5 }).ok).toBe(false)
      expect(m.events.add!.decode({ by: 2, extra: true }).ok).toBe(false)
    }
  })

  it("an asynchronous or throwing schema is a decode failure with a message, not a throw", () => {
    const asyncSchema: Module.StandardSchemaV1<unknown, { readonly by: number }> = {
      "~standard": { version: 1, vendor: "test", validate: (value) => Promise.resolve({ value: value as { by: number } }) }
    }
    const r = moduleWith(asyncSchema).events.add!.decode({ by: 1 })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/asynchronous/)
    const throwing: Module.StandardSchemaV1<unknown, { readonly by: number }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => {
          throw new Error("boom")
        }
      }
    }
    expect(moduleWith(throwing).events.add!.decode({ by: 1 })).toEqual({ ok: false, message: "the body schema failed: boom" })
    const async2 = v.pipeAsync(v.object({ by: v.number() }), v.checkAsync(async () => true))
    const r2 = moduleWith(async2 as unknown as Module.StandardSchemaV1<unknown, { readonly by: number }>).events.add!.decode({ by: 1 })
    expect(r2.ok).toBe(false)
  })
})

describe("sync message bounds", () => {
  const id = new Uint8Array(32)
  const frame = (value: Cbor.Value) => Message.decode(Cbor.encode(value))
  it("keeps every limit and says which item is wrong", () => {
    expect(frame([6, id, [id]]).ok).toBe(true)
    expect(frame([6, id, []])).toMatchObject({ ok: false, error: { message: "message kind 6: [2]: at least 1 ids" } })
    expect(frame([6, new Uint8Array(31), [id]])).toMatchObject({ ok: false, error: { message: "message kind 6: [1]: an id must be 32 bytes" } })
    expect(frame([6, id, [id], 1]).ok).toBe(false)
    expect(frame([2, -1]).ok).toBe(false)
    expect(frame([2, 2 ** 53 - 1]).ok).toBe(true)
    expect(frame([1, "r".repeat(Message.MessageLimits.maxReason + 1), ""]).ok).toBe(false)
    expect(frame([0, [1], new Uint8Array(16), 0, 0, "later"]).ok).toBe(true)
    expect(frame([0, [], new Uint8Array(16), 0, 0]).ok).toBe(false)
    expect(frame([5, id, 0, 0, [[null, new Uint8Array(15)]]]).ok).toBe(false)
    expect(frame([5, id, 0, 0, [[[1, new Uint8Array(33)]], [null]]]).ok).toBe(false)
    expect(frame([5, id, 0, 0, [[[1, new Uint8Array(3)]], [null, [id]]]]).ok).toBe(true)
  })
})

describe("Bytes.toHex", () => {
  it("gives lower-case hex for every length, across its internal chunks", async () => {
    const { Bytes } = await import("@affinity/core")
    for (const n of [0, 1, 31, 32, 33, 64, 4095, 4096, 4097, 9000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255)
      const expected = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
      expect(Bytes.toHex(bytes)).toBe(expected)
      expect(hexFromCodes(bytes)).toBe(expected)
      expect(Bytes.toHex(bytes.subarray(1))).toBe(expected.slice(2))
      expect(Bytes.fromHex(expected)).toEqual(bytes)
    }
    // 32 bytes take a path of their own whose scratch space is reused: one result never leaks into the next.
    const seen = Array.from({ length: 50 }, (_, k) => new Uint8Array(32).map((_, i) => (i * 13 + k * 101) & 255))
    const results = seen.map(hexFromCodes)
    seen.forEach((bytes, k) => expect(results[k]).toBe(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")))
  })
})
