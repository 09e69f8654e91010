/**
 * The phone-class check: the web app (`examples/web`) opening a community of 10,000 events
 * from IndexedDB in Chromium with the CPU throttled 4× (the DevTools protocol's
 * `Emulation.setCPUThrottlingRate`), and the size of the app's production bundle.
 *
 * The history is built and signed in Node, written as an export file and imported through
 * the app's own *Import* (unthrottled, not timed), so IndexedDB holds exactly what the app
 * stores. Each run then opens a new tab with a phone-sized viewport, throttles it, loads
 * `?community=<id>` and reads the `affinity:interactive` mark (set when the community's
 * state is first rendered; its `startTime` counts from navigation start) and the `longtask`
 * entries (main-thread tasks of 50 ms or more) seen from the start of the page until a
 * second after the mark.
 *
 * @module
 */
import { Bytes, Cbor, Event, Replica } from "@affinity/core"
import { modules } from "@affinity/example-web/modules"
import { buildApp } from "@affinity/example-web/serve"
import { chromiumPath, launchChromium, type Page, serveDirectory } from "@affinity/test-chromium"
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import { build, type History } from "./history.ts"
import { median } from "./measure.ts"
import { count, millis, type Row, size } from "./report.ts"

/** Time from navigation start to the first rendered state, under 4× throttling (ms). */
export const INTERACTIVE_TARGET = 2000
/** Longest main-thread task allowed while the page opens (ms). */
export const TASK_TARGET = 100
/** The app's JavaScript loaded before it is interactive, SDK included, min+gzip (bytes; 150 kB). */
export const APP_BUNDLE_TARGET = 150_000
/** CPU slowdown of the phone-class runs. */
export const THROTTLE = 4

/** Options of {@link measurePhone}. */
export interface PhoneOptions {
  /** Events of the community, the genesis included (10,000 in the benchmark). */
  readonly events: number
  /** Throttled page loads; the median and the worst are reported. */
  readonly runs: number
  /** The Chromium executable (default: `@affinity/test-chromium`'s `chromiumPath()`). */
  readonly chromium?: string
  readonly progress?: (line: string) => void
}

/** The size of what the built page loads. */
export interface AppBundle {
  /** Every JavaScript chunk together, those loaded later (the modules' screens) included. */
  readonly js: { readonly files: number; readonly minified: number; readonly gzip: number }
  /**
   * The JavaScript loaded before the app is interactive: the page's module script and the
   * chunks it imports statically (the `modulepreload` links of `index.html`).
   */
  readonly first: { readonly files: number; readonly minified: number; readonly gzip: number }
  readonly css: { readonly files: number; readonly minified: number; readonly gzip: number }
  readonly html: { readonly bytes: number; readonly gzip: number }
}

const gzip = (bytes: Uint8Array): number => zlib.gzipSync(bytes, { level: 9 }).length

const filesUnder = async (dir: string): Promise<ReadonlyArray<string>> => {
  const out: Array<string> = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name))
  return out.sort()
}

/** Sizes of every JavaScript and CSS file of a built app (each gzipped on its own, level 9). */
export const appBundle = async (dir: string): Promise<AppBundle> => {
  const js = { files: 0, minified: 0, gzip: 0 }
  const css = { files: 0, minified: 0, gzip: 0 }
  for (const file of await filesUnder(dir)) {
    const kind = file.endsWith(".js") || file.endsWith(".mjs") ? js : file.endsWith(".css") ? css : undefined
    if (kind === undefined) continue
    const bytes = await readFile(file)
    kind.files++
    kind.minified += bytes.length
    kind.gzip += gzip(bytes)
  }
  const html = await readFile(path.join(dir, "index.html"))
  const first = { files: 0, minified: 0, gzip: 0 }
  const loaded = [...html.toString("utf8").matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.m?js)"/g)].map((m) => m[1]!)
  for (const file of new Set(loaded)) {
    const bytes = await readFile(path.join(dir, file))
    first.files++
    first.minified += bytes.length
    first.gzip += gzip(bytes)
  }
  return { js, first, css, html: { bytes: html.length, gzip: gzip(html) } }
}

