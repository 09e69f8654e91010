import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { main } from "../src/bench.ts"

it("pnpm bench --quick prints and writes every row", async () => {
  const directory = await mkdtemp(join(tmpdir(), "affinity-bench-test-"))
  const out = join(directory, "benchmarks.md")
  const printed: Array<string> = []
  try {
    const report = await main(["--quick", "--phone-events", "200", "--out", out], { table: (text) => printed.push(text), progress: () => undefined })
    const written = await readFile(out, "utf8")
    const names = [
      "Verify: node (verifyBatch)",
      "Verify: webcrypto (verifyBatch)",
      "Verify: noble (verifyBatch)",
      "Verify: node:crypto raw (callbacks, one KeyObject)",
      "Verify: node:crypto raw (sync, one thread)",
      "Ingest: node",
      "Ingest: signatures not checked (main-thread ceiling)",
      "Ingest: held ahead of the clock, then released",
      "Ingest: noble",
      "Replay: Community.open with checkpoint (storage-fs)",
      "Replay: Community.open, full re-fold (no checkpoint)",
      "Replay: Event.decode only",
      "Replay: in-memory fold only",
      "Heap: open community",
      "Kernel: fold without standing or queries (2,000 member acts, 100 members)",
      "Kernel: fold with standing and a query per act (2,000 member acts, 100 members)",
      "Kernel: standing and queries beside the plain fold",
      "Bundle: @affinity/core",
      "Bundle: @affinity/governance",
      "Bundle: @affinity/administration",
      "Bundle: @affinity/economy",
      "Bundle: @affinity/expression",
      "Bundle: @affinity/justice",
      "Bundle: @affinity/defense",
      "Phone: open 200 events (CPU 4× slower)",
      "Phone: longest main-thread task (CPU 4× slower)",
      "Phone: app bundle (examples/web, SDK included)"
    ]
    const table = printed.join("\n")
    for (const name of names) {
      expect(table).toContain(`| ${name} |`)
      expect(written).toContain(`| ${name} |`)
    }
    expect(report.rows.map((r) => r.name)).toEqual(expect.arrayContaining(names))
    for (const heading of ["Signature verification", "Untrusted ingest", "Replay of stored history", "Memory", "Kernel", "Bundle size", "Phone-class check"])
      expect(written).toContain(`## ${heading}`)
    expect(written).toContain(process.version)
    expect(written).toContain(`${report.environment.cores} cores`)
    expect(written).toContain("1,500 events")
    // Ingest is held to the fastest verification of the run, raw primitive included.
    expect(report.rows.find((r) => r.name === "Ingest: node")!.detail).toMatch(/% of the fastest verify rate of this run \(/)
    // The relay on SQLite is given as a ratio of the same run on the file store.
    expect(report.rows.find((r) => r.name.startsWith("Relay on SQLite: "))!.result).toMatch(/^\d+\.\d\d× the file store$/)
    // Holding and releasing is held to receiving the same events on time, in the same run.
    expect(report.rows.find((r) => r.name === "Ingest: held ahead of the clock, then released")!.result).toMatch(/^\d+\.\d\d× on-time ingest$/)
    // Where ingest's CPU went, thread by thread (Linux's /proc tells it).
    if (process.platform === "linux") {
      const cpu = report.rows.find((r) => r.name === "Ingest: CPU per event (node)")!
      expect(cpu.result).toMatch(/^[\d.]+ µs$/)
      expect(cpu.detail).toMatch(/verification workers [\d.]+ µs, main thread [\d.]+ µs .* of \d+ cores busy/)
      expect(written).toContain("| Ingest: CPU per event (node) |")
    }
    // The phone-class rows: measured in Chromium, or skipped with the reason when it is missing.
    const phone = (name: string) => report.rows.find((r) => r.name === name)!
    expect(phone("Phone: open 200 events (CPU 4× slower)").result).toMatch(/^(\d[\d,.]* ms to interactive|skipped)$/)
    expect(phone("Phone: longest main-thread task (CPU 4× slower)").result).toMatch(/^(\d[\d,.]* ms|none ≥ 50 ms|skipped)$/)
    expect(phone("Phone: app bundle (examples/web, SDK included)").result).toMatch(/^[\d,]+ B min \/ [\d,]+ B gzip$/)
    // Every row that has a target says whether it was met.
    for (const row of report.rows.filter((r) => r.target !== undefined)) expect(table).toMatch(new RegExp(`\\| ${row.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\|.*(met|not met)`))
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}, 300_000)
