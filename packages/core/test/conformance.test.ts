import { spawnSync } from "node:child_process"
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Implementation,
  loadVectors,
  ourImplementation,
  runConformance,
  spawnImplementation,
  type Vectors
} from "@affinity/core/conformance"
import { generateVectors } from "../src/conformance/generate.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const vectorDir = join(root, "conformance", "vectors")
const cli = join(root, "packages", "core", "src", "bin", "conformance.ts")
const node = `"${process.execPath}" --conditions=@affinity/source`

let vectors: Vectors
beforeAll(async () => {
  vectors = await loadVectors(vectorDir)
})

const count = (v: Vectors): number =>
  (v.cbor?.vectors.length ?? 0) +
  (v.events?.vectors.length ?? 0) +
  (v.signatures?.vectors.length ?? 0) +
  (v.scenarios?.vectors.length ?? 0)

describe("conformance vectors", () => {
  it("are all present (signatures.json may be missing)", () => {
    expect(vectors.missing.filter((f) => f !== "signatures.json")).toEqual([])
    expect(vectors.cbor!.vectors.length).toBeGreaterThan(100)
    expect(vectors.events!.vectors.length).toBeGreaterThan(60)
    expect(vectors.scenarios!.vectors.length).toBeGreaterThan(20)
  })

  it("every vector has a name and says what it checks", () => {
    for (const file of [vectors.cbor, vectors.events, vectors.signatures, vectors.scenarios])
      for (const v of file?.vectors ?? []) {
        expect(v.name.length).toBeGreaterThan(0)
        expect(v.checks.length).toBeGreaterThan(0)
      }
  })

  it("are reproduced byte for byte by the generator", async () => {
    const generated = await generateVectors()
    expect(Object.keys(generated).sort()).toEqual(["cbor.json", "events.json", "scenarios.json"])
    for (const [file, text] of Object.entries(generated)) {
      const onDisk = await readFile(join(vectorDir, file), "utf8")
      expect(text === onDisk, `${file} differs from the generator's output; run conformance/generate.ts`).toBe(true)
    }
  })

  it("cover every reason tag the brief of each file names", () => {
    const eventReasons = new Set(vectors.events!.vectors.flatMap((v) => (v.expectation === "invalid" ? [v.reason] : [])))
    expect([...eventReasons].sort()).toEqual(
      ["BadSignature", "BodyMismatch", "MalformedBody", "MalformedEnvelope", "MalformedHeader", "NotCanonical", "Oversize", "PayloadMismatch", "UnknownVersion"]
    )
    const scenarioReasons = new Set<string>()
    for (const s of vectors.scenarios!.vectors) {
      for (const v of s.expected.verdicts) if (v.reason) scenarioReasons.add(v.reason)
      for (const o of Object.values(s.expected.outcomes)) if (o.reason) scenarioReasons.add(o.reason)
    }
    for (const tag of [
      "NeedsDecision",
      "UnknownAuthor",
      "DeviceRevoked",
      "DeviceNotAdded",
      "DeviceKnown",
      "NotYourDevice",
      "ForeignProof",
      "MemberLeft",
      "Equivocated",
      "TimeWentBackwards",
      "BrokenBacklink",
      "WrongCommunity",
      "InvalidBody",
      "UnknownModule",
      "BadSignature",
      "BadEmbeddedSignature"
    ])
      expect(scenarioReasons.has(tag), tag).toBe(true)
  })
})

describe("runConformance", () => {
  it("passes this SDK on every vector", async () => {
    const report = await runConformance(ourImplementation, vectors)
    expect(report.failures).toEqual([])
    expect(report.passed).toBe(count(vectors))
  })

  it("catches a wrong state hash in every scenario", async () => {
    const wrong: Implementation = {
      ...ourImplementation,
      runScenario: async (s) => {
        const r = await ourImplementation.runScenario(s)
        return { ...r, stateHash: r.stateHash.replace(/^./, (c) => (c === "0" ? "1" : "0")) }
      }
    }
    const report = await runConformance(wrong, vectors)
    expect(report.failed).toBe(vectors.scenarios!.vectors.length)
    for (const f of report.failures) {
      expect(f.file).toBe("scenarios.json")
      expect(Object.keys(f.expected as object)).toEqual(["stateHash"])
    }
  })

  it("catches an outcome or a verdict that is not the expected one", async () => {
    const wrong: Implementation = {
      ...ourImplementation,
      runScenario: async (s) => {
        const r = await ourImplementation.runScenario(s)
        const outcomes = Object.fromEntries(
          Object.entries(r.outcomes).map(([id, o]) => [id, o.tag === "Rejected" ? { tag: "Applied" as const } : o])
        )
        const verdicts = r.verdicts.map((v) => (v.tag === "Pending" ? { tag: "Valid" as const } : v))
        return { ...r, outcomes, verdicts }
      }
    }
    const report = await runConformance(wrong, { scenarios: vectors.scenarios!, missing: [] })
    const names = new Set(report.failures.map((f) => f.name))
    expect(names.has("unknown author")).toBe(true)
    expect(names.has("founders tick, reversed")).toBe(true)
    expect(names.has("founders tick")).toBe(false)
  })

  it("catches an encoder that does not sort map keys, and a decoder that is not strict", async () => {
    const wrong: Implementation = {
      ...ourImplementation,
      encodeCbor: async (value) => {
        const r = await ourImplementation.encodeCbor(value)
        // Swap the first two entries of a two-entry map.
        return r.ok && r.hex === "a261620162616102" ? { ok: true, hex: "a262616102616201" } : r
      },
      decodeCbor: async (hex) => (hex === "1800" ? { ok: true, value: 0 } : ourImplementation.decodeCbor(hex))
    }
    const report = await runConformance(wrong, { cbor: vectors.cbor!, missing: [] })
    expect(report.failures.map((f) => f.name).sort()).toEqual(
      ["map keys sorted by encoded bytes: shorter first", "non-shortest integer 0 in one byte"].sort()
    )
  })

  it("catches an event decoder that skips signatures", async () => {
    const some = vectors.events!.vectors.find((v) => v.expectation === "valid")!
    if (some.expectation !== "valid") throw new Error("no valid event vector")
    const wrong: Implementation = {
      ...ourImplementation,
      decodeEvent: async (hex) => {
        const r = await ourImplementation.decodeEvent(hex)
        return !r.ok && r.reason === "BadSignature" ? { ok: true, id: some.id, header: some.header, body: some.body } : r
      }
    }
    const report = await runConformance(wrong, { events: vectors.events!, missing: [] })
    const bad = vectors.events!.vectors.filter((v) => v.expectation === "invalid" && v.reason === "BadSignature")
    expect(report.failed).toBe(bad.length)
  })

  it("counts a throwing implementation as failures, not as a crash", async () => {
    const throwing: Implementation = {
      ...ourImplementation,
      verifySignature: () => {
        throw new Error("not implemented")
      }
    }
    const report = await runConformance(throwing, vectors.signatures ? { signatures: vectors.signatures, missing: [] } : { missing: [] })
    expect(report.failed).toBe(vectors.signatures?.vectors.length ?? 0)
    for (const f of report.failures) expect(f.actual).toEqual({ error: "not implemented" })
  })
})