/** The app's export file of a history (see `examples/web/src/archive.ts`): genesis first. */
export const exportFile = (history: History): Uint8Array =>
  Cbor.encode({ format: "affinity-events", v: 1, community: Bytes.fromHex(history.id)!, events: [history.genesis, ...history.events] })

/** The state hash every replica of the history reaches, computed in Node. */
export const expectedStateHash = (history: History): string => {
  const decode = (bytes: Uint8Array): Event.Event => {
    const d = Event.decode(bytes)
    if (!d.ok) throw new Error(`phone bench: ${d.error.message}`)
    return d.event
  }
  // The modules the app registers: the state hash covers every module's state.
  const opened = Replica.Replica.open(decode(history.genesis), { modules })
  if (!opened.ok) throw new Error(`phone bench: ${opened.error.message}`)
  opened.replica.ingest(history.events.map(decode))
  return opened.replica.stateHashHex()
}

/** What one throttled load saw. */
export interface Load {
  /** Navigation start to the `affinity:interactive` mark (ms). */
  readonly interactive: number
  /** Durations of the main-thread tasks of 50 ms or more (ms), in order. */
  readonly longTasks: ReadonlyArray<number>
  /** Events and state hash the page shows. */
  readonly events: number
  readonly stateHash: string
}

/** Registered before any script of the page runs: keeps every `longtask` entry. */
const OBSERVE_LONG_TASKS = `(() => {
  const tasks = []
  globalThis.__affinityLongTasks = tasks
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration) }).observe({ type: "longtask", buffered: true })
  } catch {}
})()`

const PHONE_VIEWPORT = { width: 390, height: 844 }

/** Load `?community=<id>` in a new throttled tab and wait for the app's first render of it. */
const throttledLoad = async (newPage: () => Promise<Page>, url: string, id: string): Promise<Load> => {
  const page = await newPage()
  try {
    await page.setViewportSize(PHONE_VIEWPORT)
    await page.addInitScript(OBSERVE_LONG_TASKS)
    const cdp = await page.context().newCDPSession(page)
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE })
    await page.goto(`${url}?community=${id}`, { waitUntil: "commit" })
    await page.waitForFunction('performance.getEntriesByName("affinity:interactive").length > 0', undefined, { timeout: 120_000, polling: 50 })
    // Tasks are reported when they end: leave the page a second to finish what it started.
    await page.waitForTimeout(1000)
    const seen = (await page.evaluate(`({
      interactive: performance.getEntriesByName("affinity:interactive")[0].startTime,
      longTasks: globalThis.__affinityLongTasks.slice(),
      events: document.querySelector('[data-testid="event-count"]')?.textContent ?? "",
      stateHash: document.querySelector('[data-testid="state-hash"]')?.getAttribute("data-hash") ?? ""
    })`)) as { interactive: number; longTasks: Array<number>; events: string; stateHash: string }
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 })
    return { interactive: seen.interactive, longTasks: seen.longTasks, events: Number.parseInt(seen.events.replaceAll(",", ""), 10), stateHash: seen.stateHash }
  } finally {
    await page.close()
  }
}

/** Import the export file through the app's own Import (unthrottled); resolves when the community is open. */
const importHistory = async (page: Page, url: string, file: Uint8Array, id: string): Promise<void> => {
  await page.goto(url)
  await page.getByTestId("import-file").setInputFiles({ name: "bench.affinity", mimeType: "application/octet-stream", buffer: Buffer.from(file) })
  await page.locator(`[data-testid="community"][data-community="${id}"]`).waitFor({ timeout: 600_000 })
  const error = await page.getByTestId("notice-error").count()
  if (error > 0) throw new Error(`phone bench: the import was refused: ${await page.getByTestId("notice-error").textContent()}`)
}

