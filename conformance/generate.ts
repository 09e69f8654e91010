/**
 * Writes the conformance vectors `cbor.json`, `events.json` and `scenarios.json` into
 * `conformance/vectors/` (`signatures.json` is maintained on its own).
 *
 * The generation itself lives in `packages/core/src/conformance/generate.ts`: fixed keys,
 * fixed times, hand-written expectations that the SDK is checked against before anything
 * is written. Running it again gives byte-identical files.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/generate.ts          # write the files
 * node --conditions=@affinity/source conformance/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises"
import { generateVectors } from "../packages/core/src/conformance/generate.ts"

const dir = new URL("./vectors/", import.meta.url)
const check = process.argv.includes("--check")

const files = await generateVectors()
let stale = 0
for (const [name, text] of Object.entries(files)) {
  const target = new URL(name, dir)
  if (check) {
    const current = await readFile(target, "utf8").catch(() => undefined)
    if (current !== text) {
      stale++
      console.log(`${name} differs from what the generator writes`)
    }
  } else {
    await writeFile(target, text)
    console.log(`wrote conformance/vectors/${name} (${text.length} bytes)`)
  }
}
if (check) {
  console.log(stale === 0 ? "vectors are up to date" : `${stale} file(s) out of date`)
  process.exitCode = stale === 0 ? 0 : 1
}
