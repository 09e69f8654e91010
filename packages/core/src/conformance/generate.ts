/**
 * The deterministic generator of the conformance vectors `cbor.json`, `events.json` and
 * `scenarios.json` (`signatures.json` is maintained separately).
 *
 * Every key comes from fixed secret bytes, every time is fixed, and ed25519 signatures are
 * deterministic, so running the generator again gives byte-identical files. The expected
 * answers are written here by hand (verdicts, outcomes, reason tags, canonical encodings)
 * and the generator checks that this SDK gives them before writing anything: a file is
 * produced only when the SDK agrees with every vector in it. Only the state hashes are
 * taken from the SDK, and checked to be equal across orders of one set of events.
 *
 * Run it with `node --conditions=@affinity/source conformance/generate.ts`.
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import * as CoreEvents from "../CoreEvents.ts"
import * as Crypto from "../Crypto.ts"
import * as Event from "../Event.ts"
import { sha256 } from "../Hash.ts"
import { publicKeyOf, signSync } from "../testing/Signer.ts"
import { equal, fromCbor, type Json, sortedObject, toCbor } from "./json.ts"
import { headerJson, makeOurImplementation } from "./ours.ts"
import { parseVectors } from "./runner.ts"
import type {
  CborFile,
  CborVector,
  EventsFile,
  EventVector,
  OutcomeJson,
  ScenarioInput,
  ScenariosFile,
  ScenarioVector,
  VerdictJson
} from "./types.ts"

const noble = Crypto.makeNoble()
const ours = makeOurImplementation(() => Promise.resolve(noble))

const hex = Bytes.toHex
const unhex = (h: string): Uint8Array => {
  const b = Bytes.fromHex(h)
  if (b === undefined) throw new Error(`bad hex in the generator: ${h}`)
  return b
}

/** Bytes `0, 1, 2, …` (mod 256) of a given length. */
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 255)

const sign = signSync

// --- keys -----------------------------------------------------------------------------------

/** A fixed device key. */
interface Key {
  readonly name: string
  readonly secret: Uint8Array
  readonly publicKey: Uint8Array
}

/** The key whose 32-byte secret seed is `fill` repeated. */
const fixedKey = (name: string, fill: number): Key => {
  const secret = new Uint8Array(32).fill(fill)
  return { name, secret, publicKey: publicKeyOf(secret) }
}

const alice = fixedKey("alice", 0x01)
const bob = fixedKey("bob", 0x02)
const carol = fixedKey("carol", 0x03)
const dave = fixedKey("dave", 0x04)
const phone = fixedKey("alice's phone", 0x05)
const eve = fixedKey("eve", 0x06)
const laptop = fixedKey("alice's laptop", 0x07)

/** Genesis time of every community in the vectors: 2023-11-14T22:13:20Z. */
const T0 = 1_700_000_000_000

// --- building events ------------------------------------------------------------------------

/** Sign a draft with a key and decode the result (throws on a broken rule). */
const signDraft = (key: Key, draft: Event.Draft): Event.Event => {
  const prepared = Event.prepare(draft)
  if (!prepared.ok) throw new Error(`generator draft broke a rule: ${prepared.error.message}`)
  const signature = sign(key.secret, prepared.unsigned.message)
  const decoded = Event.decode(Event.assemble(prepared.unsigned, signature))
  if (!decoded.ok) throw new Error(`generator event does not decode: ${decoded.error.message}`)
  return decoded.event
}

/** Options for one event of a {@link Community}. */
interface EventOptions {
  /** Causal parents besides `prev` (default: none, or the genesis for a chain's first event). */
  readonly parents?: ReadonlyArray<Event.Event>
  /** Previous event of the author's chain (default: the author's latest event). */
  readonly prev?: Event.Event | null
  /** Sequence number (default: one more than `prev`'s, or 1). */
  readonly seq?: number
  /** Claimed time (default: 1 s after the latest of `prev` and `parents`). */
  readonly time?: number
  readonly module?: string
  /** A payload the event carries (it is then a version 2 event). */
  readonly payload?: Uint8Array
}

/** A community whose events the generator writes: tracks each author's chain. */
class Community {
  readonly genesis: Event.Event
  private readonly tips = new Map<string, Event.Event>()

  constructor(author: Key, founders: ReadonlyArray<Key>, name: string, params: Record<string, number> = {}) {
    this.genesis = signDraft(author, {
      community: null,
      author: author.publicKey,
      seq: 1,
      prev: null,
      parents: [],
      time: T0,
      module: "core",
      type: "genesis",
      body: { name, founders: [...Event.dedupeSorted(founders.map((f) => f.publicKey))], params }
    })
    this.tips.set(hex(author.publicKey), this.genesis)
  }

  get id(): Uint8Array {
    return this.genesis.id
  }

  /** Sign an event of `key` in this community. */
  event(key: Key, type: string, body: Cbor.Value, options: EventOptions = {}): Event.Event {
    const tip = this.tips.get(hex(key.publicKey))
    const prev = options.prev !== undefined ? options.prev : (tip ?? null)
    const parents = options.parents ?? (prev === null ? [this.genesis] : [])
    const deps = [...parents, ...(prev ? [prev] : [])]
    const event = signDraft(key, {
      community: this.id,
      author: key.publicKey,
      seq: options.seq ?? (prev ? prev.header.seq + 1 : 1),
      prev: prev ? prev.id : null,
      parents: parents.map((p) => p.id),
      time: options.time ?? Math.max(...deps.map((d) => d.header.time)) + 1000,
      module: options.module ?? "core",
      type,
      body,
      ...(options.payload === undefined ? {} : { payload: options.payload })
    })
    if (!tip || event.header.seq > tip.header.seq) this.tips.set(hex(key.publicKey), event)
    return event
  }

  tick(key: Key, options: EventOptions = {}): Event.Event {
    return this.event(key, "tick", {}, options)
  }

  /** Body of `core/device.add` by `adder` for `device`, with the consent signed by `signer`. */
  deviceAdd(adder: Key, device: Key, signer: Key = device, consentAdder: Key = adder): Cbor.Value {
    const consent = sign(signer.secret, CoreEvents.deviceConsentMessage(this.id, consentAdder.publicKey))
    return { device: device.publicKey, consent }
  }
}

/** Wire bytes of an event with a different signature. */
const withSignature = (event: Event.Event, signature: Uint8Array): Uint8Array =>
  Cbor.encodeTrusted([event.headerBytes, signature, event.bodyBytes])

// --- cbor.json ------------------------------------------------------------------------------

const canonical = (name: string, checks: string, value: Json, h: string): CborVector => ({
  name,
  checks,
  expectation: "canonical",
  value,
  hex: h
})
const reject = (name: string, checks: string, h: string): CborVector => ({ name, checks, expectation: "reject", hex: h })
const unencodable = (name: string, checks: string, value: Json): CborVector => ({
  name,
  checks,
  expectation: "unencodable",
  value
})

const nested = (levels: number, inner: Json | undefined): Json => {
  let v: Json = inner === undefined ? [] : [inner]
  for (let i = 1; i < levels; i++) v = [v]
  return v
}
const nestedHex = (levels: number, innerHex: string | undefined): string =>
  "81".repeat(levels - 1) + (innerHex === undefined ? "80" : `81${innerHex}`)

const textHex = (s: string): string => hex(Bytes.utf8(s))
const letters = (n: number): string => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("")

