/**
 * Ed25519 verification on Node worker threads, for the `node` provider's `verifyBatch`.
 *
 * node:crypto's asynchronous `verify` runs on libuv's thread pool, but each call costs the
 * main thread a job to set up and a callback to run (about as much as decoding and folding
 * an event). Here each worker verifies with the synchronous `crypto.verify`, and the main
 * thread only packs chunks of signatures into one buffer each and reads one byte per
 * verdict back: the event loop stays free for the fold while the workers verify. Chunks of
 * every batch wait in one queue that workers draw from as they finish, so a worker that gets
 * less of the CPU (it shares a core with the fold) takes less of the work.
 *
 * The worker's code is a string evaluated by `new Worker(code, { eval: true })`, so no file
 * has to be found next to a bundle. Workers are started on first use and shared by every
 * provider instance of the process; a worker keeps the process alive only while it has
 * signatures to answer. When workers cannot be started or one fails,
 * {@link VerifyPool.verify} answers `undefined` and the caller verifies another way.
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

/** Signatures per message to a worker: a few milliseconds of work. */
const CHUNK = 64

/** Chunks a worker holds at once: one it verifies and one waiting, so it never idles between messages. */
const PER_WORKER = 2

/** A chunk of a batch waiting for a worker, then for its answer. */
interface Chunk {
  readonly items: ReadonlyArray<PoolItem>
  readonly from: number
  readonly to: number
  readonly resolve: (out: Uint8Array | undefined) => void
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

/** `items[from..to)` packed as the worker reads them. */
const pack = (items: ReadonlyArray<PoolItem>, from: number, to: number): Uint8Array<ArrayBuffer> => {
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
  return buf
}

const startPool = (): VerifyPool | undefined => {
  const proc = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }).process
  const getBuiltin = proc?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const threads = getBuiltin("node:worker_threads") as typeof NodeWorkers | undefined
  const os = getBuiltin("node:os") as { availableParallelism?: () => number } | undefined
  if (threads === undefined || typeof threads.Worker !== "function") return undefined
  const size = Math.max(1, Math.min(4, os?.availableParallelism?.() ?? 2))

  /**
   * Chunks not sent yet, oldest first. Workers take the next one whenever they hold fewer
   * than {@link PER_WORKER}: a worker that got less of the CPU takes less of the work, and
   * none waits while another still has a backlog.
   */
  const queue: Array<Chunk> = []
  let head = 0
  /** Chunks each worker holds, by message id, answered in order. */
  const held: Array<Map<number, Chunk>> = []
  let nextId = 0
  let broken = false
  const workers: Array<NodeWorkers.Worker> = []

  const fail = () => {
    if (broken) return
    broken = true
    for (const m of held) for (const c of m.values()) c.resolve(undefined)
    for (let k = head; k < queue.length; k++) queue[k]!.resolve(undefined)
    queue.length = 0
    head = 0
    for (const w of workers) void w.terminate()
  }

  /** Give waiting chunks to workers with room; a worker keeps the process alive only while it holds some. */
  const pump = () => {
    for (let w = 0; w < workers.length && head < queue.length; w++) {
      const mine = held[w]!
      while (mine.size < PER_WORKER && head < queue.length) {
        const chunk = queue[head++]!
        const buf = pack(chunk.items, chunk.from, chunk.to)
        const id = nextId++
        if (mine.size === 0) workers[w]!.ref()
        mine.set(id, chunk)
        try {
          workers[w]!.postMessage({ id, buf: buf.buffer, count: chunk.to - chunk.from }, [buf.buffer])
        } catch {
          fail()
          return
        }
      }
    }
    if (head === queue.length) {
      queue.length = 0
      head = 0
    }
  }

  try {
    for (let k = 0; k < size; k++) {
      // No inherited flags: an `--input-type=module` of the parent would make this code a module.
      const w = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [] })
      const mine = new Map<number, Chunk>()
      w.on("message", (m: { readonly id: number; readonly out: Uint8Array }) => {
        const chunk = mine.get(m.id)
        if (chunk === undefined) return
        mine.delete(m.id)
        if (mine.size === 0) w.unref()
        chunk.resolve(m.out)
        pump()
      })
      w.on("error", fail)
      w.on("exit", fail)
      // After the listeners: adding a "message" listener refs the worker's port again.
      w.unref()
      workers.push(w)
      held.push(mine)
    }
  } catch {
    fail()
    return undefined
  }

  return {
    verify: async (items) => {
      if (broken) return undefined
      const parts: Array<Promise<Uint8Array | undefined>> = []
      // Chunks no smaller than needed to give every worker a share of a small batch.
      const size = Math.max(POOL_MIN_BATCH, Math.min(CHUNK, Math.ceil(items.length / workers.length)))
      for (let from = 0; from < items.length; from += size) {
        const to = Math.min(items.length, from + size)
        parts.push(new Promise((resolve) => queue.push({ items, from, to, resolve })))
      }
      pump()
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
