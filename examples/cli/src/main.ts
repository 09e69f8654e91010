#!/usr/bin/env node
/**
 * `pnpm demo`: run the Affinity demo in a fresh temporary folder.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run } from "./demo.ts"
import { runAdministration } from "./administration.ts"
import { runDefense } from "./defense.ts"
import { runEconomy } from "./economy.ts"
import { runExpression } from "./expression.ts"
import { runGovernance } from "./governance.ts"
import { runJustice } from "./justice.ts"
import { runSync } from "./sync.ts"

const directory = await mkdtemp(join(tmpdir(), "affinity-demo-"))
try {
  const result = await run(directory)
  console.log("")
  await runGovernance(directory, console.log)
  console.log("")
  // One chapter per module, each a community of its own in the same folder.
  for (const chapter of [runAdministration, runJustice, runEconomy, runExpression, runDefense]) {
    await chapter(directory, console.log)
    console.log("")
  }
  const synced = await runSync(console.log)
  if (new Set(synced.hashes).size !== 1) process.exitCode = 1
  process.exitCode = result.hashAfter === result.hashBefore ? 0 : 1
} finally {
  await rm(directory, { recursive: true, force: true })
}
