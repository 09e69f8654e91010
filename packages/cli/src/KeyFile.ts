/**
 * The device key file: the secret this device signs with, in `device.key` in the data
 * directory.
 *
 * One key per data directory, made the first time it is needed (creating or joining a
 * community) and used in every community of that directory: in each, the member it first
 * acts for is named by its public key. The file is JSON,
 * `{ "kind": "affinity device key", "version": 1, "secret": <64 hex>, "publicKey": <64 hex> }`,
 * created exclusively (an existing key is never overwritten) with mode `0600`. A key file
 * other users can read is refused until its mode is fixed, as `ssh` does. Whoever holds the
 * file acts as its member: keep a backup somewhere safe, and never send it to anyone.
 *
 * @module
 */
import { open, readFile, stat } from "node:fs/promises"
import { Bytes, type Client, type Keys } from "@affinity/core"
import { failed } from "./Failure.ts"
import type { Home } from "./Home.ts"

const KIND = "affinity device key"
const VERSION = 1

const isHex64 = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{64}$/.test(v)

const checkMode = async (file: string): Promise<void> => {
  if (process.platform === "win32") return
  const mode = (await stat(file)).mode & 0o777
  if ((mode & 0o077) !== 0)
    throw failed(
      "KeyFileExposed",
      `the device key ${file} can be read by other users of this computer (mode ${mode.toString(8).padStart(4, "0")}); run \`chmod 600 ${file}\` and try again`
    )
}

/** The device key stored in the data directory, or `undefined` when there is none yet. */
export const load = async (home: Home, client: Client.Client): Promise<Keys.DeviceKey | undefined> => {
  let text: string
  try {
    text = await readFile(home.keyFile, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw e
  }
  await checkMode(home.keyFile)
  const damaged = (why: string) =>
    failed("KeyFileDamaged", `the device key ${home.keyFile} is damaged (${why}); restore it from your backup`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw damaged("it is not JSON")
  }
  const record = parsed as { readonly kind?: unknown; readonly version?: unknown; readonly secret?: unknown; readonly publicKey?: unknown }
  if (typeof parsed !== "object" || parsed === null || record.kind !== KIND) throw damaged("it is not an affinity device key")
  if (record.version !== VERSION) throw damaged(`its version ${String(record.version)} is not ${VERSION}`)
  if (!isHex64(record.secret) || !isHex64(record.publicKey)) throw damaged("its secret or public key is not 64 hex digits")
  const key = await client.keyFromSecret(Bytes.fromHex(record.secret)!)
  if (key.id !== record.publicKey) throw damaged("its public key does not belong to its secret")
  return key
}

/** The device key stored in the data directory, made and saved (mode `0600`) when there is none. */
export const loadOrCreate = async (home: Home, client: Client.Client): Promise<{ readonly key: Keys.DeviceKey; readonly created: boolean }> => {
  const existing = await load(home, client)
  if (existing) return { key: existing, created: false }
  const key = await client.generateKey()
  const text = `${JSON.stringify({ kind: KIND, version: VERSION, secret: Bytes.toHex(key.secret), publicKey: key.id }, null, 2)}\n`
  try {
    const file = await open(home.keyFile, "wx", 0o600)
    try {
      await file.writeFile(text)
      await file.sync()
    } finally {
      await file.close()
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      const other = await load(home, client)
      if (other) return { key: other, created: false }
    }
    throw e
  }
  return { key, created: true }
}
