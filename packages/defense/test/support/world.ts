/**
 * Test support: signed histories folded by a replica running governance and defense, and
 * decisions made the short way (a proposal by consent, the clocks of two founders past its
 * deadline, a close).
 */
import type { Event, Module, Replica } from "@affinity/core"
import { type AddOptions, TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance/module"
import * as Defense from "@affinity/defense/module"

export type Key = TestKey
export const T0 = 1_700_000_000_000
export const { HOUR, DAY } = Defense

export const ada = testKey(1, "Ada")
export const bo = testKey(2, "Bo")
export const cy = testKey(3, "Cy")
export const dee = testKey(4, "Dee")
/** An outsider's key. */
export const mallory = testKey(66, "Mallory")

/** A community of Ada, Bo and Cy running governance and defense. */
export class World extends TestCommunity<Key> {
  constructor(founders: ReadonlyArray<Key> = [ada, bo, cy], params: Record<string, number> = {}, time = T0, name = "Riverside") {
    super(founders, params, time, name)
    this.modules = [Governance.module, Defense.module]
  }

  /** A community decision by consent carrying `actions` (one or several); returns the close. */
  decide(actions: Governance.Draft | ReadonlyArray<Governance.Draft>, options: { readonly proposer?: Key; readonly closer?: Key; readonly parents?: ReadonlyArray<Event.Event> } = {}): Event.Event {
    const list = Array.isArray(actions) ? actions : [actions as Governance.Draft]
    const deadline = this.time + 2 * HOUR
    const carried = list.length === 1 ? { action: list[0]! } : { actions: list }
    const p = this.send(options.proposer ?? ada, Governance.propose({ title: `Decide ${list.map((a) => a.type).join(", ")}`, process: "consent", deadline, ...carried }), options.parents ? { parents: options.parents } : {})
    this.witness(deadline)
    return this.send(options.closer ?? cy, Governance.close(p.key))
  }

  /** A working group's decision by consensus (every member in `members` agrees) carrying `action`; returns the close. */
  groupDecide(group: string, members: ReadonlyArray<Key>, action: Governance.Draft): Event.Event {
    const deadline = this.time + 2 * HOUR
    const p = this.send(members[0]!, Governance.propose({ title: `Group: ${action.type}`, process: "consensus", deadline, action, body: { group } }))
    for (const m of members) this.send(m, Governance.stance(p.key, "agree"))
    this.witness(deadline)
    return this.send(members[0]!, Governance.close(p.key))
  }

  /** Ticks by the first two founders at `time`: community time reaches it. */
  at(time: number, options: Omit<AddOptions, "time"> = {}): Event.Event {
    return this.witness(time, undefined, options)
  }
}

/** The defense state of a replica. */
export const defense = (replica: Replica.Replica): Defense.State => replica.state<Defense.State>(Defense.module as Module.Module<Defense.State>)

/** The outcome tag of an event (`Applied` or the rejection), with every action's tag after it. */
export const tagOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (o === undefined) return "missing"
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => (a._tag === "Applied" ? "Applied" : a.reason._tag))].join(" ")
}

/** The message of a rejected event, or of its first failed action. */
export const messageOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (o === undefined) return "missing"
  if (o._tag === "Rejected") return o.reason.message
  const failed = o.actions.find((a) => a._tag === "Failed")
  return failed && failed._tag === "Failed" ? failed.reason.message : ""
}

export { Defense, Governance }
