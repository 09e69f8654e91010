/**
 * Writes `conformance/vectors/sync.json`: the sync protocol's wire forms, rejections,
 * version negotiation, salts, fingerprints, bounds and whole reconciliation transcripts
 * (see `docs/protocol.md`, §13). Everything is derived from fixed inputs; running it again gives
 * the same bytes.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/sync/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/sync/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises"
import * as Bytes from "../../packages/core/src/Bytes.ts"
import * as Cbor from "../../packages/core/src/Cbor.ts"
import * as Event from "../../packages/core/src/Event.ts"
import * as Hash from "../../packages/core/src/Hash.ts"
import * as Message from "../../packages/core/src/sync/Message.ts"
import * as Reconcile from "../../packages/core/src/sync/Reconcile.ts"
import { agreeVersion, VERSIONS } from "../../packages/core/src/sync/Hub.ts"

const hex = Bytes.toHex
const h = (label: string) => Hash.sha256(Bytes.utf8(label))
const id = (label: string) => h(`affinity/sync/vectors/id/${label}`)
const community = h("affinity/sync/vectors/community")
const nonce = (label: string) => h(`affinity/sync/vectors/nonce/${label}`).slice(0, 16)

const messages: Array<[string, Message.Message]> = [
  ["hello", { _tag: "Hello", versions: [1], nonce: nonce("a"), maxFrame: 1_048_576, window: 2_097_152 }],
  ["hello offering more versions", { _tag: "Hello", versions: [1, 2, 7], nonce: nonce("b"), maxFrame: 262_144, window: 262_144 }],
  ["bye", { _tag: "Bye", reason: "Flood", message: "too many messages; the flood budget is spent" }],
  ["ack", { _tag: "Ack", seq: 300 }],
  ["open", { _tag: "Open", community, heads: [id("h1"), id("h2")].sort(Bytes.compare), count: 42, reply: false }],
  ["open asking for a reply, heads too many to list", { _tag: "Open", community, heads: null, count: 100_000, reply: true }],
  ["unknown", { _tag: "Unknown", community, message: "this peer does not carry community" }],
  [
    "reconcile",
    {
      _tag: "Reconcile",
      community,
      round: 0,
      step: 2,
      ranges: [
        { _tag: "Skip", upper: { depth: 3, prefix: new Uint8Array(0) } },
        { _tag: "Fingerprint", upper: { depth: 3, prefix: Uint8Array.of(0x8f) }, fingerprint: h("fp").slice(0, 16) },
        { _tag: "Ids", upper: { depth: 9, prefix: Uint8Array.of(0x12, 0x34) }, ids: [id("x"), id("y")].sort(Bytes.compare) },
        { _tag: "Skip", upper: null }
      ]
    }
  ],
  ["reconcile ending a round", { _tag: "Reconcile", community, round: 0, step: 5, ranges: [] }],
  ["want", { _tag: "Want", community, ids: [community] }],
  ["events", { _tag: "Events", community, seq: 1, events: [Uint8Array.of(0x83, 0x40, 0x40, 0x40)] }]
]

const invalid: Array<[string, Uint8Array]> = [
  ["not CBOR", Uint8Array.of(0xff)],
  ["not canonical (a head longer than needed)", Uint8Array.of(0x82, 0x02, 0x18, 0x01)],
  ["trailing bytes", Uint8Array.of(0x82, 0x02, 0x01, 0x00)],
  ["not an array", Cbor.encode({ kind: 0 })],
  ["empty array", Cbor.encode([])],
  ["unknown kind", Cbor.encode([8, community])],
  ["hello without versions", Cbor.encode([0, [], nonce("a"), 1_048_576, 1_048_576])],
  ["hello with versions out of order", Cbor.encode([0, [2, 1], nonce("a"), 1_048_576, 1_048_576])],
  ["hello with a 15-byte nonce", Cbor.encode([0, [1], nonce("a").slice(0, 15), 1_048_576, 1_048_576])],
  ["open with a 31-byte community", Cbor.encode([3, community.slice(1), [], 0, false])],
  ["open with heads out of order", Cbor.encode([3, community, [id("h2"), id("h1")].sort(Bytes.compare).reverse(), 2, false])],
  ["open with a missing field", Cbor.encode([3, community, [], 0])],
  ["reconcile whose last range does not end at null", Cbor.encode([5, community, 0, 0, [[[1, new Uint8Array(0)]]]])],
  ["reconcile with bounds out of order", Cbor.encode([5, community, 0, 0, [[[2, new Uint8Array(0)]], [[1, new Uint8Array(0)]], [null]]])],
  ["reconcile with a 15-byte fingerprint", Cbor.encode([5, community, 0, 0, [[null, new Uint8Array(15)]]])],
  ["reconcile with a 33-byte prefix", Cbor.encode([5, community, 0, 0, [[[1, new Uint8Array(33)]], [null]]])],
  ["reconcile with ids out of order", Cbor.encode([5, community, 0, 0, [[null, [id("b"), id("a")].sort(Bytes.compare).reverse()]]])],
  ["want with no ids", Cbor.encode([6, community, []])],
  ["events with no events", Cbor.encode([7, community, 1, []])],
  ["events with a negative seq", Cbor.encode([7, community, -1, [new Uint8Array(1)]])],
  ["an event that is text", Cbor.encode([7, community, 1, ["event"]])]
]

const negotiation: Array<[ReadonlyArray<number>, ReadonlyArray<number>]> = [
  [[1], [1]],
  [[1], [1, 2]],
  [[1, 2, 5], [1, 2, 3]],
  [[1], [2, 3]],
  [[3, 4], [1, 2]]
]

const agree = (ours: ReadonlyArray<number>, theirs: ReadonlyArray<number>): number | null => agreeVersion(ours, theirs) ?? null

/** Items from labels: `count` ids spread over `depths` depths. */
const itemsOf = (prefix: string, count: number, depths: number) =>
  Array.from({ length: count }, (_, i) => ({ depth: 1 + (i % depths), id: id(`${prefix}/${i}`) }))

