/**
 * `@affinity/storage-fs`: a crash-safe `Storage` adapter for Node that keeps each
 * community in a directory of its own.
 *
 * ## Layout
 *
 * ```text
 * <directory>/
 *   c-<community>/
 *     events.log    the community's append-only event log (format below)
 *     v-<key>       one file per value, its bytes as they are
 *     t-<key>.*     a value being written; left over only by a crash, removed on next write
 * ```
 *
 * ## `events.log`
 *
 * All integers are unsigned little-endian.
 *
 * ```text
 * file header (16 bytes)
 *   0   8  magic, ASCII "AFNTYLOG"
 *   8   4  format version, 1
 *   12  4  reserved, 0
 * then one frame per appended batch:
 *   0   4  magic, ASCII "AFB1"
 *   4   4  number of records in the batch
 *   8   8  length of the body in bytes
 *   16  32 SHA-256 of the body
 *   48  8  first 8 bytes of SHA-256 of header bytes 0..47 (header check)
 *   56  .. body: for each record, its length (4 bytes) then its bytes
 * ```
 *
 * A batch is written with one positioned `write` and made durable with one `fdatasync`
 * before `append` succeeds; batches queued while a write is in progress go out together
 * in the next write (group commit), each still a frame of its own.
 *
 * On the first use of a community after opening, its log is read once and every frame
 * is checked. A damaged frame at the end (a torn write: the process or the machine
 * stopped during an append that had not succeeded) is cut off with `ftruncate`, so only
 * whole batches remain. A damaged frame followed by a valid one is not a torn write
 * but corruption: the log is left untouched and every use of that community fails with
 * a `StorageError` that gives the offset.
 *
 * Values are written to a temporary file, flushed, renamed over the old one, and the
 * directory is flushed, so a value is either the old or the new one after a crash.
 *
 * One process at a time may open a directory.
 *
 * @module
 */
import { Storage } from "@affinity/core"
import { Effect, Layer } from "effect"
import { createHash } from "node:crypto"
import { constants } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"

/** Options of {@link make} and {@link layer}. */
export interface FsStorageOptions {
  /** The directory that holds the store; created (with its parents) when missing. */
  readonly directory: string
}

/**
 * Opens (or creates) a store in `options.directory`.
 *
 * @example
 * ```ts
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect } from "effect"
 * import * as StorageFs from "@affinity/storage-fs"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* StorageFs.make({ directory: join(tmpdir(), "affinity-example") })
 *   yield* store.append("club", [new TextEncoder().encode("hello")])
 *   const records = yield* store.events("club")
 *   yield* store.close()
 *   return records.length
 * })
 * ```
 */
export const make = (options: FsStorageOptions): Effect.Effect<Storage.StorageShape, Storage.StorageError> =>
  Effect.tryPromise({
    try: () => open(path.resolve(options.directory)),
    catch: (cause) => toStorageError(`opening ${options.directory}`, cause)
  })

/**
 * A `Storage` layer over {@link make}; the store is closed when the layer's scope ends.
 *
 * @example
 * ```ts
 * import { tmpdir } from "node:os"
 * import { join } from "node:path"
 * import { Effect } from "effect"
 * import { Storage } from "@affinity/core"
 * import * as StorageFs from "@affinity/storage-fs"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* Storage.Storage
 *   return yield* store.communities()
 * })
 * await Effect.runPromise(Effect.provide(program, StorageFs.layer({ directory: join(tmpdir(), "affinity-example") })))
 * ```
 */
export const layer = (options: FsStorageOptions): Layer.Layer<Storage.Storage, Storage.StorageError> =>
  Layer.effect(
    Storage.Storage,
    Effect.acquireRelease(make(options), (store) => Effect.ignore(store.close()))
  )

// ---------------------------------------------------------------------------
// Format

const FILE_MAGIC = Buffer.from("AFNTYLOG", "latin1")
const FORMAT_VERSION = 1
const FILE_HEADER_LENGTH = 16
const BATCH_MAGIC = Buffer.from("AFB1", "latin1")
const BATCH_HEADER_LENGTH = 56
const MAX_RECORD_LENGTH = 0xffff_ffff

const FILE_HEADER: Buffer = (() => {
  const b = Buffer.alloc(FILE_HEADER_LENGTH)
  FILE_MAGIC.copy(b, 0)
  b.writeUInt32LE(FORMAT_VERSION, 8)
  return b
})()

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest()

