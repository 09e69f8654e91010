import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Client, Community, type Crypto, Event, Storage } from "@affinity/core"
import * as Sync from "../src/sync/index.ts"
import { cryptoLayer, key, testCrypto } from "./support/world.ts"

const [alice, bob] = [key(1), key(2)]
const note = new TextEncoder().encode("Seed swap on Sunday at the allotment shed: bring labels and envelopes.")

/** A memory store that outlives one run, with its layer. */
const storeAndLayer = () => {
  const store = Storage.makeMemory()
  return { store, layer: Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, store)) }
}

const run = <A, E>(effect: Effect.Effect<A, E, Storage.Storage | Crypto.Crypto>, layer: Layer.Layer<Storage.Storage | Crypto.Crypto>) =>
  Effect.runPromise(Effect.provide(effect, layer))

const decoded = (bytes: Uint8Array): Event.Event => {
  const d = Event.decode(bytes)
  if (!d.ok) throw new Error(d.error.message)
  return d.event
}

const verifies = (event: Event.Event) => Effect.runPromise(Event.verify(testCrypto, event))

/** Alice's community (founders alice and bob) on its own store. */
const founded = async () => {
  const s = storeAndLayer()
  const community = await run(Community.create({ name: "Allotment", author: alice, founders: [bob.publicKey] }), s.layer)
  return { ...s, community }
}

/** Run both hubs until `done` holds (or give up after a while). */
const settle = async (hubs: ReadonlyArray<Sync.SyncHub>, done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) {
    for (const h of hubs) await h.idle()
    await new Promise((r) => setTimeout(r, 2))
  }
}

