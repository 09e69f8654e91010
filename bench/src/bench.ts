/**
 * `pnpm bench`: how fast Affinity verifies, ingests and replays a community's history, how
 * much memory an open community holds, what standing and queries between modules add to the
 * fold, and how large the browser bundles are, each beside the platform's raw primitive, the
 * plain fold or the target it is held to.
 *
 * @module
 */
import { Community, Crypto } from "@affinity/core"
import { mkdir, writeFile } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { measureBundles } from "./bundle.ts"
import { measureGovernance } from "./governance.ts"
import { measureKernel } from "./kernel.ts"
import * as Administration from "@affinity/administration"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"
import { measureAdministration } from "./administration.ts"
import { measureEconomy } from "./economy.ts"
import { measureExpression } from "./expression.ts"
import { measureSync } from "./sync.ts"
import { HEAP_TARGET, measureHeap } from "./heap.ts"
import { build, type History } from "./history.ts"
import { INGEST_TARGET, measureHold, measureIngest, type Reference, unchecked } from "./ingest.ts"
import { measureReplay, REPLAY_TARGET, store } from "./replay.ts"
import { count, document, type Environment, percent, type Row, size, table } from "./report.ts"
import { APP_BUNDLE_TARGET, INTERACTIVE_TARGET, measurePhoneApart, TASK_TARGET, THROTTLE } from "./phone.ts"
import { measureVerify } from "./verify.ts"

/** The repository's root directory. */
export const root: string = fileURLToPath(new URL("../../", import.meta.url))

/** Settings of one run, from the command line. */
export interface Settings {
  /** Events in the history, the genesis included. */
  readonly events: number
  /** Signatures given to noble's `verifyBatch`, and events of the noble ingest. */
  readonly nobleEvents: number
  /** Events per `receive` call. */
  readonly chunk: number
  readonly runs: number
  readonly warmup: number
  /** Events of the community the phone-class check opens in Chromium. */
  readonly phoneEvents: number
  /** Throttled page loads of the phone-class check. */
  readonly phoneRuns: number
  readonly out: string
  readonly quick: boolean
}

const positive = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback
  const n = Number(text.replaceAll("_", ""))
  if (!Number.isSafeInteger(n) || n < 2) throw new Error(`--${flag} needs a whole number of at least 2, not ${JSON.stringify(text)}`)
  return n
}

/** Read the flags: `--events N`, `--out PATH`, `--quick` (and `--chunk N`, `--runs N`, `--phone-events N`). */
export const settings = (args: ReadonlyArray<string>): Settings => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: "string" },
      out: { type: "string" },
      quick: { type: "boolean", default: false },
      chunk: { type: "string" },
      runs: { type: "string" },
      "phone-events": { type: "string" }
    },
    strict: true,
    allowPositionals: false
  })
  const quick = values.quick === true
  const events = positive("events", values.events, quick ? 1500 : 100_000)
  const runs = values.runs === undefined ? 3 : Math.max(1, positive("runs", values.runs, 3))
  return {
    events,
    nobleEvents: Math.min(events, quick ? 200 : 3000),
    chunk: positive("chunk", values.chunk, 1024),
    runs,
    warmup: 1,
    phoneEvents: positive("phone-events", values["phone-events"], 10_000),
    phoneRuns: quick && values.runs === undefined ? 1 : runs,
    out: values.out === undefined ? path.join(root, "docs", "benchmarks.md") : path.resolve(values.out),
    quick
  }
}

/** Where the report goes: the table to `table`, progress notes to `progress`. */
export interface Output {
  readonly table: (text: string) => void
  readonly progress: (text: string) => void
}

const consoleOutput: Output = {
  table: (text) => void process.stdout.write(`${text}\n`),
  progress: (text) => void process.stderr.write(`${text}\n`)
}

/** What a run produced. */
export interface Report {
  readonly settings: Settings
  readonly environment: Environment
  readonly rows: ReadonlyArray<Row>
  /** The Markdown written to `settings.out`. */
  readonly markdown: string
}

