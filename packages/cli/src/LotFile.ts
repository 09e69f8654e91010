/**
 * The secrets of this device's lot commitments (`lot.json` in the data directory, mode
 * `0600`), one per community. A member commits to the anchor of a hash onion made from a
 * secret (`Governance.Lot`) and reveals one layer each term; the secret stays here, and only
 * its hashes are ever published. Losing it only means committing again, which counts from
 * the term after the next draw.
 *
 * @module
 */
import { open, readFile, rename } from "node:fs/promises"
import { failed } from "./Failure.ts"
import type { Home } from "./Home.ts"

/** One onion: its secret (hex) and how many layers it has. */
export interface Onion {
  readonly secret: string
  readonly length: number
}

/** Every onion of this device, by community id (hex). */
export type Onions = Record<string, Onion>

/** Read the onions (none when the file does not exist). */
export const load = async (home: Home): Promise<Onions> => {
  let text: string
  try {
    text = await readFile(home.lotFile, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {}
    throw e
  }
  const damaged = () => failed("LotFileDamaged", `${home.lotFile} is damaged; delete it and run \`affinity lot\` to commit again`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw damaged()
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw damaged()
  const out: Onions = {}
  for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
    const o = v as { readonly secret?: unknown; readonly length?: unknown }
    if (typeof o !== "object" || o === null || typeof o.secret !== "string" || !/^[0-9a-f]{64}$/.test(o.secret) || typeof o.length !== "number")
      throw damaged()
    out[id] = { secret: o.secret, length: o.length }
  }
  return out
}

/** Write the onions (mode `0600`, to a new file renamed over the old one). */
export const save = async (home: Home, onions: Onions): Promise<void> => {
  const temporary = `${home.lotFile}.${process.pid}.tmp`
  const file = await open(temporary, "w", 0o600)
  try {
    await file.writeFile(`${JSON.stringify(onions, null, 2)}\n`)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, home.lotFile)
}
