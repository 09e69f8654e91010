import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Bytes, Event } from "@affinity/core"
import { agreeVersion, VERSIONS } from "../src/sync/Hub.ts"
import * as Message from "../src/sync/Message.ts"
import * as Reconcile from "../src/sync/Reconcile.ts"

interface Vectors {
  versions: Array<number>
  constants: { buckets: number; idListMax: number; fingerprintBytes: number; saltDomain: string }
  messages: Array<{ name: string; value: unknown; hex: string }>
  invalid: Array<{ name: string; hex: string; reason: string }>
  negotiation: Array<{ ours: Array<number>; theirs: Array<number>; agreed: number | null }>
  salts: Array<{ nonceA: string; nonceB: string; salt: string }>
  fingerprints: Array<{ salt: string; ids: Array<string>; fingerprint: string }>
  bounds: Array<{ below: { depth: number; id: string }; above: { depth: number; id: string }; bound: { depth: number; prefix: string } }>
  reconciliation: Array<{
    name: string
    community: string
    salt: string
    a: Array<[number, string]>
    b: Array<[number, string]>
    frames: Array<string>
    aLacks: Array<string>
    bLacks: Array<string>
  }>
}

const v = JSON.parse(readFileSync(join(import.meta.dirname, "../../../conformance/vectors/sync.json"), "utf8")) as Vectors
const bytes = (hex: string) => Bytes.fromHex(hex)!

describe("sync conformance vectors", () => {
  it("match this implementation's constants", () => {
    expect(v.versions).toEqual(VERSIONS)
    expect(v.constants).toEqual({
      buckets: Reconcile.BUCKETS,
      idListMax: Reconcile.ID_LIST_MAX,
      fingerprintBytes: Reconcile.FINGERPRINT_BYTES,
      saltDomain: Bytes.toHex(Reconcile.SALT_DOMAIN)
    })
  })

  it("decode and re-encode every message", () => {
    for (const m of v.messages) {
      const d = Message.decode(bytes(m.hex))
      expect(d.ok, m.name).toBe(true)
      if (!d.ok) continue
      expect(Bytes.toHex(Message.encode(d.message)), m.name).toBe(m.hex)
      expect(Event.jsonView(Message.toValue(d.message)), m.name).toEqual(m.value)
    }
  })

  it("refuse every invalid frame", () => {
    for (const m of v.invalid) {
      const d = Message.decode(bytes(m.hex))
      expect(d.ok, m.name).toBe(false)
      if (!d.ok) expect(d.error._tag).toBe(m.reason)
    }
  })

  it("negotiate versions, derive salts, fingerprints and bounds", () => {
    for (const n of v.negotiation) expect(agreeVersion(n.ours, n.theirs) ?? null).toBe(n.agreed)
    for (const s of v.salts) expect(Bytes.toHex(Reconcile.salt(bytes(s.nonceA), bytes(s.nonceB)))).toBe(s.salt)
    for (const f of v.fingerprints)
      expect(Bytes.toHex(Reconcile.fingerprintOf(bytes(f.salt), Bytes.concat(...f.ids.map(bytes))))).toBe(f.fingerprint)
    for (const b of v.bounds) {
      const set = Reconcile.ItemSet.of([
        { depth: b.below.depth, id: bytes(b.below.id), ref: 0 },
        { depth: b.above.depth, id: bytes(b.above.id), ref: 1 }
      ])
      const got = set.boundBefore(1)!
      expect({ depth: got.depth, prefix: Bytes.toHex(got.prefix) }).toEqual(b.bound)
    }
  })

  it("reproduce every reconciliation transcript", () => {
    for (const r of v.reconciliation) {
      let ref = 0
      const ids = new Map<number, string>()
      const setOf = (items: Array<[number, string]>) =>
        Reconcile.ItemSet.of(
          items.map(([depth, id]) => {
            ids.set(ref, id)
            return { depth, id: bytes(id), ref: ref++ }
          })
        )
      const sides = { a: setOf(r.a), b: setOf(r.b) }
      const salt = bytes(r.salt)
      const aLacks: Array<string> = []
      const bLacks: Array<string> = []
      // Replay: each side answers the previous frame; the answers must be the recorded frames.
      expect(r.frames[0]).toBe(
        Bytes.toHex(Message.encode({ _tag: "Reconcile", community: bytes(r.community), round: 0, step: 0, ranges: Reconcile.initiate(sides.a, salt).ranges }))
      )
      for (let k = 1; k < r.frames.length; k++) {
        const previous = Message.decode(bytes(r.frames[k - 1]!))
        if (!previous.ok || previous.message._tag !== "Reconcile") throw new Error(`${r.name}: frame ${k - 1}`)
        const turn = k % 2 === 1 ? "b" : "a"
        const step = Reconcile.respond(sides[turn], salt, previous.message.ranges)
        for (const x of step.theyLack) (turn === "a" ? bLacks : aLacks).push(ids.get(x)!)
        for (const w of step.weLack) (turn === "a" ? aLacks : bLacks).push(Bytes.toHex(w))
        const frame = Message.encode({ _tag: "Reconcile", community: bytes(r.community), round: 0, step: k, ranges: step.ranges })
        expect(Bytes.toHex(frame), `${r.name}, frame ${k}`).toBe(r.frames[k])
      }
      expect(aLacks.sort(), r.name).toEqual(r.aLacks)
      expect(bLacks.sort(), r.name).toEqual(r.bLacks)
      // And the sets agree with what the transcript found.
      const keysA = new Set(r.a.map(([, id]) => id))
      const keysB = new Set(r.b.map(([, id]) => id))
      expect(r.aLacks).toEqual([...keysB].filter((k) => !keysA.has(k)).sort())
      expect(r.bLacks).toEqual([...keysA].filter((k) => !keysB.has(k)).sort())
    }
  })
})
