/**
 * `affinity paper`: decisions taken on paper, entered afterwards and signed by their witnesses.
 *
 * - `affinity paper` lists them, with who has signed;
 * - `affinity paper enter <title> --decided <date> --witness <name>… [--text <words>]` enters one;
 * - `affinity paper sign <which> [--dispute <reason>]` signs one as a witness.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import { failed, usage } from "../Failure.ts"
import * as Names from "../Names.ts"
import * as Parse from "../Parse.ts"
import type { Room } from "../Session.ts"
import { fullMembers, withCommunity } from "../Session.ts"

interface EnterOptions {
  readonly decided: string
  readonly witness: ReadonlyArray<string>
  readonly text?: string
}

interface SignOptions {
  readonly dispute?: string
}

const statusWords: Readonly<Record<Governance.Paper.PaperStatus, string>> = {
  awaiting: "awaiting signatures",
  witnessed: "witnessed",
  disputed: "disputed"
}

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** A paper decision as JSON for machines, with names beside identities. */
const paperJson = (room: Room, p: Governance.Paper.PaperDecision) => ({
  id: p.id,
  title: p.title,
  text: p.text,
  status: Governance.Paper.status(p),
  decided: new Date(p.decided).toISOString(),
  entered: new Date(p.entered).toISOString(),
  by: { identity: p.by, name: room.nameOf(p.by) },
  witnesses: p.witnesses.map((w) => {
    const s = p.signatures.find((x) => x.witness === w)
    return { identity: w, name: room.nameOf(w), signed: s === undefined ? null : s.agree ? "agreed" : "disputed", reason: s?.reason ?? null }
  })
})

const describe = (room: Room, p: Governance.Paper.PaperDecision): ReadonlyArray<string> => {
  const signed = p.signatures.map((s) => (s.agree ? `${room.nameOf(s.witness)} agreed` : `${room.nameOf(s.witness)} disputed it: ${s.reason}`))
  const waiting = Governance.Paper.unsigned(p).map((w) => room.nameOf(w))
  return [
    `“${p.title}”: decided on paper on ${room.date(p.decided)}, entered by ${room.nameOf(p.by)}; ${statusWords[Governance.Paper.status(p)]}.`,
    ...(p.text === "" ? [] : [`  ${p.text}`]),
    ...(signed.length === 0 ? [] : [`  Signed: ${Names.list(signed)}.`]),
    ...(waiting.length === 0 ? [] : [`  Not signed yet: ${Names.list(waiting)}.`])
  ]
}

/** The paper decision `input` names: its title or part of it, or its position in the list (1 is the first entered). */
const find = (room: Room, input: string): Governance.Paper.PaperDecision => {
  const all = Governance.Paper.all(room.gov())
  const n = /^\d+$/.test(input.trim()) ? Number(input.trim()) : undefined
  if (n !== undefined && n >= 1 && n <= all.length) return all[n - 1]!
  const lower = input.trim().toLowerCase()
  const matches = all.filter((p) => p.title.toLowerCase().includes(lower))
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) throw usage("UnknownPaper", `no decision taken on paper is called “${input}”; \`affinity paper\` lists them`)
  throw usage("Ambiguous", `“${input}” could be ${Names.list(matches.map((p) => `“${p.title}”`))}; say more of the title`)
}

const parseDate = (value: string): number => {
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw usage("InvalidDate", `--decided takes a date such as 2026-03-14 or 2026-03-14T19:30; “${value}” is not one`)
  return ms
}

/** The `paper` command. */
export const paper: Spec = {
  register: (program, run) => {
    const command = program
      .command("paper")
      .description(
        "Decisions taken on paper, where the software was not at hand: entered afterwards by a member and signed by each witness with their own key. They carry no action; to make one act, propose it."
      )
      .action((_options: unknown, c: Command) =>
        run(c, (ctx) =>
          withCommunity(ctx, async (r) => {
            const all = Governance.Paper.all(r.gov())
            if (all.length === 0) ctx.say("No decision taken on paper has been entered. Enter one: affinity paper enter <title> --decided <date> --witness <name>")
            all.forEach((p, i) => {
              const [first, ...rest] = describe(r, p)
              ctx.say(`${i + 1}. ${first}`)
              for (const line of rest) ctx.say(line)
            })
            return all.map((p) => paperJson(r, p))
          })
        )
      )
    command
      .command("enter")
      .argument("<title>", "what was decided, in a few words")
      .requiredOption("--decided <date>", "when it was decided, e.g. 2026-03-14 or 2026-03-14T19:30")
      .requiredOption("--witness <name>", "a member who was there and will sign it (repeat for each; `me` for you)", collect)
      .option("--text <words>", "what was decided, in the words on paper")
      .description("Enter a decision taken on paper, naming the members who witnessed it; each then signs it with `affinity paper sign`.")
      .action((title: string, options: EnterOptions, c: Command) =>
        run(c, (ctx) =>
          withCommunity(ctx, async (r) => {
            r.requireFull()
            const decided = parseDate(options.decided)
            if (decided > r.communityTime()) throw failed("DecidedInFuture", `${r.date(decided)} is later than community time now; a paper decision is entered after it was taken`)
            const members = fullMembers(r.core())
            const witnesses = options.witness.map((w) => r.find(w, members, "witness"))
            const draft = Governance.Paper.record({
              title: Parse.text(title, "the title", 1, 200),
              text: options.text === undefined ? "" : Parse.text(options.text, "--text", 0, 4000),
              decided,
              witnesses
            })
            const { key } = await r.append(draft, "Entering the decision")
            const p = Governance.Paper.all(r.gov()).find((x) => x.id === key)!
            ctx.say(`Entered “${p.title}”. Each witness signs it: affinity paper sign "${p.title}". Share it: affinity sync`)
            return paperJson(r, p)
          })
        )
      )
    command
      .command("sign")
      .argument("<which>", "the paper decision's title, part of it, or its number in `affinity paper`")
      .option("--dispute <reason>", "say it is not what was decided, and why")
      .description("Sign a decision taken on paper that names you as a witness: that it is what was decided, or (with --dispute) that it is not.")
      .action((which: string, options: SignOptions, c: Command) =>
        run(c, (ctx) =>
          withCommunity(ctx, async (r) => {
            const me = r.requireFull()
            const p = find(r, which)
            if (!p.witnesses.includes(me)) throw failed("NotAWitness", `“${p.title}” does not name you as a witness; only its witnesses sign it`)
            if (p.signatures.some((s) => s.witness === me)) throw failed("AlreadySigned", `you already signed “${p.title}”`)
            const reason = options.dispute === undefined ? undefined : Parse.text(options.dispute, "--dispute", 1, 1000)
            await r.append(Governance.Paper.attest(p.id, reason === undefined ? "agree" : "dispute", reason), "Signing")
            const now = Governance.Paper.all(r.gov()).find((x) => x.id === p.id)!
            for (const line of describe(r, now)) ctx.say(line)
            return paperJson(r, now)
          })
        )
      )
  }
}
