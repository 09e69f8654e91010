/**
 * Raw signature verification: each Crypto provider's `verifyBatch` on the history's own
 * signatures, and node:crypto's `verify` called directly (the platform's primitive).
 *
 * @module
 */
import { Bytes, type Crypto } from "@affinity/core"
import { Effect } from "effect"
import * as NodeCrypto from "node:crypto"
import type { History } from "./history.ts"
import { rate, time } from "./measure.ts"
import { count, perSecond, type Row } from "./report.ts"

/** What the verification section found: the rows and each provider's rate. */
export interface VerifyResult {
  readonly rows: ReadonlyArray<Row>
  /**
   * Signatures per second: `"<provider> (verifyBatch)"` for each provider, and
   * `"node:crypto raw, callbacks"` / `"node:crypto raw, sync"` for the platform's primitive.
   */
  readonly rates: ReadonlyMap<string, number>
}

/** Options of {@link measureVerify}. */
export interface VerifyOptions {
  /** Signatures given to noble (a subset: it is slow). */
  readonly nobleCount: number
  readonly runs: number
  readonly warmup: number
}

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

/** Verify every item; fails loudly when one does not verify (the history would be broken). */
const verifyAll = async (shape: Crypto.CryptoShape, items: ReadonlyArray<Crypto.VerifyItem>): Promise<void> => {
  const verdicts = await Effect.runPromise(shape.verifyBatch(items))
  if (verdicts.some((ok) => !ok)) throw new Error(`bench: ${shape.name} rejected a signature of the history`)
}

/** The signatures of the author who signed the most of them. */
const busiestAuthor = (items: ReadonlyArray<Crypto.VerifyItem>): ReadonlyArray<Crypto.VerifyItem> => {
  const by = new Map<string, Array<Crypto.VerifyItem>>()
  for (const item of items) {
    const id = Bytes.toHex(item.publicKey)
    let list = by.get(id)
    if (list === undefined) by.set(id, (list = []))
    list.push(item)
  }
  let best: Array<Crypto.VerifyItem> = []
  for (const list of by.values()) if (list.length > best.length) best = list
  return best
}

/** node:crypto `verify` with callbacks (the libuv thread pool), all started at once. */
const rawCallbacks = (key: NodeCrypto.KeyObject, items: ReadonlyArray<Crypto.VerifyItem>): Promise<void> =>
  new Promise((resolve, reject) => {
    let left = items.length
    if (left === 0) return resolve()
    for (const item of items)
      NodeCrypto.verify(null, item.message, key, item.signature, (error, ok) => {
        if (error !== null || !ok) reject(error ?? new Error("bench: node:crypto rejected a signature of the history"))
        else if (--left === 0) resolve()
      })
  })

/** node:crypto `verify` without a callback: one signature after the other on the main thread. */
const rawSync = (key: NodeCrypto.KeyObject, items: ReadonlyArray<Crypto.VerifyItem>): void => {
  for (const item of items)
    if (!NodeCrypto.verify(null, item.message, key, item.signature)) throw new Error("bench: node:crypto rejected a signature")
}

/** Measure every provider and the raw primitive on the history's signatures. */
export const measureVerify = async (
  history: History,
  shapes: ReadonlyArray<Crypto.CryptoShape>,
  options: VerifyOptions
): Promise<VerifyResult> => {
  const rows: Array<Row> = []
  const rates = new Map<string, number>()
  for (const shape of shapes) {
    const items = shape.name === "noble" ? history.signatures.slice(0, options.nobleCount) : history.signatures
    const warm = items.slice(0, Math.min(items.length, shape.name === "noble" ? 200 : 5000))
    await verifyAll(shape, warm)
    const t = await time(options.runs, options.warmup, () => verifyAll(shape, items))
    const r = rate(items.length, t.ms)
    rates.set(`${shape.name} (verifyBatch)`, r)
    rows.push({
      section: "verify",
      name: `Verify: ${shape.name} (verifyBatch)`,
      result: perSecond(r, "signatures"),
      detail: `${count(items.length)} signatures in one \`verifyBatch\` call`
    })
  }

  // One author's signatures, repeated up to the count node's verifyBatch was given (at most 25,000).
  const author = busiestAuthor(history.signatures)
  const target = Math.min(history.signatures.length, 25_000)
  const own = author.length === 0 ? [] : Array.from({ length: Math.max(author.length, target) }, (_, i) => author[i % author.length]!)
  const first = own[0]
  if (first !== undefined) {
    const key = NodeCrypto.createPublicKey({ key: Buffer.from(Bytes.concat(SPKI_PREFIX, first.publicKey)), format: "der", type: "spki" })
    const callbacks = await time(options.runs, options.warmup, () => rawCallbacks(key, own))
    rates.set("node:crypto raw, callbacks", rate(own.length, callbacks.ms))
    rows.push({
      section: "verify",
      name: "Verify: node:crypto raw (callbacks, one KeyObject)",
      result: perSecond(rate(own.length, callbacks.ms), "signatures"),
      detail: `\`crypto.verify\` with a callback, ${count(own.length)} verifications of one author's ${count(author.length)} signatures, all started at once`
    })
    const sync = await time(options.runs, options.warmup, () => rawSync(key, own))
    rates.set("node:crypto raw, sync", rate(own.length, sync.ms))
    rows.push({
      section: "verify",
      name: "Verify: node:crypto raw (sync, one thread)",
      result: perSecond(rate(own.length, sync.ms), "signatures"),
      detail: `\`crypto.verify\` without a callback, in a loop on the main thread`
    })
  }
  return { rows, rates }
}
