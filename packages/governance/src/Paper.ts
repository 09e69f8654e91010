/**
 * Decisions taken on paper (`docs/protocol.md` §12 G6a): when the software was not at hand (a
 * meeting in a hall, a power cut, a crisis), people decide on paper and a member enters the
 * decision afterwards, naming the witnesses who were there. Each witness then signs it with
 * their own key (`paper.attest`), agreeing that the record is true or disputing it with a
 * reason. The record carries no action and gives nobody power: it is the community's memory of
 * what was decided, with the signatures that vouch for it. To make it act, members open a
 * proposal that cites it.
 *
 * ```ts
 * import * as Governance from "@affinity/governance/module"
 *
 * const entered = Governance.Paper.record({ title: "Open the pantry on Sundays", text: "Agreed by all present.", decided: 1_700_000_000_000, witnesses: ["aa".repeat(32), "bb".repeat(32)] })
 * console.log(entered.type) // paper.record
 * console.log(Governance.Paper.attest("cc".repeat(32), "agree").type) // paper.attest
 * ```
 *
 * @module
 */
import { Body, Bytes, EventBodies, Module } from "@affinity/core/module"
import type { State } from "./State.ts"
import { withFields } from "./State.ts"

const hex = Bytes.toHex
const reject = Module.reject

/** Most witnesses a paper decision names. */
export const MAX_WITNESSES = 50

/** `governance/paper.record`: a decision taken on paper, entered afterwards. */
export type RecordBody = {
  readonly title: string
  /** What was decided, in the words on paper. */
  readonly text: string
  /** When it was decided (community time, ms): not after the entering event's community time. */
  readonly decided: number
  /** Members who were there and will sign it, distinct, 1 … {@link MAX_WITNESSES}. */
  readonly witnesses: ReadonlyArray<Uint8Array>
}

/** Schema of {@link RecordBody}. */
export const RecordBody: Body.Schema<RecordBody> = Body.strict({
  title: Body.text(1, 200),
  text: Body.text(0, 4000),
  decided: Body.int(0, Number.MAX_SAFE_INTEGER),
  witnesses: Body.array(Body.bytes(32), 1, MAX_WITNESSES)
})

/** What a witness says of a paper decision: it is what was decided, or it is not. */
export type Verdict = "agree" | "dispute"

/** `governance/paper.attest`: a witness signs a paper decision, agreeing or disputing it. */
export type AttestBody = {
  /** Key of the `paper.record` event. */
  readonly paper: Uint8Array
  readonly verdict: Verdict
  /** Why the witness disputes it; required with `dispute`. */
  readonly reason?: string
}

/** Schema of {@link AttestBody}. */
export const AttestBody: Body.Schema<AttestBody> = Body.refine(
  Body.strict({ paper: Body.bytes(32), verdict: Body.literal(["agree", "dispute"]), reason: Body.optional(Body.text(1, 1000)) }),
  (b) => (b.verdict === "agree" || b.reason !== undefined ? undefined : "a witness who disputes a record says why (reason)")
)

/** A witness's signature on a paper decision. */
export type Signature = {
  readonly witness: string
  readonly agree: boolean
  readonly reason: string | null
  /** Key of the `paper.attest` event. */
  readonly key: string
  /** Community time of that event. */
  readonly at: number
}

/** Where a paper decision stands. */
export type PaperStatus =
  /** Some witness has not signed yet. */
  | "awaiting"
  /** Every witness signed and agreed. */
  | "witnessed"
  /** Some witness disputed it. */
  | "disputed"

/** A decision taken on paper, as entered. */
export type PaperDecision = {
  /** Key of the `paper.record` event. */
  readonly id: string
  /** Identity that entered it. */
  readonly by: string
  readonly title: string
  readonly text: string
  /** When it was decided (community time, ms). */
  readonly decided: number
  /** Community time of the entering event. */
  readonly entered: number
  /** Witnesses, sorted. */
  readonly witnesses: ReadonlyArray<string>
  /** Signatures in fold order. */
  readonly signatures: ReadonlyArray<Signature>
}

/** Where a paper decision stands: disputed once a witness disputes it, witnessed once every witness agreed. */
export const status = (p: PaperDecision): PaperStatus =>
  p.signatures.some((s) => !s.agree) ? "disputed" : p.witnesses.every((w) => p.signatures.some((s) => s.witness === w)) ? "witnessed" : "awaiting"

