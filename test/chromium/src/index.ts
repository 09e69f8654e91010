/**
 * `@affinity/test-chromium`: what a test needs to run code in a real browser (see README.md).
 *
 * - {@link launchChromium} starts Debian's Chromium (`/usr/bin/chromium`) headless through
 *   `playwright-core`, with a fresh temporary profile, and removes the profile on `close()`.
 * - {@link serveDirectory} serves a built directory over HTTP on 127.0.0.1 (IndexedDB and
 *   other storage need a real origin, not `file://`).
 * - {@link bundlePage} bundles one TypeScript entry with esbuild into a directory with an
 *   `index.html` that loads it, for tests that do not have a build of their own.
 * - {@link launchBrowser} starts the same Chromium as a `Browser` for tests that need several
 *   isolated contexts (two people, each with a profile of their own).
 * - {@link skipBrowserTests} is true when `AFFINITY_SKIP_BROWSER=1`.
 *
 * Playwright's own browser downloads are never used: `playwright-core` installs no browser.
 * `AFFINITY_CHROMIUM` names another Chromium executable (a machine that is not Debian). When
 * neither is there, or `AFFINITY_CHROMIUM=registry`, the Chromium that the
 * `@sparticuz/chromium` package ships inside its npm tarball is unpacked to the temporary
 * directory and used instead (Linux x64; nothing is downloaded at install).
 *
 * ```ts
 * import { launchChromium, serveDirectory, skipBrowserTests } from "@affinity/test-chromium"
 *
 * describe.skipIf(skipBrowserTests)("my page", () => {
 *   it("loads", async () => {
 *     const server = await serveDirectory("dist")
 *     const chromium = await launchChromium()
 *     try {
 *       const page = await chromium.newPage()
 *       await page.goto(server.url)
 *       expect(await page.title()).toBe("My page")
 *     } finally {
 *       await chromium.close()
 *       await server.close()
 *     }
 *   })
 * })
 * ```
 *
 * @module
 */
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { extname, join, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import { type Browser, chromium, type BrowserContext, type Page } from "playwright-core"

export type { Browser, BrowserContext, Page } from "playwright-core"

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium"

/** The command-line flags every launch passes (Playwright adds `--headless` and `--user-data-dir`). */
export const CHROMIUM_FLAGS: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync"
]

/** True when `AFFINITY_SKIP_BROWSER=1`: browser tests skip themselves (never set in CI). */
export const skipBrowserTests: boolean = process.env["AFFINITY_SKIP_BROWSER"] === "1"

/** The Chromium executable: `AFFINITY_CHROMIUM` when set, else {@link DEBIAN_CHROMIUM}. */
export const chromiumPath = (): string => process.env["AFFINITY_CHROMIUM"] || DEBIAN_CHROMIUM

/** An executable to launch, the flags it needs besides {@link CHROMIUM_FLAGS}, and its environment. */
interface Executable {
  readonly path: string
  readonly flags: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
}

/** The Chromium shipped in the `@sparticuz/chromium` npm package, unpacked on first use. */
const registryChromium = async (): Promise<Executable> => {
  const { default: packaged, inflate } = await import("@sparticuz/chromium")
  const path = await packaged.executablePath()
  // The shared libraries it needs beyond glibc (NSS, NSPR), which a machine without a browser
  // lacks: the package carries them too.
  const bin = fileURLToPath(new URL("../bin/", import.meta.resolve("@sparticuz/chromium")))
  const libraries = join(await inflate(join(bin, "al2023.tar.br")), "lib")
  const env = { ...process.env, LD_LIBRARY_PATH: [libraries, process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":") }
  // Its own flags, except the headless mode (Playwright sets it) and one process for
  // everything (several pages and contexts crash it).
  const flags = packaged.args.filter((flag) => !flag.startsWith("--headless") && flag !== "--single-process")
  return { path, flags, env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) }
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** The executable; {@link chromiumPath} when not given. */
  readonly executablePath?: string
  /** Flags passed after {@link CHROMIUM_FLAGS}. */
  readonly extraFlags?: ReadonlyArray<string>
}

/** A running headless Chromium with a temporary profile of its own. */
export interface Chromium {
  /** The browser's one context (its profile is {@link Chromium.userDataDir}). */
  readonly context: BrowserContext
  /** The temporary profile directory, removed by {@link Chromium.close}. */
  readonly userDataDir: string
  /** A new tab. */
  readonly newPage: () => Promise<Page>
  /** Stops the browser and removes the profile; calling it again does nothing. */
  readonly close: () => Promise<void>
}

/**
 * The executable to launch: the one given, `AFFINITY_CHROMIUM`, Debian's, or else the
 * registry's; an error saying how to install Chromium when none can run.
 */
