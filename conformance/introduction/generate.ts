/**
 * Writes `conformance/vectors/introduction.json`: introductions to a relay (see
 * `docs/protocol.md`, §13, S14). The generation lives in
 * `packages/core/src/conformance/introduction.ts`: fixed keys, a fixed community and fixed
 * times; running it again gives the same file.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/introduction/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/introduction/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises"
import { generateIntroductionVectors } from "../../packages/core/src/conformance/introduction.ts"

const target = new URL("../vectors/introduction.json", import.meta.url)
const text = generateIntroductionVectors()
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => undefined)
  console.log(current === text ? "introduction.json is up to date" : "introduction.json differs from what the generator writes")
  process.exitCode = current === text ? 0 : 1
} else {
  await writeFile(target, text)
  console.log(`wrote conformance/vectors/introduction.json (${text.length} bytes)`)
}
