/**
 * Bundle sizes: `@affinity/core` and each module package bundled for the browser with
 * everything it imports (effect, noble, cborg), minified and tree-shaken, then gzipped.
 *
 * @module
 */
import * as esbuild from "esbuild"
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { count, type Row, size } from "./report.ts"

/** One package to bundle. */
export interface Entry {
  /** Package name, e.g. `@affinity/core`. */
  readonly name: string
  /** Absolute path of its `src/index.ts`. */
  readonly file: string
}

/** The community modules, each a package under `packages/`. */
export const MODULES: ReadonlyArray<string> = ["governance", "administration", "economy", "expression", "justice", "defense"]

/** `@affinity/core`, then each module package of {@link MODULES} that is present. */
export const entries = (root: string): ReadonlyArray<Entry> => {
  const packages = path.join(root, "packages")
  const out: Array<Entry> = [{ name: "@affinity/core", file: path.join(packages, "core", "src", "index.ts") }]
  for (const dir of MODULES) {
    const file = path.join(packages, dir, "src", "index.ts")
    const manifest = path.join(packages, dir, "package.json")
    if (!existsSync(file) || !existsSync(manifest)) continue
    const name: unknown = (JSON.parse(readFileSync(manifest, "utf8")) as { readonly name?: unknown }).name
    out.push({ name: typeof name === "string" ? name : `@affinity/${dir}`, file })
  }
  return out
}

/** Sizes of one bundle, in bytes. */
export interface Size {
  readonly minified: number
  readonly gzip: number
}

/** Minified and gzipped size of a browser bundle of the files (each re-exported as a namespace). */
export const bundle = async (root: string, files: ReadonlyArray<string>): Promise<Size> => {
  const source = files.map((file, n) => `export * as m${n} from ${JSON.stringify(file)}`).join("\n")
  const result = await esbuild.build({
    absWorkingDir: root,
    stdin: { contents: source, resolveDir: root, sourcefile: "bench-entry.js", loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2023",
    minify: true,
    treeShaking: true,
    conditions: ["@affinity/source"],
    write: false,
    logLevel: "silent"
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`bench: esbuild wrote nothing for ${files.join(", ")}`)
  return { minified: output.contents.length, gzip: zlib.gzipSync(output.contents, { level: 9 }).length }
}

/**
 * One row per package; for a module, also what it adds to a bundle that already holds core.
 * A package that does not build gets a row that says so.
 */
export const measureBundles = async (root: string): Promise<ReadonlyArray<Row>> => {
  const rows: Array<Row> = []
  const all = entries(root)
  const core = all[0]!
  let coreSize: Size | undefined
  for (const entry of all) {
    try {
      const own = await bundle(root, [entry.file])
      if (entry === core) coreSize = own
      const beside = entry === core || coreSize === undefined ? undefined : await bundle(root, [core.file, entry.file])
      const extra =
        beside === undefined || coreSize === undefined
          ? ""
          : `; beside core: +${count(beside.minified - coreSize.minified)} B minified, +${count(beside.gzip - coreSize.gzip)} B gzip`
      rows.push({
        section: "bundle",
        name: `Bundle: ${entry.name}`,
        result: `${count(own.minified)} B min / ${count(own.gzip)} B gzip`,
        detail: `${size(own.minified)} minified, ${size(own.gzip)} gzip${extra}`
      })
    } catch (cause) {
      const message = cause instanceof Error ? cause.message.split("\n")[0] ?? "" : String(cause)
      rows.push({ section: "bundle", name: `Bundle: ${entry.name}`, result: "does not build", detail: message })
    }
  }
  return rows
}
