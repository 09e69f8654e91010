/**
 * The deterministic generator of `conformance/vectors/introduction.json`: introductions to
 * a relay (see `docs/protocol.md`, §13, S14), each a fixed device key signing a fixed
 * community and time, with the bytes it signs, its signature, its wire bytes and the URL
 * that carries it; and bytes a decoder must refuse (the generator checks that this SDK
 * refuses them). Ed25519 signatures are deterministic, so the output is the same on every
 * run.
 *
 * Run it with `node --conditions=@affinity/source conformance/introduction/generate.ts`.
 *
 * @module
 */
import { Effect } from "effect"
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import * as Crypto from "../Crypto.ts"
import * as Hash from "../Hash.ts"
import * as Keys from "../Keys.ts"
import * as Introduction from "../sync/Introduction.ts"

const hex = Bytes.toHex
const noble = Crypto.makeNoble()
const withNoble = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto>): A =>
  Effect.runSync(Effect.provideService(effect, Crypto.Crypto, noble))

/** The device key whose 32-byte secret seed is `fill` repeated (alice: 0x01, as in the other vectors). */
const keyOf = (fill: number): Keys.DeviceKey => withNoble(Keys.fromSecret(new Uint8Array(32).fill(fill)))

const community = Hash.sha256(Bytes.utf8("affinity/introduction/vectors/community"))
const alice = keyOf(0x01)
const bob = keyOf(0x02)

/** 2023-11-14T22:13:20Z, the genesis time of the other vectors. */
const T0 = 1_700_000_000_000

const valid: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly key: Keys.DeviceKey; readonly time: number }> = [
  {
    name: "alice introduces a community",
    checks: "the signed bytes, the deterministic signature, the canonical CBOR and the URL of an introduction",
    key: alice,
    time: T0
  },
  {
    name: "bob introduces it a minute later",
    checks: "another key and time give other signed bytes and another signature",
    key: bob,
    time: T0 + 60_000
  },
  {
    name: "time 0",
    checks: "the time is 8 bytes, big-endian, in the signed bytes even when it is small; in CBOR it takes its shortest head",
    key: alice,
    time: 0
  },
  {
    name: "the largest time",
    checks: "2^53 − 1, the largest integer of the value model, in the signed bytes and in CBOR",
    key: alice,
    time: Number.MAX_SAFE_INTEGER
  }
]

const signature = new Uint8Array(64).fill(0x5a)
const refuse: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly bytes: Uint8Array }> = [
  { name: "not CBOR", checks: "bytes that are not CBOR", bytes: Uint8Array.of(0xff) },
  {
    name: "not canonical",
    checks: "a time whose head is longer than needed",
    bytes: Bytes.concat(Uint8Array.of(0x85, 0x01, 0x58, 0x20), community, Uint8Array.of(0x58, 0x20), alice.publicKey, Uint8Array.of(0x19, 0x00, 0x05, 0x58, 0x40), signature)
  },
  { name: "trailing bytes", checks: "bytes after the array", bytes: Bytes.concat(Cbor.encode([1, community, alice.publicKey, T0, signature]), Uint8Array.of(0x00)) },
  { name: "a map", checks: "an introduction is an array", bytes: Cbor.encode({ community }) },
  { name: "version 2", checks: "the first item is the version, 1", bytes: Cbor.encode([2, community, alice.publicKey, T0, signature]) },
  { name: "a 31-byte community", checks: "the community id is 32 bytes", bytes: Cbor.encode([1, community.slice(1), alice.publicKey, T0, signature]) },
  { name: "a 33-byte key", checks: "the key is 32 bytes", bytes: Cbor.encode([1, community, Bytes.concat(alice.publicKey, Uint8Array.of(0)), T0, signature]) },
  { name: "a negative time", checks: "the time is an unsigned integer", bytes: Cbor.encode([1, community, alice.publicKey, -1, signature]) },
  { name: "a time that is text", checks: "the time is an integer", bytes: Cbor.encode([1, community, alice.publicKey, "1700000000000", signature]) },
  { name: "a 63-byte signature", checks: "the signature is 64 bytes", bytes: Cbor.encode([1, community, alice.publicKey, T0, signature.slice(1)]) },
  { name: "a sixth item", checks: "an introduction has exactly five items", bytes: Cbor.encode([1, community, alice.publicKey, T0, signature, 0]) },
  { name: "four items", checks: "an introduction has exactly five items", bytes: Cbor.encode([1, community, alice.publicKey, T0]) }
]

/** The text of `introduction.json`. */
export const generateIntroductionVectors = (): string => {
  const vectors = valid.map((v) => {
    const introduction = withNoble(Introduction.sign(v.key, hex(community), v.time))
    const wire = Introduction.encode(introduction)
    return {
      name: v.name,
      checks: v.checks,
      secret: hex(v.key.secret),
      key: v.key.id,
      community: hex(community),
      time: v.time,
      signed: hex(Introduction.signedMessage(community, v.key.publicKey, v.time)),
      signature: hex(introduction.signature),
      hex: hex(wire),
      url: Introduction.url("wss://relay.example/", [introduction])
    }
  })
  const invalid = refuse.map((r) => {
    if (Introduction.decode(r.bytes).ok) throw new Error(`${r.name}: this implementation accepts it`)
    return { name: r.name, checks: r.checks, hex: hex(r.bytes) }
  })
  const out = {
    description:
      "Introductions to a relay (docs/protocol.md, section 13, S14): a device key asks a relay to keep a community. Byte strings are lower-case hex; `secret` is the device's 32-byte ed25519 seed, `key` its public key.",
    rules:
      'introduction = [1, community: bstr(32), key: bstr(32), time: uint, signature: bstr(64)] in canonical CBOR; signature = ed25519(secret, signed) with signed = "affinity/relay-introduction/1" 0x00 || community || key || time as 8 bytes big-endian; it travels in the query of the WebSocket URL as introduce=<hex>, one parameter per community. A decoder refuses every `invalid` vector.',
    vectors,
    invalid
  }
  return `${JSON.stringify(out, null, 1)}\n`
}
