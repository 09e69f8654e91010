/**
 * Writes `conformance/vectors/sealing.json`: sealing keys and sealed secrets (see
 * `docs/protocol.md`, §5a "Sealing").
 *
 * - `hpke`: RFC 9180 Appendix A.2.1, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 *   ChaCha20-Poly1305, base mode, copied here by hand from the RFC, and checked against the
 *   SDK's composition of noble primitives before anything is written.
 * - `keys`: the sealing key of each fixed signing seed (0x01 alice, 0x02 bob, 0x03 carol,
 *   0x05 alice's phone, 0x06 eve), and the consent a device signs to a `core/device.add`
 *   that carries its sealing key.
 * - `sealed`: secrets sealed with fixed randomness, so the bytes are the same on every run;
 *   each is opened here by every recipient with a second implementation written with
 *   `node:crypto` alone (X25519, HMAC-SHA256, ChaCha20-Poly1305), not with the SDK's code.
 * - `refused`: sealed bytes a device must not open, each with the reason; the SDK refuses
 *   each for that reason, and the `node:crypto` opener refuses each too.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/sealing/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/sealing/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, Cbor, CoreEvents, type Keys, Seal } from "../../packages/core/src/index.ts"
import * as Hpke from "../../packages/core/src/internal/hpke.ts"

const hex = Bytes.toHex
const bytes = (h: string): Uint8Array => {
  const b = Bytes.fromHex(h)
  if (b === undefined) throw new Error(`not hex: ${h}`)
  return b
}
const utf8 = Bytes.utf8
const fail = (message: string): never => {
  throw new Error(`sealing vectors: ${message}`)
}
const same = (a: Uint8Array, b: Uint8Array, what: string): void => {
  if (!Bytes.equals(a, b)) fail(`${what}: expected ${hex(b)}, got ${hex(a)}`)
}

// --- RFC 9180, Appendix A.2.1 (by hand, from the RFC) --------------------------------------------

const RFC = {
  source: "RFC 9180, Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, mode_base",
  mode: 0,
  kem_id: 32,
  kdf_id: 1,
  aead_id: 3,
  info: "4f6465206f6e2061204772656369616e2055726e",
  ikmE: "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
  pkEm: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
  skEm: "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
  ikmR: "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
  pkRm: "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
  skRm: "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
  enc: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
  shared_secret: "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7",
  key_schedule_context:
    "00431df6cd95e11ff49d7013563baf7f11588c75a6611ee2a4404a49306ae4cfc5b69c5718a60cc5876c358d3f7fc31ddb598503f67be58ea1e798c0bb19eb9796",
  secret: "5b9cd775e64b437a2335cf499361b2e0d5e444d5cb41a8a53336d8fe402282c6",
  key: "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91",
  base_nonce: "5c4d98150661b848853b547f",
  exporter_secret: "a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922",
  encryptions: [
    {
      seq: 0,
      aad: "436f756e742d30",
      ct: "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"
    },
    {
      seq: 1,
      aad: "436f756e742d31",
      ct: "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c"
    },
    {
      seq: 2,
      aad: "436f756e742d32",
      ct: "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b"
    },
    {
      seq: 4,
      aad: "436f756e742d34",
      ct: "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16"
    },
    {
      seq: 255,
      aad: "436f756e742d323535",
      ct: "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c"
    },
    {
      seq: 256,
      aad: "436f756e742d323536",
      ct: "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b"
    }
  ],
  pt: "4265617574792069732074727574682c20747275746820626561757479",
  exports: [
    { exporter_context: "", L: 32, exported_value: "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e" },
    { exporter_context: "00", L: 32, exported_value: "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69" },
    { exporter_context: "54657374436f6e74657874", L: 32, exported_value: "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53" }
  ]
} as const

/** The SDK's HPKE gives every value of the RFC's vector. */
const checkRfc = (): void => {
  const e = Hpke.deriveKeyPair(bytes(RFC.ikmE))
  const r = Hpke.deriveKeyPair(bytes(RFC.ikmR))
  same(e.secretKey, bytes(RFC.skEm), "skEm")
  same(e.publicKey, bytes(RFC.pkEm), "pkEm")
  same(r.secretKey, bytes(RFC.skRm), "skRm")
  same(r.publicKey, bytes(RFC.pkRm), "pkRm")
  const info = bytes(RFC.info)
  same(Hpke.scheduleContext(info), bytes(RFC.key_schedule_context), "key_schedule_context")
  const sender = Hpke.setupSender(e, r.publicKey, info)
  same(sender.enc, bytes(RFC.enc), "enc")
  same(sender.sharedSecret, bytes(RFC.shared_secret), "shared_secret")
  same(sender.context.key, bytes(RFC.key), "key")
  same(sender.context.baseNonce, bytes(RFC.base_nonce), "base_nonce")
  same(sender.context.exporterSecret, bytes(RFC.exporter_secret), "exporter_secret")
  const receiver = Hpke.setupReceiver(bytes(RFC.enc), r, info)
  for (const x of RFC.encryptions) {
    same(sender.context.at(x.seq).seal(bytes(x.aad), bytes(RFC.pt)), bytes(x.ct), `ct of sequence number ${x.seq}`)
    same(receiver.at(x.seq).open(bytes(x.aad), bytes(x.ct)), bytes(RFC.pt), `pt of sequence number ${x.seq}`)
  }
  for (const x of RFC.exports) same(receiver.export(bytes(x.exporter_context), x.L), bytes(x.exported_value), `export of "${x.exporter_context}"`)
}

