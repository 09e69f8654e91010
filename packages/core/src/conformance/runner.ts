/**
 * The conformance runner: feeds every vector to an implementation and compares answers.
 *
 * @module
 */
import { equal, isObject } from "./json.ts"
import type {
  CborFile,
  EventsFile,
  Failure,
  Implementation,
  Report,
  ScenarioResult,
  ScenariosFile,
  SignaturesFile,
  Vectors
} from "./types.ts"

/** The vector files the runner knows, in the order it runs them. */
export const FILES = ["cbor.json", "events.json", "signatures.json", "scenarios.json"] as const

/** One of {@link FILES}. */
export type FileName = (typeof FILES)[number]

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** Called after each vector (for progress output). */
  readonly onVector?: (file: FileName, name: string, ok: boolean) => void
}

/**
 * Run every vector present in `vectors` through `impl`. A thrown error or a rejected
 * promise from the implementation counts as a failure of that vector, never of the run.
 */
export const runConformance = async (
  impl: Implementation,
  vectors: Vectors,
  options: RunOptions = {}
): Promise<Report> => {
  let passed = 0
  const failures: Array<Failure> = []

  /** Judge one vector: `check` returns `undefined` when it passes, else what was expected and seen. */
  const judge = async (
    file: FileName,
    name: string,
    check: () => Promise<{ readonly expected: unknown; readonly actual: unknown } | undefined>
  ): Promise<void> => {
    let verdict: { readonly expected: unknown; readonly actual: unknown } | undefined
    try {
      verdict = await check()
    } catch (e) {
      verdict = { expected: "an answer", actual: { error: errorText(e) } }
    }
    if (verdict === undefined) passed++
    else failures.push({ file, name, expected: verdict.expected, actual: verdict.actual })
    options.onVector?.(file, name, verdict === undefined)
  }

  if (vectors.cbor) await runCbor(vectors.cbor, impl, judge)
  if (vectors.events) await runEvents(vectors.events, impl, judge)
  if (vectors.signatures) await runSignatures(vectors.signatures, impl, judge)
  if (vectors.scenarios) await runScenarios(vectors.scenarios, impl, judge)
  return { passed, failed: failures.length, failures }
}

type Judge = (
  file: FileName,
  name: string,
  check: () => Promise<{ readonly expected: unknown; readonly actual: unknown } | undefined>
) => Promise<void>

const mismatch = (expected: unknown, actual: unknown) => ({ expected, actual })

const runCbor = async (file: CborFile, impl: Implementation, judge: Judge): Promise<void> => {
  for (const v of file.vectors) {
    await judge("cbor.json", v.name, async () => {
      switch (v.expectation) {
        case "canonical": {
          const enc = await impl.encodeCbor(v.value)
          if (!enc.ok || enc.hex.toLowerCase() !== v.hex)
            return mismatch({ encode: v.hex }, { encode: enc.ok ? enc.hex : "refused" })
          const dec = await impl.decodeCbor(v.hex)
          if (!dec.ok || !equal(dec.value, v.value))
            return mismatch({ decode: v.value }, { decode: dec.ok ? dec.value : "rejected" })
          return undefined
        }
        case "reject": {
          const dec = await impl.decodeCbor(v.hex)
          return dec.ok ? mismatch("reject", { decode: dec.value }) : undefined
        }
        case "unencodable": {
          const enc = await impl.encodeCbor(v.value)
          return enc.ok ? mismatch("refuse to encode", { encode: enc.hex }) : undefined
        }
      }
    })
  }
}

const runEvents = async (file: EventsFile, impl: Implementation, judge: Judge): Promise<void> => {
  for (const v of file.vectors) {
    await judge("events.json", v.name, async () => {
      const r = await impl.decodeEvent(v.hex)
      if (v.expectation === "invalid")
        return !r.ok && r.reason === v.reason ? undefined : mismatch({ reason: v.reason }, r.ok ? { id: r.id } : { reason: r.reason })
      if (!r.ok) return mismatch({ id: v.id }, { reason: r.reason })
      const expected = { id: v.id, header: v.header, body: v.body }
      const actual = { id: r.id, header: r.header, body: r.body }
      return equal(expected, actual) ? undefined : mismatch(expected, actual)
    })
  }
}

const runSignatures = async (file: SignaturesFile, impl: Implementation, judge: Judge): Promise<void> => {
  for (const v of file.vectors) {
    await judge("signatures.json", v.name, async () => {
      const valid = await impl.verifySignature({ publicKey: v.publicKey, message: v.message, signature: v.signature })
      return valid === v.valid ? undefined : mismatch({ valid: v.valid }, { valid })
    })
  }
}

