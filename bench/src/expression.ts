/**
 * What the expression module costs: private-channel messages folded and decrypted per second,
 * and the cost of a key rotation in a 1,000-member channel (time and bytes).
 *
 * (a) One signed history: a community of `members` founders, a private channel of all of them
 * (opened with 256, the others added), one epoch key, then `messages` posts by the members in
 * turn, each with its XChaCha20-Poly1305 payload. The fold of the posts is timed alone
 * (`Replica.ingest` of decoded events, as the kernel rows do; signatures are not checked by a
 * replica's fold): each post's validation computes the epoch of its causal past (a hash of the
 * sorted member list), so this row grows with the channel's size. Then every payload is
 * decrypted with the epoch key.
 *
 * (b) A rotation: a decision removes one member; the fold of that step (the new epoch) is
 * timed, then sealing a fresh 32-byte key to the 999 remaining members' devices (`Seal`, one
 * device each), and the bytes: the sealed payload and the whole `channel.key` event with it.
 *
 *
 * @module
 */
import { Bytes, type Cbor, type Event, type Module, Replica, Seal } from "@affinity/core"
import { signDraft, testKey, type TestKey } from "@affinity/core/testing"
import { Epoch, Expression } from "@affinity/expression"
import { Private } from "@affinity/expression/client"
import { sha256 } from "@noble/hashes/sha2.js"
import { performance } from "node:perf_hooks"
import { collect, median } from "./measure.ts"
import { count, type Row, size } from "./report.ts"

type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }


/** Options of {@link measureExpression}; the defaults are the sizes the rows are named after. */
export interface ExpressionOptions {
  /** Members of the community and of the private channel (at most 1,000). Default 1,000. */
  readonly members?: number
  /** Posts in the history. Default 2,000. */
  readonly messages?: number
  /** Timed runs of each measurement, after one warm-up. Default 3. */
  readonly runs?: number
  readonly progress?: (line: string) => void
}

const T0 = 1_700_000_000_000
const key = (i: number): TestKey => testKey(sha256(Bytes.utf8(`affinity/bench/expression/member/${i}`)), `member ${i}`)

/** A decider for the bench: `decide` carries its actions under a community decision. */
const council: Module.Module = {
  name: "governance",
  init: () => ({}),
  events: {
    decide: {
      authority: "member",
      decode: (body) => ({ ok: true, value: body }),
      validate: () => undefined,
      apply: (state, body, ctx) => ({
        state,
        effects: ((body as { readonly actions: ReadonlyArray<Draft> }).actions).map((a) => ({
          _tag: "Apply" as const,
          module: a.module,
          type: a.type,
          body: a.body,
          warrant: { _tag: "Decision" as const, body: { _tag: "Community" as const }, decision: ctx.key }
        }))
      })
    }
  }
}

