import { describe, expect, it } from "vitest"
import { coreScenario, moduleLaws } from "@affinity/core/testing"
import { module } from "@affinity/administration"

describe("administration module", () => {
  it("has its name and an initial state in the canonical model", () => {
    expect(module.name).toBe("administration")
    const state = module.init({ community: "00", name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
    expect(state).toEqual({ version: 1 })
  })

  moduleLaws(module, { scenario: coreScenario })
})
