/**
 * How people are named on screen. Identities are public keys and the protocol has no
 * profiles, so a member shows as the name this device's person gave them, or else as a
 * **label**: two pronounceable five-letter words made from the first four bytes of their
 * key (proquints, `lusab-babad`), the same on every device and in the member CLI and the
 * bridge, so people can tell each other who they mean ("zokik-gavom is Bo"). Hex is never
 * shown.
 *
 * Given names are kept on this device only (value `names` of the community, a JSON map
 * from identity to name); nobody else sees them.
 *
 * @module
 */

const CONSONANTS = "bdfghjklmnprstvz"
const VOWELS = "aiou"

/** One proquint: 16 bits as consonant, vowel, consonant, vowel, consonant. */
const quint = (n: number): string =>
  CONSONANTS[(n >> 12) & 15]! + VOWELS[(n >> 10) & 3]! + CONSONANTS[(n >> 6) & 15]! + VOWELS[(n >> 4) & 3]! + CONSONANTS[n & 15]!

/** The label of a key or identity (hex): proquints of its first four bytes, e.g. `lusab-babad`. */
export const label = (hex: string): string => `${quint(Number.parseInt(hex.slice(0, 4), 16))}-${quint(Number.parseInt(hex.slice(4, 8), 16))}`

/** A longer label for comparing states by eye: proquints of the first eight bytes, e.g. `lusab-babad-gutih-tugad`. */
export const longLabel = (hex: string): string => `${label(hex)}-${label(hex.slice(8, 16))}`

/** Longest given name, in characters. */
export const MAX_NAME = 60

/** Names given on this device, by identity (hex). */
export type Given = Readonly<Record<string, string>>

/** The name to show for an identity: the one given on this device, else its label. */
export const nameOf = (given: Given, identity: string): string => given[identity] ?? label(identity)

/** Why `name` cannot be given to someone, or `undefined`: 1 to 60 characters, no control characters, not a label or a key. */
export const problem = (name: string): string | undefined => {
  const n = name.trim()
  if (n.length === 0) return "write a name"
  if (n.length > MAX_NAME) return `a name has at most ${MAX_NAME} characters`
  if (/\p{Cc}/u.test(n)) return "a name cannot contain line breaks or other control characters"
  if (/^[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]-[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]$/i.test(n))
    return "this reads as someone's label; choose a name"
  return undefined
}

/** Given names read from storage; anything that is not a map of identities to good names is left out. */
export const parse = (text: string | undefined): Given => {
  if (text === undefined) return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {}
    const out: Record<string, string> = {}
    for (const [id, name] of Object.entries(value)) if (/^[0-9a-f]{64}$/.test(id) && typeof name === "string" && problem(name) === undefined) out[id] = name.trim()
    return out
  } catch {
    return {}
  }
}
