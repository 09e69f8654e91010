/**
 * Outcomes in words, with names: why a proposal ended as it did, for people (the CLI, the
 * binder, any client). The rule tags and tallies of a decision (G4) told as a sentence.
 *
 * @module
 */
import { proposals } from "./Records.ts"
import type { Decision, Proposal, Stance, State } from "./State.ts"

/** How an explanation names people and proposals. */
export interface Names {
  /** A member's name for people (never hex). */
  readonly name: (identity: string) => string
  /** The number people know a proposal by. */
  readonly number: (proposal: string) => number
  /** Several members in words (default: {@link list} of their names in the order given). */
  readonly names?: (identities: ReadonlyArray<string>) => string
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