interface Case {
  readonly name: string
  readonly a: ReadonlyArray<{ depth: number; id: Uint8Array }>
  readonly b: ReadonlyArray<{ depth: number; id: Uint8Array }>
}

const cases: Array<Case> = (() => {
  const shared = itemsOf("shared", 700, 40)
  return [
    { name: "equal sets", a: shared.slice(0, 300), b: shared.slice(0, 300) },
    { name: "one side empty", a: shared.slice(0, 50), b: [] },
    { name: "b lacks one item of 700", a: shared, b: shared.slice(0, 699) },
    { name: "each side has items the other lacks", a: [...shared.slice(0, 650), ...itemsOf("a", 7, 40)], b: [...shared.slice(0, 640), ...itemsOf("b", 12, 45)] },
    { name: "small sets sent as ids at once", a: itemsOf("s", 20, 3), b: itemsOf("s", 25, 3).slice(3) }
  ]
})()

/** Run a round from `a`'s first message to the end; every message as it is framed. */
const transcript = (c: Case, saltBytes: Uint8Array) => {
  const refs = new Map<number, Uint8Array>()
  let n = 0
  const setOf = (items: Case["a"]) =>
    Reconcile.ItemSet.of(
      items.map((it) => {
        refs.set(n, it.id)
        return { depth: it.depth, id: it.id, ref: n++ }
      })
    )
  const sa = setOf(c.a)
  const sb = setOf(c.b)
  const frames: Array<string> = []
  const aLacks: Array<string> = []
  const bLacks: Array<string> = []
  let ranges = Reconcile.initiate(sa, saltBytes).ranges
  let step = 0
  frames.push(hex(Message.encode({ _tag: "Reconcile", community, round: 0, step: step++, ranges })))
  let turn: "a" | "b" = "b"
  while (ranges.length > 0) {
    const r = Reconcile.respond(turn === "a" ? sa : sb, saltBytes, ranges)
    for (const ref of r.theyLack) (turn === "a" ? bLacks : aLacks).push(hex(refs.get(ref)!))
    for (const w of r.weLack) (turn === "a" ? aLacks : bLacks).push(hex(w))
    ranges = r.ranges
    frames.push(hex(Message.encode({ _tag: "Reconcile", community, round: 0, step: step++, ranges })))
    turn = turn === "a" ? "b" : "a"
    if (step > 64) throw new Error(`${c.name}: the round does not end`)
  }
  return { frames, aLacks: aLacks.sort(), bLacks: bLacks.sort() }
}