// --- a second implementation, on node:crypto alone ----------------------------------------------

const X25519_PKCS8 = bytes("302e020100300506032b656e04220420")
const X25519_SPKI = bytes("302a300506032b656e032100")

const nodeX25519 = {
  publicKey: (secret: Uint8Array): Uint8Array => {
    const key = nodeCrypto.createPublicKey(nodeCrypto.createPrivateKey({ key: Buffer.from(Bytes.concat(X25519_PKCS8, secret)), format: "der", type: "pkcs8" }))
    return new Uint8Array(key.export({ format: "der", type: "spki" }).subarray(X25519_SPKI.length))
  },
  agree: (secret: Uint8Array, publicKey: Uint8Array): Uint8Array =>
    new Uint8Array(
      nodeCrypto.diffieHellman({
        privateKey: nodeCrypto.createPrivateKey({ key: Buffer.from(Bytes.concat(X25519_PKCS8, secret)), format: "der", type: "pkcs8" }),
        publicKey: nodeCrypto.createPublicKey({ key: Buffer.from(Bytes.concat(X25519_SPKI, publicKey)), format: "der", type: "spki" })
      })
    )
}
const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(nodeCrypto.createHmac("sha256", key).update(data).digest())
const hkdfExtract = (salt: Uint8Array, ikm: Uint8Array): Uint8Array => hmac(salt.length === 0 ? new Uint8Array(32) : salt, ikm)
const hkdfExpand = (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => {
  const out: Array<Uint8Array> = []
  let t: Uint8Array = new Uint8Array(0)
  for (let i = 1; out.length * 32 < length; i++) {
    t = hmac(prk, Bytes.concat(t, info, Uint8Array.of(i)))
    out.push(t)
  }
  return Bytes.concat(...out).subarray(0, length)
}
const be16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 255)
const KEM_SUITE = Bytes.concat(utf8("KEM"), be16(0x20))
const HPKE_SUITE = Bytes.concat(utf8("HPKE"), be16(0x20), be16(1), be16(3))
const lExtract = (suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) => hkdfExtract(salt, Bytes.concat(utf8("HPKE-v1"), suite, utf8(label), ikm))
const lExpand = (suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number) =>
  hkdfExpand(prk, Bytes.concat(be16(length), utf8("HPKE-v1"), suite, utf8(label), info), length)
const none = new Uint8Array(0)

