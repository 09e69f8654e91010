/**
 * Outcomes in words, with names: why a proposal ended as it did, for people (the CLI, the
 * binder, any client). The rule tags and tallies of a decision (G4) told as a sentence, and
 * each action a decision carried with what became of it.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const state = Governance.init({
 *   community: "00".repeat(32),
 *   name: "Garden",
 *   founders: [],
 *   params: { timeWitnesses: 2, primeSize: 3, primeTerm: 14 * Governance.DAY, quorumPercent: 50 },
 *   time: 0
 * })
 * const [ada, bo] = ["0a".repeat(32), "0b".repeat(32)]
 * const people = { name: (id: string) => (id === ada ? "Ada" : "Bo"), number: () => 1 }
 * const [toAda, toBo] = [Governance.admit(ada), Governance.admit(bo)]
 * const decision = { action: toAda, actions: [toAda, toBo], actionEvent: "ee".repeat(32) }
 * const told = Governance.Explain.actions(state, decision, [
 *   { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "NotApplied", message: "not applied" } },
 *   { _tag: "Failed", module: "core", type: "member.admit", reason: { _tag: "NotAnApplicant", message: "Bo has not applied" } }
 * ], people)
 * console.log(told.map((a) => `${a.what}: ${a.text}`).join("\n"))
 * // admit Ada as a full member: not carried out: a decision's actions take effect together, and action 2 (admit Bo as a full member) could not be
 * // admit Bo as a full member: could not be carried out: Bo has not applied; so none of the decision's actions took effect
 * ```
 *
 * @module
 */
import type { Replica } from "@affinity/core"
import { Bytes, type Cbor } from "@affinity/core/module"
import * as Carried from "./Carried.ts"
import { proposals } from "./Records.ts"
import { type Action, actionsOf, type Decision, type Proposal, type Stance, type State } from "./State.ts"

/** How an explanation names people and proposals. */
export interface Names {
  /** A member's name for people (never hex). */
  readonly name: (identity: string) => string
  /** The number people know a proposal by. */
  readonly number: (proposal: string) => number
  /** Several members in words (default: {@link list} of their names in the order given). */
  readonly names?: (identities: ReadonlyArray<string>) => string
  /** A moment (ms since the epoch) in words (default: ISO 8601, UTC). */
  readonly date?: (ms: number) => string
  /** A reason the host gave, made plain for people: ids in it become names (default: as it is). */
  readonly plain?: (text: string) => string
}

