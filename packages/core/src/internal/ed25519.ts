/**
 * Ed25519 helpers behind the `Crypto` providers: the byte-level checks of the verification
 * rule, the cofactorless equation on top of noble's `Point`, the DER wrappers node:crypto
 * needs, bounded key caches and the probe vectors a provider must pass before it is used.
 *
 * Internal: not part of the public API.
 *
 * @module
 */
import { hashes, Point, getPublicKey as nobleGetPublicKey, sign as nobleSign } from "@noble/ed25519"
import { sha512 } from "@noble/hashes/sha2.js"
import { concat, fromHex, toHex } from "../Bytes.ts"

/** Order of the prime-order subgroup: `L = 2^252 + 27742317777372353535851937790883648493`. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n

/** `L`, 32 bytes little-endian. */
const L_BYTES: Uint8Array = ((): Uint8Array => {
  const out = new Uint8Array(32)
  let v = L
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
})()

const hex = (text: string): Uint8Array => {
  const bytes = fromHex(text)
  if (bytes === undefined) throw new Error(`bad hex constant: ${text}`)
  return bytes
}

/**
 * The y coordinates (sign bit clear, 32 bytes little-endian) of the eight points of small
 * order: `y = 0` (the two points of order 4), `y = 1` (the identity), `y = p - 1` (the
 * point of order 2) and the two y values shared by the four points of order 8.
 */
const SMALL_ORDER_Y: ReadonlyArray<Uint8Array> = [
  hex("0000000000000000000000000000000000000000000000000000000000000000"),
  hex("0100000000000000000000000000000000000000000000000000000000000000"),
  hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
  hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
  hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
]

/** Whether the 32 little-endian bytes at `offset` of `bytes` encode an integer below `L`. */
export const scalarBelowL = (bytes: Uint8Array, offset: number): boolean => {
  for (let i = 31; i >= 0; i--) {
    const a = bytes[offset + i]!
    const b = L_BYTES[i]!
    if (a < b) return true
    if (a > b) return false
  }
  return false
}

/**
 * Whether the 32-byte point encoding at `offset` of `bytes` has a canonical y coordinate:
 * the 255 low bits, read little-endian, are below `p = 2^255 - 19`.
 */
export const canonicalY = (bytes: Uint8Array, offset: number): boolean => {
  if ((bytes[offset + 31]! & 0x7f) !== 0x7f) return true
  for (let i = 30; i >= 1; i--) if (bytes[offset + i] !== 0xff) return true
  return bytes[offset]! < 0xed
}

/**
 * Whether the 32-byte point encoding at `offset` of `bytes` has the y coordinate of a point
 * of small order (the sign bit is ignored).
 */
export const smallOrderY = (bytes: Uint8Array, offset: number): boolean => {
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (bytes[offset + i] !== y[i]) continue outer
    if ((bytes[offset + 31]! & 0x7f) === y[31]) return true
  }
  return false
}

const HEX_BYTE: ReadonlyArray<string> = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/**
 * Whether a value is a `Uint8Array` (a Node `Buffer` included), also when it comes from
 * another realm (an iframe, a `vm` context, a test environment), where `instanceof` fails.
 */
export const isBytes = (value: unknown): value is Uint8Array =>
  value instanceof Uint8Array ||
  (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]")

/** Unsigned integer of some little-endian bytes. */
export const littleEndian = (bytes: Uint8Array, start = 0, end = bytes.length): bigint => {
  let text = "0x0"
  for (let i = end - 1; i >= start; i--) text += HEX_BYTE[bytes[i]!]!
  return BigInt(text)
}

