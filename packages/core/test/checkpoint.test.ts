import fc from "fast-check"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Community, Crypto, Event, Hash, Log, Module, Replica, Storage } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { history, shuffle } from "./support/histories.ts"
import { countingTurns } from "./support/turns.ts"
import { cryptoLayer, key } from "./support/world.ts"
import * as Checkpoints from "../src/internal/checkpoint.ts"

const open = (genesis: Event.Event, options: Replica.ReplicaOptions = {}) => {
  const r = Replica.Replica.open(genesis, options)
  if (!r.ok) throw new Error(r.error.message)
  return r.replica
}

const outcomes = (replica: Replica.Replica) => replica.orderedKeys().map((k) => [k, JSON.stringify(replica.outcome(k))] as const)

/** Rebuild a replica from stored records (delivery order) and an optional checkpoint. */
const reopen = (genesis: Event.Event, records: ReadonlyArray<Uint8Array>, checkpoint?: Replica.Checkpoint) => {
  const r = open(genesis)
  for (const bytes of records.slice(1)) expect(r.loadStored(bytes, checkpoint?.size)).toBeUndefined()
  const resumed = r.resume(checkpoint)
  expect(r.fold()).toBe(true)
  return { replica: r, resumed }
}

/** A replica of a generated history with a checkpoint taken after its first `at` events, and all of them delivered. */
const checkpointedAt = (seed: number, size: number, at: number) => {
  const b = history(seed, size)
  const live = open(b.genesis)
  const events = b.events.slice(1)
  live.ingest(events.slice(0, at))
  const checkpoint = live.checkpoint()!
  live.ingest(events.slice(at))
  return { b, live, checkpoint }
}

/** A chain of `n` unsigned events after a genesis (the log does not check signatures). */
const chain = (n: number): Array<Event.Event> => {
  const author = new Uint8Array(32).fill(3)
  const make = (draft: Event.Draft) => {
    const prepared = Event.prepare(draft)
    if (!prepared.ok) throw new Error(prepared.error.message)
    const d = Event.decode(Event.assemble(prepared.unsigned, new Uint8Array(64)))
    if (!d.ok) throw new Error(d.error.message)
    return d.event
  }
  const genesis = make({ community: null, author, seq: 1, prev: null, parents: [], time: 1, module: "core", type: "genesis", body: { name: "x", founders: [author], params: {} } })
  const out = [genesis]
  for (let i = 0; i < n; i++) {
    const last = out[out.length - 1]!
    out.push(make({ community: genesis.id, author, seq: i + 2, prev: last.id, parents: [], time: 2 + i, module: "core", type: "tick", body: {} }))
  }
  return out
}

describe("Log.digest", () => {
  it("identifies a prefix the same way whether the log has grown past it or not", () => {
    const events = chain(9000)
    const full = new Log.Log(events[0]!.id)
    for (const e of events) full.add(e)
    const growing = new Log.Log(events[0]!.id)
    const seen = new Set<string>()
    for (const [k, e] of events.entries()) {
      growing.add(e)
      const count = k + 1
      if ([1, 2, 100, 4095, 4096, 4097, 5000, 8192, 8193, 9001].includes(count)) {
        const d = Bytes.toHex(growing.digest(count))
        expect(Bytes.toHex(full.digest(count)), `prefix of ${count}`).toBe(d)
        seen.add(d)
      }
    }
    expect(seen.size).toBe(10)
    // The stored path builds the same log.
    const stored = new Log.Log(events[0]!.id)
    stored.add(events[0]!)
    for (const e of events.slice(1)) expect(stored.addStored(e.bytes)).toBeTypeOf("number")
    expect(stored.keys).toEqual(full.keys)
    expect(stored.depth).toEqual(full.depth)
    expect(stored.deps).toEqual(full.deps)
    expect(Bytes.toHex(stored.digest(9001))).toBe(Bytes.toHex(full.digest(9001)))
    expect(() => full.digest(9002)).toThrow(RangeError)
  })
})