const list = (values: ReadonlyArray<number>): string => values.map((v) => count(v)).join(", ")

/** Rows of the phone-class check: page loads (when Chromium is there) and the app bundle. */
export const measurePhone = async (options: PhoneOptions): Promise<ReadonlyArray<Row>> => {
  const note = options.progress ?? (() => undefined)
  const rows: Array<Row> = []
  const events = `${count(options.events)} events`
  const outDir = await mkdtemp(path.join(tmpdir(), "affinity-bench-web-"))
  try {
    note("phone: building examples/web (vite build)")
    await buildApp({ outDir })
    const executable = options.chromium ?? chromiumPath()
    if (!existsSync(executable)) {
      const skipped = `skipped: no Chromium at ${executable} (install it: \`sudo apt-get install -y chromium\`, or set AFFINITY_CHROMIUM)`
      rows.push(
        { section: "phone", name: `Phone: open ${events} (CPU ${THROTTLE}× slower)`, result: "skipped", detail: skipped },
        { section: "phone", name: `Phone: longest main-thread task (CPU ${THROTTLE}× slower)`, result: "skipped", detail: skipped }
      )
    } else rows.push(...(await pageLoads(options, outDir, note)))
    const b = await appBundle(outDir)
    rows.push({
      section: "phone",
      name: "Phone: app bundle (examples/web, SDK included)",
      result: `${count(b.first.minified)} B min / ${count(b.first.gzip)} B gzip`,
      detail:
        `JavaScript loaded before the app is interactive, ${b.first.files} file${b.first.files === 1 ? "" : "s"}: ${size(b.first.minified)} minified, ${size(b.first.gzip)} gzip; ` +
        `every chunk together (the modules' screens, loaded when their page opens, included), ${b.js.files} file${b.js.files === 1 ? "" : "s"}: ${size(b.js.minified)} minified, ${size(b.js.gzip)} gzip; ` +
        `CSS: ${size(b.css.minified)} minified, ${size(b.css.gzip)} gzip; HTML: ${count(b.html.gzip)} B gzip`,
      target: { text: `≤ ${size(APP_BUNDLE_TARGET)} gzip (JavaScript)`, met: b.first.gzip <= APP_BUNDLE_TARGET }
    })
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
  return rows
}

/**
 * {@link measurePhone} in a Node process of its own (`phone-main.ts`): run in the bench's
 * main process, which the earlier sections leave holding over 500 MB of heap not yet
 * collected, the same loads were a fifth to a third slower.
 */
export const measurePhoneApart = async (options: PhoneOptions): Promise<ReadonlyArray<Row>> => {
  const script = fileURLToPath(new URL("./phone-main.ts", import.meta.url))
  // The flags `pnpm bench` runs with, whatever started this process (a test runner, say).
  const args = ["--conditions=@affinity/source", "--expose-gc", script, String(options.events), String(options.runs), ...(options.chromium ? [options.chromium] : [])]
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  child.stdout.setEncoding("utf8").on("data", (text: string) => (out += text))
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    err += text
    const lines = err.split("\n")
    err = lines.pop() ?? ""
    for (const line of lines) options.progress?.(line)
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", resolve)
  })
  if (code !== 0) throw new Error(`phone bench: the phone-class check exited with ${code}${err ? `: ${err}` : ""}`)
  return JSON.parse(out.trim().split("\n").pop() ?? "[]") as ReadonlyArray<Row>
}

/** Events of the small community opened beside the large one: what the app costs before the history matters. */
export const BASELINE_EVENTS = 100