export const generate = (): string => {
  const saltCases = [
    [nonce("a"), nonce("b")],
    [nonce("b"), nonce("a")],
    [new Uint8Array(16), new Uint8Array(16).fill(255)]
  ] as const
  const salt = Reconcile.salt(nonce("a"), nonce("b"))
  const fpIds = [id("f1"), id("f2"), id("f3")]
  const boundPairs: Array<[{ depth: number; id: Uint8Array }, { depth: number; id: Uint8Array }]> = [
    [{ depth: 1, id: id("p") }, { depth: 2, id: id("q") }],
    [{ depth: 4, id: Bytes.fromHex("12" + "00".repeat(31))! }, { depth: 4, id: Bytes.fromHex("13" + "00".repeat(31))! }],
    [{ depth: 4, id: Bytes.fromHex("1234" + "00".repeat(30))! }, { depth: 4, id: Bytes.fromHex("1235" + "ff".repeat(30))! }],
    [{ depth: 7, id: Bytes.fromHex("ab".repeat(31) + "01")! }, { depth: 7, id: Bytes.fromHex("ab".repeat(31) + "02")! }]
  ]
  const out = {
    description:
      "Vectors of the Affinity sync protocol, version 1 (docs/protocol.md, section 13). Byte strings are hex; in message values a byte string is {\"$bytes\": hex}.",
    versions: VERSIONS,
    constants: {
      buckets: Reconcile.BUCKETS,
      idListMax: Reconcile.ID_LIST_MAX,
      fingerprintBytes: Reconcile.FINGERPRINT_BYTES,
      saltDomain: hex(Reconcile.SALT_DOMAIN)
    },
    messages: messages.map(([name, m]) => ({ name, value: Event.jsonView(Message.toValue(m)), hex: hex(Message.encode(m)) })),
    invalid: invalid.map(([name, bytes]) => ({ name, hex: hex(bytes), reason: "MalformedMessage" })),
    negotiation: negotiation.map(([ours, theirs]) => ({ ours, theirs, agreed: agree(ours, theirs) })),
    salts: saltCases.map(([x, y]) => ({ nonceA: hex(x), nonceB: hex(y), salt: hex(Reconcile.salt(x, y)) })),
    fingerprints: [0, 1, 3].map((k) => ({
      salt: hex(salt),
      ids: fpIds.slice(0, k).map(hex),
      fingerprint: hex(Reconcile.fingerprintOf(salt, Bytes.concat(...fpIds.slice(0, k))))
    })),
    bounds: boundPairs.map(([x, y]) => {
      const set = Reconcile.ItemSet.of([
        { ...x, ref: 0 },
        { ...y, ref: 1 }
      ])
      const b = set.boundBefore(1)!
      return {
        below: { depth: x.depth, id: hex(x.id) },
        above: { depth: y.depth, id: hex(y.id) },
        bound: { depth: b.depth, prefix: hex(b.prefix) }
      }
    }),
    reconciliation: cases.map((c) => ({
      name: c.name,
      community: hex(community),
      salt: hex(salt),
      a: c.a.map((it) => [it.depth, hex(it.id)]),
      b: c.b.map((it) => [it.depth, hex(it.id)]),
      ...transcript(c, salt)
    }))
  }
  return `${JSON.stringify(out, null, 1)}\n`
}

if (import.meta.main) {
  const target = new URL("../vectors/sync.json", import.meta.url)
  const text = generate()
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    console.log(current === text ? "sync.json is up to date" : "sync.json differs from what the generator writes")
    process.exitCode = current === text ? 0 : 1
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/sync.json (${text.length} bytes)`)
  }
}
