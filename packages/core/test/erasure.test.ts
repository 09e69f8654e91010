import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Client, Community, type Crypto, Event, Membership, Module, Storage } from "@affinity/core"
import * as v from "valibot"
import * as Sync from "../src/sync/index.ts"
import { cryptoLayer, key, testCrypto } from "./support/world.ts"

const [alice, bob, carol] = [key(1), key(2), key(3)]
const note = new TextEncoder().encode("My phone number is 555 0199; call after six.")

type Env = Storage.Storage | Crypto.Crypto

/** A memory store that outlives one run, with its layer. */
const storeAndLayer = () => {
  const store = Storage.makeMemory()
  return { store, layer: Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, store)) as Layer.Layer<Env> }
}

const run = <A, E>(effect: Effect.Effect<A, E, Env>, layer: Layer.Layer<Env>) => Effect.runPromise(Effect.provide(effect, layer))

const decoded = (bytes: Uint8Array): Event.Event => {
  const d = Event.decode(bytes)
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

/**
 * A decision process reduced to one event: `council/decide`, by a full member, carries a
 * `core/payload.erase` for the header in its body under the warrant `warrant` makes (the
 * community's decision by default), as governance's close carries a proposal's action.
 */
const council = (warrant: (ctx: Module.EventContext) => Module.Warrant = (ctx) => ({ _tag: "Decision", body: { _tag: "Community" }, decision: ctx.key })) =>
  Module.make<{ readonly decided: number }>({
    name: "council",
    init: () => ({ decided: 0 }),
    events: {
      decide: Module.eventType<{ readonly decided: number }, { readonly header: Uint8Array }>({
        body: v.strictObject({ header: v.instance(Uint8Array) }),
        authority: "member",
        apply: (state) => ({ decided: state.decided + 1 }),
        effects: (_state, body, ctx) => [{ _tag: "Apply", module: "core", type: "payload.erase", body: { header: body.header }, warrant: warrant(ctx) }]
      })
    }
  })

/** Run the hubs until `done` holds (or give up after a while). */
const settle = async (hubs: ReadonlyArray<Sync.SyncHub>, done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) {
    for (const h of hubs) await h.idle()
    await new Promise((r) => setTimeout(r, 2))
  }
}

/** Alice's and bob's replicas of one community (both founders, each on its own store), kept in sync. */
const pair = async (options: Community.Options = {}) => {
  const a = storeAndLayer()
  const b = storeAndLayer()
  const ours = await run(Community.create({ name: "Street", author: alice, founders: [bob.publicKey], ...options }), a.layer)
  const theirs = await run(Community.join(ours.export()[0]!, options), b.layer)
  const hubs = [Sync.makeHub(), Sync.makeHub()] as const
  hubs[0].add(ours)
  hubs[1].add(theirs)
  const [l, r] = Sync.Memory.pair()
  hubs[0].connect(l)
  hubs[1].connect(r)
  const synced = () => settle(hubs, () => ours.replica.log.heads().join() === theirs.replica.log.heads().join())
  const close = async () => {
    for (const h of hubs) await h.close()
  }
  return { a: { ...a, community: ours }, b: { ...b, community: theirs }, synced, close }
}

/** What storage holds for an event's payload: the bytes, or `undefined` for none or erased. */
const storedPayload = async (store: Storage.StorageShape, community: string, eventKey: string) => {
  const value = await Effect.runPromise(store.get(community, `payload.${eventKey}`))
  return value === undefined || value.length === 0 ? undefined : value
}

