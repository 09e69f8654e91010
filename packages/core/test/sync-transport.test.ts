import { describe } from "vitest"
import { runSyncTransportContract } from "../src/testing/index.ts"
import * as Sync from "../src/sync/index.ts"

describe("in-memory transport", () => {
  runSyncTransportContract("memory", () => {
    const [a, b] = Sync.Memory.pair()
    return { a, b }
  })
})
