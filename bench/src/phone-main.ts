/**
 * The phone-class check in a Node process of its own (see `phone.ts`), started by
 * `pnpm bench` through `measurePhoneApart` (`phone.ts`): `phone-main.ts <events> <runs>
 * [chromium]`. Progress goes to stderr, the rows to stdout as one line of JSON.
 *
 * @module
 */
import { measurePhone } from "./phone.ts"

const [events, runs, chromium] = process.argv.slice(2)
const rows = await measurePhone({
  events: Number(events),
  runs: Number(runs),
  ...(chromium ? { chromium } : {}),
  progress: (line) => process.stderr.write(`${line}\n`)
})
process.stdout.write(`${JSON.stringify(rows)}\n`)
