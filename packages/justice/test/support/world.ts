/**
 * Test support: a community of five founders running governance and justice, folded by a real
 * replica; prime groups seated by the lot; decisions by the community or by the justice prime
 * group that carry justice's actions.
 */
import { Bytes, type Event, type Replica } from "@affinity/core"
import { type AddOptions, type EventDraft, TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as Justice from "@affinity/justice"

export type Key = TestKey

export const T0 = 1_700_000_000_000
export const HOUR = Governance.HOUR
export const DAY = Governance.DAY

export const ada = testKey(1, "Ada")
export const bo = testKey(2, "Bo")
export const cy = testKey(3, "Cy")
export const dee = testKey(4, "Dee")
export const eli = testKey(5, "Eli")
export const fay = testKey(6, "Fay")
export const gus = testKey(7, "Gus")
export const people: ReadonlyArray<Key> = [ada, bo, cy, dee, eli]
const everyone: ReadonlyArray<Key> = [...people, fay, gus]
export const byId = (id: string): Key => everyone.find((p) => p.id === id) ?? (() => { throw new Error(`no test key ${id}`) })()

const LAYERS = 20
/**
 * Each founder's onion secret: 31 bytes `fill`, then the key's own byte. The fills are chosen so
 * that the justice prime group is Dee and Eli among five founders, Fay and Gus among seven:
 * none of the parties of the tests' cases (Ada, Bo, Cy) sits in it.
 */
const secretOf = (k: Key, fill: number) => Bytes.concat(new Uint8Array(31).fill(fill), Uint8Array.of(k.secret[0]!))

/** Five founders; prime groups of 2 seats, 1-day terms; one witness. */
export class World extends TestCommunity<Key> {
  constructor(founders: ReadonlyArray<Key> = people, params: Record<string, number> = { timeWitnesses: 1, primeSize: 2, primeTerm: DAY }) {
    super(founders, params, T0)
    this.modules = [Governance.module, Justice.module]
  }

  /** Seat term 1's prime groups by lot (everyone commits and reveals); returns the justice seats. */
  seat(): ReadonlyArray<Key> {
    const fill = this.founders.length === 5 ? 0xa4 : 0xab
    for (const k of this.founders) this.send(k, Governance.commit(Governance.Lot.anchor(secretOf(k, fill), LAYERS)))
    this.send(this.founders[0]!, Governance.draw(0))
    for (const k of this.founders) this.send(k, Governance.reveal(1, Governance.Lot.layer(secretOf(k, fill), LAYERS, 1)))
    this.witness(T0 + DAY)
    this.send(this.founders[1]!, Governance.draw(1))
    return Governance.Records.seats(this.gov(), 1, "justice").map(byId)
  }

  /** Clocks attest `time`: by default Dee's and Eli's, so that Ada, Bo and Cy keep their chains for the tests. */
  override witness(time: number, keys: ReadonlyArray<Key> = [dee, eli], options: Omit<AddOptions, "time"> = {}): Event.Event {
    return super.witness(time, keys, options)
  }

  /** Community time as the replica now sees it. */
  now(): number {
    return this.replica().communityTime()
  }

  /**
   * A decision carrying `actions`, by the community (every founder agrees) or by the justice
   * prime group (`seats` agree): opened, agreed, its deadline witnessed and closed. Returns the close.
   */
  decide(actions: ReadonlyArray<EventDraft>, by: "community" | { readonly seats: ReadonlyArray<Key> } = "community", options: { readonly agree?: ReadonlyArray<Key>; readonly witnesses?: ReadonlyArray<Key> } = {}): Event.Event {
    const deadline = this.now() + HOUR
    const carrying = actions.length === 1 ? { action: actions[0]! } : { actions }
    const open = this.send(
      this.founders[0]!,
      Governance.propose({ title: "Justice", deadline, ...(by === "community" ? {} : { body: { prime: "justice" } }), ...carrying })
    )
    const voters = options.agree ?? (by === "community" ? this.founders : by.seats)
    for (const k of voters) this.send(k, Governance.stance(open.key, "agree"))
    this.witness(deadline, options.witnesses)
    return this.send(this.founders[0]!, Governance.close(open.key))
  }

  gov(): Governance.State {
    return this.replica().state<Governance.State>(Governance.module)
  }

  justice(replica: Replica.Replica = this.replica()): Justice.State {
    return replica.state<Justice.State>(Justice.module)
  }
}

/** The outcome of an event in a few words: `Applied`, a rejection tag, or each carried action's. */
export const tagOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (!o) throw new Error(`no outcome for ${e.header.module}/${e.header.type}`)
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")
}

/** The message of an event's rejection (or of its first failed action). */
export const messageOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)!
  if (o._tag === "Rejected") return o.reason.message
  for (const a of o.actions) if (a._tag !== "Applied") return a.reason.message
  return ""
}

export type { AddOptions }