describe("payloads", () => {
  it("travel with their event, committed to in the signed header, and the fold never sees them", async () => {
    const { community, store, layer } = await founded()
    const { key: k, outcome } = await run(community.append(alice, "core", "tick", {}, { payload: note }), layer)
    expect(outcome._tag).toBe("Applied")
    expect(community.payload(k)).toEqual(note)

    const log = community.replica.log
    const i = log.index.get(k)!
    const wire = decoded(log.wire(i))
    const kept = decoded(log.bytes[i]!)
    // The wire form carries it; what is stored and folded does not; one id, one valid signature.
    expect(wire.header.version).toBe(2)
    expect(wire.header.payloadSize).toBe(note.length)
    expect(wire.payload).toEqual(note)
    expect(kept.payload).toBeNull()
    expect(kept.key).toBe(k)
    expect(wire.key).toBe(k)
    expect(await verifies(wire)).toBe(true)
    expect(await verifies(kept)).toBe(true)
    expect(community.export()[i]).toEqual(wire.bytes)

    // Events without a payload are written as version 1, as before.
    const { key: plain } = await run(community.append(bob, "core", "tick", {}), layer)
    const j = log.index.get(plain)!
    expect(decoded(log.bytes[j]!).header.version).toBe(1)
    expect(log.bytes[j]![0]).toBe(0x83)
    expect(log.wire(j)).toBe(log.bytes[j])
    expect(community.payload(plain)).toBeUndefined()

    // Storage keeps the record without the payload and the payload as a value of its own.
    const records = await Effect.runPromise(store.events(community.id))
    expect(records[i]).toEqual(log.bytes[i])
    expect(await Effect.runPromise(store.get(community.id, `payload.${k}`))).toEqual(note)

    // A replica that only ever saw the events without their payloads folds the same state.
    const other = storeAndLayer()
    const copy = await run(Community.join(community.export()[0]!), other.layer)
    await run(copy.receive(log.bytes.slice(1)), other.layer)
    expect(copy.replica.stateHashHex()).toBe(community.replica.stateHashHex())
    expect(copy.payload(k)).toBeUndefined()
    expect(community.replica.core.erased).toBeUndefined()
  })

  it("refuse a payload above the limit, and an event whose payload does not match its header", async () => {
    const { community, layer } = await founded()
    const big = await run(Effect.flip(community.append(alice, "core", "tick", {}, { payload: new Uint8Array(Event.Limits.maxPayloadBytes + 1) })), layer)
    expect(big).toMatchObject({ _tag: "AppendError", reason: "Oversize" })
    const limit = await run(community.append(alice, "core", "tick", {}, { payload: new Uint8Array(Event.Limits.maxPayloadBytes).fill(7) }), layer)
    expect(community.payload(limit.key)?.length).toBe(Event.Limits.maxPayloadBytes)

    // Bob's event arrives at a copy with one bit of its payload flipped: refused, nothing kept.
    const source = await founded()
    const sent = await run(source.community.append(bob, "core", "tick", {}, { payload: note }), source.layer)
    const wire = source.community.export()[source.community.replica.log.index.get(sent.key)!]!.slice()
    wire[wire.length - 1]! ^= 1
    const before = source.community.replica.log.size
    const [verdict] = await run(source.community.receive([wire]), source.layer)
    expect(verdict).toMatchObject({ _tag: "Invalid", reason: { _tag: "PayloadMismatch" } })
    expect(source.community.payload(sent.key)).toEqual(note)
    const copy = storeAndLayer()
    const other = await run(Community.join(source.community.export()[0]!), copy.layer)
    const [refused] = await run(other.receive([wire]), copy.layer)
    expect(refused).toMatchObject({ _tag: "Invalid", reason: { _tag: "PayloadMismatch" } })
    expect(other.replica.log.size).toBe(1)
    expect(source.community.replica.log.size).toBe(before)
  })

  it("sync to another replica through the memory transport, payload and all", async () => {
    const { community, layer } = await founded()
    const keys: Array<string> = []
    for (let n = 0; n < 5; n++) keys.push((await run(community.append(alice, "core", "tick", {}, { payload: note.subarray(n) }), layer)).key)
    await run(community.append(alice, "core", "tick", {}), layer)
    const other = storeAndLayer()
    const copy = await run(Community.join(community.export()[0]!), other.layer)
    const a = Sync.makeHub()
    const b = Sync.makeHub()
    a.add(community)
    b.add(copy)
    const [l, r] = Sync.Memory.pair()
    a.connect(l)
    b.connect(r)
    await settle([a, b], () => copy.replica.log.size === community.replica.log.size)
    keys.forEach((k, n) => expect(copy.payload(k)).toEqual(note.subarray(n)))
    expect(copy.replica.stateHashHex()).toBe(community.replica.stateHashHex())
    expect(await Effect.runPromise(other.store.get(copy.id, `payload.${keys[0]}`))).toEqual(note)

    // And back: an event bob writes with a payload reaches alice with it.
    const back = await run(copy.append(bob, "core", "tick", {}, { payload: note }), other.layer)
    await settle([a, b], () => community.payload(back.key) !== undefined)
    expect(community.payload(back.key)).toEqual(note)
    await a.close()
    await b.close()
  })

  it("survive reopening from storage, with a checkpoint and without", async () => {
    const { community, store, layer } = await founded()
    const { key: k } = await run(community.append(alice, "core", "tick", {}, { payload: note }), layer)
    for (let n = 0; n < 3; n++) await run(community.append(bob, "core", "tick", {}), layer)
    expect(await run(community.checkpoint(), layer)).toBe(true)
    const reopened = await run(Community.open(community.id), layer)
    expect(reopened.resumed?._tag).toBe("FromCheckpoint")
    expect(reopened.payload(k)).toEqual(note)
    expect(reopened.replica.stateHashHex()).toBe(community.replica.stateHashHex())
    const folded = await run(Community.open(community.id, { checkpoint: false }), layer)
    expect(folded.resumed?._tag).toBe("FromGenesis")
    expect(folded.payload(k)).toEqual(note)
    expect(folded.replica.stateHashHex()).toBe(community.replica.stateHashHex())
    // A stored value that is not the payload the header commits to is not taken for it.
    await Effect.runPromise(store.set(community.id, `payload.${k}`, new TextEncoder().encode("something else")))
    const damaged = await run(Community.open(community.id), layer)
    expect(damaged.payload(k)).toBeUndefined()
    expect(damaged.replica.stateHashHex()).toBe(community.replica.stateHashHex())
  })

  it("are appended and read back through the Promise API", async () => {
    const client = await Client.make({ storage: Storage.layerMemory })
    const me = await client.generateKey()
    const community = await client.create({ name: "Garden", author: me })
    const { key: k } = await community.append(me, "core", "tick", {}, { payload: note })
    expect(community.payload(k)).toEqual(note)
    // A copy: changing it changes nothing held.
    community.payload(k)![0] = 0
    expect(community.payload(k)).toEqual(note)
    const seen = community.event(k)!
    expect(seen.hasPayload).toBe(true)
    expect(decoded(seen.bytes).payload).toEqual(note)
    await client.close()
  })
})
