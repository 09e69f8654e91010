import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { run } from "../src/demo.ts"

it("the demo creates a community on disk, reopens it and finds the same state", async () => {
  const directory = await mkdtemp(join(tmpdir(), "affinity-demo-test-"))
  const lines: Array<string> = []
  try {
    const result = await run(directory, (l) => lines.push(l))
    expect(result.hashAfter).toBe(result.hashBefore)
    expect(result.events).toBe(10)
    expect(result.members).toHaveLength(3)
    const text = lines.join("\n")
    expect(text).toContain("rejected: NeedsDecision")
    expect(text).toContain("rejected: DeviceRevoked")
    expect(text).toContain("Same state after the restart.")
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
})
