import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundlePage, CHROMIUM_FLAGS, launchChromium, serveDirectory, skipBrowserTests, type StaticServer } from "../src/index.ts"

/** Status and body of a raw GET (the path is sent as written, `..` included). */
const get = (server: StaticServer, path: string): Promise<{ status: number; body: string }> =>
  new Promise((done, fail) => {
    const url = new URL(server.url)
    const req = request({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => (body += chunk))
      res.on("end", () => done({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", fail)
    req.end()
  })


/** The command line of the browser process launched with this profile (read from /proc). */
const commandLineWith = async (userDataDir: string): Promise<string> => {
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue
    const line = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")
    const args = line.split("\0")
    if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith("--type="))) return args.join(" ")
  }
  throw new Error(`no browser process runs with the profile ${userDataDir}`)
}

describe("serveDirectory", () => {
  let dir = ""
  let server: StaticServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "affinity-serve-test-"))
    await writeFile(join(dir, "index.html"), "<title>root</title>")
    await writeFile(join(dir, "app.js"), "export {}")
    server = await serveDirectory(dir)
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it("serves the directory on loopback, index.html at /", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(await get(server, "/")).toEqual({ status: 200, body: "<title>root</title>" })
    expect((await get(server, "/app.js")).body).toBe("export {}")
  })

  it("answers 404 for missing files and for paths outside the directory", async () => {
    expect((await get(server, "/missing.js")).status).toBe(404)
    expect((await get(server, "/../../etc/passwd")).status).toBe(404)
    expect((await get(server, "/%2e%2e/%2e%2e/etc/passwd")).status).toBe(404)
    expect((await get(server, `/${"..%2f".repeat(12)}etc%2fpasswd`)).status).toBe(404)
  })
})

describe("launchChromium", () => {
  it("says how to install Chromium when it is missing", async () => {
    await expect(launchChromium({ executablePath: "/nonexistent/chromium" })).rejects.toThrow(
      /not installed at \/nonexistent\/chromium.*apt-get install -y chromium.*AFFINITY_SKIP_BROWSER=1/
    )
  })

  it.skipIf(skipBrowserTests)("runs a bundled page with the flags and a temporary profile it removes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "affinity-entry-test-"))
    await writeFile(join(dir, "entry.ts"), 'const n: number = 6 * 7\ndocument.title = `answer ${n}`\n')
    const page = await bundlePage({ entry: join(dir, "entry.ts"), title: "<bundled>" })
    const server = await serveDirectory(page.directory)
    const chromium = await launchChromium()
    try {
      expect(existsSync(chromium.userDataDir)).toBe(true)
      const tab = await chromium.newPage()
      await tab.goto(server.url)
      await tab.waitForFunction(() => document.title === "answer 42")
      const commandLine = await commandLineWith(chromium.userDataDir)
      for (const flag of [...CHROMIUM_FLAGS, `--user-data-dir=${chromium.userDataDir}`]) expect(commandLine).toContain(flag)
      expect(commandLine).toMatch(/--headless/)
    } finally {
      await chromium.close()
      await server.close()
      await page.remove()
      await rm(dir, { recursive: true, force: true })
    }
    expect(existsSync(chromium.userDataDir)).toBe(false)
    expect(existsSync(page.directory)).toBe(false)
    await chromium.close()
  })
})