const cborVectors = (): ReadonlyArray<CborVector> => {
  const int = (n: number, h: string, what: string) => canonical(`integer ${n}`, `${n} is encoded ${what}.`, n, h)
  const bytesOf = (n: number) => ({ $bytes: hex(counting(n)) })
  const map24: Record<string, Json> = {}
  for (let i = 0; i < 24; i++) map24[letters(24)[i]!] = i
  return [
    // Unsigned integers at every head-size boundary.
    int(0, "00", "in the initial byte"),
    int(1, "01", "in the initial byte"),
    int(10, "0a", "in the initial byte"),
    int(23, "17", "in the initial byte (the largest such value)"),
    int(24, "1818", "with a one-byte argument (the smallest such value)"),
    int(25, "1819", "with a one-byte argument"),
    int(100, "1864", "with a one-byte argument"),
    int(255, "18ff", "with a one-byte argument (the largest such value)"),
    int(256, "190100", "with a two-byte argument (the smallest such value)"),
    int(1000, "1903e8", "with a two-byte argument"),
    int(65535, "19ffff", "with a two-byte argument (the largest such value)"),
    int(65536, "1a00010000", "with a four-byte argument (the smallest such value)"),
    int(1000000, "1a000f4240", "with a four-byte argument"),
    int(4294967295, "1affffffff", "with a four-byte argument (the largest such value)"),
    int(4294967296, "1b0000000100000000", "with an eight-byte argument (the smallest such value)"),
    int(1700000000000, "1b0000018bcfe56800", "with an eight-byte argument (a millisecond timestamp)"),
    int(9007199254740991, "1b001fffffffffffff", "with an eight-byte argument (2^53 - 1, the largest integer of the model)"),
    // Negative integers.
    int(-1, "20", "as major type 1 in the initial byte"),
    int(-10, "29", "as major type 1 in the initial byte"),
    int(-24, "37", "as major type 1 in the initial byte (the last such value)"),
    int(-25, "3818", "as major type 1 with a one-byte argument"),
    int(-100, "3863", "as major type 1 with a one-byte argument"),
    int(-256, "38ff", "as major type 1 with a one-byte argument (the last such value)"),
    int(-257, "390100", "as major type 1 with a two-byte argument"),
    int(-1000, "3903e7", "as major type 1 with a two-byte argument"),
    int(-65536, "39ffff", "as major type 1 with a two-byte argument (the last such value)"),
    int(-65537, "3a00010000", "as major type 1 with a four-byte argument"),
    int(-4294967296, "3affffffff", "as major type 1 with a four-byte argument (the last such value)"),
    int(-4294967297, "3b0000000100000000", "as major type 1 with an eight-byte argument"),
    int(-9007199254740991, "3b001ffffffffffffe", "as major type 1 with an eight-byte argument (-(2^53 - 1), the smallest integer of the model)"),
    // Simple values.
    canonical("false", "false is the simple value f4.", false, "f4"),
    canonical("true", "true is the simple value f5.", true, "f5"),
    canonical("null", "null is the simple value f6.", null, "f6"),
    // Byte strings.
    canonical("empty byte string", "An empty byte string is 40.", { $bytes: "" }, "40"),
    canonical("byte string of 4 bytes", "A short byte string has its length in the initial byte.", { $bytes: "01020304" }, "4401020304"),
    canonical("byte string of 23 bytes", "23 is the longest length in the initial byte.", bytesOf(23), `57${hex(counting(23))}`),
    canonical("byte string of 24 bytes", "24 is the shortest length with a one-byte argument.", bytesOf(24), `5818${hex(counting(24))}`),
    canonical("byte string of 255 bytes", "255 is the longest length with a one-byte argument.", bytesOf(255), `58ff${hex(counting(255))}`),
    canonical("byte string of 256 bytes", "256 is the shortest length with a two-byte argument.", bytesOf(256), `590100${hex(counting(256))}`),
    // Text strings.
    canonical("empty text", "An empty text string is 60.", "", "60"),
    canonical("text a", "A one-character text string.", "a", "6161"),
    canonical("text IETF", "A text string from RFC 8949's examples.", "IETF", "6449455446"),
    canonical("text with quote and backslash", "Characters JSON escapes are plain bytes in CBOR.", '"\\', "62225c"),
    canonical("text with NUL", "U+0000 is an ordinary character.", "a\u0000b", "63610062"),
    canonical("text of two-byte UTF-8", "The length counts UTF-8 bytes, not characters (ü is 2 bytes).", "\u00fc", "62c3bc"),
    canonical("text of three-byte UTF-8", "水 is 3 UTF-8 bytes.", "\u6c34", "63e6b0b4"),
    canonical("text of four-byte UTF-8", "U+10151 (a surrogate pair in UTF-16) is 4 UTF-8 bytes.", "\u{10151}", "64f0908591"),
    canonical(
      "text starting with U+FEFF",
      "U+FEFF is an ordinary character, first in a text too: a decoder must not drop it as a byte-order mark.",
      "\ufeffa",
      "64efbbbf61"
    ),
    canonical("map key U+FEFF", "A key that is U+FEFF alone is kept as it is.", { "\ufeff": 1 }, "a163efbbbf01"),
    canonical("text of 23 bytes", "23 is the longest length in the initial byte.", letters(23), `77${textHex(letters(23))}`),
    canonical("text of 24 bytes", "24 is the shortest length with a one-byte argument.", letters(24), `7818${textHex(letters(24))}`),
    // Arrays.
    canonical("empty array", "An empty array is 80.", [], "80"),
    canonical("array of integers", "Items follow the head in order.", [1, 2, 3], "83010203"),
    canonical("nested arrays", "Arrays nest.", [1, [2, 3], [4, 5]], "8301820203820405"),
    canonical(
      "array of 25 items",
      "An array of more than 23 items has a one-byte length argument.",
      Array.from({ length: 25 }, (_, i) => i + 1),
      `9819${Array.from({ length: 25 }, (_, i) => (i + 1 < 24 ? (i + 1).toString(16).padStart(2, "0") : `18${(i + 1).toString(16)}`)).join("")}`
    ),
    canonical("array of mixed items", "Arrays hold any values of the model.", ["a", { b: "c" }, null, true, { $bytes: "ff" }], "856161a161626163f6f541ff"),
    // Maps.
    canonical("empty map", "An empty map is a0.", {}, "a0"),
    canonical("map", "A map with text keys.", { a: 1, b: [2, 3] }, "a26161016162820203"),
    canonical(
      "map keys sorted by encoded bytes: shorter first",
      "Keys sort by their encoded bytes, so a shorter text key comes first: \"b\" before \"aa\".",
      { b: 1, aa: 2 },
      "a261620162616102"
    ),
    canonical("map keys sorted by encoded bytes: upper case first", "\"B\" (0x42) sorts before \"a\" (0x61).", { a: 2, B: 1 }, "a2614201616102"),
    canonical(
      "map keys sorted by encoded bytes: UTF-8",
      "\"z\" (1 byte) sorts before \"é\" (2 bytes), whatever their code points.",
      { "\u00e9": 1, z: 2 },
      "a2617a0262c3a901"
    ),
    canonical(
      "map keys that look like integers",
      "\"a\" sorts before \"10\" (shorter), though JavaScript lists integer-like keys first.",
      { "10": 1, a: 2 },
      "a261610262313001"
    ),
    canonical(
      "map key __proto__",
      "A key named __proto__ is an ordinary key (JavaScript implementations must not lose it).",
      JSON.parse('{"__proto__": 1}') as Json,
      "a1695f5f70726f746f5f5f01"
    ),
    canonical("map with a byte-string value", "Map values may be byte strings.", { k: { $bytes: "00ff" } }, "a1616b4200ff"),
    canonical("nested maps", "Maps nest in maps and arrays.", { outer: { inner: [true, null] } }, "a1656f75746572a165696e6e657282f5f6"),
    canonical(
      "map of 24 entries",
      "A map of more than 23 entries has a one-byte length argument; keys \"a\" to \"x\" sort alphabetically.",
      map24,
      `b818${Array.from({ length: 24 }, (_, i) => `61${(97 + i).toString(16)}${i.toString(16).padStart(2, "0")}`).join("")}`
    ),
    // Nesting limit.
    canonical(
      "nesting: 32 arrays around an integer",
      "An item at depth 32 (the top value being at depth 0) is within the nesting limit.",
      nested(32, 0),
      nestedHex(32, "00")
    ),
    canonical(
      "nesting: 33 empty arrays",
      "The innermost of 33 nested arrays sits at depth 32 and holds nothing, so it is within the limit.",
      nested(33, undefined),
      nestedHex(33, undefined)
    ),
    // JSON values outside the model.
    unencodable("fraction", "1.5 is not an integer; the model has no floats.", 1.5),
    unencodable("2^53", "9007199254740992 is beyond the model's integers (at most 2^53 - 1).", 9007199254740992),
    unencodable("-2^53", "-9007199254740992 is beyond the model's integers (at least -(2^53 - 1)).", -9007199254740992),
    unencodable("fraction inside a map", "A float anywhere in a value makes it unencodable.", { a: [1, 0.5] }),
    unencodable("nesting too deep to encode", "An item at depth 33 is beyond the nesting limit.", nested(33, 0)),
    // Bytes strict decoding must refuse.
    reject("empty input", "No bytes are not a value.", ""),
    reject("non-shortest integer 0 in one byte", "0 must be encoded in the initial byte, not as 1800.", "1800"),
    reject("non-shortest integer 23 in one byte", "23 must be encoded in the initial byte, not as 1817.", "1817"),
    reject("non-shortest integer 255 in two bytes", "255 must use a one-byte argument, not two.", "1900ff"),
    reject("non-shortest integer 65535 in four bytes", "65535 must use a two-byte argument, not four.", "1a0000ffff"),
    reject("non-shortest integer in eight bytes", "4294967295 must use a four-byte argument, not eight.", "1b00000000ffffffff"),
    reject("non-shortest negative integer", "-24 must be encoded in the initial byte, not as 3817.", "3817"),
    reject("non-shortest negative integer in two bytes", "-256 must use a one-byte argument.", "3900ff"),
    reject("non-shortest byte string length", "An empty byte string must be 40, not 5800.", "5800"),
    reject("non-shortest text length", "A one-character text must have its length in the initial byte.", "780161"),
    reject("non-shortest array length", "A one-item array must have its length in the initial byte.", "980101"),
    reject("non-shortest map length", "A one-entry map must have its length in the initial byte.", "b801616101"),
    reject("unsorted map keys", "Keys must be sorted: \"b\" before \"a\" is refused.", "a2616201616101"),
    reject("map keys in lexicographic, not length-first, order", "\"aa\" before \"b\" is refused: keys sort by encoded bytes, so shorter keys come first.", "a262616101616202"),
    reject("duplicate map keys", "A key may appear once.", "a2616101616102"),
    reject("indefinite-length byte string", "Indefinite lengths are outside the model.", "5f41004101ff"),
    reject("indefinite-length text", "Indefinite lengths are outside the model.", "7f6161ff"),
    reject("indefinite-length array", "Indefinite lengths are outside the model.", "9f01ff"),
    reject("indefinite-length map", "Indefinite lengths are outside the model.", "bf616101ff"),
    reject("lone break", "A break code outside an indefinite-length item is not a value.", "ff"),
    reject("half float 1.0", "Floats are outside the model, even integral ones.", "f93c00"),
    reject("half float 0.0", "Floats are outside the model, even zero.", "f90000"),
    reject("half float -0.0", "Floats are outside the model.", "f98000"),
    reject("single float 100000.0", "Floats are outside the model.", "fa47c35000"),
    reject("double float 1.1", "Floats are outside the model.", "fb3ff199999999999a"),
    reject("NaN", "NaN is outside the model.", "f97e00"),
    reject("infinity", "Infinity is outside the model.", "f97c00"),
    reject("tag 0 (date text)", "Tags are outside the model.", "c074323031332d30332d32315432303a30343a30305a"),
    reject("tag 1 (epoch time)", "Tags are outside the model.", "c11a514b67b0"),
    reject("tag 2 (bignum)", "Tags are outside the model; so are integers beyond 2^53 - 1.", "c249010000000000000000"),
    reject("tag 24 (embedded CBOR)", "Tags are outside the model.", "d818456449455446"),
    reject("self-described CBOR tag", "Tag 55799 is outside the model too.", "d9d9f701"),
    reject("undefined", "undefined is outside the model.", "f7"),
    reject("simple value 16", "Simple values other than false, true and null are outside the model.", "f0"),
    reject("simple value 255", "Simple values other than false, true and null are outside the model.", "f8ff"),
    reject("reserved additional information 28", "Additional information 28 to 30 is reserved.", "1c"),
    reject("additional information 31 on an integer", "Integers have no indefinite form.", "1f"),
    reject("trailing bytes after an integer", "The input must be exactly one value.", "0000"),
    reject("trailing bytes after an array", "The input must be exactly one value.", "8000"),
    reject("trailing bytes after a map", "The input must be exactly one value.", "a0f6"),
    reject("truncated argument", "A head must have all its argument bytes.", "1901"),
    reject("truncated text", "A text string must have all the bytes its length says.", "6261"),
    reject("truncated array", "An array must have all its items.", "8201"),
    reject("truncated map", "A map must have a value for every key.", "a16161"),
    reject("length beyond the input", "A byte string claiming 4 GiB in a few bytes is refused.", "5affffffff00"),
    reject("invalid UTF-8: lone 0xff", "Text must be valid UTF-8.", "61ff"),
    reject("invalid UTF-8: lone continuation byte", "Text must be valid UTF-8.", "6180"),
    reject("invalid UTF-8: bad continuation", "Text must be valid UTF-8.", "62c328"),
    reject("invalid UTF-8: encoded surrogate", "UTF-8 must not encode surrogates (U+D800).", "63eda080"),
    reject("invalid UTF-8: overlong encoding", "UTF-8 must use the shortest form (0xc0 0xaf is an overlong '/').", "62c0af"),
    reject("invalid UTF-8: beyond U+10FFFF", "UTF-8 must not encode code points beyond U+10FFFF.", "64f4908080"),
    reject("integer map key", "Map keys must be text.", "a10102"),
    reject("byte-string map key", "Map keys must be text.", "a1410102"),
    reject("boolean map key", "Map keys must be text.", "a1f401"),
    reject("null map key", "Map keys must be text.", "a1f601"),
    reject("array map key", "Map keys must be text.", "a18001"),
    reject("integer 2^53", "Integers beyond 2^53 - 1 are outside the model.", "1b0020000000000000"),
    reject("integer 2^64 - 1", "Integers beyond 2^53 - 1 are outside the model.", "1bffffffffffffffff"),
    reject("integer -2^53", "Integers below -(2^53 - 1) are outside the model.", "3b001fffffffffffff"),
    reject("integer -2^64", "Integers below -(2^53 - 1) are outside the model.", "3bffffffffffffffff"),
    reject("nesting: 33 arrays around an integer", "An item at depth 33 (the top value being at depth 0) is beyond the nesting limit.", nestedHex(33, "00")),
    reject("nesting: 34 empty arrays", "The innermost of 34 nested arrays sits at depth 33, beyond the nesting limit.", nestedHex(34, undefined))
  ]
}

