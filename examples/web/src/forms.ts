/**
 * Form validation: what a person typed, checked before anything is signed. Each check
 * returns the clean value or the field at fault and a message to show beside it. The
 * community checks every event again; these only make mistakes clear early.
 *
 * @module
 */
import { Names as CoreNames } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as Names from "./names.ts"
import * as RelayAddress from "./relayAddress.ts"

/** A checked form, or the field at fault and why. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly field: string; readonly message: string }

const bad = (field: string, message: string): Checked<never> => ({ ok: false, field, message })

/** Proposal windows a person can pick, in hours. */
export const WINDOWS = [1, 24, 72, 168] as const

/** Label of a window. */
export const windowLabel = (hours: number): string =>
  hours === 1 ? "1 hour" : hours < 48 ? `${hours} hours` : hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`

/** Why a page at `pageProtocol` cannot use the relay at `url`, or `undefined` when it can. */
const unreachable = (pageProtocol: string, url: string): string | undefined =>
  RelayAddress.reachableFrom(pageProtocol, url)
    ? undefined
    : "this page was opened over https, and browsers then reach only wss:// relays (except on this computer): use the relay's wss:// address"

/**
 * A relay address typed in a form: see {@link RelayAddress.check}. `pageProtocol` is the
 * page's `location.protocol`: a page opened over https reaches only `wss://` relays.
 */
export const relay = (input: string, pageProtocol = "http:"): Checked<string> => {
  const checked = RelayAddress.check(input)
  if (!checked.ok) return bad("relay", checked.message)
  const far = unreachable(pageProtocol, checked.url)
  return far === undefined ? { ok: true, value: checked.url } : bad("relay", far)
}

/** The create-a-community form; the relay is optional. */
export const createCommunity = (
  input: { readonly name: string; readonly relay: string },
  pageProtocol = "http:"
): Checked<{ readonly name: string; readonly relays: ReadonlyArray<string> }> => {
  const name = input.name.trim()
  if (name === "") return bad("name", "give the community a name")
  if (name.length > 200) return bad("name", "a name has at most 200 characters")
  if (input.relay.trim() === "") return { ok: true, value: { name, relays: [] } }
  const r = relay(input.relay, pageProtocol)
  return r.ok ? { ok: true, value: { name, relays: [r.value] } } : r
}

/** Adding a relay to a community's list on this device (at most `max`, no address twice). */
export const addRelay = (input: string, current: ReadonlyArray<string>, max: number, pageProtocol = "http:"): Checked<string> => {
  const r = relay(input, pageProtocol)
  if (!r.ok) return r
  if (current.includes(r.value)) return bad("relay", "this relay is in the list already")
  if (current.length >= max) return bad("relay", `a community lists at most ${max} relays here (an invitation carries no more); remove one first`)
  return r
}

/** The address of the app that invitation links and their QR codes open: `http://` or `https://`, a host, an optional port and path. */
export const appAddress = (input: string): Checked<string> => {
  const text = input.trim()
  const no = bad("app", "write the address where others open this app, such as http://192.168.1.20:5173/ or https://app.example.org/")
  if (text === "" || /\s/.test(text) || text.length > 500) return no
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return no
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "")
    return no
  return { ok: true, value: url.href }
}

/** Whether an app address opens only on the device it is typed on (a loopback address). */
export const isLoopback = (address: string): boolean => {
  try {
    const host = new URL(address).hostname
    return host === "localhost" || host === "[::1]" || /^127\./.test(host)
  } catch {
    return false
  }
}

/** A name given to a member on this device. */
export const memberName = (input: string): Checked<string> => {
  const p = Names.problem(input)
  return p === undefined ? { ok: true, value: input.trim() } : bad("name", p)
}

/** What a member says about themselves: the name they go by and, if they like, their pronouns. */
export const profile = (input: { readonly name: string; readonly pronouns: string }): Checked<CoreNames.Profile> => {
  const name = Names.problem(input.name)
  if (name !== undefined) return bad("profile-name", name)
  const pronouns = input.pronouns.trim()
  const value: CoreNames.Profile = { name: input.name.trim(), ...(pronouns === "" ? {} : { pronouns }) }
  const problem = CoreNames.profileProblem(value)
  return problem === undefined ? { ok: true, value } : bad("profile-pronouns", problem)
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

/** Choices of the amend form's deadline: keep it, or a new window from now (hours). */
export type NewDeadline = { readonly keep: true } | { readonly keep: false; readonly hours: number }

/**
 * The amend form: a new text and, optionally, a new deadline. An amendment clears every
 * stance, so it must leave members at least an hour: with less than that left, a new
 * deadline is needed. `current` is the proposal's latest version and deadline,
 * `communityTime` the community's time now.
 */
export const amend = (
  input: { readonly text: string; readonly window: string },
  current: { readonly text: string; readonly deadline: number },
  communityTime: number
): Checked<{ readonly text: string; readonly deadline: NewDeadline }> => {
  if (input.text.length > Governance.Bodies.MAX_TEXT) return bad("amend-text", `the text has at most ${Governance.Bodies.MAX_TEXT} characters`)
  const text = input.text.trim()
  let deadline: NewDeadline
  if (input.window === "keep") deadline = { keep: true }
  else {
    const hours = Number(input.window)
    if (!(WINDOWS as ReadonlyArray<number>).includes(hours)) return bad("amend-window", "choose how long members have to respond")
    deadline = { keep: false, hours }
  }
  if (deadline.keep && text === current.text.trim()) return bad("amend-text", "change the text or the deadline first: this is the text members see now")
  if (deadline.keep && current.deadline < communityTime + Governance.HOUR)
    return bad("amend-window", "less than an hour is left: changing the text asks everyone to take their stance again, so give them a new deadline")
  return { ok: true, value: { text, deadline } }
}

/** The withdraw form: an optional reason. */
export const withdraw = (input: { readonly reason: string }): Checked<string | undefined> => {
  const reason = input.reason.trim()
  if (reason.length > Governance.Bodies.MAX_REASON) return bad("withdraw-reason", `a reason has at most ${Governance.Bodies.MAX_REASON} characters`)
  return { ok: true, value: reason === "" ? undefined : reason }
}
