/**
 * Node-side helpers for tests and benchmarks: build the app with Vite, and serve a built
 * app from a folder on loopback.
 *
 * ```typescript
 * import { buildApp, serveApp } from "@affinity/example-web/serve"
 *
 * const dir = await buildApp()
 * const server = await serveApp({ dir })
 * console.log(server.url) // http://127.0.0.1:<port>/
 * await server.close()
 * ```
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { extname, join, normalize, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/** The app's folder (where `index.html` and `vite.config.ts` are). */
export const appRoot: string = fileURLToPath(new URL("..", import.meta.url))

/** Build the app with Vite into `outDir` (default `dist` in the app's folder); resolves to that folder. */
export const buildApp = async (options: { readonly outDir?: string } = {}): Promise<string> => {
  const { build } = await import("vite")
  const outDir = resolve(options.outDir ?? join(appRoot, "dist"))
  // A production build even when called from a test runner (which sets NODE_ENV=test).
  const env = process.env["NODE_ENV"]
  process.env["NODE_ENV"] = "production"
  try {
    await build({ root: appRoot, mode: "production", logLevel: "warn", build: { outDir, emptyOutDir: true } })
  } finally {
    if (env === undefined) delete process.env["NODE_ENV"]
    else process.env["NODE_ENV"] = env
  }
  return outDir
}

/** A running static server. */
export interface AppServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".wasm": "application/wasm"
}

/** Serve the built app in `dir` on `127.0.0.1` (port 0: the system picks one). Unknown paths get `index.html`. */
export const serveApp = async (options: { readonly dir: string; readonly port?: number }): Promise<AppServer> => {
  const root = resolve(options.dir)
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)
      let file = normalize(join(root, path))
      if (!file.startsWith(root)) {
        res.writeHead(403).end()
        return
      }
      const info = await stat(file).catch(() => undefined)
      if (!info || info.isDirectory()) file = join(root, "index.html")
      try {
        const body = await readFile(file)
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" })
        res.end(body)
      } catch {
        res.writeHead(404).end()
      }
    })()
  })
  await new Promise<void>((ok, fail) => {
    server.once("error", fail)
    server.listen(options.port ?? 0, "127.0.0.1", () => ok())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      })
  }
}
