/**
 * How people are named on screen. Identities are public keys. A member shows as the name
 * this device's person gave them (`affinity name`), else as the name they published
 * themselves (`affinity profile`, a `core/member.profile` event), else as their **label**:
 * two pronounceable five-letter words made from the first four bytes of their key
 * (proquints: `lusab-babad`), the same on every device, so people can tell each other who
 * they mean ("zokik-gavom is Bo"). Where two would show the same name, each gets their
 * label after it. Hex appears only in `--json` output.
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

/** What a person can be called by: names given on this device, and the community's directory of published names. */
export interface People {
  /** Names given on this device, by identity (hex). */
  readonly given: Readonly<Record<string, string>>
  /** The community's directory (`community.names(given)`): published names, and how each person shows. */
  readonly directory?: CoreNames.Directory
}

/** The name to show for an identity: the one given on this device, else the one they published, else their label. */
export const nameOf = (people: People, identity: string): string =>
  people.directory?.nameOf(identity) ?? people.given[identity] ?? label(identity)

/** How a person is shown in a list of people: their name and, unless it is there already, their label: `Bo (zokik-gavom)`. */
export const withLabel = (people: People, identity: string): string => {
  const name = nameOf(people, identity)
  return name.includes(label(identity)) ? name : `${name} (${label(identity)})`
}

/** A list of names in words: "Ada", "Ada and Bo", "Ada, Bo and Cy", or `none`. */
export const list: (names: ReadonlyArray<string>, none?: string) => string = Governance.Explain.list

/**
 * A text for people with the ids it cites replaced by names (the directory's `explain`);
 * an id it cannot place (an event's, or a prefix that fits nobody) reads as its label.
 */
export const plain = (people: People, text: string): string =>
  (people.directory?.explain(text) ?? text).replace(/\b([0-9a-f]{64})\b|\b([0-9a-f]{8,63})…/g, (_whole, full: string | undefined, prefix: string | undefined) =>
    label(full ?? prefix!)
  )

/** Check a name a person gives a member, or their own: 1 to 60 characters, no control characters, not a word the CLI reads otherwise. */
export const checkName = (name: string): string => {
  const n = name.trim()
  if (n.length === 0 || n.length > 60) throw usage("BadName", "a name has 1 to 60 characters")
  if (/\p{Cc}/u.test(n)) throw usage("BadName", "a name cannot contain control characters such as line breaks")
  if (n.toLowerCase() === "me" || isLabel(n.toLowerCase()) || /^[0-9a-f]{8,64}$/i.test(n))
    throw usage("BadName", `“${n}” cannot be a name: it reads as “me”, a label or a key`)
  return n
}

/**
 * The identity (hex) among `candidates` that `input` names: `me`; the name they show by
 * (given on this device, else published; any case); a name they published, when this device
 * calls them otherwise; a label; or a key in hex (whole, or its first 8 or more digits).
 * Rejects with a `Failure` when none or several match.
 */
export const find = (input: string, candidates: ReadonlyArray<string>, people: People, me: string | undefined, what = "member"): string => {
  const text = input.trim()
  const lower = text.toLowerCase()
  const published = (id: string) => people.directory?.profileOf(id)?.name
  const plainName = (id: string) => people.given[id] ?? published(id) ?? label(id)
  const one = (matches: ReadonlyArray<string>): string | undefined => {
    const unique = [...new Set(matches)]
    if (unique.length > 1)
      throw usage(
        "Ambiguous",
        `“${text}” could be ${list(unique.map((id) => withLabel(people, id)))}; use the label to say which`
      )
    return unique[0]
  }
  if (lower === "me") {
    if (me !== undefined && candidates.includes(me)) return me
    throw usage("UnknownMember", `you are not a ${what} here`)
  }
  const found =
    one(candidates.filter((id) => plainName(id).toLowerCase() === lower || nameOf(people, id).toLowerCase() === lower)) ??
    one(candidates.filter((id) => published(id)?.toLowerCase() === lower)) ??
    one(candidates.filter((id) => label(id) === lower)) ??
    (/^[0-9a-f]{8,64}$/.test(lower) ? one(candidates.filter((id) => id.startsWith(lower))) : undefined)
  if (found !== undefined) return found
  throw usage("UnknownMember", `no ${what} here is called “${text}”; \`affinity members\` lists everyone, by the names they go by`)
}
