/**
 * The authority gate of a fold step (`docs/protocol.md` §5, §7, §8): who an event's key acts
 * for, whether it still acts (revoked, departed, forked, removed), what authority each event
 * type needs, which warrants the host grants, and the effects a step carries.
 *
 * @module
 */
import * as Bytes from "../Bytes.ts"
import type * as Cbor from "../Cbor.ts"
import type * as CoreEvents from "../CoreEvents.ts"
import type * as Event from "../Event.ts"
import type { Claim, Standing as KeyStanding } from "../Log.ts"
import * as Membership from "../Membership.ts"
import * as Module from "../Module.ts"
import * as Standing from "../Standing.ts"
import { Context } from "./Context.ts"
import { coreOf, type Folding } from "./Folding.ts"
import { type ActionOutcome, APPLIED, failed, type Outcome, rejected } from "./Outcome.ts"
import type { Made, Removals } from "./Removals.ts"
import { refusal } from "./StandingCheck.ts"

/** How deeply actions may carry further actions. */
const MAX_ACTION_DEPTH = 4

/** `core` event types whose facts the key registry judges (`Log.claim`). */
const REGISTRY_TYPES: ReadonlySet<string> = new Set(["device.add", "device.revoke", "member.leave"])

/** What one fold step made: its outcome, and what the fold must know after it. */
export interface Step {
  readonly outcome: Outcome
  /** The identity the author key itself acts for (its claim to community time, §6), or `null`. */
  readonly identity: string | null
  /** Identities removed and subjects restricted by the step's actions: strong facts. */
  readonly made: ReadonlyArray<Made>
}

type Run = { readonly _tag: "Applied"; readonly actions: ReadonlyArray<ActionOutcome> } | { readonly _tag: "Failed"; readonly reason: Module.Rejection }

/** Judges and applies one delivered event at a time, replacing the fold's states as it goes. */
export class Gate {
  private made: Array<Made> = []

  private readonly folding: Folding
  /** The module that may mint decision warrants, or `null`. */
  private readonly decider: string | null
  private readonly removals: Removals

  constructor(folding: Folding, decider: string | null, removals: Removals) {
    this.folding = folding
    this.decider = decider
    this.removals = removals
  }

  /** Judge and apply delivered event `i`. */
  step(i: number, event: Event.Event): Step {
    this.made = []
    const outcome = this.judge(i, event)
    return { outcome: outcome.outcome, identity: outcome.identity, made: outcome.outcome._tag === "Applied" ? this.made : [] }
  }

  private judge(i: number, event: Event.Event): { readonly outcome: Outcome; readonly identity: string | null } {
    const log = this.folding.log
    const h = event.header
    if (i === 0) return { outcome: APPLIED, identity: log.author[0]! }
    const device = log.author[i]!
    const fork = log.equivocations.get(device)
    if (fork !== undefined && h.seq >= fork) {
      // A key that forked its chain acts no more: here it leaves the keys listed (§9).
      this.retire(device)
      return {
        outcome: rejected("Equivocated", `this key signed two events with sequence number ${fork}; its events from there on do not count`),
        identity: null
      }
    }
    const standing = log.standing(device, i)
    // What the key registry makes of an event that adds a key, revokes one or leaves (§5, §9).
    const claim = h.module === "core" && REGISTRY_TYPES.has(h.type) ? log.claim(i) : undefined
    // A revocation or a departure that counts is applied for the identity it is by, even when
    // its signer no longer acts (revoked or departed concurrently): it only takes power away.
    const acting = claim !== undefined && claim.kind !== "add" && claim.counts !== undefined ? claim.counts : standing._tag === "Acts" ? standing.identity : null
    if (acting === null) {
      // A key that acts for no identity in the event's past may apply (the module judges it).
      if (standing._tag === "Revoked" || h.module !== "core" || h.type !== "member.apply" || log.identityIn(device, i, "past") !== undefined)
        return { outcome: { _tag: "Rejected", reason: log.refusal(standing as Exclude<KeyStanding, { readonly _tag: "Acts" }>) }, identity: null }
    } else if (claim !== undefined && claim.counts === undefined) return { outcome: refusedClaim(claim), identity: null }
    if (acting !== null) {
      const removal = this.removals.of(acting, i)
      if (removal !== undefined)
        return {
          outcome: rejected(
            "Removed",
            `this member was removed by the decision recorded in ${log.keys[removal.at]!.slice(0, 12)}…; events they signed that the removal had not seen do not count`
          ),
          identity: null
        }
    }
    const identity = standing._tag === "Acts" ? standing.identity : null
    const ctx = new Context(this.folding, i, event.key, device, acting, h.time, DIRECT)
    const r = this.run(h.module, h.type, event.body, ctx, 0)
    if (r._tag === "Failed") return { outcome: { _tag: "Rejected", reason: r.reason }, identity }
    // A key added after it forked its chain (an event of it rejected `Equivocated` folds first) is not listed.
    if (claim?.kind === "add" && log.forkedBefore(claim.device!, i)) this.retire(claim.device!)
    return { outcome: r.actions.length === 0 ? APPLIED : { _tag: "Applied", actions: r.actions }, identity }
  }

