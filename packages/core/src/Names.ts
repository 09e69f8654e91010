/**
 * Names, not hex: how people are named where people read.
 *
 * Identities are public keys. Each member may publish a **profile** (a display name, and
 * optionally pronouns and a short note) in the erasable payload of a `core/member.profile`
 * event (`docs/protocol.md` §9, "Profiles"); a name is not an identity, and changing it
 * changes nothing else. Where no name is known, a member shows as their **label**: two
 * pronounceable five-letter words made from the first four bytes of their key (proquints,
 * `lusab-babad`), the same on every device, so people can tell each other who they mean.
 * When two people would show the same name, each gets their label after it. Hex stays in
 * machine exports.
 *
 * ```ts
 * import { Names } from "@affinity/core"
 *
 * const ada = "a1".repeat(32)
 * const bo = "b2".repeat(32)
 * const cy = "c3".repeat(32)
 * const names = Names.directory([ada, bo, cy], { profiles: new Map([[ada, { name: "Ada" }], [bo, { name: "Ada" }]]) })
 * console.log(names.nameOf(ada) === "Ada (pakod-pakod)") // true: two Adas, told apart by their labels
 * console.log(names.nameOf(cy) === "sazag-sazag") // true: no name published
 * console.log(names.explain(`identity ${cy.slice(0, 12)}… has not applied`) === "identity sazag-sazag has not applied") // true
 * ```
 *
 * @module
 */
import * as Cbor from "./Cbor.ts"

const CONSONANTS = "bdfghjklmnprstvz"
const VOWELS = "aiou"

/** One proquint: 16 bits as consonant, vowel, consonant, vowel, consonant. */
const quint = (n: number): string =>
  CONSONANTS[(n >> 12) & 15]! + VOWELS[(n >> 10) & 3]! + CONSONANTS[(n >> 6) & 15]! + VOWELS[(n >> 4) & 3]! + CONSONANTS[n & 15]!

const word16 = (hex: string, at: number): number => Number.parseInt(hex.slice(at, at + 4), 16) || 0

/** The label of a key or identity (hex): proquints of its first four bytes, e.g. `lusab-babad`. */
export const label = (hex: string): string => `${quint(word16(hex, 0))}-${quint(word16(hex, 4))}`

/** A longer label for comparing keys by eye: proquints of the first eight bytes. */
export const longLabel = (hex: string): string => `${label(hex)}-${label(hex.slice(8, 16))}`

/** Whether `text` has the shape of a label. */
export const isLabel = (text: string): boolean =>
  /^[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]-[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]$/.test(text)

/** What a member says about themselves: kept in an erasable payload. */
export interface Profile {
  /** Display name, 1 to 60 characters. */
  readonly name: string
  /** Pronouns, at most 30 characters. */
  readonly pronouns?: string
  /** A short note, at most 280 characters. */
  readonly note?: string
}

/** Bounds of a {@link Profile}'s fields, in characters. */
export const Limits = { name: 60, pronouns: 30, note: 280 } as const

/** Why `name` cannot be a name, or `undefined`: 1 to 60 characters, no control characters, not a label or a key. */
export const problem = (name: string): string | undefined => {
  const n = name.trim()
  if (n.length === 0) return "write a name"
  if (n.length > Limits.name) return `a name has at most ${Limits.name} characters`
  if (/\p{Cc}/u.test(n)) return "a name cannot contain line breaks or other control characters"
  if (isLabel(n.toLowerCase())) return "this reads as someone's label; choose a name"
  if (/^[0-9a-f]{8,64}$/i.test(n)) return "this reads as a key; choose a name"
  return undefined
}

const field = (value: unknown, max: number): string | undefined =>
  typeof value === "string" && value.trim().length > 0 && value.length <= max && !/\p{Cc}/u.test(value) ? value.trim() : undefined

/** Why a profile cannot be published, or `undefined`. */
export const profileProblem = (p: Profile): string | undefined =>
  problem(p.name) ??
  (p.pronouns !== undefined && field(p.pronouns, Limits.pronouns) === undefined ? `pronouns have 1 to ${Limits.pronouns} characters, on one line` : undefined) ??
  (p.note !== undefined && (p.note.length > Limits.note || p.note.trim().length === 0) ? `a note has 1 to ${Limits.note} characters` : undefined)

