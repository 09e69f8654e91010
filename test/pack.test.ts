import { execFile, execFileSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join, relative, sep } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensureBuilt, type Manifest, packages, root } from "./support/build.ts"

/**
 * The packages as a user gets them, outside the workspace.
 *
 * Every package under `packages/` is packed the way a release packs it, with
 * `pnpm -r pack` (which turns `workspace:` ranges into the packages' versions; `npm pack`
 * would leave them, and npm cannot install them). The tarballs are installed with plain
 * `npm install` into an empty project in a temporary directory, and a consumer
 * (`test/consumer`) is type-checked with `skipLibCheck: false`: every public entry point
 * (each package's exports map), the TypeScript examples of the READMEs, `docs/` and the
 * TypeDoc comments of `packages/` (those that import only published packages, `effect`,
 * `valibot`, `vitest`, `fast-check` and Node's modules), and a small program using several packages
 * together. The consumer then runs on the machine's Node (Node 20 in CI) and on the
 * project's Node 24 (`pnpm exec node`), loading every entry point and running the program.
 *
 * A package whose `engines` ask for a newer Node than the one running is not loaded there:
 * `@affinity/storage-sqlite`, `@affinity/cli` and `@affinity/bridge` need `node:sqlite`
 * (Node 22.13), so they run on Node 24 only. The program syncs over WebSocket only where
 * the platform has a global `WebSocket` client (Node 22 and later).
 *
 * The build output is reused when it is fresh (CI builds right before the tests) and built
 * first when it is missing or stale; it is packed once and installed once.
 */

const exec = promisify(execFile)

/** The environment of a user's shell: without the variables pnpm and npm set for scripts, and without any `node_modules/.bin` on the PATH. */
const userEnv = (): NodeJS.ProcessEnv => {
  const keep = /^npm_config_(registry|cache|cafile|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl)$/i
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) && !keep.test(key)) continue
    if (key === "NODE_PATH" || key === "NODE" || key === "INIT_CWD") continue
    env[key] = value
  }
  env["PATH"] = (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.split(sep).includes("node_modules"))
    .join(delimiter)
  return env
}

/** Run a command; on failure, throw with what it printed. */
const run = async (command: string, args: ReadonlyArray<string>, options: { cwd: string; env?: NodeJS.ProcessEnv }) => {
  try {
    return await exec(command, [...args], { ...options, maxBuffer: 64 * 1024 * 1024 })
  } catch (cause) {
    const { stdout = "", stderr = "" } = cause as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout.slice(-6000)}\n${stderr.slice(-6000)}`)
  }
}

/** A Node executable and its version (`v20.20.2`). */
const nodeAt = (path: string, env: NodeJS.ProcessEnv) => ({ path, version: execFileSync(path, ["--version"], { env, encoding: "utf8" }).trim() })

/** Whether `version` (`v20.20.2`) meets `range`; only `>=X.Y.Z` ranges (and prefixes of them) are used here. */
const meets = (range: string | undefined, version: string): boolean => {
  if (range === undefined) return true
  const parse = (v: string) => v.split(".").map(Number)
  const m = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())
  if (!m) throw new Error(`engines range ${range} is not of the form >=X.Y.Z`)
  const want = parse(m[1]!)
  const have = parse(version.replace(/^v/, ""))
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0
    const b = want[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

/** Every public entry point (`name` or `name/subpath`) of a package. */
const entryPoints = (manifest: Manifest): ReadonlyArray<string> =>
  Object.entries(manifest.exports)
    .filter(([, entry]) => typeof entry !== "string")
    .map(([subpath]) => `${manifest.name}${subpath.slice(1)}`)

/** TypeScript examples of the published documentation: ```ts blocks of Markdown and of TypeDoc comments. */
const examples = (): ReadonlyArray<{ readonly source: string; readonly code: string }> => {
  const files = [join(root, "README.md"), join(root, "conformance", "README.md")]
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", "dist", "api", "test"].includes(entry.name) || entry.name.startsWith(".")) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith(".md") || (path.includes(`${sep}src${sep}`) && entry.name.endsWith(".ts"))) files.push(path)
    }
  }
  walk(join(root, "docs"))
  walk(join(root, "packages"))
  const published = new Set(packages.map((p) => p.manifest.name))
  const importable = (specifier: string) =>
    specifier.startsWith("node:") ||
    ["effect", "valibot", "vitest", "fast-check"].some((name) => specifier === name || specifier.startsWith(`${name}/`)) ||
    published.has(specifier.split("/").slice(0, 2).join("/"))
  return files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].flatMap((m, n) => {
      const code = m[1]!
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, ""))
        .join("\n")
      const specifiers = [...code.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((s) => s[1]!)
      return specifiers.every(importable) ? [{ source: `${relative(root, file)}, example ${n + 1}`, code }] : []
    })
  )
}

