/**
 * `pnpm bench scale`: a community grown to 10,000 members by admissions (see
 * `admissions.ts`), measured side by side in one run: the fold's cost per event at 10,000
 * members against its cost at 1,000, a close counting 10,000 stances, a draw of the six
 * prime groups among 10,000 members, the heap the folded community holds against its encoded
 * size, and appending to a subscribed community against an unsubscribed one.
 *
 * @module
 */
import { Community, Crypto, type Event, Keys, type Replica } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Effect } from "effect"
import { parseArgs } from "node:util"
import { type Admissions, admissions, LAYERS } from "./admissions.ts"
import { memoryLayer, unchecked } from "./ingest.ts"
import { collect, median, settle } from "./measure.ts"
import { count, millis, type Row, size, table } from "./report.ts"

/** Most cost per event at the large size, as a multiple of the cost at the small one. */
export const FOLD_RATIO_TARGET = 1.5
/** Most time for the fold of a close that counts a stance of every member. */
export const CLOSE_TARGET = 50
/** Most time for the fold of a draw of the six prime groups. */
export const DRAW_TARGET = 200
/** Most bytes a folded community may hold per byte of its encoded events. */
export const HEAP_RATIO_TARGET = 5
/** Most time an append to a subscribed community may take, as a multiple of an unsubscribed one. */
export const SUBSCRIBED_TARGET = 2

/** Options of {@link measureScale}. */
export interface ScaleOptions {
  /** Members at the end. Default 10,000. */
  readonly members?: number
  /** Members at which the fold's cost per event is compared with the end. Default 1,000. */
  readonly small?: number
  /** Appends timed with and without a subscriber. Default 40. */
  readonly appends?: number
  readonly progress?: (line: string) => void
}

const ratio = (x: number): string => `${x.toFixed(2)}×`

const foldOne = (replica: Replica.Replica, event: Event.Event, what: string): number => {
  const start = performance.now()
  replica.ingest([event])
  const ms = performance.now() - start
  const outcome = replica.outcome(event.key)
  if (outcome?._tag !== "Applied") throw new Error(`scale bench: ${what} was not applied: ${JSON.stringify(outcome)}`)
  return ms
}

/**
 * Fold the admissions batch by batch, timing the batches that start within `window` members
 * of `small` and of the end; the median cost per event of each.
 */
const foldAdmissions = (a: Admissions, replica: Replica.Replica, small: number, window: number) => {
  const events = a.chain.events
  replica.ingest(events.slice(1, a.starts[0]!))
  const end = a.sizes[a.sizes.length - 1]!
  const early: Array<number> = []
  const late: Array<number> = []
  for (let b = 0; b + 1 < a.starts.length; b++) {
    const batch = events.slice(a.starts[b]!, a.starts[b + 1]!)
    const m = a.sizes[b]!
    const into = m >= small && m < small + window ? early : m >= end - window ? late : undefined
    if (into === undefined) {
      replica.ingest(batch)
      continue
    }
    // One collection before each window, none inside it: a forced collection makes the
    // engine mark the whole heap again soon after, which the signed history dominates here.
    if (into.length === 0) collect()
    const start = performance.now()
    replica.ingest(batch)
    into.push(((performance.now() - start) * 1000) / batch.length)
  }
  return { early: median(early), late: median(late), batches: [early.length, late.length] as const }
}

