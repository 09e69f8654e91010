/**
 * Test support: deterministic keys, the synchronous test signer of `@affinity/core/testing`
 * and a builder of event DAGs folded by a replica running the governance module.
 */
import { type Event, Module, type Replica } from "@affinity/core"
import { Body } from "@affinity/core/module"
import { type AddOptions, signDraft, signSync, TestCommunity, type TestKey, testKey } from "@affinity/core/testing"
import * as Governance from "@affinity/governance"

export type Key = TestKey

/** The key whose 32-byte secret seed is `fill` repeated. */
export const fixedKey = (name: string, fill: number): Key => testKey(fill, name)

/** A deterministic key from a small number (1 … 255). */
export const key = (n: number, name = `k${n}`): Key => fixedKey(name, n)

export const sign = signSync

export { type AddOptions, signDraft }

/** Genesis time of every test community: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000
export const HOUR = Governance.HOUR
export const DAY = Governance.DAY

/** A builder of signed events over a growing DAG (each author keeps one chain), folded with governance. */
export class World extends TestCommunity<Key> {
  constructor(founders: ReadonlyArray<Key>, params: Record<string, number> = {}, time = T0) {
    super(founders, params, time)
  }

  /** `core/member.apply` by a new key. */
  apply(key: Key, options: AddOptions = {}): Event.Event {
    return this.join(key, options)
  }

  /** A replica holding every event so far, delivered in creation order (or `order`), running governance and {@link modules}. */
  override replica(order: ReadonlyArray<Event.Event> = this.events, modules: ReadonlyArray<Module.Module> = this.modules): Replica.Replica {
    return super.replica(order, [Governance.module, ...modules])
  }
}

/** The governance state of a replica. */
export const gov = (replica: Replica.Replica): Governance.State => replica.state<Governance.State>(Governance.module)

/** The outcome of an event, or a thrown error when it is unknown. */
export const outcome = (replica: Replica.Replica, e: Event.Event): Replica.Outcome => {
  const o = replica.outcome(e.key)
  if (!o) throw new Error(`no outcome for ${e.header.module}/${e.header.type}`)
  return o
}

/** The rejection tag of an event, or `"Applied"`. */
export const tagOf = (replica: Replica.Replica, e: Event.Event): string => {
  const o = outcome(replica, e)
  return o._tag === "Applied" ? "Applied" : o.reason._tag
}

/** State of the test module `garden`: what was planted, and under which warrant. */
export type GardenState = { readonly planted: ReadonlyArray<{ readonly what: string; readonly by: string }> }

const warrantText = (w: Module.Warrant): string =>
  w._tag === "Direct" ? "direct" : w.body._tag === "Community" ? "community" : w.body._tag === "Prime" ? `prime:${w.body.module}` : `group:${w.body.group}`

const plant = (authority: Module.AuthorityKind) =>
  Module.eventType<GardenState, { readonly what: string }>({
    body: Body.strict({ what: Body.text(1, 100) }),
    authority,
    apply: (state, body, ctx) => ({ planted: [...state.planted, { what: body.what, by: warrantText(ctx.warrant) }] })
  })

/** A test module with one event type per authority kind: plant (mandate), seed (prime), fence (community), water (member). */
export const testModule = (name: string): Module.Module<GardenState> =>
  Module.make<GardenState>({
    name,
    init: () => ({ planted: [] }),
    events: { plant: plant("mandate"), seed: plant("prime"), fence: plant("community"), water: plant("member") }
  })

export const garden = testModule("garden")