/** Check every CBOR vector against this SDK; throws on the first disagreement. */
const checkCbor = (vectors: ReadonlyArray<CborVector>): void => {
  for (const v of vectors) {
    const where = `cbor.json "${v.name}"`
    if (v.expectation === "canonical") {
      let encoded: string
      try {
        encoded = hex(Cbor.encode(toCbor(v.value)))
      } catch (e) {
        throw new Error(`${where}: the SDK refuses to encode it: ${String(e)}`)
      }
      if (encoded !== v.hex) throw new Error(`${where}: the SDK encodes ${encoded}, the vector says ${v.hex}`)
      const decoded = Cbor.decode(unhex(v.hex))
      if (!decoded.ok || !equal(fromCbor(decoded.value), v.value)) throw new Error(`${where}: the SDK does not decode it back`)
    } else if (v.expectation === "reject") {
      if (Cbor.decode(unhex(v.hex)).ok) throw new Error(`${where}: the SDK accepts it`)
    } else {
      let refused = false
      try {
        Cbor.encode(toCbor(v.value))
      } catch {
        refused = true
      }
      if (!refused) throw new Error(`${where}: the SDK encodes it`)
    }
  }
}

// --- events.json ----------------------------------------------------------------------------

/**
 * The fields of a header, in wire order, as raw CBOR values (overridable one by one): a
 * version 1 header, or a version 2 one when `payloadHash` and `payloadSize` are set.
 */
interface RawHeader {
  version: Cbor.Value
  community: Cbor.Value
  author: Cbor.Value
  seq: Cbor.Value
  prev: Cbor.Value
  parents: Cbor.Value
  time: Cbor.Value
  module: Cbor.Value
  type: Cbor.Value
  bodyHash: Cbor.Value
  bodySize: Cbor.Value
  payloadHash?: Cbor.Value
  payloadSize?: Cbor.Value
}

const rawArray = (h: RawHeader): Array<Cbor.Value> => [
  h.version,
  h.community,
  h.author,
  h.seq,
  h.prev,
  h.parents,
  h.time,
  h.module,
  h.type,
  h.bodyHash,
  h.bodySize,
  ...(h.payloadHash === undefined ? [] : [h.payloadHash]),
  ...(h.payloadSize === undefined ? [] : [h.payloadSize])
]

/** Envelope bytes from its three parts (canonical). */
const envelope = (header: Uint8Array, signature: Uint8Array, body: Uint8Array): Uint8Array =>
  Cbor.encodeTrusted([header, signature, body])

/** Wire bytes of header bytes and body bytes, signed by `key` over the header's id. */
const signedWire = (key: Key, header: Uint8Array, body: Uint8Array): Uint8Array =>
  envelope(header, sign(key.secret, Event.signingMessage(sha256(header))), body)

/** Wire bytes of header bytes, body bytes and a payload (any CBOR value as the fourth item), signed by `key` over the header's id. */
const signedWireWith = (key: Key, header: Uint8Array, body: Uint8Array, payload: Cbor.Value): Uint8Array =>
  Cbor.encodeTrusted([header, sign(key.secret, Event.signingMessage(sha256(header))), body, payload])

