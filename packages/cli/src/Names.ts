/**
 * How people are named on screen. Identities are public keys; the protocol has no profiles.
 * So a member shows as the name this device's person gave them (`affinity name`), or else
 * as a **label**: two pronounceable five-letter words made from the first four bytes of
 * their key (proquints: `lusab-babad`), the same on every device, so people can tell each
 * other who they mean ("zokik-gavom is Bo"). Hex appears only in `--json` output.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import { usage } from "./Failure.ts"
import { Names as CoreNames } from "@affinity/core"

/** The label of an identity (hex): proquints of its first four bytes, e.g. `lusab-babad` (`Names.label`). */
export const label: (identity: string) => string = CoreNames.label

/** Whether `text` has the shape of a label. */
export const isLabel: (text: string) => boolean = CoreNames.isLabel

/** The name to show for an identity: the one given on this device, else its label. */
export const nameOf = (names: Readonly<Record<string, string>>, identity: string): string => names[identity] ?? label(identity)

/** A list of names in words: "Ada", "Ada and Bo", "Ada, Bo and Cy", or `none`. */
export const list: (names: ReadonlyArray<string>, none?: string) => string = Governance.Explain.list

/** Check a name a person gives a member: 1 to 60 characters, no control characters, not a word the CLI reads otherwise. */
export const checkName = (name: string): string => {
  const n = name.trim()
  if (n.length === 0 || n.length > 60) throw usage("BadName", "a name has 1 to 60 characters")
  if (/\p{Cc}/u.test(n)) throw usage("BadName", "a name cannot contain control characters such as line breaks")
  if (n.toLowerCase() === "me" || isLabel(n.toLowerCase()) || /^[0-9a-f]{8,64}$/i.test(n))
    throw usage("BadName", `“${n}” cannot be a name: it reads as “me”, a label or a key`)
  return n
}

/**
 * The identity (hex) among `candidates` that `input` names: `me`, a name given on this
 * device (any case), a label, or a key in hex (whole, or its first 8 or more digits).
 * Rejects with a `Failure` when none or several match.
 */
export const find = (
  input: string,
  candidates: ReadonlyArray<string>,
  names: Readonly<Record<string, string>>,
  me: string | undefined,
  what = "member"
): string => {
  const text = input.trim()
  const lower = text.toLowerCase()
  const one = (matches: ReadonlyArray<string>): string | undefined => {
    const unique = [...new Set(matches)]
    if (unique.length > 1)
      throw usage(
        "Ambiguous",
        `“${text}” could be ${list(unique.map((id) => `${nameOf(names, id)} (${label(id)})`))}; use the label to say which`
      )
    return unique[0]
  }
  if (lower === "me") {
    if (me !== undefined && candidates.includes(me)) return me
    throw usage("UnknownMember", `you are not a ${what} here`)
  }
  const found =
    one(candidates.filter((id) => names[id]?.toLowerCase() === lower)) ??
    one(candidates.filter((id) => label(id) === lower)) ??
    (/^[0-9a-f]{8,64}$/.test(lower) ? one(candidates.filter((id) => id.startsWith(lower))) : undefined)
  if (found !== undefined) return found
  throw usage("UnknownMember", `no ${what} here is called “${text}”; \`affinity members\` lists everyone, with the names you gave them`)
}