describe("stored checkpoint bytes", () => {
  it("are the canonical CBOR of the format's map and its SHA-256, and read back to what was written", () => {
    const events = chain(100)
    const r = open(events[0]!)
    r.ingest(events.slice(1))
    const cp = r.checkpoint()!
    const stored = { ...cp, records: new Uint8Array(32).fill(9) }
    const bytes = Checkpoints.encode(events[0]!.id, "label", stored)
    const payload = Cbor.encode({
      format: Checkpoints.FORMAT,
      community: events[0]!.id,
      label: "label",
      size: cp.size,
      digest: cp.digest,
      records: stored.records,
      ids: cp.ids,
      modules: [...cp.modules],
      stateHash: cp.stateHash,
      states: cp.states,
      outcomes: cp.outcomes.map(([i, o]) => [i, JSON.parse(JSON.stringify(o)) as Cbor.Value])
    })
    expect(Bytes.toHex(bytes)).toBe(Bytes.toHex(Bytes.concat(payload, Hash.sha256(payload))))
    const back = Checkpoints.decode(bytes, events[0]!.id, "label")
    expect(back).toEqual(stored)
  })
})

describe("Log.addStored", () => {
  it("takes a record stored twice as known, and leaves no trace of a record it sends to the full path", () => {
    const events = chain(40)
    const log = new Log.Log(events[0]!.id)
    log.add(events[0]!)
    for (const e of events.slice(1, 20)) expect(log.addStored(e.bytes)).toBeTypeOf("number")
    // Stored twice: the first delivery keeps its index.
    expect(log.addStored(events[7]!.bytes)).toBeNull()
    expect(log.index.get(events[7]!.key)).toBe(7)
    // A record whose backlink is not there yet goes to the full path, unindexed.
    expect(log.addStored(events[25]!.bytes)).toBeUndefined()
    expect(log.index.has(events[25]!.key)).toBe(false)
    expect(log.size).toBe(20)
    // The full path then queues it like any event whose parents are missing.
    expect(log.add(events[25]!).verdict._tag).toBe("Pending")
    for (const e of events.slice(20, 25)) expect(log.addStored(e.bytes)).toBeTypeOf("number")
    expect(log.size).toBe(26)
    expect(log.keys).toEqual(events.slice(0, 26).map((e) => e.key))
  })
})

