import { createRequire } from "node:module"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Core from "@affinity/core"
import * as Entry from "@affinity/core/module"

/** esbuild's API, reached through tsup (the build tool that depends on it). */
interface Esbuild {
  readonly build: (options: Record<string, unknown>) => Promise<{ readonly metafile: { readonly inputs: Record<string, unknown> } }>
}
const require = createRequire(import.meta.url)
const esbuild = createRequire(require.resolve("tsup"))("esbuild") as Esbuild

const packages = join(import.meta.dirname, "..", "..")

/** The files a browser bundle of `entry` reads, by path. */
const inputs = async (entry: string): Promise<ReadonlyArray<string>> => {
  const result = await esbuild.build({
    entryPoints: [join(packages, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "browser",
    target: "es2023",
    conditions: ["@affinity/source"],
    logLevel: "silent"
  })
  return Object.keys(result.metafile.inputs)
}

const fromEffect = (files: ReadonlyArray<string>) => files.filter((f) => /(^|[/\\])node_modules[/\\](\.pnpm[/\\]effect@[^/\\]+[/\\]node_modules[/\\])?effect[/\\]/.test(f))

describe("@affinity/core/module: the module contract without effect", () => {
  it("gives the same objects as the root entry", () => {
    for (const name of ["Body", "Bytes", "Cbor", "EventBodies", "Hash", "Module", "Names", "Query", "Signature", "Standing"] as const) expect(Entry[name], name).toBe(Core[name])
  })

  it("a bundle of the root entry holds effect (so the check below can see it)", async () => {
    expect(fromEffect(await inputs("core/src/index.ts")).length).toBeGreaterThan(0)
  })

  it("a bundle of the module entry holds no effect module", async () => {
    const files = await inputs("core/src/module/index.ts")
    expect(files.some((f) => f.endsWith("Module.ts"))).toBe(true)
    expect(fromEffect(files)).toEqual([])
  })

  it("neither does a bundle of governance's machine entry, nor of any module package", async () => {
    const entries = ["governance/src/module.ts", ...["administration", "economy", "expression", "justice", "defense"].map((m) => `${m}/src/index.ts`)]
    for (const entry of entries) {
      const files = await inputs(entry)
      expect(files.some((f) => f.includes(join("core", "src", "Module.ts"))), entry).toBe(true)
      expect(fromEffect(files), entry).toEqual([])
    }
  })
})
