import { expect, it } from "vitest"
import { runSync } from "../src/sync.ts"

it("three members syncing through a relay converge to the same state, and the relay keeps the community they introduce", async () => {
  const lines: Array<string> = []
  const result = await runSync((l) => lines.push(l))
  expect(new Set(result.hashes).size).toBe(1)
  expect(result.events).toEqual([16, 16, 16])
  expect(result.standing).toBe("introduced")
  expect(lines.join("\n")).toContain("the same state")
})
