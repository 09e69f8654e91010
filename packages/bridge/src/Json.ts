/**
 * Event bodies in JSON. Affinity's values are CBOR (integers, texts, byte strings, arrays,
 * maps, booleans, null); in JSON a byte string is written `{ "$bytes": "<hex>" }`, the form
 * `Event.jsonView` and the governance exports use. {@link toCbor} reads that form back,
 * refusing what CBOR cannot carry (fractions, integers beyond ±(2^53 − 1), deep nesting).
 *
 * @module
 */
import { Bytes, Cbor, Event } from "@affinity/core"

/** The JSON form of a CBOR value (byte strings as `{ "$bytes": hex }`). */
export const fromCbor = (value: Cbor.Value): unknown => Event.jsonView(value)

/** What {@link toCbor} gives: the value, or where and why it does not fit. */
export type Converted = { readonly ok: true; readonly value: Cbor.Value } | { readonly ok: false; readonly message: string }

const isPlainObject = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * The CBOR value a JSON value (as `JSON.parse` gives it) stands for; never throws. `path`
 * names the value in messages (`body.items[2]: 1.5 is not an integer`).
 */
export const toCbor = (json: unknown, path = "body"): Converted => {
  const at = (where: string, message: string): Converted => ({ ok: false, message: `${where}: ${message}` })
  const walk = (u: unknown, where: string, depth: number): Converted => {
    if (depth > Cbor.MAX_DEPTH) return at(where, `nested deeper than ${Cbor.MAX_DEPTH}`)
    if (u === null || typeof u === "boolean" || typeof u === "string") return { ok: true, value: u }
    if (typeof u === "number") {
      if (!Number.isSafeInteger(u) || Object.is(u, -0)) return at(where, `${u} is not an integer within ±(2^53 − 1)`)
      return { ok: true, value: u }
    }
    if (Array.isArray(u)) {
      const out: Array<Cbor.Value> = []
      for (let i = 0; i < u.length; i++) {
        const item = walk(u[i], `${where}[${i}]`, depth + 1)
        if (!item.ok) return item
        out.push(item.value)
      }
      return { ok: true, value: out }
    }
    if (typeof u === "object" && isPlainObject(u)) {
      const entries = Object.entries(u)
      if (entries.length === 1 && entries[0]![0] === "$bytes") {
        const hex = entries[0]![1]
        const bytes = typeof hex === "string" ? Bytes.fromHex(hex) : undefined
        return bytes === undefined ? at(where, '"$bytes" must be a string of hex digits (an even number of them)') : { ok: true, value: bytes }
      }
      const out: Record<string, Cbor.Value> = {}
      for (const [k, v] of entries) {
        const item = walk(v, `${where}.${k}`, depth + 1)
        if (!item.ok) return item
        Object.defineProperty(out, k, { value: item.value, enumerable: true, writable: true, configurable: true })
      }
      return { ok: true, value: out }
    }
    return at(where, "not a JSON value")
  }
  return walk(json, path, 0)
}