const sections = (s: Settings, history: History, best: string): ReadonlyArray<readonly [string, string]> => {
  const m = history.mix
  return [
    [
      "The history",
      `Every row runs on one history, built and signed once before anything is timed: a genesis with ${m.founders} founders, ` +
        `then ${count(m.ticks)} \`core/tick\` events by the founders and the devices they added, ${count(m.applies)} \`core/member.apply\` ` +
        `by new keys and ${count(m.deviceAdds)} \`core/device.add\` (each carrying the new key's consent signature). Each event cites ` +
        `the current heads as parents; ${count(m.bursts)} times two or three members wrote concurrently on the same heads, and the ` +
        `next event merged them (at most ${m.maxParents} parents). Every event is valid and every one is applied by the fold.`
    ],
    [
      "Signature verification",
      `Each *Verify: provider (verifyBatch)* row hands the history's own signed messages (the signing domain and the event id) ` +
        `to one Crypto provider's \`verifyBatch\` in a single call, with the protocol's byte checks (\`Crypto.precheck\`) and the ` +
        `provider's key cache included, and reports signatures per second (\`node\` shares them among worker threads, ` +
        `\`webcrypto\` starts them all at once); noble, pure JavaScript, gets the first ` +
        `${count(s.nobleEvents)}. *node:crypto raw (callbacks, one KeyObject)* is the platform's primitive without our wrapper: ` +
        `\`crypto.verify\` with a callback on one imported key (the busiest author's signatures, repeated up to 25,000 ` +
        `verifications), all started in a tight loop so libuv's thread pool runs them in parallel; *raw (sync, one thread)* is ` +
        `the same without a callback, one after the other on the main thread: the rate of a single core. The gap between the ` +
        `two is what the thread pool adds on this machine's cores.`
    ],
    [
      "Untrusted ingest",
      `*Ingest: provider* times what a replica does with bytes from a peer: \`Community.join\` on the genesis, then \`receive\` ` +
        `of ${count(s.chunk)} wire events at a time into memory storage, each event decoded, checked against the community, its ` +
        `signature (and any consent signature in its body) verified, linked into the log and folded; storage appends are included. ` +
        `The rate is events per second, and the ratio compares it to the fastest verification rate measured above, whether a ` +
        `provider's \`verifyBatch\` or the platform's raw primitive: the share of the verification ceiling that survives ` +
        `everything else ingest does (target ≥ ${percent(INGEST_TARGET)}). With \`node\`, signatures are verified on worker ` +
        `threads (one per core, synchronous \`crypto.verify\`) while decoding and folding run on the main thread; on a machine ` +
        `with few cores the two compete for the same cores, and the ratio can only approach the target when the main thread's ` +
        `work per event is small beside a verification. *Fold steps per event* counts how many times the fold applied an event: ` +
        `above 1 means events were folded again (from the latest state snapshot) when later ones arrived. ` +
        `The best provider on this runtime is \`${best}\` and ingests the whole history; noble ingests its first ` +
        `${count(s.nobleEvents)} events. *Signatures not checked (main-thread ceiling)* is the same ingest with a stand-in ` +
        `provider that accepts every signature without looking at it: the rate of everything ingest does besides ` +
        `verification. *CPU per event* splits the CPU time of the process's threads during the timed runs of the best ` +
        `provider's ingest (read from \`/proc\`, so on Linux only): the verification workers, the main thread, the engine's ` +
        `helper threads (mostly garbage collection) and the rest. From these costs it derives the highest rate ingest could ` +
        `reach if every core were busy all the time, and how much CPU per event everything besides verification may take ` +
        `for the target to be reachable at this verification cost: with verification on the same cores as everything else, ` +
        `the ratio cannot exceed verification's share of the CPU an event costs. Noble's row is compared with noble's own ` +
        `\`verifyBatch\` rate: where it is the only provider (no native ed25519), that is the fastest available. It is ` +
        `measured right after the verification rows, before the whole-history ingests: the heap those leave behind made the ` +
        `same runs a tenth to a quarter slower. *Held ahead of the clock, then released* feeds the first ` +
        `${count(Math.min(s.events, history.size, Community.defaultHoldLimits.maxHeld + 1))} events (no more than a community holds by default) to a device whose ` +
        `clock is a day behind them, so each is verified and held (protocol §6, "Events ahead of this device's clock"), then ` +
        `moves the clock past them and releases them all in one \`release()\` (linked, folded and stored; not verified again); ` +
        `its ratio is that time over the time of receiving the same events with the clock already past them, the two timed ` +
        `alternately in this run with the best provider and without local checkpoints (the one \`release()\` would otherwise ` +
        `be spared the checkpoints \`receive\` writes every 1,024 events).`
    ],
    [
      "Replay of stored history",
      `The history is stored once through \`@affinity/storage-fs\` in a temporary directory (by ingesting it, then ` +
        `\`community.checkpoint()\`, as a client does when it closes). Each replay row times \`Community.open(id)\` with a ` +
        `fresh storage layer each run, so the log file is read (from the page cache) and its frames checked; stored events ` +
        `were verified when they arrived and their signatures are not checked again. ` +
        `*Replay: Community.open with checkpoint* is the normal path (target ≥ ${count(REPLAY_TARGET)} events/s): every ` +
        `stored record is read into the log on a short path (header fields read in place, links checked; bodies are ` +
        `neither hashed nor decoded except for key-registry events). The records the local checkpoint covers are checked ` +
        `with one pass of SHA-256 over all of them against the digest it recorded, and their ids are then taken from the ` +
        `checkpoint rather than hashed one by one (protocol §10.1); the checkpoint of the fold (module states and outcomes) ` +
        `is checked and restored, and only events stored after it are folded (none here). *Replay: Community.open, full ` +
        `re-fold (no checkpoint)* opens the same store with \`checkpoint: false\`: the same log rebuild with every id ` +
        `hashed again, then every event decoded and folded from the ` +
        `genesis, which is also what happens when a checkpoint is missing, damaged or stale. Both rows give the longest ` +
        `task: the longest time the event loop waited between two turns (a \`setImmediate\` chain) during one open, ` +
        `which includes garbage-collection pauses and the storage adapter's own work; \`open\` yields after about 8 ms of ` +
        `its own work. The two rows below split the full re-fold: *Event.decode only* decodes every wire event ` +
        `(strict canonical CBOR, body and header hashes), and *in-memory fold only* runs \`Replica.open\` and \`ingest\` on ` +
        `events decoded beforehand.`
    ],
    [
      "Memory",
      `*Heap: open community* opens the stored community from storage-fs (from its checkpoint) and holds it, collects garbage ` +
        `(\`global.gc()\` until the heap stops shrinking) and reads \`process.memoryUsage()\`; then lets it go, collects again and ` +
        `reads again. The difference of \`heapUsed + arrayBuffers\` is what the open community holds (log indexes, fold order, ` +
        `outcomes, state snapshots, and the stored bytes themselves); it is given per event and as a multiple of the events' ` +
        `encoded size (target ≤ ${HEAP_TARGET}×).`
    ],
    [
      "Sync",
      `*Sync: k missing of N* builds two in-memory replicas of one history, one of them without its last k events, joins ` +
        `them by a simulated link (one virtual millisecond per hop, no faults) and runs the sync protocol until both hold the ` +
        `same events; round trips count from the first hello, bytes are everything both sides sent besides the missing events ` +
        `themselves (target for k = 1: ≤ 3 round trips and ≤ 2 KB). The detail gives the same with heads comparison turned off ` +
        `(reconciliation alone) and the size of a naive exchange of every id. *Full sync* sends a whole history to an empty ` +
        `replica (target ≤ 5% over the events' own bytes). *Relay* runs a relay in its own process on file storage with ` +
        `concurrent WebSocket clients on loopback, each introducing its community and sending its events; it is then killed and ` +
        `restarted on the same folder, and every acknowledged event must still be there (target: none lost). *Relay on SQLite* ` +
        `runs the same right after with the relay on \`@affinity/storage-sqlite\` (its default store) and gives its rate as a ` +
        `ratio of the file store's in that run (a comparison, not a target), with the same target on losses.`
    ],
    [
      "Governance",
      `*Decide a proposal with 1,000 stances* times the fold of the \`governance/proposal.close\` event that computes the ` +
        `outcome from the stances the community had seen before the deadline. *Rank members for six groups* times the pure ` +
        `lot: the seed from the reveals, then every eligible member's score for each of the six prime groups. *Draw six prime ` +
        `groups (fold)* times the fold of one \`governance/term.draw\` event in a community of 2,000 members. The rows of a ` +
        `10,000-member community (building it by admissions, a close, a draw, memory, subscribed appends) are run apart, by ` +
        `\`pnpm bench scale\`.`
    ],
    [
      "Kernel",
      `What the kernel's meeting points between modules cost the fold. One history of member acts (\`acts/act\`, each ` +
        `by the next member in turn and citing the one before, in a community whose members are all founders) is signed ` +
        `once, decoded, and folded by \`Replica.ingest\` in two ways, alternately in the same run: *without standing or ` +
        `queries*, by modules that provide no standing and ask nothing; and *with standing and a query per act*, by the ` +
        `same modules where one (\`guard\`) provides standing with restrictions in force on subjects other than the ` +
        `members, so the gate asks it before every act and stops none, and each act's \`validate\` asks another module ` +
        `(\`roster/listed\`) whether its author is listed. Both folds reach the same state, so the difference is the ` +
        `kernel's work: the gate and one query per event. The third row gives the second fold as a multiple of the first.`
    ],
    [
      "Modules",
      `*Administration* sends a batch of applications (\`core/member.apply\` by new keys) to a replica three ways in one ` +
        `run: with no module keeping membership rules, with administration's rules letting them in, and with a rule ` +
        `asking for an invitation they lack, so that each is judged at the door (protocol §9, "Applications refused at the ` +
        `door") and none is stored. *Economy* folds a history of \`economy/pay\` events (a currency created by decision, demurrage on, no payment ` +
        `refused) beside a plain fold of as many member acts in the same run, and asks \`balance\` of every account and ` +
        `\`concentration\` (top 10 % share and Gini, exact fractions) of a state of that many accounts, each settled for ` +
        `demurrage over up to 30 days in bigint. *Expression* signs posts in a private channel of 1,000 members, each with ` +
        `its XChaCha20-Poly1305 payload, times their fold (each post's check finds its key epoch from the members in its ` +
        `causal past) and their decryption, then a key rotation: the fold of a member's removal (a new epoch) and sealing the ` +
        `new key to every remaining member's device with \`Seal\` (X25519), and the bytes of the key event.`
    ],
    [
      "Bundle size",
      `*Bundle: package* bundles the package's \`src/index.ts\` with esbuild for the browser (ESM, minified, tree-shaken, ` +
        `\`@affinity/source\` condition) with everything it imports (effect, @noble, cborg, and core for the modules), and ` +
        `reports the minified bytes and the gzip size (zlib level 9). Each module's bundle includes the part of core it uses; ` +
        `*beside core* is what the module adds to an application that already bundles all of core (core and the module ` +
        `bundled together, minus core alone).`
    ],
    [
      "Phone-class check",
      `The web app (\`examples/web\`, built with \`vite build\` for production) opens a community of ${count(s.phoneEvents)} events ` +
        `from IndexedDB in Debian's Chromium (headless, through \`@affinity/test-chromium\`) with the CPU slowed ${THROTTLE}× by the ` +
        `DevTools protocol (\`Emulation.setCPUThrottlingRate\`), in a phone-sized viewport (390 × 844). The history is built and ` +
        `signed in Node like the one above, with governance in it (proposals, some admitting an applicant, the founders' stances, ` +
        `closes), written as an export file and imported through the app's own *Import*, unthrottled and not timed, so the ` +
        `database holds exactly what the app stores. Each run then loads \`?community=<id>\` in a new tab: *open* is the time ` +
        `from navigation start to the app's \`affinity:interactive\` mark (set when the community's state is first rendered: ` +
        `script load, the device key, reading the log from IndexedDB, decoding and folding it, the first render); ` +
        `*longest main-thread task* is the longest \`longtask\` entry (tasks of 50 ms or more, from a \`PerformanceObserver\` ` +
        `registered before the app's script) from the start of the page until a second after the mark. Each run checks that the ` +
        `page shows every event and the state hash Node computes. Median of ${s.phoneRuns} run${s.phoneRuns === 1 ? "" : "s"}, the ` +
        `worst beside it (targets: interactive ≤ ${count(INTERACTIVE_TARGET)} ms, no task over ${TASK_TARGET} ms). ` +
        `*App bundle* is every JavaScript file of the build, each gzipped (zlib level 9), beside the CSS and HTML ` +
        `(target ≤ ${size(APP_BUNDLE_TARGET)} gzip of JavaScript, SDK included). Without Chromium the page rows say "skipped" and the bundle is still measured. ` +
        `The check runs in a Node process of its own: in the main one, which the earlier sections leave holding over 500 MB ` +
        `of heap not yet collected, the same loads were a fifth to a third slower. Where the time goes (traces of the same load, and long-animation-frame ` +
        `entries naming the script of each long task): evaluating the bundle's modules (the longest task, about 60 to 90 ms at ` +
        `${THROTTLE}× slower), reading the log from IndexedDB (each request's values are decoded in one task, so the adapter ` +
        `stores and reads runs of about 256 KB), rebuilding the log from the stored records (ids of the records the checkpoint ` +
        `covers come from it, after one pass of SHA-256 over those records, in slices), restoring the checkpoint in steps, and ` +
        "the first render. `Community.open` gives the page a turn after about 8 ms of work. `longtask` entries do not count " +
        "the browser's rendering: the frame of the first render (its script, then style, layout and paint) is longer than " +
        "its task, about 75 to 135 ms in long-animation-frame entries."
    ]
  ]
}

