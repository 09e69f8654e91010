/**
 * Governance records in plain words for people, and as JSON for scripts: proposals,
 * stances with their reasons, decisions and what became of their actions, working groups.
 * People see names and dates; only JSON carries ids (hex) and ISO dates.
 *
 * @module
 */
import { Bytes, type Cbor } from "@affinity/core"
import * as Governance from "@affinity/governance"
import * as CommunityTime from "./CommunityTime.ts"
import type { Json } from "./Context.ts"
import * as Dates from "./Dates.ts"
import * as Explain from "./Explain.ts"
import * as Lookup from "./Lookup.ts"
import * as Names from "./Names.ts"
import * as Reads from "./Reads.ts"
import type { Room } from "./Session.ts"

/** A stance as a person says it: `agrees`, `stands aside`, `objects`, `blocks`. */
export const stanceWord = (kind: Governance.StanceKind): string =>
  kind === "agree" ? "agrees" : kind === "abstain" ? "stands aside" : kind === "object" ? "objects" : "blocks"

/** A stance said of someone, before the proposal: `agrees with`, `stands aside on`, `objects to`, `blocks`. */
export const stanceOn = (kind: Governance.StanceKind): string =>
  kind === "agree" ? "agrees with" : kind === "abstain" ? "stands aside on" : kind === "object" ? "objects to" : "blocks"

/** A stance as one says it of oneself: `agree`, `stand aside`, `object`, `block`. */
export const stanceVerb = (kind: Governance.StanceKind): string => (kind === "abstain" ? "stand aside" : kind)

/** A stance in the past: `agreed`, `stood aside`, `objected`, `blocked`. */
export const stancePast = (kind: Governance.StanceKind): string =>
  kind === "agree" ? "agreed" : kind === "abstain" ? "stood aside" : kind === "object" ? "objected" : "blocked"

/** The text with its first letter in upper case. */
export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** How a process decides, in a sentence. */
export const processText = (process: Governance.Process, quorumPercent: number): string =>
  process === "consensus"
    ? `consensus: it passes when at least ${quorumPercent}% of the members take a stance, at least one agrees and nobody blocks`
    : process === "consent"
      ? "consent: it passes unless someone objects or blocks; silence is consent"
      : "poll: it records where people stand and decides nothing"

/** Who decides a proposal, in words. */
export const decidedBy = (room: Room, scope: Governance.Scope): string =>
  scope._tag === "Community"
    ? "the community"
    : scope._tag === "Prime"
      ? `the ${scope.module} prime group`
      : `working group “${Governance.Records.group(room.gov(), scope.group)?.name ?? "unknown"}”`

