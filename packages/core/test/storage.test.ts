import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Storage } from "@affinity/core"
import { runStorageContract } from "@affinity/core/testing"

runStorageContract("memory", () => Storage.makeMemory())

describe("Storage.layerMemory", () => {
  it("provides a fresh memory store and closes it with the layer", async () => {
    const program = Effect.gen(function* () {
      const store = yield* Storage.Storage
      yield* store.append("c", [new Uint8Array([1, 2])])
      return { name: store.name, events: yield* store.events("c") }
    })
    const result = await Effect.runPromise(Effect.provide(program, Storage.layerMemory))
    expect(result.name).toBe("memory")
    expect(result.events).toEqual([new Uint8Array([1, 2])])
    const again = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const store = yield* Storage.Storage
          return yield* store.events("c")
        }),
        Layer.fresh(Storage.layerMemory)
      )
    )
    expect(again).toEqual([])
  })
})

describe("Storage.checkName", () => {
  it("accepts the alphabet and refuses the rest", async () => {
    expect(Storage.isSafeName("a.b-c_9")).toBe(true)
    expect(Storage.isSafeName("A")).toBe(false)
    await Effect.runPromise(Storage.checkName("key", "ok"))
    const error = await Effect.runPromise(Effect.flip(Storage.checkName("key", "not/ok")))
    expect(error._tag).toBe("StorageError")
  })
})
