/**
 * The access token: a random secret that every request but `/openapi.json` carries as
 * `Authorization: Bearer <token>`. Whoever has it acts as the member whose device key the
 * bridge holds, so it is made on the first start, stored in a file only its owner can
 * read (mode `0600`), and compared in constant time.
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { open, readFile, stat } from "node:fs/promises"

/** A new token: 32 random bytes as base64url (43 characters). */
export const generate = (): string => randomBytes(32).toString("base64url")

const TOKEN = /^[A-Za-z0-9_-]{32,128}$/

/** Whether the file's mode lets anyone but its owner read it (never on Windows, which has no modes). */
const exposed = async (file: string): Promise<number | undefined> => {
  if (process.platform === "win32") return undefined
  const mode = (await stat(file)).mode & 0o777
  return (mode & 0o077) === 0 ? undefined : mode
}

/**
 * The token stored in `file`, made and saved (mode `0600`, never overwriting) when there is
 * none. Rejects with an `Error` that says what to do when the file can be read by other
 * users or does not hold a token.
 */
export const loadOrCreate = async (file: string): Promise<{ readonly token: string; readonly created: boolean }> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    let text: string
    try {
      text = await readFile(file, "utf8")
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
      const token = generate()
      try {
        const handle = await open(file, "wx", 0o600)
        try {
          await handle.writeFile(`${token}\n`)
          await handle.sync()
        } finally {
          await handle.close()
        }
        return { token, created: true }
      } catch (e) {
        // Another process made it first: read theirs.
        if ((e as NodeJS.ErrnoException).code === "EEXIST") continue
        throw e
      }
    }
    const mode = await exposed(file)
    if (mode !== undefined)
      throw new Error(
        `the access token ${file} can be read by other users of this computer (mode ${mode.toString(8).padStart(4, "0")}); run \`chmod 600 ${file}\` and start again`
      )
    const token = text.trim()
    if (!TOKEN.test(token)) throw new Error(`${file} does not hold an access token; delete it to have a new one made`)
    return { token, created: false }
  }
  throw new Error(`could not read or create the access token ${file}`)
}

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

/**
 * Whether `presented` is `expected`, in time that does not depend on where they differ or
 * on their lengths: both are hashed, and the digests compared with `timingSafeEqual`.
 */
export const matches = (expected: string, presented: string): boolean => timingSafeEqual(digest(expected), digest(presented))

/** The token of an `Authorization: Bearer <token>` header, or `undefined`. */
export const fromHeader = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const m = /^Bearer +([^\s]+) *$/i.exec(header)
  return m?.[1]
}