/** Names in words: "Ada", "Ada and Bo", "Ada, Bo and Cy"; `none` when there are none. */
export const list = (items: ReadonlyArray<string>, none = "nobody"): string =>
  items.length === 0 ? none : items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]!}`

const withReasons = (people: Names, stances: ReadonlyArray<Stance>): string =>
  list(stances.map((s) => `${people.name(s.member)}${s.reason ? ` (“${s.reason}”)` : ""}`))

/**
 * Why proposal `p` ended with decision `d`, in words, with names: e.g. `blocked by Bo (“the
 * path”)` or `consensus reached: 3 of 4 members took part; 3 agreed, 1 said nothing`.
 * `quorumPercent` is the community's parameter; `state` finds the proposal that replaced `p`.
 */
export const outcome = (state: State, quorumPercent: number, p: Proposal, d: Decision, people: Names): string => {
  const t = d.tally
  const took = t.agree + t.abstain + t.object + t.block
  const parts = [
    [t.agree, "agreed"],
    [t.abstain, "stood aside"],
    [t.object, "objected"],
    [t.block, "blocked"],
    [t.silent, "said nothing"]
  ] as const
  const counts = parts.filter(([k]) => k > 0).map(([k, what]) => `${k} ${what}`).join(", ") || "nobody took a stance"
  switch (d.rule) {
    case "ConsensusReached":
      return `consensus reached: ${took} of ${d.deciders} members took part; ${counts}`
    case "NoQuorum": {
      const needed = Math.max(1, Math.ceil((quorumPercent * d.deciders) / 100))
      return `no quorum: ${took} of ${d.deciders} members took part and ${needed} ${needed === 1 ? "was" : "were"} needed`
    }
    case "Blocked":
      return `blocked by ${withReasons(people, d.stances.filter((s) => s.stance === "block"))}`
    case "NoAgreement":
      return `nobody agreed (${counts})`
    case "ConsentGiven":
      return `consent given: nobody objected or blocked (${counts})`
    case "Objected":
      return `${withReasons(people, d.stances.filter((s) => s.stance === "object" || s.stance === "block"))} objected`
    case "PollRecorded":
      return `poll recorded: ${counts}`
    case "AllSeatsAgreed":
      return `every one of the ${d.seats.length} seated members agreed`
    case "SeatMissingAgreement": {
      const missing = d.seats.filter((m) => !d.stances.some((s) => s.member === m && s.stance === "agree"))
      const named = people.names ? people.names(missing) : list(missing.map(people.name))
      return `a prime group decides only when every seat agrees, and ${named} did not`
    }
    case "PrimeShortOfSeats":
      return "the prime group had seats empty, so it could not decide; the community decides instead"
    case "GroupGone":
      return "the working group was disbanded or had expired, so it could no longer decide"
    case "OutsideMandate":
      return "the action is outside the working group's mandate"
    case "NoDecidingMembers":
      return "nobody was able to decide"
    case "Withdrawn":
      return d.reason.startsWith("withdrawn by the proposer: ")
        ? `withdrawn by ${people.name(p.proposer)}: “${d.reason.slice("withdrawn by the proposer: ".length)}”`
        : `withdrawn by ${people.name(p.proposer)}`
    case "Superseded": {
      const by = proposals(state).find((q) => q.decision?.key === d.key && q.id !== p.id)
      return by ? `replaced by proposal ${people.number(by.id)} (“${by.title}”), which passed` : "replaced by a proposal that passed"
    }
  }
}

// --- actions -----------------------------------------------------------------------------------------

const isMap = (v: Cbor.Value | undefined): v is { readonly [key: string]: Cbor.Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

const hexOf = (v: Cbor.Value | undefined): string | undefined => (v instanceof Uint8Array ? Bytes.toHex(v) : undefined)

/**
 * What an action does, in words, with names: `admit Ada as a full member`, `create the
 * working group “Door” (…)`; an action of another module is named by its module and type.
 * `state` names the working groups an action refers to.
 */
export const action = (state: State, a: Action, people: Names): string => {
  const body = isMap(a.body) ? a.body : {}
  const date = people.date ?? ((ms: number) => new Date(ms).toISOString())
  const person = (v: Cbor.Value | undefined) => {
    const id = hexOf(v)
    return id === undefined ? "someone" : people.name(id)
  }
  const group = (v: Cbor.Value | undefined) => `the working group “${state.groups[hexOf(v) ?? ""]?.name ?? "that no longer exists"}”`
  switch (`${a.module}/${a.type}`) {
    case "core/member.admit":
      return `admit ${person(body["identity"])} as a full member`
    case "core/member.remove":
      return `remove ${person(body["identity"])} from the community, because “${String(body["reason"] ?? "")}”`
    case "governance/group.create": {
      const members = Array.isArray(body["members"]) ? (body["members"] as ReadonlyArray<Cbor.Value>).map(person) : []
      const mandate = Array.isArray(body["mandate"]) ? (body["mandate"] as ReadonlyArray<Cbor.Value>).map(String) : []
      const expiry = typeof body["expiry"] === "number" ? `, until ${date(body["expiry"])}` : ""
      return `create the working group “${String(body["name"] ?? "")}” (members: ${list(members)}; may decide on its own: ${mandate.length === 0 ? "nothing" : mandate.join(", ")}${expiry})`
    }
    case "governance/group.disband":
      return `disband ${group(body["group"])}, because “${String(body["reason"] ?? "")}”`
    case "governance/group.renew":
      return typeof body["expiry"] === "number"
        ? `let ${group(body["group"])} go on until ${date(body["expiry"])}`
        : `let ${group(body["group"])} go on with no end date`
    default:
      return `the act ${a.module}/${a.type} of the ${a.module} module`
  }
}

/** What became of one action of a decision, told for people. */
export interface ActionResult {
  readonly action: Action
  /** The action in words ({@link action}). */
  readonly what: string
  /**
   * `applied`; `failed` (it broke a rule when it was applied); `notApplied` (another action
   * of the decision failed, and a decision's actions take effect together or not at all);
   * `notCarried` (the decision did not pass); `unknown` (this copy does not know).
   */
  readonly result: "applied" | "failed" | "notApplied" | "notCarried" | "unknown"
  /** What became of it, in words: `carried out`, `could not be carried out: …` … */
  readonly text: string
}

/**
 * Each action decision `d` carried, in order, with what became of it, in words. `results`
 * is what became of each (`Carried.outcomes(d, community.outcome(d.actionEvent))`), or
 * `undefined` when not known.
 */
export const actions = (
  state: State,
  d: Pick<Decision, "action" | "actions" | "actionEvent">,
  results: ReadonlyArray<Replica.ActionOutcome> | undefined,
  people: Names
): ReadonlyArray<ActionResult> => {
  const all = actionsOf(d)
  const plain = people.plain ?? ((text: string) => text)
  const whats = all.map((a) => action(state, a, people))
  const failing = Carried.failing(results)
  return all.map((a, i): ActionResult => {
    const what = whats[i]!
    if (d.actionEvent === null) return { action: a, what, result: "notCarried", text: "not carried out: the decision did not pass" }
    const r = results?.[i]
    if (r === undefined) return { action: a, what, result: "unknown", text: "whether it was carried out is not known on this copy" }
    if (r._tag === "Applied") return { action: a, what, result: "applied", text: "carried out" }
    if (r.reason._tag === "NotApplied")
      return {
        action: a,
        what,
        result: "notApplied",
        text:
          failing === undefined
            ? "not carried out: a decision's actions take effect together, and another of them could not be"
            : `not carried out: a decision's actions take effect together, and action ${failing.index + 1} (${whats[failing.index]!}) could not be`
      }
    return {
      action: a,
      what,
      result: "failed",
      text:
        all.length === 1
          ? `the decision stands, but its action could not be carried out: ${plain(r.reason.message)}`
          : `could not be carried out: ${plain(r.reason.message)}; so none of the decision's actions took effect`
    }
  })
}
