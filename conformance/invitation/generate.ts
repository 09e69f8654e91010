/**
 * Writes `conformance/vectors/invitation.json`: invitations to a community (see
 * `docs/protocol.md`, §13, S15). The generation lives in
 * `packages/core/src/conformance/invitation.ts`: fixed keys, a fixed genesis and fixed
 * relays; running it again gives the same file.
 *
 * ```sh
 * node --conditions=@affinity/source conformance/invitation/generate.ts          # write the file
 * node --conditions=@affinity/source conformance/invitation/generate.ts --check  # only compare
 * ```
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises"
import { generateInvitationVectors } from "../../packages/core/src/conformance/invitation.ts"

const target = new URL("../vectors/invitation.json", import.meta.url)
const text = await generateInvitationVectors()
if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => undefined)
  console.log(current === text ? "invitation.json is up to date" : "invitation.json differs from what the generator writes")
  process.exitCode = current === text ? 0 : 1
} else {
  await writeFile(target, text)
  console.log(`wrote conformance/vectors/invitation.json (${text.length} bytes)`)
}
