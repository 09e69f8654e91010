/**
 * The review's tally: what the case's electorate chose. Each member of the electorate frozen at
 * filing has one vote, the latest of the current round in fold order; a member who is no longer a
 * full member (who left, or was removed) loses their vote; the option with the most votes wins,
 * and a tie at the top goes back to further discussion.
 *
 * ```ts
 * import * as Justice from "@affinity/justice"
 *
 * const vote = (member: string, option: Justice.Option) => ({ member, option, key: member, at: 0, round: 0 })
 * const full = () => true
 * console.log(Justice.Tally.count([vote("a", "warning"), vote("b", "warning"), vote("c", "no-change")], ["a", "b", "c"], 0, full).choice) // warning
 * console.log(Justice.Tally.count([vote("a", "warning"), vote("b", "no-change")], ["a", "b"], 0, full).choice) // discussion
 * ```
 *
 * @module
 */
import { type Option, OPTIONS } from "./Bodies.ts"
import type { Vote } from "./State.ts"

/** The result of a tally. */
export type Result = {
  /** The winning option; `discussion` on a tie; `null` when no vote counts. */
  readonly choice: Option | null
  /** Counted votes per option, in the order of the options. */
  readonly counts: ReadonlyArray<{ readonly option: Option; readonly votes: number }>
  /** Members whose vote counted, sorted. */
  readonly voters: ReadonlyArray<string>
  /** Whether the top was a tie. */
  readonly tie: boolean
}

/**
 * Count `votes` (in fold order) of round `round` by members of `electorate` for whom `counts`
 * says yes (a full member still, as the deciding event sees it).
 */
export const count = (
  votes: ReadonlyArray<Vote>,
  electorate: ReadonlyArray<string>,
  round: number,
  counts: (vote: Vote) => boolean
): Result => {
  const members = new Set(electorate)
  const latest = new Map<string, Vote>()
  for (const v of votes) if (v.round === round && members.has(v.member) && counts(v)) latest.set(v.member, v)
  const tally = new Map<Option, number>(OPTIONS.map((o) => [o, 0]))
  for (const v of latest.values()) tally.set(v.option, tally.get(v.option)! + 1)
  const counted = OPTIONS.map((option) => ({ option, votes: tally.get(option)! }))
  const top = Math.max(...counted.map((c) => c.votes))
  const leaders = counted.filter((c) => c.votes === top && top > 0)
  const tie = leaders.length > 1
  return {
    choice: leaders.length === 0 ? null : tie ? "discussion" : leaders[0]!.option,
    counts: counted,
    voters: [...latest.keys()].sort(),
    tie
  }
}
