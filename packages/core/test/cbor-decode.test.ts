import { decode as cborgDecode, encode as cborgEncode, rfc8949EncodeOptions } from "cborg"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor } from "@affinity/core"

// `Cbor.decode` checks canonical form as it reads. The definition it must match exactly is
// the one it replaced: bytes are accepted when cborg decodes them strictly into the model and
// encoding that value again (RFC 8949 core deterministic) gives the same bytes.
const reference = (bytes: Uint8Array): Cbor.Decoded => {
  let value: unknown
  try {
    value = cborgDecode(bytes, {
      strict: true,
      allowIndefinite: false,
      allowUndefined: false,
      allowInfinity: false,
      allowNaN: false,
      allowBigInt: false,
      rejectDuplicateMapKeys: true,
      useMaps: false
    })
  } catch (e) {
    return { ok: false, issue: { _tag: "CborIssue", message: String(e) } }
  }
  const bad = Cbor.check(value)
  if (bad) return { ok: false, issue: bad }
  let again: Uint8Array
  try {
    again = cborgEncode(value, rfc8949EncodeOptions)
  } catch (e) {
    return { ok: false, issue: { _tag: "CborIssue", message: String(e) } }
  }
  return Bytes.equals(again, bytes) ? { ok: true, value: value as Cbor.Value } : { ok: false, issue: { _tag: "CborIssue", message: "not canonical" } }
}

/** Whether the bytes hold EF BB BF (U+FEFF in UTF-8), which cborg drops at the start of a text. */
const hasFeff = (bytes: Uint8Array): boolean => {
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0xef && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) return true
  return false
}

const same = (bytes: Uint8Array): void => {
  const ours = Cbor.decode(bytes)
  if (hasFeff(bytes)) {
    // cborg's decoder drops a leading U+FEFF, so it is no reference here: what the decoder
    // accepts must encode back to the same bytes (the rule itself).
    if (ours.ok) expect(Bytes.equals(Cbor.encode(ours.value), bytes)).toBe(true)
    return
  }
  const theirs = reference(bytes)
  expect(ours.ok, `${Bytes.toHex(bytes)}: ${ours.ok ? "accepted" : ours.issue.message}`).toBe(theirs.ok)
  if (ours.ok && theirs.ok) {
    expect(ours.value).toEqual(theirs.value)
    expect(Bytes.equals(Cbor.encode(ours.value), bytes)).toBe(true)
    plain(ours.value)
  }
}

/** Maps are plain objects and byte strings plain Uint8Arrays, as cborg made them. */
const plain = (v: Cbor.Value): void => {
  if (v instanceof Uint8Array) expect(Object.getPrototypeOf(v)).toBe(Uint8Array.prototype)
  else if (Array.isArray(v)) v.forEach(plain)
  else if (typeof v === "object" && v !== null) {
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    Object.values(v).forEach(plain)
  }
}

const hex = (text: string): Uint8Array => Bytes.fromHex(text)!

/** Text that exercises the decoder's paths: ASCII, longer than its short path, multi-byte, U+FEFF, keys JavaScript treats specially. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", "\uFEFF", "\uFEFFa", "a\uFEFF", "__proto__", "constructor", "0", "1", "10", "01", "-1", "4294967295", "é", "😀", "x".repeat(300))
)

const value: fc.Arbitrary<Cbor.Value> = fc.letrec<{ value: Cbor.Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.integer(),
      fc.constantFrom(0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -1, -24, -25, -256, -257, -(2 ** 32), -(2 ** 32) - 1, Number.MIN_SAFE_INTEGER),
      fc.maxSafeInteger()
    ),
    fc.boolean(),
    fc.constant(null),
    text,
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(text, tie("value"), { maxKeys: 5 })
  )
})).value

/** A valid encoding of the value when it has one (some texts do not survive UTF-16). */
const encoded = value.map((v) => cborgEncode(v, rfc8949EncodeOptions) as Uint8Array)