const eventVectors = async (): Promise<ReadonlyArray<EventVector>> => {
  const c = new Community(alice, [alice, bob], "Conformance")
  const g2 = new Community(bob, [alice, bob, carol], "Parameters", { timeWitnesses: 3, quorumPercent: 60 })
  const tick = c.tick(alice)
  const bobTick = c.tick(bob)
  const merge = c.tick(alice, { parents: [bobTick] })
  const apply = c.event(carol, "member.apply", { note: "Hello! I grow tomatoes." })
  const deviceAdd = c.event(alice, "device.add", c.deviceAdd(alice, phone))
  const foreign = c.event(alice, "plant", { seed: "tomato", rows: [1, 2, 3] }, { module: "garden" })
  const manyParents = Array.from({ length: 32 }, (_, i) => sha256(Bytes.utf8(`parent ${i}`))).sort(Bytes.compare)
  const thirtyTwo = signDraft(alice, {
    community: c.id,
    author: alice.publicKey,
    seq: 1,
    prev: null,
    parents: manyParents,
    time: T0 + 5000,
    module: "core",
    type: "tick",
    body: {}
  })
  const longNames = signDraft(bob, {
    community: c.id,
    author: bob.publicKey,
    seq: 7,
    prev: sha256(Bytes.utf8("somewhere")),
    parents: [],
    time: 0,
    module: `m${"0123456789-abcdefghij".repeat(2).slice(0, 31)}`,
    type: `t${"0123456789.-abcdefghij".repeat(3).slice(0, 63)}`,
    body: { note: "" }
  })
  const maxBody = signDraft(alice, {
    community: c.id,
    author: alice.publicKey,
    seq: 1,
    prev: null,
    parents: [c.genesis.id],
    time: T0 + 1000,
    module: "blob",
    type: "store",
    body: counting(Event.Limits.maxBodyBytes - 3)
  })

  // Version 2: events committing to a payload, as written and with the payload erased.
  const note = Bytes.utf8("Seed swap on Sunday at the allotment shed: bring labels and envelopes.")
  const payloadDraft = (payload: Uint8Array, seq: number): Event.Draft => ({
    community: c.id,
    author: carol.publicKey,
    seq,
    prev: seq === 1 ? null : sha256(Bytes.utf8(`carol ${seq - 1}`)),
    parents: seq === 1 ? [c.genesis.id] : [],
    time: T0 + 3000,
    module: "garden",
    type: "notice",
    body: { topic: "seed swap" },
    payload
  })
  const withPayload = signDraft(carol, payloadDraft(note, 1))
  const erasedForm = Event.decode(withPayload.stored)
  if (!erasedForm.ok || erasedForm.event.key !== withPayload.key) throw new Error("the erased form must decode to the same event")
  const maxPayload = signDraft(carol, payloadDraft(counting(Event.Limits.maxPayloadBytes), 2))
  const emptyPayload = signDraft(carol, payloadDraft(new Uint8Array(0), 3))

  const valid = (name: string, checks: string, e: Event.Event): EventVector => ({
    name,
    checks,
    expectation: "valid",
    hex: hex(e.bytes),
    id: e.key,
    header: headerJson(e.header),
    body: fromCbor(e.body)
  })
  const invalid = (name: string, checks: string, reason: string, bytes: Uint8Array): EventVector => ({
    name,
    checks,
    expectation: "invalid",
    hex: hex(bytes),
    reason
  })

  // A template header (alice's tick) to break one field at a time.
  const base: RawHeader = {
    version: 1,
    community: c.id,
    author: alice.publicKey,
    seq: 2,
    prev: c.genesis.id,
    parents: [],
    time: T0 + 1000,
    module: "core",
    type: "tick",
    bodyHash: sha256(Cbor.encode({})),
    bodySize: 1
  }
  const emptyBody = Cbor.encode({})
  /** Alice's tick with some header fields replaced, properly signed. */
  const broken = (fields: Partial<RawHeader>, body: Uint8Array = emptyBody): Uint8Array =>
    signedWire(alice, Cbor.encodeTrusted(rawArray({ ...base, ...fields })), body)
  /** Alice's tick with raw header bytes, properly signed. */
  const rawHeader = (header: Uint8Array, body: Uint8Array = emptyBody): Uint8Array => signedWire(alice, header, body)
  const baseHeader = Cbor.encodeTrusted(rawArray(base))
  const good = signedWire(alice, baseHeader, emptyBody)
  if (!Bytes.equals(good, tick.bytes)) throw new Error("the template header must be alice's tick")
  const sig = tick.signature

  /** An envelope of exactly `total` bytes whose header's bodySize matches its body. */
  const ofSize = (total: number): Uint8Array => {
    let bodyLength = total - 300
    for (;;) {
      const body = Cbor.encodeTrusted(new Uint8Array(bodyLength))
      const header = Cbor.encodeTrusted(rawArray({ ...base, bodyHash: sha256(body), bodySize: body.length }))
      const bytes = signedWire(alice, header, body)
      if (bytes.length === total) return bytes
      bodyLength += total - bytes.length
    }
  }

  /** A version 2 header (alice's tick's fields) committing to `payload`, with some fields replaced. */
  const v2Header = (payload: Uint8Array, fields: Partial<RawHeader> = {}, body: Uint8Array = emptyBody): Uint8Array =>
    Cbor.encodeTrusted(
      rawArray({ ...base, version: 2, bodyHash: sha256(body), bodySize: body.length, payloadHash: sha256(payload), payloadSize: payload.length, ...fields })
    )
  /** A four-item event whose bytes without the payload item number exactly `total`. */
  const withoutPayloadOfSize = (total: number): Uint8Array => {
    const payload = Bytes.utf8("p")
    let bodyLength = total - 300
    for (;;) {
      const body = Cbor.encodeTrusted(new Uint8Array(bodyLength))
      const bytes = signedWireWith(alice, v2Header(payload, {}, body), body, payload)
      const without = bytes.length - 2
      if (without === total) return bytes
      bodyLength += total - without
    }
  }
  const flippedPayload = withPayload.bytes.slice()
  flippedPayload[flippedPayload.length - 1] = flippedPayload[flippedPayload.length - 1]! ^ 1
  const tooLarge = counting(Event.Limits.maxPayloadBytes + 1)

  /** Splice `replacement` over `bytes` at `at`. */
  const splice = (bytes: Uint8Array, at: number, remove: number, replacement: Uint8Array): Uint8Array =>
    Bytes.concat(bytes.subarray(0, at), replacement, bytes.subarray(at + remove))

  const flipped = sig.slice()
  flipped[32] = flipped[32]! ^ 1
  const parents33 = Array.from({ length: 33 }, (_, i) => sha256(Bytes.utf8(`parent ${i}`))).sort(Bytes.compare)
  const [p1, p2] = [sha256(Bytes.utf8("p1")), sha256(Bytes.utf8("p2"))].sort(Bytes.compare) as [Uint8Array, Uint8Array]
  const nonCanonicalBody = unhex("b800")
  const floatBody = unhex("a16174f93c00")
  const timeAsFloat = new DataView(new ArrayBuffer(8))
  timeAsFloat.setFloat64(0, T0 + 1000)
  const seqInTwoBytes = (() => {
    // The header with seq 2 written as 1802 instead of 02.
    const h = hex(baseHeader)
    const seqAt = h.indexOf(`5820${hex(alice.publicKey)}`) + 4 + 64
    if (h.slice(seqAt, seqAt + 2) !== "02") throw new Error("seq is not where expected")
    return unhex(`${h.slice(0, seqAt)}1802${h.slice(seqAt + 2)}`)
  })()

  const vectors: Array<EventVector> = [
    valid("genesis", "A genesis: no community, seq 1, no prev, no parents; founders and name in the body.", c.genesis),
    valid("genesis with parameters", "A genesis with community parameters in its body.", g2.genesis),
    valid("first event after the genesis", "The genesis author's second event: seq 2, prev is the genesis.", tick),
    valid("first event of a second founder", "A chain's first event (seq 1, no prev) names the genesis as a parent.", bobTick),
    valid("event with prev and a parent", "An event naming both its chain's previous event and another author's event.", merge),
    valid("member.apply", "A text body.", apply),
    valid("device.add", "A body with byte strings: the new device key and its consent signature.", deviceAdd),
    valid("event of another module", "Module and type are not judged by decoding: any well-formed names pass.", foreign),
    valid("32 parents", "32 parents, strictly ascending, is the most allowed.", thirtyTwo),
    valid(
      "longest names, time 0",
      "A 32-character module name, a 64-character type name, time 0 and a prev that names an unknown event are structurally valid.",
      longNames
    ),
    valid("body of 65,536 bytes", "A body of exactly the limit (65,536 bytes) is valid.", maxBody),
    valid(
      "event with a payload",
      "A version 2 event: its header commits to the payload by payloadHash and payloadSize, and the payload is the envelope's fourth item.",
      withPayload
    ),
    valid(
      "the same event, its payload erased",
      "The event above with its payload left out (an envelope of three items): the same id, the same signature, still valid.",
      erasedForm.event
    ),
    valid("payload of 131,072 bytes", "A payload of exactly the limit (131,072 bytes) is valid.", maxPayload),
    valid("empty payload", "A version 2 event may commit to a payload of no bytes.", emptyPayload),

    invalid("event of 70,001 bytes", "A well-formed envelope of 70,001 bytes is Oversize.", "Oversize", ofSize(70_001)),
    invalid(
      "event of exactly 70,000 bytes",
      "70,000 bytes is not Oversize: this one is refused later, for a bodySize above 65,536.",
      "MalformedHeader",
      ofSize(70_000)
    ),
    invalid(
      "payload of 131,073 bytes",
      "A payload one byte over the limit (131,072 bytes) is Oversize, its header committing to it truthfully.",
      "Oversize",
      signedWireWith(alice, v2Header(tooLarge), emptyBody, tooLarge)
    ),
    invalid(
      "event of 70,001 bytes without its payload",
      "An event with a payload whose bytes without the payload item number 70,001 is Oversize.",
      "Oversize",
      withoutPayloadOfSize(70_001)
    ),
    invalid("empty input", "No bytes are not canonical CBOR.", "NotCanonical", new Uint8Array(0)),
    invalid("envelope with a non-shortest length", "The envelope array's length is written 9803.", "NotCanonical", splice(good, 0, 1, unhex("9803"))),
    invalid("envelope with trailing bytes", "Bytes after the envelope make it non-canonical.", "NotCanonical", Bytes.concat(good, unhex("00"))),
    invalid(
      "envelope of indefinite length",
      "The envelope written as an indefinite-length array.",
      "NotCanonical",
      Bytes.concat(unhex("9f"), good.subarray(1), unhex("ff"))
    ),
    invalid("truncated envelope", "An envelope missing its last byte.", "NotCanonical", good.subarray(0, good.length - 1)),
    invalid("header bytes not canonical", "seq written as 1802 inside the header bytes.", "NotCanonical", rawHeader(seqInTwoBytes)),
    invalid("header bytes with trailing bytes", "A byte after the header array.", "NotCanonical", rawHeader(Bytes.concat(baseHeader, unhex("00")))),
    invalid("header bytes with a float", "time written as a float.", "NotCanonical", rawHeader(unhex(hex(baseHeader).replace(hex(Cbor.encode(T0 + 1000)), `fb${hex(new Uint8Array(timeAsFloat.buffer))}`)))),
    invalid("empty header bytes", "An empty header is not a CBOR value.", "NotCanonical", rawHeader(new Uint8Array(0))),
    invalid("envelope is an integer", "An event is an array, not a number.", "MalformedEnvelope", unhex("00")),
    invalid("envelope is a map", "An event is an array, not a map.", "MalformedEnvelope", Cbor.encode({ header: baseHeader, signature: sig, body: emptyBody })),
    invalid("envelope of two items", "An event has exactly three items.", "MalformedEnvelope", Cbor.encodeTrusted([baseHeader, sig])),
    invalid("envelope of five items", "An event has three items, or four with a payload.", "MalformedEnvelope", Cbor.encodeTrusted([baseHeader, sig, emptyBody, emptyBody, emptyBody])),
    invalid(
      "envelope of four items",
      "Only a version 2 event carries a fourth item (its payload); this header is version 1.",
      "MalformedEnvelope",
      Cbor.encodeTrusted([baseHeader, sig, emptyBody, emptyBody])
    ),
    invalid(
      "payload null",
      "An erased payload is left out of the envelope, not written as null.",
      "MalformedEnvelope",
      Cbor.encodeTrusted([withPayload.headerBytes, withPayload.signature, withPayload.bodyBytes, null])
    ),
    invalid(
      "payload as text",
      "The payload is carried as a byte string.",
      "MalformedEnvelope",
      Cbor.encodeTrusted([withPayload.headerBytes, withPayload.signature, withPayload.bodyBytes, "Seed swap on Sunday"])
    ),
    invalid("signature of 63 bytes", "The signature must be exactly 64 bytes.", "MalformedEnvelope", envelope(baseHeader, sig.subarray(0, 63), emptyBody)),
    invalid("signature of 65 bytes", "The signature must be exactly 64 bytes.", "MalformedEnvelope", envelope(baseHeader, Bytes.concat(sig, unhex("00")), emptyBody)),
    invalid("header as an array, not bytes", "The header is carried as a byte string, not inline.", "MalformedEnvelope", Cbor.encodeTrusted([rawArray(base), sig, emptyBody])),
    invalid("body as a map, not bytes", "The body is carried as a byte string, not inline.", "MalformedEnvelope", Cbor.encodeTrusted([baseHeader, sig, {}])),
    invalid("header is a map", "The header is an array.", "MalformedHeader", rawHeader(Cbor.encode({ version: 1 }))),
    invalid("header is an empty array", "The header's first item is its version.", "MalformedHeader", rawHeader(Cbor.encode([]))),
    invalid("header is an integer", "The header is an array.", "MalformedHeader", rawHeader(Cbor.encode(1))),
    invalid("version 3", "Only versions 1 and 2 are read.", "UnknownVersion", broken({ version: 3 })),
    invalid("version 0", "Only versions 1 and 2 are read.", "UnknownVersion", broken({ version: 0 })),
    invalid("version 3 with one field", "The version is judged before the header's length.", "UnknownVersion", rawHeader(Cbor.encode([3]))),
    invalid("version as text", "The version is an integer; the text \"1\" is an unknown version.", "UnknownVersion", broken({ version: "1" })),
    invalid("header of 10 fields", "A version 1 header has exactly 11 fields.", "MalformedHeader", rawHeader(Cbor.encodeTrusted(rawArray(base).slice(0, 10)))),
    invalid("header of 12 fields", "A version 1 header has exactly 11 fields.", "MalformedHeader", rawHeader(Cbor.encodeTrusted([...rawArray(base), 0]))),
    invalid("version 2 header of 11 fields", "A version 2 header has exactly 13 fields.", "MalformedHeader", broken({ version: 2 })),
    invalid(
      "payloadHash of 31 bytes",
      "payloadHash is 32 bytes.",
      "MalformedHeader",
      rawHeader(v2Header(note, { payloadHash: sha256(note).subarray(0, 31) }))
    ),
    invalid(
      "payloadSize over the limit",
      "A header committing to a payload of 131,073 bytes is refused, even with the payload left out.",
      "MalformedHeader",
      rawHeader(v2Header(note, { payloadSize: Event.Limits.maxPayloadBytes + 1 }))
    ),
    invalid("author of 31 bytes", "The author is a 32-byte key.", "MalformedHeader", broken({ author: alice.publicKey.subarray(0, 31) })),
    invalid("author null", "The author is a 32-byte key.", "MalformedHeader", broken({ author: null })),
    invalid("seq 0", "Sequence numbers start at 1.", "MalformedHeader", broken({ seq: 0 })),
    invalid("negative time", "Time is a non-negative integer.", "MalformedHeader", broken({ time: -1 })),
    invalid("module with upper case", "Module names match [a-z][a-z0-9-]{0,31}.", "MalformedHeader", broken({ module: "Core" })),
    invalid("module of 33 characters", "Module names are at most 32 characters.", "MalformedHeader", broken({ module: `m${"a".repeat(32)}` })),
    invalid("empty module", "Module names are at least one character.", "MalformedHeader", broken({ module: "" })),
    invalid("module starting with a digit", "Module names start with a letter.", "MalformedHeader", broken({ module: "1core" })),
    invalid("type with upper case", "Type names match [a-z][a-z0-9.-]{0,63}.", "MalformedHeader", broken({ type: "Tick" })),
    invalid("type of 65 characters", "Type names are at most 64 characters.", "MalformedHeader", broken({ type: `t${"a".repeat(64)}` })),
    invalid("type with a slash", "Type names have no slash.", "MalformedHeader", broken({ type: "core/tick" })),
    invalid("bodyHash of 31 bytes", "bodyHash is 32 bytes.", "MalformedHeader", broken({ bodyHash: sha256(emptyBody).subarray(0, 31) })),
    invalid(
      "bodySize over the limit",
      "A header announcing a body of 65,537 bytes is refused before the body is looked at.",
      "MalformedHeader",
      broken({ bodySize: Event.Limits.maxBodyBytes + 1 })
    ),
    invalid("parents not an array", "parents is an array of ids.", "MalformedHeader", broken({ parents: p1 })),
    invalid("parents unsorted", "Parents are strictly ascending.", "MalformedHeader", broken({ parents: [p2, p1] })),
    invalid("parents repeated", "Parents are strictly ascending, so never repeated.", "MalformedHeader", broken({ parents: [p1, p1] })),
    invalid("parent of 31 bytes", "Every parent is a 32-byte id.", "MalformedHeader", broken({ parents: [p1.subarray(0, 31)] })),
    invalid("33 parents", "At most 32 parents.", "MalformedHeader", broken({ parents: parents33 })),
    invalid("parents repeat prev", "prev is not repeated among the parents.", "MalformedHeader", broken({ parents: [c.genesis.id] })),
    invalid("seq 1 with a prev", "prev is null exactly when seq is 1.", "MalformedHeader", broken({ seq: 1, parents: [p1] })),
    invalid("seq 2 without a prev", "prev is a 32-byte id when seq is above 1.", "MalformedHeader", broken({ prev: null, parents: [c.genesis.id] })),
    invalid(
      "genesis with a community",
      "A genesis has no community id.",
      "MalformedHeader",
      broken({ type: "genesis", seq: 1, prev: null, bodyHash: sha256(emptyBody) })
    ),
    invalid(
      "genesis with a parent",
      "A genesis has no parents.",
      "MalformedHeader",
      broken({ type: "genesis", community: null, seq: 1, prev: null, parents: [p1] })
    ),
    invalid("genesis with seq 2", "A genesis starts its author's chain.", "MalformedHeader", broken({ type: "genesis", community: null })),
    invalid("event without a community", "Every event but a genesis names its community.", "MalformedHeader", broken({ community: null })),
    invalid("community of 31 bytes", "The community id is 32 bytes.", "MalformedHeader", broken({ community: c.id.subarray(0, 31) })),
    invalid("first event without parents", "Every event but a genesis has a prev or a parent.", "MalformedHeader", broken({ seq: 1, prev: null })),
    invalid("bodySize too large", "The body is shorter than bodySize says.", "BodyMismatch", broken({ bodySize: 2 })),
    invalid("bodySize too small", "The body is longer than bodySize says.", "BodyMismatch", broken({ bodySize: 0 })),
    invalid("bodyHash of other bytes", "SHA-256 of the body differs from bodyHash.", "BodyMismatch", broken({ bodyHash: sha256(unhex("a1616100")) })),
    invalid(
      "body not canonical",
      "The body matches its hash and size but is not canonical CBOR (a map length written b800).",
      "MalformedBody",
      broken({ bodyHash: sha256(nonCanonicalBody), bodySize: nonCanonicalBody.length }, nonCanonicalBody)
    ),
    invalid(
      "body with a float",
      "The body matches its hash and size but holds a float.",
      "MalformedBody",
      broken({ bodyHash: sha256(floatBody), bodySize: floatBody.length }, floatBody)
    ),
    invalid("empty body", "An empty body (size 0, its hash right) is not a CBOR value.", "MalformedBody", broken({ bodyHash: sha256(new Uint8Array(0)), bodySize: 0 }, new Uint8Array(0))),
    invalid(
      "payload not matching its hash",
      "One bit of the payload flipped: its SHA-256 is not the header's payloadHash (the id and signature still verify).",
      "PayloadMismatch",
      flippedPayload
    ),
    invalid(
      "payload shorter than payloadSize",
      "The payload is one byte shorter than the header commits to.",
      "PayloadMismatch",
      Cbor.encodeTrusted([withPayload.headerBytes, withPayload.signature, withPayload.bodyBytes, note.subarray(0, note.length - 1)])
    ),
    invalid("signature with a flipped bit", "One bit of S flipped.", "BadSignature", envelope(baseHeader, flipped, emptyBody)),
    invalid(
      "erased event signed by another key",
      "With its payload left out an event is checked like any other: bob's signature over carol's event does not verify.",
      "BadSignature",
      envelope(withPayload.headerBytes, sign(bob.secret, Event.signingMessage(withPayload.id)), withPayload.bodyBytes)
    ),
    invalid("signature by another key", "Bob signed alice's event.", "BadSignature", envelope(baseHeader, sign(bob.secret, Event.signingMessage(tick.id)), emptyBody)),
    invalid("signature without the domain", "The signature covers the id alone, not \"affinity/event/v1\\0\" || id.", "BadSignature", envelope(baseHeader, sign(alice.secret, tick.id), emptyBody)),
    invalid("signature over the header bytes", "The signature covers the header bytes instead of the domain and id.", "BadSignature", envelope(baseHeader, sign(alice.secret, baseHeader), emptyBody)),
    invalid("signature of another event", "A valid signature of alice's genesis does not sign her tick.", "BadSignature", envelope(baseHeader, c.genesis.signature, emptyBody)),
    invalid("zero signature", "64 zero bytes: R is a point of small order.", "BadSignature", envelope(baseHeader, new Uint8Array(64), emptyBody)),
    invalid(
      "author key of small order",
      "An author key of small order (y = 1) verifies nothing.",
      "BadSignature",
      envelope(Cbor.encodeTrusted(rawArray({ ...base, author: unhex(`01${"00".repeat(31)}`) })), sig, emptyBody)
    )
  ]

  for (const v of vectors) {
    const r = await ours.decodeEvent(v.hex)
    const where = `events.json "${v.name}"`
    if (v.expectation === "valid") {
      if (!r.ok) throw new Error(`${where}: the SDK refuses it with ${r.reason}`)
      if (!equal({ id: r.id, header: r.header, body: r.body }, { id: v.id, header: v.header, body: v.body }))
        throw new Error(`${where}: the SDK decodes it differently`)
    } else if (r.ok || r.reason !== v.reason)
      throw new Error(`${where}: the SDK says ${r.ok ? "valid" : r.reason}, the vector says ${v.reason}`)
  }
  return vectors
}

