import { existsSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, packages } from "./support/build.ts"

/**
 * Every public entry point, imported from the built output (not from source), the way a
 * user's bundler or Node would load it. The build runs first when its output is missing or
 * stale (CI builds right before the tests).
 */
describe("built entry points", () => {
  beforeAll(() => ensureBuilt(), 600_000)

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