describe("checkpoints (Replica)", () => {
  it("reopening from a checkpoint gives the state of a full fold, whatever the arrival order and wherever the checkpoint was taken", () => {
    const used = { checkpoint: 0, genesis: 0 }
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 6 }),
        (seed, order, batch, at, late) => {
          const b = history(seed, 40)
          const reference = open(b.genesis)
          reference.ingest(b.events.slice(1))

          // A live replica receives the events shuffled, in batches, some held back until
          // after the checkpoint (they may sort anywhere before its end).
          const live = open(b.genesis)
          const shuffled = shuffle(b.events.slice(1), order)
          const held = shuffled.slice(0, late)
          const rest = shuffled.slice(late)
          const cut = Math.floor(at * rest.length)
          for (let i = 0; i < cut; i += batch) live.ingest(rest.slice(i, Math.min(cut, i + batch)))
          const checkpoint = live.checkpoint()
          expect(checkpoint).toBeDefined()
          expect(checkpoint!.stateHash).toEqual(live.stateHash())
          for (let i = cut; i < rest.length; i += batch) live.ingest(rest.slice(i, i + batch))
          live.ingest(held)
          expect(live.stateHashHex()).toBe(reference.stateHashHex())

          const { replica, resumed } = reopen(b.genesis, live.log.bytes, checkpoint)
          used[resumed._tag === "FromCheckpoint" ? "checkpoint" : "genesis"]++
          expect(replica.log.size).toBe(reference.log.size)
          expect(replica.stateHashHex()).toBe(reference.stateHashHex())
          expect(outcomes(replica)).toEqual(outcomes(reference))
          expect(replica.orderedKeys()).toEqual(reference.orderedKeys())
        }
      ),
      { numRuns: 80 }
    )
    // Both paths were exercised.
    expect(used.checkpoint).toBeGreaterThan(10)
    expect(used.genesis).toBeGreaterThan(10)
  })

  it("resumes from the checkpoint when later events only append, folding only them", () => {
    const { b, live, checkpoint } = checkpointedAt(7, 60, 40)
    const { replica, resumed } = reopen(b.genesis, live.log.bytes, checkpoint)
    expect(replica.stateHashHex()).toBe(live.stateHashHex())
    expect(outcomes(replica)).toEqual(outcomes(live))
    if (resumed._tag === "FromCheckpoint") {
      expect(resumed.position).toBe(checkpoint.size)
      // Genesis (in the constructor) plus the events after the checkpoint.
      expect(replica.stats.steps).toBeLessThanOrEqual(1 + live.log.size - checkpoint.size)
    }
    // A checkpoint of the whole log folds nothing again.
    const whole = reopen(b.genesis, live.log.bytes, live.checkpoint()!)
    expect(whole.resumed._tag).toBe("FromCheckpoint")
    expect(whole.replica.stats.steps).toBe(1)
    expect(whole.replica.stateHashHex()).toBe(live.stateHashHex())
  })

  it("resumes in steps to what resume gives at once, and changes nothing until the last step", () => {
    const { b, live, checkpoint } = checkpointedAt(5, 50, 35)
    const load = () => {
      const r = open(b.genesis)
      for (const bytes of live.log.bytes.slice(1)) expect(r.loadStored(bytes, checkpoint.size)).toBeUndefined()
      return r
    }
    const stepped = load()
    const before = stepped.stateHashHex()
    const steps = stepped.resumeInSteps(checkpoint)
    let taken = 0
    let last = steps.next()
    while (last.done !== true) {
      // Between steps the replica still shows what it had before.
      expect(stepped.stateHashHex()).toBe(before)
      taken++
      last = steps.next()
    }
    expect(taken).toBeGreaterThanOrEqual(3)
    expect(last.value).toEqual({ _tag: "FromCheckpoint", position: checkpoint.size })
    expect(stepped.fold()).toBe(true)
    expect(stepped.stateHashHex()).toBe(live.stateHashHex())
    // Steps left unfinished: resume afterwards still works.
    const abandoned = load()
    const partial = abandoned.resumeInSteps(checkpoint)
    partial.next()
    partial.next()
    expect(abandoned.resume(checkpoint)).toEqual({ _tag: "FromCheckpoint", position: checkpoint.size })
    expect(abandoned.fold()).toBe(true)
    expect(abandoned.stateHashHex()).toBe(live.stateHashHex())
    expect(outcomes(abandoned)).toEqual(outcomes(live))
  })

  it("keeps folding correctly after a reopen, late events included", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 31 }), (seed, order) => {
        const b = history(seed, 40)
        const shuffled = shuffle(b.events.slice(1), order)
        const live = open(b.genesis)
        live.ingest(shuffled.slice(0, 25))
        const { replica } = reopen(b.genesis, live.log.bytes, live.checkpoint()!)
        // Events still waiting for parents were not stored: the reopened replica gets them again.
        replica.ingest(shuffled.slice(25).concat(shuffled.slice(0, 25)))
        live.ingest(shuffled.slice(25))
        expect(replica.stateHashHex()).toBe(live.stateHashHex())
        expect(outcomes(replica)).toEqual(outcomes(live))
      }),
      { numRuns: 40 }
    )
  })

  it("falls back to the genesis for a checkpoint of other events, other modules or states that do not match", () => {
    const b = history(11, 40)
    const one = open(b.genesis)
    one.ingest(b.events.slice(1))
    const other = open(b.genesis)
    other.ingest(shuffle(b.events.slice(1), 99))
    const checkpoint = one.checkpoint()!
    const reasons = (cp: Replica.Checkpoint) => {
      const { replica, resumed } = reopen(b.genesis, other.log.bytes, cp)
      expect(replica.stateHashHex()).toBe(one.stateHashHex())
      return resumed
    }
    // Another delivery order of the same events: the digest differs.
    if (other.orderedKeys().length > 0 && !Bytes.equals(other.log.digest(other.log.size), one.log.digest(one.log.size)))
      expect(reasons(checkpoint)).toMatchObject({ _tag: "FromGenesis", reason: expect.stringMatching(/other events/) })
    const own = other.checkpoint()!
    expect(reasons({ ...own, modules: ["core", "extra"] })).toMatchObject({ reason: expect.stringMatching(/modules/) })
    expect(reasons({ ...own, stateHash: new Uint8Array(32) })).toMatchObject({ reason: expect.stringMatching(/state hash/) })
    expect(reasons({ ...own, size: other.log.size + 5 })).toMatchObject({ _tag: "FromGenesis" })
    const wrongStates = Cbor.encode({ other: null })
    expect(reasons({ ...own, states: wrongStates, stateHash: Hash.sha256(wrongStates) })).toMatchObject({
      reason: expect.stringMatching(/modules/)
    })
    expect(reasons({ ...own, states: Uint8Array.of(0xff), stateHash: Hash.sha256(Uint8Array.of(0xff)) })).toMatchObject({
      reason: expect.stringMatching(/do not decode/)
    })
    expect(reasons(own)).toMatchObject({ _tag: "FromCheckpoint" })
  })
})