// --- scenarios.json -------------------------------------------------------------------------

/** One input of a scenario definition: an event (or raw bytes) and the verdict it must get. */
interface Step {
  readonly label: string
  readonly bytes: Uint8Array
  readonly verdict: VerdictJson
}

const valid = "Valid" as const
const pending = "Pending" as const
const duplicate = "Duplicate" as const

/** A step feeding `event` (or raw bytes) with the verdict it must get. */
const step = (label: string, input: Event.Event | Uint8Array, verdict: VerdictJson["tag"] | readonly ["Invalid", string]): Step => ({
  label,
  bytes: input instanceof Uint8Array ? input : input.bytes,
  verdict: typeof verdict === "string" ? { tag: verdict } : { tag: "Invalid", reason: verdict[1] }
})

/** Expected outcomes: `Applied`, or `Rejected` with a reason tag. */
const applied = (...events: ReadonlyArray<Event.Event>): ReadonlyArray<readonly [Event.Event, OutcomeJson]> =>
  events.map((e) => [e, { tag: "Applied" }] as const)
const rejected = (reason: string, ...events: ReadonlyArray<Event.Event>): ReadonlyArray<readonly [Event.Event, OutcomeJson]> =>
  events.map((e) => [e, { tag: "Rejected", reason }] as const)

interface ScenarioDef {
  readonly name: string
  readonly checks: string
  readonly community: Community
  readonly steps: ReadonlyArray<Step>
  /** The outcome of every delivered event but the genesis (which is always `Applied`). */
  readonly outcomes: ReadonlyArray<readonly [Event.Event, OutcomeJson]>
  /** Name of an earlier scenario over the same events whose state hash this one must reach. */
  readonly sameStateAs?: string
}