/** A profile as payload bytes: canonical CBOR of `{ name, pronouns?, note? }`. Throws on a profile {@link profileProblem} refuses. */
export const encodeProfile = (p: Profile): Uint8Array => {
  const problemText = profileProblem(p)
  if (problemText !== undefined) throw new TypeError(problemText)
  return Cbor.encode({
    name: p.name.trim(),
    ...(p.pronouns === undefined ? {} : { pronouns: p.pronouns.trim() }),
    ...(p.note === undefined ? {} : { note: p.note.trim() })
  })
}

/** A profile read from payload bytes, or `undefined` when they are not one (anything unexpected is left out). */
export const decodeProfile = (bytes: Uint8Array): Profile | undefined => {
  const d = Cbor.decode(bytes)
  if (!d.ok) return undefined
  const v = d.value
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) return undefined
  const m = v as Record<string, unknown>
  if (Object.keys(m).some((k) => k !== "name" && k !== "pronouns" && k !== "note")) return undefined
  const name = typeof m.name === "string" && problem(m.name) === undefined ? m.name.trim() : undefined
  if (name === undefined) return undefined
  const pronouns = m.pronouns === undefined ? undefined : field(m.pronouns, Limits.pronouns)
  const note = m.note === undefined ? undefined : field(m.note, Limits.note)
  if ((m.pronouns !== undefined && pronouns === undefined) || (m.note !== undefined && note === undefined)) return undefined
  return { name, ...(pronouns === undefined ? {} : { pronouns }), ...(note === undefined ? {} : { note }) }
}

/** How to name the people of one community on one device. */
export interface Directory {
  /** The name to show for an identity: a name given on this device, else their own, else their label; with the label after it where two would show the same. */
  nameOf(identity: string): string
  /** Their profile, when they published one that is still there. */
  profileOf(identity: string): Profile | undefined
  /**
   * A text for people with every identity or key it cites (64 hex digits, or a prefix of 8
   * or more followed by `…`) replaced by that person's name; an id that is no one's here (an
   * event's, say), or a prefix several people share, by its label, so no hex is left.
   */
  explain(text: string): string
}

/** Options of {@link directory}. */
export interface DirectoryOptions {
  /** Profiles members published, by identity (hex). */
  readonly profiles?: ReadonlyMap<string, Profile>
  /** Names the person using this device gave people, by identity (hex): these come first. */
  readonly given?: Readonly<Record<string, string>>
}

/** A {@link Directory} of these identities (hex). */
export const directory = (identities: Iterable<string>, options: DirectoryOptions = {}): Directory => {
  const ids = [...new Set(identities)].sort()
  const profiles = options.profiles ?? new Map<string, Profile>()
  const given = options.given ?? {}
  const plain = new Map<string, string>()
  const counts = new Map<string, number>()
  for (const id of ids) {
    const n = given[id]?.trim() || profiles.get(id)?.name || label(id)
    plain.set(id, n)
    const k = n.toLowerCase()
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  const nameOf = (identity: string): string => {
    const n = plain.get(identity)
    if (n === undefined) return label(identity)
    return (counts.get(n.toLowerCase()) ?? 0) > 1 && n !== label(identity) ? `${n} (${label(identity)})` : n
  }
  const byPrefix = (prefix: string): string | undefined => {
    let found: string | undefined
    for (const id of ids) {
      if (!id.startsWith(prefix)) continue
      if (found !== undefined) return undefined
      found = id
    }
    return found
  }
  return {
    nameOf,
    profileOf: (identity) => profiles.get(identity),
    explain: (text) =>
      text.replace(/\b([0-9a-f]{64})\b|\b([0-9a-f]{8,63})…/g, (whole, full: string | undefined, prefix: string | undefined) => {
        if (full !== undefined) return ids.includes(full) ? nameOf(full) : label(full)
        const id = byPrefix(prefix!)
        return id === undefined ? label(prefix!) : nameOf(id)
      })
  }
}