const runScenarios = async (file: ScenariosFile, impl: Implementation, judge: Judge): Promise<void> => {
  for (const v of file.vectors) {
    await judge("scenarios.json", v.name, async () => {
      const r: ScenarioResult = await impl.runScenario({ genesis: v.genesis, inputs: v.inputs.map((i) => i.hex) })
      const expected: Record<string, unknown> = {}
      const actual: Record<string, unknown> = {}
      if (!equal(v.expected.verdicts, r.verdicts)) {
        const at = firstDifference(v.expected.verdicts, r.verdicts)
        expected["verdicts"] = { at, label: v.inputs[at]?.label ?? null, verdict: v.expected.verdicts[at] ?? null }
        actual["verdicts"] = { at, verdict: r.verdicts[at] ?? null, count: r.verdicts.length }
      }
      if (!equal(v.expected.outcomes, r.outcomes)) {
        const diff = outcomeDifference(v.expected.outcomes, isObject(r.outcomes) ? r.outcomes : {})
        expected["outcomes"] = diff.expected
        actual["outcomes"] = diff.actual
      }
      if (v.expected.stateHash !== r.stateHash) {
        expected["stateHash"] = v.expected.stateHash
        actual["stateHash"] = r.stateHash
      }
      return Object.keys(expected).length === 0 ? undefined : mismatch(expected, actual)
    })
  }
}

const firstDifference = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): number => {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) if (!equal(a[i], b[i])) return i
  return n
}

/** Only the ids whose outcomes differ (a missing one shows as `null`). */
const outcomeDifference = (
  expected: { readonly [id: string]: unknown },
  actual: { readonly [id: string]: unknown }
): { readonly expected: Record<string, unknown>; readonly actual: Record<string, unknown> } => {
  const e: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const id of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const x = Object.hasOwn(expected, id) ? expected[id] : null
    const y = Object.hasOwn(actual, id) ? actual[id] : null
    if (!equal(x, y)) {
      e[id] = x
      a[id] = y
    }
  }
  return { expected: e, actual: a }
}

/** Why a vector file does not have the shape the runner needs. */
export class VectorFileError extends Error {
  override readonly name = "VectorFileError"
}

const checkFile = (file: string, json: unknown): void => {
  if (!isObject(json) || !Array.isArray(json["vectors"]))
    throw new VectorFileError(`${file}: expected an object with a "vectors" array`)
  const names = new Set<string>()
  for (const v of json["vectors"]) {
    if (!isObject(v) || typeof v["name"] !== "string" || typeof v["checks"] !== "string")
      throw new VectorFileError(`${file}: every vector needs a "name" and a "checks" string`)
    if (names.has(v["name"])) throw new VectorFileError(`${file}: two vectors are named ${JSON.stringify(v["name"])}`)
    names.add(v["name"])
  }
}

/**
 * Vectors from parsed JSON texts by file name (what {@link loadVectors} reads from disk).
 * Texts absent from `texts` are reported as missing. Throws a {@link VectorFileError} on a
 * file without a `vectors` array or with unnamed or duplicate vectors.
 */
export const parseVectors = (texts: { readonly [file: string]: string | undefined }): Vectors => {
  const missing: Array<string> = []
  const parsed: Record<string, unknown> = {}
  for (const file of FILES) {
    const text = texts[file]
    if (text === undefined) {
      missing.push(file)
      continue
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new VectorFileError(`${file}: ${errorText(e)}`)
    }
    checkFile(file, json)
    parsed[file] = json
  }
  const out: {
    cbor?: CborFile
    events?: EventsFile
    signatures?: SignaturesFile
    scenarios?: ScenariosFile
    missing: ReadonlyArray<string>
  } = { missing }
  if (parsed["cbor.json"]) out.cbor = parsed["cbor.json"] as CborFile
  if (parsed["events.json"]) out.events = parsed["events.json"] as EventsFile
  if (parsed["signatures.json"]) out.signatures = parsed["signatures.json"] as SignaturesFile
  if (parsed["scenarios.json"]) out.scenarios = parsed["scenarios.json"] as ScenariosFile
  return out
}

/**
 * Read the vector files from a directory (Node only: `node:fs/promises` is imported on
 * first use, so this module still bundles for browsers). A file that does not exist is
 * listed in `missing`; any other read error rejects.
 */
export const loadVectors = async (dir: string): Promise<Vectors> => {
  const fs = await import("node:fs/promises")
  const path = await import("node:path")
  const texts: Record<string, string> = {}
  for (const file of FILES) {
    try {
      texts[file] = await fs.readFile(path.join(dir, file), "utf8")
    } catch (e) {
      if (isObject(e) && e["code"] === "ENOENT") continue
      throw e
    }
  }
  return parseVectors(texts)
}