const nodeChaCha = {
  open: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined => {
    try {
      const d = nodeCrypto.createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 })
      d.setAAD(aad, { plaintextLength: sealed.length - 16 })
      d.setAuthTag(sealed.subarray(sealed.length - 16))
      return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]))
    } catch {
      return undefined
    }
  }
}

/** A device's sealing key pair from its signing seed (§5a), with node:crypto. */
const nodeSealingKey = (seed: Uint8Array): { readonly ikm: Uint8Array; readonly secret: Uint8Array; readonly publicKey: Uint8Array } => {
  const ikm = hkdfExpand(hkdfExtract(utf8("affinity/seal-key/v1"), seed), none, 32)
  const secret = lExpand(KEM_SUITE, lExtract(KEM_SUITE, none, "dkp_prk", ikm), "sk", none, 32)
  return { ikm, secret, publicKey: nodeX25519.publicKey(secret) }
}

/** Open sealed bytes (§5a) with node:crypto: the secret, or why not. */
const nodeOpen = (sealed: Uint8Array, secret: Uint8Array, context: Uint8Array): { ok: true; secret: Uint8Array } | { ok: false; reason: string } => {
  const decoded = Cbor.decode(sealed)
  if (!decoded.ok) return { ok: false, reason: "Malformed" }
  const m = decoded.value as { [k: string]: Cbor.Value }
  if (typeof m !== "object" || m === null || Array.isArray(m) || m instanceof Uint8Array) return { ok: false, reason: "Malformed" }
  if (typeof m["v"] === "number" && m["v"] !== 1) return { ok: false, reason: "UnknownVersion" }
  const keys = Object.keys(m).sort().join(",")
  const { v, e, k, r, c } = m
  if (keys !== "c,e,k,r,v" || v !== 1 || !(e instanceof Uint8Array) || !(k instanceof Uint8Array) || !(r instanceof Uint8Array) || !(c instanceof Uint8Array))
    return { ok: false, reason: "Malformed" }
  if (e.length !== 32 || !CoreEvents.isSealingKey(e) || k.length !== 32 || r.length === 0 || r.length % 56 !== 0 || r.length > 56 * 16384 || c.length < 16 || c.length > 65536 + 16)
    return { ok: false, reason: "Malformed" }
  for (let at = 56; at < r.length; at += 56) if (Bytes.compare(r.subarray(at - 56, at), r.subarray(at, at + 56)) >= 0) return { ok: false, reason: "Malformed" }
  const pk = nodeX25519.publicKey(secret)
  const dh = nodeX25519.agree(secret, e)
  const shared = lExpand(KEM_SUITE, lExtract(KEM_SUITE, none, "eae_prk", dh), "shared_secret", Bytes.concat(e, pk), 32)
  const info = Bytes.concat(utf8("affinity/seal/v1\u0000"), context)
  const ksc = Bytes.concat(Uint8Array.of(0), lExtract(HPKE_SUITE, none, "psk_id_hash", none), lExtract(HPKE_SUITE, none, "info_hash", info))
  const s = lExtract(HPKE_SUITE, shared, "secret", none)
  const key = lExpand(HPKE_SUITE, s, "key", ksc, 32)
  const nonce = lExpand(HPKE_SUITE, s, "base_nonce", ksc, 12)
  const hint = lExpand(HPKE_SUITE, lExpand(HPKE_SUITE, s, "exp", ksc, 32), "sec", utf8("affinity/seal/v1 hint"), 8)
  let found = false
  for (let at = 0; at < r.length; at += 56) {
    if (!Bytes.equals(r.subarray(at, at + 8), hint)) continue
    found = true
    const contentKey = nodeChaCha.open(key, nonce, k, r.subarray(at + 8, at + 56))
    if (contentKey === undefined) continue
    const prk = hkdfExtract(utf8("affinity/seal/v1 content"), contentKey)
    if (!Bytes.equals(hkdfExpand(prk, utf8("commit"), 32), k)) continue
    const opened = nodeChaCha.open(hkdfExpand(prk, utf8("key"), 32), new Uint8Array(12), k, c)
    if (opened !== undefined) return { ok: true, secret: opened }
  }
  return { ok: false, reason: found ? "Tampered" : "NotARecipient" }
}