describe("erasing a payload", () => {
  it("by its author: every replica drops it from memory and storage, and the event stays valid with its id and signature", async () => {
    const { a, b, synced, close } = await pair()
    const posted = await run(a.community.append(alice, "core", "tick", {}, { payload: note }), a.layer)
    await synced()
    expect(b.community.payload(posted.key)).toEqual(note)
    expect(await storedPayload(b.store, b.community.id, posted.key)).toEqual(note)

    const erased = await run(a.community.erasePayload(alice, posted.key), a.layer)
    expect(erased.outcome._tag).toBe("Applied")
    await synced()
    for (const side of [a, b]) {
      const c = side.community
      expect(c.payload(posted.key)).toBeUndefined()
      expect(await storedPayload(side.store, c.id, posted.key)).toBeUndefined()
      expect(Membership.erasedPayloads(c.replica.core)).toEqual({ [posted.key]: erased.key })
      // The event itself stays, valid, with the same id; it is sent without its payload.
      const i = c.replica.log.index.get(posted.key)!
      const kept = decoded(c.export()[i]!)
      expect(kept.key).toBe(posted.key)
      expect(kept.payload).toBeNull()
      expect(kept.header.payloadSize).toBe(note.length)
      expect(await Effect.runPromise(Event.verify(testCrypto, kept))).toBe(true)
      expect(c.replica.outcome(erased.key)?._tag).toBe("Applied")
    }
    expect(b.community.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
    // Later changes to the membership keep the record of the erasure.
    await run(a.community.append(carol, "core", "member.apply", { note: "New on the street" }), a.layer)
    expect(Membership.erasedPayloads(a.community.replica.core)).toEqual({ [posted.key]: erased.key })
    await synced()

    // Reopened from storage, with its checkpoint and without: the same state, no payload.
    expect(await run(a.community.checkpoint(), a.layer)).toBe(true)
    for (const options of [{}, { checkpoint: false as const }]) {
      const reopened = await run(Community.open(a.community.id, options), a.layer)
      expect(reopened.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
      expect(reopened.payload(posted.key)).toBeUndefined()
    }
    await close()
  })

  it("another member cannot erase someone else's payload directly", async () => {
    const { a, b, synced, close } = await pair()
    const posted = await run(a.community.append(alice, "core", "tick", {}, { payload: note }), a.layer)
    await synced()
    const attempt = await run(b.community.erasePayload(bob, posted.key), b.layer)
    expect(attempt.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotYourPayload" } })
    await synced()
    for (const side of [a, b]) {
      expect(side.community.payload(posted.key)).toEqual(note)
      expect(await storedPayload(side.store, side.community.id, posted.key)).toEqual(note)
      expect(side.community.replica.core.erased).toBeUndefined()
    }
    // An erasure needs an event committing to a payload, delivered here.
    const plain = await run(a.community.append(alice, "core", "tick", {}), a.layer)
    expect(await run(Effect.flip(a.community.erasePayload(alice, plain.key)), a.layer)).toMatchObject({ reason: "NoPayload" })
    expect(await run(Effect.flip(a.community.erasePayload(alice, "ab".repeat(32))), a.layer)).toMatchObject({ reason: "UnknownEvent" })
    await close()
  })

  it("by a community decision: the decider's action erases a member's payload on every replica", async () => {
    const modules = [council()]
    const { a, b, synced, close } = await pair({ modules, decider: "council" })
    const posted = await run(a.community.append(alice, "core", "tick", {}, { payload: note }), a.layer)
    await synced()
    const header = decoded(a.community.export()[a.community.replica.log.index.get(posted.key)!]!).headerBytes
    // Signed directly by bob, the same body is refused; carried by the decision, it applies.
    const direct = await run(b.community.append(bob, "core", "payload.erase", { header }), b.layer)
    expect(direct.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotYourPayload" } })
    const decided = await run(b.community.append(bob, "council", "decide", { header }), b.layer)
    expect(decided.outcome).toEqual({ _tag: "Applied", actions: [{ _tag: "Applied", module: "core", type: "payload.erase" }] })
    await synced()
    for (const side of [a, b]) {
      expect(side.community.payload(posted.key)).toBeUndefined()
      expect(await storedPayload(side.store, side.community.id, posted.key)).toBeUndefined()
      expect(Membership.erasedPayloads(side.community.replica.core)).toEqual({ [posted.key]: decided.key })
    }
    expect(b.community.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
    const reopened = await run(Community.open(a.community.id, { modules, decider: "council" }), a.layer)
    expect(reopened.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
    await close()
  })

  it("by a group's decision: refused, only the community decides over someone else's payload", async () => {
    const modules = [council((ctx) => ({ _tag: "Decision", body: { _tag: "Group", group: "ab".repeat(32) }, decision: ctx.key }))]
    const s = storeAndLayer()
    const c = await run(Community.create({ name: "Street", author: alice, founders: [bob.publicKey], modules, decider: "council" }), s.layer)
    const posted = await run(c.append(alice, "core", "tick", {}, { payload: note }), s.layer)
    const header = decoded(c.export()[c.replica.log.index.get(posted.key)!]!).headerBytes
    const decided = await run(c.append(bob, "council", "decide", { header }), s.layer)
    expect(decided.outcome).toMatchObject({ _tag: "Applied", actions: [{ _tag: "Failed", reason: { _tag: "WarrantInsufficient" } }] })
    expect(c.payload(posted.key)).toEqual(note)
  })

  it("a copy of the event delivered again with its payload does not bring it back", async () => {
    const { a, b, synced, close } = await pair()
    const posted = await run(a.community.append(alice, "core", "tick", {}, { payload: note }), a.layer)
    const withPayload = a.community.export()[a.community.replica.log.index.get(posted.key)!]!
    await synced()
    const erased = await run(a.community.erasePayload(alice, posted.key), a.layer)
    await synced()
    for (const side of [a, b]) {
      const [verdict] = await run(side.community.receive([withPayload]), side.layer)
      expect(verdict).toMatchObject({ _tag: "Duplicate" })
      expect(side.community.payload(posted.key)).toBeUndefined()
      expect(await storedPayload(side.store, side.community.id, posted.key)).toBeUndefined()
    }
    // A newcomer handed the event with its payload and the erasure together never keeps it.
    const c = storeAndLayer()
    const late = await run(Community.join(a.community.export()[0]!), c.layer)
    const everything = a.community.replica.log.bytes.map((_, i) => (i === a.community.replica.log.index.get(posted.key) ? withPayload : a.community.export()[i]!))
    await run(late.receive(everything.slice(1)), c.layer)
    expect(late.replica.outcome(erased.key)?._tag).toBe("Applied")
    expect(late.payload(posted.key)).toBeUndefined()
    expect(await Effect.runPromise(c.store.get(late.id, `payload.${posted.key}`))).toBeUndefined()
    expect(late.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
    // Resyncing with the author's replica sends nothing back.
    await synced()
    expect(b.community.payload(posted.key)).toBeUndefined()
    await close()
  })

  it("gives one state hash whatever the order events arrive in, the payload carried or not", async () => {
    const s = storeAndLayer()
    const c = await run(Community.create({ name: "Street", author: alice, founders: [bob.publicKey, carol.publicKey] }), s.layer)
    const first = await run(c.append(alice, "core", "tick", {}, { payload: note }), s.layer)
    await run(c.append(bob, "core", "tick", {}, { payload: note.subarray(1) }), s.layer)
    await run(c.append(carol, "core", "tick", {}), s.layer)
    await run(c.erasePayload(alice, first.key), s.layer)
    await run(c.append(bob, "core", "tick", {}), s.layer)
    const wire = c.export()
    const stored = c.replica.log.bytes
    const orders = [wire.slice(1), [...wire.slice(1)].reverse(), stored.slice(1), [...stored.slice(1)].reverse(), wire.slice(1).map((w, n) => (n % 2 === 0 ? w : stored[n + 1]!))]
    for (const order of orders) {
      const t = storeAndLayer()
      const copy = await run(Community.join(wire[0]!), t.layer)
      await run(copy.receive(order), t.layer)
      expect(copy.replica.log.size).toBe(c.replica.log.size)
      expect(copy.replica.stateHashHex()).toBe(c.replica.stateHashHex())
      expect(copy.payload(first.key)).toBeUndefined()
    }
  })

  it("through the Promise API: erase one's own payload", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const [me, other] = [await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Garden", author: me, founders: [other.publicKey] })
    const { key: k } = await community.append(me, "core", "tick", {}, { payload: note })
    const refused = await community.erasePayload(other, k)
    expect(refused.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NotYourPayload" } })
    expect(community.payload(k)).toEqual(note)
    const done = await community.erasePayload(me, k)
    expect(done.outcome._tag).toBe("Applied")
    expect(community.payload(k)).toBeUndefined()
    expect(community.event(k)?.hasPayload).toBe(false)
    await expect(community.erasePayload(me, k)).resolves.toMatchObject({ outcome: { _tag: "Rejected", reason: { _tag: "AlreadyErased" } } })
    await client.close()
  })
})