/** Witnesses who have not signed yet, sorted. */
export const unsigned = (p: PaperDecision): ReadonlyArray<string> => p.witnesses.filter((w) => !p.signatures.some((s) => s.witness === w))

/** Every decision taken on paper, in the order entered (by community time, then key). */
export const all = (state: State): ReadonlyArray<PaperDecision> =>
  Object.values(state.paper ?? {}).sort((a, b) => a.entered - b.entered || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

const direct = (type: string, ctx: Module.EventContext): Module.Rejection | undefined =>
  ctx.warrant._tag === "Direct" ? undefined : reject("NotAnAction", `governance/${type} is a member's own act; a decision cannot carry it`)

const withPaper = (state: State, p: PaperDecision): State => withFields(state, { paper: { ...(state.paper ?? {}), [p.id]: p } })

/** `governance/paper.record` (member). */
export const recordEvent: Module.EventType<State> = Module.eventType<State, RecordBody>({
  body: RecordBody,
  authority: "member",
  validate: (_state, body, ctx) => {
    const own = direct("paper.record", ctx)
    if (own) return own
    if (body.decided > ctx.communityTime)
      return reject("DecidedInFuture", "a paper decision is entered after it was taken: its date cannot be later than community time now")
    const ids = body.witnesses.map(hex)
    if (new Set(ids).size !== ids.length) return reject("RepeatedWitness", "each witness is named once")
    const outsider = ids.find((id) => ctx.statusOf(id) !== "full")
    if (outsider !== undefined)
      return reject("WitnessNotAMember", `every witness signs with their own key, so each must be a full member; ${outsider.slice(0, 12)}… is not`)
    return undefined
  },
  apply: (state, body, ctx) =>
    withPaper(state, {
      id: ctx.key,
      by: ctx.identity!,
      title: body.title,
      text: body.text,
      decided: body.decided,
      entered: ctx.communityTime,
      witnesses: body.witnesses.map(hex).sort(),
      signatures: []
    })
})

/** `governance/paper.attest` (member: a witness the record names). */
export const attestEvent: Module.EventType<State> = Module.eventType<State, AttestBody>({
  body: AttestBody,
  authority: "member",
  validate: (state, body, ctx) => {
    const own = direct("paper.attest", ctx)
    if (own) return own
    const id = hex(body.paper)
    const p = state.paper?.[id]
    if (p === undefined || !ctx.happenedBefore(id)) return reject("UnknownPaper", "no paper decision was entered by that event in this event's past")
    if (!p.witnesses.includes(ctx.identity!)) return reject("NotAWitness", `"${p.title}" does not name you as a witness; only its witnesses sign it`)
    if (p.signatures.some((s) => s.witness === ctx.identity)) return reject("AlreadySigned", `you already signed "${p.title}"`)
    return undefined
  },
  apply: (state, body, ctx) => {
    const p = state.paper![hex(body.paper)]!
    return withPaper(state, {
      ...p,
      signatures: [...p.signatures, { witness: ctx.identity!, agree: body.verdict === "agree", reason: body.reason ?? null, key: ctx.key, at: ctx.communityTime }]
    })
  }
})

const asBytes = (ref: string | Uint8Array, what: string): Uint8Array => Bytes.ref32(ref, what)

/** A `governance/paper.record` draft. */
export const record = (p: {
  readonly title: string
  readonly text: string
  readonly decided: number
  readonly witnesses: ReadonlyArray<string | Uint8Array>
}): EventBodies.Draft<"governance", "paper.record", RecordBody> => ({
  module: "governance",
  type: "paper.record",
  body: { title: p.title, text: p.text, decided: p.decided, witnesses: p.witnesses.map((w) => asBytes(w, "witness")) }
})

/** A `governance/paper.attest` draft: `dispute` needs a reason. */
export const attest = (paper: string | Uint8Array, verdict: Verdict, reason?: string): EventBodies.Draft<"governance", "paper.attest", AttestBody> => ({
  module: "governance",
  type: "paper.attest",
  body: { paper: asBytes(paper, "paper"), verdict, ...(reason === undefined ? {} : { reason }) }
})
