/**
 * Opening the database file: the connection's settings, the tables of a new store, and
 * the checks that an existing file is a store of this format.
 *
 * @internal
 * @module
 */
import { constants } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"

/** `PRAGMA application_id` of a store: ASCII "AFNT". */
export const APPLICATION_ID = 0x41464e54

/** `PRAGMA user_version` of a store: the version of the format below. */
export const FORMAT_VERSION = 1

/** The tables of a store (format version 1). */
export const SCHEMA = `
CREATE TABLE communities (
  name TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE batches (
  seq INTEGER PRIMARY KEY,
  community TEXT NOT NULL,
  count INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX batches_by_community ON batches (community, seq);
CREATE TABLE stored_values (
  community TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (community, key)
);
`

/** Milliseconds a statement waits for another connection's lock before it fails. */
const BUSY_TIMEOUT = 5_000

/** The WAL file is cut back to this size after a checkpoint (64 MiB). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024

const errorCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : undefined

/** Flushes a directory, so the entries created in it survive a crash. */
export const syncDirectory = async (directory: string): Promise<void> => {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(directory, constants.O_RDONLY)
  } catch (cause) {
    // Some platforms (Windows) cannot open a directory; their entries are durable as is.
    if (process.platform === "win32") return
    throw cause
  }
  try {
    await handle.sync()
  } catch (cause) {
    const code = errorCode(cause)
    if (!(process.platform === "win32" || code === "EINVAL" || code === "EISDIR")) throw cause
  } finally {
    await handle.close()
  }
}

/** Creates `directory` and its missing parents, each made durable in its own parent. */
const makeDirectory = async (directory: string): Promise<void> => {
  const created = await fs.mkdir(directory, { recursive: true })
  if (created === undefined) return
  let dir = directory
  const stop = path.dirname(created)
  while (dir !== stop && dir !== path.dirname(dir)) {
    await syncDirectory(path.dirname(dir))
    dir = path.dirname(dir)
  }
}

const exists = async (file: string): Promise<boolean> => {
  try {
    await fs.stat(file)
    return true
  } catch (cause) {
    if (errorCode(cause) === "ENOENT") return false
    throw cause
  }
}

/** A number a one-row, one-column statement returns. */
const numberOf = (db: DatabaseSync, sql: string): number => {
  const row = db.prepare(sql).get()
  const value = row === undefined ? undefined : Object.values(row)[0]
  if (typeof value !== "number") throw new Error(`${sql} returned ${String(value)}, not a number`)
  return value
}

/**
 * Opens (creating when missing) the store in `file`: WAL journal, a full sync at every
 * commit, the tables of a new store. Throws when the file is another SQLite database, a
 * store of an unknown format version, or not a database at all.
 */
export const open = async (file: string): Promise<DatabaseSync> => {
  const directory = path.dirname(file)
  await makeDirectory(directory)
  const created = !(await exists(file))
  const db = new DatabaseSync(file)
  try {
    // A pragma rather than the constructor's `timeout` option, which Node 22 lacks.
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT}`)
    // WAL: a commit appends to the log file and a crash leaves at most a torn tail that
    // SQLite's frame checksums discard. FULL: every commit is flushed to disk before it returns.
    db.exec("PRAGMA journal_mode = WAL")
    const mode = db.prepare("PRAGMA journal_mode").get()
    if (mode === undefined || String(Object.values(mode)[0]).toLowerCase() !== "wal")
      throw new Error("the database could not be switched to write-ahead logging")
    db.exec("PRAGMA synchronous = FULL")
    db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT}`)
    db.exec("BEGIN IMMEDIATE")
    try {
      const application = numberOf(db, "PRAGMA application_id")
      const version = numberOf(db, "PRAGMA user_version")
      if (application === 0 && version === 0) {
        if (numberOf(db, "SELECT count(*) FROM sqlite_schema") > 0)
          throw new Error("this SQLite database is not an Affinity store (it has tables of its own); give another file")
        db.exec(SCHEMA)
        db.exec(`PRAGMA application_id = ${APPLICATION_ID}`)
        db.exec(`PRAGMA user_version = ${FORMAT_VERSION}`)
      } else if (application !== APPLICATION_ID) {
        throw new Error(`this SQLite database is not an Affinity store (application id ${application}); give another file`)
      } else if (version !== FORMAT_VERSION) {
        throw new Error(`store format version ${version} is not supported (this version reads ${FORMAT_VERSION})`)
      }
      db.exec("COMMIT")
    } catch (cause) {
      db.exec("ROLLBACK")
      throw cause
    }
    // SQLite flushes the directory for the journal files it creates, not for the database.
    if (created) await syncDirectory(directory)
    return db
  } catch (cause) {
    db.close()
    throw cause
  }
}
