/**
 * What the relay tests share: members with replicas in memory, a bounded wait, and a bare
 * protocol client that speaks to the relay frame by frame.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { Bytes, Community, Crypto, Keys, Storage } from "@affinity/core"
import { connect } from "@affinity/sync-websocket"
import { Sync } from "../../src/index.ts"

export const crypto = await Crypto.makeBest()
export const memory = () => Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, Storage.makeMemory()))
export type L = ReturnType<typeof memory>
export const run = <A, E>(effect: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>, layer: L) => Effect.runPromise(Effect.provide(effect, layer))
export const keyOf = (n: number) => Effect.runPromise(Effect.provide(Keys.fromSecret(new Uint8Array(32).fill(n)), Layer.succeed(Crypto.Crypto, crypto)))

/** Temporary folders, removed by {@link removeTemporaries}. */
const roots: Array<string> = []
export const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "affinity-relay-test-"))
  roots.push(d)
  return d
}
export const removeTemporaries = async () => {
  for (const d of roots.splice(0)) await rm(d, { recursive: true, force: true })
}

/** Poll (bounded) until `check` holds. */
export const until = async (check: () => boolean, what: string, rounds = 2_000) => {
  for (let i = 0; i < rounds && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!check()) throw new Error(`gave up waiting: ${what}`)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A member: a community replica in memory, a hub, and the key it signs with. */
export const member = async (community: Community.Community, layer: L, key: Keys.DeviceKey, hubOptions: Sync.HubOptions = {}) => {
  const hub = Sync.makeHub(hubOptions)
  hub.add(community)
  return { community, layer, key, hub }
}
export type Member = Awaited<ReturnType<typeof member>>

/** Alice founds a community with Bob and Carol; each has a replica of their own. */
export const founding = async (name = "Relayed", hubOptions: Sync.HubOptions = {}) => {
  const [alice, bob, carol] = await Promise.all([keyOf(1), keyOf(2), keyOf(3)])
  const la = memory()
  const c = await run(Community.create({ name, author: alice, founders: [bob.publicKey, carol.publicKey] }), la)
  const genesis = c.export()[0]!
  const lb = memory()
  const lc = memory()
  return {
    genesis,
    alice: await member(c, la, alice, hubOptions),
    bob: await member(await run(Community.join(genesis), lb), lb, bob, hubOptions),
    carol: await member(await run(Community.join(genesis), lc), lc, carol, hubOptions)
  }
}

export const ticks = async (m: Member, n: number) => {
  for (let i = 0; i < n; i++) await run(m.community.append(m.key, "core", "tick", {}), m.layer)
}

export const sameLog = (...cs: Array<Community.Community>) =>
  cs.every((c) => c.replica.log.heads().join() === cs[0]!.replica.log.heads().join() && c.replica.stateHashHex() === cs[0]!.replica.stateHashHex())

/** The relay's URL with a fresh introduction of `community` by `key`. */
export const introducing = async (url: string, key: Keys.DeviceKey, community: string, time?: number) =>
  Sync.Introduction.url(url, [await Sync.Introduction.make({ device: key, community, ...(time === undefined ? {} : { time }) })])

/** A genesis of a new one-founder community (what a flood of junk communities is made of). */
export const junkGenesis = async (n: number) => {
  const key = await keyOf(100 + n)
  const c = await run(Community.create({ name: `Junk ${n}`, author: key }), memory())
  return { id: c.id, genesis: c.export()[0]!, key }
}

/**
 * A bare protocol client: says hello, then opens communities one frame at a time and
 * answers the relay's request for each genesis, so a test sees exactly what the relay says.
 */
export const bareClient = async (url: string) => {
  const connection = await connect(url)
  const received: Array<Sync.Message.Message> = []
  connection.receive((frame) => {
    const d = Sync.Message.decode(frame)
    if (d.ok) received.push(d.message)
  })
  const send = (m: Sync.Message.Message) => connection.send(Sync.Message.encode(m))
  send({ _tag: "Hello", versions: [1], nonce: globalThis.crypto.getRandomValues(new Uint8Array(16)), maxFrame: 1 << 20, window: 1 << 21 })
  let seq = 0
  const about = (id: string) => (m: Sync.Message.Message) =>
    (m._tag === "Open" || m._tag === "Unknown" || m._tag === "Want") && Bytes.toHex(m.community) === id
  return {
    connection,
    received,
    /**
     * Open a community the relay does not carry and hand it the genesis: resolves to "carried"
     * when the relay opens it in return, or to the message of its `unknown`.
     */
    offer: async (id: string, genesis: Uint8Array): Promise<string> => {
      const community = Bytes.fromHex(id)!
      const from = received.length
      send({ _tag: "Open", community, heads: [community], count: 1, reply: false })
      await until(() => received.slice(from).some(about(id)), `the relay answers about ${id}`)
      const first = received.slice(from).find(about(id))!
      if (first._tag === "Unknown") return first.message
      if (first._tag === "Want") send({ _tag: "Events", community, seq: ++seq, events: [genesis] })
      await until(() => received.slice(from).some((m) => about(id)(m) && m._tag !== "Want"), `the relay takes or declines ${id}`)
      const answer = received.slice(from).find((m) => about(id)(m) && m._tag !== "Want")!
      return answer._tag === "Unknown" ? answer.message : "carried"
    },
    close: () => connection.close()
  }
}
