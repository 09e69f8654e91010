/**
 * Form validation: what a person typed, checked before anything is signed. Each check
 * returns the clean value or the field at fault and a message to show beside it. The
 * community checks every event again; these only make mistakes clear early.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import { Invitation } from "@affinity/core"

/** A checked form, or the field at fault and why. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly field: string; readonly message: string }

const bad = (field: string, message: string): Checked<never> => ({ ok: false, field, message })

/** Proposal windows a person can pick, in hours. */
export const WINDOWS = [1, 24, 72, 168] as const

/** Label of a window. */
export const windowLabel = (hours: number): string =>
  hours === 1 ? "1 hour" : hours < 48 ? `${hours} hours` : hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`

/** The create-a-community form. */
export const createCommunity = (input: { readonly name: string; readonly relay: string }): Checked<{ readonly name: string; readonly relays: ReadonlyArray<string> }> => {
  const name = input.name.trim()
  if (name === "") return bad("name", "give the community a name")
  if (name.length > 200) return bad("name", "a name has at most 200 characters")
  const relay = input.relay.trim()
  if (relay !== "" && !Invitation.isRelayUrl(relay)) return bad("relay", "a relay address starts with ws:// or wss://, e.g. ws://127.0.0.1:8787/")
  return { ok: true, value: { name, relays: relay === "" ? [] : [relay] } }
}

/** What a new proposal carries. */
export interface ProposalInput {
  readonly title: string
  readonly text: string
  readonly process: string
  /** Hours until the deadline, as typed or picked. */
  readonly window: string
}

/** The new-proposal form. */
export const proposal = (
  input: ProposalInput
): Checked<{ readonly title: string; readonly text: string; readonly process: Governance.Process; readonly hours: number }> => {
  const title = input.title.trim()
  if (title === "") return bad("title", "give the proposal a title")
  if (title.length > Governance.Bodies.MAX_TITLE) return bad("title", `a title has at most ${Governance.Bodies.MAX_TITLE} characters`)
  if (input.text.length > Governance.Bodies.MAX_TEXT) return bad("text", `the text has at most ${Governance.Bodies.MAX_TEXT} characters`)
  if (input.process !== "consensus" && input.process !== "consent" && input.process !== "poll")
    return bad("process", "choose how the proposal is decided")
  const hours = Number(input.window)
  if (!(WINDOWS as ReadonlyArray<number>).includes(hours)) return bad("window", "choose how long members have to respond")
  return { ok: true, value: { title, text: input.text.trim(), process: input.process, hours } }
}

/** The stance form. */
export const stance = (input: { readonly stance: string; readonly reason: string }): Checked<{ readonly stance: Governance.StanceKind; readonly reason: string | undefined }> => {
  const s = input.stance
  if (s !== "agree" && s !== "abstain" && s !== "object" && s !== "block") return bad("stance", "choose a stance")
  const reason = input.reason.trim()
  if (reason.length > Governance.Bodies.MAX_REASON) return bad("reason", `a reason has at most ${Governance.Bodies.MAX_REASON} characters`)
  if ((s === "object" || s === "block") && reason === "")
    return bad("reason", `to ${s}, say why: what would have to change for you to agree?`)
  return { ok: true, value: { stance: s, reason: reason === "" ? undefined : reason } }
}

/** The note sent with an application to join. */
export const applyNote = (input: string): Checked<string> => {
  const note = input.trim()
  if (note.length > 4000) return bad("note", "a note has at most 4000 characters")
  return { ok: true, value: note }
}
