/**
 * Ed25519 verification on Node worker threads, for the `node` provider's `verifyBatch`.
 *
 * node:crypto's asynchronous `verify` runs on libuv's thread pool, but each call costs the
 * main thread a job to set up and a callback to run (about as much as decoding and folding
 * an event). Here each worker verifies with the synchronous `crypto.verify`, and the main
 * thread only packs a slice of signatures into one buffer and reads one byte per verdict
 * back: the event loop stays free for the fold while the workers verify.
 *
 * The worker's code is a string evaluated by `new Worker(code, { eval: true })`, so no file
 * has to be found next to a bundle. Workers are started on first use and shared by every
 * provider instance of the process; a worker keeps the process alive only while it has
 * signatures to answer. When workers
 * cannot be started or one fails, {@link VerifyPool.verify} answers `undefined` and the
 * caller verifies another way.
 *
 * @module
 */
import type * as NodeWorkers from "node:worker_threads"

/** One signature, already through the protocol's byte checks. */
export interface PoolItem {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
}

/**
 * The worker: messages are `{ id, buf, count }` where `buf` holds `count` records of
 * `publicKey(32) || signature(64) || u32be(len) || message(len)`; it answers `{ id, out }`
 * with one byte per record, 1 when the signature verifies.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads")
const crypto = require("node:crypto")
const PREFIX = Buffer.from("302a300506032b6570032100", "hex")
const keys = new Map()
parentPort.on("message", ({ id, buf, count }) => {
  const b = Buffer.from(buf)
  const out = new Uint8Array(count)
  let p = 0
  for (let k = 0; k < count; k++) {
    const pk = b.subarray(p, p + 32)
    const sig = b.subarray(p + 32, p + 96)
    const len = b.readUInt32BE(p + 96)
    const msg = b.subarray(p + 100, p + 100 + len)
    p += 100 + len
    const name = pk.toString("latin1")
    let key = keys.get(name)
    if (key === undefined) {
      try {
        key = crypto.createPublicKey({ key: Buffer.concat([PREFIX, pk]), format: "der", type: "spki" })
      } catch {
        key = null
      }
      if (keys.size >= 4096) keys.clear()
      keys.set(name, key)
    }
    try {
      out[k] = key !== null && crypto.verify(null, msg, key, sig) ? 1 : 0
    } catch {
      out[k] = 0
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer])
})
`

/** Fewest signatures worth sending to a worker at all. */
export const POOL_MIN_BATCH = 8

interface Job {
  readonly resolve: (out: Uint8Array | undefined) => void
  readonly worker: number
}

/** A set of verification workers. */
export interface VerifyPool {
  /** Verdicts of `items`, in order; `undefined` when the pool is not usable. */
  readonly verify: (items: ReadonlyArray<PoolItem>) => Promise<ReadonlyArray<boolean> | undefined>
}

let shared: VerifyPool | null | undefined

/** The process's pool, started on first call; `undefined` where worker threads are not available. */
export const verifyPool = (): VerifyPool | undefined => {
  if (shared === undefined) shared = startPool() ?? null
  return shared ?? undefined
}

const startPool = (): VerifyPool | undefined => {
  const proc = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }).process
  const getBuiltin = proc?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const threads = getBuiltin("node:worker_threads") as typeof NodeWorkers | undefined
  const os = getBuiltin("node:os") as { availableParallelism?: () => number } | undefined
  if (threads === undefined || typeof threads.Worker !== "function") return undefined
  const size = Math.max(1, Math.min(4, os?.availableParallelism?.() ?? 2))

  const jobs = new Map<number, Job>()
  let nextId = 0
  let broken = false
  let turn = 0
  const workers: Array<NodeWorkers.Worker> = []
  /** Jobs sent to each worker and not answered: a worker with some keeps the process alive. */
  const busy: Array<number> = []
  const settle = (job: Job) => {
    if (--busy[job.worker]! === 0) workers[job.worker]?.unref()
  }

  const fail = () => {
    broken = true
    for (const job of jobs.values()) {
      settle(job)
      job.resolve(undefined)
    }
    jobs.clear()
    for (const w of workers) void w.terminate()
  }
  try {
    for (let k = 0; k < size; k++) {
      // No inherited flags: an `--input-type=module` of the parent would make this code a module.
      const w = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [] })
      w.unref()
      w.on("message", (m: { readonly id: number; readonly out: Uint8Array }) => {
        const job = jobs.get(m.id)
        if (job === undefined) return
        jobs.delete(m.id)
        settle(job)
        job.resolve(m.out)
      })
      w.on("error", fail)
      w.on("exit", () => {
        if (!broken) fail()
      })
      workers.push(w)
      busy.push(0)
    }
  } catch {
    fail()
    return undefined
  }

  /** Pack items and send them to one worker; its verdict bytes. */
  const send = (items: ReadonlyArray<PoolItem>, from: number, to: number): Promise<Uint8Array | undefined> => {
    let total = 0
    for (let k = from; k < to; k++) total += 100 + items[k]!.message.length
    const buf = new Uint8Array(total)
    let p = 0
    for (let k = from; k < to; k++) {
      const item = items[k]!
      buf.set(item.publicKey, p)
      buf.set(item.signature, p + 32)
      const len = item.message.length
      buf[p + 96] = len >>> 24
      buf[p + 97] = (len >>> 16) & 255
      buf[p + 98] = (len >>> 8) & 255
      buf[p + 99] = len & 255
      buf.set(item.message, p + 100)
      p += 100 + len
    }
    const id = nextId++
    const index = turn++ % workers.length
    const worker = workers[index]!
    return new Promise((resolve) => {
      const job: Job = { resolve, worker: index }
      jobs.set(id, job)
      if (busy[index]!++ === 0) worker.ref()
      try {
        worker.postMessage({ id, buf: buf.buffer, count: to - from }, [buf.buffer])
      } catch {
        jobs.delete(id)
        settle(job)
        resolve(undefined)
      }
    })
  }

  return {
    verify: async (items) => {
      if (broken) return undefined
      // One share per worker, so a slice is verified by all of them at once.
      const share = Math.max(POOL_MIN_BATCH, Math.ceil(items.length / workers.length))
      const parts: Array<Promise<Uint8Array | undefined>> = []
      for (let from = 0; from < items.length; from += share) parts.push(send(items, from, Math.min(items.length, from + share)))
      const outs = await Promise.all(parts)
      const verdicts = new Array<boolean>(items.length)
      let k = 0
      for (const out of outs) {
        if (out === undefined) return undefined
        for (let j = 0; j < out.length; j++) verdicts[k++] = out[j] === 1
      }
      return k === items.length ? verdicts : undefined
    }
  }
}
