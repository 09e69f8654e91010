/**
 * `affinity lot`: take part in the lot that seats the prime groups.
 *
 * @module
 */
import { Bytes } from "@affinity/core"
import * as Governance from "@affinity/governance"
import type { Command } from "commander"
import type { Spec } from "../Command.ts"
import * as Dates from "../Dates.ts"
import * as LotFile from "../LotFile.ts"
import * as Names from "../Names.ts"
import { isFull, withCommunity } from "../Session.ts"

/** Layers of a new onion: one per term the member can take part in. */
export const LAYERS = 1000

/** The `lot` command. */
export const lot: Spec = {
  register: (program, run) => {
    program
      .command("lot")
      .description(
        "Take part in the lot that seats the prime groups by turns: commit to a secret, reveal its next layer each term (nobody can choose it), draw a term that has started."
      )
      .action((_options: object, command: Command) =>
        run(command, (ctx) =>
          withCommunity(ctx, async (r) => {
            const me = r.requireFull()
            const done: Array<string> = []
            const say = (line: string) => {
              done.push(line)
              ctx.say(line)
            }
            const params = r.core().community.params
            const onions = await LotFile.load(r.ctx.home)
            const mine = () => r.gov().onions[me]
            const secretOf = (o: LotFile.Onion) => Bytes.fromHex(o.secret)!
            const isOurs = () => {
              const local = onions[r.id]
              return local !== undefined && mine()?.anchor === Bytes.toHex(Governance.Lot.anchor(secretOf(local), local.length))
            }
            // Commit first when this device has no commitment of its own, or it is used up, so that the draw below records it.
            if (!isOurs() || mine()!.revealed >= onions[r.id]!.length) {
              const secret = crypto.getRandomValues(new Uint8Array(32))
              onions[r.id] = { secret: Bytes.toHex(secret), length: LAYERS }
              await LotFile.save(r.ctx.home, onions)
              await r.append(Governance.commit(Governance.Lot.anchor(secret, LAYERS)), "Your commitment to the lot")
              say("You committed to a new secret (kept in lot.json; only its hashes are published). It counts from the term after the next draw.")
            }
            // Draw every term that has started and is not drawn yet, in order.
            for (;;) {
              const gov = r.gov()
              const next = gov.lastTerm + 1
              if (next > Governance.termAt(gov, params, r.communityTime())) break
              await r.append(Governance.draw(next), `Drawing term ${next}`)
              const drawn = r.gov().terms[String(next)]!
              say(
                next === 0
                  ? "You drew term 0, the founding term: it seats nobody (no secret could be revealed before it)."
                  : `You drew term ${next} from ${drawn.reveals.length} revealed secret${drawn.reveals.length === 1 ? "" : "s"}${drawn.withheld.length > 0 ? `; ${Names.list(drawn.withheld.map(r.nameOf))} did not reveal` : ""}.`
              )
              if (next > 0)
                for (const g of Governance.Records.primeGroups(r.gov(), next))
                  say(`  ${g.padEnd(15)} ${Names.list(Governance.Records.seats(r.gov(), next, g, (id) => isFull(r.core(), id)).map(r.nameOf), "no seat filled")}`)
            }
            // Reveal the next layer for the next term to draw, when this device's commitment counts for it.
            {
              const gov = r.gov()
              const term = gov.lastTerm + 1
              const previous = gov.terms[String(term - 1)]
              const onion = mine()
              const local = onions[r.id]!
              const counts = onion !== undefined && previous?.commits.some((c) => c.member === me && c.key === onion.key) === true
              const revealed = (gov.reveals[String(term)] ?? []).some((x) => x.member === me)
              const cutoff = Governance.revealCutoff(gov, params, term)
              if (term >= 1 && previous && isOurs() && counts && !revealed && r.communityTime() < cutoff && onion.revealed < local.length) {
                const value = Governance.Lot.layer(secretOf(local), local.length, onion.revealed + 1)
                await r.append(Governance.reveal(term, value), `Revealing for term ${term}`)
                say(`You revealed the next layer of your secret for term ${term}; reveals close ${r.when(cutoff)}.`)
              }
            }
            if (done.length === 0) {
              const gov = r.gov()
              const next = gov.lastTerm + 1
              ctx.say(`Nothing is due in the lot now. Term ${next} can be drawn from ${r.when(Governance.termStart(gov, params, next))}.`)
            }
            const gov = r.gov()
            return {
              done,
              lastDrawn: gov.lastTerm,
              nextDraw: Dates.iso(Governance.termStart(gov, params, gov.lastTerm + 1)),
              committed: mine() !== undefined
            }
          })
        )
      )
  }
}
