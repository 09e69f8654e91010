import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Names } from "@affinity/core"
import { expect, it } from "vitest"
import { run } from "../src/demo.ts"

it("the demo creates a community on disk, reopens it and finds the same state", async () => {
  const directory = await mkdtemp(join(tmpdir(), "affinity-demo-test-"))
  const lines: Array<string> = []
  try {
    const result = await run(directory, (l) => lines.push(l))
    expect(result.hashAfter).toBe(result.hashBefore)
    expect(result.events).toBe(14)
    expect(result.members).toHaveLength(3)
    const text = lines.join("\n")
    expect(text).toContain("rejected: NeedsDecision")
    expect(text).toContain("rejected: DeviceRevoked")
    expect(text).toContain("Same state after the restart.")
    // People are shown by the names they published, the state by words; never by hex.
    expect(text).toMatch(/\n {3}Ada \(she\/her\) +full/)
    expect(text).toMatch(/\n {3}Dee +applicant/)
    expect(text).toContain("The names came back from disk too: Ada, Bo, Cy.")
    expect(text).toContain(`the state reads ${Names.longLabel(result.hashBefore)}`)
    expect(text).not.toMatch(/[0-9a-f]{12,}/)
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
})