const scenarioDefs = (): ReadonlyArray<ScenarioDef> => {
  const c = new Community(alice, [alice, bob], "Conformance")
  const defs: Array<ScenarioDef> = []
  const add = (def: ScenarioDef) => defs.push(def)

  // Founders ticking, in three orders.
  {
    const a1 = c.tick(alice)
    const b1 = c.tick(bob)
    const a2 = c.tick(alice, { parents: [b1] })
    const b2 = c.tick(bob, { parents: [a2] })
    const outcomes = applied(a1, b1, a2, b2)
    add({
      name: "founders tick",
      checks: "Two founders' ticks, delivered in causal order, are all valid and applied.",
      community: c,
      steps: [step("alice tick 1", a1, valid), step("bob tick 1", b1, valid), step("alice tick 2", a2, valid), step("bob tick 2", b2, valid)],
      outcomes
    })
    add({
      name: "founders tick, reversed",
      checks: "The same ticks in reverse order wait for their parents and reach the same state.",
      community: c,
      steps: [step("bob tick 2", b2, pending), step("alice tick 2", a2, pending), step("bob tick 1", b1, valid), step("alice tick 1", a1, valid)],
      outcomes,
      sameStateAs: "founders tick"
    })
    add({
      name: "founders tick, shuffled",
      checks: "The same ticks in another order reach the same state.",
      community: c,
      steps: [step("alice tick 2", a2, pending), step("bob tick 2", b2, pending), step("alice tick 1", a1, valid), step("bob tick 1", b1, valid)],
      outcomes,
      sameStateAs: "founders tick"
    })
  }

  // An applicant.
  const c1 = c.event(carol, "member.apply", { note: "Hello! I grow tomatoes." })
  {
    const c2 = c.tick(carol)
    const c3 = c.event(carol, "member.apply", { note: "Again." })
    add({
      name: "applicant applies",
      checks:
        "An unknown key's member.apply makes it an applicant; an applicant's tick is refused (NotAFullMember); applying twice is refused (AlreadyKnown).",
      community: c,
      steps: [step("carol applies", c1, valid), step("carol ticks", c2, valid), step("carol applies again", c3, valid)],
      outcomes: [...applied(c1), ...rejected("NotAFullMember", c2), ...rejected("AlreadyKnown", c3)]
    })
  }

  // A direct admission.
  {
    const admit = c.event(alice, "member.admit", { identity: carol.publicKey }, { prev: c.genesis, parents: [c1] })
    add({
      name: "direct admission needs a decision",
      checks: "A founder's member.admit signed directly is refused (NeedsDecision): admitting takes a community decision.",
      community: c,
      steps: [step("carol applies", c1, valid), step("alice admits carol directly", admit, valid)],
      outcomes: [...applied(c1), ...rejected("NeedsDecision", admit)]
    })
  }

  // An unknown author.
  {
    const d1 = c.tick(dave)
    const onTop = c.tick(alice, { prev: c.genesis, parents: [d1] })
    add({
      name: "unknown author",
      checks: "A key of no identity is a valid event but has no effect (UnknownAuthor); building on it is fine.",
      community: c,
      steps: [step("dave ticks", d1, valid), step("alice ticks after dave", onTop, valid)],
      outcomes: [...rejected("UnknownAuthor", d1), ...applied(onTop)]
    })
  }

  // Device added, used, revoked; a concurrent event of the revoked device.
  {
    const addPhone = c.event(alice, "device.add", c.deviceAdd(alice, phone), { prev: c.genesis })
    const p1 = c.tick(phone, { parents: [addPhone] })
    const revoke = c.event(alice, "device.revoke", { device: phone.publicKey }, { prev: addPhone, parents: [p1] })
    const p2 = c.tick(phone, { prev: p1 })
    const after = c.tick(alice, { prev: revoke, parents: [p2] })
    const p3 = c.tick(phone, { prev: p2, parents: [revoke] })
    const outcomes = [...applied(addPhone, p1, revoke, after), ...rejected("DeviceRevoked", p2, p3)]
    add({
      name: "device revoked",
      checks:
        "A device's events before its revocation count; one concurrent with the revocation and one after it do not (DeviceRevoked).",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("phone ticks", p1, valid),
        step("alice revokes her phone", revoke, valid),
        step("phone ticks, not seeing the revocation", p2, valid),
        step("alice ticks", after, valid),
        step("phone ticks after the revocation", p3, valid)
      ],
      outcomes
    })
    add({
      name: "device revoked, revocation arrives late",
      checks: "The concurrent event first counts, then stops counting when the revocation arrives; the state is the same.",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("phone ticks", p1, valid),
        step("phone ticks, not seeing the revocation", p2, valid),
        step("alice revokes her phone", revoke, valid),
        step("phone ticks after the revocation", p3, valid),
        step("alice ticks", after, valid)
      ],
      outcomes,
      sameStateAs: "device revoked"
    })
    add({
      name: "device revoked, reversed",
      checks: "Every event arrives before its parents; all wait, then the same state is reached.",
      community: c,
      steps: [
        step("phone ticks after the revocation", p3, pending),
        step("alice ticks", after, pending),
        step("phone ticks, not seeing the revocation", p2, pending),
        step("alice revokes her phone", revoke, pending),
        step("phone ticks", p1, pending),
        step("alice adds her phone", addPhone, valid)
      ],
      outcomes,
      sameStateAs: "device revoked"
    })
  }

  // A member leaves.
  {
    const leave = c.event(bob, "member.leave", { note: "Moving away." }, { prev: null })
    const after = c.tick(bob, { prev: leave })
    const a = c.tick(alice, { prev: c.genesis, parents: [after] })
    add({
      name: "member leaves",
      checks: "A founder leaves; their later event does not count (MemberLeft); others go on.",
      community: c,
      steps: [step("bob leaves", leave, valid), step("bob ticks after leaving", after, valid), step("alice ticks", a, valid)],
      outcomes: [...applied(leave, a), ...rejected("MemberLeft", after)]
    })
  }

  // Equivocation.
  {
    const e1 = c.tick(alice, { prev: c.genesis, time: T0 + 1000 })
    const e2 = c.tick(alice, { prev: c.genesis, time: T0 + 2000 })
    const e3 = c.tick(alice, { prev: e1 })
    const b1 = c.tick(bob, { prev: null })
    const b2 = c.tick(bob, { prev: b1, parents: [e1] })
    const outcomes = [...rejected("Equivocated", e1, e2, e3), ...applied(b1, b2)]
    add({
      name: "equivocation",
      checks:
        "Alice signs two events with sequence number 2: both are valid in the log, but from there on her events do not count (Equivocated), including one applied before the fork was known.",
      community: c,
      steps: [
        step("alice tick, seq 2", e1, valid),
        step("bob tick", b1, valid),
        step("bob tick on alice's", b2, valid),
        step("alice's other tick, seq 2", e2, valid),
        step("alice tick, seq 3", e3, valid)
      ],
      outcomes
    })
    add({
      name: "equivocation, shuffled",
      checks: "The same events in another order reach the same state.",
      community: c,
      steps: [
        step("alice's other tick, seq 2", e2, valid),
        step("alice tick, seq 3", e3, pending),
        step("bob tick on alice's", b2, pending),
        step("bob tick", b1, valid),
        step("alice tick, seq 2", e1, valid)
      ],
      outcomes,
      sameStateAs: "equivocation"
    })
    const proof = c.event(bob, "equivocation", { a: e1.bytes, b: e2.bytes }, { prev: null, parents: [e1] })
    add({
      name: "equivocation proof",
      checks:
        "A member's core/equivocation carries both forked events; the one not yet delivered is taken from the proof, and the proof is applied (the state records the fork).",
      community: c,
      steps: [step("alice tick, seq 2", e1, valid), step("bob's proof of alice's fork", proof, valid)],
      outcomes: [...rejected("Equivocated", e1, e2), ...applied(proof)]
    })
  }

  // A revoked or forked key cannot mint a successor (§5).
  {
    const addPhone = c.event(alice, "device.add", c.deviceAdd(alice, phone), { prev: c.genesis })
    const p1 = c.tick(phone, { prev: null, parents: [addPhone] })
    const revoke = c.event(alice, "device.revoke", { device: phone.publicKey }, { prev: addPhone, parents: [p1] })
    const mint = c.event(phone, "device.add", c.deviceAdd(phone, dave), { prev: p1 })
    const d1 = c.tick(dave, { prev: null, parents: [mint] })
    const revokeDave = c.event(alice, "device.revoke", { device: dave.publicKey }, { prev: revoke, parents: [d1] })
    const after = c.tick(alice, { prev: revokeDave })
    const outcomes = [
      ...applied(addPhone, p1, revoke, after),
      ...rejected("DeviceRevoked", mint),
      ...rejected("DeviceNotAdded", d1),
      ...rejected("NotYourDevice", revokeDave)
    ]
    add({
      name: "revoked key mints a successor",
      checks:
        "Alice's phone, concurrently with its revocation, adds dave's key: the device.add does not count (DeviceRevoked), so dave's key was never added and its events do not count (DeviceNotAdded); revoking it is refused (NotYourDevice) and nothing is recorded; dave is in no identity's devices.",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("phone ticks", p1, valid),
        step("alice revokes her phone", revoke, valid),
        step("phone adds dave's key, not seeing the revocation", mint, valid),
        step("dave's key ticks", d1, valid),
        step("alice revokes dave's key", revokeDave, valid),
        step("alice ticks", after, valid)
      ],
      outcomes
    })
    add({
      name: "revoked key mints a successor, revocation arrives last",
      checks:
        "The phone's device.add and dave's tick first count, then stop counting when the revocation arrives (the fold judges them again); the outcomes and the state are the same.",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("phone ticks", p1, valid),
        step("phone adds dave's key, not seeing the revocation", mint, valid),
        step("dave's key ticks", d1, valid),
        step("alice revokes dave's key", revokeDave, pending),
        step("alice ticks", after, pending),
        step("alice revokes her phone", revoke, valid)
      ],
      outcomes,
      sameStateAs: "revoked key mints a successor"
    })
    const other = c.tick(phone, { prev: p1, time: mint.header.time + 1 })
    const forked = [...applied(addPhone, p1), ...rejected("Equivocated", mint, other), ...rejected("DeviceNotAdded", d1)]
    add({
      name: "forked key mints a successor",
      checks:
        "Alice's phone signs two events with sequence number 2, one of them adding dave's key: both are Equivocated, so the addition never took effect and dave's key does not count (DeviceNotAdded).",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("phone ticks", p1, valid),
        step("phone adds dave's key, seq 2", mint, valid),
        step("dave's key ticks", d1, valid),
        step("phone's other event with seq 2", other, valid)
      ],
      outcomes: forked
    })
    add({
      name: "forked key mints a successor, fork first",
      checks: "The same events with the fork known before the addition reach the same state.",
      community: c,
      steps: [
        step("dave's key ticks", d1, pending),
        step("phone's other event with seq 2", other, pending),
        step("phone adds dave's key, seq 2", mint, pending),
        step("phone ticks", p1, pending),
        step("alice adds her phone", addPhone, valid)
      ],
      outcomes: forked,
      sameStateAs: "forked key mints a successor"
    })
  }

  // The state lists exactly the keys that act (§9).
  {
    const addPhone = c.event(alice, "device.add", c.deviceAdd(alice, phone), { prev: c.genesis })
    const byAlice = c.event(alice, "device.revoke", { device: phone.publicKey }, { prev: addPhone })
    const byPhone = c.event(phone, "device.revoke", { device: alice.publicKey }, { prev: null, parents: [addPhone] })
    const later = c.tick(alice, { prev: byAlice, parents: [byPhone] })
    const mutual = [...applied(addPhone, byAlice, byPhone), ...rejected("DeviceRevoked", later)]
    add({
      name: "devices revoke each other",
      checks:
        "Alice and her phone revoke each other concurrently: both revocations count and both apply (a revocation only takes power away, so it applies even though its signer was revoked concurrently); neither key is in devices any more, alice's revoked lists both, and her later tick does not count (DeviceRevoked).",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("alice revokes her phone", byAlice, valid),
        step("the phone revokes alice's key, not seeing that", byPhone, valid),
        step("alice ticks after both", later, valid)
      ],
      outcomes: mutual
    })
    add({
      name: "devices revoke each other, other order",
      checks: "The same events, the phone's revocation first: the same outcomes and state.",
      community: c,
      steps: [
        step("the phone revokes alice's key", byPhone, pending),
        step("alice ticks after both", later, pending),
        step("alice adds her phone", addPhone, valid),
        step("alice revokes her phone", byAlice, valid)
      ],
      outcomes: mutual,
      sameStateAs: "devices revoke each other"
    })

    const leaveA = c.event(alice, "member.leave", { note: "Bye." }, { prev: addPhone })
    const leaveP = c.event(phone, "member.leave", { note: "Bye from the phone." }, { prev: null, parents: [addPhone] })
    add({
      name: "concurrent departures",
      checks:
        "Alice and her phone each sign a departure, concurrently: both count and both apply (the second changes nothing); alice has left once, and none of her keys is in devices.",
      community: c,
      steps: [step("alice adds her phone", addPhone, valid), step("alice leaves", leaveA, valid), step("her phone leaves too", leaveP, valid)],
      outcomes: applied(addPhone, leaveA, leaveP)
    })

    const revoke = c.event(alice, "device.revoke", { device: phone.publicKey }, { prev: addPhone })
    const again = c.event(bob, "device.add", c.deviceAdd(bob, phone), { prev: null, parents: [revoke] })
    const p1 = c.tick(phone, { prev: null, parents: [again] })
    add({
      name: "revoked key added again",
      checks:
        "Bob adds the key alice revoked: its counting addition is alice's, so bob's is refused (DeviceKnown) and the key acts for no one (DeviceRevoked); it is in no identity's devices.",
      community: c,
      steps: [
        step("alice adds her phone", addPhone, valid),
        step("alice revokes her phone", revoke, valid),
        step("bob adds the phone's key", again, valid),
        step("the phone ticks", p1, valid)
      ],
      outcomes: [...applied(addPhone, revoke), ...rejected("DeviceKnown", again), ...rejected("DeviceRevoked", p1)]
    })

    const addLaptop = c.event(alice, "device.add", c.deviceAdd(alice, laptop), { prev: c.genesis })
    const lt = c.tick(laptop, { prev: null, parents: [addLaptop] })
    const unseen = c.event(laptop, "device.revoke", { device: phone.publicKey }, { prev: lt })
    const addLater = c.event(alice, "device.add", c.deviceAdd(alice, phone), { prev: addLaptop })
    const pt = c.tick(phone, { prev: null, parents: [addLater, unseen] })
    add({
      name: "revocation that had not seen the addition",
      checks:
        "Alice's laptop revokes her phone's key without the phone's addition in its causal past; the addition comes first in fold order (depth 3, the revocation depth 4), but the revocation counts for nothing (NotYourDevice), and the phone goes on acting for alice.",
      community: c,
      steps: [
        step("alice adds her laptop", addLaptop, valid),
        step("the laptop ticks", lt, valid),
        step("the laptop revokes the phone's key, not seeing its addition", unseen, valid),
        step("alice adds her phone", addLater, valid),
        step("the phone ticks, seeing both", pt, valid)
      ],
      outcomes: [...applied(addLaptop, lt, addLater, pt), ...rejected("NotYourDevice", unseen)]
    })
  }

  // A proof of another community's fork.
  {
    const elsewhere = new Community(eve, [eve], "Elsewhere")
    const x = elsewhere.tick(eve, { prev: elsewhere.genesis, time: T0 + 1000 })
    const y = elsewhere.tick(eve, { prev: elsewhere.genesis, time: T0 + 2000 })
    const proof = c.event(bob, "equivocation", { a: x.bytes, b: y.bytes }, { prev: null, parents: [c.genesis] })
    add({
      name: "equivocation proof about another community",
      checks:
        "A core/equivocation whose two events are a fork in another community proves nothing here: it is delivered and rejected (ForeignProof), its events are not offered to this log, and the state records no fork (the state is the genesis state).",
      community: c,
      steps: [step("bob's proof of eve's fork elsewhere", proof, valid)],
      outcomes: rejected("ForeignProof", proof)
    })
  }

  // Time going backwards.
  {
    const early = c.tick(alice, { prev: c.genesis, time: T0 - 1 })
    const b1 = c.tick(bob, { prev: null, time: T0 + 1000 })
    const back = c.tick(bob, { prev: b1, time: T0 + 999 })
    const same = c.tick(bob, { prev: b1, time: T0 + 1000 })
    add({
      name: "time went backwards",
      checks:
        "An event claiming a time before its parents' is invalid (TimeWentBackwards), and so never counts as a fork; the same time as a parent is fine.",
      community: c,
      steps: [
        step("alice tick before the genesis time", early, ["Invalid", "TimeWentBackwards"]),
        step("bob tick", b1, valid),
        step("bob tick 1 ms before his previous", back, ["Invalid", "TimeWentBackwards"]),
        step("bob tick at the same time as his previous", same, valid)
      ],
      outcomes: applied(b1, same)
    })
  }

  // Broken backlinks.
  {
    const b1 = c.tick(bob, { prev: null })
    const wrongAuthor = c.tick(alice, { prev: b1, seq: 2 })
    const wrongSeq = c.tick(alice, { prev: c.genesis, seq: 3 })
    const a1 = c.tick(alice, { prev: c.genesis })
    const onWrong = c.tick(alice, { prev: wrongAuthor })
    add({
      name: "broken backlink",
      checks: "prev must be the author's own event with the previous sequence number (BrokenBacklink).",
      community: c,
      steps: [
        step("bob tick", b1, valid),
        step("alice tick whose prev is bob's", wrongAuthor, ["Invalid", "BrokenBacklink"]),
        step("alice tick with seq 3 after her seq 1", wrongSeq, ["Invalid", "BrokenBacklink"]),
        step("alice tick", a1, valid)
      ],
      outcomes: applied(b1, a1)
    })
    add({
      name: "broken backlink found when the parent arrives",
      checks:
        "An event waiting for its prev is refused, without a new verdict, when the prev arrives and the link is broken, and so is every event waiting on it; offered again, the first is invalid (BrokenBacklink) and the others are invalid because they depend on a refused event (RefusedDependency).",
      community: c,
      steps: [
        step("alice tick whose prev is bob's", wrongAuthor, pending),
        step("alice tick after it", onWrong, pending),
        step("bob tick", b1, valid),
        step("alice tick whose prev is bob's, again", wrongAuthor, ["Invalid", "BrokenBacklink"]),
        step("alice tick after it, again", onWrong, ["Invalid", "RefusedDependency"])
      ],
      outcomes: applied(b1)
    })
  }

  // Another community.
  {
    const other = new Community(eve, [eve], "Elsewhere")
    const o1 = other.tick(eve)
    const a1 = c.tick(alice, { prev: c.genesis })
    add({
      name: "wrong community",
      checks: "Another community's genesis and events are refused (WrongCommunity).",
      community: c,
      steps: [
        step("another community's genesis", other.genesis, ["Invalid", "WrongCommunity"]),
        step("an event of another community", o1, ["Invalid", "WrongCommunity"]),
        step("alice tick", a1, valid)
      ],
      outcomes: applied(a1)
    })
  }

  // Pending events delivered when their parents arrive; duplicates.
  {
    const a1 = c.tick(alice, { prev: c.genesis })
    const a2 = c.tick(alice, { prev: a1 })
    const a3 = c.tick(alice, { prev: a2 })
    add({
      name: "pending until the parent arrives",
      checks: "Events whose parents are missing wait (Pending, also when offered twice) and are delivered when the parent arrives; a delivered event offered again is a Duplicate.",
      community: c,
      steps: [
        step("alice tick 3", a3, pending),
        step("alice tick 3, again", a3, pending),
        step("alice tick 2", a2, pending),
        step("alice tick 1", a1, valid),
        step("alice tick 2, again", a2, duplicate),
        step("the genesis", c.genesis, duplicate)
      ],
      outcomes: applied(a1, a2, a3)
    })
  }

  // Bodies with an extra or a missing key.
  {
    const x1 = c.event(alice, "tick", { x: 1 }, { prev: c.genesis })
    const x2 = c.event(bob, "member.leave", { note: "Bye.", extra: true }, { prev: null })
    const x3 = c.event(carol, "member.apply", {}, { prev: null })
    add({
      name: "invalid bodies",
      checks: "A body with a key its schema does not have, or without one it needs, is refused (InvalidBody): bob stays, carol is not an applicant.",
      community: c,
      steps: [step("alice tick with a key x", x1, valid), step("bob leaves with an extra key", x2, valid), step("carol applies without a note", x3, valid)],
      outcomes: rejected("InvalidBody", x1, x2, x3)
    })
  }

  // Bodies that are not maps.
  {
    const n1 = c.event(alice, "tick", 7, { prev: c.genesis })
    const n2 = c.event(alice, "tick", "seven", { prev: n1 })
    const n3 = c.event(alice, "tick", true, { prev: n2 })
    const n4 = c.event(alice, "tick", new Uint8Array(0), { prev: n3 })
    add({
      name: "bodies that are not maps",
      checks: "Every body is a map: a number, a text, a boolean or a byte string where a map is expected is refused (InvalidBody) and changes nothing.",
      community: c,
      steps: [step("alice tick with body 7", n1, valid), step("alice tick with a text body", n2, valid), step("alice tick with body true", n3, valid), step("alice tick with empty bytes", n4, valid)],
      outcomes: rejected("InvalidBody", n1, n2, n3, n4)
    })
  }

  // Unknown modules and types.
  {
    const u1 = c.event(alice, "plant", { seed: "tomato" }, { prev: c.genesis, module: "garden" })
    const u2 = c.event(alice, "frobnicate", {}, { prev: u1 })
    add({
      name: "unknown module and type",
      checks: "An event of a module the community does not run is refused (UnknownModule); an unknown core type too (UnknownType).",
      community: c,
      steps: [step("alice plants a tomato", u1, valid), step("alice frobnicates", u2, valid)],
      outcomes: [...rejected("UnknownModule", u1), ...rejected("UnknownType", u2)]
    })
  }

  // Signatures.
  {
    const a1 = c.tick(alice, { prev: c.genesis })
    const forged = a1.signature.slice()
    forged[32] = forged[32]! ^ 1
    const b1 = c.tick(bob, { prev: null, parents: [a1] })
    add({
      name: "bad signature",
      checks:
        "An event whose signature does not verify is refused (BadSignature) and does not enter the log: an event on it waits, and the genuine event (same id) is later valid.",
      community: c,
      steps: [
        step("alice tick with a forged signature", withSignature(a1, forged), ["Invalid", "BadSignature"]),
        step("bob tick on it", b1, pending),
        step("alice tick", a1, valid)
      ],
      outcomes: applied(a1, b1)
    })
    const byOther = c.event(alice, "device.add", c.deviceAdd(alice, phone, dave), { prev: c.genesis })
    const otherAdder = c.event(alice, "device.add", c.deviceAdd(alice, phone, phone, bob), { prev: c.genesis })
    add({
      name: "bad device consent",
      checks:
        "A device.add whose consent is not the new key's signature over the consent message (community id, adder's key) is refused (BadEmbeddedSignature).",
      community: c,
      steps: [
        step("consent signed by another key", byOther, ["Invalid", "BadEmbeddedSignature"]),
        step("consent given to another adder", otherAdder, ["Invalid", "BadEmbeddedSignature"])
      ],
      outcomes: []
    })
    const wrapped = c.event(bob, "equivocation", { a: byOther.bytes, b: byOther.bytes }, { prev: null, parents: [c.genesis] })
    add({
      name: "bad device consent inside a proof",
      checks:
        "Events carried by core/equivocation are checked like received ones: a device.add with a forged consent inside a (bogus) proof is not delivered; the proof itself is delivered and rejected (NotAProof).",
      community: c,
      steps: [step("bob's proof carrying a forged device.add", wrapped, valid)],
      outcomes: rejected("NotAProof", wrapped)
    })
  }

  // Bytes that are not events.
  {
    const a1 = c.tick(alice, { prev: c.genesis })
    add({
      name: "inputs that are not events",
      checks: "Inputs that do not decode get the structural reason tag of events.json.",
      community: c,
      steps: [
        step("a truncated event", a1.bytes.subarray(0, a1.bytes.length - 1), ["Invalid", "NotCanonical"]),
        step("the integer 0", unhex("00"), ["Invalid", "MalformedEnvelope"]),
        step("alice tick", a1, valid)
      ],
      outcomes: applied(a1)
    })
  }

  // Payloads and their erasure (§3a).
  {
    const note = Bytes.utf8("The shed key is under the blue pot.")
    const post = c.tick(alice, { prev: c.genesis, payload: note })
    const plain = c.tick(alice, { prev: post })
    const byBob = c.event(bob, "payload.erase", { header: post.headerBytes }, { prev: null, parents: [plain] })
    const unseen = c.tick(carol, { prev: null, parents: [c.genesis], payload: note })
    const notInPast = c.event(alice, "payload.erase", { header: unseen.headerBytes }, { prev: plain })
    const noPayload = c.event(alice, "payload.erase", { header: plain.headerBytes }, { prev: notInPast })
    const byAlice = c.event(alice, "payload.erase", { header: post.headerBytes }, { prev: noPayload, parents: [byBob] })
    const again = c.event(alice, "payload.erase", { header: post.headerBytes }, { prev: byAlice })
    add({
      name: "payload erased by its author",
      checks:
        "core/payload.erase names the event by its header bytes. Another member cannot erase a payload directly (NotYourPayload); an event not in the erasure's causal past (UnknownEvent) or without a payload (NoPayload) cannot be erased; its author can, once (AlreadyErased); the event sent again with its payload is a Duplicate. The erasure is recorded in the core state's erased map.",
      community: c,
      steps: [
        step("alice's tick with a payload", post, valid),
        step("alice tick", plain, valid),
        step("bob erases alice's payload", byBob, valid),
        step("alice erases the payload of an event she has not seen", notInPast, valid),
        step("alice erases the payload of an event without one", noPayload, valid),
        step("alice erases her payload", byAlice, valid),
        step("alice erases it again", again, valid),
        step("alice's tick with its payload, again", post, duplicate)
      ],
      outcomes: [
        ...applied(post, plain, byAlice),
        ...rejected("NotYourPayload", byBob),
        ...rejected("UnknownEvent", notInPast),
        ...rejected("NoPayload", noPayload),
        ...rejected("AlreadyErased", again)
      ]
    })
    add({
      name: "payload erased, the event received without it",
      checks:
        "An event whose payload was erased is received as an envelope of three items, with the same id: it is valid, and its author's erasure applies as if the payload had come.",
      community: c,
      steps: [
        step("alice's tick without its payload", post.stored, valid),
        step("alice tick", plain, valid),
        step("alice erases the payload of an event she has not seen", notInPast, valid),
        step("alice erases the payload of an event without one", noPayload, valid),
        step("bob erases alice's payload", byBob, valid),
        step("alice erases her payload", byAlice, valid)
      ],
      outcomes: [
        ...applied(post, plain, byAlice),
        ...rejected("NotYourPayload", byBob),
        ...rejected("UnknownEvent", notInPast),
        ...rejected("NoPayload", noPayload)
      ],
      sameStateAs: "payload erased by its author"
    })
  }
  return defs
}

