import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Community, type Crypto, Event, Membership, Module, Storage } from "@affinity/core"
import * as v from "valibot"
import * as Sync from "../src/sync/index.ts"
import { cryptoLayer, key, testCrypto } from "./support/world.ts"

// Payloads a module names as due for erasure (`Module.erasures`, docs/protocol.md §3a): the
// host drops them as it drops erased ones, once community time reaches the due time.

const [alice, bob] = [key(1), key(2)]
const words = new TextEncoder().encode("Meet at the corner at nine; bring the van keys.")

type Env = Storage.Storage | Crypto.Crypto

/** A note's due time, by the key of the event that wrote it. */
type Notes = { readonly due: { readonly [key: string]: number } }

/**
 * A module whose `note` events carry words that are due for erasure `ttl` ms of community
 * time after they were written (as a channel's retention does in expression). It also names a
 * key no event has and the key of an event without a payload, which the host ignores.
 */
const notes = (extra: ReadonlyArray<string> = []) =>
  Module.make<Notes>({
    name: "notes",
    init: () => ({ due: {} }),
    events: {
      note: Module.eventType<Notes, { readonly ttl: number }>({
        body: v.strictObject({ ttl: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
        authority: "member",
        apply: (state, body, ctx) => ({ due: { ...state.due, [ctx.key]: ctx.communityTime + body.ttl } })
      })
    },
    erasures: (state, now) => [...Object.keys(state.due).filter((k) => now >= state.due[k]!), ...extra]
  })

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

/** What storage holds for an event's payload: the bytes, or `undefined` for none or erased. */
const storedPayload = async (store: Storage.StorageShape, community: string, eventKey: string) => {
  const value = await Effect.runPromise(store.get(community, `payload.${eventKey}`))
  return value === undefined || value.length === 0 ? undefined : value
}

const settle = async (hubs: ReadonlyArray<Sync.SyncHub>, done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) {
    for (const h of hubs) await h.idle()
    await new Promise((r) => setTimeout(r, 2))
  }
}

/** Alice's and Bob's replicas (both founders, each on its own store), kept in sync. */
const pair = async (options: Community.Options) => {
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

describe("payloads a module names as due for erasure", () => {
  it("are held until community time reaches the due time, then dropped from memory and storage on every replica", async () => {
    const options = { modules: [notes()] }
    const { a, b, synced, close } = await pair(options)
    const written = await run(a.community.append(alice, "notes", "note", { ttl: 60_000 }, { payload: words }), a.layer)
    expect(written.outcome._tag).toBe("Applied")
    const due = a.community.replica.communityTimeAt(a.community.replica.log.index.get(written.key)!) + 60_000
    await synced()
    const withPayload = a.community.export()[a.community.replica.log.index.get(written.key)!]!
    expect(decoded(withPayload).payload).toEqual(words)

    // Community time short of the due time: every replica still holds the words.
    await run(a.community.append(alice, "core", "tick", {}, { time: due - 1 }), a.layer)
    await synced()
    for (const side of [a, b]) {
      expect(side.community.replica.communityTime()).toBe(due - 1)
      expect(side.community.replica.dueErasures()).toEqual([])
      expect(side.community.payload(written.key)).toEqual(words)
      expect(await storedPayload(side.store, side.community.id, written.key)).toEqual(words)
    }

    // Bob's clock reaches it: on both replicas the words are gone, the event stays valid.
    await run(b.community.append(bob, "core", "tick", {}, { time: due }), b.layer)
    await synced()
    for (const side of [a, b]) {
      const c = side.community
      expect(c.replica.communityTime()).toBe(due)
      expect(c.replica.dueErasures()).toEqual([written.key])
      expect(c.payload(written.key)).toBeUndefined()
      expect(await storedPayload(side.store, c.id, written.key)).toBeUndefined()
      const kept = decoded(c.export()[c.replica.log.index.get(written.key)!]!)
      expect(kept.key).toBe(written.key)
      expect(kept.payload).toBeNull()
      expect(kept.header.payloadSize).toBe(words.length)
      expect(await Effect.runPromise(Event.verify(testCrypto, kept))).toBe(true)
      // Nothing of it is in the state: the core state records no erasure.
      expect(Membership.erasedPayloads(c.replica.core)).toEqual({})
    }
    expect(b.community.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())

    // A replica that never held the words folds the same state.
    const never = storeAndLayer()
    const fresh = await run(Community.join(a.community.export()[0]!, options), never.layer)
    await run(fresh.receive(a.community.export().slice(1)), never.layer)
    expect(fresh.payload(written.key)).toBeUndefined()
    expect(fresh.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())

    // A newcomer handed the words together with what makes them due keeps none of them.
    const late = storeAndLayer()
    const newcomer = await run(Community.join(a.community.export()[0]!, options), late.layer)
    const everything = a.community.export().map((bytes, i) => (i === a.community.replica.log.index.get(written.key) ? withPayload : bytes))
    await run(newcomer.receive(everything.slice(1)), late.layer)
    expect(newcomer.payload(written.key)).toBeUndefined()
    expect(await storedPayload(late.store, newcomer.id, written.key)).toBeUndefined()
    expect(newcomer.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())

    // The words offered again are a duplicate and stay dropped.
    const [verdict] = await run(a.community.receive([withPayload]), a.layer)
    expect(verdict).toMatchObject({ _tag: "Duplicate" })
    expect(a.community.payload(written.key)).toBeUndefined()

    // Reopened from storage, with its checkpoint and without: the same state, no words.
    expect(await run(a.community.checkpoint(), a.layer)).toBe(true)
    for (const reopen of [options, { ...options, checkpoint: false as const }]) {
      const reopened = await run(Community.open(a.community.id, reopen), a.layer)
      expect(reopened.replica.stateHashHex()).toBe(a.community.replica.stateHashHex())
      expect(reopened.payload(written.key)).toBeUndefined()
    }
    await close()
  })

  it("a replica reopened on storage that still holds words now due drops them when it opens", async () => {
    const s = storeAndLayer()
    const options = { modules: [notes()] }
    const c = await run(Community.create({ name: "Street", author: alice, founders: [bob.publicKey], ...options }), s.layer)
    const written = await run(c.append(alice, "notes", "note", { ttl: 60_000 }, { payload: words }), s.layer)
    const at = c.replica.communityTimeAt(c.replica.log.index.get(written.key)!)
    await run(c.append(alice, "core", "tick", {}, { time: at + 60_000 }), s.layer)
    expect(await storedPayload(s.store, c.id, written.key)).toBeUndefined()
    // Words left in storage (as a crash between fold and drop would leave them) are dropped on open.
    await Effect.runPromise(s.store.set(c.id, `payload.${written.key}`, words))
    const reopened = await run(Community.open(c.id, { ...options, checkpoint: false }), s.layer)
    expect(reopened.payload(written.key)).toBeUndefined()
    expect(await storedPayload(s.store, c.id, written.key)).toBeUndefined()
    // Without the module that names them, nothing is due: the words are held.
    await Effect.runPromise(s.store.set(c.id, `payload.${written.key}`, words))
    const without = await run(Community.open(c.id, { checkpoint: false }), s.layer)
    expect(without.payload(written.key)).toEqual(words)
  })

  it("names only delivered events that carry a payload: anything else it names is ignored", async () => {
    const s = storeAndLayer()
    const c = await run(Community.create({ name: "Street", author: alice, founders: [bob.publicKey], modules: [notes(["ab".repeat(32)])] }), s.layer)
    const bare = await run(c.append(alice, "notes", "note", { ttl: 60_000 }), s.layer)
    const held = await run(c.append(alice, "notes", "note", { ttl: 60_000 }, { payload: words }), s.layer)
    expect(c.replica.dueErasures()).toEqual([])
    await run(c.append(alice, "core", "tick", {}, { time: c.replica.communityTimeAt(c.replica.log.index.get(held.key)!) + 60_000 }), s.layer)
    expect(c.replica.outcome(bare.key)?._tag).toBe("Applied")
    expect(c.replica.dueErasures()).toEqual([held.key])
    // The same answer is returned while nothing changes.
    expect(c.replica.dueErasures()).toBe(c.replica.dueErasures())
    expect(c.payload(held.key)).toBeUndefined()
  })
})
