import { describe, expect, it } from "vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Bytes, Client, Community, Crypto, Event, Keys, Storage, Sync, SyncRound } from "@affinity/core"

const memory = () => Client.make({ storage: Storage.layerMemory })
const DAY = 24 * 60 * 60 * 1000

/** A connection whose other end never answers and never closes. */
const silent = (): Sync.Connection.Connection => ({
  send: () => {},
  receive: () => {},
  close: () => {},
  closed: new Promise(() => {})
})

describe("Client: reads without the replica", () => {
  it("gives community time, outcomes, events by key and a device's latest event", async () => {
    const client = await memory()
    const [a, b, c] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const start = Date.now() - 10 * DAY
    const community = await client.create({ name: "Co-op", author: a, founders: [b.publicKey, c.publicKey], time: start })
    expect(community.communityTime()).toBe(start)

    // From three full members on, community time needs two members' clocks: one is not enough.
    const first = await community.append(a, "core", "tick", {}, { time: start + DAY })
    expect(community.communityTime()).toBe(start)
    const second = await community.append(b, "core", "tick", {}, { time: start + 2 * DAY })
    expect(community.communityTime()).toBe(start + DAY)

    const seen = community.event(second.key)!
    expect(seen).toMatchObject({
      key: second.key,
      position: 2,
      device: b.id,
      seq: 1,
      prev: null,
      parents: [first.key],
      time: start + 2 * DAY,
      communityTime: start,
      module: "core",
      type: "tick",
      body: {},
      outcome: { _tag: "Applied" }
    })
    expect(seen.bytes).toEqual(community.export()[2])
    expect(community.event(community.id)).toMatchObject({ position: 0, type: "genesis", time: start, communityTime: start })
    expect(community.event("00".repeat(32))).toBeUndefined()
    expect(community.outcome(first.key)).toEqual(first.outcome)
    expect(community.outcome("00".repeat(32))).toBeUndefined()

    const again = await community.append(a, "core", "member.apply", { note: "twice" })
    expect(community.latestBy(a)?.key).toBe(again.key)
    expect(community.latestBy(a.id)).toMatchObject({ seq: 3, prev: first.key, outcome: again.outcome })
    expect(community.latestBy(c)).toBeUndefined()
    // Detached, they still read this community.
    const { outcome, communityTime } = community
    expect(outcome(again.key)?._tag).toBe("Rejected")
    expect(communityTime()).toBe(community.communityTime())
    await client.close()
  })

  it("creates a community whose genesis claims the given time", async () => {
    const client = await memory()
    const me = await client.generateKey()
    const founded = Date.UTC(2024, 0, 15, 18, 0, 0)
    const community = await client.create({ name: "Founded on paper", author: me, time: founded })
    expect(community.event(community.id)?.time).toBe(founded)
    // Later events claim the clock's time, never less than what they cite.
    const { key } = await community.append(me, "core", "tick", {}, { time: founded - DAY })
    expect(community.event(key)?.time).toBe(founded)
    await expect(client.create({ name: "x", author: me, time: 1.5 })).rejects.toMatchObject({ _tag: "AppendError", reason: "MalformedHeader" })
    await client.close()
  })
})

describe("Client: signing bytes", () => {
  it("signs and verifies messages of the application's own", async () => {
    const client = await memory()
    const me = await client.generateKey()
    const message = Bytes.utf8("my-app/invitation/v1\u0000hello")
    const signature = await client.sign(me, message)
    expect(signature).toHaveLength(64)
    expect(await client.verify(me.publicKey, message, signature)).toBe(true)
    expect(await client.verify(me.id, message, signature)).toBe(true)
    expect(await client.verify(me.id, Bytes.utf8("my-app/invitation/v1\u0000hellO"), signature)).toBe(false)
    expect(await client.verify("not hex", message, signature)).toBe(false)
    expect(await client.verify(me.publicKey.subarray(1), message, signature)).toBe(false)
    expect(await client.verify(me.publicKey, message, signature.subarray(1))).toBe(false)
    // Another client (another crypto provider) agrees.
    const other = await memory()
    expect(await other.verify(me.id, message, signature)).toBe(true)
    await other.close()
    await client.close()
  })

  it("refuses to sign what could stand for an event or a device's consent", async () => {
    const client = await memory()
    const me = await client.generateKey()
    const community = await client.create({ name: "x", author: me })
    const unsigned = Event.prepare({
      community: Bytes.fromHex(community.id)!,
      author: me.publicKey,
      seq: 2,
      prev: Bytes.fromHex(community.id)!,
      parents: [],
      time: Date.now(),
      module: "core",
      type: "tick",
      body: {}
    })
    if (!unsigned.ok) throw new Error(unsigned.error.message)
    await expect(client.sign(me, unsigned.unsigned.message)).rejects.toMatchObject({
      _tag: "ReservedMessage",
      domain: "affinity/event/v1",
      message: expect.stringMatching(/only the protocol signs under/)
    })
    await expect(client.sign(me, Bytes.concat(Bytes.utf8("affinity/device/v1\u0000"), new Uint8Array(64)))).rejects.toBeInstanceOf(
      Client.ReservedMessage
    )
    await client.close()
  })
})