/** Measure the expression rows. */
export const measureExpression = async (options: ExpressionOptions = {}): Promise<ReadonlyArray<Row>> => {
  const members = Math.min(options.members ?? 1000, 1000)
  const messages = options.messages ?? 2000
  const runs = options.runs ?? 3
  const modules = [Expression.module, council]
  options.progress?.(`expression: signing ${messages} posts in a ${members}-member private channel`)

  const keys = Array.from({ length: members }, (_, i) => key(i))
  const ids = keys.map((k) => k.id)
  const genesis = signDraft(keys[0]!.secret, {
    community: null, author: keys[0]!.publicKey, seq: 1, prev: null, parents: [], time: T0, module: "core", type: "genesis",
    body: { name: "Expression bench", founders: keys.map((k) => k.publicKey).sort(Bytes.compare), params: {} }
  })
  const community = genesis.key
  const tips = new Map<string, Event.Event>([[keys[0]!.id, genesis]])
  let last = genesis
  let time = T0
  const sign = (k: TestKey, draft: Draft, payload?: Uint8Array): Event.Event => {
    const tip = tips.get(k.id)
    const e = signDraft(k.secret, {
      community: genesis.id, author: k.publicKey, seq: tip === undefined ? 1 : tip.header.seq + 1, prev: tip === undefined ? null : tip.id,
      parents: tip !== undefined && tip.key === last.key ? [] : [last.id], time: (time += 1000), module: draft.module, type: draft.type, body: draft.body,
      ...(payload === undefined ? {} : { payload })
    })
    tips.set(k.id, e)
    last = e
    return e
  }
  const setup: Array<Event.Event> = []
  const open = sign(keys[0]!, Expression.openChannel({ name: "all", title: "Everyone", kind: "private", members: ids.slice(1, 256) }))
  setup.push(open)
  for (const id of ids.slice(256)) setup.push(sign(keys[0]!, Expression.addMember(open.key, id)))
  const epoch = Epoch.of(open.key, ids, [])
  const epochKey = new Uint8Array(32).fill(7)
  const lock = sign(keys[0]!, Expression.channelKey(open.key, epoch, [keys[0]!.id]), new Uint8Array(64))
  setup.push(lock)
  const aad = Private.messageAad(community, open.key, lock.key)
  const posts: Array<Event.Event> = []
  for (let n = 0; n < messages; n++)
    posts.push(sign(keys[n % members]!, Expression.post(open.key, { key: lock.key }), Private.encrypt(epochKey, `message ${n}: see you at the seed swap on Sunday`, aad)))
  const removal = sign(keys[0]!, { module: "governance", type: "decide", body: { actions: [Expression.removeMember(open.key, ids[members - 1]!, "bench")] } as Cbor.Value })

  const opened = (): Replica.Replica => {
    const r = Replica.Replica.open(genesis, { modules })
    if (!r.ok) throw new Error(`expression bench: ${r.error.message}`)
    r.replica.ingest(setup)
    return r.replica
  }
  // (a) fold the posts, then decrypt them
  const foldTimes: Array<number> = []
  let check: Replica.Replica | undefined
  for (let i = 0; i <= runs; i++) {
    const r = opened()
    collect()
    const start = performance.now()
    r.ingest(posts)
    if (i > 0) foldTimes.push(performance.now() - start)
    check = r
  }
  const applied = posts.filter((p) => check!.outcome(p.key)?._tag === "Applied").length
  if (applied !== posts.length) throw new Error(`expression bench: ${posts.length - applied} posts were refused`)
  const decryptTimes: Array<number> = []
  for (let i = 0; i <= runs; i++) {
    const start = performance.now()
    for (const p of posts) if (Private.decrypt(epochKey, p.payload!, aad) === null) throw new Error("expression bench: a payload did not open")
    if (i > 0) decryptTimes.push(performance.now() - start)
  }
  // (b) the rotation: the removal's fold step, then the new key sealed to the rest
  const removalTimes: Array<number> = []
  for (let i = 0; i <= runs; i++) {
    const r = opened()
    collect()
    const start = performance.now()
    r.ingest([removal])
    if (i > 0) removalTimes.push(performance.now() - start)
  }
  options.progress?.("expression: sealing a key to 999 devices")
  const recipients = keys.slice(0, members - 1).map((k) => Seal.publicKey(k))
  const nextEpoch = Epoch.of(open.key, ids.slice(0, members - 1), [])
  const context = Bytes.concat(genesis.id, Private.keyContext(open.key, nextEpoch))
  const sealTimes: Array<number> = []
  let sealed: Uint8Array = new Uint8Array()
  for (let i = 0; i <= runs; i++) {
    const start = performance.now()
    const r = Seal.sealWith(recipients, epochKey, { ephemeral: new Uint8Array(32).fill(i + 1), contentKey: new Uint8Array(32).fill(i + 2) }, { context })
    if (i > 0) sealTimes.push(performance.now() - start)
    if (!r.ok) throw new Error(`expression bench: ${r.error.message}`)
    sealed = r.value
  }
  const keyEvent = sign(keys[0]!, Expression.channelKey(open.key, nextEpoch, keys.slice(0, members - 1).map((k) => k.id)), sealed)

  const fold = median(foldTimes)
  const dec = median(decryptTimes)
  return [
    {
      section: "kernel",
      name: `Expression: ${count(messages)} private messages folded (${count(members)}-member channel)`,
      result: `${count(Math.round((messages * 1000) / fold))} messages/s`,
      detail: `median of ${runs} folds: ${fold.toFixed(1)} ms; each post's check hashes the members of its causal past (its epoch)`
    },
    {
      section: "kernel",
      name: `Expression: ${count(messages)} messages decrypted`,
      result: `${count(Math.round((messages * 1000) / dec))} messages/s`,
      detail: `XChaCha20-Poly1305 (@noble/ciphers), ${size(posts[0]!.payload!.length)} payloads; median ${dec.toFixed(1)} ms`
    },
    {
      section: "kernel",
      name: `Expression: key rotation, ${count(members)}-member channel`,
      result: `${(median(removalTimes) + median(sealTimes)).toFixed(1)} ms`,
      detail: `fold of the removal (new epoch) ${median(removalTimes).toFixed(1)} ms + sealing the new key to ${count(members - 1)} devices ${median(sealTimes).toFixed(1)} ms`
    },
    {
      section: "kernel",
      name: `Expression: key rotation bytes, ${count(members)}-member channel`,
      result: size(keyEvent.bytes.length),
      detail: `sealed key ${size(sealed.length)} (56 bytes a device) + the channel.key event listing ${count(members - 1)} devices`
    }
  ]
}