/** One batch as a frame: header then body. */
const encodeBatch = (records: ReadonlyArray<Uint8Array>): Buffer => {
  let bodyLength = 0
  for (const r of records) {
    if (r.length > MAX_RECORD_LENGTH) throw new Storage.StorageError({ reason: `record of ${r.length} bytes is too large` })
    bodyLength += 4 + r.length
  }
  const frame = Buffer.allocUnsafe(BATCH_HEADER_LENGTH + bodyLength)
  let at = BATCH_HEADER_LENGTH
  for (const r of records) {
    frame.writeUInt32LE(r.length, at)
    frame.set(r, at + 4)
    at += 4 + r.length
  }
  BATCH_MAGIC.copy(frame, 0)
  frame.writeUInt32LE(records.length, 4)
  frame.writeBigUInt64LE(BigInt(bodyLength), 8)
  sha256(frame.subarray(BATCH_HEADER_LENGTH)).copy(frame, 16)
  sha256(frame.subarray(0, 48)).copy(frame, 48, 0, 8)
  return frame
}

/** What a header at some offset says, when its own check passes. */
interface Header {
  readonly count: number
  readonly bodyLength: number
}

const readHeader = (buf: Buffer, at: number): Header | undefined => {
  if (buf.length - at < BATCH_HEADER_LENGTH) return undefined
  if (buf.compare(BATCH_MAGIC, 0, 4, at, at + 4) !== 0) return undefined
  if (sha256(buf.subarray(at, at + 48)).compare(buf, at + 48, at + 56, 0, 8) !== 0) return undefined
  const bodyLength = buf.readBigUInt64LE(at + 8)
  if (bodyLength > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  return { count: buf.readUInt32LE(at + 4), bodyLength: Number(bodyLength) }
}

/**
 * Appends the records of the body at `at` to `out` (as views into `buf`), or returns
 * false when the body does not hold exactly `count` records.
 */
const splitBody = (buf: Buffer, at: number, header: Header, out: Array<Uint8Array>): boolean => {
  const end = at + header.bodyLength
  let p = at
  const first = out.length
  for (let i = 0; i < header.count; i++) {
    if (end - p < 4) {
      out.length = first
      return false
    }
    const length = buf.readUInt32LE(p)
    p += 4
    if (end - p < length) {
      out.length = first
      return false
    }
    out.push(new Uint8Array(buf.buffer, buf.byteOffset + p, length))
    p += length
  }
  if (p !== end) {
    out.length = first
    return false
  }
  return true
}

/** A whole, valid frame at `at`: its length, or undefined. */
const checkFrame = (buf: Buffer, at: number, out: Array<Uint8Array> | undefined): number | undefined => {
  const header = readHeader(buf, at)
  if (header === undefined) return undefined
  const bodyStart = at + BATCH_HEADER_LENGTH
  const bodyEnd = bodyStart + header.bodyLength
  if (bodyEnd > buf.length) return undefined
  if (sha256(buf.subarray(bodyStart, bodyEnd)).compare(buf, at + 16, at + 48) !== 0) return undefined
  if (!splitBody(buf, bodyStart, header, out ?? [])) return undefined
  return BATCH_HEADER_LENGTH + header.bodyLength
}

/** The offset of the first valid frame at or after `from`, or -1. */
const findFrame = (buf: Buffer, from: number): number => {
  let at = buf.indexOf(BATCH_MAGIC, from)
  while (at !== -1) {
    if (checkFrame(buf, at, undefined) !== undefined) return at
    at = buf.indexOf(BATCH_MAGIC, at + 1)
  }
  return -1
}

/** What a check of a whole log file found. */
interface Recovered {
  /** Where the valid part ends; the file is cut there when longer. */
  readonly end: number
  /** The records of the valid part, as views into the file's bytes. */
  readonly records: ReadonlyArray<Uint8Array>
}

/**
 * Checks a whole log file. A torn tail is reported as a shorter `end`; corruption that
 * a crash cannot explain throws.
 */
const recover = (buf: Buffer, file: string): Recovered => {
  if (buf.length === 0) return { end: 0, records: [] }
  const headerOk = buf.length >= FILE_HEADER_LENGTH && buf.compare(FILE_HEADER, 0, FILE_HEADER_LENGTH, 0, FILE_HEADER_LENGTH) === 0
  if (!headerOk) {
    // The file header goes out with the first batch; a log whose header is damaged
    // holds an acknowledged batch only if corruption, not a crash, damaged it.
    if (buf.length >= FILE_HEADER_LENGTH && buf.compare(FILE_MAGIC, 0, 8, 0, 8) === 0 && buf.readUInt32LE(8) !== FORMAT_VERSION) {
      throw new Storage.StorageError({ reason: `${file}: log format version ${buf.readUInt32LE(8)} is not supported` })
    }
    if (findFrame(buf, 0) !== -1) throw new Storage.StorageError({ reason: `${file}: damaged file header` })
    return { end: 0, records: [] }
  }
  const records: Array<Uint8Array> = []
  let at = FILE_HEADER_LENGTH
  while (at < buf.length) {
    const length = checkFrame(buf, at, records)
    if (length !== undefined) {
      at += length
      continue
    }
    // A damaged frame. When its header is intact, look past its declared body;
    // otherwise anywhere after it. A valid frame further on means corruption.
    const header = readHeader(buf, at)
    const from = header === undefined ? at + 1 : at + BATCH_HEADER_LENGTH + header.bodyLength
    if (from < buf.length && findFrame(buf, from) !== -1) {
      throw new Storage.StorageError({
        reason: `${file}: damaged batch at offset ${at} followed by valid batches; not a torn write, refusing to cut`
      })
    }
    break
  }
  return { end: at, records }
}

/** Every record between the file header and `buf`'s end, trusting frames checked on open. */
const split = (buf: Buffer, file: string): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  let at = 0
  while (at < buf.length) {
    const header = buf.length - at >= BATCH_HEADER_LENGTH && buf.compare(BATCH_MAGIC, 0, 4, at, at + 4) === 0
      ? { count: buf.readUInt32LE(at + 4), bodyLength: Number(buf.readBigUInt64LE(at + 8)) }
      : undefined
    const bodyStart = at + BATCH_HEADER_LENGTH
    if (header === undefined || bodyStart + header.bodyLength > buf.length || !splitBody(buf, bodyStart, header, out)) {
      throw new Storage.StorageError({ reason: `${file}: damaged batch at offset ${at + FILE_HEADER_LENGTH}` })
    }
    at = bodyStart + header.bodyLength
  }
  return out
}