// --- the vectors --------------------------------------------------------------------------------

const ED25519_PKCS8 = bytes("302e020100300506032b657004220420")
const ED25519_SPKI = bytes("302a300506032b6570032100")
const edPrivate = (seed: Uint8Array) => nodeCrypto.createPrivateKey({ key: Buffer.from(Bytes.concat(ED25519_PKCS8, seed)), format: "der", type: "pkcs8" })

/** The device key of a signing seed, with node:crypto. */
const deviceOf = (seed: Uint8Array): Keys.DeviceKey => {
  const publicKey = new Uint8Array(nodeCrypto.createPublicKey(edPrivate(seed)).export({ format: "der", type: "spki" }).subarray(ED25519_SPKI.length))
  return { secret: seed, publicKey, id: hex(publicKey) }
}

const NAMES: ReadonlyArray<readonly [string, number]> = [
  ["alice", 0x01],
  ["bob", 0x02],
  ["carol", 0x03],
  ["alice's phone", 0x05],
  ["eve", 0x06]
]

/** Fixed randomness: 32 bytes of `fill`, then 32 bytes of `fill + 1`. */
const randomness = (fill: number): Seal.Randomness => ({ ephemeral: new Uint8Array(32).fill(fill), contentKey: new Uint8Array(32).fill(fill + 1) })

