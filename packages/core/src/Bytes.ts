/**
 * Small byte helpers shared by every part of the SDK.
 *
 * @module
 */
import { hexToBytes } from "@noble/hashes/utils.js"
import { hexFromCodes } from "./internal/hex.ts"

type NodeBufferClass = { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: "hex"): string } }

/** Node's `Buffer` (its hex encoder is native), reached without an import; `undefined` elsewhere. */
const NodeBuffer: NodeBufferClass | undefined = (() => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const buffer = getBuiltin("node:buffer") as { Buffer?: NodeBufferClass } | undefined
  return typeof buffer?.Buffer?.from === "function" ? buffer.Buffer : undefined
})()

/**
 * Lower-case hex of some bytes. The result is a flat string made in one step (a string
 * built by concatenation is a rope that every map lookup must first flatten, and ids are
 * map keys everywhere): Node's native encoder where there is one, character codes elsewhere.
 */
export const toHex: (bytes: Uint8Array) => string = NodeBuffer
  ? (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")
  : hexFromCodes

/** Bytes of a hex string; `undefined` when the text is not even-length hex. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined
  return hexToBytes(hex)
}

/** Lexicographic comparison of two byte strings (negative, zero or positive). */
export const compare = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** Whether two byte strings are equal. */
export const equals = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && compare(a, b) === 0

/** Concatenation of byte strings. */
export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
