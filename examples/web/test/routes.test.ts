/** Routes read from the address, the relay reconnect delays, and how dates are shown. */
import { describe, expect, test } from "vitest"
import { parseRoute } from "../src/app.ts"
import { backoff } from "../src/backend.ts"
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