/**
 * A map with at most `capacity` entries that forgets the least recently used one first.
 * Used for decoded public keys, which are looked up again for every signature of an author.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, { value: V; used: number }>()
  readonly #capacity: number
  #clock = 0

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /**
   * The entry under `key`, marked as recently used; `undefined` when absent. A hit only
   * stamps the entry (no map writes); the scan for the oldest happens on insertion.
   */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    entry.used = ++this.#clock
    return entry.value
  }

  /** Stores `value` under `key`, dropping the least recently used entry when full. */
  set(key: string, value: V): void {
    const known = this.#entries.get(key)
    if (known !== undefined) {
      known.value = value
      known.used = ++this.#clock
      return
    }
    if (this.#entries.size >= this.#capacity) {
      let oldest: string | undefined
      let least = Number.POSITIVE_INFINITY
      for (const [k, e] of this.#entries)
        if (e.used < least) {
          least = e.used
          oldest = k
        }
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, { value, used: ++this.#clock })
  }

  /** Removes the entry under `key`. */
  delete(key: string): void {
    this.#entries.delete(key)
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size
  }
}

/** How many decoded public keys each provider keeps. */
export const KEY_CACHE_SIZE = 4096

// --- Cofactorless verification with noble's Point -------------------------------------------

/** Width of the signed sliding window used for `[k]A`. */
const WINDOW = 5
const WINDOW_SIZE = 1 << WINDOW
const WINDOW_HALF = WINDOW_SIZE >> 1
const WINDOW_MASK = BigInt(WINDOW_SIZE - 1)

/**
 * A public key decoded once for many verifications: the odd multiples `A, 3A, …, 15A` and
 * their negations, the table of a width-5 NAF multiplication.
 */
export interface DecodedKey {
  readonly odd: ReadonlyArray<Point>
  readonly negatedOdd: ReadonlyArray<Point>
}

/** Decodes a public key strictly (RFC 8032 5.1.3); `undefined` when it is not a curve point. */
export const decodeKey = (publicKey: Uint8Array): DecodedKey | undefined => {
  let a: Point
  try {
    a = Point.fromBytes(publicKey, false)
  } catch {
    return undefined
  }
  const twice = a.double()
  const odd: Array<Point> = [a]
  for (let i = 1; i < WINDOW_HALF / 2; i++) odd.push(odd[i - 1]!.add(twice))
  return { odd, negatedOdd: odd.map((p) => p.negate()) }
}

/** `[k]A` for `0 <= k < L`, by width-5 NAF over the key's table. */
const multiplyKey = (key: DecodedKey, k: bigint): Point => {
  const digits = new Int8Array(256)
  let top = 0
  while (k > 0n) {
    if ((k & 1n) === 1n) {
      let d = Number(k & WINDOW_MASK)
      if (d >= WINDOW_HALF) d -= WINDOW_SIZE
      digits[top] = d
      k -= BigInt(d)
    }
    k >>= 1n
    top++
  }
  let acc = Point.ZERO
  for (let i = top - 1; i >= 0; i--) {
    acc = acc.double()
    const d = digits[i]!
    if (d > 0) acc = acc.add(key.odd[(d - 1) >> 1]!)
    else if (d < 0) acc = acc.add(key.negatedOdd[(-d - 1) >> 1]!)
  }
  return acc
}

/**
 * The cofactorless equation `[S]B = R + [k]A`, `k = SHA-512(R || A || M) mod L`, compared on
 * encodings: `encode([S]B - [k]A)` must equal the signature's first 32 bytes. Expects an item
 * that passed the rule's byte checks (so `S < L`); throws on nothing it can be given then.
 */
export const cofactorlessVerify = (
  key: DecodedKey,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array
): boolean => {
  const r = signature.subarray(0, 32)
  const s = littleEndian(signature, 32, 64)
  const k = littleEndian(sha512(concat(r, publicKey, message))) % L
  const check = Point.BASE.multiplyUnsafe(s).subtract(multiplyKey(key, k)).toBytes()
  for (let i = 0; i < 32; i++) if (check[i] !== r[i]) return false
  return true
}

/** Makes noble's synchronous API usable (it needs a SHA-512 implementation). */
const useSyncHash = (): void => {
  if (hashes.sha512 === undefined) hashes.sha512 = sha512
}

/** RFC 8032 public key of a 32-byte seed, with noble. */
export const noblePublicKey = (secret: Uint8Array): Uint8Array => {
  useSyncHash()
  return nobleGetPublicKey(secret)
}

/** RFC 8032 signature of `message` by a 32-byte seed, with noble. */
export const nobleSignature = (secret: Uint8Array, message: Uint8Array): Uint8Array => {
  useSyncHash()
  return nobleSign(message, secret)
}

/** Throws a `RangeError` unless `secret` is a 32-byte seed. */
export const assertSecret = (secret: Uint8Array): void => {
  if (!isBytes(secret) || secret.length !== 32)
    throw new RangeError("an ed25519 secret is a 32-byte seed")
}

// --- Encodings for node:crypto and WebCrypto ------------------------------------------------

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow. */
const SPKI_PREFIX = hex("302a300506032b6570032100")
/** DER prefix of an Ed25519 PKCS #8 PrivateKeyInfo; the 32 seed bytes follow. */
const PKCS8_PREFIX = hex("302e020100300506032b657004220420")

/** DER SubjectPublicKeyInfo of a raw 32-byte public key. */
export const spki = (publicKey: Uint8Array): Uint8Array => concat(SPKI_PREFIX, publicKey)

/** DER PKCS #8 PrivateKeyInfo of a 32-byte seed. */
export const pkcs8 = (secret: Uint8Array): Uint8Array => concat(PKCS8_PREFIX, secret)

/** Length of the DER SubjectPublicKeyInfo prefix (the raw key starts there). */
export const SPKI_PREFIX_LENGTH = SPKI_PREFIX.length

/** Bytes of unpadded base64url text (as in a JWK); `undefined` when malformed. */
export const fromBase64Url = (text: string): Uint8Array | undefined => {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/")
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4))
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

/** The same bytes backed by a plain `ArrayBuffer` (what WebCrypto's types ask for). */
export const plainBytes = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)

