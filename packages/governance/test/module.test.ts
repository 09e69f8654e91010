import { describe, expect, it } from "vitest"
import { Cbor } from "@affinity/core"
import { module } from "@affinity/governance"

describe("governance module", () => {
  it("has its name and an initial state in the canonical model", () => {
    expect(module.name).toBe("governance")
    const state = module.init({ community: "00", name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
    expect(Cbor.check(state)).toBeUndefined()
    expect(state).toMatchObject({ version: 1, community: "00", genesisTime: 0, lastTerm: -1, proposals: {} })
  })
})
