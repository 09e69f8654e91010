import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor } from "@affinity/core"
import * as Message from "../src/sync/Message.ts"
import * as Reconcile from "../src/sync/Reconcile.ts"

const id = (...head: Array<number>): Uint8Array => {
  const out = new Uint8Array(32)
  out.set(head)
  return out
}
const c = id(0xcc)

describe("Sync messages", () => {
  const samples: Array<Message.Message> = [
    { _tag: "Hello", versions: [1, 2], nonce: new Uint8Array(16).fill(7), maxFrame: 1 << 20, window: 1 << 21 },
    { _tag: "Bye", reason: "Flood", message: "too many" },
    { _tag: "Ack", seq: 12 },
    { _tag: "Open", community: c, heads: [id(1), id(2)], count: 3, reply: true },
    { _tag: "Open", community: c, heads: null, count: 300, reply: false },
    { _tag: "Unknown", community: c, message: "no" },
    {
      _tag: "Reconcile",
      community: c,
      round: 0,
      step: 3,
      ranges: [
        { _tag: "Skip", upper: { depth: 2, prefix: new Uint8Array(0) } },
        { _tag: "Fingerprint", upper: { depth: 5, prefix: new Uint8Array([9]) }, fingerprint: new Uint8Array(16) },
        { _tag: "Ids", upper: null, ids: [id(1), id(3)] }
      ]
    },
    { _tag: "Reconcile", community: c, round: 1, step: 1, ranges: [] },
    { _tag: "Want", community: c, ids: [id(4)] },
    { _tag: "Events", community: c, seq: 1, events: [new Uint8Array([1, 2, 3])] }
  ]

  it("round-trips every kind", () => {
    for (const m of samples) {
      const d = Message.decode(Message.encode(m))
      expect(d.ok, JSON.stringify(d)).toBe(true)
      if (d.ok) expect(Message.encode(d.message)).toEqual(Message.encode(m))
    }
  })

  it("refuses what is not a message, with a reason", () => {
    const bad: Array<[Cbor.Value | Uint8Array, RegExp]> = [
      [new Uint8Array([0xff]), /canonical/],
      [Cbor.encode([9]), /unknown message kind/],
      [Cbor.encode("hello"), /array/],
      [Cbor.encode([0, [], new Uint8Array(16), 1, 1]), /kind 0/],
      [Cbor.encode([0, [2, 1], new Uint8Array(16), 1, 1]), /ascending/],
      [Cbor.encode([3, c, [id(2), id(1)], 2, false]), /ascending/],
      [Cbor.encode([3, new Uint8Array(31), [], 2, false]), /kind 3/],
      [Cbor.encode([5, c, 0, 0, [[[2, new Uint8Array(0)]]]]), /end at null/],
      [Cbor.encode([5, c, 0, 0, [[[2, new Uint8Array(0)]], [[1, new Uint8Array(0)]], [null]]]), /strictly ascending/],
      [Cbor.encode([5, c, 0, 0, [[null, new Uint8Array(15)]]]), /kind 5/],
      [Cbor.encode([6, c, []]), /kind 6/],
      [Cbor.encode([7, c, 1, [], 5]), /kind 7/],
      [new Uint8Array([0x82, 0x02, 0x18, 0x01]), /canonical/]
    ]
    for (const [value, reason] of bad) {
      const bytes = value instanceof Uint8Array ? value : Cbor.encode(value)
      const d = Message.decode(bytes)
      expect(d.ok).toBe(false)
      if (!d.ok) {
        expect(d.error._tag).toBe("MalformedMessage")
        expect(d.error.message).toMatch(reason)
      }
    }
  })

  it("reads a hello with more items than version 1 knows", () => {
    const d = Message.decode(Cbor.encode([0, [1, 7], new Uint8Array(16), 1 << 20, 1 << 20, "future", { x: 1 }]))
    expect(d.ok).toBe(true)
  })

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const d = Message.decode(bytes)
        expect(typeof d.ok).toBe("boolean")
      }),
      { numRuns: 2000 }
    )
  })
})

/** Random 32-byte ids from a seed. */
const ids = (n: number, seed: number): Array<Uint8Array> => {
  let x = seed
  return Array.from({ length: n }, () => {
    const out = new Uint8Array(32)
    for (let i = 0; i < 32; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      out[i] = x >>> 24
    }
    return out
  })
}

/** Run rounds between two sets until the round ends; what each side learned. */
const reconcile = (a: Array<Reconcile.Item>, b: Array<Reconcile.Item>, budget = Reconcile.unlimited) => {
  const sa = Reconcile.ItemSet.of(a)
  const sb = Reconcile.ItemSet.of(b)
  const salt = Reconcile.salt(new Uint8Array(16), new Uint8Array(16).fill(1))
  let ranges = Reconcile.initiate(sa, salt).ranges
  const aLacks = new Set<string>()
  const bLacks = new Set<string>()
  let steps = 1
  let turn: "a" | "b" = "b"
  while (ranges.length > 0 && steps < 100) {
    const set = turn === "a" ? sa : sb
    const r = Reconcile.respond(set, salt, ranges, budget)
    for (const ref of r.theyLack) (turn === "a" ? bLacks : aLacks).add(Bytes.toHex(set.id(set.lowerIndexOfRef(ref))))
    for (const w of r.weLack) (turn === "a" ? aLacks : bLacks).add(Bytes.toHex(w))
    ranges = r.ranges
    turn = turn === "a" ? "b" : "a"
    steps++
  }
  return { aLacks, bLacks, steps }
}

