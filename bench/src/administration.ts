/**
 * What the membership rules cost a replica that receives applications: `Community.receive`
 * of `applications` applications from fresh keys, (a) in a community whose modules keep no
 * membership rules (every application is stored, as before), (b) in one running
 * administration whose rules let them in (each batch is judged at the door first,
 * `docs/protocol.md` (§8, §9, §12 G8a) K4, then stored), and (c) in one where administration
 * asks for an invitation and none was given (every application is refused at the door: judged
 * on a copy of the replica, not stored). Signing is not timed; each timing is one `receive` of the whole batch into a
 * community holding only its genesis and the rules.
 *
 * The administration and governance modules are passed in (`measureAdministration(Administration.module,
 * Governance.module)`), so this file depends on nothing but the kernel.
 *
 * @module
 */
import { Bytes, Community, Crypto, type Event, type Module, Storage } from "@affinity/core"
import { signDraft, testKey, type TestKey } from "@affinity/core/testing"
import { Effect, Layer } from "effect"
import { sha256 } from "@noble/hashes/sha2.js"
import { performance } from "node:perf_hooks"
import { collect, median } from "./measure.ts"
import { count, type Row } from "./report.ts"

/** Options of {@link measureAdministration}. */
export interface AdministrationOptions {
  /** Applications in the batch. Default 1,000. */
  readonly applications?: number
  /** Timed runs of each, after one warm-up. Default 3. */
  readonly runs?: number
}

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const key = (name: string): TestKey => testKey(sha256(Bytes.utf8(`affinity/bench/administration/${name}`)), name)

/** A genesis by three founders and, with `rules`, the decision that asks for invitations (governance's proposal, stances, close). */
const founding = (rules: boolean): ReadonlyArray<Event.Event> => {
  const [a, b, c] = [key("a"), key("b"), key("c")]
  const genesis = signDraft(a.secret, {
    community: null, author: a.publicKey, seq: 1, prev: null, parents: [], time: T0, module: "core", type: "genesis",
    body: { name: "Administration bench", founders: [a, b, c].map((k) => k.publicKey).sort(Bytes.compare), params: { timeWitnesses: 1 } }
  })
  const out: Array<Event.Event> = [genesis]
  if (!rules) return out
  const tips = new Map<string, Event.Event>([[a.id, genesis]])
  let last = genesis
  const add = (k: TestKey, module: string, type: string, body: Event.Draft["body"], time: number) => {
    const tip = tips.get(k.id)
    const e = signDraft(k.secret, {
      community: genesis.id, author: k.publicKey, seq: tip ? tip.header.seq + 1 : 1, prev: tip ? tip.id : null,
      parents: tip && tip.key === last.key ? [] : [last.id], time, module, type, body
    })
    tips.set(k.id, e)
    out.push(e)
    last = e
    return e
  }
  const open = add(a, "governance", "proposal.open", { title: "Invitations only", text: "", process: "consensus", deadline: T0 + 2 * HOUR, action: { module: "administration", type: "rules.set", body: { application: "invitation" } } }, T0 + 1000)
  for (const [i, k] of [a, b, c].entries()) add(k, "governance", "stance", { proposal: open.id, stance: "agree" }, T0 + 2000 + i)
  add(a, "core", "tick", {}, T0 + 2 * HOUR + 1000)
  add(b, "core", "tick", {}, T0 + 2 * HOUR + 1000)
  add(a, "governance", "proposal.close", { proposal: open.id }, T0 + 2 * HOUR + 2000)
  return out
}

/** `n` applications from fresh keys, each citing `head`. */
const applications = (genesis: Event.Event, head: Event.Event, n: number): ReadonlyArray<Uint8Array> =>
  Array.from({ length: n }, (_, i) => {
    const k = key(`applicant ${i}`)
    return signDraft(k.secret, {
      community: genesis.id, author: k.publicKey, seq: 1, prev: null, parents: [head.id], time: T0 + 3 * HOUR, module: "core", type: "member.apply", body: { note: `hello ${i}` }
    }).bytes
  })

/** One timed `receive` of `batch` into a fresh community made of `base`, with `modules`. */
const receiveOnce = async (base: ReadonlyArray<Event.Event>, batch: ReadonlyArray<Uint8Array>, modules: ReadonlyArray<Module.Module>): Promise<{ readonly ms: number; readonly stored: number }> => {
  const crypto = (await Crypto.makeBest()) as Crypto.CryptoShape
  const layer = Layer.mergeAll(Layer.succeed(Crypto.Crypto, crypto), Layer.succeed(Storage.Storage, Storage.makeMemory()))
  const run = <A, E>(e: Effect.Effect<A, E, Crypto.Crypto | Storage.Storage>) => Effect.runPromise(Effect.provide(e, layer))
  const community = await run(Community.join(base[0]!.bytes, { modules }))
  await run(community.receive(base.slice(1).map((e) => e.bytes)))
  collect()
  const t = performance.now()
  await run(community.receive(batch))
  const ms = performance.now() - t
  return { ms, stored: community.export().length - base.length }
}

/** Measure (a) and (b); rows in the `ingest` section. */
export const measureAdministration = async (administration: Module.Module, governance: Module.Module, options: AdministrationOptions = {}): Promise<ReadonlyArray<Row>> => {
  const n = options.applications ?? 1000
  const runs = options.runs ?? 3
  const modules = [governance, administration]
  const plainBase = founding(false)
  const rulesBase = founding(true)
  const plainBatch = applications(plainBase[0]!, plainBase.at(-1)!, n)
  const rulesBatch = applications(rulesBase[0]!, rulesBase.at(-1)!, n)
  const time = async (base: ReadonlyArray<Event.Event>, batch: ReadonlyArray<Uint8Array>, expectStored: number, mods: ReadonlyArray<Module.Module>) => {
    const out: Array<number> = []
    for (let r = 0; r <= runs; r++) {
      const { ms, stored } = await receiveOnce(base, batch, mods)
      if (stored !== expectStored) throw new Error(`stored ${stored} applications, expected ${expectStored}`)
      if (r > 0) out.push(ms)
    }
    return median(out)
  }
  const bare = await time(plainBase, plainBatch, n, [governance])
  const open = await time(plainBase, plainBatch, n, modules)
  const door = await time(rulesBase, rulesBatch, 0, modules)
  return [
    { section: "ingest", name: `Administration: receive ${count(n)} applications, no module keeping membership rules`, result: `${count((1000 * n) / bare)}/s`, detail: `${count(bare)} ms; all stored` },
    { section: "ingest", name: `Administration: receive ${count(n)} applications the rules let in`, result: `${count((1000 * n) / open)}/s`, detail: `${count(open)} ms; all stored (judged at the door first)` },
    { section: "ingest", name: `Administration: receive ${count(n)} applications an invitation rule refuses`, result: `${count((1000 * n) / door)}/s`, detail: `${count(door)} ms; none stored (judged at the door on a copy of the replica)` }
  ]
}
