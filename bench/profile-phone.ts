import { appRoot } from "@affinity/example-web/serve"
import { launchChromium, serveDirectory } from "@affinity/test-chromium"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { build } from "./src/history.ts"
import { exportFile } from "./src/phone.ts"

const events = Number(process.argv[2] ?? 10000)
const outDir = await mkdtemp(path.join(tmpdir(), "affinity-prof-"))
const { build: vite } = await import("/work/wt-phone/examples/web/node_modules/vite/dist/node/index.js" as string) as { build: (c: unknown) => Promise<unknown> }
await vite({ root: appRoot, logLevel: "warn", build: { outDir, emptyOutDir: true, minify: false } })
const history = build({ events, proposalShare: 0.01 })
const server = await serveDirectory(outDir)
const chromium = await launchChromium()
const p0 = await chromium.newPage()
await p0.goto(server.url)
await p0.getByTestId("import-file").setInputFiles({ name: "b.affinity", mimeType: "application/octet-stream", buffer: Buffer.from(exportFile(history)) })
await p0.locator(`[data-testid="community"]`).waitFor({ timeout: 600_000 })
await p0.close()
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
for (let run = 0; run < 2; run++) {
  const page = await chromium.newPage()
  const cdp = await page.context().newCDPSession(page)
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 })
  await cdp.send("Profiler.enable")
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 })
  await cdp.send("Profiler.start")
  await page.goto(`${server.url}?community=${history.id}`, { waitUntil: "commit" })
  await page.waitForFunction('performance.getEntriesByName("affinity:interactive").length > 0', undefined, { timeout: 120_000, polling: 50 })
  const mark = await page.evaluate('performance.getEntriesByName("affinity:interactive")[0].startTime')
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number } }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>(), incl = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    total += dt
    const n = byId.get(id)!
    const key = (x: Node) => `${x.callFrame.functionName || "(anon)"} ${x.callFrame.url.split("/").pop()}:${x.callFrame.lineNumber}`
    self.set(key(n), (self.get(key(n)) ?? 0) + dt)
    const seen = new Set<string>()
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) { const k = key(byId.get(c)!); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + dt) } }
  })
  console.log(`run ${run}: mark ${mark} ms, profiled ${total.toFixed(0)} ms`)
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${k}`).join("\n")
  console.log("self:\n" + top(self, 30))
  console.log("inclusive:\n" + top(incl, 60))
  await page.close()
}
await chromium.close(); await server.close()
