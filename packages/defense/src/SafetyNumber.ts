/**
 * Safety numbers: two members confirm each other's keys in person by comparing a short
 * number (60 digits, read in groups of five) or by scanning it as a QR code. The number is
 * made from both keys and does not depend on which member computes it; a different key on
 * either side gives a different number.
 *
 * Each key gives 30 digits: `h = SHA-256^5200("affinity/safety/v1" ‖ 0x00 ‖ key)` (the
 * first round hashes that input; each further round hashes `h ‖ key`), then six 5-byte
 * pieces of `h`, each read as a big-endian integer modulo 100,000 and written as five
 * digits. The two 30-digit halves are sorted and joined.
 *
 * ```ts
 * import * as Defense from "@affinity/defense/module"
 *
 * const ada = "ad".repeat(32)
 * const bo = "b0".repeat(32)
 * const mine = Defense.SafetyNumber.of(ada, bo)
 * console.log(mine === Defense.SafetyNumber.of(bo, ada)) // true
 * console.log(mine.length) // 60
 * console.log(Defense.SafetyNumber.groups(mine).split(" ").length) // 12
 * console.log(Defense.SafetyNumber.matches(Defense.SafetyNumber.qr(bo, ada), ada, bo)) // true
 * ```
 *
 * @module
 */
import { Bytes, Hash } from "@affinity/core/module"

/** Hash rounds per key (as Signal's numeric fingerprints use), so a key that matches a number is costly to find. */
export const ITERATIONS = 5200

/** The prefix of the string a QR code carries. */
export const QR_PREFIX = "AFFINITY-SAFETY-1:"

const DOMAIN = Bytes.utf8("affinity/safety/v1\u0000")

const keyBytes = (key: string | Uint8Array): Uint8Array => {
  const bytes = typeof key === "string" ? Bytes.fromHex(key) : key
  if (bytes === undefined || bytes.length !== 32) throw new RangeError("a key is 32 bytes (64 hex characters)")
  return bytes
}

/** The 30 digits of one key. */
export const half = (key: string | Uint8Array): string => {
  const k = keyBytes(key)
  let h = Hash.sha256(Bytes.concat(DOMAIN, k))
  for (let i = 1; i < ITERATIONS; i++) h = Hash.sha256(Bytes.concat(h, k))
  let out = ""
  for (let i = 0; i < 6; i++) {
    let n = 0
    for (let j = 0; j < 5; j++) n = n * 256 + h[i * 5 + j]!
    out += String(n % 100_000).padStart(5, "0")
  }
  return out
}

/** The 60-digit safety number of two keys, the same whichever order they are given in. */
export const of = (a: string | Uint8Array, b: string | Uint8Array): string => [half(a), half(b)].sort().join("")

/** The number in twelve groups of five digits, as a screen shows it. */
export const groups = (number: string): string => (number.match(/.{1,5}/g) ?? []).join(" ")

/** What a QR code carries: the prefix and the 60 digits (QR's alphanumeric mode). */
export const qr = (a: string | Uint8Array, b: string | Uint8Array): string => `${QR_PREFIX}${of(a, b)}`

/** Whether a scanned QR string, or digits typed in (spaces allowed), is the safety number of these two keys. */
export const matches = (scanned: string, a: string | Uint8Array, b: string | Uint8Array): boolean => {
  const digits = (scanned.startsWith(QR_PREFIX) ? scanned.slice(QR_PREFIX.length) : scanned).replaceAll(/\s+/g, "")
  return digits === of(a, b)
}