const scenarioVectors = async (): Promise<ReadonlyArray<ScenarioVector>> => {
  const out: Array<ScenarioVector> = []
  const hashes = new Map<string, string>()
  for (const def of scenarioDefs()) {
    const where = `scenarios.json "${def.name}"`
    const inputs: Array<ScenarioInput> = def.steps.map((s) => {
      const d = Event.decode(s.bytes)
      return d.ok ? { label: s.label, hex: hex(s.bytes), id: d.event.key } : { label: s.label, hex: hex(s.bytes) }
    })
    const verdicts = def.steps.map((s) => s.verdict)
    const outcomes = sortedObject<OutcomeJson>([
      [def.community.genesis.key, { tag: "Applied" }],
      ...def.outcomes.map(([e, o]) => [e.key, o] as const)
    ])
    const result = await ours.runScenario({ genesis: hex(def.community.genesis.bytes), inputs: inputs.map((i) => i.hex) })
    if (!equal(result.verdicts, verdicts))
      throw new Error(`${where}: the SDK gives verdicts ${JSON.stringify(result.verdicts)}, expected ${JSON.stringify(verdicts)}`)
    if (!equal(result.outcomes, outcomes))
      throw new Error(`${where}: the SDK gives outcomes ${JSON.stringify(result.outcomes)}, expected ${JSON.stringify(outcomes)}`)
    if (def.sameStateAs !== undefined && hashes.get(def.sameStateAs) !== result.stateHash)
      throw new Error(`${where}: the state differs from "${def.sameStateAs}"`)
    hashes.set(def.name, result.stateHash)
    out.push({
      name: def.name,
      checks: def.checks,
      genesis: hex(def.community.genesis.bytes),
      inputs,
      expected: { verdicts, outcomes, stateHash: result.stateHash }
    })
  }
  return out
}