/** Import a history, then load it `runs` times throttled; checks every load shows the whole history. */
const loadsOf = async (
  history: History,
  chromium: { readonly newPage: () => Promise<Page> },
  url: string,
  runs: number,
  note: (line: string) => void
): Promise<{ readonly importMs: number; readonly loads: ReadonlyArray<Load> }> => {
  const expected = expectedStateHash(history)
  note(`phone: importing ${count(history.size)} events through the app (unthrottled)`)
  const importing = await chromium.newPage()
  const started = performance.now()
  await importHistory(importing, url, exportFile(history), history.id)
  const importMs = performance.now() - started
  await importing.close()
  const loads: Array<Load> = []
  for (let run = 0; run < runs; run++) {
    note(`phone: throttled load ${run + 1} of ${runs} (${count(history.size)} events)`)
    const load = await throttledLoad(chromium.newPage, url, history.id)
    if (load.events !== history.size || load.stateHash !== expected)
      throw new Error(`phone bench: the page shows ${load.events} events and state ${load.stateHash}, not ${history.size} and ${expected}`)
    loads.push(load)
  }
  return { importMs, loads }
}

const pageLoads = async (options: PhoneOptions, dir: string, note: (line: string) => void): Promise<ReadonlyArray<Row>> => {
  const events = `${count(options.events)} events`
  note(`phone: building and signing a history of ${events}`)
  const history = build({ events: options.events, proposalShare: 0.01 })
  // Three founders, not four: another genesis, so another community beside the first.
  const small = build({ events: BASELINE_EVENTS, founders: 3, proposalShare: 0.01 })
  const server = await serveDirectory(dir)
  const chromium = await launchChromium(options.chromium === undefined ? {} : { executablePath: options.chromium })
  try {
    const { importMs, loads } = await loadsOf(history, chromium, server.url, options.runs, note)
    const baseline = await loadsOf(small, chromium, server.url, options.runs, note)
    const interactive = loads.map((l) => l.interactive)
    const longest = loads.map((l) => Math.max(0, ...l.longTasks))
    const baseInteractive = median(baseline.loads.map((l) => l.interactive))
    const baseLongest = median(baseline.loads.map((l) => Math.max(0, ...l.longTasks)))
    const worst = (values: ReadonlyArray<number>) => Math.max(...values)
    const taskText = (ms: number) => (ms === 0 ? "none ≥ 50 ms" : millis(ms))
    const m = history.mix
    const perRun = loads.map((l) => `${l.longTasks.length} (${count(l.longTasks.reduce((a, b) => a + b, 0))} ms)`).join(", ")
    return [
      {
        section: "phone",
        name: `Phone: open ${events} (CPU ${THROTTLE}× slower)`,
        result: `${millis(median(interactive))} to interactive`,
        detail:
          `median of ${loads.length}; worst ${millis(worst(interactive))}; runs: ${list(interactive)} ms; ` +
          `a community of ${count(small.size)} events: ${millis(baseInteractive)}. ` +
          `History: ${count(m.proposals)} proposals (${count(m.admissions)} admissions), ${count(m.stances)} stances, ${count(m.closes)} closes, ` +
          `${count(m.applies)} applies, ${count(m.deviceAdds)} device adds, the rest ticks; imported unthrottled in ${millis(importMs)}`,
        target: { text: `≤ ${count(INTERACTIVE_TARGET)} ms`, met: median(interactive) <= INTERACTIVE_TARGET }
      },
      {
        section: "phone",
        name: `Phone: longest main-thread task (CPU ${THROTTLE}× slower)`,
        result: taskText(median(longest)),
        detail:
          `median of ${loads.length}; worst ${taskText(worst(longest))}; runs: ${longest.map(taskText).join(", ")}; ` +
          `a community of ${count(small.size)} events: ${taskText(baseLongest)}. Tasks ≥ 50 ms per run (their total): ${perRun}`,
        target: { text: `≤ ${TASK_TARGET} ms`, met: median(longest) <= TASK_TARGET }
      }
    ]
  } finally {
    await chromium.close()
    await server.close()
  }
}
