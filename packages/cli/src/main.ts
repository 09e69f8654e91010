#!/usr/bin/env node
/**
 * The `affinity` command: runs the CLI on the process's arguments and sets its exit code.
 *
 * @module
 */
import { run } from "./Run.ts"

// A reader that stops early (`affinity record | head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e
})

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env
})
