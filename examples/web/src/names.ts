/**
 * How people are named on screen. Identities are public keys. A member shows as the name
 * this device's person gave them, else as the name they published themselves (their
 * profile, a `core/member.profile` event; a name is not an identity), else as their
 * **label**: two pronounceable five-letter words made from the first four bytes of their key
 * (proquints, `lusab-babad`), the same on every device and in the member CLI and the bridge,
 * so people can tell each other who they mean ("zokik-gavom is Bo"). Where two would show
 * the same name, each gets their label after it. The community's directory
 * (`community.names(given)`, core's `Names`) does all of this; hex is never shown.
 *
 * Given names are kept on this device only (value `names` of the community, a JSON map
 * from identity to name); nobody else sees them.
 *
 * @module
 */
import { type Client, Event, Names } from "@affinity/core"

/** The label of a key or identity (hex): proquints of its first four bytes, e.g. `lusab-babad`. */
export const label: (hex: string) => string = Names.label

/** A longer label for comparing states by eye: proquints of the first eight bytes, e.g. `lusab-babad-gutih-tugad`. */
export const longLabel: (hex: string) => string = Names.longLabel

/** Longest name, in characters. */
export const MAX_NAME = Names.Limits.name

/** Names given on this device, by identity (hex). */
export type Given = Readonly<Record<string, string>>

/** Why `name` cannot be a name (given here or published), or `undefined`: 1 to 60 characters, no control characters, not a label or a key. */
export const problem: (name: string) => string | undefined = Names.problem

/**
 * A text for people (a reason the community gave) with the ids it cites replaced by names
 * (`directory.explain`); an id it cannot place (an event's, or a prefix that fits nobody)
 * reads as its label.
 */
export const plain = (directory: Names.Directory, text: string): string =>
  directory.explain(text).replace(/\b([0-9a-f]{64})\b|\b([0-9a-f]{8,63})…/g, (_whole, full: string | undefined, prefix: string | undefined) =>
    label(full ?? prefix!)
  )

/**
 * The headers of the profiles (`core/member.profile` events) signed by any of `devices`
 * whose payload this device still holds, in delivery order: what `core/payload.erase`
 * names to erase them.
 */
export const published = (handle: Client.CommunityHandle, devices: ReadonlySet<string>): ReadonlyArray<Uint8Array> => {
  const log = handle.community.replica.log
  const out: Array<Uint8Array> = []
  for (let i = 0; i < log.size; i++) {
    if (!devices.has(log.author[i]!)) continue
    const d = Event.decode(log.bytes[i]!)
    if (!d.ok || d.event.header.module !== "core" || d.event.header.type !== "member.profile" || handle.payload(d.event.key) === undefined) continue
    out.push(d.event.headerBytes.slice())
  }
  return out
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
