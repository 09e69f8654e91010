/**
 * The method in plain words: what each way of deciding and each stance means between
 * people, why the standing groups are drawn by lot and rotate, what they may decide, and
 * what happens when one is short of members. The views show these texts next to the
 * controls they explain. Every sentence follows the rules of `docs/protocol.md` §12 (G3,
 * G4, G7, G8); numbers come from the community's own parameters.
 *
 * @module
 */
import type * as Governance from "@affinity/governance"

/** How a proposal is decided, for people. */
export interface ProcessText {
  readonly name: string
  /** When it passes, in one or two sentences. */
  readonly rule: string
}

/** The ways of deciding, explained with the community's quorum (percent of full members who must take part). */
export const processes = (quorumPercent: number): Readonly<Record<Governance.Process, ProcessText>> => ({
  consensus: {
    name: "Consensus",
    rule:
      `Passes when at least one member agrees, nobody blocks, and at least ${quorumPercent}% of the members take a stance (standing aside counts). ` +
      "Objections are heard and recorded but do not stop it on their own. For decisions that need everyone on board."
  },
  consent: {
    name: "Consent",
    rule: "Passes unless someone objects or blocks; saying nothing counts as going along. For everyday decisions that should move quickly."
  },
  poll: {
    name: "Poll",
    rule: "Asks what members think. Nothing is decided and nothing is done; the answers are recorded."
  }
})

/** The name of a stance, for people. */
export const stanceName: Readonly<Record<Governance.StanceKind, string>> = { agree: "Agree", abstain: "Stand aside", object: "Object", block: "Block" }

/** What taking each stance means between people, under each way of deciding. */
export const stanceMeaning = (process: Governance.Process): Readonly<Record<Governance.StanceKind, string>> =>
  process === "poll"
    ? {
        agree: "You are for it.",
        abstain: "You have no opinion either way.",
        object: "You are against it; say why.",
        block: "You are strongly against it; say why. In a poll this stops nothing."
      }
    : process === "consent"
      ? {
          agree: "You support it.",
          abstain: "You do not support it, but you will not stand in the way: you let the others go ahead.",
          object: "You cannot go along with it; say why. One objection stops it, so say what would make it work for you.",
          block: "You believe it would harm the community. Like an objection, it stops the proposal; say what would have to change."
        }
      : {
          agree: "You support it.",
          abstain: "You do not support it, but you will not stand in the way: you let the others go ahead. You still count as taking part.",
          object: "You disagree and say why. Everyone sees your reason, but an objection alone does not stop it.",
          block:
            "You believe it would harm the community or go against what it stands for. One block stops it. " +
            "It is a serious step between people: say what would have to change, and be ready to talk it through."
        }

/** What each module's standing group looks after, in a few words. */
export const groupArea: Readonly<Record<Governance.PrimeGroup, string>> = {
  administration: "membership and everyday running",
  defense: "safety and protection from harm",
  economy: "money, credit and shared resources",
  expression: "what the community publishes and discusses",
  governance: "how decisions are made",
  justice: "disputes, harm and repair"
}

/** The name of a standing group, for people. */
export const groupName = (g: Governance.PrimeGroup): string => `${g.charAt(0).toUpperCase()}${g.slice(1)}`

/** The standing groups, their seats, term and rules, in plain words. */
export const primeGroups = (params: { readonly primeSize: number; readonly primeTerm: number }): {
  readonly what: string
  readonly whyLot: string
  readonly mayDecide: string
  readonly shortOfMembers: string
} => {
  const days = Math.round(params.primeTerm / (24 * 60 * 60 * 1000))
  const seats = params.primeSize === 1 ? "1 member" : `${params.primeSize} members`
  return {
    what: `Each area of the community's life has a small standing group of ${seats}, called its prime working group.`,
    whyLot:
      `Seats are drawn by lot, not elected: nobody has to campaign or be popular to serve, and nobody can choose who sits. ` +
      `A term lasts ${days} days and is never extended; then new members are drawn, and nobody sits in the same group two terms in a row. ` +
      "So power does not settle with the same few people, and everyone gets a turn.",
    mayDecide:
      "A group decides only matters of its own area, and only when every seated member agrees. " +
      "Everything else is for the whole community, which can also take up anything a group could not agree on.",
    shortOfMembers:
      `A group with an empty seat cannot decide anything: it needs all ${seats}. A seat stays empty when the community has too few members to fill it ` +
      "(those who sat in the group last term wait a turn), or when a seated member leaves and nobody is next in line. " +
      "Until the next draw, the whole community decides that group's matters."
  }
}

/** The lot, in plain words. */
export const lot = {
  what:
    "Every full member can be drawn. To keep the draw fair, members add shares to it: this device keeps a secret for you and, before each term, adds a share made from it. " +
    "Nobody can guess a share beforehand and its owner cannot pick it, so as long as one share is honest, nobody can steer who is drawn, not even the person who draws. " +
    "Anyone can check the draw afterwards.",
  missed: "A share not added in time is left out of the draw, and the record says whose it was.",
  firstTerm: "The first term has no seats: a fair draw needs shares added before the term starts, and nobody could add any before the community began."
} as const
