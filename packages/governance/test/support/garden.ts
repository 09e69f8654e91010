/**
 * Test support: `garden`, a small module outside the seed that has a prime working group
 * (`prime: true`). Governance draws a garden prime group each term, and a decision of that
 * group carries garden's `prime` actions. The governance conformance vectors name it
 * (`testModules.garden` in `conformance/vectors/governance.json` states its rules), so an
 * implementation in another language builds the same module to check them.
 */
import { Body, Module } from "@affinity/core/module"
import type * as Governance from "@affinity/governance"

/** The crops planted, in fold order, each with the event that planted it. */
export type Garden = { readonly crops: ReadonlyArray<{ readonly crop: string; readonly key: string }> }

/** A small module with a prime working group: planting takes a decision of the garden prime group (or the community). */
export const garden = Module.make<Garden>({
  name: "garden",
  prime: true,
  init: () => ({ crops: [] }),
  events: {
    plant: Module.eventType<Garden, { readonly crop: string }>({
      body: Body.strict({ crop: Body.text(1, 64) }),
      authority: "prime",
      apply: (state, body, ctx) => ({ crops: [...state.crops, { crop: body.crop, key: ctx.key }] })
    })
  }
})

/** `garden/plant`: plant `crop` (an action for the garden prime group or the community). */
export const plant = (crop: string): Governance.Action => ({ module: "garden", type: "plant", body: { crop } })