/** Every copy of the package `name` installed under a `node_modules` directory, at any depth. */
const copiesOf = (name: string, dir: string): Array<string> => {
  const found: Array<string> = []
  if (!existsSync(dir)) return found
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === ".bin") continue
    const path = join(dir, entry.name)
    if (entry.name.startsWith("@")) {
      for (const scoped of readdirSync(path, { withFileTypes: true }))
        if (scoped.isDirectory()) found.push(...copiesOf(name, join(path, scoped.name, "node_modules")))
      continue
    }
    if (entry.name === name) found.push(path)
    found.push(...copiesOf(name, join(path, "node_modules")))
  }
  return found
}

describe("packed packages installed with npm outside the workspace", () => {
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest
  const core = packages.find((p) => p.manifest.name === "@affinity/core")!.manifest
  let work = ""
  let consumer = ""
  const env = userEnv()
  /** The machine's Node: the first on the PATH outside node_modules (Node 20 in CI). */
  const machine = nodeAt(execFileSync("node", ["-p", "process.execPath"], { env, encoding: "utf8" }).trim(), env)
  /** The project's Node 24: the root's `node` devDependency, as `pnpm exec` finds it. */
  const project = nodeAt(execFileSync("npx", ["-y", "pnpm@10", "exec", "node", "-p", "process.execPath"], { cwd: root, env, encoding: "utf8" }).trim(), env)
  let tsc: { readonly code: number; readonly output: string }
  let exampleCount = 0

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "affinity-pack-"))
    const tarballs = join(work, "tarballs")
    consumer = join(work, "consumer")
    await ensureBuilt()
    await run("npx", ["-y", "pnpm@10", "-r", "--filter", "./packages/**", "pack", "--pack-destination", tarballs], { cwd: root })

    mkdirSync(join(consumer, "src", "docs"), { recursive: true })
    const files = readdirSync(tarballs)
    const dependencies: Record<string, string> = {
      // What the examples import besides the packages, at the versions the workspace tests with.
      effect: core.devDependencies!["effect"]!,
      valibot: core.dependencies!["valibot"]!
    }
    for (const { manifest } of packages) {
      const file = files.find((f) => f === `${manifest.name.slice(1).replace("/", "-")}-${manifest.version}.tgz`)
      if (file === undefined) throw new Error(`pnpm pack made no tarball for ${manifest.name}`)
      dependencies[manifest.name] = `file:../tarballs/${file}`
    }
    writeFileSync(
      join(consumer, "package.json"),
      `${JSON.stringify(
        {
          name: "affinity-consumer",
          private: true,
          type: "module",
          dependencies,
          devDependencies: {
            "@types/node": rootManifest.devDependencies!["@types/node"],
            vitest: rootManifest.devDependencies!["vitest"],
            "fast-check": rootManifest.devDependencies!["fast-check"]
          }
        },
        null,
        2
      )}\n`
    )
    cpSync(join(root, "test", "consumer", "tsconfig.json"), join(consumer, "tsconfig.json"))
    for (const name of ["main.ts", "program.ts"]) cpSync(join(root, "test", "consumer", name), join(consumer, "src", name))
    const points = packages.flatMap((p) => entryPoints(p.manifest))
    writeFileSync(
      join(consumer, "src", "entries.ts"),
      [
        "/** Every public entry point of the installed packages. */",
        "export const entries: Readonly<Record<string, () => Promise<object>>> = {",
        ...points.map((point) => `  ${JSON.stringify(point)}: () => import(${JSON.stringify(point)}),`),
        "}",
        ""
      ].join("\n")
    )
    const docs = examples()
    exampleCount = docs.length
    docs.forEach(({ source, code }, n) => writeFileSync(join(consumer, "src", "docs", `example-${n + 1}.ts`), `// ${source}\n${code}`))

    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: consumer, env })

    try {
      const { stdout } = await exec(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", consumer, "--pretty", "false"], {
        cwd: consumer,
        maxBuffer: 64 * 1024 * 1024
      })
      tsc = { code: 0, output: stdout }
    } catch (cause) {
      const { stdout = "", stderr = "", code = 1 } = cause as { stdout?: string; stderr?: string; code?: number }
      tsc = { code, output: `${stdout}${stderr}` }
    }
  }, 600_000)

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true })
  })

  it("installs every package, its workspace ranges turned into versions", () => {
    for (const { manifest } of packages) {
      const installed = JSON.parse(readFileSync(join(consumer, "node_modules", manifest.name, "package.json"), "utf8")) as Manifest
      expect(installed.version).toBe(manifest.version)
      expect(JSON.stringify([installed.dependencies, installed.peerDependencies])).not.toContain("workspace:")
    }
  })

  it("installs one copy of effect, shared by every package", () => {
    expect(copiesOf("effect", join(consumer, "node_modules")).map((p) => relative(consumer, p))).toEqual([join("node_modules", "effect")])
  })

  it("installs an executable file for every bin", () => {
    for (const { manifest } of packages) {
      for (const [command, file] of Object.entries(manifest.bin ?? {})) {
        const text = readFileSync(join(consumer, "node_modules", manifest.name, file), "utf8")
        expect(text.startsWith("#!/usr/bin/env node\n"), `${manifest.name} ${file} starts with #!/usr/bin/env node`).toBe(true)
        expect(existsSync(join(consumer, "node_modules", ".bin", command)), `node_modules/.bin/${command}`).toBe(true)
      }
    }
  })

  it("type-checks every entry point, the documentation's examples and a program with skipLibCheck: false", () => {
    expect(exampleCount).toBeGreaterThan(10)
    expect(tsc.output.trim(), "tsc -p consumer").toBe("")
    expect(tsc.code).toBe(0)
  })

  /** Run the consumer on the Node at `node`, loading the entry points of every package whose `engines` that Node meets, and check what it printed. */
  const runOn = async (node: { readonly path: string; readonly version: string }) => {
    const points = packages.filter((p) => meets(p.manifest.engines?.node, node.version)).flatMap((p) => entryPoints(p.manifest))
    const { stdout } = await run(node.path, [join(consumer, "out", "main.js"), ...points], { cwd: consumer, env })
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      node: string
      loaded: Record<string, number>
      result: Record<string, unknown>
    }
    expect(report.node).toBe(node.version)
    expect(Object.keys(report.loaded)).toEqual(points)
    const synced = meets(">=22", node.version) ? true : "no WebSocket"
    expect(report.result).toEqual({ applied: true, governance: true, reopened: true, copied: true, synced })
  }

  const late = packages.filter((p) => !meets(p.manifest.engines?.node, machine.version)).map((p) => p.manifest.name)
  it(`runs on the machine's Node (${machine.version})${late.length > 0 ? `, without ${late.join(", ")} (their engines need a newer Node)` : ""}`, async () => {
    await runOn(machine)
  })

  it(`runs on the project's Node (${project.version}), every package`, async () => {
    expect(project.version.split(".")[0]).toBe(`v${rootManifest.devDependencies!["node"]!.split(".")[0]}`)
    expect(packages.filter((p) => !meets(p.manifest.engines?.node, project.version))).toEqual([])
    await runOn(project)
  })
})
