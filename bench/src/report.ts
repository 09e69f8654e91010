/**
 * Rows of the benchmark table, and the Markdown they are printed and written as.
 *
 * @module
 */

/** The sections of the table, in the order they are printed. */
export type Section = "verify" | "ingest" | "replay" | "heap" | "sync" | "governance" | "kernel" | "bundle" | "phone"

/** A target a row is held to. */
export interface Target {
  /** The target in words, e.g. `≥ 85%`. */
  readonly text: string
  readonly met: boolean
}

/** One line of the table. */
export interface Row {
  readonly section: Section
  readonly name: string
  readonly result: string
  readonly detail: string
  readonly target?: Target
}

/** What the header of the report says about the run. */
export interface Environment {
  readonly date: string
  readonly node: string
  readonly cpu: string
  readonly cores: number
  readonly events: number
  readonly encodedBytes: number
  readonly quick: boolean
}

/** Whole numbers with thousands separators: `123,456`. */
export const count = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : String(n)

/** A rate: `123,456/s`. */
export const perSecond = (n: number, unit = ""): string => `${count(n)}${unit === "" ? "" : ` ${unit}`}/s`

/** A share as a percentage with one decimal: `87.5%`. */
export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`

/** Milliseconds, with a precision that suits their size. */
export const millis = (ms: number): string => (ms >= 100 ? `${count(ms)} ms` : `${ms.toFixed(1)} ms`)

/** Bytes in MB or kB (powers of 1,000) with one decimal, or in bytes under 10 kB. */
export const size = (bytes: number): string =>
  bytes >= 10_000_000 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 10_000 ? `${(bytes / 1000).toFixed(1)} kB` : `${count(bytes)} B`

const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ")

/** The rows as one Markdown table. */
export const table = (rows: ReadonlyArray<Row>): string => {
  const lines = ["| Measure | Result | Detail | Target |", "| --- | ---: | --- | --- |"]
  for (const r of rows) {
    const target = r.target === undefined ? "" : `${r.target.text}: ${r.target.met ? "met" : "**not met**"}`
    lines.push(`| ${cell(r.name)} | ${cell(r.result)} | ${cell(r.detail)} | ${cell(target)} |`)
  }
  return lines.join("\n")
}

/** The one-line header of the report. */
export const header = (env: Environment): string =>
  [
    `Run on ${env.date} with Node ${env.node} on ${env.cpu} (${env.cores} cores)`,
    `over a history of ${count(env.events)} events (${count(env.encodedBytes)} bytes encoded, ` +
      `${count(env.encodedBytes / env.events)} bytes per event on average)` +
      (env.quick ? ", in quick mode (small sizes: a smoke test, not a measurement)." : ".")
  ].join(" ")

/** The whole report: title, header, table, and one paragraph per section. */
export const document = (env: Environment, rows: ReadonlyArray<Row>, sections: ReadonlyArray<readonly [title: string, text: string]>): string =>
  [
    "# Benchmarks",
    "",
    "Written by `pnpm bench` (`bench/src/main.ts`); every number below comes from the same run. " +
      "Timings are the median of several runs after a warm-up. Run it again on your machine to compare: " +
      "`pnpm bench` (`--events N`, `--quick`, `--out PATH`, `--phone-events N`). The phone-class rows need Chromium at `/usr/bin/chromium` " +
      "(or `AFFINITY_CHROMIUM`) and say \"skipped\" without it.",
    "",
    header(env),
    "",
    table(rows),
    "",
    ...sections.flatMap(([title, text]) => [`## ${title}`, "", text, ""])
  ].join("\n")