/** Run every benchmark, print the table and write the report; returns what it found. */
export const main = async (args: ReadonlyArray<string>, output: Output = consoleOutput): Promise<Report> => {
  const s = settings(args)
  const note = output.progress
  const started = performance.now()
  const step = (text: string) => note(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${text}`)

  step(`building and signing a history of ${count(s.events)} events`)
  const history = build({ events: s.events })
  const shapes = await Crypto.providers()
  const bestName = (await Crypto.makeBest()).name
  const best = shapes.find((shape) => shape.name === bestName) ?? shapes[0]!
  const noble = shapes.find((shape) => shape.name === "noble")

  const rows: Array<Row> = []
  step(`raw verification (${shapes.map((x) => x.name).join(", ")})`)
  const verified = await measureVerify(history, shapes, { nobleCount: s.nobleEvents, runs: s.runs, warmup: s.warmup })
  rows.push(...verified.rows)

  // The fastest verification measured in this run, providers and the platform's raw primitive alike.
  const [fastestName, fastestRate] = [...verified.rates].reduce((a, b) => (b[1] > a[1] ? b : a))
  const fastest: Reference = { rate: fastestRate, words: `the fastest verify rate of this run (${fastestName})` }
  const ingestOptions = { events: s.events, chunk: s.chunk, runs: s.runs, warmup: s.warmup }
  // Noble's ingest first, as its `verifyBatch` was measured: after the whole-history ingests
  // below, the heap they leave behind made the same runs a tenth to a quarter slower.
  const nobleRate = verified.rates.get("noble (verifyBatch)")
  let nobleRows: ReadonlyArray<Row> = []
  if (noble !== undefined && noble !== best && nobleRate !== undefined) {
    step("ingest with noble")
    // Where noble is all there is (no native ed25519), its own rate is the fastest available.
    nobleRows = await measureIngest(history, noble, { rate: nobleRate, words: "noble's own `verifyBatch` rate (the fastest where it is the only provider)" }, {
      ...ingestOptions,
      events: s.nobleEvents
    })
  }
  step(`ingest with ${best.name}`)
  rows.push(...(await measureIngest(history, best, fastest, { ...ingestOptions, account: true })))
  step("ingest without signature checks")
  rows.push(...(await measureIngest(history, unchecked(best), fastest, ingestOptions, { name: "Ingest: signatures not checked (main-thread ceiling)" })))
  step("ingest of events held ahead of the clock, then released")
  rows.push(...(await measureHold(history, best, ingestOptions)))
  rows.push(...nobleRows)

  step("storing the history with storage-fs")
  const stored = await store(history, best, s.chunk)
  try {
    step("replay")
    rows.push(...(await measureReplay(history, best, stored, { runs: s.runs, warmup: s.warmup })))
    step("heap")
    rows.push(...(await measureHeap(history, best, stored)))
  } finally {
    await stored.dispose()
  }

  step("sync")
  const synced = await measureSync(
    s.quick
      ? { events: 2000, missing: [1, 10, 100], clients: 5, perClient: 50, progress: step }
      : { events: 100_000, missing: [1, 100, 10_000], clients: 50, perClient: 1000, progress: step }
  )
  rows.push(...synced.map((r) => ({ section: "sync" as const, ...r })))

  step("governance")
  const governance = await measureGovernance(
    s.quick ? { runs: 3, stances: 200, rankMembers: 2000, drawMembers: 300, progress: step } : { progress: step }
  )
  rows.push(...governance.map((r) => ({ section: "governance" as const, ...r })))

  step("kernel: standing and queries")
  const kernel = await measureKernel(
    s.quick ? { events: 2000, members: 100, restrictions: 100, runs: 3, progress: step } : { progress: step }
  )
  rows.push(...kernel.rows)

  step("administration: applications at the door")
  rows.push(...(await measureAdministration(Administration.module, Governance.module, s.quick ? { applications: 100, runs: 2 } : {})))

  step("economy")
  const economy = await measureEconomy(
    Economy.module,
    s.quick ? { payments: 2000, members: 50, accounts: 500, runs: 2, progress: step } : { progress: step }
  )
  rows.push(...economy.rows)

  step("expression")
  rows.push(...(await measureExpression(s.quick ? { members: 50, messages: 200, runs: 2, progress: step } : { progress: step })))

  step("bundles")
  rows.push(...(await measureBundles(root)))

  step("phone-class check")
  rows.push(...(await measurePhoneApart({ events: s.phoneEvents, runs: s.phoneRuns, progress: step })))

  const cpus = os.cpus()
  const environment: Environment = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? os.machine(),
    cores: cpus.length,
    events: history.size,
    encodedBytes: history.encodedBytes,
    quick: s.quick
  }
  const markdown = document(environment, rows, sections(s, history, best.name))
  await mkdir(path.dirname(s.out), { recursive: true })
  await writeFile(s.out, markdown)
  output.table(table(rows))
  step(`wrote ${s.out}`)
  return { settings: s, environment, rows, markdown }
}
