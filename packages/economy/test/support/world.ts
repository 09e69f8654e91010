/**
 * Test support: deterministic keys, and a builder of signed event DAGs folded by a replica
 * running governance and the economy, with a helper that passes a decision.
 */
import type { Event, Keys, Module, Replica } from "@affinity/core"
import { type AddOptions, TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Economy from "@affinity/economy"
import * as Governance from "@affinity/governance"

export type Key = TestKey
type DeviceKey = Keys.DeviceKey

/** Genesis time of every test community: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000
export const { HOUR, DAY } = Economy

export const ada = testKey(1, "Ada")
export const bo = testKey(2, "Bo")
export const cy = testKey(3, "Cy")
export const dee = testKey(4, "Dee")
/** Ada's second device. */
export const ada2 = testKey(11, "Ada's phone")

/** A draft: `{ module, type, body }`. */
export type Draft = Governance.Draft

/** Who decides: the community (default), or a working group, by its members' stances. */
export interface Deciding {
  readonly scope?: "community" | { readonly group: string } | { readonly prime: string }
  readonly voters?: ReadonlyArray<DeviceKey>
  readonly title?: string
}

/** Signed histories of a community of Ada, Bo and Cy (founders) running governance and the economy. */
export class World extends TestCommunity<Key> {
  constructor(founders: ReadonlyArray<Key> = [ada, bo, cy], params: Record<string, number> = {}, time = T0) {
    super(founders, params, time)
  }

  /** A replica holding every event so far (or `order`), running governance, the economy and {@link modules}. */
  override replica(order: ReadonlyArray<Event.Event> = this.events, modules: ReadonlyArray<Module.Module> = this.modules): Replica.Replica {
    return super.replica(order, [Governance.module, Economy.module, ...modules])
  }

  /** Community time moves to `time`: ticks by the first two founders. */
  at(time: number): Event.Event {
    return this.witness(time)
  }

  /** Pass a decision carrying `actions` (see {@link decide}). */
  decide(actions: Draft | ReadonlyArray<Draft>, how: Deciding = {}): Event.Event {
    return decide(this, actions, how)
  }

  /** Send `draft` by `key` (shorthand). */
  act(key: Key, draft: Draft, options: AddOptions = {}): Event.Event {
    return this.send(key, draft, options)
  }
}

/**
 * Pass a decision carrying `actions` in `c`: the first voter proposes, every voter agrees, the
 * deadline passes, the first voter closes. Returns the close (whose key is the decision's).
 */
export const decide = (c: TestCommunity<DeviceKey>, actions: Draft | ReadonlyArray<Draft>, how: Deciding = {}): Event.Event => {
  const voters = how.voters ?? c.founders
  const list = Array.isArray(actions) ? (actions as ReadonlyArray<Draft>) : [actions as Draft]
  const deadline = c.time + 2 * HOUR
  const scope = how.scope ?? "community"
  const open = c.send(
    voters[0]!,
    Governance.propose({
      title: how.title ?? "A decision",
      deadline,
      process: "consensus",
      ...(list.length === 1 ? { action: list[0]! } : { actions: list }),
      ...(scope === "community" ? {} : { body: scope as Governance.Deciders })
    })
  )
  for (const v of voters) c.send(v, Governance.stance(open.key, "agree"))
  c.witness(deadline)
  return c.send(voters[0]!, Governance.close(open.key))
}

/** The economy state of a replica. */
export const economy = (replica: Replica.Replica): Economy.State => replica.state<Economy.State>(Economy.module)

/** The outcome of an event as text: `Applied` (with each action's outcome) or the rejection tag. */
export const tagOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (!o) return "missing"
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => `${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join(", ")
}

/** The rejection message of an event, or `""`. */
export const messageOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (!o) return "missing"
  if (o._tag === "Rejected") return o.reason.message
  return o.actions.map((a) => (a._tag === "Applied" ? "" : a.reason.message)).join(" ")
}

/** A member's balance on the latest day. */
export const balanceOf = (state: Economy.State, who: Key, day?: number): number =>
  Economy.Records.statement(state, who.id, day === undefined ? {} : { day }).balance

/** A currency of whole units (no decimals) with `policy`. */
export const currency = (policy: Economy.Bodies.PolicyBody = {}): Draft =>
  Economy.createCurrency({ name: "Hours", symbol: "h", decimals: 0, policy: { creditLimit: 100, ...policy } })
