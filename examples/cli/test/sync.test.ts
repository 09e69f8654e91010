import { expect, it } from "vitest"
import { runSync } from "../src/sync.ts"

it("three members syncing through a relay converge to the same state, and the relay keeps the community they introduce", async () => {
  const lines: Array<string> = []
  const result = await runSync((l) => lines.push(l))
  expect(new Set(result.hashes).size).toBe(1)
  expect(result.events).toEqual([19, 19, 19])
  expect(result.standing).toBe("introduced")
  const text = lines.join("\n")
  expect(text).toContain("the same state")
  // Every replica shows everyone by the name they published on their own device.
  expect(text.match(/members: Ada, Bo and Cy/g)).toHaveLength(3)
  expect(text).not.toMatch(/[0-9a-f]{12,}/)
})
