/**
 * Writes the conformance vectors of the expression module, `conformance/vectors/expression.json`.
 *
 * Every key comes from fixed secret bytes, every time and every random byte is fixed, and
 * Ed25519 signatures are deterministic, so running the generator again gives a byte-identical
 * file. Epochs, phone trees and manifests are recomputed here from the rules with `node:crypto`
 * and a hand-written CBOR encoder (not with the module's code), message encryption with
 * `node:crypto`'s ChaCha20-Poly1305 and a hand-written HChaCha20, and must agree with the SDK.
 * The outcome of every event of the histories is written by hand and checked against the SDK;
 * only state hashes are taken from the SDK, and checked to be equal across delivery orders.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/expression/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/expression/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import * as nodeCrypto from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { Bytes, type Event, Seal } from "../../packages/core/src/index.ts"
import { type TestKey, testKey } from "../../packages/core/src/testing/Signer.ts"
import { TestCommunity } from "../../packages/core/src/testing/TestCommunity.ts"
import { Epoch, Expression, Page, type State, Tree } from "../../packages/expression/src/index.ts"
import * as Private from "../../packages/expression/src/Private.ts"
import { council, createGroup, decide } from "../../packages/expression/test/support/council.ts"

const hex = Bytes.toHex
const unhex = (h: string): Uint8Array => Bytes.fromHex(h)!
const sha256 = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const h = nodeCrypto.createHash("sha256")
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const fail = (message: string): never => {
  throw new Error(message)
}

// --- an independent canonical CBOR for { channel, members, rotations } ---------------------------

const head = (major: number, n: number): Uint8Array =>
  n < 24 ? Uint8Array.of((major << 5) | n) : n < 0x100 ? Uint8Array.of((major << 5) | 24, n) : Uint8Array.of((major << 5) | 25, n >> 8, n & 0xff)
const tstr = (s: string): Uint8Array => Bytes.concat(head(3, Buffer.byteLength(s)), Bytes.utf8(s))
const tarr = (xs: ReadonlyArray<string>): Uint8Array => Bytes.concat(head(4, xs.length), ...xs.map(tstr))
const epochOf = (channel: string, members: ReadonlyArray<string>, rotations: ReadonlyArray<string>): string =>
  hex(
    sha256(
      Bytes.concat(
        head(5, 3),
        tstr("channel"), tstr(channel),
        tstr("members"), tarr([...new Set(members)].sort()),
        tstr("rotations"), tarr([...new Set(rotations)].sort())
      )
    )
  )

// --- XChaCha20-Poly1305 from node:crypto's ChaCha20-Poly1305 and a hand-written HChaCha20 --------

const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0
const hchacha20 = (key: Uint8Array, nonce16: Uint8Array): Uint8Array => {
  const dv = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset).getUint32(i * 4, true)
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...Array.from({ length: 8 }, (_, i) => dv(key, i)), ...Array.from({ length: 4 }, (_, i) => dv(nonce16, i))]
  const qr = (a: number, b: number, c: number, d: number) => {
    s[a] = (s[a]! + s[b]!) >>> 0; s[d] = rotl(s[d]! ^ s[a]!, 16)
    s[c] = (s[c]! + s[d]!) >>> 0; s[b] = rotl(s[b]! ^ s[c]!, 12)
    s[a] = (s[a]! + s[b]!) >>> 0; s[d] = rotl(s[d]! ^ s[a]!, 8)
    s[c] = (s[c]! + s[d]!) >>> 0; s[b] = rotl(s[b]! ^ s[c]!, 7)
  }
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
  }
  const out = new Uint8Array(32)
  const w = new DataView(out.buffer)
  ;[0, 1, 2, 3, 12, 13, 14, 15].forEach((j, i) => w.setUint32(i * 4, s[j]!, true))
  return out
}
const xchacha = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array => {
  const sub = hchacha20(key, nonce.subarray(0, 16))
  const iv = Bytes.concat(new Uint8Array(4), nonce.subarray(16, 24))
  const c = nodeCrypto.createCipheriv("chacha20-poly1305", sub, iv, { authTagLength: 16 })
  c.setAAD(aad, { plaintextLength: plaintext.length })
  return Bytes.concat(nonce, c.update(plaintext), c.final(), c.getAuthTag())
}

// --- histories ---------------------------------------------------------------------------------

const ada = testKey(1, "ada")
const bo = testKey(2, "bo")
const cy = testKey(3, "cy")
const dee = testKey(4, "dee")
const modules = [Expression.module, council]

interface Step {
  readonly label: string
  readonly event: Event.Event
  readonly expect: string
}

const outcomeOf = (c: TestCommunity, e: Event.Event, order?: ReadonlyArray<Event.Event>): string => {
  const o = c.replica(order).outcome(e.key)!
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")
}

const scenario = (
  name: string,
  checks: string,
  founders: ReadonlyArray<TestKey>,
  build: (c: TestCommunity, step: (label: string, e: Event.Event, expect: string) => Event.Event) => Record<string, unknown> | void
) => {
  const c = new TestCommunity(founders, { timeWitnesses: 1 })
  c.modules = modules
  const steps: Array<Step> = []
  const extra = build(c, (label, event, expect) => {
    steps.push({ label, event, expect })
    return event
  }) ?? {}
  const reference = c.replica()
  for (const s of steps) {
    const got = outcomeOf(c, s.event)
    if (got !== s.expect) fail(`${name}: ${s.label}: expected ${s.expect}, got ${got}`)
  }
  const hash = hex(reference.stateHash())
  const reversed = c.replica([c.events[0]!, ...c.events.slice(1).reverse()])
  if (hex(reversed.stateHash()) !== hash) fail(`${name}: another delivery order gives another state`)
  const state = reference.state<State>(Expression.module)
  return {
    name,
    checks,
    genesis: hex(c.genesis.bytes),
    events: c.events.slice(1).map((e) => ({ label: steps.find((s) => s.event.key === e.key)?.label ?? `${e.header.module}/${e.header.type}`, id: e.key, wire: hex(e.bytes) })),
    expected: { outcomes: steps.map((s) => ({ label: s.label, outcome: s.expect })), ...(typeof extra === "function" ? {} : resolve(extra, state)), stateHash: hash }
  }
}
const resolve = (extra: Record<string, unknown>, state: State): Record<string, unknown> =>
  Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === "function" ? (v as (s: State) => unknown)(state) : v]))

const scenarios = [
  scenario(
    "private channel: a removal starts a new epoch",
    "a key and messages of the first epoch apply; after a community decision removes Cy, a message or key of the old epoch by a member who has seen the removal is StaleEpoch, Cy's post is NotAChannelMember, and a key of the new epoch (computed from the members) applies",
    [ada, bo, cy],
    (c, step) => {
      const open = step("open", c.send(ada, Expression.openChannel({ name: "care", title: "Care circle", kind: "private", members: [bo.id, cy.id] })), "Applied")
      const e0 = epochOf(open.key, [ada.id, bo.id, cy.id], [])
      const key0 = step("key of epoch 0", c.send(ada, Expression.channelKey(open.key, e0, [ada.id, bo.id, cy.id])), "Applied")
      step("post under it", c.send(bo, Expression.post(open.key, { key: key0.key })), "Applied")
      step("post without a key", c.send(bo, Expression.post(open.key)), "NeedsKey")
      step("removal of Cy", c.send(ada, decide("community", Expression.removeMember(open.key, cy.id, "moved away"))), "Applied; channel.remove Applied")
      const e1 = epochOf(open.key, [ada.id, bo.id], [])
      step("post under the old key", c.send(bo, Expression.post(open.key, { key: key0.key })), "StaleEpoch")
      step("key of the old epoch", c.send(bo, Expression.channelKey(open.key, e0, [ada.id, bo.id])), "StaleEpoch")
      step("Cy posts", c.send(cy, Expression.post(open.key, { key: key0.key })), "NotAChannelMember")
      const key1 = step("key of epoch 1", c.send(bo, Expression.channelKey(open.key, e1, [ada.id, bo.id])), "Applied")
      step("post under it", c.send(ada, Expression.post(open.key, { key: key1.key })), "Applied")
      step("rotation by Ada", c.send(ada, Expression.rotate(open.key)), "Applied")
      step("post under epoch 1 after the rotation", c.send(ada, Expression.post(open.key, { key: key1.key })), "StaleEpoch")
      return { epochs: [e0, e1], epoch: (s: State) => s.channels[open.key]!.epoch }
    }
  ),
  scenario(
    "private channel: concurrent changes converge",
    "Cy leaves while Bo adds Dee, concurrently, and Ada posts under the first key on the same parents: all apply; the channel's epoch is the epoch of the union of both changes in every delivery order; the post is marked stale exactly when a change sorts before it",
    [ada, bo, cy, dee],
    (c, step) => {
      const open = step("open", c.send(ada, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo.id, cy.id] })), "Applied")
      const key0 = step("key of epoch 0", c.send(ada, Expression.channelKey(open.key, epochOf(open.key, [ada.id, bo.id, cy.id], []), [ada.id, bo.id, cy.id])), "Applied")
      const base = c.heads()
      step("Cy leaves", c.send(cy, Expression.leaveChannel(open.key), { parents: base }), "Applied")
      step("Bo adds Dee", c.send(bo, Expression.addMember(open.key, dee.id), { parents: base }), "Applied")
      const post = step("Ada posts, concurrently", c.send(ada, Expression.post(open.key, { key: key0.key }), { parents: base }), "Applied")
      return { epoch: epochOf(open.key, [ada.id, bo.id, dee.id], []), stale: (s: State) => Expression.messageOf(s, post.key)!.stale }
    }
  ),
  scenario(
    "channels: rules, announcements, edits and mutes",
    "a group channel takes posts from its group only; its posting rule becomes announce by the group's decision, after which members' posts are AnnouncementsOnly and the group's announcement applies; another group cannot rule a channel that is not its own (OutsideChannel); an edit by someone else is NotYourMessage; a mute is Restricted in its channel, not elsewhere, and stops a post the decision had not seen",
    [ada, bo, cy],
    (c, step) => {
      const group = step("group", c.send(ada, createGroup("Newsletter", [ada.id, bo.id])), "Applied")
      const news = step("group channel", c.send(ada, Expression.openChannel({ name: "news", title: "News", kind: "group", group: group.key })), "Applied")
      step("Cy posts in it", c.send(cy, Expression.post(news.key)), "NotInGroup")
      step("rule by the group", c.send(ada, decide(`group/${group.key}`, Expression.postingRule(news.key, "announce"))), "Applied; channel.rule Applied")
      step("Bo posts after the rule", c.send(bo, Expression.post(news.key)), "AnnouncementsOnly")
      step("announcement", c.send(bo, decide(`group/${group.key}`, Expression.announce(news.key, "Seed swap on Sunday at ten"))), "Applied; announce Applied")
      const garden = step("community channel", c.send(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" })), "Applied")
      step("the group rules another channel", c.send(bo, decide(`group/${group.key}`, Expression.postingRule(garden.key, "announce"))), "Applied; channel.rule OutsideChannel")
      const hello = step("Ada posts", c.send(ada, Expression.post(garden.key)), "Applied")
      step("Cy edits Ada's post", c.send(cy, Expression.edit(hello.key)), "NotYourMessage")
      const base = c.heads()
      step("Cy posts offline", c.send(cy, Expression.post(garden.key), { parents: base }), "Restricted")
      step("mute of Cy", c.send(ada, decide("community", Expression.mute(garden.key, cy.id, 1_800_000_000_000, "a week of shouting")), { parents: base }), "Applied; channel.mute Applied")
      step("Cy posts after the mute", c.send(cy, Expression.post(garden.key)), "Restricted")
      const other = step("another channel", c.send(bo, Expression.openChannel({ name: "other", title: "Other", kind: "community" })), "Applied")
      step("Cy posts elsewhere", c.send(cy, Expression.post(other.key)), "Applied")
    }
  ),
  scenario(
    "emergency: alerts, contacts and a drill",
    "an alert escalates at the second confirmation by others within ten minutes (the default rule); the raiser's own confirmation is OwnAlert, a repeat AlreadyConfirmed; only the raiser cancels; the rule changes only by a community decision; a drill before anyone shared a contact is TooFewPeople; a drill's tree is fixed at its start, and its confirmations are recorded",
    [ada, bo, cy, dee],
    (c, step) => {
      const alert = step("alert", c.send(ada, Expression.raise("danger")), "Applied")
      step("own confirmation", c.send(ada, Expression.confirm(alert.key)), "OwnAlert")
      step("Bo confirms", c.send(bo, Expression.confirm(alert.key)), "Applied")
      step("Bo again", c.send(bo, Expression.confirm(alert.key)), "AlreadyConfirmed")
      step("Cy confirms", c.send(cy, Expression.confirm(alert.key)), "Applied")
      step("Bo cancels Ada's alert", c.send(bo, Expression.cancel(alert.key)), "NotYourAlert")
      step("Ada cancels", c.send(ada, Expression.cancel(alert.key)), "Applied")
      step("rule signed directly", c.send(ada, Expression.emergencyRule({ confirmations: 3, minutes: 5, fanout: 2 })), "NeedsDecision")
      step("rule by the community", c.send(ada, decide("community", Expression.emergencyRule({ confirmations: 3, minutes: 5, fanout: 2 }))), "Applied; emergency.rule Applied")
      step("early drill", c.send(ada, Expression.startDrill()), "TooFewPeople")
      for (const k of [bo, cy, dee]) step(`${k.name} shares a contact`, c.send(k, Expression.shareContact([ada.id])), "Applied")
      const drill = step("drill", c.send(ada, Expression.startDrill()), "Applied")
      step("Bo confirms the drill", c.send(bo, Expression.confirmDrill(drill.key)), "Applied")
      step("Bo ends Ada's drill", c.send(bo, Expression.endDrill(drill.key)), "NotYourDrill")
      step("Ada ends it", c.send(ada, Expression.endDrill(drill.key)), "Applied")
      step("Cy confirms after the end", c.send(cy, Expression.confirmDrill(drill.key)), "DrillEnded")
      return {
        escalated: (s: State) => s.alerts[alert.key]!.escalated !== null,
        tree: treeOf(c.community, [ada.id, bo.id, cy.id, dee.id], ada.id),
        fanout: 2
      }
    }
  )
]

// --- trees, manifests, keys and messages --------------------------------------------------------

function treeOf(community: Uint8Array | string, people: ReadonlyArray<string>, root: string): ReadonlyArray<string> {
  const c = typeof community === "string" ? unhex(community) : community
  const others = [...new Set(people)].filter((p) => p !== root).map((p) => ({ p, at: hex(sha256(c, unhex(p))) }))
  others.sort((a, b) => (a.at < b.at ? -1 : 1))
  return [root, ...others.map((o) => o.p)]
}

const people = Array.from({ length: 10 }, (_, i) => testKey(0x20 + i, `p${i}`).id)
const community = "c0".repeat(32)
const trees = [2, 3].map((fanout) => {
  const order = treeOf(community, people, people[0]!)
  if (JSON.stringify(Tree.order(community, people, people[0]!)) !== JSON.stringify(order)) fail("tree order differs")
  return {
    name: `tree of ten, fanout ${fanout}`,
    checks: "order: the root, then everyone else by SHA-256(community id ‖ identity) ascending; person i calls positions fanout·i + 1 … fanout·i + fanout",
    community,
    people,
    root: people[0]!,
    fanout,
    order,
    calls: order.map((p, i) => ({ caller: p, calls: order.slice(fanout * i + 1, fanout * i + 1 + fanout) }))
  }
})

const siteFiles = [
  { path: "index.html", text: "<h1>Riverside Tool Library</h1>" },
  { path: "contact.txt", text: "At the community centre, Saturdays from ten." }
]
const built = Page.build(community, "Riverside Tool Library", siteFiles.map((f) => ({ path: f.path, bytes: Bytes.utf8(f.text) })))
const manifestText = `${JSON.stringify({
  version: 1,
  community,
  title: "Riverside Tool Library",
  files: [...siteFiles].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, size: Buffer.byteLength(f.text), sha256: hex(sha256(Bytes.utf8(f.text))) }))
})}\n`
if (new TextDecoder().decode(built.bytes) !== manifestText) fail("manifest bytes differ")
const manifests = [
  {
    name: "a two-file page",
    checks: "the manifest is its JSON with keys in the order version, community, title, files and each file's path, size, sha256, files sorted by path, no spaces, one line end; its hash is what page.publish carries",
    files: siteFiles,
    manifest: manifestText,
    hash: hex(sha256(Bytes.utf8(manifestText)))
  }
]

const epochs = [
  { channel: "0c".repeat(32), members: [ada.id, bo.id], rotations: [] as Array<string> },
  { channel: "0c".repeat(32), members: [bo.id, ada.id], rotations: [] as Array<string> },
  { channel: "0c".repeat(32), members: [ada.id], rotations: [] as Array<string> },
  { channel: "0c".repeat(32), members: [ada.id, bo.id], rotations: ["0e".repeat(32)] }
].map((e, i) => {
  const epoch = epochOf(e.channel, e.members, e.rotations)
  if (Epoch.of(e.channel, e.members, e.rotations) !== epoch) fail("epoch differs")
  return { name: `epoch ${i + 1}`, checks: "SHA-256 of canonical CBOR { channel, members (sorted), rotations (sorted) }, all hex text", ...e, epoch }
})

const channel = "0c".repeat(32)
const epoch = epochs[0]!.epoch
const lock = "0d".repeat(32)
const epochKey = new Uint8Array(32).fill(0x42)
const sealed = Seal.sealWith([Seal.publicKey(ada), Seal.publicKey(bo)], epochKey, { ephemeral: new Uint8Array(32).fill(0x11), contentKey: new Uint8Array(32).fill(0x22) }, { context: Bytes.concat(unhex(community), Private.keyContext(channel, epoch)) })
if (!sealed.ok) fail("sealing failed")
const sealedBytes = (sealed as { readonly ok: true; readonly value: Uint8Array }).value
for (const [k, opens] of [[ada, true], [bo, true], [cy, false]] as const) {
  const r = Seal.unseal(sealedBytes, k, { context: Bytes.concat(unhex(community), Private.keyContext(channel, epoch)) })
  if (r.ok !== opens) fail("sealed key opens for the wrong device")
}
const keys = [
  {
    name: "an epoch key sealed to two devices",
    checks: "the key of an epoch is sealed (§5a) with context community id ‖ \"affinity/expression/channel-key/v1\" ‖ 0x00 ‖ channel ‖ epoch; Ada's and Bo's devices open it, Cy's does not (NotARecipient)",
    community,
    channel,
    epoch,
    context: hex(Bytes.concat(unhex(community), Private.keyContext(channel, epoch))),
    key: hex(epochKey),
    randomness: { ephemeral: "11".repeat(32), contentKey: "22".repeat(32) },
    recipients: [{ seed: hex(ada.secret), opens: true }, { seed: hex(bo.secret), opens: true }, { seed: hex(cy.secret), opens: false }],
    sealed: hex(sealedBytes)
  }
]

const messages = ["Cy's mother is in hospital; who can drive on Tuesday?", "", "ünïcødé ✓"].map((text, i) => {
  const nonce = new Uint8Array(24).fill(i + 1)
  const aad = Private.messageAad(community, channel, lock)
  const box = xchacha(epochKey, nonce, aad, Bytes.utf8(text))
  if (hex(Private.encrypt(epochKey, text, aad, nonce)) !== hex(box)) fail("message encryption differs")
  return {
    name: `message ${i + 1}`,
    checks: "the payload is nonce ‖ XChaCha20-Poly1305(key, nonce, aad = \"affinity/expression/message/v1\" ‖ 0x00 ‖ community ‖ channel ‖ key event, UTF-8 text)",
    key: hex(epochKey),
    community,
    channel,
    lock,
    aad: hex(aad),
    nonce: hex(nonce),
    text,
    payload: hex(box)
  }
})

const file = {
  description: "Conformance vectors of the expression module (docs/protocol.md, the expression section): histories with every outcome and the final state hash in any delivery order; key epochs; sealed epoch keys; encrypted messages; phone trees; public page manifests. Written by conformance/expression/generate.ts; checked by packages/expression/test/vectors.test.ts.",
  rules: [
    "An epoch of a private channel is hex(SHA-256(canonical CBOR { channel, members, rotations })), lists sorted, judged on an event's causal past; channel.key and message.post name it through the key event",
    "A message's payload in a private channel is nonce ‖ XChaCha20-Poly1305 ciphertext ‖ tag under the epoch key, with additional data naming community, channel and key event",
    "The phone tree's order is the root, then the others by SHA-256(community id ‖ identity); person i calls fanout·i + 1 … fanout·i + fanout",
    "A page's manifest is canonical JSON of version, community, title and files (path, size, sha256) sorted by path; page.publish carries its SHA-256"
  ],
  testModules: {
    governance:
      "A test decider standing in for governance (packages/expression/test/support/council.ts). Events: decide { by: tstr (\"community\", \"prime/<module>\" or \"group/<id>\"), actions: [{ module, type, body }] 1–8 } (authority member; carries its actions under a Decision warrant of that body, the decision being the event itself) and group.create { name: tstr, members: [key] 1–64 } (authority member; a working group whose id is the event's key). Query group { group: hex } answers null or { id, name, mandate: [], members (sorted hex), active: true } when the group's event is in the asker's causal past. State: { groups: { <id>: { id, name, members } } }."
  },
  scenarios,
  epochs,
  keys,
  messages,
  trees,
  manifests
}

const text = `${JSON.stringify(file, null, 2)}\n`
const path = new URL("../vectors/expression.json", import.meta.url)
if (process.argv.includes("--check")) {
  const old = await readFile(path, "utf8").catch(() => "")
  if (old !== text) {
    console.error("conformance/vectors/expression.json is not what the generator writes")
    process.exit(1)
  }
  console.log("conformance/vectors/expression.json is up to date")
} else {
  await writeFile(path, text)
  console.log(`wrote conformance/vectors/expression.json (${scenarios.length} histories, ${epochs.length} epochs, ${messages.length} messages, ${trees.length} trees)`)
}