/** The text of `sealing.json`. */
const generate = async (): Promise<string> => {
  checkRfc()
  const devices = new Map<string, Keys.DeviceKey>()
  const keys = []
  for (const [name, fill] of NAMES) {
    const device = deviceOf(new Uint8Array(32).fill(fill))
    devices.set(name, device)
    const other = nodeSealingKey(device.secret)
    same(Seal.publicKey(device), other.publicKey, `${name}'s sealing key`)
    if (!CoreEvents.isSealingKey(other.publicKey)) fail(`${name}'s sealing key is refused by isSealingKey`)
    keys.push({ name, seed: hex(device.secret), device: device.id, ikm: hex(other.ikm), sealingSecret: hex(other.secret), sealingKey: hex(other.publicKey) })
  }
  const device = (name: string): Keys.DeviceKey => devices.get(name) ?? fail(`no device ${name}`)
  const sealingKey = (name: string): Uint8Array => Seal.publicKey(device(name))

  // The consent a new device signs to a core/device.add that carries its sealing key.
  const community = bytes("5b2ad2e3c6e0a1f0f9f5b0c3d6a7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9")
  const phone = device("alice's phone")
  const seal = sealingKey("alice's phone")
  const message = Bytes.concat(utf8("affinity/device/v1\u0000"), community, device("alice").publicKey, seal)
  same(CoreEvents.deviceConsentMessage(community, device("alice").publicKey, seal), message, "consent message")
  const addition = { device: phone.publicKey, seal, consent: new Uint8Array(nodeCrypto.sign(null, message, edPrivate(phone.secret))) }
  const consent = {
    name: "alice's phone added by alice, with its sealing key",
    checks: "the consent of a core/device.add that carries `seal` covers it: the message is the domain, the community id, the adder's key and the sealing key",
    community: hex(community),
    adder: device("alice").id,
    device: phone.id,
    seal: hex(addition.seal),
    message: hex(message),
    consent: hex(addition.consent),
    body: hex(Cbor.encode({ device: addition.device, consent: addition.consent, seal: addition.seal }))
  }

  // Sealed secrets.
  type Case = { name: string; checks: string; recipients: ReadonlyArray<string>; secret: Uint8Array; context: Uint8Array; fill: number; outsiders: ReadonlyArray<string> }
  const cases: ReadonlyArray<Case> = [
    {
      name: "a group key to one device",
      checks: "one recipient: one entry of 56 bytes; eve, who is not a recipient, finds no entry",
      recipients: ["alice"],
      secret: new Uint8Array(32).map((_, i) => i),
      context: none,
      fill: 0x10,
      outsiders: ["eve", "bob"]
    },
    {
      name: "a group key to three members, one with two devices",
      checks: "four recipients, entries in ascending byte order; each device opens the same secret",
      recipients: ["alice", "alice's phone", "bob", "carol"],
      secret: new Uint8Array(32).map((_, i) => 255 - i),
      context: community,
      fill: 0x20,
      outsiders: ["eve"]
    },
    {
      name: "a text with a context",
      checks: "a secret of another length, bound to a context (a community id and a channel); a key listed twice gets one entry",
      recipients: ["bob", "carol", "bob"],
      secret: utf8("The gate code is 4711."),
      context: Bytes.concat(community, utf8("channel:garden/epoch:3")),
      fill: 0x30,
      outsiders: ["alice", "eve"]
    },
    {
      name: "an empty secret",
      checks: "a secret of no bytes: the ciphertext is the 16-byte tag alone",
      recipients: ["carol"],
      secret: none,
      context: none,
      fill: 0x40,
      outsiders: ["alice"]
    }
  ]
  const sealed = []
  const made = new Map<string, Uint8Array>()
  for (const c of cases) {
    const r = Seal.sealWith(c.recipients.map(sealingKey), c.secret, randomness(c.fill), { context: c.context })
    if (!r.ok) return fail(`${c.name}: ${r.error.message}`)
    const distinct = new Set(c.recipients).size
    if (r.value.length !== Seal.sizeOf(distinct, c.secret.length)) fail(`${c.name}: ${r.value.length} bytes, not the ${Seal.sizeOf(distinct, c.secret.length)} sizeOf says`)
    made.set(c.name, r.value)
    for (const name of new Set(c.recipients)) {
      const opened = nodeOpen(r.value, nodeSealingKey(device(name).secret).secret, c.context)
      if (!opened.ok || !Bytes.equals(opened.secret, c.secret)) fail(`${c.name}: ${name} cannot open it with node:crypto`)
      const sdk = Seal.unseal(r.value, device(name), { context: c.context })
      if (!sdk.ok || !Bytes.equals(sdk.value, c.secret)) fail(`${c.name}: ${name} cannot open it with the SDK`)
    }
    for (const name of c.outsiders) {
      const opened = nodeOpen(r.value, nodeSealingKey(device(name).secret).secret, c.context)
      const sdk = Seal.unseal(r.value, device(name), { context: c.context })
      if (opened.ok || opened.reason !== "NotARecipient" || sdk.ok || sdk.error.reason !== "NotARecipient") fail(`${c.name}: ${name} is not refused NotARecipient`)
    }
    sealed.push({
      name: c.name,
      checks: c.checks,
      recipients: c.recipients.map((name) => hex(sealingKey(name))),
      secret: hex(c.secret),
      context: hex(c.context),
      ephemeral: hex(randomness(c.fill).ephemeral),
      contentKey: hex(randomness(c.fill).contentKey),
      sealed: hex(r.value),
      size: r.value.length,
      opens: [...new Set(c.recipients)],
      refuses: c.outsiders.map((name) => ({ opener: name, reason: "NotARecipient" }))
    })
  }

  // Sealed bytes a device must refuse.
  const base = made.get("a group key to three members, one with two devices")!
  const parts = (Cbor.decode(base) as { ok: true; value: { [k: string]: Uint8Array | number } }).value
  const r = parts["r"] as Uint8Array
  const flip = (b: Uint8Array, at: number): Uint8Array => {
    const out = b.slice()
    out[at] = out[at]! ^ 0x01
    return out
  }
  // Offsets in the canonical map { c, e, k, r, v } (keys in this order, section 5a).
  const c = parts["c"] as Uint8Array
  const head = (n: number): number => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5)
  const cStart = 1 + 2 + head(c.length)
  const eStart = cStart + c.length + 2 + 2
  const kStart = eStart + 32 + 2 + 2
  const rStart = kStart + 32 + 2 + head(r.length)
  same(base.subarray(cStart, cStart + c.length), c, "offset of c")
  same(base.subarray(eStart, eStart + 32), parts["e"] as Uint8Array, "offset of e")
  same(base.subarray(kStart, kStart + 32), parts["k"] as Uint8Array, "offset of k")
  same(base.subarray(rStart, rStart + r.length), r, "offset of r")
  // Alice's entry: the one whose wrapped key, changed, makes her opening fail as Tampered.
  const aliceAt = (() => {
    for (let n = 0; n < r.length / 56; n++) {
      const sdk = Seal.unseal(flip(base, rStart + n * 56 + 8 + 5), device("alice"), { context: community })
      if (!sdk.ok && sdk.error.reason === "Tampered") return rStart + n * 56
    }
    return fail("alice's entry not found")
  })()
  const entries = Array.from({ length: r.length / 56 }, (_, n) => r.subarray(n * 56, n * 56 + 56))
  const reencode = (changes: { [k: string]: Cbor.Value }): Uint8Array => Cbor.encode({ ...parts, ...changes })
  type Refusal = { name: string; checks: string; sealed: Uint8Array; opener: string; context: Uint8Array; reason: Seal.Reason }
  const refusals: ReadonlyArray<Refusal> = [
    {
      name: "a changed wrapped key",
      checks: "one bit of alice's wrapped content key flipped: her entry does not authenticate (Tampered)",
      sealed: flip(base, aliceAt + 8 + 5),
      opener: "alice",
      context: community,
      reason: "Tampered"
    },
    {
      name: "a changed hint",
      checks: "one bit of alice's hint flipped: she finds no entry for her key (NotARecipient)",
      sealed: flip(base, aliceAt + 2),
      opener: "alice",
      context: community,
      reason: "NotARecipient"
    },
    {
      name: "a changed ciphertext",
      checks: "one bit of the ciphertext flipped: it does not authenticate under the content key (Tampered)",
      sealed: flip(base, cStart + 3),
      opener: "bob",
      context: community,
      reason: "Tampered"
    },
    {
      name: "a changed commitment",
      checks: "one bit of the commitment flipped: every wrapped key is authenticated with it as associated data (Tampered)",
      sealed: flip(base, kStart),
      opener: "carol",
      context: community,
      reason: "Tampered"
    },
    {
      name: "a changed ephemeral key",
      checks: "one bit of the ephemeral key flipped: the hints no longer match (NotARecipient)",
      sealed: flip(base, eStart + 1),
      opener: "alice's phone",
      context: community,
      reason: "NotARecipient"
    },
    {
      name: "another context",
      checks: "opened with another context than it was sealed with: the hints no longer match (NotARecipient)",
      sealed: base,
      opener: "alice",
      context: none,
      reason: "NotARecipient"
    },
    {
      name: "version 2",
      checks: "v is the version, 1",
      sealed: reencode({ v: 2 }),
      opener: "alice",
      context: community,
      reason: "UnknownVersion"
    },
    {
      name: "entries out of order",
      checks: "the entries are in strictly ascending byte order",
      sealed: reencode({ r: Bytes.concat(...[...entries].reverse()) }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "an entry twice",
      checks: "strictly ascending: no entry twice",
      sealed: reencode({ r: Bytes.concat(entries[0]!, ...entries) }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "a cut entry",
      checks: "the entries are a whole number of 56-byte entries",
      sealed: reencode({ r: r.subarray(0, r.length - 1) }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "no entries",
      checks: "at least one entry",
      sealed: reencode({ r: none }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "an extra key",
      checks: "exactly the keys v, e, k, r and c",
      sealed: reencode({ x: 0 }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "an ephemeral key of small order",
      checks: "e is a sealing key: canonical and not of small order (here u = 1)",
      sealed: reencode({ e: Bytes.concat(Uint8Array.of(1), new Uint8Array(31)) }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "a short ciphertext",
      checks: "the ciphertext holds at least its 16-byte tag",
      sealed: reencode({ c: new Uint8Array(15) }),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "not canonical",
      checks: "canonical CBOR only: the version as a two-byte integer",
      sealed: (() => {
        const good = base
        const tail = hex(good).lastIndexOf("617601")
        if (tail < 0) return fail("no v in the base vector")
        return bytes(`${hex(good).slice(0, tail)}61761801${hex(good).slice(tail + 6)}`)
      })(),
      opener: "alice",
      context: community,
      reason: "Malformed"
    },
    {
      name: "trailing bytes",
      checks: "nothing after the map",
      sealed: Bytes.concat(base, Uint8Array.of(0)),
      opener: "alice",
      context: community,
      reason: "Malformed"
    }
  ]
  const refused = []
  for (const x of refusals) {
    const sdk = Seal.unseal(x.sealed, device(x.opener), { context: x.context })
    if (sdk.ok) return fail(`${x.name}: the SDK opens it`)
    if (sdk.error.reason !== x.reason) fail(`${x.name}: the SDK refuses it as ${sdk.error.reason}, not ${x.reason}`)
    const other = nodeOpen(x.sealed, nodeSealingKey(device(x.opener).secret).secret, x.context)
    if (other.ok || other.reason !== x.reason) fail(`${x.name}: node:crypto ${other.ok ? "opens it" : `refuses it as ${other.reason}`}, not ${x.reason}`)
    refused.push({ name: x.name, checks: x.checks, sealed: hex(x.sealed), opener: x.opener, context: hex(x.context), reason: x.reason })
  }

  // Sizes.
  const sizes = [1, 2, 100, 1000, Math.floor((65_536 - Seal.sizeOf(0, 32)) / Seal.ENTRY_LENGTH)].map((n) => ({ recipients: n, secret: 32, bytes: Seal.sizeOf(n, 32) }))

  const out = {
    description:
      "Sealing keys and sealed secrets (docs/protocol.md, section 5a). Byte strings are lower-case hex. Keys come from the signing seeds of the other vectors: 32 bytes of 0x01 (alice), 0x02 (bob), 0x03 (carol), 0x05 (alice's phone), 0x06 (eve).",
    rules:
      'Sealing key: ikm = HKDF-SHA256(salt "affinity/seal-key/v1", IKM = signing seed, info "", L 32); (sealingSecret, sealingKey) = DeriveKeyPair(ikm) of DHKEM(X25519, HKDF-SHA256) (RFC 9180 7.1.3). Sealing to keys pkR_1..n with randomness (ephemeral, contentKey) and context: (skE, pkE) = DeriveKeyPair(ephemeral); info = "affinity/seal/v1" 0x00 || context; prk = HKDF-Extract(salt "affinity/seal/v1 content", contentKey); key = HKDF-Expand(prk, "key", 32); commitment = HKDF-Expand(prk, "commit", 32); per distinct recipient, ctx = the RFC 9180 base-mode context SetupBaseS(pkR, info) would make with the ephemeral key (skE, pkE), entry = ctx.Export("affinity/seal/v1 hint", 8) || ctx.Seal(aad = commitment, contentKey); entries sorted bytewise; c = ChaCha20-Poly1305(key, nonce 0^12, aad = commitment, secret); sealed = canonical CBOR { v: 1, e: pkE, k: commitment, r: the entries concatenated, c }. A device opens by recomputing its hint, opening the entries with that hint, checking the commitment, then c; it refuses with Malformed, UnknownVersion, NotARecipient (no entry with its hint) or Tampered (an entry with its hint, but nothing authenticates).',
    hpke: RFC,
    keys,
    consent,
    sealed,
    refused,
    sizes
  }
  return `${JSON.stringify(out, null, 1)}\n`
}

const target = new URL("../vectors/sealing.json", import.meta.url)
const text = await generate()
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => undefined)
  console.log(current === text ? "sealing.json is up to date" : "sealing.json differs from what the generator writes")
  process.exitCode = current === text ? 0 : 1
} else {
  await writeFile(target, text)
  console.log(`wrote conformance/vectors/sealing.json (${text.length} bytes)`)
}