declare module "../src/sync/Reconcile.ts" {
  interface ItemSet {
    lowerIndexOfRef(ref: number): number
  }
}
Reconcile.ItemSet.prototype.lowerIndexOfRef = function (ref: number) {
  for (let i = 0; i < this.size; i++) if (this.ref(i) === ref) return i
  return -1
}

let refs = 0
const items = (list: ReadonlyArray<Uint8Array>, depth: (i: number) => number) => list.map((id, i) => ({ depth: depth(i), id, ref: refs++ }))

const expectExact = (a: ReadonlyArray<Reconcile.Item>, b: ReadonlyArray<Reconcile.Item>, r: ReturnType<typeof reconcile>) => {
  const ka = new Set(a.map((x) => Bytes.toHex(x.id)))
  const kb = new Set(b.map((x) => Bytes.toHex(x.id)))
  expect([...r.aLacks].sort()).toEqual([...kb].filter((k) => !ka.has(k)).sort())
  expect([...r.bLacks].sort()).toEqual([...ka].filter((k) => !kb.has(k)).sort())
}

describe("Range-based set reconciliation", () => {
  it("finds exactly what each side lacks, for random sets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (common, onlyA, onlyB, seed) => {
          const all = ids(common + onlyA + onlyB, seed)
          const depth = (i: number) => 1 + (i % 97)
          const shared = items(all.slice(0, common), depth)
          const a = [...shared, ...items(all.slice(common, common + onlyA), (i) => depth(i + 5))]
          const b = [...shared, ...items(all.slice(common + onlyA), (i) => depth(i + 11))]
          const r = reconcile(a, b)
          expectExact(a, b, r)
          expect(r.steps).toBeLessThan(20)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("ends at once on equal sets, and handles empty sides", () => {
    const all = items(ids(500, 3), (i) => 1 + (i >> 3))
    expect(reconcile(all, all).steps).toBe(2)
    expectExact(all, [], reconcile(all, []))
    expectExact([], all, reconcile([], all))
    expectExact([], [], reconcile([], []))
  })

  it("stays exact when a reply has little room (the rest is folded into one range and split later)", () => {
    const all = ids(4000, 9)
    const a = items(all.slice(0, 3900), (i) => 1 + (i % 50))
    const b = items([...all.slice(0, 3700), ...all.slice(3900)], (i) => 1 + (i % 50))
    const r = reconcile(a, b, { maxBytes: 4000, maxRanges: 64 })
    expectExact(a, b, r)
  })

  it("separates ids mined to share 31 bytes at one depth", () => {
    const mined = Array.from({ length: 400 }, (_, i) => {
      const x = new Uint8Array(32).fill(0xab)
      x[31] = i % 256
      x[30] = i >> 8 === 0 ? 0xab : 0xac
      return x
    })
    const a = items(mined.slice(0, 390), () => 7)
    const b = items([...mined.slice(0, 380), ...mined.slice(390)], () => 7)
    expectExact(a, b, reconcile(a, b))
  })

  it("is not fooled by sets whose XOR or sum of ids collide", () => {
    const base = ids(200, 5)
    const [x, y, z] = ids(3, 77)
    const xor = new Uint8Array(32)
    for (let i = 0; i < 32; i++) xor[i] = x![i]! ^ y![i]! ^ z![i]!
    // {x, y} and {z, x⊕y⊕z} have the same XOR; an XOR fingerprint would call them equal.
    const a = items([...base, x!, y!], () => 4)
    const b = items([...base, z!, xor], () => 4)
    expectExact(a, b, reconcile(a, b))
    // Same for a sum mod 2^256: w = x + y − z.
    const big = (u: Uint8Array) => BigInt(`0x${Bytes.toHex(u)}`)
    const mod = 1n << 256n
    const w = (((big(x!) + big(y!) - big(z!)) % mod) + mod) % mod
    const wBytes = Bytes.fromHex(w.toString(16).padStart(64, "0"))!
    const c2 = items([...base, z!, wBytes], () => 4)
    expectExact(a, c2, reconcile(a, c2))
  })

  it("fingerprints depend on the salt, the count and every id", () => {
    const s1 = Reconcile.salt(new Uint8Array(16), new Uint8Array(16).fill(1))
    const s2 = Reconcile.salt(new Uint8Array(16).fill(1), new Uint8Array(16))
    expect(s1).toEqual(s2)
    const s3 = Reconcile.salt(new Uint8Array(16).fill(2), new Uint8Array(16))
    const list = Bytes.concat(...ids(3, 1))
    expect(Reconcile.fingerprintOf(s1, list)).not.toEqual(Reconcile.fingerprintOf(s3, list))
    expect(Reconcile.fingerprintOf(s1, list).length).toBe(16)
  })

  it("makes the shortest bound between neighbours", () => {
    const set = Reconcile.ItemSet.of([
      { depth: 1, id: id(5), ref: 0 },
      { depth: 2, id: id(1), ref: 1 },
      { depth: 2, id: id(1, 7, 3), ref: 2 },
      { depth: 2, id: id(1, 9), ref: 3 }
    ])
    expect(set.boundBefore(1)).toEqual({ depth: 2, prefix: new Uint8Array(0) })
    expect(set.boundBefore(2)).toEqual({ depth: 2, prefix: new Uint8Array([1, 7]) })
    expect(set.boundBefore(3)).toEqual({ depth: 2, prefix: new Uint8Array([1, 9]) })
    expect(set.lowerIndex({ depth: 2, prefix: new Uint8Array([1, 7]) })).toBe(2)
    expect(set.lowerIndex(null)).toBe(4)
  })
})
