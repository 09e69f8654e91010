/** Routes read from the address, the relay reconnect delays, and how dates are shown. */
import { Names as CoreNames } from "@affinity/core"
import { describe, expect, test } from "vitest"
import { parseRoute } from "../src/app.ts"
import { backoff } from "../src/backend.ts"
import * as Names from "../src/names.ts"
import * as Notice from "../src/notice.ts"
import { modules } from "../src/qr.ts"
import { when } from "../src/view.ts"

const id = "ab".repeat(32)
const other = "cd".repeat(32)

describe("routes", () => {
  test("addresses map to pages; anything else is the home page", () => {
    expect(parseRoute("")).toEqual({ page: "home" })
    expect(parseRoute("#/")).toEqual({ page: "home" })
    expect(parseRoute("#join=abc")).toEqual({ page: "join", code: "abc" })
    expect(parseRoute(`#/c/${id}`)).toEqual({ page: "community", id, tab: "proposals" })
    expect(parseRoute(`#/c/${id}/members`)).toEqual({ page: "community", id, tab: "members" })
    expect(parseRoute(`#/c/${id}/p/${other}`)).toEqual({ page: "community", id, tab: "proposal", proposal: other })
    expect(parseRoute(`#/c/${id}/new/${other}`)).toEqual({ page: "community", id, tab: "new", admit: other })
    for (const bad of [`#/c/${id.slice(2)}`, `#/c/${id.toUpperCase()}`, `#/c/${id}/admin`, `#/c/${id}/p/xyz`, "#/c/../../etc"]) expect(parseRoute(bad)).toEqual({ page: "home" })
  })

  test("the modules' pages: the More tab, a module's page and what it names", () => {
    expect(parseRoute(`#/c/${id}/more`)).toEqual({ page: "community", id, tab: "more" })
    expect(parseRoute(`#/c/${id}/m/economy`)).toEqual({ page: "community", id, tab: "module", module: "economy" })
    expect(parseRoute(`#/c/${id}/m/expression/${other}`)).toEqual({ page: "community", id, tab: "module", module: "expression", sub: other })
    expect(parseRoute(`#/c/${id}/m/defense/safety`)).toEqual({ page: "community", id, tab: "module", module: "defense", sub: "safety" })
    // A module without a screen here, or a part with anything but letters, digits, dots and dashes, is not a page.
    for (const bad of [`#/c/${id}/m/governance`, `#/c/${id}/m/core`, `#/c/${id}/m/economy/../x`, `#/c/${id}/m/economy/A`, `#/c/${id}/m/`]) expect(parseRoute(bad)).toEqual({ page: "home" })
  })
})

describe("reconnecting", () => {
  test("waits grow from half a second to at most ten", () => {
    const first = backoff(0)
    expect(first).toBeGreaterThanOrEqual(375)
    expect(first).toBeLessThanOrEqual(500)
    expect(backoff(3)).toBeGreaterThan(backoff(0))
    for (let attempt = 0; attempt < 50; attempt++) expect(backoff(attempt)).toBeLessThanOrEqual(10_000)
    expect(backoff(40)).toBeGreaterThanOrEqual(7_500)
  })
})

describe("dates", () => {
  test("are shown in this device's time zone as month, day and 24-hour time", () => {
    expect(when(new Date(2025, 2, 5, 9, 7).getTime())).toBe("Mar 5, 09:07")
    expect(when(new Date(2025, 11, 31, 23, 59, 59).getTime())).toBe("Dec 31, 23:59")
    expect(when(new Date(2026, 0, 1, 0, 0).getTime())).toBe("Jan 1, 00:00")
  })
})

describe("names", () => {
  test("labels are proquints of a key's first four bytes, as in the member CLI and the bridge", () => {
    // 127.0.0.1 is the example of the proquint proposal.
    expect(Names.label("7f000001" + "00".repeat(28))).toBe("lusab-babad")
    expect(Names.label("00".repeat(32))).toBe("babab-babab")
    expect(Names.label("ff".repeat(32))).toBe("zuzuz-zuzuz")
    expect(Names.longLabel("7f0000017f000001" + "00".repeat(24))).toBe("lusab-babad-lusab-babad")
  })

  test("a given name comes before a published one; reasons read with names; stored names that are not good are left out", () => {
    const bo = "ef".repeat(32)
    const ada = "ad".repeat(32)
    const directory = (given: Names.Given) => CoreNames.directory([ada, bo], { profiles: new Map([[bo, { name: "Bobby" }]]), given })
    expect(directory({ [bo]: "Bo" }).nameOf(bo)).toBe("Bo")
    expect(directory({}).nameOf(bo)).toBe("Bobby")
    expect(directory({}).nameOf(ada)).toBe(Names.label(ada))
    expect(Names.plain(directory({}), `only the proposer (${bo.slice(0, 12)}…) can amend`)).toBe("only the proposer (Bobby) can amend")
    expect(Names.plain(directory({}), `event ${"12".repeat(6)}… is not here`)).toBe(`event ${Names.label("12".repeat(6))} is not here`)
    expect(Names.parse(JSON.stringify({ [bo]: " Bo ", xyz: "Eve", [id]: "", [other]: "lusab-babad" }))).toEqual({ [bo]: "Bo" })
    expect(Names.parse("not json")).toEqual({})
    expect(Names.parse(undefined)).toEqual({})
    expect(Names.problem("Bo\nfrom 12")).toContain("line breaks")
    expect(Names.problem("x".repeat(61))).toContain("60")
    expect(Names.problem("  ")).toBe("write a name")
  })
})

describe("notices", () => {
  test("belong to the page they were said on, and end with the state they describe", () => {
    const copied: Notice.Notice<number> = { kind: "ok", text: "Copied.", page: Notice.pageKey("#/c/x/members") }
    expect(Notice.current(copied, "#/c/x/members", 0)).toBe(copied)
    expect(Notice.current(copied, "#/c/x/proposals", 0)).toBeUndefined()
    const home: Notice.Notice<number> = { kind: "error", text: "Nothing imported.", page: Notice.pageKey("") }
    for (const hash of ["", "#", "#/"]) expect(Notice.current(home, hash, 0)).toBe(home)
    const applied: Notice.Notice<number> = { kind: "ok", text: "You asked to join.", page: "#/c/x", holds: (status) => status === 0 }
    expect(Notice.current(applied, "#/c/x", 0)).toBe(applied)
    expect(Notice.current(applied, "#/c/x", 1)).toBeUndefined()
  })
})

describe("QR codes", () => {
  test("an invitation link fits, with the finder patterns in three corners", () => {
    const link = `http://192.168.1.20:5173/#join=${"A".repeat(900)}`
    const { size, dark } = modules(link)
    const on = new Set(dark.map(([x, y]) => `${x},${y}`))
    expect(size).toBeGreaterThan(21)
    for (const [cx, cy] of [[0, 0], [size - 7, 0], [0, size - 7]] as const) {
      // A finder pattern: a dark 7×7 ring around a light ring around a dark 3×3 square.
      expect(on.has(`${cx},${cy}`) && on.has(`${cx + 6},${cy + 6}`) && !on.has(`${cx + 1},${cy + 1}`) && on.has(`${cx + 3},${cy + 3}`)).toBe(true)
    }
  })
})