  /** Take a device key out of the keys the `core` state lists, when it is listed (a forked chain, §9). */
  private retire(device: string): void {
    const core = coreOf(this.folding)
    const next = Membership.retire(core, device)
    if (next === core) return
    // Retiring a key changes no one's status: the count of full members carries over.
    this.folding.clock.same(core, next)
    this.folding.states = { ...this.folding.states, core: next }
  }

  /** Judge and apply one event body or action, then the actions it carries. */
  private run(moduleName: string, type: string, rawBody: Cbor.Value, ctx: Context, depth: number): Run {
    const folding = this.folding
    const module = folding.modules.get(moduleName)
    if (!module) return failed("UnknownModule", `this community runs no module named ${moduleName}`)
    const def = Object.hasOwn(module.events, type) ? module.events[type] : undefined
    if (!def) return failed("UnknownType", `module ${moduleName} has no event type ${type}`)
    const decoded = def.decode(rawBody)
    if (!decoded.ok) return failed("InvalidBody", `${moduleName}/${type}: ${decoded.message}`)
    if (ctx.warrant._tag === "Direct") {
      if (def.authority === "member" && (ctx.identity === null || ctx.status(ctx.identity) !== "full"))
        return failed("NotAFullMember", `${moduleName}/${type} is for full members`)
      if (def.authority !== "member" && def.authority !== "anyone")
        return failed("NeedsDecision", `${moduleName}/${type} needs ${authorityText(def.authority)}; propose it as a decision's action`)
    } else if (!Module.satisfies(def.authority, ctx.warrant, moduleName)) {
      return failed("WarrantInsufficient", `${moduleName}/${type} needs ${authorityText(def.authority)}`)
    }
    // Standing: the signer for a direct act, the deciding body for an action a decision carries.
    const subject = ctx.warrant._tag === "Direct" ? (ctx.identity ?? ctx.device) : Standing.bodySubject(ctx.warrant.body)
    const restricted = refusal(folding, subject, { module: moduleName, type, body: decoded.value }, ctx.index, ctx.communityTime)
    if (restricted !== undefined) return { _tag: "Failed", reason: restricted }
    const state = folding.states[moduleName]!
    const rejection = def.validate(state, decoded.value, ctx)
    if (rejection) return { _tag: "Failed", reason: rejection }
    const applied = def.apply(state, decoded.value, ctx)
    if (applied.state !== state) {
      if (moduleName === "core")
        folding.clock.carry(state as Membership.State, applied.state as Membership.State, decoded.value, ctx.identity, ctx.device)
      folding.states = { ...folding.states, [moduleName]: applied.state }
    }
    if (moduleName === "core" && type === "member.remove") this.made.push({ identity: Bytes.toHex((decoded.value as CoreEvents.Remove).identity) })
    for (const r of applied.restricts ?? []) this.made.push({ identity: r.subject, restriction: r })
    const effects = applied.effects ?? []
    // The actions one decision carries are one unit: all applied, or none (§8).
    const atomic = effects.length > 1 && effects.every((e) => e.warrant._tag === "Decision")
    const start = folding.states
    const madeStart = this.made.length
    const actions: Array<ActionOutcome> = []
    for (let k = 0; k < effects.length; k++) {
      const effect = effects[k]!
      let reason: Module.Rejection | undefined
      let nested: ReadonlyArray<ActionOutcome> = []
      const forged = depth + 1 > MAX_ACTION_DEPTH ? TOO_DEEP : this.forged(moduleName, effect.warrant, ctx)
      if (forged !== undefined) reason = forged
      else {
        const before = folding.states
        const madeBefore = this.made.length
        const r = this.run(effect.module, effect.type, effect.body, ctx.withWarrant(effect.warrant), depth + 1)
        if (r._tag === "Failed") {
          folding.states = before
          this.made.length = madeBefore
          reason = r.reason
        } else nested = r.actions
      }
      if (reason === undefined) {
        actions.push({ _tag: "Applied", module: effect.module, type: effect.type }, ...nested)
        continue
      }
      if (!atomic) {
        actions.push({ _tag: "Failed", module: effect.module, type: effect.type, reason })
        continue
      }
      folding.states = start
      this.made.length = madeStart
      return { _tag: "Applied", actions: effects.map((e, j) => (j === k ? { _tag: "Failed", module: e.module, type: e.type, reason } : notApplied(e, j, k, effect))) }
    }
    return { _tag: "Applied", actions }
  }