/** The rows (see the module's description). */
export const measureScale = async (options: ScaleOptions = {}): Promise<ReadonlyArray<Row>> => {
  const members = options.members ?? 10_000
  const small = options.small ?? Math.min(1000, Math.floor(members / 10))
  const appends = options.appends ?? 40
  const progress = options.progress ?? (() => {})
  // Twenty batches of admissions at each size.
  const window = 200

  progress(`scale: signing a community of ${count(members)} members built by admissions…`)
  const a = admissions(members)
  const chain = a.chain
  const built = chain.events.length
  const founders = a.founders
  // A proposal every member takes a stance on, then its close.
  const deadline = chain.time + Governance.HOUR + 60_000
  const open = chain.add(founders[0]!, Governance.propose({ title: "Everyone", process: "consent", deadline }))
  for (const m of a.members) chain.add(m, Governance.stance(open.key, "agree"))
  chain.add(founders[0]!, { module: "core", type: "tick", body: {} }, deadline)
  chain.add(founders[1]!, { module: "core", type: "tick", body: {} }, deadline)
  const close = chain.add(founders[2]!, Governance.close(open.key))
  // The founders reveal for term 1; community time reaches its start; the draw.
  founders.forEach((f, k) => chain.add(f, Governance.reveal(1, Governance.Lot.layer(a.secrets[k]!, LAYERS, 1))))
  const term1 = chain.genesis.header.time + 90 * Governance.DAY
  chain.add(founders[0]!, { module: "core", type: "tick", body: {} }, term1)
  chain.add(founders[1]!, { module: "core", type: "tick", body: {} }, term1)
  const draw = chain.add(founders[2]!, Governance.draw(1))
  // Left open for the appends below: community time stays near the start of term 1.
  const later = chain.add(founders[0]!, Governance.propose({ title: "Later", process: "consent", deadline: term1 + 80 * Governance.DAY }))
  const encoded = chain.bytes

  progress(`scale: folding ${count(chain.events.length)} events…`)
  let replica: Replica.Replica | undefined = chain.replica()
  const started = performance.now()
  const fold = foldAdmissions(a, replica, small, window)
  const buildMs = performance.now() - started
  replica.ingest(chain.events.slice(built, chain.events.indexOf(close)))
  const closeMs = foldOne(replica, close, "the close")
  const decided = replica.state<Governance.State>(Governance.module).proposals[open.key]!.decision!
  if (decided.stances.length !== members) throw new Error(`scale bench: the close counted ${decided.stances.length} stances`)
  replica.ingest(chain.events.slice(chain.events.indexOf(close) + 1, chain.events.indexOf(draw)))
  const drawMs = foldOne(replica, draw, "the draw")
  const drawn = replica.state<Governance.State>(Governance.module).terms["1"]!
  if (drawn.full.length !== members) throw new Error(`scale bench: the draw saw ${drawn.full.length} full members`)

  progress("scale: heap…")
  const usage = () => {
    settle()
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  replica.ingest(chain.events.slice(chain.events.indexOf(draw) + 1))
  const withIt = usage()
  const events = replica.log.size
  let checkpoint: Replica.Checkpoint | undefined = replica.checkpoint()
  if (checkpoint === undefined) throw new Error("scale bench: no checkpoint of the folded community")
  replica = undefined
  const without = usage()
  // The replica's wire bytes are the signed history's own (shared), so they are added once.
  const heap = Math.max(0, withIt - without) + encoded
  const heapRatio = heap / encoded
  // The same community opened as a device opens it: its stored events and its checkpoint.
  const reopenedAt = usage()
  let reopened: Replica.Replica | undefined = chain.replica()
  for (let i = 1; i < chain.events.length; i++) {
    const problem = reopened.loadStored(chain.events[i]!.bytes, checkpoint.size)
    if (problem !== undefined) throw new Error(`scale bench: a stored event does not load: ${problem}`)
  }
  const resumed = reopened.resume(checkpoint)
  if (resumed._tag !== "FromCheckpoint") throw new Error(`scale bench: the checkpoint was not used: ${resumed.reason}`)
  reopened.fold()
  checkpoint = undefined
  const openHeap = Math.max(0, usage() - reopenedAt) + encoded
  const openRatio = openHeap / encoded
  if (reopened.log.size !== events) throw new Error("scale bench: the reopened community lacks events")
  reopened = undefined

  progress("scale: appends with and without a subscriber…")
  const ticks = await measureAppends(chain.events, founders[0]!.secret, appends, { module: "core", type: "tick", body: {} })
  const stances = await measureAppends(chain.events, founders[0]!.secret, appends, Governance.stance(later.key, "agree"))

  return [
    {
      section: "governance",
      name: `Scale: fold per event while admitting, ${count(members)} vs ${count(small)} members`,
      result: ratio(fold.late / fold.early),
      detail:
        `\`Replica.ingest\` of each batch of ${count(10)} admissions (applications, consent proposals carrying ` +
        `\`core/member.admit\`, two stances each, two ticks, the closes), signed beforehand: ${fold.late.toFixed(1)} µs/event ` +
        `for the last ${fold.batches[1]} batches (${count(members - window)} to ${count(members)} members) against ` +
        `${fold.early.toFixed(1)} µs/event for ${fold.batches[0]} batches from ${count(small)} members (medians); the whole ` +
        `community folded in ${millis(buildMs)}`,
      target: { text: `≤ ${FOLD_RATIO_TARGET}×`, met: fold.late / fold.early <= FOLD_RATIO_TARGET }
    },
    {
      section: "governance",
      name: `Scale: close with ${count(members)} stances (fold)`,
      result: millis(closeMs),
      detail:
        `fold of the \`governance/proposal.close\` of a consent proposal on which every one of ${count(members)} full members ` +
        `took a stance: each stance is counted when w(n) members had seen it before the deadline`,
      target: { text: `≤ ${CLOSE_TARGET} ms`, met: closeMs <= CLOSE_TARGET }
    },
    {
      section: "governance",
      name: `Scale: draw six prime groups among ${count(members)} members (fold)`,
      result: millis(drawMs),
      detail:
        `fold of the \`governance/term.draw\` of term 1: the full members in its past, the seed from ${drawn.reveals.length} ` +
        `reveals the community had seen, the commitments, then every member scored and sorted for each of the six groups`,
      target: { text: `≤ ${DRAW_TARGET} ms`, met: drawMs <= DRAW_TARGET }
    },
    {
      section: "governance",
      name: `Scale: heap of an open ${count(members)}-member community`,
      result: ratio(openRatio),
      detail:
        `${size(openHeap)} held by the replica of ${count(events)} events opened as a device opens it, from its stored ` +
        `events and its checkpoint (heap and array buffers with it, less before it, after full collections, plus the ` +
        `${size(encoded)} of wire bytes it shares with the signed history), against those ${size(encoded)} encoded`,
      target: { text: `≤ ${HEAP_RATIO_TARGET}× encoded size`, met: openRatio <= HEAP_RATIO_TARGET }
    },
    {
      section: "governance",
      name: `Scale: heap of a ${count(members)}-member community just folded`,
      result: ratio(heapRatio),
      detail:
        `${size(heap)} held by the replica that folded the ${count(events)} events one batch at a time (measured as above); ` +
        `besides the state it keeps each event's witness list and community time, its trail of recent states and its ` +
        `snapshots, which a community opened from its checkpoint makes only as needed`
    },
    appendRow(`a tick to a subscribed ${count(members)}-member community`, "`core/tick` (it changes no state)", ticks, appends),
    appendRow(
      `a stance to a subscribed ${count(members)}-member community`,
      "`governance/stance` on an open proposal (it changes the governance state)",
      stances,
      appends
    )
  ]
}

const appendRow = (what: string, event: string, t: { readonly with: number; readonly without: number }, appends: number): Row => ({
  section: "governance",
  name: `Scale: append ${what}`,
  result: ratio(t.with / t.without),
  detail:
    `\`community.append\` of a ${event}, memory storage: ${millis(t.with)} with a listener (each change carries the state ` +
    `hash) against ${millis(t.without)} without, medians of ${appends} each`,
  target: { text: `≤ ${SUBSCRIBED_TARGET}×`, met: t.with / t.without <= SUBSCRIBED_TARGET }
})

/** A community receives the history (signatures not checked), then appends `draft` without and with a listener. */
const measureAppends = async (events: ReadonlyArray<Event.Event>, secret: Uint8Array, appends: number, draft: Governance.Draft) => {
  const shape = unchecked(await Crypto.makeBest())
  const program = Effect.gen(function* () {
    const community = yield* Community.join(events[0]!.bytes, { checkpoint: false, modules: [Governance.module] })
    const wire = events.slice(1).map((e) => e.bytes)
    for (let i = 0; i < wire.length; i += 1024) yield* community.receive(wire.slice(i, i + 1024))
    const device = yield* Keys.fromSecret(secret)
    const timeAppends = function* () {
      const samples: Array<number> = []
      for (let k = 0; k < appends; k++) {
        const start = performance.now()
        const r = yield* community.append(device, draft.module, draft.type, draft.body)
        if (r.outcome._tag !== "Applied") throw new Error(`scale bench: an append was not applied: ${JSON.stringify(r.outcome)}`)
        samples.push(performance.now() - start)
      }
      return median(samples)
    }
    const without = yield* timeAppends()
    let heard = 0
    const stop = community.subscribe(() => void heard++)
    const withIt = yield* timeAppends()
    stop()
    if (heard < appends) throw new Error(`scale bench: the listener heard ${heard} of ${appends} appends`)
    return { with: withIt, without }
  })
  return Effect.runPromise(Effect.provide(program, memoryLayer(shape)))
}

/** `pnpm bench scale [--members N] [--small N]`: run the scale rows only and print them. */
export const scaleMain = async (args: ReadonlyArray<string>): Promise<ReadonlyArray<Row>> => {
  const { values } = parseArgs({ args: [...args], options: { members: { type: "string" }, small: { type: "string" } }, strict: true })
  const started = performance.now()
  const rows = await measureScale({
    ...(values.members === undefined ? {} : { members: Number(values.members) }),
    ...(values.small === undefined ? {} : { small: Number(values.small) }),
    progress: (line) => void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`)
  })
  process.stdout.write(`${table(rows)}\n`)
  return rows
}
