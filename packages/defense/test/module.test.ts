import { describe, expect, it } from "vitest"
import { coreScenario, moduleLaws } from "@affinity/core/testing"
import { module } from "@affinity/defense"

describe("defense module", () => {
  it("has its name, a prime group and an initial state in the canonical model", () => {
    expect(module.name).toBe("defense")
    expect(module.prime).toBe(true)
    const state = module.init({ community: "00", name: "x", founders: [], params: { timeWitnesses: 2, primeSize: 3, primeTerm: 1, quorumPercent: 50 }, time: 0 })
    expect(state.version).toBe(1)
    expect(state.params).toEqual({ agree: 2, freezeCallers: 2 })
    expect(Object.keys(module.events).sort()).toEqual([
      "advisory.accept",
      "freeze",
      "freeze.end",
      "freeze.extend",
      "freeze.impose",
      "lift",
      "list.import",
      "list.subscribe",
      "list.unsubscribe",
      "mandate.end",
      "mandate.grant",
      "mandate.renew",
      "mandate.review",
      "params",
      "restrict"
    ])
    expect(Object.fromEntries(Object.entries(module.events).map(([t, e]) => [t, e.authority]))).toEqual({
      "advisory.accept": "community",
      freeze: "member",
      "freeze.end": "community",
      "freeze.extend": "community",
      "freeze.impose": "mandate",
      lift: "mandate",
      "list.import": "member",
      "list.subscribe": "community",
      "list.unsubscribe": "community",
      "mandate.end": "community",
      "mandate.grant": "community",
      "mandate.renew": "community",
      "mandate.review": "community",
      params: "community",
      restrict: "mandate"
    })
  })

  moduleLaws(module, { scenario: coreScenario })
})
