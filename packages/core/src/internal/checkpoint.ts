/**
 * The stored form of a local checkpoint (see "Local storage" in docs/protocol.md; not part
 * of the protocol): a canonical CBOR map followed by the SHA-256 of those bytes.
 *
 * ```text
 * value   = payload || SHA-256(payload)
 * payload = {
 *   "format":    "affinity/checkpoint/v4",
 *   "community": bstr(32)        the community id
 *   "label":     tstr            the integrator's label for its module code
 *   "size":      uint            events covered: delivery indexes 0 … size-1
 *   "digest":    bstr(32)        Log.digest(size)
 *   "records":   bstr(32)        Hash.sha256Framed of the covered events' stored bytes
 *   "ids":       bstr(32·size)   the covered events' ids, back to back
 *   "modules":   [tstr]          module names, sorted, core included
 *   "stateHash": bstr(32)        SHA-256 of "states"
 *   "states":    bstr            canonical CBOR of the map of module states
 *   "outcomes":  [[uint, outcome]]  every covered event not simply applied, by index
 * }
 * outcome = { "_tag": "Applied", "actions": [action] } | { "_tag": "Rejected", "reason": reason }
 * action  = { "_tag": "Applied", "module": tstr, "type": tstr }
 *         | { "_tag": "Failed", "module": tstr, "type": tstr, "reason": reason }
 * reason  = { "_tag": tstr, "message": tstr }
 * ```
 *
 * {@link decode} never throws: bytes that are not exactly this shape give a reason.
 *
 * Stored records never carry payloads (they are kept as values of their own), so erasing a
 * payload changes neither `records` nor the states a checkpoint holds besides the `core`
 * state's `erased`, which the fold writes like any other state: a checkpoint stays usable
 * across erasures, and one taken before an erasure is resumed from and folds it again.
 */
import * as Bytes from "../Bytes.ts"
import * as Cbor from "../Cbor.ts"
import { sha256, sha256Async } from "../Hash.ts"
import type { ActionOutcome, Checkpoint, Outcome } from "../Replica.ts"

/** The storage key checkpoints are kept under. */
export const KEY = "checkpoint"

/** The format tag of this version. */
export const FORMAT = "affinity/checkpoint/v4"

const reason = (r: { readonly _tag: string; readonly message: string }): Cbor.Value => ({ _tag: r._tag, message: r.message })

const outcomeValue = (o: Outcome): Cbor.Value =>
  o._tag === "Rejected"
    ? { _tag: "Rejected", reason: reason(o.reason) }
    : {
        _tag: "Applied",
        actions: o.actions.map((a) =>
          a._tag === "Applied"
            ? { _tag: "Applied", module: a.module, type: a.type }
            : { _tag: "Failed", module: a.module, type: a.type, reason: reason(a.reason) }
        )
      }

/** A checkpoint as stored: with the digest of the stored records it covers. */
export interface Stored extends Checkpoint {
  /** `Hash.sha256Framed` of the first `size` stored records. */
  readonly records: Uint8Array
}

/** The head of a CBOR item of major type `major` with argument `n` (shortest form). */
const head = (major: number, n: number): Uint8Array => {
  const m = major << 5
  if (n < 24) return Uint8Array.of(m | n)
  if (n < 0x100) return Uint8Array.of(m | 24, n)
  if (n < 0x10000) return Uint8Array.of(m | 25, n >>> 8, n & 255)
  if (n < 0x1_0000_0000) return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
  const hi = Math.floor(n / 0x1_0000_0000)
  return Uint8Array.of(m | 27, hi >>> 24, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
}

/** Byte strings at least this long are copied once into the result, not through the CBOR encoder. */
const LARGE = 1024

/**
 * The stored bytes of a checkpoint: the canonical CBOR map of the format above (what
 * `Cbor.encode` gives for it), assembled in one buffer so that the large byte strings (the
 * ids and the states) are copied once, then its SHA-256.
 */
export const encode = (community: Uint8Array, label: string, checkpoint: Stored): Uint8Array => {
  const fields: ReadonlyArray<readonly [string, Cbor.Value]> = [
    ["format", FORMAT],
    ["community", community],
    ["label", label],
    ["size", checkpoint.size],
    ["digest", checkpoint.digest],
    ["records", checkpoint.records],
    ["ids", checkpoint.ids],
    ["modules", [...checkpoint.modules]],
    ["stateHash", checkpoint.stateHash],
    ["states", checkpoint.states],
    ["outcomes", checkpoint.outcomes.map(([i, o]) => [i, outcomeValue(o)])]
  ]
  const entries = fields.map(([k, v]) => ({
    key: Cbor.encode(k),
    value: v instanceof Uint8Array && v.length >= LARGE ? [head(2, v.length), v] : [Cbor.encode(v)]
  }))
  // Canonical order: keys by their encoded bytes (RFC 8949 §4.2.1).
  entries.sort((a, b) => Bytes.compare(a.key, b.key))
  const parts: Array<Uint8Array> = [head(5, entries.length)]
  for (const e of entries) parts.push(e.key, ...e.value)
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total + 32)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  out.set(sha256(out.subarray(0, total)), total)
  return out
}

type Record = { readonly [key: string]: Cbor.Value }

const isRecord = (v: Cbor.Value | undefined): v is Record =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

/** Whether `v` is a record with exactly these keys. */
const shaped = (v: Cbor.Value | undefined, keys: ReadonlyArray<string>): v is Record =>
  isRecord(v) && Object.keys(v).length === keys.length && keys.every((k) => Object.hasOwn(v, k))

