import { describe, expect, it } from "vitest"
import { Body, Module, Query } from "@affinity/core/module"
import {
  checkModuleLaws,
  coreScenario,
  type LawName,
  lawSetup,
  type ModuleLawsOptions,
  moduleLaws,
  type TestCommunity
} from "@affinity/core/testing"

type Tally = { readonly total: number; readonly adds: ReadonlyArray<{ readonly by: number; readonly key: string }> }

const Add = Body.strict({ by: Body.int(1, 10) })
const Total = Body.strict({})

/** A well-behaved module: a running total, a bound it refuses past, and a query. */
const tally = Module.make<Tally>({
  name: "tally",
  init: () => ({ total: 0, adds: [] }),
  events: {
    add: Module.eventType<Tally, Body.Infer<typeof Add>>({
      body: Add,
      authority: "member",
      validate: (state, body) => (state.total + body.by > 20 ? Module.reject("TooMuch", `the total would pass 20 (it is ${state.total})`) : undefined),
      apply: (state, body, ctx) => ({ total: state.total + body.by, adds: [...state.adds, { by: body.by, key: ctx.key }] })
    })
  },
  queries: {
    total: Query.make<Tally, Body.Infer<typeof Total>, number>({ args: Total, answer: (state) => state.total })
  }
})

/** Two concurrent adds, one after both, one refused for its bound and one for its body. */
const scenario: ModuleLawsOptions["scenario"] = (c: TestCommunity, [ada, bo, cy]) => {
  const base = c.heads()
  c.add(ada!, "tally", "add", { by: 5 }, { parents: base })
  c.add(bo!, "tally", "add", { by: 7 }, { parents: base })
  c.add(cy!, "tally", "add", { by: 3 })
  c.add(ada!, "tally", "add", { by: 10 })
  c.add(bo!, "tally", "add", { by: 11 })
  return { queries: { total: [{}, { extra: 1 }] } }
}

const verdicts = (module: Module.Module, laws?: ReadonlyArray<LawName>, of: ModuleLawsOptions["scenario"] = scenario) =>
  Object.fromEntries(checkModuleLaws(module, { scenario: of, ...(laws ? { laws } : {}) }).map((r) => [r.law, r.status]))

describe("module laws", () => {
  moduleLaws(tally, { scenario })

  it("a well-behaved module passes every law", () => {
    expect(verdicts(tally)).toEqual({ order: "passed", redelivery: "passed", rejection: "passed", queries: "passed", standing: "passed" })
    const rejection = checkModuleLaws(tally, { scenario, laws: ["rejection"] })[0]!
    // TooMuch (5 + 7 + 3 + 10 > 20) and InvalidBody (11 is out of bounds), then the probes.
    expect(rejection.checked).toMatch(/^2 refusals in the scenario and \d+ refused probes$/)
  })

  it("a module that counts its own calls fails the order law", () => {
    let calls = 0
    const impure = Module.make<number>({
      name: "tally",
      init: () => 0,
      events: { add: Module.eventType<number, Body.Infer<typeof Add>>({ body: Add, authority: "member", apply: () => ++calls }) }
    })
    expect(verdicts(impure as Module.Module, ["order"]).order).toBe("failed")
  })

  it("a module that changes its state while refusing fails the rejection law", () => {
    type Log = { readonly seen: Array<number> }
    const leaky = Module.make<Log>({
      name: "tally",
      init: () => ({ seen: [] }),
      events: {
        add: Module.eventType<Log, Body.Infer<typeof Add>>({
          body: Add,
          authority: "member",
          validate: (state, body) => {
            if (body.by < 10) return undefined
            state.seen.push(body.by)
            return Module.reject("TooMuch", "too much")
          },
          apply: (state, body) => ({ seen: [...state.seen, body.by] })
        })
      }
    })
    const results = checkModuleLaws(leaky as Module.Module, { scenario, laws: ["rejection"] })
    expect(results[0]).toMatchObject({ law: "rejection", status: "failed" })
    expect(results[0]!.failure).toMatch(/refused \(TooMuch\) and still changed the state/)
  })

  it("a query that changes the state, or answers differently twice, fails the queries law", () => {
    type Box = { readonly asked: Array<number> }
    let n = 0
    const make = (answer: (state: Box) => number) =>
      Module.make<Box>({ name: "tally", init: () => ({ asked: [] }), events: {}, queries: { total: Query.make<Box, {}, number>({ args: Total, answer }) } })
    const mutating = checkModuleLaws(make((s) => (s.asked.push(1), 1)) as Module.Module, { scenario, laws: ["queries"] })[0]!
    expect(mutating.status).toBe("failed")
    expect(mutating.failure).toMatch(/the query changed the/)
    const fickle = checkModuleLaws(make(() => ++n) as Module.Module, { scenario, laws: ["queries"] })[0]!
    expect(fickle.status).toBe("failed")
    expect(fickle.failure).toMatch(/different answers/)
  })

  it("the core scenario applies an application, concurrent ticks, a device and a departure, and refuses a direct admission", () => {
    const setup = lawSetup(tally, { scenario: coreScenario })
    const outcomes = setup.events.map((e) => {
      const o = setup.reference.outcome(e.key)
      return `${e.header.type} ${o?._tag === "Rejected" ? "Rejected" : o?._tag}`
    })
    expect(outcomes).toEqual(["member.apply Applied", "tick Applied", "tick Applied", "device.add Applied", "member.leave Applied", "member.admit Rejected"])
    expect(verdicts(tally, undefined, coreScenario)).toEqual({ order: "passed", redelivery: "passed", rejection: "passed", queries: "passed", standing: "passed" })
  })
})
