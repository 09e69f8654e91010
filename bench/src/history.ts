/**
 * The history every benchmark runs on: a community of several founders whose log is
 * mostly `core/tick` events, with some `core/member.apply` and `core/device.add`, each
 * event citing the current heads, and now and then a few events written concurrently.
 * On request ({@link BuildOptions.proposalShare}) it also holds governance: proposals
 * (some admitting an applicant), the founders' stances on them, and their closes.
 *
 * Built once, signed with the synchronous test signer of `@affinity/core/testing` (node:crypto,
 * or noble where node:crypto has no Ed25519); building is not measured.
 *
 * @module
 */
import { Bytes, CoreEvents, Event } from "@affinity/core"
import type { Cbor, Crypto } from "@affinity/core"
import { signSync, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import { sha256 } from "@noble/hashes/sha2.js"

/** A history ready to be fed to a replica. */
export interface History {
  /** Wire bytes of the genesis. */
  readonly genesis: Uint8Array
  /** Wire bytes of every event after the genesis, in an order where parents come first. */
  readonly events: ReadonlyArray<Uint8Array>
  /** The event signatures (genesis included), as a replica verifies them. */
  readonly signatures: ReadonlyArray<Crypto.VerifyItem>
  /** Hex id of the genesis: the community id. */
  readonly id: string
  /** Events in all, the genesis included. */
  readonly size: number
  /** Sum of the wire sizes of every event, the genesis included. */
  readonly encodedBytes: number
  /** How many events of each kind, and how many concurrent bursts. */
  readonly mix: {
    readonly founders: number
    readonly ticks: number
    readonly applies: number
    readonly deviceAdds: number
    readonly bursts: number
    readonly maxParents: number
    /** `governance/proposal.open` events, and how many of them carry `core/member.admit`. */
    readonly proposals: number
    readonly admissions: number
    /** `governance/stance` events. */
    readonly stances: number
    /** `governance/proposal.close` events. */
    readonly closes: number
  }
}

/** A key that signs synchronously. */
interface Signer {
  readonly publicKey: Uint8Array
  readonly sign: (message: Uint8Array) => Uint8Array
}

/** A deterministic key: its seed is SHA-256 of a label; it signs with the test signer. */
const signer = (label: string): Signer => {
  const key = testKey(sha256(Bytes.utf8(`affinity/bench/${label}`)), label)
  return { publicKey: key.publicKey, sign: (message) => signSync(key.secret, message) }
}

/** A small deterministic generator (mulberry32), so every run builds the same history. */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Built {
  readonly id: Uint8Array
  readonly time: number
  readonly bytes: Uint8Array
}

/** Options of {@link build}. */
export interface BuildOptions {
  /** Events in all, the genesis included (at least 2). */
  readonly events: number
  /** Founders, each a full member from the genesis on. */
  readonly founders?: number
  /** Share of events that are `core/member.apply` by a new key. */
  readonly applyShare?: number
  /** Share of events that are `core/device.add` by a founder. */
  readonly deviceShare?: number
  /** Share of steps that are a burst of 2 or 3 concurrent ticks by different members. */
  readonly burstShare?: number
  /**
   * Share of steps that open a proposal when none is under way (default 0: no governance).
   * A proposal is opened by a founder with a deadline an hour ahead (every other one admits
   * a pending applicant); each founder then takes a stance on it among the other events;
   * later the founders' clocks jump to the deadline (two founders tick) and a founder closes
   * it. The history needs at least 2 founders for this.
   */
  readonly proposalShare?: number
}

/** Build and sign a history of `options.events` events. */
export const build = (options: BuildOptions): History => {
  const total = Math.max(2, Math.floor(options.events))
  const founderCount = options.founders ?? 4
  const applyShare = options.applyShare ?? 0.01
  const deviceShare = options.deviceShare ?? 0.005
  const burstShare = options.burstShare ?? 0.02
  const proposalShare = founderCount >= 2 ? (options.proposalShare ?? 0) : 0
  const rand = random(0x5eed)

  const founders = Array.from({ length: founderCount }, (_, n) => signer(`founder/${n}`))
  /** Keys that act for a full member: the founders and the devices they added. */
  const actors: Array<Signer> = [...founders]
  const tips = new Map<Signer, { readonly seq: number; readonly id: Uint8Array }>()
  let heads: Array<Built> = []
  let time = 1_700_000_000_000

  const events: Array<Uint8Array> = []
  const signatures: Array<Crypto.VerifyItem> = []
  let encodedBytes = 0
  let maxParents = 0
  const mix = { ticks: 0, applies: 0, deviceAdds: 0, bursts: 0, proposals: 0, admissions: 0, stances: 0, closes: 0 }

  const write = (
    author: Signer,
    community: Uint8Array | null,
    parents: ReadonlyArray<Built>,
    type: string,
    body: Cbor.Value,
    module = "core",
    at?: number
  ): Built => {
    const tip = tips.get(author)
    const prev = tip?.id ?? null
    time = Math.max(time, ...parents.map((p) => p.time)) + 1000
    if (at !== undefined) time = Math.max(time, at)
    const prepared = Event.prepare({
      community,
      author: author.publicKey,
      seq: (tip?.seq ?? 0) + 1,
      prev,
      parents: parents.map((p) => p.id),
      time,
      module,
      type,
      body
    })
    if (!prepared.ok) throw new Error(`bench history: ${prepared.error.message}`)
    const { unsigned } = prepared
    const signature = author.sign(unsigned.message)
    const bytes = Event.assemble(unsigned, signature)
    signatures.push({ publicKey: author.publicKey, message: unsigned.message, signature })
    encodedBytes += bytes.length
    maxParents = Math.max(maxParents, parents.length)
    tips.set(author, { seq: (tip?.seq ?? 0) + 1, id: unsigned.id })
    if (community !== null) events.push(bytes)
    return { id: unsigned.id, time, bytes }
  }

  const first = founders[0]!
  const genesis = write(first, null, [], "genesis", {
    name: "Bench",
    founders: [...Event.dedupeSorted(founders.map((f) => f.publicKey))],
    params: {}
  })
  const community = genesis.id
  heads = [genesis]

  let applicants = 0
  let devices = 0
  const pick = (from: ReadonlyArray<Signer>): Signer => from[Math.floor(rand() * from.length)]!
  let count = 1

  /** Applicants not yet proposed for admission, as hex identities. */
  const pending: Array<string> = []
  /** The proposal under way: its id, deadline, the founders yet to take a stance, and the steps left before it is closed. */
  let proposal: { readonly id: Uint8Array; readonly deadline: number; readonly admit: boolean; voters: Array<Signer>; wait: number } | undefined
  const stanceOf = (admit: boolean, n: number): Governance.Draft => {
    if (admit) return Governance.stance(proposal!.id, "agree")
    const r = rand()
    return r < 0.6
      ? Governance.stance(proposal!.id, "agree")
      : r < 0.8
        ? Governance.stance(proposal!.id, "abstain", n % 2 === 0 ? undefined : "No strong view either way")
        : Governance.stance(proposal!.id, "object", "The cost is not covered yet")
  }
  /** One governance step if one is due (returns whether it wrote), else nothing. */
  const governance = (): boolean => {
    const gov = (author: Signer, draft: Governance.Draft, at?: number) => {
      heads = [write(author, community, heads, draft.type, draft.body, draft.module, at)]
      count++
    }
    if (proposal === undefined) {
      if (total - count < 12 || rand() >= proposalShare) return false
      const admit = mix.proposals % 2 === 1 && pending.length > 0
      const applicant = admit ? pending.shift()! : undefined
      const deadline = time + 1000 + Governance.HOUR + 60_000
      const draft = Governance.propose({
        title: admit ? `Admit ${applicant!.slice(0, 8)}` : `Proposal ${mix.proposals + 1}`,
        text: "Details are in the notes of the last meeting.",
        process: "consensus",
        deadline,
        ...(applicant === undefined ? {} : { action: Governance.admit(applicant) })
      })
      gov(pick(founders), draft)
      proposal = { id: heads[0]!.id, deadline, admit, voters: [...founders], wait: 20 + Math.floor(rand() * 80) }
      mix.proposals++
      if (admit) mix.admissions++
      return true
    }
    if (proposal.voters.length > 0) {
      if (rand() >= 0.08) return false
      const voter = proposal.voters.splice(Math.floor(rand() * proposal.voters.length), 1)[0]!
      gov(voter, stanceOf(proposal.admit, mix.stances))
      mix.stances++
      return true
    }
    if (proposal.wait-- > 0 || total - count < 3) return false
    // The founders' clocks reach the deadline: two of them say so, and one closes the proposal.
    gov(founders[0]!, { module: "core", type: "tick", body: {} }, proposal.deadline)
    gov(founders[1]!, { module: "core", type: "tick", body: {} }, proposal.deadline)
    mix.ticks += 2
    gov(pick(founders), Governance.close(proposal.id))
    mix.closes++
    proposal = undefined
    return true
  }

  while (count < total) {
    if (proposalShare > 0 && governance()) continue
    const r = rand()
    if (r < burstShare && total - count >= 3 && actors.length >= 3) {
      // Two or three members write at once, each citing the same heads.
      const width = Math.min(total - count, rand() < 0.5 ? 2 : 3)
      const authors = new Set<Signer>()
      while (authors.size < width) authors.add(pick(actors))
      const cited = heads
      const written = [...authors].map((a) => write(a, community, cited, "tick", {}))
      heads = written
      count += written.length
      mix.ticks += written.length
      mix.bursts++
    } else if (r < burstShare + applyShare) {
      const applicant = signer(`applicant/${applicants++}`)
      heads = [write(applicant, community, heads, "member.apply", { note: "" })]
      pending.push(Bytes.toHex(applicant.publicKey))
      mix.applies++
      count++
    } else if (r < burstShare + applyShare + deviceShare) {
      const adder = pick(founders)
      const device = signer(`device/${devices++}`)
      const consent = device.sign(CoreEvents.deviceConsentMessage(community, adder.publicKey))
      heads = [write(adder, community, heads, "device.add", { device: device.publicKey, consent })]
      actors.push(device)
      mix.deviceAdds++
      count++
    } else {
      heads = [write(pick(actors), community, heads, "tick", {})]
      mix.ticks++
      count++
    }
  }
  return {
    genesis: genesis.bytes,
    events,
    signatures,
    id: Bytes.toHex(community),
    size: count,
    encodedBytes,
    mix: { founders: founderCount, ...mix, maxParents }
  }
}