// -----------------------------------------------------------------------------------------
// Through Community and storage

const tally = Module.make<{ readonly count: number }>({
  name: "tally",
  init: () => ({ count: 0 }),
  events: {}
})

/** A store shared by several runs (so a community can be reopened), with hooks to tamper with it. */
const shared = (store: Storage.StorageShape = Storage.makeMemory()) => ({
  store,
  layer: Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, store))
})

const runIn = <A, E>(layer: Layer.Layer<Crypto.Crypto | Storage.Storage>, effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>) =>
  Effect.runPromise(Effect.provide(effect, layer))

/** A community with `n` ticks by two founders, checkpointed every `every` events; its id and state hash. */
const grow = async (
  layer: Layer.Layer<Crypto.Crypto | Storage.Storage>,
  n: number,
  options: Community.Options = {}
): Promise<Community.Community> =>
  runIn(
    layer,
    Effect.gen(function* () {
      const [a, b] = [key(1), key(2)]
      const com = yield* Community.create({ name: "Club", author: a, founders: [b.publicKey], ...options })
      for (let i = 0; i < n; i++) yield* com.append(i % 3 === 0 ? b : a, "core", "tick", {}, { time: 1_700_000_000_000 + i })
      return com
    })
  )

/** Reopen, then let a checkpoint the open writes after returning reach the store. */
const reopenCommunity = async (layer: Layer.Layer<Crypto.Crypto | Storage.Storage>, id: string, options: Community.Options = {}) => {
  const community = await runIn(layer, Community.open(id, options))
  await new Promise((resolve) => setTimeout(resolve, 20))
  return community
}

