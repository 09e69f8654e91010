/**
 * Settings of a data directory (`settings.json`): which community commands act on, the
 * relays of each community, and the names this device's person gave to members. Nothing in
 * it is secret, and nothing in it is shared: names are this person's own address book.
 *
 * @module
 */
import { readFile, rename, writeFile } from "node:fs/promises"
import { failed } from "./Failure.ts"
import type { Home } from "./Home.ts"

/** What this device keeps about one community, besides its events. */
export interface CommunitySettings {
  /** The community's name (from its genesis), to find it by name. */
  name: string
  /** Relay addresses (`ws://` or `wss://`) that `sync` uses. */
  relays: Array<string>
  /** When this device last synced with a relay (its clock, ms), or `null`. */
  lastSync: number | null
}

/** The settings file. */
export interface Settings {
  /** The community commands act on without `--community` (hex id), or `null`. */
  current: string | null
  /** Names given to members: identity (hex) → name. */
  names: Record<string, string>
  /** Per community (hex id). */
  communities: Record<string, CommunitySettings>
}

const VERSION = 1

/** Settings of a data directory that has none yet. */
export const empty = (): Settings => ({ current: null, names: {}, communities: {} })

const isStringArray = (v: unknown): v is Array<string> => Array.isArray(v) && v.every((x) => typeof x === "string")

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Read the settings (empty ones when the file does not exist). */
export const load = async (home: Home): Promise<Settings> => {
  let text: string
  try {
    text = await readFile(home.settings, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return empty()
    throw e
  }
  const damaged = () => failed("SettingsDamaged", `the settings file ${home.settings} is damaged; fix it by hand or delete it (your communities and key are kept apart)`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw damaged()
  }
  if (!isRecord(parsed) || parsed["version"] !== VERSION) throw damaged()
  const { current, names, communities } = parsed
  if (!(current === null || typeof current === "string") || !isRecord(names) || !isRecord(communities)) throw damaged()
  const out = empty()
  out.current = current
  for (const [id, name] of Object.entries(names)) if (typeof name === "string") out.names[id] = name
  for (const [id, c] of Object.entries(communities)) {
    if (!isRecord(c) || !isStringArray(c["relays"])) throw damaged()
    const lastSync = c["lastSync"]
    const name = c["name"]
    out.communities[id] = { name: typeof name === "string" ? name : "", relays: [...c["relays"]], lastSync: typeof lastSync === "number" ? lastSync : null }
  }
  return out
}

/** Write the settings (to a new file renamed over the old one, so a crash leaves one or the other). */
export const save = async (home: Home, settings: Settings): Promise<void> => {
  const temporary = `${home.settings}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify({ version: VERSION, ...settings }, null, 2)}\n`)
  await rename(temporary, home.settings)
}

/** The settings of one community, added when missing. */
export const community = (settings: Settings, id: string): CommunitySettings => {
  const existing = settings.communities[id]
  if (existing) return existing
  const made: CommunitySettings = { name: "", relays: [], lastSync: null }
  settings.communities[id] = made
  return made
}
