/**
 * Test support: a community of three founders running governance and administration, with
 * helpers to pass community decisions (the authority every prime and mandate act accepts) and
 * to read administration's answers at the end of the log.
 */
import type { Cbor, Event, Module } from "@affinity/core"
import type { DeviceKey } from "@affinity/core"
import { TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"
import * as Administration from "@affinity/administration"

export const HOUR = Administration.HOUR
export const DAY = Administration.DAY
export const T0 = 1_700_000_000_000

export const ada = testKey(1, "Ada")
export const bo = testKey(2, "Bo")
export const cy = testKey(3, "Cy")
export const dee = testKey(4, "Dee")
export const eli = testKey(5, "Eli")

export const MODULES: ReadonlyArray<Module.Module> = [Governance.module, Administration.module]

/** A community founded by Ada, Bo and Cy (one time witness), running governance and administration. */
export const world = (founders: ReadonlyArray<TestKey> = [ada, bo, cy]): TestCommunity<TestKey> => {
  const c = new TestCommunity(founders, { timeWitnesses: 1 })
  c.modules = MODULES
  return c
}

type Draft = { readonly module: string; readonly type: string; readonly body: Cbor.Value }

/**
 * Pass a community decision carrying `actions` (every founder agrees, the deadline passes, Ada
 * closes): returns the close, whose key is the decision's.
 */
export const decide = (c: TestCommunity<DeviceKey>, actions: ReadonlyArray<Draft>, voters: ReadonlyArray<DeviceKey> = c.founders): Event.Event => {
  const deadline = c.time + 2 * HOUR
  const open = c.send(voters[0]!, Governance.propose({ title: "A decision", deadline, ...(actions.length === 1 ? { action: actions[0]! } : { actions }) }))
  for (const v of voters) c.send(v, Governance.stance(open.key, "agree"))
  c.witness(deadline + 1000, voters.slice(0, 2))
  return c.send(voters[0]!, Governance.close(open.key))
}

/** Move community time to `time` (two founders witness it). */
export const at = (c: TestCommunity<DeviceKey>, time: number): Event.Event => c.witness(time, c.founders.slice(0, 2))

/** The outcome of an event in words: `Applied`, `Applied; administration/assign Applied`, `RoleCap`. */
export const outcome = (replica: ReturnType<TestCommunity["replica"]>, e: Event.Event): string => {
  const o = replica.outcome(e.key)
  if (!o) return "missing"
  if (o._tag === "Rejected") return o.reason._tag
  return ["Applied", ...o.actions.map((a) => `${a.module}/${a.type} ${a._tag === "Applied" ? "Applied" : a.reason._tag}`)].join("; ")
}

/** The reason of an event's rejection or of its first failed action. */
export const reason = (replica: ReturnType<TestCommunity["replica"]>, e: Event.Event): string | undefined => {
  const o = replica.outcome(e.key)
  if (!o) return undefined
  if (o._tag === "Rejected") return o.reason.message
  const f = o.actions.find((a) => a._tag === "Failed")
  return f && f._tag === "Failed" ? f.reason.message : undefined
}

/** The administration state of a replica. */
export const stateOf = (replica: ReturnType<TestCommunity["replica"]>): Administration.State =>
  replica.state<Administration.State>("administration")
