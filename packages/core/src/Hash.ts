/**
 * SHA-256, the one hash of the protocol (event ids, body hashes, state hashes, lots).
 *
 * On Node the platform's one-shot `crypto.hash` is used (about 2.5× faster on event-sized
 * inputs). Elsewhere (browsers have no synchronous native SHA-256) a plain JavaScript
 * version made for many small inputs: it allocates nothing per call but its result, and
 * costs a fifth of a general streaming hasher's time on a freshly loaded page. Both give
 * the same bytes.
 *
 * @module
 */
import { sha256 as plainSha256 } from "./internal/sha256.ts"
import { feed, framedInSlices, sha256InSlices } from "./internal/slicedHash.ts"

type NativeHash = (algorithm: string, data: Uint8Array, encoding: "buffer") => Uint8Array

const native: NativeHash | undefined = (() => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const crypto = getBuiltin("node:crypto") as { hash?: NativeHash } | undefined
  return typeof crypto?.hash === "function" ? crypto.hash : undefined
})()

/** SHA-256 of some bytes (32 bytes). */
export const sha256: (bytes: Uint8Array) => Uint8Array = native
  ? (bytes) => {
      // A plain, owned copy: the platform's result may be a view into memory it reuses.
      const out = new Uint8Array(32)
      out.set(native("sha256", bytes, "buffer"))
      return out
    }
  : plainSha256

/** Whether the SHA-256 of `bytes` is `expected` (no copy of the digest is kept). */
export const sha256Equals: (bytes: Uint8Array, expected: Uint8Array) => boolean = native
  ? (bytes, expected) => sameDigest(native("sha256", bytes, "buffer"), expected)
  : (bytes, expected) => sameDigest(plainSha256(bytes), expected)

type NodeHasher = { update(data: Uint8Array): NodeHasher; digest(): Uint8Array; copy(): NodeHasher }

const nodeCreateHash: ((algorithm: string) => NodeHasher) | undefined = (() => {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltin !== "function") return undefined
  const crypto = getBuiltin("node:crypto") as { createHash?: (algorithm: string) => NodeHasher } | undefined
  return typeof crypto?.createHash === "function" ? crypto.createHash : undefined
})()

/**
 * SHA-256 of some bytes, without holding up a page: on Node the native hash at once (a
 * megabyte is about a millisecond), elsewhere `@noble/hashes` in slices of 256 kB with a
 * turn of the event loop between them. WebCrypto's `digest` is not used: browsers compute
 * it in one piece on the page's thread (a megabyte is a task of tens of milliseconds on a
 * phone). The result is that of {@link sha256}.
 */
export const sha256Async = async (bytes: Uint8Array): Promise<Uint8Array> => {
  if (native !== undefined) return sha256(bytes)
  return sha256InSlices(bytes)
}

/** Bytes copied into one buffer before it is handed to a streaming hash. */
const FRAMED_CHUNK = 1 << 20

/**
 * SHA-256 of the first `count` byte strings of `parts`, each preceded by its length (4
 * bytes, big-endian): `SHA-256(u32be(len(p_0)) || p_0 || u32be(len(p_1)) || p_1 || …)`.
 * One pass of a streaming hash over many small strings, much cheaper than hashing each
 * alone: node:crypto's on Node; elsewhere `@noble/hashes`, fed about 256 kB at a time with
 * a turn of the event loop between (see {@link sha256Async}). The result is the same
 * everywhere.
 */
export const sha256Framed = async (parts: ReadonlyArray<Uint8Array>, count: number = parts.length): Promise<Uint8Array> => {
  const n = Math.max(0, Math.min(count, parts.length))
  const running = framedHasher()
  if (running !== undefined) {
    running.add(parts, 0, n)
    return running.digest()
  }
  return framedInSlices(parts, n)
}

/**
 * A running {@link sha256Framed} over byte strings added in order, whose digest can be read
 * after any of them: where the platform has a streaming SHA-256 that can be copied (Node),
 * else `undefined` (use {@link sha256Framed} over the whole list instead).
 */
export interface FramedHasher {
  /** Byte strings added so far. */
  readonly count: number
  /** Add `parts[from … to)` after those added before. */
  readonly add: (parts: ReadonlyArray<Uint8Array>, from?: number, to?: number) => void
  /** `sha256Framed` of everything added so far; adding more afterwards is allowed. */
  readonly digest: () => Uint8Array
}

/** A new {@link FramedHasher}, or `undefined` where the platform has none. */
export const framedHasher = (): FramedHasher | undefined => {
  if (nodeCreateHash === undefined) return undefined
  const hash = nodeCreateHash("sha256")
  const chunk = new Uint8Array(FRAMED_CHUNK)
  let count = 0
  return {
    get count() {
      return count
    },
    add: (parts, from = 0, to = parts.length) => {
      feed((bytes) => hash.update(bytes), chunk, parts, from, to)
      count += Math.max(0, to - from)
    },
    digest: () => {
      const out = new Uint8Array(32)
      out.set(hash.copy().digest())
      return out
    }
  }
}

const sameDigest = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!
  return d === 0
}
