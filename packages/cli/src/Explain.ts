/**
 * Refusals in words a person can act on. The fold refuses an event with a tagged reason
 * (`{ _tag: "DeadlinePassed", message }`); the CLI says what it means here and what to do
 * next, and keeps the tag for scripts. Reasons it has no sentence for keep the module's
 * own message, with names in place of the ids it cites.
 *
 * @module
 */
import type { Module } from "@affinity/core"
import { type Failure, failed } from "./Failure.ts"

const sentences: Readonly<Record<string, string>> = {
  NotAFullMember:
    "only full members can do this, and you are not one yet: members admit a newcomer by a decision; run `affinity sync` to see whether they have",
  UnknownAuthor: "this device does not act for anyone in this community yet: join it with an invitation (`affinity join <code>`)",
  NotAdded: "this device does not act for anyone in this community yet: join it with an invitation (`affinity join <code>`)",
  NeedsDecision: "nobody can do this alone: it takes a decision of the community; propose it with `affinity propose`",
  DeadlineNotReached: "the deadline has not passed in community time yet; `affinity show <proposal>` says what it waits for",
  DeadlinePassed: "its deadline has passed: stances, amendments and withdrawals are over; anyone can now close it with `affinity close`",
  AlreadyClosed: "this proposal has already ended; `affinity show <proposal>` prints how",
  UnknownProposal: "this device has not seen that proposal; run `affinity sync` and try again",
  DeadlineTooSoon: "the deadline must be at least an hour after community time; give it more time (`--hours` or `--days`)",
  DeadlineTooLate: "the deadline must be at most 90 days after community time; give it less time (`--hours` or `--days`)",
  NotProposer: "only the member who proposed it can amend or withdraw it",
  PollCarriesNoAction: "a poll records opinions and carries no action; use `--process consensus` or `--process consent`",
  ProcessNotAllowed: "working groups and prime groups decide by consensus; use `--process consensus`",
  MemberLeft: "the member this device acts for has left this community; nothing it signs counts any more",
  DeviceRevoked: "this device key was revoked; nothing it signs counts any more",
  Equivocated: "this device key signed two events with one sequence number (two programs used it at once), so the community no longer counts its events; a new device must be added",
  AlreadyKnown: "this device already asked to join, or already belongs to this community",
  NotAnApplicant: "that person has not asked to join (or is a member already), so there is nobody to admit"
}

/**
 * A failure for a refused event, saying what the refusal means and what to do. `plain`
 * puts names into the module's own message (`Names.plain`), for reasons with no sentence here.
 */
export const refusal = (reason: Module.Rejection, what: string, plain: (text: string) => string = (text) => text): Failure => {
  const sentence = sentences[reason._tag] ?? plain(reason.message)
  return failed(reason._tag, `${what} was refused: ${sentence}. Nothing changed.`)
}

/** Why an action a passed decision carried did not apply, in words; `plain` as for {@link refusal}. */
export const actionFailure = (reason: Module.Rejection, plain: (text: string) => string = (text) => text): string =>
  sentences[reason._tag] ?? plain(reason.message)