// ---------------------------------------------------------------------------
// File helpers

const errorCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : undefined

const toStorageError = Storage.toStorageError

const writeAll = async (handle: fs.FileHandle, data: Uint8Array, position: number): Promise<void> => {
  let done = 0
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done)
    if (bytesWritten <= 0) throw new Error("write made no progress")
    done += bytesWritten
  }
}

const readAll = async (handle: fs.FileHandle, length: number, position: number): Promise<Buffer> => {
  // Not from Node's shared pool: records are handed out as views into this buffer.
  const buf = Buffer.allocUnsafeSlow(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done)
    if (bytesRead === 0) throw new Error(`file ended at ${position + done}, expected ${position + length}`)
    done += bytesRead
  }
  return buf
}

/** Flushes a directory, so the entries created or renamed in it survive a crash. */
const syncDirectory = async (directory: string): Promise<void> => {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(directory, constants.O_RDONLY)
  } catch (cause) {
    // Some platforms (Windows) cannot open a directory; their renames are durable as is.
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

// ---------------------------------------------------------------------------
// The store

interface Pending {
  readonly frame: Buffer
  readonly resolve: () => void
  readonly reject: (error: Storage.StorageError) => void
}

/** A community's open log. */
interface Log {
  readonly file: string
  readonly directory: string
  /** Open once the file exists. */
  handle: fs.FileHandle | undefined
  /** Offset just past the last durable batch (0: nothing yet, not even the file header). */
  end: number
  /** Records read while checking the file, served once to the first `events` while still current. */
  initial: ReadonlyArray<Uint8Array> | undefined
  readonly queue: Array<Pending>
  flushing: boolean
  /** Set when a write failed: the file must be checked again before more appends. */
  broken: Storage.StorageError | undefined
}

const open = async (root: string): Promise<Storage.StorageShape> => {
  const created = await fs.mkdir(root, { recursive: true })
  if (!(await fs.stat(root)).isDirectory()) throw new Error(`${root} is not a directory`)
  if (created !== undefined) {
    // Make every directory level just created durable in its parent.
    let dir = root
    const stop = path.dirname(created)
    while (dir !== stop && dir !== path.dirname(dir)) {
      await syncDirectory(path.dirname(dir))
      dir = path.dirname(dir)
    }
  }

  const logs = new Map<string, Promise<Log>>()
  const prepared = new Map<string, Promise<void>>()
  let temporaries = 0

  const communityDir = (community: string): string => path.join(root, `c-${community}`)
  const valueFile = (community: string, key: string): string => path.join(communityDir(community), `v-${key}`)

  /** Makes sure a community's directory exists durably; once per community. */
  const prepare = (community: string): Promise<void> => {
    let done = prepared.get(community)
    if (done === undefined) {
      done = (async () => {
        const dir = communityDir(community)
        await fs.mkdir(dir, { recursive: true })
        await syncDirectory(root)
        // Values left half-written by a crash.
        for (const name of await fs.readdir(dir)) {
          if (name.startsWith("t-")) await fs.rm(path.join(dir, name), { force: true })
        }
        await syncDirectory(dir)
      })()
      prepared.set(community, done)
      done.catch(() => prepared.delete(community))
    }
    return done
  }

  /** Opens and checks a community's log; once, until a write fails. */
  const getLog = (community: string): Promise<Log> => {
    let log = logs.get(community)
    if (log === undefined) {
      log = loadLog(community)
      logs.set(community, log)
      log.catch(() => logs.delete(community))
    }
    return log
  }

  const loadLog = async (community: string): Promise<Log> => {
    const directory = communityDir(community)
    const file = path.join(directory, "events.log")
    const log: Log = { file, directory, handle: undefined, end: 0, initial: undefined, queue: [], flushing: false, broken: undefined }
    let handle: fs.FileHandle
    try {
      handle = await fs.open(file, constants.O_RDWR)
    } catch (cause) {
      if (errorCode(cause) === "ENOENT") return log
      throw cause
    }
    try {
      const size = (await handle.stat()).size
      const bytes = await readAll(handle, size, 0)
      const found = recover(bytes, file)
      if (found.end < size) {
        await handle.truncate(found.end)
        await handle.sync()
      }
      log.handle = handle
      log.end = found.end
      log.initial = found.records.length > 0 ? found.records : undefined
      return log
    } catch (cause) {
      await handle.close()
      throw cause
    }
  }

  /** Writes queued batches, as many as are waiting, with one write and one flush. */
  const flush = async (community: string, log: Log): Promise<void> => {
    log.flushing = true
    try {
      while (log.queue.length > 0) {
        const group = log.queue.splice(0)
        if (log.broken !== undefined) {
          for (const p of group) p.reject(log.broken)
          continue
        }
        let createdFile = false
        try {
          const parts: Array<Buffer> = group.map((p) => p.frame)
          if (log.end === 0) parts.unshift(FILE_HEADER)
          const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
          if (log.handle === undefined) {
            log.handle = await fs.open(log.file, constants.O_RDWR | constants.O_CREAT)
            createdFile = true
          }
          await writeAll(log.handle, data, log.end)
          await log.handle.datasync()
          if (createdFile) await syncDirectory(log.directory)
          log.end += data.length
          log.initial = undefined
          for (const p of group) p.resolve()
        } catch (cause) {
          const error = toStorageError(`appending to ${log.file}`, cause)
          log.broken = error
          // What reached the disk is unknown: cut back what may have been written, and
          // let the next use of the community open and check the file again.
          const handle = log.handle
          log.handle = undefined
          if (handle !== undefined) {
            await handle.truncate(log.end).catch(() => undefined)
            await handle.close().catch(() => undefined)
          }
          logs.delete(community)
          for (const p of group) p.reject(error)
        }
      }
    } finally {
      log.flushing = false
    }
  }

  const append = async (community: string, records: ReadonlyArray<Uint8Array>): Promise<void> => {
    if (records.length === 0) return
    const frame = encodeBatch(records)
    await prepare(community)
    const log = await getLog(community)
    if (log.broken !== undefined) throw log.broken
    await new Promise<void>((resolve, reject) => {
      log.queue.push({ frame, resolve, reject })
      if (!log.flushing) void flush(community, log)
    })
  }

  const events = async (community: string): Promise<ReadonlyArray<Uint8Array>> => {
    const log = await getLog(community)
    if (log.broken !== undefined) throw log.broken
    const initial = log.initial
    if (initial !== undefined) {
      log.initial = undefined
      return initial
    }
    if (log.handle === undefined || log.end <= FILE_HEADER_LENGTH) return []
    const bytes = await readAll(log.handle, log.end - FILE_HEADER_LENGTH, FILE_HEADER_LENGTH)
    return split(bytes, log.file)
  }

  const get = async (community: string, key: string): Promise<Uint8Array | undefined> => {
    try {
      const bytes = await fs.readFile(valueFile(community, key))
      return bytes.byteOffset === 0 && bytes.length === bytes.buffer.byteLength
        ? new Uint8Array(bytes.buffer, 0, bytes.length)
        : new Uint8Array(bytes)
    } catch (cause) {
      if (errorCode(cause) === "ENOENT") return undefined
      throw cause
    }
  }

  const set = async (community: string, key: string, value: Uint8Array): Promise<void> => {
    const copy = Buffer.from(value)
    await prepare(community)
    const dir = communityDir(community)
    const temporary = path.join(dir, `t-${key}.${process.pid}.${temporaries++}`)
    try {
      const handle = await fs.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC)
      try {
        await writeAll(handle, copy, 0)
        await handle.datasync()
      } finally {
        await handle.close()
      }
      await fs.rename(temporary, valueFile(community, key))
    } catch (cause) {
      await fs.rm(temporary, { force: true }).catch(() => undefined)
      throw cause
    }
    await syncDirectory(dir)
  }

  /** Whether a community's log holds at least one valid batch, without opening it for good. */
  const hasEvents = async (community: string): Promise<boolean> => {
    const loaded = logs.get(community)
    if (loaded !== undefined) return (await loaded).end > FILE_HEADER_LENGTH
    let handle: fs.FileHandle
    try {
      handle = await fs.open(path.join(communityDir(community), "events.log"), constants.O_RDONLY)
    } catch (cause) {
      if (errorCode(cause) === "ENOENT") return false
      throw cause
    }
    try {
      const size = (await handle.stat()).size
      if (size < FILE_HEADER_LENGTH + BATCH_HEADER_LENGTH) return false
      const head = await readAll(handle, FILE_HEADER_LENGTH + BATCH_HEADER_LENGTH, 0)
      if (head.compare(FILE_HEADER, 0, FILE_HEADER_LENGTH, 0, FILE_HEADER_LENGTH) !== 0) return false
      const header = readHeader(head, FILE_HEADER_LENGTH)
      if (header === undefined || FILE_HEADER_LENGTH + BATCH_HEADER_LENGTH + header.bodyLength > size) return false
      const frame = await readAll(handle, BATCH_HEADER_LENGTH + header.bodyLength, FILE_HEADER_LENGTH)
      return checkFrame(frame, 0, undefined) !== undefined
    } finally {
      await handle.close()
    }
  }

  const hasValues = async (community: string): Promise<boolean> => {
    try {
      return (await fs.readdir(communityDir(community))).some((name) => name.startsWith("v-"))
    } catch (cause) {
      if (errorCode(cause) === "ENOENT") return false
      throw cause
    }
  }

  const communities = async (): Promise<ReadonlyArray<string>> => {
    const entries = await fs.readdir(root, { withFileTypes: true })
    const candidates = entries
      .filter((e) => e.isDirectory() && e.name.startsWith("c-") && Storage.isSafeName(e.name.slice(2)))
      .map((e) => e.name.slice(2))
    const held: Array<string> = []
    for (const community of candidates) {
      if ((await hasValues(community)) || (await hasEvents(community))) held.push(community)
    }
    return held.sort()
  }

  const close = async (): Promise<void> => {
    const opened = await Promise.allSettled([...logs.values()])
    logs.clear()
    for (const result of opened) {
      if (result.status === "fulfilled" && result.value.handle !== undefined) {
        const handle = result.value.handle
        result.value.handle = undefined
        await handle.close()
      }
    }
  }

  return Storage.fromPromises({ name: "fs", place: `store at ${root}`, append, events, get, set, communities, close })
}