describe("Cbor.decode (strict, canonical form checked while reading)", () => {
  it("accepts and refuses exactly what decoding then re-encoding does, on encodings of values", () => {
    fc.assert(
      fc.property(encoded, (bytes) => {
        same(bytes)
        // An encoding of a value is canonical, U+FEFF in its texts or not.
        if (hasFeff(bytes)) expect(Cbor.decode(bytes).ok).toBe(true)
      }),
      { numRuns: 3_000 }
    )
  })

  it("agrees on changed encodings: a byte changed, inserted, removed, or the input cut", () => {
    const edit = fc.tuple(encoded, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "remove", "cut"))
    fc.assert(
      fc.property(edit, ([bytes, where, byte, how]) => {
        const at = bytes.length === 0 ? 0 : where % bytes.length
        const out =
          how === "set"
            ? Uint8Array.from(bytes, (b, k) => (k === at ? byte : b))
            : how === "insert"
              ? Bytes.concat(bytes.subarray(0, at), Uint8Array.of(byte), bytes.subarray(at))
              : how === "remove"
                ? Bytes.concat(bytes.subarray(0, at), bytes.subarray(at + 1))
                : bytes.subarray(0, at)
        same(out)
      }),
      { numRuns: 5_000 }
    )
  })

  it("agrees on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => same(bytes)), { numRuns: 5_000 })
    // Heads of every initial byte, with short and long arguments after them.
    for (let initial = 0; initial < 256; initial++)
      for (const rest of ["", "00", "17", "18", "ff", "0000", "00ff", "ffff", "00000000", "0000ffff", "ffffffff", "0000000000000000", "001fffffffffffff", "0020000000000000", "ffffffffffffffff"])
        same(hex(initial.toString(16).padStart(2, "0") + rest))
  })

  it("keeps the edges of the model: integer limits, nesting, UTF-8, U+FEFF, special keys", () => {
    for (const h of ["1b001fffffffffffff", "1b0020000000000000", "3b001ffffffffffffe", "3b001fffffffffffff", "1b0000000100000000", "1b00000000ffffffff"]) same(hex(h))
    const nested = (depth: number, inner: string) => hex("81".repeat(depth) + inner)
    for (const depth of [31, 32, 33, 34]) {
      same(nested(depth, "01"))
      same(nested(depth, "80"))
      same(nested(depth, "a0"))
    }
    // U+FEFF is an ordinary character, first in a text or not: never dropped as a byte-order mark.
    expect(Cbor.decode(Cbor.encode("\uFEFFabc"))).toEqual({ ok: true, value: "\uFEFFabc" })
    expect(Cbor.decode(Cbor.encode("\uFEFF"))).toEqual({ ok: true, value: "\uFEFF" })
    const keyed = { "\uFEFF": 1, ["\uFEFFx".repeat(20)]: ["\uFEFF\uFEFF"] }
    expect(Cbor.decode(Cbor.encode(keyed))).toEqual({ ok: true, value: keyed })
    expect(Cbor.decode(Cbor.encode("a\uFEFF")).ok).toBe(true)
    for (const h of ["63eda080", "62c0af", "64f4908080", "61ff", "6180", "62c328", "63efbbbf", "6461efbbbf"]) same(hex(h))
    const proto = Cbor.decode(Cbor.encode(JSON.parse(`{"__proto__": 1, "a": [2]}`) as Cbor.Value))
    expect(proto.ok && Object.getPrototypeOf(proto.value) === Object.prototype && Object.keys(proto.value as object)).toEqual(["a", "__proto__"])
    const keys = Cbor.decode(Cbor.encode({ "10": 1, "9": 2, b: 3, aa: 4 }))
    expect(keys).toEqual({ ok: true, value: { "9": 2, "10": 1, b: 3, aa: 4 } })
  })

  it("returns byte strings as plain copies, and reads Node Buffers and other views", () => {
    const bytes = Cbor.encode({ b: Uint8Array.of(1, 2, 3) })
    const fromBuffer = Cbor.decode(Buffer.from(bytes))
    expect(fromBuffer).toEqual({ ok: true, value: { b: Uint8Array.of(1, 2, 3) } })
    const b = (fromBuffer as unknown as { value: { b: Uint8Array } }).value.b
    expect(Object.getPrototypeOf(b)).toBe(Uint8Array.prototype)
    const padded = new Uint8Array(bytes.length + 4)
    padded.set(bytes, 2)
    const view = padded.subarray(2, 2 + bytes.length)
    const decoded = Cbor.decode(view)
    expect(decoded).toEqual({ ok: true, value: { b: Uint8Array.of(1, 2, 3) } })
    padded.fill(0)
    expect((decoded as unknown as { value: { b: Uint8Array } }).value.b).toEqual(Uint8Array.of(1, 2, 3))
  })

  it("never throws, whatever it is given", () => {
    for (const junk of [undefined, null, 5, "a0", [0xa0], {}] as ReadonlyArray<unknown>) expect(Cbor.decode(junk as Uint8Array).ok).toBe(false)
  })
})
