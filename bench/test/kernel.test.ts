import { expect, it } from "vitest"
import { measureKernel } from "../src/kernel.ts"

it("folds one history with standing and queries off and on, and reports both and their ratio", async () => {
  const notes: Array<string> = []
  const { rows, plain, gated } = await measureKernel({ events: 120, members: 12, restrictions: 30, runs: 1, progress: (line) => notes.push(line) })
  expect(rows.map((r) => [r.section, r.name])).toEqual([
    ["kernel", "Kernel: fold without standing or queries (120 member acts, 12 members)"],
    ["kernel", "Kernel: fold with standing and a query per act (120 member acts, 12 members)"],
    ["kernel", "Kernel: standing and queries beside the plain fold"]
  ])
  expect(rows[0]!.result).toMatch(/^\d+\.\d\d µs\/event$/)
  expect(rows[1]!.result).toMatch(/^\d+\.\d\d µs\/event$/)
  expect(rows[2]!.result).toMatch(/^\d+\.\d\d× the plain fold$/)
  expect(rows[1]!.detail).toContain("30 restrictions in force")
  expect(plain).toBeGreaterThan(0)
  expect(gated).toBeGreaterThan(0)
  expect(notes).toEqual(["kernel: signing 120 member acts by 12 members…"])
})

it("refuses sizes it cannot measure", async () => {
  await expect(measureKernel({ members: 2 })).rejects.toThrow(/at least 3 members/)
})
