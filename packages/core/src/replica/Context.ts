/**
 * The {@link Module.EventContext} of one fold step.
 *
 * @module
 */
import type * as Cbor from "../Cbor.ts"
import type * as Module from "../Module.ts"
import * as Membership from "../Membership.ts"
import * as Query from "../Query.ts"
import type * as Standing from "../Standing.ts"
import { statusAt } from "./CommunityClock.ts"
import { coreOf, type Folding } from "./Folding.ts"
import { answer } from "./Queries.ts"
import { refusal } from "./StandingCheck.ts"

/**
 * The context of one fold step: one object whose methods live on the prototype, so a step
 * allocates no closures. Answers read the fold's current state.
 */
export class Context implements Module.EventContext {
  readonly #folding: Folding
  readonly #i: number
  readonly key: string
  readonly device: string
  readonly identity: string | null
  readonly time: number
  readonly warrant: Module.Warrant
  /** Whether this is the context a query answers with (it cannot ask further). */
  readonly #querying: boolean

  constructor(
    folding: Folding,
    i: number,
    key: string,
    device: string,
    identity: string | null,
    time: number,
    warrant: Module.Warrant,
    querying = false
  ) {
    this.#folding = folding
    this.#i = i
    this.key = key
    this.device = device
    this.identity = identity
    this.time = time
    this.warrant = warrant
    this.#querying = querying
  }

  /** Index of the event in the log. */
  get index(): number {
    return this.#i
  }

  get communityTime(): number {
    return this.#folding.clock.timeOf(this.#i)
  }

  get params(): Module.Params {
    return coreOf(this.#folding).community.params
  }

  get primeModules(): ReadonlyArray<string> {
    return this.#folding.primeModules
  }

  get answering(): (query: string) => ReadonlyArray<string> {
    return (query) => {
      const out: Array<string> = []
      for (const [name, m] of this.#folding.modules)
        if (name !== "core" && m.queries !== undefined && Object.hasOwn(m.queries, query)) out.push(name)
      return out.sort()
    }
  }

  get timeOf(): (key: string) => number | undefined {
    return (key) => {
      const i = this.#folding.log.index.get(key)
      return i === undefined ? undefined : this.#folding.clock.timeOf(i)
    }
  }

  get lastSeen(): (identity: string) => number | undefined {
    return (identity) => {
      const entry = Membership.identity(coreOf(this.#folding), identity)
      if (!entry) return undefined
      const log = this.#folding.log
      let seen = this.fullSince(identity)
      for (const device of new Set([identity, ...entry.devices, ...entry.revoked])) {
        // Along a chain, an event in the past means every earlier one is: the latest is found by halving.
        const chain = [...log.eventsBy(device)].sort((a, b) => log.seq[a]! - log.seq[b]!)
        let lo = 0
        let hi = chain.length - 1
        let found = -1
        while (lo <= hi) {
          const mid = (lo + hi) >> 1
          if (log.isAncestorOrSelf(chain[mid]!, this.#i)) {
            found = mid
            lo = mid + 1
          } else hi = mid - 1
        }
        if (found >= 0) {
          // Its claimed time, never beyond this event's community time: a claim ahead of the
          // community only makes its author look active now, which its event shows anyway.
          const t = Math.min(log.time[chain[found]!]!, this.communityTime)
          seen = seen === undefined ? t : Math.max(seen, t)
        }
      }
      return seen
    }
  }

  get fullSince(): (identity: string) => number | undefined {
    return (identity) => {
      const entry = Membership.identity(coreOf(this.#folding), identity)
      if (!entry) return undefined
      const log = this.#folding.log
      let since: number | undefined
      for (const h of entry.history) {
        const at = log.index.get(h.at)
        if (at === undefined || !log.isAncestorOrSelf(at, this.#i)) continue
        since = h.status === "full" ? (since ?? this.#folding.clock.timeOf(at)) : undefined
      }
      return since
    }
  }

  /** Status of an identity as of this event's causal past (what `statusOf` answers). */
  status(identity: string): Module.MemberStatus | undefined {
    return statusAt(this.#folding.log, coreOf(this.#folding), identity, this.#i)
  }

  // The functions below are made when read (modules may pass them around detached), so a
  // step that does not use them allocates nothing for them.

  get statusOf(): (identity: string) => Module.MemberStatus | undefined {
    return (identity) => this.status(identity)
  }

  get fullMembers(): () => ReadonlyArray<string> {
    return () => this.#folding.clock.fullMembersAt(this.#i)
  }

  get happenedBefore(): (key: string) => boolean {
    return (key) => {
      const log = this.#folding.log
      const x = log.index.get(key)
      return x !== undefined && log.isAncestor(x, this.#i)
    }
  }

  get seenBefore(): (key: string, time: number) => boolean {
    return (key, time) => this.#folding.clock.seenBefore(key, time, this.#i, this.identity)
  }

  get ask(): (module: string, query: string, args: Cbor.Value) => Query.Answer {
    return (module, query, args) =>
      this.#querying
        ? Query.refuse("NestedQuery", `a query cannot ask another query; ${module}/${query} was asked from inside a query`)
        : answer(this.#folding, module, query, args, this.forQuery())
  }

  get mayAct(): (subject: Standing.Subject, module: string, type: string, body?: unknown) => Module.Rejection | undefined {
    return (subject, module, type, body) => refusal(this.#folding, subject, { module, type, body: body ?? null }, this.#i, this.communityTime)
  }

  /** The context a query answers with: this event's, except that it cannot ask further. */
  forQuery(): Context {
    return this.#querying
      ? this
      : new Context(this.#folding, this.#i, this.key, this.device, this.identity, this.time, this.warrant, true)
  }

  /** The same context under another warrant (an action a decision carries). */
  withWarrant(warrant: Module.Warrant): Context {
    return new Context(this.#folding, this.#i, this.key, this.device, this.identity, this.time, warrant)
  }
}