// --- files ----------------------------------------------------------------------------------

const CBOR_RULES =
  "Affinity's canonical CBOR is a subset of RFC 8949: unsigned and negative integers within ±(2^53 - 1), byte strings, UTF-8 text strings, arrays, maps with text keys, false, true and null. No floats (not even integral ones), no tags, no undefined or other simple values, no indefinite lengths. Encoding is RFC 8949 §4.2.1 core deterministic encoding: every head in its shortest form, map keys sorted by the bytewise order of their encodings (so shorter keys first), no duplicate keys. Nesting: the top value is at depth 0 and the items of a container at depth d are at depth d + 1; no value may be deeper than 32. Decoding is strict: bytes are accepted only if they are exactly one value of the model in canonical form, with nothing after it. In the JSON views here a byte string is {\"$bytes\": hex}. A `canonical` vector must encode to `hex` and `hex` must decode to `value`; a `reject` vector must not decode; an `unencodable` JSON value must not encode."

const EVENT_RULES = [
  "An event is canonical CBOR [header: bstr, signature: bstr(64), body: bstr], or [header, signature, body, payload: bstr] when it carries a payload; header bytes are the canonical array [version, community, author, seq, prev, parents, time, module, type, bodyHash, bodySize] (version 1) or [version, community, author, seq, prev, parents, time, module, type, bodyHash, bodySize, payloadHash, payloadSize] (version 2, an event that commits to a payload); id = SHA-256(header bytes); the signature is ed25519 (under the rule of signatures.json) by `author` over \"affinity/event/v1\" || 0x00 || id. A version 2 event whose payload was erased is the same three-item envelope without it: same id, still valid.",
  "Checks run in this order and the first that fails gives the reason:",
  "(1) Oversize: more than 70,000 bytes, unless the first byte is 0x84 (an array of four items), then more than 201,077 bytes.",
  "(2) NotCanonical: the envelope is not canonical CBOR (cbor.json's strict decoding).",
  "(3) MalformedEnvelope: it is not an array of exactly a byte string, a 64-byte byte string and a byte string, followed by at most one more byte string (the payload).",
  "(4) Oversize: it has a payload, and its bytes before the payload item number more than 70,000, or the payload is longer than 131,072 bytes.",
  "(5) NotCanonical: the header bytes are not canonical CBOR.",
  "(6) MalformedHeader: the header is not an array with at least one item.",
  "(7) UnknownVersion: its first item is not the integer 1 or 2.",
  "(8) MalformedEnvelope: the version is 1 and the envelope has a payload.",
  "(9) MalformedHeader: it does not have exactly 11 items (version 1) or 13 (version 2), or a field breaks a rule: author 32 bytes; seq an integer >= 1; time an integer >= 0; module matching ^[a-z][a-z0-9-]{0,31}$; type matching ^[a-z][a-z0-9.-]{0,63}$; bodyHash 32 bytes; bodySize an integer from 0 to 65,536; payloadHash 32 bytes and payloadSize an integer from 0 to 131,072 (version 2); parents an array of at most 32 ids of 32 bytes, strictly ascending (bytewise); prev null when seq is 1, else a 32-byte id not among the parents; a genesis (module core, type genesis) has community null, seq 1 and no parents; any other event has a 32-byte community and, when seq is 1, at least one parent.",
  "(10) BodyMismatch: the body's length is not bodySize, or its SHA-256 is not bodyHash.",
  "(11) MalformedBody: the body bytes are not canonical CBOR.",
  "(12) PayloadMismatch: the event carries a payload whose length is not payloadSize, or whose SHA-256 is not payloadHash.",
  "(13) BadSignature: the signature does not verify.",
  "A `valid` vector gives the id, the header (byte fields as hex, null where null; payloadHash and payloadSize only for version 2) and the JSON view of the body; an `invalid` vector gives the reason tag."
].join(" ")

const SCENARIO_PROCEDURE = [
  "Open a community from `genesis` (its signature verified; a core/genesis signed by one of its founders). Then hand the inputs over one at a time, in order, each as a batch of one, through the path events from peers take, and record one verdict per input:",
  "bytes that do not decode are Invalid with events.json's structural reason; an event naming another community is Invalid (WrongCommunity) before any signature is checked;",
  "then the author's signature (BadSignature) and the signatures inside the body (BadEmbeddedSignature: the consent of core/device.add, and both events carried by core/equivocation) are verified;",
  "then the log judges it: Duplicate when already delivered, Pending while its prev or a parent is missing (again Pending when offered again), Invalid with WrongCommunity (a genesis other than this one), BrokenBacklink (prev not the author's event of seq - 1) or TimeWentBackwards (time below the latest time of its prev and parents), else Valid.",
  "A Valid event is delivered, and so is every waiting event it completes; a waiting event found to break a link rule when its parents arrive is dropped without a verdict. Events carried by a core/equivocation that name this community and are not yet in the log are offered to it after the batch (no verdict of their own); those of another community are not offered.",
  "Delivered events are folded in (depth, id) order (depth: 1 + the greatest depth of prev and parents, the genesis at depth 1; ids compared as hex), whatever order they came in.",
  "Expected: the verdict of each input ({tag}, with reason when Invalid); the outcome of every delivered event by id, the genesis included ({tag: Applied} or {tag: Rejected, reason}); and stateHash, the hex SHA-256 of the canonical CBOR of the map from module name to module state (here only \"core\")."
].join(" ")

/**
 * JSON text of a vector file: two-space indentation and a final newline; U+FEFF written as
 * an escape, so that no reader mistakes it for a byte-order mark or loses it from sight.
 */
const text = (value: unknown): string => `${JSON.stringify(value, null, 2).replaceAll("\ufeff", "\\ufeff")}\n`

/**
 * Generate `cbor.json`, `events.json` and `scenarios.json`: file name to file text.
 * Rejects when this SDK disagrees with any vector.
 */
export const generateVectors = async (): Promise<{ readonly [file: string]: string }> => {
  const cbor = cborVectors()
  checkCbor(cbor)
  const cborFile: CborFile = {
    description:
      "Canonical CBOR conformance vectors for Affinity: values with their only valid encodings, JSON values outside the model, and bytes a strict decoder must refuse.",
    rules: CBOR_RULES,
    vectors: cbor
  }
  const eventsFile: EventsFile = {
    description:
      "Event wire-format conformance vectors for Affinity: valid events with their ids and decoded fields, and invalid wire bytes with the reason tag they must be refused with.",
    rules: EVENT_RULES,
    vectors: await eventVectors()
  }
  const scenariosFile: ScenariosFile = {
    description:
      "Replica conformance scenarios for Affinity: a genesis and signed events delivered in a stated order, with the verdict of each input, the outcome of every delivered event and the final state hash. Several scenarios deliver one set of events in different orders and must reach the same state. Keys: secret seeds of 32 bytes 0x01 (alice), 0x02 (bob), 0x03 (carol), 0x04 (dave), 0x05 (alice's phone), 0x06 (eve).",
    procedure: SCENARIO_PROCEDURE,
    vectors: await scenarioVectors()
  }
  const files = { "cbor.json": text(cborFile), "events.json": text(eventsFile), "scenarios.json": text(scenariosFile) }
  parseVectors(files)
  return files
}
