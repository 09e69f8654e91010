/**
 * The standing gate (`docs/protocol.md` §8, "Standing"): every module that provides
 * standing is asked, in module-name order, whether a subject may do an act; the first
 * restriction that stops it wins, then the restrictions in force as strong facts.
 *
 * @module
 */
import type * as Module from "../Module.ts"
import * as Standing from "../Standing.ts"
import type { Folding } from "./Folding.ts"

/** Module names that provide standing, sorted (found once per module set). */
const providers = new WeakMap<Folding["modules"], ReadonlyArray<string>>()

const providersOf = (modules: Folding["modules"]): ReadonlyArray<string> => {
  let names = providers.get(modules)
  if (names === undefined) {
    names = [...modules.values()].filter((m) => m.standing !== undefined).map((m) => m.name).sort()
    providers.set(modules, names)
  }
  return names
}

/**
 * Why `subject` may not do `act` at fold event `i`, whose community time is `time`, or
 * `undefined`. A provider that throws stops nothing.
 */
export const refusal = (folding: Folding, subject: Standing.Subject, act: Standing.Act, i: number, time: number): Module.Rejection | undefined => {
  if (Standing.exempt(act)) return undefined
  for (const name of providersOf(folding.modules)) {
    const module = folding.modules.get(name)!
    let restrictions: ReadonlyArray<Standing.Restriction>
    try {
      restrictions = module.standing!.restrictions(folding.states[name]!, subject)
    } catch {
      continue
    }
    for (const r of restrictions) if (Standing.stops(r, act, time)) return Standing.refusal(r, act)
  }
  const strong = folding.removals.restrictionOf(subject, i, act, time)
  return strong === undefined ? undefined : Standing.refusal(strong, act)
}
