/**
 * Child process of the crash test: appends batches (and sets a value now and then) to a
 * store until it is killed, printing each acknowledged operation on its own line.
 *
 * Usage: node --conditions=@affinity/source crash-child.ts <file> <sequential|concurrent> <first batch>
 *
 * In "sequential" mode it appends one batch at a time; in "concurrent" mode four at a
 * time, so that several share one commit.
 */
import { Effect } from "effect"
import * as StorageSqlite from "../src/index.ts"
import { batchRecords, valueBytes } from "./crash-data.ts"

const [file, mode, firstArg] = process.argv.slice(2)
if (file === undefined || (mode !== "sequential" && mode !== "concurrent")) {
  throw new Error("usage: crash-child.ts <file> <sequential|concurrent> <first batch>")
}
const first = Number(firstArg ?? "0")

const say = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

const program = Effect.gen(function* () {
  const store = yield* StorageSqlite.make({ file })
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