const isText = (v: Cbor.Value | undefined): v is string => typeof v === "string"
const isBytes = (v: Cbor.Value | undefined, n?: number): v is Uint8Array =>
  v instanceof Uint8Array && (n === undefined || v.length === n)
const isIndex = (v: Cbor.Value | undefined): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0

const readReason = (v: Cbor.Value | undefined): { readonly _tag: string; readonly message: string } | undefined =>
  shaped(v, ["_tag", "message"]) && isText(v["_tag"]) && isText(v["message"]) ? { _tag: v["_tag"], message: v["message"] } : undefined

const readAction = (v: Cbor.Value): ActionOutcome | undefined => {
  if (!isRecord(v) || !isText(v["module"]) || !isText(v["type"])) return undefined
  if (v["_tag"] === "Applied" && shaped(v, ["_tag", "module", "type"])) return { _tag: "Applied", module: v["module"], type: v["type"] }
  if (v["_tag"] !== "Failed" || !shaped(v, ["_tag", "module", "type", "reason"])) return undefined
  const r = readReason(v["reason"])
  return r && { _tag: "Failed", module: v["module"], type: v["type"], reason: r }
}

const readOutcome = (v: Cbor.Value | undefined): Outcome | undefined => {
  if (shaped(v, ["_tag", "reason"]) && v["_tag"] === "Rejected") {
    const r = readReason(v["reason"])
    return r && { _tag: "Rejected", reason: r }
  }
  if (!shaped(v, ["_tag", "actions"]) || v["_tag"] !== "Applied" || !Array.isArray(v["actions"])) return undefined
  const actions: Array<ActionOutcome> = []
  for (const a of v["actions"] as ReadonlyArray<Cbor.Value>) {
    const read = readAction(a)
    if (!read) return undefined
    actions.push(read)
  }
  return { _tag: "Applied", actions }
}

const DAMAGED = "the checkpoint is damaged (its checksum does not match)"

const intactSync = (bytes: Uint8Array): boolean => Bytes.equals(sha256(bytes.subarray(0, bytes.length - 32)), bytes.subarray(bytes.length - 32))

/**
 * {@link decode}, with the checksum computed by `Hash.sha256Async` (in slices with turns of
 * the event loop between them where there is no native hash, as in a browser).
 */
export const read = async (bytes: Uint8Array, community: Uint8Array, label: string): Promise<Stored | string> => {
  if (!(bytes instanceof Uint8Array) || bytes.length < 33) return "the checkpoint is truncated"
  const sum = await sha256Async(bytes.subarray(0, bytes.length - 32))
  if (!Bytes.equals(sum, bytes.subarray(bytes.length - 32))) return DAMAGED
  return decode(bytes, community, label, "checked")
}

const FIELDS = ["format", "community", "label", "size", "digest", "records", "ids", "modules", "stateHash", "states", "outcomes"] as const

/**
 * Read stored checkpoint bytes for `community`, written under `label`: the checkpoint, or
 * why these bytes are not one (damaged, another format, another community or label).
 */
export const decode = (bytes: Uint8Array, community: Uint8Array, label: string, checksum?: "checked"): Stored | string => {
  if (!(bytes instanceof Uint8Array) || bytes.length < 33) return "the checkpoint is truncated"
  const payload = bytes.subarray(0, bytes.length - 32)
  if (checksum !== "checked" && !intactSync(bytes)) return DAMAGED
  const decoded = Cbor.decode(payload)
  if (!decoded.ok) return `the checkpoint does not decode: ${decoded.issue.message}`
  const v = decoded.value
  if (!isRecord(v) || v["format"] !== FORMAT) return "the checkpoint is not in a format this version reads"
  if (!shaped(v, FIELDS)) return "the checkpoint does not have the fields of its format"
  const { size, digest, records, ids, modules, stateHash, states, outcomes } = v
  if (!isBytes(v["community"], 32) || !Bytes.equals(v["community"], community)) return "the checkpoint belongs to another community"
  if (v["label"] !== label) return `the checkpoint was written under the label ${JSON.stringify(v["label"])}, not ${JSON.stringify(label)}`
  if (!isIndex(size) || size < 1) return "the checkpoint's size is not a positive integer"
  if (!isBytes(digest, 32) || !isBytes(records, 32) || !isBytes(stateHash, 32) || !isBytes(states)) return "the checkpoint's digests or states are malformed"
  if (!isBytes(ids, 32 * size)) return "the checkpoint's ids do not match its size"
  if (!Array.isArray(modules) || !modules.every(isText)) return "the checkpoint's module list is malformed"
  if (!Array.isArray(outcomes)) return "the checkpoint's outcomes are malformed"
  const read: Array<readonly [number, Outcome]> = []
  let last = -1
  for (const entry of outcomes as ReadonlyArray<Cbor.Value>) {
    if (!Array.isArray(entry) || entry.length !== 2) return "the checkpoint's outcomes are malformed"
    const [i, o] = entry as ReadonlyArray<Cbor.Value>
    const outcome = readOutcome(o)
    if (!isIndex(i) || i <= last || i >= size || outcome === undefined) return "the checkpoint's outcomes are malformed"
    last = i
    read.push([i, outcome])
  }
  return { size, digest, records, ids, modules: modules as ReadonlyArray<string>, stateHash, states, outcomes: read }
}