describe("Client: checking an event before writing it", () => {
  it("gives the verdict append would give, and writes, signs and announces nothing", async () => {
    const client = await memory()
    const [a, b, stranger] = [await client.generateKey(), await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Co-op", author: a, founders: [b.publicKey] })
    await community.append(b, "core", "tick", {})
    const changes: Array<Community.Change> = []
    community.subscribe((change) => changes.push(change))
    const before = { events: community.export().length, hash: community.stateHash() }

    expect(await community.check(a, "core", "tick", {})).toEqual({ _tag: "Applied", actions: [] })
    // The public key is enough: no secret is needed for a dry run.
    expect(await community.check(b.publicKey, "core", "tick", {})).toEqual({ _tag: "Applied", actions: [] })
    expect(await community.check(a, { module: "core", type: "member.admit", body: { identity: stranger.publicKey } })).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "NeedsDecision", message: expect.stringMatching(/propose it as a decision's action/) }
    })
    expect(await community.check(stranger, "core", "tick", {})).toMatchObject({ _tag: "Rejected", reason: { _tag: "UnknownAuthor" } })
    const dynamic: string = "tick"
    await expect(community.check(a, "core", dynamic, { n: 1.5 })).rejects.toMatchObject({ _tag: "AppendError", reason: "MalformedBody" })
    // A device's consent that does not verify makes the event invalid, as it would on append.
    const phone = await client.generateKey()
    await expect(community.check(a, "core", "device.add", { device: phone.publicKey, consent: new Uint8Array(64) })).rejects.toMatchObject({
      _tag: "AppendError",
      reason: "Invalid",
      message: "a signature inside the body does not verify"
    })

    expect(community.export()).toHaveLength(before.events)
    expect(community.stateHash()).toBe(before.hash)
    expect(changes).toEqual([])

    // What check said is what append does.
    const at = Date.now()
    const predicted = await community.check(stranger, "core", "member.apply", { note: "hello" }, { time: at })
    const appended = await community.append(stranger, "core", "member.apply", { note: "hello" }, { time: at })
    expect(appended.outcome).toEqual(predicted)
    expect(await community.check(stranger, "core", "member.apply", { note: "again" })).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "AlreadyKnown" }
    })
    await client.close()
  })

  it("folds the check on the community as reopened, after many events", async () => {
    const client = await memory()
    const [a, b] = [await client.generateKey(), await client.generateKey()]
    const community = await client.create({ name: "Busy", author: a, founders: [b.publicKey] })
    for (let i = 0; i < 60; i++) await community.append(i % 2 === 0 ? a : b, "core", "tick", {})
    const phone = await client.generateKey()
    const consent = await client.deviceConsent(phone, community.id, b.publicKey)
    expect(await community.check(b, "core", "device.add", { device: phone.publicKey, consent })).toEqual({ _tag: "Applied", actions: [] })
    expect(await community.check(b, "core", "device.revoke", { device: a.publicKey })).toMatchObject({
      _tag: "Rejected",
      reason: { _tag: "NotYourDevice" }
    })
    expect(await community.check(a, "core", "member.leave", { note: "bye" })).toEqual({ _tag: "Applied", actions: [] })
    expect(community.members()).toContain(a.id)
    expect(community.export()).toHaveLength(61)
    await client.close()
  })
})

