/**
 * Finding what a person names on the command line: a proposal by its number, its title or
 * its id; a working group by its name or id.
 *
 * @module
 */
import * as Governance from "@affinity/governance"
import { usage } from "./Failure.ts"
import * as Names from "./Names.ts"

/**
 * Proposals in the order `affinity proposals` numbers them: by the community time they were
 * opened, then id. The numbers are the same on every device that holds the same events.
 */
export const numbered = (gov: Governance.State): ReadonlyArray<Governance.Proposal> => Governance.Records.proposals(gov)

/** The number of a proposal in {@link numbered}. */
export const numberOf = (gov: Governance.State, id: string): number => numbered(gov).findIndex((p) => p.id === id) + 1

/** The proposal `input` names: its number (`3` or `#3`), its title (any case; or a part of it found in one title only), or its id (8 or more hex digits). */
export const proposal = (gov: Governance.State, input: string): Governance.Proposal => {
  const all = numbered(gov)
  const text = input.trim()
  const lower = text.toLowerCase()
  const n = /^#?([1-9][0-9]*)$/.exec(text)
  if (n) {
    const p = all[Number(n[1]) - 1]
    if (p) return p
    throw usage("UnknownProposal", `there is no proposal number ${n[1]} (there are ${all.length}); \`affinity proposals\` lists them`)
  }
  const pick = (found: ReadonlyArray<Governance.Proposal>): Governance.Proposal | undefined => {
    if (found.length <= 1) return found[0]
    const open = found.filter((p) => p.status === "open")
    if (open.length === 1) return open[0]
    throw usage(
      "Ambiguous",
      `“${text}” matches ${Names.list(found.map((p) => `${numberOf(gov, p.id)} (“${p.title}”)`))}; say which by its number`
    )
  }
  const found =
    pick(all.filter((p) => p.title.toLowerCase() === lower)) ??
    (/^[0-9a-f]{8,64}$/.test(lower) ? pick(all.filter((p) => p.id.startsWith(lower))) : undefined) ??
    (lower.length > 0 ? pick(all.filter((p) => p.title.toLowerCase().includes(lower))) : undefined)
  if (found) return found
  throw usage("UnknownProposal", `no proposal here is called “${text}”; \`affinity proposals\` lists them with their numbers`)
}

/** The working group `input` names: its name (any case) or its id (8 or more hex digits). */
export const group = (gov: Governance.State, input: string): Governance.Group => {
  const all = Governance.Records.groups(gov)
  const lower = input.trim().toLowerCase()
  const byName = all.filter((g) => g.name.toLowerCase() === lower)
  const byId = /^[0-9a-f]{8,64}$/.test(lower) ? all.filter((g) => g.id.startsWith(lower)) : []
  for (const found of [byName, byId]) {
    if (found.length === 1) return found[0]!
    if (found.length > 1) {
      const active = found.filter((g) => g.disbanded === null)
      if (active.length === 1) return active[0]!
      throw usage("Ambiguous", `several working groups are called “${input.trim()}”`)
    }
  }
  throw usage("UnknownGroup", `no working group here is called “${input.trim()}”; \`affinity groups\` lists them`)
}
