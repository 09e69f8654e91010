/**
 * The deterministic generator of `conformance/vectors/invitation.json`: invitations to a
 * community (see `docs/protocol.md`, §13, S15), each a fixed device key inviting to a
 * fixed genesis through fixed relays, with the bytes it signs, its signature, its CBOR,
 * its code and its link; and codes a decoder must refuse, each with the reason (the
 * generator checks that this SDK refuses them for that reason). Ed25519 signatures are
 * deterministic, so the output is the same on every run.
 *
 * Run it with `node --conditions=@affinity/source conformance/invitation/generate.ts`.
 *
 * @module
 */
import { Effect } from "effect"
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import * as Crypto from "../Crypto.ts"
import * as Event from "../Event.ts"
import * as Invitation from "../Invitation.ts"
import * as Keys from "../Keys.ts"

const hex = Bytes.toHex
const noble = Crypto.makeNoble()
const withNoble = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto>): Promise<A> =>
  Effect.runPromise(Effect.provideService(effect, Crypto.Crypto, noble))

/** The device key whose 32-byte secret seed is `fill` repeated (alice: 0x01, as in the other vectors). */
const keyOf = (fill: number): Promise<Keys.DeviceKey> => withNoble(Keys.fromSecret(new Uint8Array(32).fill(fill)))

/** 2023-11-14T22:13:20Z, the genesis time of the other vectors. */
const T0 = 1_700_000_000_000

/** The wire bytes of an event by `key`, signed (or carrying `signature`, to forge one). */
const signed = async (key: Keys.DeviceKey, draft: Omit<Event.Draft, "author">, signature?: Uint8Array): Promise<Uint8Array> => {
  const prepared = Event.prepare({ ...draft, author: key.publicKey })
  if (!prepared.ok) throw new Error(`generator draft broke a rule: ${prepared.error.message}`)
  const s = signature ?? (await withNoble(Effect.flatMap(Crypto.Crypto, (c) => c.sign(key.secret, prepared.unsigned.message))))
  return Event.assemble(prepared.unsigned, s)
}

const code = (value: Cbor.Value): string => Bytes.toBase64url(Cbor.encode(value))