describe("Client: sync without Effect", () => {
  it("runs a round of sync and keeps a connection in step", async () => {
    const [here, there] = [await memory(), await memory()]
    const me = await here.generateKey()
    const choir = await here.create({ name: "Choir", author: me })
    await choir.append(me, "core", "tick", {})
    await choir.append(me, "core", "tick", {})
    const copy = await there.join(choir.export()[0]!)

    const [left, right] = Sync.Memory.pair()
    const peer = choir.connect(left)
    const round = await copy.sync([right])
    expect(round).toMatchObject({ received: 2, held: 0, timedOut: false })
    expect(round.peers).toEqual([{ synced: true, closed: undefined, sent: 0, received: 2 }])
    expect(copy.stateHash()).toBe(choir.stateHash())
    // The round closed its connection: the other side hears why.
    expect((await peer.closed).reason).toBe("Shutdown")

    // A connection kept open forwards new events as they are written.
    const [l2, r2] = Sync.Memory.pair()
    choir.connect(l2)
    const kept = copy.connect(r2)
    const { key } = await choir.append(me, "core", "tick", {})
    for (let i = 0; i < 200 && copy.event(key) === undefined; i++) await new Promise((r) => setTimeout(r, 5))
    expect(copy.event(key)?.outcome._tag).toBe("Applied")
    // Closing a handle disconnects its peers.
    copy.close()
    expect(await kept.closed).toMatchObject({ by: "local", reason: "Shutdown" })
    await here.close()
    await there.close()
  })

  it("ends a round on its timeout and says which peers did not finish", async () => {
    const [here, there] = [await memory(), await memory()]
    const me = await here.generateKey()
    const community = await here.create({ name: "Quiet", author: me })
    const copy = await there.join(community.export()[0]!)
    const [left, right] = Sync.Memory.pair()
    community.connect(left)
    const started = Date.now()
    const round = await copy.sync([right, silent()], { timeout: 300 })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(round.timedOut).toBe(true)
    expect(round.peers.map((p) => p.synced)).toEqual([true, false])
    expect(round.peers[1]!.closed).toBeUndefined()

    // A peer that closes its side early ends its part of the round, with the reason.
    const [l3, r3] = Sync.Memory.pair()
    l3.close({ reason: "Closed", message: "going away" })
    const early = await copy.sync([r3], { timeout: 5000 })
    expect(early.timedOut).toBe(false)
    expect(early.peers[0]).toMatchObject({ synced: false, closed: { by: "remote", reason: "Closed", message: "going away" } })
    await here.close()
    await there.close()
  })
})

describe("the same with Effect", () => {
  it("checks an event and runs a round of sync on Effect communities", async () => {
    // Each replica's storage stays open while its runtime does.
    const runtime = () => ManagedRuntime.make(Layer.mergeAll(Crypto.layerBest, Storage.layerMemory))
    const [here, there] = [runtime(), runtime()]
    const { me, choir } = await here.runPromise(
      Effect.gen(function* () {
        const me = yield* Keys.generate()
        const choir = yield* Community.create({ name: "Choir", author: me })
        yield* choir.append(me, "core", "tick", {})
        return { me, choir }
      })
    )
    expect(await Effect.runPromise(choir.check(me, "core", "tick", {}))).toEqual({ _tag: "Applied", actions: [] })
    const failure = await Effect.runPromise(Effect.flip(choir.check(me, "core", "tick", { n: 1.5 })))
    expect(failure).toMatchObject({ _tag: "AppendError", reason: "MalformedBody" })
    expect(choir.export()).toHaveLength(2)

    const copy = await there.runPromise(Community.join(choir.export()[0]!))
    const hub = Sync.makeHub()
    hub.add(choir)
    const [left, right] = Sync.Memory.pair()
    hub.connect(left)
    const round = await SyncRound.run(copy, [right], { timeout: 5000, resyncInterval: 50 })
    expect(round.peers[0]!.closed).toBeUndefined()
    expect(round).toMatchObject({ received: 1, timedOut: false, peers: [{ synced: true }] })
    expect(copy.replica.stateHashHex()).toBe(choir.replica.stateHashHex())
    await hub.close()
    await here.dispose()
    await there.dispose()
  })
})
