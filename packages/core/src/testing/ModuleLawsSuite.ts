/**
 * The module laws as a vitest suite: one test per law of {@link LAWS}, run by every module
 * package against its own module (see `ModuleLaws.ts` for what each law says).
 *
 * @module
 */
import { describe, expect, it } from "vitest"
import type * as Module from "../Module.ts"
import { checkLaw, LAWS, type LawSetup, lawSetup, type ModuleLawsOptions } from "./ModuleLaws.ts"

/**
 * Registers a vitest suite that checks `module` against the module laws, folding the events of
 * `options.scenario` through a real replica: one test per law (a pending law is a `todo`). The
 * scenario is built once, when the first law runs.
 *
 * @example
 * ```ts
 * import { describe } from "vitest"
 * import { Body, Module } from "@affinity/core/module"
 * import { moduleLaws } from "@affinity/core/testing"
 *
 * const Add = Body.strict({ by: Body.int(1, 10) })
 * const counter = Module.make<number>({
 *   name: "counter",
 *   init: () => 0,
 *   events: { add: Module.eventType<number, Body.Infer<typeof Add>>({ body: Add, authority: "member", apply: (n, body) => n + body.by }) }
 * })
 *
 * describe("counter", () => {
 *   moduleLaws(counter, {
 *     scenario: (community, [ada, bo]) => {
 *       const base = community.heads()
 *       community.add(ada!, "counter", "add", { by: 2 }, { parents: base })
 *       community.add(bo!, "counter", "add", { by: 3 }, { parents: base })
 *       community.add(bo!, "counter", "add", { by: 30 }) // refused: out of bounds
 *     }
 *   })
 * })
 * ```
 */
export const moduleLaws = (module: Module.Module, options: ModuleLawsOptions): void => {
  describe(`${module.name}: module laws`, () => {
    let setup: LawSetup | undefined
    const shared = (): LawSetup => (setup ??= lawSetup(module, options))
    for (const law of LAWS) {
      if (options.laws !== undefined && !options.laws.includes(law.name)) continue
      if (law.check === undefined) {
        it.todo(`${law.name}: ${law.title} (${law.pending ?? "not checked yet"})`)
        continue
      }
      it(`${law.name}: ${law.title}`, () => {
        const result = checkLaw(law, shared())
        expect(result.failure, result.checked).toBeUndefined()
        expect(result.status).toBe("passed")
      })
    }
  })
}