/** The text of `invitation.json`. */
export const generateInvitationVectors = async (): Promise<string> => {
  const [alice, bob, carol] = [await keyOf(0x01), await keyOf(0x02), await keyOf(0x03)]
  const founders = Event.dedupeSorted([alice.publicKey, bob.publicKey])
  const genesisDraft: Omit<Event.Draft, "author"> = {
    community: null,
    seq: 1,
    prev: null,
    parents: [],
    time: T0,
    module: "core",
    type: "genesis",
    body: { name: "Riverside Garden", founders: [...founders], params: {} }
  }
  const genesis = await signed(alice, genesisDraft)
  // The same genesis under a signature of another message: well-formed, but forged.
  const forged = await signed(alice, genesisDraft, await withNoble(Effect.flatMap(Crypto.Crypto, (c) => c.sign(alice.secret, Bytes.utf8("forged")))))
  const g = Event.decode(genesis)
  if (!g.ok) throw new Error("the generator's genesis does not decode")
  const community = g.event.id
  const tick = await signed(alice, { community, seq: 2, prev: community, parents: [], time: T0 + 1000, module: "core", type: "tick", body: {} })

  const valid: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly key: Keys.DeviceKey; readonly relays: ReadonlyArray<string> }> = [
    {
      name: "alice invites through one relay",
      checks: "the signed bytes, the deterministic signature, the canonical CBOR map, the code and the link",
      key: alice,
      relays: ["wss://relay.example/"]
    },
    { name: "bob invites with no relay", checks: "an empty list of relays; a founder who is not the genesis author", key: bob, relays: [] },
    {
      name: "carol, no founder, through four relays",
      checks: "the most relays an invitation lists, in the order given; an inviter the genesis does not name",
      key: carol,
      relays: ["wss://relay.example/", "ws://127.0.0.1:8787/", "wss://relay.example/sync?room=1", "ws://[::1]:8787/"]
    }
  ]
  const vectors = []
  for (const v of valid) {
    const made = await Invitation.make({ genesis, relays: v.relays, inviter: v.key, crypto: noble })
    const signature = await withNoble(Effect.flatMap(Crypto.Crypto, (c) => c.sign(v.key.secret, Invitation.signedMessage(community, v.relays, v.key.publicKey))))
    const wire = Cbor.encode({ v: 1, g: genesis, r: [...v.relays], i: v.key.publicKey, s: signature })
    if (made !== Bytes.toBase64url(wire)) throw new Error(`${v.name}: this implementation makes another code`)
    const opened = await Invitation.decode(Invitation.link("https://app.example/", made), noble)
    if (!opened.ok) throw new Error(`${v.name}: this implementation refuses it: ${opened.error.message}`)
    vectors.push({
      name: v.name,
      checks: v.checks,
      secret: hex(v.key.secret),
      inviter: v.key.id,
      genesis: hex(genesis),
      community: hex(community),
      communityName: opened.invitation.name,
      relays: v.relays,
      inviterIsFounder: opened.invitation.inviterIsFounder,
      signed: hex(Invitation.signedMessage(community, v.relays, v.key.publicKey)),
      signature: hex(signature),
      cbor: hex(wire),
      code: made,
      link: Invitation.link("https://app.example/", made)
    })
  }

  const good = { v: 1, g: genesis, r: ["wss://relay.example/"], i: alice.publicKey, s: Bytes.fromHex(vectors[0]!.signature)! }
  const wire = Cbor.encode(good)
  const refuse: ReadonlyArray<{ readonly name: string; readonly checks: string; readonly code: string; readonly reason: Invitation.Reason }> = [
    { name: "empty", checks: "an empty code", code: "", reason: "Malformed" },
    { name: "not base64url", checks: "characters outside the base64url alphabet", code: "not a code!", reason: "Malformed" },
    { name: "padded", checks: "base64url without padding", code: `${Bytes.toBase64url(Uint8Array.of(0xa0))}==`, reason: "Malformed" },
    { name: "leftover bits", checks: "the bits after the last byte are zero, so each code has one text", code: "oB", reason: "Malformed" },
    { name: "too long", checks: `at most ${Invitation.MAX_CODE} characters`, code: "A".repeat(Invitation.MAX_CODE + 4), reason: "Malformed" },
    { name: "not CBOR", checks: "bytes that are not CBOR", code: Bytes.toBase64url(Uint8Array.of(0xff)), reason: "Malformed" },
    {
      name: "not canonical",
      checks: "a version whose head is longer than needed",
      code: Bytes.toBase64url(Bytes.concat(wire.subarray(0, wire.length - 1), Uint8Array.of(0x18, 0x01))),
      reason: "Malformed"
    },
    { name: "trailing bytes", checks: "bytes after the map", code: Bytes.toBase64url(Bytes.concat(wire, Uint8Array.of(0x00))), reason: "Malformed" },
    { name: "an array", checks: "an invitation is a map", code: code([1, genesis, [], alice.publicKey, good.s]), reason: "Malformed" },
    { name: "an extra key", checks: "exactly the keys v, g, r, i and s", code: code({ ...good, x: 0 }), reason: "Malformed" },
    { name: "no signature", checks: "exactly the keys v, g, r, i and s", code: code({ v: 1, g: genesis, r: [], i: alice.publicKey }), reason: "Malformed" },
    { name: "version 2", checks: "v is the version, 1", code: code({ ...good, v: 2 }), reason: "UnknownVersion" },
    { name: "an http relay", checks: "a relay is a ws:// or wss:// address", code: code({ ...good, r: ["https://relay.example/"] }), reason: "Malformed" },
    {
      name: "a relay of 201 characters",
      checks: "a relay address has at most 200 characters",
      code: code({ ...good, r: [`wss://relay.example/${"a".repeat(181)}`] }),
      reason: "Malformed"
    },
    { name: "five relays", checks: "at most four relays", code: code({ ...good, r: Array.from({ length: 5 }, (_, n) => `wss://r${n}.example/`) }), reason: "Malformed" },
    { name: "a relay that is bytes", checks: "a relay is text", code: code({ ...good, r: [Bytes.utf8("wss://relay.example/")] }), reason: "Malformed" },
    { name: "a 31-byte key", checks: "the inviter's key is 32 bytes", code: code({ ...good, i: alice.publicKey.subarray(1) }), reason: "Malformed" },
    { name: "a 63-byte signature", checks: "the signature is 64 bytes", code: code({ ...good, s: good.s.subarray(1) }), reason: "Malformed" },
    { name: "an empty genesis", checks: "g holds an event", code: code({ ...good, g: new Uint8Array(0) }), reason: "Malformed" },
    {
      name: "a genesis of 4097 bytes",
      checks: `g has at most ${Invitation.MAX_GENESIS} bytes`,
      code: code({ ...good, g: new Uint8Array(Invitation.MAX_GENESIS + 1) }),
      reason: "Malformed"
    },
    { name: "g is no event", checks: "g is an event's wire bytes", code: code({ ...good, g: Uint8Array.of(1, 2, 3) }), reason: "BadGenesis" },
    { name: "g is a tick", checks: "g is a core/genesis event", code: code({ ...good, g: tick }), reason: "BadGenesis" },
    { name: "a forged genesis", checks: "the genesis's own signature verifies", code: code({ ...good, g: forged }), reason: "Tampered" },
    {
      name: "a relay swapped after signing",
      checks: "the inviter's signature covers the relays",
      code: code({ ...good, r: ["wss://evil.example/"] }),
      reason: "Tampered"
    },
    { name: "another inviter", checks: "the inviter's signature is by i", code: code({ ...good, i: bob.publicKey }), reason: "Tampered" }
  ]
  const invalid = []
  for (const r of refuse) {
    const d = await Invitation.decode(r.code, noble)
    if (d.ok) throw new Error(`${r.name}: this implementation accepts it`)
    if (d.error.reason !== r.reason) throw new Error(`${r.name}: this implementation refuses it as ${d.error.reason}, not ${r.reason}`)
    invalid.push({ name: r.name, checks: r.checks, code: r.code, reason: r.reason })
  }
  const out = {
    description:
      "Invitations to a community (docs/protocol.md, section 13, S15): a device key gives what a newcomer needs to join. Byte strings are lower-case hex; `secret` is the inviter's 32-byte ed25519 seed, `inviter` its public key.",
    rules:
      'code = base64url without padding of the canonical CBOR map { v: 1, g: genesis event bytes (1 to 4096), r: [relay]… (0 to 4, each a ws: or wss: URL of at most 200 characters), i: bstr(32), s: bstr(64) }; s = ed25519(secret, signed) with signed = "affinity-web/invitation/v1" 0x00 || community id || canonical CBOR of { v, r, i }; the community id is the id of g; link = <app address> "#join=" code. A decoder refuses every `invalid` code for its `reason`: Malformed, UnknownVersion, BadGenesis (g is not a well-formed core/genesis) or Tampered (the genesis\'s or the inviter\'s signature does not verify).',
    vectors,
    invalid
  }
  return `${JSON.stringify(out, null, 1)}\n`
}
