/**
 * The child process of the `Storage` crash test ({@link runStorageCrashTest}): opens a
 * store, then appends batches (and sets a value now and then) until it is killed, printing
 * each acknowledged operation on its own line (`ready`, `a <batch>`, `v <batch>`).
 *
 * ```text
 * node --conditions=@affinity/source StorageCrashChild.ts <module> <export> <place> <sequential|concurrent> <first batch>
 * ```
 *
 * `<module>` (a `file:` URL or an absolute path) exports, under `<export>`, a function that
 * opens the store at `<place>`: `(place: string) => Effect<StorageShape, StorageError>`.
 * In "sequential" mode it appends one batch at a time; in "concurrent" mode four at a time,
 * so that several wait for the same write.
 *
 * @module
 */
import { pathToFileURL } from "node:url"
import { Effect } from "effect"
import type { StorageError, StorageShape } from "../Storage.ts"
import { batchRecords, valueBytes } from "./StorageCrashData.ts"

const [from, name, place, mode, firstArg] = process.argv.slice(2)
if (from === undefined || name === undefined || place === undefined || (mode !== "sequential" && mode !== "concurrent")) {
  throw new Error("usage: StorageCrashChild.ts <module> <export> <place> <sequential|concurrent> <first batch>")
}
const first = Number(firstArg ?? "0")

const say = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

const exports = (await import(from.startsWith("file:") ? from : pathToFileURL(from).href)) as Record<string, unknown>
const open = exports[name]
if (typeof open !== "function") throw new Error(`${from} exports no function ${name}`)

const program = Effect.gen(function* () {
  const store = yield* (open as (place: string) => Effect.Effect<StorageShape, StorageError>)(place)
  say("ready")
  for (let i = first; ; i += mode === "concurrent" ? 4 : 1) {
    if (mode === "sequential") {
      yield* store.append("crash", batchRecords(i))
      say(`a ${i}`)
    } else {
      yield* Effect.all(
        [0, 1, 2, 3].map((k) => Effect.tap(store.append("crash", batchRecords(i + k)), () => Effect.sync(() => say(`a ${i + k}`)))),
        { concurrency: "unbounded", discard: true }
      )
    }
    if (i % 5 === 0) {
      yield* store.set("crash", "head", valueBytes(i))
      say(`v ${i}`)
    }
  }
})

Effect.runPromise(program).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`)
  process.exit(1)
})
