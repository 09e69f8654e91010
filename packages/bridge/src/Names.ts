/**
 * How members are named. Identities are public keys. A member is shown by the name given to
 * them on this bridge (`PUT /members/{identity}/name`), else by the name they published
 * themselves (a `core/member.profile` event; the bridge's own member publishes with
 * `PUT /profile`), else by a **label**: two pronounceable five-letter words made from the
 * first four bytes of their key (proquints, `lusab-babad`), the same on every device and in
 * the member CLI, so people can tell each other who they mean. Where two would show the
 * same name, each gets their label after it (core's `Names.directory`).
 *
 * Given names live in a small JSON file (`{ "<identity hex>": "<name>" }`) when the book is
 * made with one, else in memory.
 *
 * @module
 */
import { readFile, rename, writeFile } from "node:fs/promises"
import { Names as CoreNames } from "@affinity/core"

/** The label of an identity (hex): proquints of its first four bytes, e.g. `lusab-babad` (`Names.label`). */
export const label: (identity: string) => string = CoreNames.label

/** Longest given name, in characters. */
export const MAX_NAME = 60

/** Why a name cannot be given, or `undefined` when it can: 1 to 60 characters, no control characters. */
export const problem = (name: string): string | undefined => {
  const n = name.trim()
  if (n.length === 0 || n.length > MAX_NAME) return `a name has 1 to ${MAX_NAME} characters`
  if (/\p{Cc}/u.test(n)) return "a name cannot contain control characters such as line breaks"
  return undefined
}

/** Names given to members on this bridge. */
export interface Book {
  /** The name given to `identity`, or `undefined`. */
  readonly given: (identity: string) => string | undefined
  /** The name to show, from this book alone: the given one, else the label (the bridge's records also read published names). */
  readonly nameOf: (identity: string) => string
  /** Every given name, by identity: what the community's directory takes first (`community.names(book.all())`). */
  readonly all: () => Readonly<Record<string, string>>
  /** A number that grows each time a name is given or taken away. */
  readonly revision: () => number
  /** Give `identity` a name (trimmed), or take it away with `null`; saved before it resolves. */
  readonly set: (identity: string, name: string | null) => Promise<void>
}

const isNames = (u: unknown): u is Record<string, string> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.values(u).every((v) => typeof v === "string")

/**
 * A book kept in `file` (read now; missing means empty), or in memory without one. Rejects
 * with an `Error` when the file exists but is not a book of names.
 */
export const open = async (file?: string): Promise<Book> => {
  const names = new Map<string, string>()
  if (file !== undefined) {
    let text: string | undefined
    try {
      text = await readFile(file, "utf8")
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    }
    if (text !== undefined) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = undefined
      }
      if (!isNames(parsed)) throw new Error(`${file} is not a book of names ({ "<identity>": "<name>" }); fix or delete it`)
      for (const [k, v] of Object.entries(parsed)) names.set(k, v)
    }
  }
  let saving: Promise<void> = Promise.resolve()
  let revision = 0
  const save = (): Promise<void> => {
    if (file === undefined) return Promise.resolve()
    const text = `${JSON.stringify(Object.fromEntries([...names].sort(([a], [b]) => (a < b ? -1 : 1))), null, 2)}\n`
    // Saves run one after another; each writes the whole book, then renames it into place.
    saving = saving.catch(() => undefined).then(async () => {
      await writeFile(`${file}.tmp`, text, { mode: 0o600 })
      await rename(`${file}.tmp`, file)
    })
    return saving
  }
  return {
    given: (identity) => names.get(identity),
    nameOf: (identity) => names.get(identity) ?? label(identity),
    all: () => Object.fromEntries(names),
    revision: () => revision,
    set: (identity, name) => {
      revision++
      if (name === null) names.delete(identity)
      else names.set(identity, name.trim())
      return save()
    }
  }
}
