import { Storage } from "@affinity/core"
import { Effect, Layer } from "effect"
import { createHash } from "node:crypto"
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import * as StorageFs from "../src/index.ts"

const root = await mkdtemp(path.join(tmpdir(), "affinity-storage-fs-recovery-"))
afterAll(() => rm(root, { recursive: true, force: true }))

let count = 0
const freshDirectory = (): string => path.join(root, `d-${count++}`)

const run = <A>(effect: Effect.Effect<A, Storage.StorageError>): Promise<A> => Effect.runPromise(effect)

const open = (directory: string): Promise<Storage.StorageShape> => run(StorageFs.make({ directory }))

const reason = async <A>(effect: Effect.Effect<A, Storage.StorageError>): Promise<string> => {
  const error = await Effect.runPromise(Effect.flip(effect))
  expect(error._tag).toBe("StorageError")
  return error.reason
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (records: ReadonlyArray<Uint8Array>): Array<string> => records.map((r) => new TextDecoder().decode(r))

const batch = (i: number): Array<Uint8Array> => Array.from({ length: 1 + (i % 3) }, (_, j) => utf8(`batch ${i} record ${j} `.repeat(1 + i)))
const texts = (n: number): Array<string> => Array.from({ length: n }, (_, i) => text(batch(i))).flat()

/** A log with `n` batches; returns the log file and the offset where each frame starts. */
const logWith = async (n: number): Promise<{ directory: string; file: string; frames: Array<number>; size: number }> => {
  const directory = freshDirectory()
  const store = await open(directory)
  for (let i = 0; i < n; i++) await run(store.append("c", batch(i)))
  await run(store.close())
  const file = path.join(directory, "c-c", "events.log")
  const bytes = await readFile(file)
  const frames: Array<number> = []
  let at = 16
  while (at < bytes.length) {
    frames.push(at)
    at += 56 + Number(bytes.readBigUInt64LE(at + 8))
  }
  return { directory, file, frames, size: bytes.length }
}

const eventsAfterReopen = async (directory: string): Promise<Array<string>> => {
  const store = await open(directory)
  try {
    return text(await run(store.events("c")))
  } finally {
    await run(store.close())
  }
}

describe("storage-fs on-disk format", () => {
  it("writes the documented layout", async () => {
    const directory = freshDirectory()
    const store = await open(directory)
    await run(store.append("club", [new Uint8Array([1, 2, 3]), new Uint8Array(0)]))
    await run(store.set("club", "head", utf8("v")))
    await run(store.close())
    expect((await readdir(directory)).sort()).toEqual(["c-club"])
    expect((await readdir(path.join(directory, "c-club"))).sort()).toEqual(["events.log", "v-head"])
    expect(await readFile(path.join(directory, "c-club", "v-head"), "utf8")).toBe("v")
    const log = await readFile(path.join(directory, "c-club", "events.log"))
    const body = Buffer.from([3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0])
    const header = Buffer.alloc(56)
    header.write("AFB1", 0, "latin1")
    header.writeUInt32LE(2, 4)
    header.writeBigUInt64LE(BigInt(body.length), 8)
    createHash("sha256").update(body).digest().copy(header, 16)
    createHash("sha256").update(header.subarray(0, 48)).digest().copy(header, 48, 0, 8)
    const fileHeader = Buffer.alloc(16)
    fileHeader.write("AFNTYLOG", 0, "latin1")
    fileHeader.writeUInt32LE(1, 8)
    expect(log.equals(Buffer.concat([fileHeader, header, body]))).toBe(true)
  })
})

describe("storage-fs recovery", () => {
  it("drops a batch cut inside its header, and appends after it", async () => {
    const { directory, file, frames } = await logWith(10)
    await truncate(file, frames[9]! + 30)
    expect(await eventsAfterReopen(directory)).toEqual(texts(9))
    expect((await stat(file)).size).toBe(frames[9])
    const store = await open(directory)
    await run(store.append("c", [utf8("after")]))
    expect(text(await run(store.events("c")))).toEqual([...texts(9), "after"])
    await run(store.close())
    expect(await eventsAfterReopen(directory)).toEqual([...texts(9), "after"])
  })

  it("drops a batch cut inside its body", async () => {
    const { directory, file, frames } = await logWith(10)
    await truncate(file, frames[9]! + 56 + 5)
    expect(await eventsAfterReopen(directory)).toEqual(texts(9))
  })

  it("drops garbage after the last batch", async () => {
    const { directory, file, size } = await logWith(6)
    const garbage = Buffer.alloc(5000)
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251
    await appendFile(file, garbage)
    expect(await eventsAfterReopen(directory)).toEqual(texts(6))
    expect((await stat(file)).size).toBe(size)
  })

  it("drops zeros after the last batch, as a machine crash can leave them", async () => {
    const { directory, file, size } = await logWith(4)
    await appendFile(file, Buffer.alloc(70_000))
    expect(await eventsAfterReopen(directory)).toEqual(texts(4))
    expect((await stat(file)).size).toBe(size)
  })

  it("drops a batch cut in its body and followed by garbage", async () => {
    const { directory, file, frames } = await logWith(8)
    await truncate(file, frames[7]! + 60)
    await appendFile(file, Buffer.from("not a batch at all, but it looks long enough to matter ".repeat(40)))
    expect(await eventsAfterReopen(directory)).toEqual(texts(7))
    expect((await stat(file)).size).toBe(frames[7])
  })

  it("drops a copy of a valid frame's header whose body did not make it", async () => {
    const { directory, file, frames, size } = await logWith(3)
    const bytes = await readFile(file)
    await appendFile(file, bytes.subarray(frames[2]!, frames[2]! + 56))
    expect(await eventsAfterReopen(directory)).toEqual(texts(3))
    expect((await stat(file)).size).toBe(size)
  })

  it("starts over when only part of the file header was written", async () => {
    const directory = freshDirectory()
    await mkdir(path.join(directory, "c-c"), { recursive: true })
    await writeFile(path.join(directory, "c-c", "events.log"), Buffer.from("AFNTY", "latin1"))
    const store = await open(directory)
    expect(await run(store.communities())).toEqual([])
    expect(await run(store.events("c"))).toEqual([])
    await run(store.append("c", [utf8("x")]))
    await run(store.close())
    expect(await eventsAfterReopen(directory)).toEqual(["x"])
  })

  it("refuses to cut a log damaged before valid batches, and leaves it as it is", async () => {
    const { directory, file, frames, size } = await logWith(6)
    const bytes = await readFile(file)
    bytes[frames[2]! + 56 + 3]! ^= 0xff
    await writeFile(file, bytes)
    const store = await open(directory)
    expect(await reason(store.events("c"))).toMatch(/offset/)
    expect(await reason(store.append("c", [utf8("more")]))).toMatch(/offset/)
    // Other communities still work.
    await run(store.append("other", [utf8("fine")]))
    expect(text(await run(store.events("other")))).toEqual(["fine"])
    await run(store.close())
    expect((await stat(file)).size).toBe(size)
  })

  it("refuses a damaged frame header followed by valid batches", async () => {
    const { directory, file, frames } = await logWith(5)
    const bytes = await readFile(file)
    bytes[frames[1]! + 9]! ^= 0x40
    await writeFile(file, bytes)
    const store = await open(directory)
    expect(await reason(store.events("c"))).toMatch(/offset/)
    await run(store.close())
  })

  it("refuses an unknown format version", async () => {
    const { directory, file } = await logWith(2)
    const bytes = await readFile(file)
    bytes.writeUInt32LE(9, 8)
    await writeFile(file, bytes)
    const store = await open(directory)
    expect(await reason(store.events("c"))).toMatch(/version 9/)
    await run(store.close())
  })

  it("removes values left half-written and keeps the old value", async () => {
    const directory = freshDirectory()
    const store = await open(directory)
    await run(store.set("c", "k", utf8("old")))
    await run(store.close())
    await writeFile(path.join(directory, "c-c", "t-k.999.0"), "half")
    const again = await open(directory)
    expect(text([(await run(again.get("c", "k")))!])).toEqual(["old"])
    await run(again.set("c", "other", utf8("new")))
    expect((await readdir(path.join(directory, "c-c"))).sort()).toEqual(["v-k", "v-other"])
    await run(again.close())
  })
})

describe("storage-fs make and layer", () => {
  it("fails with a StorageError when the directory is a file", async () => {
    const file = path.join(root, "a-file")
    await writeFile(file, "x")
    expect(await reason(StorageFs.make({ directory: file }))).toMatch(/a-file/)
  })

  it("creates missing parent directories", async () => {
    const directory = path.join(freshDirectory(), "deeper", "still")
    const store = await open(directory)
    await run(store.append("c", [utf8("x")]))
    await run(store.close())
    expect(await eventsAfterReopen(directory)).toEqual(["x"])
  })

  it("provides Storage through a layer and closes the store with it", async () => {
    const directory = freshDirectory()
    const program = Effect.gen(function* () {
      const store = yield* Storage.Storage
      yield* store.append("c", [utf8("via layer")])
      return store
    })
    const store = await Effect.runPromise(Effect.provide(program, StorageFs.layer({ directory })))
    expect(store.name).toBe("fs")
    expect(await reason(store.events("c"))).toMatch(/closed/)
    expect(await eventsAfterReopen(directory)).toEqual(["via layer"])
    const layer: Layer.Layer<Storage.Storage, Storage.StorageError> = StorageFs.layer({ directory })
    expect(Layer.isLayer(layer)).toBe(true)
  })
})