describe("the JSON-lines protocol", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "affinity-conformance-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("runs this SDK in another process with 0 failures", async () => {
    const remote = await spawnImplementation(`${node} "${cli}" --serve`)
    try {
      const report = await runConformance(remote, vectors)
      expect(report.failures).toEqual([])
      expect(report.passed).toBe(count(vectors))
    } finally {
      await remote.close()
    }
  })

  it("reports a process that answers with errors, and one that exits", async () => {
    const script = join(dir, "refuse.mjs")
    await writeFile(
      script,
      `import { createInterface } from "node:readline"
createInterface({ input: process.stdin }).on("line", () => process.stdout.write('{"error":"unsupported"}\\n'))
`
    )
    const refusing = await spawnImplementation(`"${process.execPath}" "${script}"`)
    const onlyCbor: Vectors = { cbor: vectors.cbor!, missing: [] }
    try {
      const report = await runConformance(refusing, onlyCbor)
      expect(report.passed).toBe(0)
      expect(report.failures[0]!.actual).toEqual({ error: "encodeCbor: unsupported" })
    } finally {
      await refusing.close()
    }
    const exiting = await spawnImplementation(`"${process.execPath}" -e "process.exit(3)"`)
    try {
      const report = await runConformance(exiting, onlyCbor)
      expect(report.passed).toBe(0)
      expect(report.failed).toBe(vectors.cbor!.vectors.length)
    } finally {
      await exiting.close()
    }
  })

  it("the CLI prints one line per failure and a summary, and exits non-zero", async () => {
    const script = join(dir, "wrong-hash.mjs")
    // Our own server, with every state hash replaced.
    await writeFile(
      script,
      `import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
const inner = spawn(process.execPath, ["--conditions=@affinity/source", ${JSON.stringify(cli)}, "--serve"], { stdio: ["pipe", "pipe", "inherit"] })
createInterface({ input: process.stdin }).on("line", (l) => inner.stdin.write(l + "\\n")).on("close", () => inner.stdin.end())
createInterface({ input: inner.stdout }).on("line", (l) => {
  const r = JSON.parse(l)
  if (typeof r.stateHash === "string") r.stateHash = "00".repeat(32)
  process.stdout.write(JSON.stringify(r) + "\\n")
})
`
    )
    const run = spawnSync(
      process.execPath,
      ["--conditions=@affinity/source", cli, "--only", "scenarios", "--exec", `"${process.execPath}" "${script}"`],
      { encoding: "utf8", cwd: root }
    )
    const lines = run.stdout.trim().split("\n")
    const n = vectors.scenarios!.vectors.length
    expect(run.status).toBe(1)
    expect(lines.filter((l) => l.startsWith("FAIL scenarios.json ")).length).toBe(n)
    expect(lines.at(-1)).toBe(`0 passed, ${n} failed`)

    const ok = spawnSync(process.execPath, ["--conditions=@affinity/source", cli, "--only", "cbor,events"], {
      encoding: "utf8",
      cwd: root
    })
    expect(ok.status).toBe(0)
    expect(ok.stdout.trim().split("\n").at(-1)).toBe(
      `${vectors.cbor!.vectors.length + vectors.events!.vectors.length} passed, 0 failed`
    )
  })

  it("the CLI skips a missing file with a notice", async () => {
    const partial = join(dir, "partial")
    await rm(partial, { recursive: true, force: true })
    await mkdir(partial)
    await writeFile(join(partial, "cbor.json"), await readFile(join(vectorDir, "cbor.json"), "utf8"))
    const run = spawnSync(process.execPath, ["--conditions=@affinity/source", cli, "--vectors", partial], {
      encoding: "utf8",
      cwd: root
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("notice: signatures.json not found")
    expect(run.stdout.trim().split("\n").at(-1)).toBe(`${vectors.cbor!.vectors.length} passed, 0 failed`)
  })
})
