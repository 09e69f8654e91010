import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { format } from "node:util"
import { afterAll, describe, expect, it, vi } from "vitest"

const src = join(import.meta.dirname, "..", "src")
const out = join(import.meta.dirname, ".snippets")

/** The ```ts blocks of a file's doc comments, their comment stars removed. */
const snippets = (text: string): Array<string> =>
  [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n")
  )

/** What each `console.log(…) // expected` line of a snippet says it prints, in order. */
const expectations = (code: string): Array<string> =>
  code
    .split("\n")
    .filter((l) => l.trimStart().startsWith("console.log("))
    .map((l) => (l.match(/\/\/ (.*)$/)?.[1] ?? "").trim())

const plain = (s: string): string => s.replaceAll("'", '"')

describe("the justice package's doc examples print what they say", async () => {
  await mkdir(out, { recursive: true })
  afterAll(() => rm(out, { recursive: true, force: true }))
  for (const file of (await readdir(src)).filter((f) => f.endsWith(".ts")).sort()) {
    snippets(await readFile(join(src, file), "utf8")).forEach((code, n) => {
      it(`${file} #${n + 1}`, async () => {
        const path = join(out, `${file.replace(".ts", "")}_${n + 1}.ts`)
        await writeFile(path, code)
        const log = vi.spyOn(console, "log").mockImplementation(() => {})
        try {
          await import(path)
          const printed = log.mock.calls.map((args) => plain(format(...args)))
          const wanted = expectations(code)
          expect(printed.length).toBe(wanted.length)
          wanted.forEach((w, i) => {
            // An expectation may add words after a colon ("true: an excess key"); the value comes first.
            expect(plain(w) === printed[i] || plain(w).startsWith(`${printed[i]}:`), `${printed[i]} vs ${w}`).toBe(true)
          })
        } finally {
          log.mockRestore()
        }
      })
    })
  }
})