const isMap = (v: Cbor.Value): v is { readonly [key: string]: Cbor.Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

const hexOf = (v: Cbor.Value | undefined): string | undefined => (v instanceof Uint8Array ? Bytes.toHex(v) : undefined)

/** What an action does, in words. */
export const actionText = (room: Room, action: Governance.Action): string => {
  const body = isMap(action.body) ? action.body : {}
  const who = (v: Cbor.Value | undefined) => {
    const id = hexOf(v)
    return id === undefined ? "someone" : room.nameOf(id)
  }
  switch (`${action.module}/${action.type}`) {
    case "core/member.admit":
      return `admit ${who(body["identity"])} as a full member`
    case "core/member.remove":
      return `remove ${who(body["identity"])} from the community (“${String(body["reason"] ?? "")}”)`
    case "governance/group.create": {
      const members = Array.isArray(body["members"]) ? (body["members"] as ReadonlyArray<Cbor.Value>).map(who) : []
      const mandate = Array.isArray(body["mandate"]) ? (body["mandate"] as ReadonlyArray<Cbor.Value>).map(String) : []
      const expiry = typeof body["expiry"] === "number" ? `, until ${room.date(body["expiry"])}` : ""
      return `create the working group “${String(body["name"] ?? "")}” (members: ${Names.list(members)}; may decide: ${mandate.length === 0 ? "nothing on its own" : mandate.join(", ")}${expiry})`
    }
    case "governance/group.disband":
      return `disband working group “${Governance.Records.group(room.gov(), hexOf(body["group"]) ?? "")?.name ?? "unknown"}”`
    case "governance/group.renew": {
      const group = Governance.Records.group(room.gov(), hexOf(body["group"]) ?? "")?.name ?? "unknown"
      return typeof body["expiry"] === "number"
        ? `let working group “${group}” go on until ${room.date(body["expiry"])}`
        : `let working group “${group}” go on with no end date`
    }
    default:
      return `${action.module}/${action.type}`
  }
}

/** What became of one action of a decision. */
export interface ActionResult {
  readonly action: Governance.Action
  /** The action in words ({@link actionText}). */
  readonly text: string
  /**
   * `applied`; `failed` (it broke a rule when it was applied); `notApplied` (another action
   * of the decision failed, and a decision's actions take effect together or not at all);
   * `notCarried` (the decision did not pass); `unknown` (this device does not know).
   */
  readonly result: "applied" | "failed" | "notApplied" | "notCarried" | "unknown"
  /** Why it was not carried out, for `failed` and `notApplied`. */
  readonly why?: string
}

/** Each action of decision `d`, in order, with what became of it (`Governance.Carried`). */
export const actionResults = (room: Room, d: Governance.Decision): ReadonlyArray<ActionResult> => {
  const actions = Governance.actionsOf(d)
  const results = d.actionEvent === null ? undefined : Governance.Carried.outcomes(d, Reads.outcome(room.handle, d.actionEvent))
  const failing = Governance.Carried.failing(results)
  return actions.map((action, i): ActionResult => {
    const text = actionText(room, action)
    if (d.actionEvent === null) return { action, text, result: "notCarried" }
    const r = results?.[i]
    if (r === undefined) return { action, text, result: "unknown" }
    if (r._tag === "Applied") return { action, text, result: "applied" }
    if (r.reason._tag === "NotApplied")
      return {
        action,
        text,
        result: "notApplied",
        why:
          failing === undefined
            ? "another of its actions could not be carried out"
            : `action ${failing.index + 1} (${actionText(room, actions[failing.index]!)}) could not be carried out`
      }
    return { action, text, result: "failed", why: Explain.actionFailure(r.reason, room.plain) }
  })
}

/**
 * Whether a decision's actions applied: `"applied"` (all of them), `"failed"` with why (one
 * failed, so none took effect), `"none"` (it carried none), or `"unknown"`.
 */
export const actionResult = (room: Room, d: Governance.Decision): { readonly result: "applied" | "failed" | "none" | "unknown"; readonly why?: string } => {
  const results = actionResults(room, d)
  if (results.length === 0 || d.actionEvent === null) return { result: "none" }
  if (results.every((r) => r.result === "applied")) return { result: "applied" }
  const failed = results.find((r) => r.result === "failed")
  if (failed) return { result: "failed", why: failed.why ?? "unknown reason" }
  return { result: "unknown" }
}

/**
 * What a proposal would carry out if it passes, as lines for people: `If it passes: admit
 * Bo as a full member.`, or the numbered list of several. `lead` begins the first line.
 */
export const plannedLines = (room: Room, actions: ReadonlyArray<Governance.Action>, lead = "If it passes"): ReadonlyArray<string> =>
  actions.length === 0
    ? []
    : actions.length === 1
      ? [`${lead}: ${actionText(room, actions[0]!)}.`]
      : [`${lead}, all ${actions.length} together or none of them:`, ...actions.map((a, i) => `  ${i + 1}. ${capitalized(actionText(room, a))}.`)]

/**
 * What became of the actions of a passed decision, as lines for people: `Done: …` (`done`
 * begins it), or why not; with several actions, each on a line of its own with what became
 * of it. Empty when it carried none.
 */
export const resultLines = (room: Room, d: Governance.Decision, done = "Done"): ReadonlyArray<string> => {
  const results = actionResults(room, d)
  if (results.length === 0) return []
  if (results.length === 1) {
    const r = results[0]!
    return [
      r.result === "applied"
        ? `${done}: ${r.text}.`
        : r.result === "failed"
          ? `The decision stands, but its action (${r.text}) could not be carried out: ${r.why ?? "unknown reason"}.`
          : "Whether its action was carried out is not known on this device."
    ]
  }
  const outcome = actionResult(room, d)
  const head =
    outcome.result === "applied"
      ? `${done}, all ${results.length} actions together:`
      : outcome.result === "failed"
        ? `The decision stands, but none of its ${results.length} actions took effect (they take effect together or not at all):`
        : `Whether its ${results.length} actions were carried out is not known on this device:`
  const line = (r: ActionResult, i: number) =>
    `  ${i + 1}. ${capitalized(r.text)}${
      r.result === "applied"
        ? ": carried out."
        : r.result === "failed"
          ? `: could not be carried out: ${r.why ?? "unknown reason"}.`
          : r.result === "notApplied"
            ? `: not carried out, since ${r.why ?? "another of its actions could not be carried out"}.`
            : "."
    }`
  return [head, ...results.map(line)]
}


/** End a sentence with a full stop, unless it ends with one already (inside a closing quote too). */
export const sentence = (text: string): string => (/[.!?]”?$/.test(text) ? text : `${text}.`)

/** How a proposal ended, as the start of a sentence: `Passed`, `Did not pass`, `Recorded`, `Withdrawn`, `Replaced`. */
export const outcomeWord = (outcome: Governance.OutcomeKind): string =>
  outcome === "passed" ? "Passed" : outcome === "failed" ? "Did not pass" : outcome === "recorded" ? "Recorded" : outcome === "withdrawn" ? "Withdrawn" : "Replaced"

/** Why a proposal ended as it did, in words, with names. */
export const outcomeText = (room: Room, p: Governance.Proposal, d: Governance.Decision): string =>
  Governance.Explain.outcome(room.gov(), room.core().community.params.quorumPercent, p, d, {
    name: room.nameOf,
    number: (id) => Lookup.numberOf(room.gov(), id),
    plain: room.plain
  })

/**
 * A member for JSON: id (hex), label, the name shown for them here (`name`: given on this
 * device, else published, else the label), the name given on this device (`given`, or
 * `null`), and the profile they published (`published`, or `null`).
 */
export type MemberJson = {
  readonly id: string
  readonly label: string
  readonly name: string
  readonly given: string | null
  readonly published: { readonly name: string; readonly pronouns: string | null; readonly note: string | null } | null
}

/** A member for JSON (see {@link MemberJson}). */
export const memberJson = (room: Room, identity: string): MemberJson => {
  const profile = room.names().profileOf(identity)
  return {
    id: identity,
    label: Names.label(identity),
    name: room.nameOf(identity),
    given: room.settings.names[identity] ?? null,
    published: profile === undefined ? null : { name: profile.name, pronouns: profile.pronouns ?? null, note: profile.note ?? null }
  }
}

/** A CBOR value as JSON: byte strings as hex. */
export const cborJson = (v: Cbor.Value): Json => {
  if (v instanceof Uint8Array) return Bytes.toHex(v)
  if (Array.isArray(v)) return (v as ReadonlyArray<Cbor.Value>).map(cborJson)
  if (isMap(v)) {
    const out: Record<string, Json> = {}
    for (const k of Object.keys(v).sort()) out[k] = cborJson(v[k]!)
    return out
  }
  return v as Json
}

const scopeJson = (room: Room, scope: Governance.Scope): Json =>
  scope._tag === "Community"
    ? { kind: "community" }
    : scope._tag === "Prime"
      ? { kind: "prime", module: scope.module }
      : { kind: "group", id: scope.group, name: Governance.Records.group(room.gov(), scope.group)?.name ?? null }

const stanceJson = (room: Room, s: Governance.Stance): Json => ({
  member: memberJson(room, s.member),
  stance: s.stance,
  reason: s.reason,
  at: Dates.iso(s.at),
  version: s.version,
  event: s.key
})

const actionJson = (a: Governance.Action | null): Json => (a === null ? null : { module: a.module, type: a.type, body: cborJson(a.body) })

const actionsJson = (room: Room, actions: ReadonlyArray<Governance.Action>): Json =>
  actions.map((a) => ({ module: a.module, type: a.type, body: cborJson(a.body), text: actionText(room, a) }))

/** A decision for JSON. */
export const decisionJson = (room: Room, p: Governance.Proposal, d: Governance.Decision): Json => {
  const r = actionResult(room, d)
  return {
    outcome: d.outcome,
    rule: d.rule,
    reason: outcomeText(room, p, d),
    at: Dates.iso(d.at),
    by: memberJson(room, d.by),
    event: d.key,
    version: d.version,
    text: d.text,
    action: actionJson(d.action),
    actions: actionResults(room, d).map((a) => ({
      module: a.action.module,
      type: a.action.type,
      body: cborJson(a.action.body),
      text: a.text,
      result: a.result,
      failure: a.why ?? null
    })),
    actionResult: r.result,
    actionFailure: r.why ?? null,
    tally: { ...d.tally },
    deciders: d.deciders,
    seats: d.seats.map((m) => memberJson(room, m)),
    stances: d.stances.map((s) => stanceJson(room, s))
  }
}

/** A proposal for JSON: its current version, its current stances, and its decision once it ended. */
export const proposalJson = (room: Room, p: Governance.Proposal): Json => {
  const v = p.versions[p.versions.length - 1]!
  return {
    number: Lookup.numberOf(room.gov(), p.id),
    id: p.id,
    title: p.title,
    text: v.text,
    process: p.process,
    decidedBy: scopeJson(room, p.scope),
    proposer: memberJson(room, p.proposer),
    opened: Dates.iso(p.opened),
    deadline: Dates.iso(p.deadline),
    status: p.status,
    version: p.versions.length - 1,
    action: actionJson(v.action),
    actions: actionsJson(room, Governance.actionsOf(v)),
    supersedes: p.supersedes,
    stances: Governance.Records.stances(room.gov(), p.id).map((s) => stanceJson(room, s)),
    decision: p.decision ? decisionJson(room, p, p.decision) : null
  }
}

/** A proposal's one-line summary: `2. Admit Bo — open until …` */
export const proposalLine = (room: Room, p: Governance.Proposal): string => {
  const n = Lookup.numberOf(room.gov(), p.id)
  const d = p.decision
  const state =
    p.status === "open"
      ? p.deadline <= room.communityTime()
        ? `deadline passed on ${room.date(p.deadline)}: ready to close`
        : `open until ${room.when(p.deadline)}`
      : `${p.status} on ${room.date(d?.at ?? p.deadline)}`
  return `${n}. ${p.title} — ${state}`
}

/** Print a proposal in full, for people. */
export const printProposal = (room: Room, p: Governance.Proposal): void => {
  const say = room.ctx.say
  const gov = room.gov()
  const v = p.versions[p.versions.length - 1]!
  const quorum = room.core().community.params.quorumPercent
  say(`Proposal ${Lookup.numberOf(gov, p.id)}: ${p.title}`)
  say(`  Proposed by ${room.nameOf(p.proposer)} on ${room.date(p.opened)}.`)
  say(`  ${capitalized(decidedBy(room, p.scope))} decides by ${processText(p.process, quorum)}.`)
  if (p.supersedes !== null) {
    const old = Governance.Records.proposal(gov, p.supersedes)
    if (old) say(`  If it passes, it replaces proposal ${Lookup.numberOf(gov, old.id)} (“${old.title}”).`)
  }
  const d = p.decision
  const version = d ? d.version : p.versions.length - 1
  const text = d ? d.text : v.text
  const actions = Governance.actionsOf(d ?? v)
  if (!d) for (const line of plannedLines(room, actions)) say(`  ${line}`)
  if (d && d.outcome !== "passed") for (const line of plannedLines(room, actions, "It would have carried out")) say(`  ${line}`)
  if (version > 0) say(`  The text was amended ${version === 1 ? "once" : `${version} times`}; stances on earlier versions no longer count.`)
  if (text !== "") {
    say("")
    for (const line of text.split("\n")) say(`    ${line}`)
  }
  say("")
  if (!d) {
    const ct = room.communityTime()
    say(
      p.deadline <= ct
        ? `  The deadline (${room.date(p.deadline)}) has passed: anyone can close it now (\`affinity close ${Lookup.numberOf(gov, p.id)}\`).`
        : p.deadline <= room.ctx.now()
          ? `  Its deadline (${room.date(p.deadline)}) has passed on your clock but not yet in community time, which ${CommunityTime.whoMovesTime(room.core())}; \`affinity sync\` adds your clock's witness.`
          : `  Open until ${room.when(p.deadline)} in community time; stances can change until then.`
    )
    const stances = Governance.Records.stances(gov, p.id)
    if (stances.length === 0) say("  Nobody has taken a stance yet.")
    else {
      say("  Stances so far:")
      for (const s of stances) say(`    ${room.nameOf(s.member)} ${stanceWord(s.stance)}${s.reason ? `: “${s.reason}”` : ""} (${room.date(s.at)})`)
    }
    if (p.scope._tag === "Community" && stances.length > 0) {
      const taken = stances.map((s) => s.member)
      const waiting = Object.entries(room.core().identities)
        .filter(([id, i]) => i.status === "full" && !taken.includes(id))
        .map(([id]) => room.nameOf(id))
      if (waiting.length > 0) say(`  No stance yet from: ${Names.list(waiting)}.`)
    }
    return
  }
  say(`  ${outcomeWord(d.outcome)} on ${room.date(d.at)}: ${sentence(outcomeText(room, p, d))}`)
  if (d.outcome === "passed") for (const line of resultLines(room, d)) say(`  ${line}`)
  if (d.stances.length > 0) {
    say("  Stances that counted:")
    for (const s of d.stances) say(`    ${room.nameOf(s.member)} ${stancePast(s.stance)}${s.reason ? `: “${s.reason}”` : ""} (${room.date(s.at)})`)
  }
}