  /**
   * Why the warrant an effect of `emitter` claims is not one the host grants, or `undefined`.
   * Only the decider may claim a decision, only from the event it is judging directly (a
   * close signed by a member), and only for that very event; an effect claiming `Direct`
   * acts as the event's author and is granted only while the author acts directly.
   */
  private forged(emitter: string, claim: Module.Warrant, ctx: Context): Module.Rejection | undefined {
    if (claim._tag === "Direct")
      return ctx.warrant._tag === "Direct"
        ? undefined
        : Module.reject("WarrantForged", `an action carried by a decision cannot act as the signer; ${emitter} asked to`)
    if (emitter !== this.decider)
      return Module.reject(
        "WarrantForged",
        `module ${emitter} is not this community's decision process${this.decider ? ` (${this.decider})` : ""}; only it can carry a decision`
      )
    if (ctx.warrant._tag !== "Direct" || claim.decision !== ctx.key)
      return Module.reject("WarrantForged", `a decision's warrant must name the event that records it (${ctx.key.slice(0, 12)}…)`)
    return undefined
  }
}

const DIRECT: Module.Warrant = Object.freeze({ _tag: "Direct" })

const TOO_DEEP: Module.Rejection = Object.freeze({ _tag: "TooDeep", message: "actions nest too deeply" })

/** What became of action `j` of a decision whose action `k` failed: nothing. */
const notApplied = (e: Module.Effect, j: number, k: number, failing: Module.Effect): ActionOutcome => ({
  _tag: "Failed",
  module: e.module,
  type: e.type,
  reason: {
    _tag: "NotApplied",
    message: `not applied: the decision's actions take effect together, and action ${k + 1} (${failing.module}/${failing.type}) failed${j < k ? ", so this one was undone" : ""}`
  }
})

/**
 * The rejection of a registry event whose author key acts but whose fact does not count
 * (`docs/protocol.md` §9).
 */
const refusedClaim = (claim: Claim): Outcome =>
  claim.kind === "add"
    ? rejected("DeviceKnown", "this device key was given to an identity before (an addition that counts comes first); it cannot be added again")
    : claim.kind === "revoke"
      ? rejected("NotYourDevice", "a device key can only be revoked by its own identity, once its addition that counts is in the revocation's causal past")
      : rejected("NotAMember", "this key acts for no member in the event's causal past, so its departure counts for no one")

/** Plain words for an authority kind. */
export const authorityText = (a: Module.AuthorityKind): string =>
  a === "community"
    ? "a community decision"
    : a === "prime"
      ? "the consensus of the module's prime working group"
      : a === "mandate"
        ? "a working group's mandate"
        : a === "member"
          ? "a full member"
          : "a signature"
