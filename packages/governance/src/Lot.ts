/**
 * The lot that seats the prime working groups: hash onions, the seed of a term and the
 * ranking of eligible members. Pure functions of bytes, so anyone can re-derive a draw from
 * the log alone (see `docs/protocol.md`, §12, "The lot").
 *
 * A member commits to `anchor = H^n(secret)` (H is SHA-256, `secret` 32 bytes) and, once
 * per term, reveals the next layer of the onion: the value whose hash is the last value it
 * revealed (or the anchor). Nobody else can compute the next layer, and its owner cannot
 * choose it: the only choice left is to reveal or to withhold.
 *
 * ```ts
 * import { Lot } from "@affinity/governance"
 *
 * const secret = new Uint8Array(32).fill(7)
 * const anchor = Lot.anchor(secret, 100)
 * const first = Lot.layer(secret, 100, 1)
 * console.log(Lot.verifyLayer(first, anchor)) // true
 * ```
 *
 * @module
 */
import { Bytes, Hash } from "@affinity/core/module"

/** Domain prefix of a term's seed: `"affinity/lot/v1"` followed by a zero byte. */
export const SEED_DOMAIN: Uint8Array = Bytes.utf8("affinity/lot/v1\u0000")

/** Longest onion a member may build (layers, i.e. terms it can take part in). */
export const MAX_ONION = 10_000

/** `H^n(value)`: SHA-256 applied `n` times. */
export const iterate = (value: Uint8Array, n: number): Uint8Array => {
  let v = value
  for (let i = 0; i < n; i++) v = Hash.sha256(v)
  return v
}

/** The anchor a member commits to: `H^length(secret)`. `secret` must be 32 bytes. */
export const anchor = (secret: Uint8Array, length: number): Uint8Array => {
  if (secret.length !== 32) throw new RangeError("an onion secret is 32 bytes")
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_ONION)
    throw new RangeError(`an onion has 1 to ${MAX_ONION} layers`)
  return iterate(secret, length)
}

/** The `k`-th value to reveal (k = 1 … length): `H^(length − k)(secret)`. */
export const layer = (secret: Uint8Array, length: number, k: number): Uint8Array => {
  if (!Number.isSafeInteger(k) || k < 1 || k > length) throw new RangeError(`layer ${k} is outside 1 … ${length}`)
  anchor(secret, length)
  return iterate(secret, length - k)
}

/** Whether `value` is the layer right under `previous` (its SHA-256 is `previous`). */
export const verifyLayer = (value: Uint8Array, previous: Uint8Array): boolean =>
  value.length === 32 && Bytes.equals(Hash.sha256(value), previous)

/** 8 bytes, big-endian, of a non-negative safe integer. */
export const u64 = (n: number): Uint8Array => {
  const out = new Uint8Array(8)
  let v = n
  for (let i = 7; i >= 0; i--) {
    out[i] = v % 256
    v = Math.floor(v / 256)
  }
  return out
}

/**
 * The seed of term `term`: SHA-256 of `SEED_DOMAIN ‖ community (32 bytes) ‖ u64be(term) ‖
 * r₁ ‖ … ‖ rₖ`, with the revealed values (32 bytes each) sorted bytewise ascending.
 */
export const seed = (community: Uint8Array, term: number, reveals: ReadonlyArray<Uint8Array>): Uint8Array =>
  Hash.sha256(Bytes.concat(SEED_DOMAIN, community, u64(term), ...[...reveals].sort(Bytes.compare)))

/** A member's score in a group's draw: SHA-256 of `seed ‖ UTF-8(group) ‖ identity (32 bytes)`. */
export const score = (seedBytes: Uint8Array, group: string, identity: Uint8Array): Uint8Array =>
  Hash.sha256(Bytes.concat(seedBytes, Bytes.utf8(group), identity))

/** One member's place in a draw. */
export interface Ranked {
  /** Identity (hex). */
  readonly identity: string
  /** Hex of the member's score. */
  readonly score: string
}

/**
 * The eligible members (hex identities) ranked by score, lowest first (ties, which need a
 * SHA-256 collision, by identity). The first `primeSize` are seated; the rest wait in line
 * to fill vacancies. Every subset of the same size is equally likely to be seated when the
 * seed is uniform.
 */
export const rank = (seedBytes: Uint8Array, group: string, eligible: ReadonlyArray<string>): ReadonlyArray<Ranked> =>
  eligible
    .map((identity) => ({ identity, score: Bytes.toHex(score(seedBytes, group, Bytes.fromHex(identity) ?? new Uint8Array())) }))
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0))
