/**
 * An appeal's panel, drawn by lot: every full member at the appeal except the people who decided
 * the restriction and the case's parties, ranked by `SHA-256(seed ‖ identity)`, lowest first,
 * where `seed = SHA-256("affinity/justice/panel/v1" ‖ 0x00 ‖ lot seed ‖ restriction key)` and the
 * lot seed is the seed of the latest governance term drawn in the appeal's past (empty when none
 * is). Anyone can recompute it from the log; nobody who decided the restriction can sit on it.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const seed = Justice.Panel.seedOf("", "ab".repeat(32))
 * const panel = Justice.Panel.draw(seed, ["01".repeat(32), "02".repeat(32), "03".repeat(32)], ["02".repeat(32)], 2)
 * console.log(panel.length) // 2
 * console.log(!panel.includes("02".repeat(32))) // true: the excluded member sits on no panel
 * ```
 *
 * @module
 */
import { Bytes, Hash } from "@affinity/core/module"

const DOMAIN = Bytes.utf8("affinity/justice/panel/v1\u0000")

/** The panel's seed (hex) from the lot's seed (hex, or `""` when no term was drawn) and the restriction's key (hex). */
export const seedOf = (lotSeed: string, restriction: string): string =>
  Bytes.toHex(Hash.sha256(Bytes.concat(DOMAIN, Bytes.fromHex(lotSeed) ?? new Uint8Array(0), Bytes.fromHex(restriction) ?? new Uint8Array(0))))

/** Each candidate's score (hex): `SHA-256(seed ‖ identity)`. */
export const score = (seed: string, identity: string): string =>
  Bytes.toHex(Hash.sha256(Bytes.concat(Bytes.fromHex(seed) ?? new Uint8Array(0), Bytes.fromHex(identity) ?? Bytes.utf8(identity))))

/** Rank `candidates` less `excluded` by score (ties, impossible in practice, by identity) and take `size`. */
export const draw = (seed: string, candidates: ReadonlyArray<string>, excluded: ReadonlyArray<string>, size: number): ReadonlyArray<string> => {
  const out = new Set(excluded)
  return candidates
    .filter((c) => !out.has(c))
    .map((c) => ({ c, s: score(seed, c) }))
    .sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : x.c < y.c ? -1 : x.c > y.c ? 1 : 0))
    .slice(0, size)
    .map((x) => x.c)
}
