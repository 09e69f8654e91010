import { execFile } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { promisify } from "node:util"

/** The repository's root. */
export const root = join(import.meta.dirname, "..", "..")

/** An entry of an exports map that points into the build output. */
export interface Entry {
  readonly types: string
  readonly import: string
}

/** The fields of a package's manifest these tests read. */
export interface Manifest {
  readonly name: string
  readonly version: string
  readonly exports: Readonly<Record<string, Entry | string>>
  readonly bin?: Readonly<Record<string, string>>
  readonly engines?: { readonly node?: string }
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

/** A publishable package: a directory under `packages/`. */
export interface Package {
  readonly dir: string
  readonly manifest: Manifest
}

/** Every package under `packages/`, by directory name. */
export const packages: ReadonlyArray<Package> = readdirSync(join(root, "packages"))
  .filter((name) => existsSync(join(root, "packages", name, "package.json")))
  .sort()
  .map((name) => {
    const dir = join(root, "packages", name)
    return { dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest }
  })

/** The files of a package's build output that its exports map and its `bin` name. */
export const outputs = ({ dir, manifest }: Package): ReadonlyArray<string> => [
  ...Object.values(manifest.exports).flatMap((e) => (typeof e === "string" ? [] : [e.types, e.import])),
  ...Object.values(manifest.bin ?? {})
].map((file) => join(dir, file))

const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : 0)

const newest = (path: string): number => {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

/** Whether a package's build output is missing, or older than its sources, manifest or build configuration. */
export const stale = (p: Package): boolean => {
  const files = outputs(p)
  if (files.some((file) => !existsSync(file))) return true
  const built = Math.min(...files.map(mtime))
  const sources = Math.max(newest(join(p.dir, "src")), mtime(join(p.dir, "package.json")), mtime(join(p.dir, "tsup.config.ts")))
  return sources > built
}

const lock = join(root, "node_modules", ".affinity-build.lock")

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Hold the build lock (a directory holding its owner's pid) while `f` runs; a lock whose owner died is taken over. */
const withLock = async <A>(f: () => Promise<A>): Promise<A> => {
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(join(lock, "pid"), String(process.pid))
      break
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw cause
      let owner = Number.NaN
      try {
        owner = Number(readFileSync(join(lock, "pid"), "utf8"))
      } catch {
        // The owner has made the directory and not yet written its pid.
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(lock, { recursive: true, force: true })
      else if (Date.now() > deadline) throw new Error(`${lock} has been held for 15 minutes; remove it if no build is running`)
      else await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  try {
    return await f()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * Build, with the root's `pnpm build` filtered to them, the packages whose output is missing
 * or stale; nothing when every output is fresh (CI builds right before the tests). Test
 * files that use the build output call this first; one builds at a time, and the others then
 * find the output fresh.
 */
export const ensureBuilt = (): Promise<void> =>
  withLock(async () => {
    const todo = packages.filter(stale)
    if (todo.length === 0) return
    const filters = todo.flatMap((p) => ["--filter", `./${relative(root, p.dir)}`])
    try {
      await promisify(execFile)("npx", ["-y", "pnpm@10", "-r", ...filters, "run", "build"], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
    } catch (cause) {
      const { stdout = "", stderr = "" } = cause as { stdout?: string; stderr?: string }
      throw new Error(`building ${todo.map((p) => p.manifest.name).join(", ")} failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`)
    }
  })
