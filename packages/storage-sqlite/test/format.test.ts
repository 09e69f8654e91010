import { Storage } from "@affinity/core"
import { Effect, Layer } from "effect"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { afterAll, describe, expect, it } from "vitest"
import * as StorageSqlite from "../src/index.ts"

const root = await mkdtemp(path.join(tmpdir(), "affinity-storage-sqlite-format-"))
afterAll(() => rm(root, { recursive: true, force: true }))

let count = 0
const freshFile = (): string => path.join(root, `d-${count++}`, "store.db")

const run = <A>(effect: Effect.Effect<A, Storage.StorageError>): Promise<A> => Effect.runPromise(effect)
const open = (file: string): Promise<Storage.StorageShape> => run(StorageSqlite.make({ file }))

const reason = async <A>(effect: Effect.Effect<A, Storage.StorageError>): Promise<string> => {
  const error = await Effect.runPromise(Effect.flip(effect))
  expect(error._tag).toBe("StorageError")
  return error.reason
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (records: ReadonlyArray<Uint8Array>): Array<string> => records.map((r) => new TextDecoder().decode(r))

/** Runs `f` on the file through a connection of its own, outside the store. */
const raw = <A>(file: string, f: (db: DatabaseSync) => A): A => {
  const db = new DatabaseSync(file)
  try {
    return f(db)
  } finally {
    db.close()
  }
}

describe("storage-sqlite file format", () => {
  it("writes the documented tables, marks and batch bodies", async () => {
    const file = freshFile()
    const store = await open(file)
    await run(store.append("club", [new Uint8Array([1, 2, 3]), new Uint8Array(0)]))
    await run(store.append("club", [utf8("x")]))
    await run(store.set("club", "head", utf8("v")))
    await run(store.close())
    raw(file, (db) => {
      expect(db.prepare("PRAGMA application_id").get()).toEqual({ application_id: 0x41464e54 })
      expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 1 })
      expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" })
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r["name"])
      expect(tables).toEqual(["batches", "communities", "stored_values"])
      expect(db.prepare("SELECT name FROM communities").all().map((r) => r["name"])).toEqual(["club"])
      const batches = db.prepare("SELECT seq, community, count, body FROM batches ORDER BY seq").all()
      expect(batches.map((b) => [b["community"], b["count"]])).toEqual([["club", 2], ["club", 1]])
      expect([...(batches[0]!["body"] as Uint8Array)]).toEqual([3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0])
      expect([...(batches[1]!["body"] as Uint8Array)]).toEqual([1, 0, 0, 0, 120])
      const values = db.prepare("SELECT community, key, value FROM stored_values").all()
      expect(values.map((v) => [v["community"], v["key"], text([v["value"] as Uint8Array])[0]])).toEqual([["club", "head", "v"]])
    })
  })

  it("creates missing parent directories", async () => {
    const file = path.join(root, "deep", "er", "still", "store.db")
    const store = await open(file)
    await run(store.append("c", [utf8("x")]))
    await run(store.close())
    const again = await open(file)
    expect(text(await run(again.events("c")))).toEqual(["x"])
    await run(again.close())
  })

  it("refuses another SQLite database and leaves it as it is", async () => {
    const file = freshFile()
    await open(file).then((s) => run(s.close()))
    const other = path.join(path.dirname(file), "other.db")
    raw(other, (db) => db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')"))
    expect(await reason(StorageSqlite.make({ file: other }))).toMatch(/not an Affinity store/)
    expect(raw(other, (db) => db.prepare("SELECT body FROM notes").all())).toEqual([{ body: "keep me" }])
    raw(other, (db) => db.exec("PRAGMA application_id = 7"))
    expect(await reason(StorageSqlite.make({ file: other }))).toMatch(/application id 7/)
  })

  it("refuses an unknown format version", async () => {
    const file = freshFile()
    await open(file).then((s) => run(s.close()))
    raw(file, (db) => db.exec("PRAGMA user_version = 9"))
    expect(await reason(StorageSqlite.make({ file }))).toMatch(/format version 9/)
  })

  it("refuses a file that is not a database, and a directory", async () => {
    const file = freshFile()
    await open(file).then((s) => run(s.close()))
    const notes = path.join(path.dirname(file), "notes.txt")
    await writeFile(notes, "these are not the pages of a database, ".repeat(200))
    expect(await reason(StorageSqlite.make({ file: notes }))).toMatch(/notes\.txt.*not a database/)
    expect(await readFile(notes, "utf8")).toMatch(/^these are not/)
    expect(await reason(StorageSqlite.make({ file: path.dirname(file) }))).toMatch(/unable to open/)
  })

  it("reports a damaged batch by its number, and keeps serving other communities", async () => {
    const file = freshFile()
    const store = await open(file)
    await run(store.append("c", [utf8("one"), utf8("two")]))
    await run(store.append("c", [utf8("three")]))
    await run(store.close())
    raw(file, (db) => db.exec("UPDATE batches SET count = 3 WHERE seq = 1"))
    const again = await open(file)
    expect(await reason(again.events("c"))).toMatch(/batch 1 of community c is damaged/)
    await run(again.append("d", [utf8("fine")]))
    expect(text(await run(again.events("d")))).toEqual(["fine"])
    await run(again.close())
  })

  it("fails a write that the database refuses alone, not the others of its commit", async () => {
    const file = freshFile()
    await open(file).then((s) => run(s.close()))
    // A batch of exactly seven records is refused by the database itself.
    raw(file, (db) =>
      db.exec("CREATE TRIGGER refuse_seven BEFORE INSERT ON batches WHEN NEW.count = 7 BEGIN SELECT RAISE(ABORT, 'seven is refused'); END")
    )
    const store = await open(file)
    const batch = (n: number, tag: string) => Array.from({ length: n }, (_, i) => utf8(`${tag}${i}`))
    const outcomes = await Promise.all(
      [batch(1, "a"), batch(7, "b"), batch(2, "c")].map((records) =>
        Effect.runPromise(Effect.match(store.append("c", records), { onFailure: (e) => e.reason, onSuccess: () => "ok" }))
      )
    )
    expect(outcomes[0]).toBe("ok")
    expect(outcomes[1]).toMatch(/store\.db: seven is refused/)
    expect(outcomes[2]).toBe("ok")
    expect(text(await run(store.events("c")))).toEqual(["a0", "c0", "c1"])
    await run(store.close())
  })

  it("shares a file between two open stores", async () => {
    const file = freshFile()
    const one = await open(file)
    const two = await open(file)
    await run(one.append("c", [utf8("from one")]))
    await run(two.append("c", [utf8("from two")]))
    await Promise.all([run(one.append("c", [utf8("a")])), run(two.append("d", [utf8("b")]))])
    expect(text(await run(one.events("c")))).toEqual(["from one", "from two", "a"])
    expect(await run(one.communities())).toEqual(["c", "d"])
    await run(one.close())
    await run(two.close())
  })

  it("provides Storage through a layer and closes the store with it", async () => {
    const file = freshFile()
    const program = Effect.gen(function* () {
      const store = yield* Storage.Storage
      yield* store.append("c", [utf8("via layer")])
      return store
    })
    const store = await Effect.runPromise(Effect.provide(program, StorageSqlite.layer({ file })))
    expect(store.name).toBe("sqlite")
    expect(await reason(store.events("c"))).toMatch(/closed/)
    const again = await open(file)
    expect(text(await run(again.events("c")))).toEqual(["via layer"])
    await run(again.close())
    const layer: Layer.Layer<Storage.Storage, Storage.StorageError> = StorageSqlite.layer({ file })
    expect(Layer.isLayer(layer)).toBe(true)
  })
})
