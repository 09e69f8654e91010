/**
 * The bridge's device key file, `device.key` in its data directory: the secret the bridge
 * signs with, made on the first start. The format is the member CLI's, JSON
 * `{ "kind": "affinity device key", "version": 1, "secret": <64 hex>, "publicKey": <64 hex> }`,
 * created exclusively (an existing key is never overwritten) with mode `0600`; a key file
 * other users can read is refused until its mode is fixed.
 *
 * The bridge has a key of its own rather than a copy of a member's other device: two
 * programs signing with one key at once could fork its chain, and the community would stop
 * counting that key's events.
 *
 * @module
 */
import { open, readFile, stat } from "node:fs/promises"
import { Bytes, type Client, type Keys } from "@affinity/core"

const KIND = "affinity device key"
const VERSION = 1

const isHex64 = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{64}$/.test(v)

/** The key in `file`, or `undefined` when there is none; rejects with an `Error` that says what to do. */
export const load = async (file: string, client: Client.Client): Promise<Keys.DeviceKey | undefined> => {
  let text: string
  try {
    text = await readFile(file, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw e
  }
  if (process.platform !== "win32") {
    const mode = (await stat(file)).mode & 0o777
    if ((mode & 0o077) !== 0)
      throw new Error(
        `the device key ${file} can be read by other users of this computer (mode ${mode.toString(8).padStart(4, "0")}); run \`chmod 600 ${file}\` and start again`
      )
  }
  const damaged = (why: string) => new Error(`the device key ${file} is damaged (${why}); restore it from a backup`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw damaged("it is not JSON")
  }
  const r = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>
  if (r["kind"] !== KIND) throw damaged("it is not an affinity device key")
  if (r["version"] !== VERSION) throw damaged(`its version ${String(r["version"])} is not ${VERSION}`)
  if (!isHex64(r["secret"]) || !isHex64(r["publicKey"])) throw damaged("its secret or public key is not 64 hex digits")
  const key = await client.keyFromSecret(Bytes.fromHex(r["secret"])!)
  if (key.id !== r["publicKey"]) throw damaged("its public key does not belong to its secret")
  return key
}

/** The key in `file`, made and saved (mode `0600`) when there is none. */
export const loadOrCreate = async (file: string, client: Client.Client): Promise<{ readonly key: Keys.DeviceKey; readonly created: boolean }> => {
  const existing = await load(file, client)
  if (existing) return { key: existing, created: false }
  const key = await client.generateKey()
  const text = `${JSON.stringify({ kind: KIND, version: VERSION, secret: Bytes.toHex(key.secret), publicKey: key.id }, null, 2)}\n`
  try {
    const handle = await open(file, "wx", 0o600)
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      const other = await load(file, client)
      if (other) return { key: other, created: false }
    }
    throw e
  }
  return { key, created: true }
}
