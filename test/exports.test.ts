import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")

interface Entry {
  readonly types: string
  readonly import: string
}

const packages = readdirSync(join(root, "packages")).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as {
    name: string
    exports: Record<string, Entry | string>
  }
  return { dir: join(root, "packages", dir), manifest }
})

/**
 * Every public entry point, imported from the built output (not from source), the way a
 * user's bundler or Node would load it. The build runs first when its output is missing
 * (CI builds right before the tests).
 */
describe("built entry points", () => {
  beforeAll(() => {
    const missing = packages.some(({ dir, manifest }) =>
      Object.values(manifest.exports).some((e) => typeof e !== "string" && !existsSync(join(dir, e.import)))
    )
    if (missing) execFileSync("npx", ["-y", "pnpm@10", "build"], { cwd: root, stdio: "ignore" })
  }, 300_000)

  for (const { dir, manifest } of packages) {
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      if (typeof entry === "string") continue
      it(`${manifest.name}${subpath.slice(1)}`, async () => {
        expect(existsSync(join(dir, entry.types)), entry.types).toBe(true)
        const loaded = (await import(pathToFileURL(join(dir, entry.import)).href)) as Record<string, unknown>
        expect(Object.keys(loaded).length).toBeGreaterThan(0)
      })
    }
  }
})
