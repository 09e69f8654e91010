import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import "fake-indexeddb/auto"
import { afterAll, describe, expect, it, vi } from "vitest"

const root = join(import.meta.dirname, "..")
const out = join(root, "test", ".snippets")

/** Markdown files whose ```ts blocks are examples that must run. */
const documents = async (): Promise<Array<string>> => {
  const files = [join(root, "README.md")]
  for (const dir of ["docs", "packages", "examples"]) {
    const walk = async (d: string): Promise<void> => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name === "api" || entry.name.startsWith(".")) continue
        const p = join(d, entry.name)
        if (entry.isDirectory()) await walk(p)
        else if (entry.name.endsWith(".md") || (p.includes("/src/") && entry.name.endsWith(".ts"))) files.push(p)
      }
    }
    await walk(join(root, dir))
  }
  return files
}

/** ```ts blocks of Markdown, or of TypeDoc comments (whose lines start with " * "). */
const snippets = (text: string): Array<string> =>
  [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n")
  )

describe("documentation examples run", async () => {
  await mkdir(out, { recursive: true })
  afterAll(() => rm(out, { recursive: true, force: true }))
  for (const file of await documents()) {
    // A snippet that declares a test suite is a test file of its own (the storage adapters'
    // test files make exactly those calls), so it cannot run inside this one.
    const blocks = snippets(await readFile(file, "utf8")).filter((code) => !/from "vitest"|runStorageContract\(|runStorageCrashTest\(/.test(code))
    blocks.forEach((code, n) => {
      const name = `${relative(root, file)} #${n + 1}`
      it(name, async () => {
        const path = join(out, `${relative(root, file).replaceAll(/[^a-zA-Z0-9]/g, "_")}_${n + 1}.ts`)
        await writeFile(path, code)
        const log = vi.spyOn(console, "log").mockImplementation(() => {})
        try {
          await import(path)
          for (const call of log.mock.calls) expect(String(call[0])).not.toMatch(/^false$/)
        } finally {
          log.mockRestore()
        }
      })
    })
  }
})
