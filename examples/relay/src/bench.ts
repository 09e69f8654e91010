/**
 * Benchmark material: a relay in a child process (so its memory is its own), many clients
 * on loopback, each sending its own events at once. Measures how fast the relay takes
 * them, its peak memory, and, after a `SIGKILL` and a restart, how many it lost. Each
 * client introduces its community with a signed introduction, so the relay keeps it.
 *
 * ```sh
 * node --conditions=@affinity/source examples/relay/src/bench.ts              # 50 clients × 1,000 events, SQLite
 * node --conditions=@affinity/source examples/relay/src/bench.ts 10 200 fs    # smaller, on the file store
 * ```
 *
 * @module
 */
import { type ChildProcess, fork } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Bytes, Community, Crypto, Event, Hash, type Keys, Storage } from "@affinity/core"
import { connect } from "@affinity/sync-websocket"
import { Effect, Layer } from "effect"
import { Sync, type SyncHub } from "./sync.ts"

/** What {@link measureRelay} runs. */
export interface RelayBenchOptions {
  /** Clients, each a founder of one community (default 50). */
  readonly clients?: number
  /** Events each client sends (default 1,000). */
  readonly events?: number
  /** Clients per community (default 5): the relay forwards each client's events to the others. */
  readonly perCommunity?: number
  /** Also wait until every client holds every event of its community (default true). */
  readonly fanOut?: boolean
  /** The relay's store (default `"sqlite"`, the relay's own default). */
  readonly store?: "sqlite" | "fs"
}

/** What {@link measureRelay} finds. */
export interface RelayBenchResult {
  readonly store: "sqlite" | "fs"
  readonly clients: number
  readonly communities: number
  /** Events the clients sent (genesis events not counted). */
  readonly sent: number
  /** Seconds from the first connection until the relay stored every event. */
  readonly ingestSeconds: number
  readonly eventsPerSecond: number
  /** Seconds until every client held every event of its community (forwarding included), if measured. */
  readonly fanOutSeconds: number | undefined
  /** Peak resident memory of the relay process, in MiB (sampled every 20 ms). */
  readonly peakRssMiB: number
  /** The relay's JavaScript heap in use at the end, in MiB. */
  readonly heapMiB: number
  /** Events the clients' hubs saw acknowledged. */
  readonly acknowledged: number
  /** Events missing from the relay's storage after a SIGKILL and a restart (must be 0). */
  readonly lost: number
}

interface Stats {
  readonly peakRss: number
  readonly heapUsed: number
  readonly counts: Record<string, number>
}

const startChild = async (data: string, store: "sqlite" | "fs"): Promise<{ child: ChildProcess; url: string }> => {
  const child = fork(new URL("./main.ts", import.meta.url).pathname, ["--port", "0", "--data", data, "--store", store, "--quiet", "--ipc"], {
    execArgv: ["--conditions=@affinity/source"],
    stdio: ["ignore", "ignore", "inherit", "ipc"]
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { url: string }).url))
    child.once("exit", (code) => reject(new Error(`the relay exited (${code})`)))
  })
  return { child, url }
}

const statsOf = (child: ChildProcess): Promise<Stats> =>
  new Promise((resolve) => {
    const on = (m: unknown) => {
      if ((m as { type?: string }).type !== "stats") return
      child.off("message", on)
      resolve(m as Stats)
    }
    child.on("message", on)
    child.send("stats")
  })

const stop = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill(signal)
  })

/** Sign the events of one community: a genesis by the first founder, then `n` ticks by each. */
const history = async (crypto: Crypto.CryptoShape, community: number, founders: number, n: number) => {
  const secrets = Array.from({ length: founders }, (_, i) => Hash.sha256(Bytes.utf8(`affinity/relay-bench/${community}/${i}`)))
  const keys = await Promise.all(secrets.map((s) => Effect.runPromise(crypto.publicKey(s))))
  const devices: Array<Keys.DeviceKey> = secrets.map((secret, i) => ({ secret, publicKey: keys[i]!, id: Bytes.toHex(keys[i]!) }))
  const sign = async (i: number, draft: Omit<Event.Draft, "author">) => {
    const prepared = Event.prepare({ ...draft, author: keys[i]! })
    if (!prepared.ok) throw new Error(prepared.error.message)
    const sig = await Effect.runPromise(crypto.sign(secrets[i]!, prepared.unsigned.message))
    return { id: prepared.unsigned.id, bytes: Event.assemble(prepared.unsigned, sig) }
  }
  const t0 = 1_700_000_000_000 + community
  const genesis = await sign(0, {
    community: null, seq: 1, prev: null, parents: [], time: t0, module: "core", type: "genesis",
    body: { name: `Bench ${community}`, founders: [...Event.dedupeSorted(keys)], params: {} }
  })
  const chains: Array<Array<Uint8Array>> = []
  for (let i = 0; i < founders; i++) {
    const chain: Array<Uint8Array> = []
    let prev: Uint8Array | null = i === 0 ? genesis.id : null
    let seq = i === 0 ? 2 : 1
    for (let k = 0; k < n; k++) {
      const e = await sign(i, {
        community: genesis.id, seq, prev, parents: prev ? [] : [genesis.id], time: t0 + 1 + k,
        module: "core", type: "tick", body: {}
      })
      chain.push(e.bytes)
      prev = e.id
      seq++
    }
    chains.push(chain)
  }
  return { genesis: genesis.bytes, id: Bytes.toHex(genesis.id), chains, devices }
}

