/**
 * The conformance CLI: runs an implementation of the Affinity protocol against the
 * vectors in `conformance/vectors/` and prints one line per failure, then
 * `N passed, N failed`. Exits 1 on any failure, 2 on a usage or setup error.
 *
 * ```text
 * conformance [--exec "<command>"] [--vectors <dir>] [--only <file,…>] [--timeout <ms>]
 * conformance --serve
 * ```
 *
 * - without `--exec`, runs this SDK's implementation;
 * - `--exec "<command>"` starts the command with the shell and speaks the JSON-lines
 *   protocol of `conformance/README.md` with it;
 * - `--vectors <dir>` reads the vector files from `dir` (default: the repository's
 *   `conformance/vectors`);
 * - `--only cbor,events` runs only those files (names with or without `.json`);
 * - `--serve` answers the JSON-lines protocol on stdin/stdout with this SDK's
 *   implementation (a reference for other implementations, and a way to test the runner).
 *
 * @module
 */
import { existsSync } from "node:fs"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import {
  FILES,
  type Implementation,
  loadVectors,
  ourImplementation,
  type RemoteImplementation,
  runConformance,
  serveLines,
  spawnImplementation,
  type Vectors
} from "../conformance/index.ts"

const usage = `usage: conformance [--exec "<command>"] [--vectors <dir>] [--only <file,...>] [--timeout <ms>]
       conformance --serve`

interface Args {
  readonly exec?: string
  readonly vectors?: string
  readonly only?: ReadonlyArray<string>
  readonly timeout?: number
  readonly serve: boolean
}

const parseArgs = (argv: ReadonlyArray<string>): Args | string => {
  const args: { exec?: string; vectors?: string; only?: ReadonlyArray<string>; timeout?: number; serve: boolean } = {
    serve: false
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = (): string | undefined => argv[++i]
    switch (flag) {
      case "--serve":
        args.serve = true
        break
      case "--exec": {
        const v = value()
        if (v === undefined) return "--exec needs a command"
        args.exec = v
        break
      }
      case "--vectors": {
        const v = value()
        if (v === undefined) return "--vectors needs a directory"
        args.vectors = v
        break
      }
      case "--only": {
        const v = value()
        if (v === undefined) return "--only needs file names"
        const names = v.split(",").map((n) => (n.endsWith(".json") ? n.trim() : `${n.trim()}.json`))
        const unknown = names.filter((n) => !(FILES as ReadonlyArray<string>).includes(n))
        if (unknown.length > 0) return `unknown vector file(s): ${unknown.join(", ")} (known: ${FILES.join(", ")})`
        args.only = names
        break
      }
      case "--timeout": {
        const v = Number(value())
        if (!Number.isInteger(v) || v <= 0) return "--timeout needs a positive number of milliseconds"
        args.timeout = v
        break
      }
      case "--help":
      case "-h":
        return ""
      default:
        return `unknown argument ${flag}`
    }
  }
  return args
}

/** The repository's vector directory, found from this file or from the working directory. */
const defaultVectorDir = (): string => {
  const beside = fileURLToPath(new URL("../../../../conformance/vectors/", import.meta.url))
  return existsSync(beside) ? beside : "conformance/vectors"
}

const only = (vectors: Vectors, files: ReadonlyArray<string> | undefined): Vectors => {
  if (files === undefined) return vectors
  const keep = (file: string) => files.includes(file)
  const out: { -readonly [K in keyof Vectors]: Vectors[K] } = { missing: vectors.missing.filter(keep) }
  if (vectors.cbor && keep("cbor.json")) out.cbor = vectors.cbor
  if (vectors.events && keep("events.json")) out.events = vectors.events
  if (vectors.signatures && keep("signatures.json")) out.signatures = vectors.signatures
  if (vectors.scenarios && keep("scenarios.json")) out.scenarios = vectors.scenarios
  return out
}

/** A JSON rendering of a value, cut to a readable length. */
const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 300 ? `${text.slice(0, 297)}...` : text
}

const serve = async (): Promise<void> => {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  await serveLines(ourImplementation, lines, (line) => {
    process.stdout.write(`${line}\n`)
  })
}

const main = async (): Promise<number> => {
  const args = parseArgs(process.argv.slice(2))
  if (typeof args === "string") {
    if (args !== "") console.error(args)
    console.error(usage)
    return args === "" ? 0 : 2
  }
  if (args.serve) {
    await serve()
    return 0
  }
  const dir = args.vectors ?? defaultVectorDir()
  let vectors: Vectors
  try {
    vectors = only(await loadVectors(dir), args.only)
  } catch (e) {
    console.error(`cannot read the vectors in ${dir}: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
  for (const file of vectors.missing) console.log(`notice: ${file} not found in ${dir}; skipped`)

  let impl: Implementation = ourImplementation
  let remote: RemoteImplementation | undefined
  if (args.exec !== undefined) {
    remote = await spawnImplementation(args.exec, args.timeout === undefined ? {} : { timeout: args.timeout })
    impl = remote
  }
  try {
    const report = await runConformance(impl, vectors)
    for (const f of report.failures)
      console.log(`FAIL ${f.file} ${JSON.stringify(f.name)}: expected ${show(f.expected)}, got ${show(f.actual)}`)
    console.log(`${report.passed} passed, ${report.failed} failed`)
    return report.failed > 0 ? 1 : 0
  } finally {
    await remote?.close()
  }
}

process.exitCode = await main()