const executable = async (options: LaunchOptions): Promise<Executable> => {
  const named = options.executablePath ?? process.env["AFFINITY_CHROMIUM"]
  if (named === "registry") return registryChromium()
  const path = named || DEBIAN_CHROMIUM
  if (existsSync(path)) return { path, flags: [] }
  if (named === undefined || named === "") {
    try {
      return await registryChromium()
    } catch (cause) {
      throw new Error(
        `Chromium is not installed at ${path}, and the one in @sparticuz/chromium could not be unpacked (${String(cause)}); ` +
          "the browser tests need one. On Debian or Ubuntu: `sudo apt-get install -y chromium` (.ci/run installs it in CI). " +
          "Elsewhere set AFFINITY_CHROMIUM to a Chromium or Chrome executable, or set AFFINITY_SKIP_BROWSER=1 to skip the browser tests."
      )
    }
  }
  throw new Error(
    `Chromium is not installed at ${path}; the browser tests need it. ` +
      "On Debian or Ubuntu: `sudo apt-get install -y chromium` (.ci/run installs it in CI). " +
      "Elsewhere set AFFINITY_CHROMIUM to a Chromium or Chrome executable (or `registry` for the one in @sparticuz/chromium), " +
      "or set AFFINITY_SKIP_BROWSER=1 to skip the browser tests."
  )
}

/**
 * Starts Chromium headless with {@link CHROMIUM_FLAGS} as a `Browser` whose contexts are
 * isolated from each other (each `browser.newContext()` has its own storage, in memory).
 * Rejects with a message saying how to install Chromium when the executable is missing.
 */
export const launchBrowser = async (options: LaunchOptions = {}): Promise<Browser> => {
  const { path, flags, env } = await executable(options)
  return chromium.launch({
    executablePath: path,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...flags, ...(options.extraFlags ?? [])],
    ...(env ? { env } : {})
  })
}

/**
 * Starts Chromium headless with {@link CHROMIUM_FLAGS} and a fresh temporary profile.
 * Rejects with a message saying how to install Chromium when the executable is missing.
 */
export const launchChromium = async (options: LaunchOptions = {}): Promise<Chromium> => {
  const { path, flags, env } = await executable(options)
  const userDataDir = await mkdtemp(join(tmpdir(), "affinity-chromium-"))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: path,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...flags, ...(options.extraFlags ?? [])],
      ...(env ? { env } : {})
    })
  } catch (cause) {
    await rm(userDataDir, { recursive: true, force: true })
    throw cause
  }
  let closed: Promise<void> | undefined
  return {
    context,
    userDataDir,
    newPage: () => context.newPage(),
    close: () => {
      closed ??= context.close().finally(() => rm(userDataDir, { recursive: true, force: true }))
      return closed
    }
  }
}

/** An HTTP server on 127.0.0.1 serving one directory. */
export interface StaticServer {
  /** The root's address, ending in `/`, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string
  /** Stops the server, dropping open connections. */
  readonly close: () => Promise<void>
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8"
}

/**
 * Serves the files of `directory` (a build output) on 127.0.0.1, on a free port.
 * `/` and any path ending in `/` serve that folder's `index.html`; paths outside the
 * directory and missing files answer 404. Nothing is cached.
 */
export const serveDirectory = async (directory: string): Promise<StaticServer> => {
  const root = resolve(directory)
  const server = createServer((request, response) => {
    const answer = async (): Promise<void> => {
      const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname)
      const file = resolve(root, `.${path.endsWith("/") ? `${path}index.html` : path}`)
      const inside = file === root || file.startsWith(root + sep)
      if (!inside || request.method !== "GET" || !(await stat(file).catch(() => undefined))?.isFile()) {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found")
        return
      }
      const body = await readFile(file)
      response
        .writeHead(200, {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "cache-control": "no-store"
        })
        .end(body)
    }
    answer().catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  await new Promise<void>((done, fail) => {
    server.once("error", fail)
    server.listen(0, "127.0.0.1", () => done())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}

/** Options of {@link bundlePage}. */
export interface BundleOptions {
  /** The page's script, a TypeScript or JavaScript file; everything it imports is bundled. */
  readonly entry: string
  /** The page's `<title>`; `"test page"` when not given. */
  readonly title?: string
}

/** A bundled page in a temporary directory. */
export interface BundledPage {
  /** Holds `index.html` and `page.js`; give it to {@link serveDirectory}. */
  readonly directory: string
  /** Deletes the directory. */
  readonly remove: () => Promise<void>
}

/**
 * Bundles `entry` for the browser (ES modules, workspace packages from their sources
 * through the `@affinity/source` condition) into a temporary directory with an
 * `index.html` that loads it as a module. Rejects with esbuild's messages when the
 * entry does not build.
 */
export const bundlePage = async (options: BundleOptions): Promise<BundledPage> => {
  const directory = await mkdtemp(join(tmpdir(), "affinity-page-"))
  try {
    await build({
      entryPoints: [options.entry],
      outfile: join(directory, "page.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2023",
      conditions: ["@affinity/source"],
      sourcemap: "inline",
      logLevel: "silent"
    })
    const title = (options.title ?? "test page").replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"))
    await writeFile(
      join(directory, "index.html"),
      `<!doctype html>\n<html>\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<script type="module" src="./page.js"></script>\n</body>\n</html>\n`
    )
  } catch (cause) {
    await rm(directory, { recursive: true, force: true })
    throw cause
  }
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) }
}