/** Run the relay benchmark (see the module documentation). */
export const measureRelay = async (options: RelayBenchOptions = {}): Promise<RelayBenchResult> => {
  const clients = options.clients ?? 50
  const n = options.events ?? 1_000
  const per = Math.min(options.perCommunity ?? 5, clients)
  const communities = Math.ceil(clients / per)
  const crypto = await Crypto.makeBest()
  const histories = []
  for (let c = 0; c < communities; c++) histories.push(await history(crypto, c, Math.min(per, clients - c * per), n))

  // Each client opens its community from memory holding the genesis and its own events.
  const store = options.store ?? "sqlite"
  const members: Array<{ community: Community.Community; hub: SyncHub; total: number; device: Keys.DeviceKey }> = []
  for (const h of histories) {
    for (const [i, chain] of h.chains.entries()) {
      const memory = Storage.makeMemory()
      await Effect.runPromise(memory.append(h.id, [h.genesis, ...chain]))
      const layer = Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, memory))
      const community = await Effect.runPromise(Effect.provide(Community.open(h.id), layer))
      const hub = Sync.makeHub()
      hub.add(community)
      members.push({ community, hub, total: 1 + h.chains.length * n, device: h.devices[i]! })
    }
  }

  const data = await mkdtemp(join(tmpdir(), "affinity-relay-bench-"))
  let relay = await startChild(data, store)
  try {
    const expected = new Map(histories.map((h) => [h.id, 1 + h.chains.length * n]))
    // Each founder introduces its community, signed before the clock starts.
    const introduce = (m: (typeof members)[number]) =>
      Effect.runPromise(Effect.provideService(Sync.Introduction.sign(m.device, m.community.id), Crypto.Crypto, crypto))
    const introductions = await Promise.all(members.map(introduce))
    const started = performance.now()
    const peers = await Promise.all(
      members.map(async (m, i) => m.hub.connect(await connect(Sync.Introduction.url(relay.url, [introductions[i]!]))))
    )
    const closedEarly: Array<string> = []
    for (const p of peers) void p.closed.then((r) => closedEarly.push(`${r.by} ${r.reason}: ${r.message}`))
    let stats = await statsOf(relay.child)
    for (let i = 0; i < 6_000; i++) {
      if ([...expected].every(([id, total]) => stats.counts[id] === total)) break
      await new Promise((r) => setTimeout(r, 20))
      stats = await statsOf(relay.child)
    }
    const ingestSeconds = (performance.now() - started) / 1000
    let fanOutSeconds: number | undefined
    if (options.fanOut ?? true) {
      for (let i = 0; i < 30_000 && !members.every((m) => m.community.replica.log.size === m.total); i++)
        await new Promise((r) => setTimeout(r, 20))
      fanOutSeconds = (performance.now() - started) / 1000
    }
    stats = await statsOf(relay.child)
    // Acknowledgements follow the storing by a moment.
    const total = members.length * n + members.length
    const acked = () => peers.reduce((t: number, p) => t + p.stats.eventsAcked, 0)
    for (let i = 0; i < 500 && acked() < total; i++) await new Promise((r) => setTimeout(r, 10))
    const acknowledged = acked()
    if (process.env["AFFINITY_BENCH_DEBUG"]) console.log({ closedEarly, acked: peers.map((p) => p.stats.eventsAcked) })
    for (const m of members) await m.hub.close()
    // Pull the plug, start again on the same folder, and count what is there.
    await stop(relay.child, "SIGKILL")
    relay = await startChild(data, store)
    const after = await statsOf(relay.child)
    let lost = 0
    for (const [id, total] of expected) lost += Math.max(0, total - (after.counts[id] ?? 0))
    const sent = clients * n
    return {
      store,
      clients,
      communities,
      sent,
      ingestSeconds,
      eventsPerSecond: sent / ingestSeconds,
      fanOutSeconds,
      peakRssMiB: stats.peakRss / (1024 * 1024),
      heapMiB: stats.heapUsed / (1024 * 1024),
      acknowledged,
      lost
    }
  } finally {
    await stop(relay.child, "SIGTERM")
    await rm(data, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const [clients, events] = process.argv.slice(2, 4).map(Number)
  const store = process.argv[4] === "fs" ? "fs" : "sqlite"
  const r = await measureRelay({ ...(clients ? { clients } : {}), ...(events ? { events } : {}), store })
  console.log(JSON.stringify(r, null, 2))
}