describe("checkpoints (Community)", () => {
  it("are written every `every` events and on request, and reopening resumes from them", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 30, { checkpoint: { every: 8 } })
    const written = await Effect.runPromise(store.get(com.id, "checkpoint"))
    expect(written).toBeDefined()
    const again = await reopenCommunity(layer, com.id)
    expect(again.resumed?._tag).toBe("FromCheckpoint")
    expect(again.replica.stateHashHex()).toBe(com.replica.stateHashHex())
    // The last checkpoint was at most 8 events before the end.
    expect(again.replica.stats.steps).toBeLessThanOrEqual(1 + 8)
    expect(await runIn(layer, com.checkpoint())).toBe(true)
    expect(await runIn(layer, com.checkpoint())).toBe(false)
    const whole = await reopenCommunity(layer, com.id)
    expect(whole.resumed).toEqual({ _tag: "FromCheckpoint", position: com.replica.log.size })
    expect(whole.replica.stats.steps).toBe(1)
    expect(whole.replica.stateHashHex()).toBe(com.replica.stateHashHex())
    expect(whole.replica.orderedKeys()).toEqual(com.replica.orderedKeys())
    // The reopened community keeps working and checkpointing.
    const next = await runIn(layer, whole.append(key(1), "core", "tick", {}))
    expect(next.outcome._tag).toBe("Applied")
  })

  it("space out as the history grows: `every` events or an eighth of what the last one covered", async () => {
    const { layer } = shared()
    // 121 events, every 8: written at 8, 16, …, 64, then 64 + 8, 72 + 9, 81 + 10, 91 + 11, 102 + 12 = 114.
    const com = await grow(layer, 120, { checkpoint: { every: 8 } })
    const again = await reopenCommunity(layer, com.id)
    expect(again.resumed).toEqual({ _tag: "FromCheckpoint", position: 114 })
    expect(again.replica.stateHashHex()).toBe(com.replica.stateHashHex())
  })

  it("neither reads nor writes checkpoints when turned off", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 20, { checkpoint: false })
    expect(await Effect.runPromise(store.get(com.id, "checkpoint"))).toBeUndefined()
    expect(await runIn(layer, com.checkpoint())).toBe(false)
    await runIn(layer, (await reopenCommunity(layer, com.id)).checkpoint())
    const off = await reopenCommunity(layer, com.id, { checkpoint: false })
    expect(off.resumed).toEqual({ _tag: "FromGenesis", reason: "there is no checkpoint" })
    expect(off.replica.stateHashHex()).toBe(com.replica.stateHashHex())
  })

  it("ignores a missing, truncated, corrupted or foreign checkpoint, with the same state", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 20, { checkpoint: { every: 1_000_000 } })
    const hash = com.replica.stateHashHex()
    expect(await Effect.runPromise(store.get(com.id, "checkpoint"))).toBeUndefined()
    const missing = await reopenCommunity(layer, com.id, { checkpoint: { every: 1_000_000 } })
    expect(missing.resumed).toEqual({ _tag: "FromGenesis", reason: "there is no checkpoint" })
    expect(missing.replica.stateHashHex()).toBe(hash)
    // An open that folded at least `every` events writes a checkpoint for the next one (just after it returns).
    await reopenCommunity(layer, com.id, { checkpoint: { every: 4 } })
    const good = (await Effect.runPromise(store.get(com.id, "checkpoint")))!
    expect(good).toBeDefined()

    const cases: ReadonlyArray<readonly [string, Uint8Array, RegExp]> = [
      ["empty", new Uint8Array(0), /truncated/],
      ["truncated", good.slice(0, good.length - 40), /damaged|truncated/],
      ["one byte changed", good.map((x, i) => (i === Math.floor(good.length / 2) ? x ^ 1 : x)), /damaged/],
      ["random bytes", Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255), /damaged/],
      ["checksummed garbage", withChecksum(Cbor.encode({ format: "affinity/checkpoint/v4" })), /fields/],
      ["the first format", withChecksum(Cbor.encode({ format: "affinity/checkpoint/v1" })), /format/],
      ["another format", withChecksum(Cbor.encode({ format: "something/else" })), /format/],
      ["not CBOR", withChecksum(Uint8Array.of(0xff, 0xff)), /decode/]
    ]
    for (const [name, bytes, reason] of cases) {
      await Effect.runPromise(store.set(com.id, "checkpoint", bytes))
      const after = await reopenCommunity(layer, com.id)
      const opened = after
      expect(opened.resumed?._tag, name).toBe("FromGenesis")
      expect(opened.resumed?._tag === "FromGenesis" ? opened.resumed.reason : "", name).toMatch(reason)
      expect(opened.replica.stateHashHex(), name).toBe(hash)
    }

    // A valid checkpoint written under another label, or with other modules.
    await Effect.runPromise(store.set(com.id, "checkpoint", good))
    const labelled = await reopenCommunity(layer, com.id, { checkpoint: { label: "v2", every: 4 } })
    expect(labelled.resumed).toMatchObject({ _tag: "FromGenesis", reason: expect.stringMatching(/label/) })
    // That open wrote a checkpoint under its own label, which the next one under it uses.
    expect((await reopenCommunity(layer, com.id, { checkpoint: { label: "v2" } })).resumed?._tag).toBe("FromCheckpoint")
    await Effect.runPromise(store.set(com.id, "checkpoint", good))
    const withModule = await reopenCommunity(layer, com.id, { modules: [tally] })
    expect(withModule.resumed).toMatchObject({ _tag: "FromGenesis", reason: expect.stringMatching(/modules/) })
    expect(withModule.replica.state(tally)).toEqual({ count: 0 })
    await Effect.runPromise(store.set(com.id, "checkpoint", good))
    const fine = await reopenCommunity(layer, com.id)
    expect(fine.resumed?._tag).toBe("FromCheckpoint")
    expect(fine.replica.stateHashHex()).toBe(hash)
  })

  it("is not used when the stored records differ from those it was taken over, even where ids would not show it", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 12, { checkpoint: { every: 4 } })
    expect(await runIn(layer, com.checkpoint())).toBe(true)
    const records = await Effect.runPromise(store.events(com.id))
    // One byte of a signature changed: the id (a hash of the header) stays the same.
    const k = 5
    const d = Event.decode(records[k]!)
    if (!d.ok) throw new Error(d.error.message)
    const at = Buffer.from(records[k]!).indexOf(Buffer.from(d.event.signature))
    expect(at).toBeGreaterThan(0)
    const changed = records.map((r, i) => (i === k ? r.map((x, j) => (j === at ? x ^ 1 : x)) : r))
    const tampered: Storage.StorageShape = { ...store, events: () => Effect.succeed(changed) }
    const opened = await reopenCommunity(shared(tampered).layer, com.id)
    expect(opened.resumed).toEqual({ _tag: "FromGenesis", reason: "the stored records are not those the checkpoint was taken over" })
    expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
    // Fewer records than it covers.
    const shorter: Storage.StorageShape = { ...store, events: () => Effect.succeed(records.slice(0, 4)) }
    expect((await reopenCommunity(shared(shorter).layer, com.id)).resumed).toMatchObject({ _tag: "FromGenesis" })
    // The untouched store resumes from it, with the ids it lists.
    const fine = await reopenCommunity(layer, com.id)
    expect(fine.resumed).toEqual({ _tag: "FromCheckpoint", position: com.replica.log.size })
    expect(fine.replica.log.keys).toEqual(com.replica.log.keys)
    expect(Bytes.toHex(fine.replica.log.ids())).toBe(Bytes.toHex(com.replica.log.ids()))
  })

  it("falls back when reading the checkpoint fails", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 10, { checkpoint: { every: 4 } })
    const failing: Storage.StorageShape = { ...store, get: () => Effect.fail(new Storage.StorageError({ reason: "disk on fire" })) }
    const opened = await reopenCommunity(shared(failing).layer, com.id)
    expect(opened.resumed?._tag).toBe("FromGenesis")
    expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
  })

  it("uses a checkpoint written by an older, shorter log and folds only what came after", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 12, { checkpoint: { every: 1_000_000 } })
    await runIn(layer, com.checkpoint())
    for (let i = 0; i < 9; i++) await runIn(layer, com.append(key(2), "core", "tick", {}))
    expect(await Effect.runPromise(store.events(com.id))).toHaveLength(22)
    const opened = await reopenCommunity(layer, com.id)
    expect(opened.resumed).toEqual({ _tag: "FromCheckpoint", position: 13 })
    expect(opened.replica.stats.steps).toBe(1 + 9)
    expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
  })

  it("refolds from the genesis when a late event lands before the checkpoint's end", async () => {
    const { layer } = shared()
    const [a, b] = [key(1), key(2)]
    // A history where b wrote an early event that this replica only receives later.
    const built = new Builder([a, b])
    const first = built.add(a, "core", "tick", {})
    const late = built.add(b, "core", "tick", {}, { parents: [built.genesis] })
    for (let i = 0; i < 10; i++) built.add(a, "core", "tick", {}, { parents: [built.events[built.events.length - 1]!].filter((e) => e !== late) })
    void first
    const early = built.events.filter((e) => e !== late)
    const com = await runIn(
      layer,
      Effect.gen(function* () {
        const c = yield* Community.join(built.genesis.bytes, { checkpoint: { every: 1_000_000 } })
        yield* c.receive(early.slice(1).map((e) => e.bytes))
        yield* c.checkpoint()
        yield* c.receive([late.bytes])
        return c
      })
    )
    expect(com.replica.log.size).toBe(built.events.length)
    const opened = await reopenCommunity(layer, com.id)
    expect(opened.resumed).toMatchObject({ _tag: "FromGenesis", reason: expect.stringMatching(/change what it covers/) })
    expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
    expect(opened.replica.orderedKeys()).toEqual(com.replica.orderedKeys())
  })

  it("gives the event loop turns while opening when asked to", async () => {
    const { layer } = shared()
    const com = await grow(layer, 150, { checkpoint: false })
    const turns = async (options: Community.Options) => {
      // Counted until `open` returns: with checkpoint: false nothing runs after it.
      const { value: opened, turns } = await countingTurns(() => runIn(layer, Community.open(com.id, { ...options, checkpoint: false })))
      expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
      return turns
    }
    const never = await turns({ yieldAfterMs: Number.POSITIVE_INFINITY })
    const always = await turns({ yieldAfterMs: 0 })
    // With a budget of 0 every look at the clock yields: at least once per fold slice.
    expect(always).toBeGreaterThan(never + 3)
  })

  it("reads the checkpoint while the records are read, and not at all with checkpoint: false", async () => {
    const { store, layer } = shared()
    const com = await grow(layer, 20, { checkpoint: { every: 8 } })
    const calls: Array<string> = []
    const slow: Storage.StorageShape = {
      ...store,
      events: (c) =>
        Effect.sync(() => calls.push("events start")).pipe(
          Effect.andThen(Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))),
          Effect.andThen(store.events(c)),
          Effect.tap(() => Effect.sync(() => calls.push("events end")))
        ),
      get: (c, k) => Effect.sync(() => calls.push(`get ${k}`)).pipe(Effect.andThen(store.get(c, k)))
    }
    const slowLayer = Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, slow))
    const opened = await reopenCommunity(slowLayer, com.id)
    expect(opened.resumed).toEqual({ _tag: "FromCheckpoint", position: 16 })
    expect(calls).toEqual(["events start", "get checkpoint", "events end"])
    calls.length = 0
    const unchecked = await reopenCommunity(slowLayer, com.id, { checkpoint: false })
    expect(unchecked.resumed?._tag).toBe("FromGenesis")
    expect(calls).toEqual(["events start", "events end"])
  })

  it("looks at the clock every 4 stored records while rebuilding the log, and between its steps", async () => {
    const { layer } = shared()
    const com = await grow(layer, 200, { checkpoint: { every: 1_000_000 } })
    await runIn(layer, com.checkpoint())
    // Nothing is folded again (the checkpoint covers every event): the turns are the log's.
    // Counted until `open` returns (the checkpoint covers everything: nothing is written after).
    const { value: opened, turns } = await countingTurns(() => runIn(layer, Community.open(com.id, { yieldAfterMs: 0 })))
    expect(opened.resumed).toEqual({ _tag: "FromCheckpoint", position: 201 })
    expect(opened.replica.stateHashHex()).toBe(com.replica.stateHashHex())
    // Every 4 records, and after reading, after the genesis, after the replica starts, before
    // and after decoding the checkpoint, and between the steps of restoring it.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(200 / 4) + 6)
  })
})

const withChecksum = (payload: Uint8Array): Uint8Array => Bytes.concat(payload, Hash.sha256(payload))