// --- Probe vectors ---------------------------------------------------------------------------

/** A signature with the verdict the protocol's rule gives it. */
export interface Probe {
  readonly publicKey: Uint8Array
  readonly message: Uint8Array
  readonly signature: Uint8Array
  readonly valid: boolean
}

/** RFC 8032 section 7.1 TEST 1: seed, public key, empty message, signature. */
export const RFC8032_TEST1 = {
  secret: hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
  publicKey: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
  message: new Uint8Array(0),
  signature: hex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
  )
} as const

/**
 * Vectors that tell the cofactorless equation from the cofactored one; every one passes the
 * byte checks, so only the equation decides. A provider must give these verdicts to be used.
 */
export const EQUATION_PROBES: ReadonlyArray<Probe> = [
  {
    // R = rB + T (T of order 8): the cofactored equation holds, the cofactorless one does not.
    publicKey: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    message: hex("616666696e69747920636f6e666f726d616e63653a206d697865642d6f726465722052202330"),
    signature: hex("04fbf98aef2dd616be6654de6b73278a34febd89cbd1e73b1af274742d4e7ba0bb1010e344300c6ea18f20d4c8aafba82a4eb69c40f8e970fe7a9541d9030800"),
    valid: false
  },
  {
    // A = aB + T (T of order 8) with k mod 8 != 0: only the cofactored equation holds.
    publicKey: hex("9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245"),
    message: hex("616666696e69747920636f6e666f726d616e63653a206d697865642d6f726465722041202330"),
    signature: hex("3503d6f234ed4c114b25957132c510493773b720c85da3443af11a88a2239c9b6fb3f3ec8272270fb28788ba1ecbe584429fec8bbe31c2e8659c2ca310b40f04"),
    valid: false
  },
  {
    // A = aB + T (T of order 8) with k mod 8 == 0: both equations hold.
    publicKey: hex("9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245"),
    message: hex("616666696e69747920636f6e666f726d616e63653a206d697865642d6f726465722041202331"),
    signature: hex("3503d6f234ed4c114b25957132c510493773b720c85da3443af11a88a2239c9b05ea148b6b72c11a0e29718e306ae5e6933775cdf98e0bb71665e5052340be09"),
    valid: true
  }
]

/** Hex of a public key, the key of the per-key caches. */
export const keyId = (publicKey: Uint8Array): string => toHex(publicKey)
