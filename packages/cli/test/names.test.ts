import { describe, expect, it } from "vitest"
import { Names as CoreNames } from "@affinity/core"
import * as Names from "../src/Names.ts"

const a = "0123456789abcdef".repeat(4)
const b = "fedcba9876543210".repeat(4)

describe("names and labels", () => {
  it("labels are two pronounceable words from the first four bytes of the key", () => {
    expect(Names.label(a)).toBe(Names.label(a.slice(0, 8) + "0".repeat(56)))
    expect(Names.isLabel(Names.label(a))).toBe(true)
    expect(Names.label(a)).not.toBe(Names.label(b))
    expect(Names.label("0000" + "ffff" + "0".repeat(56))).toBe("babab-zuzuz")
  })

  it("finds a member by name, label, key or `me`, and says when it cannot", () => {
    const people = { given: { [a]: "Ada" } }
    expect(Names.find("ada", [a, b], people, b)).toBe(a)
    expect(Names.find(Names.label(b), [a, b], people, b)).toBe(b)
    expect(Names.find(b.slice(0, 8), [a, b], people, b)).toBe(b)
    expect(Names.find("me", [a, b], people, b)).toBe(b)
    expect(() => Names.find("Cy", [a, b], people, b)).toThrow(/no member here is called “Cy”/)
    expect(() => Names.find("twin", [a, b], { given: { [a]: "Twin", [b]: "twin" } }, undefined)).toThrow(/could be/)
  })

  it("finds a member by the name they published, after the names given on this device", () => {
    const c = "1234567890abcdef".repeat(4)
    const directory = CoreNames.directory([a, b, c], { profiles: new Map([[a, { name: "Ada" }], [b, { name: "Bo" }], [c, { name: "Bo" }]]), given: { [c]: "Cyrus" } })
    const people = { given: { [c]: "Cyrus" }, directory }
    // Bo is the only one who shows as Bo here: Cyrus, who also published “Bo”, has a name on this device.
    expect(Names.find("bo", [a, b, c], people, undefined)).toBe(b)
    expect(Names.find("ADA", [a, b, c], people, undefined)).toBe(a)
    expect(Names.find("cyrus", [a, b, c], people, undefined)).toBe(c)
    expect(Names.nameOf(people, c)).toBe("Cyrus")
    expect(Names.withLabel(people, b)).toBe(`Bo (${Names.label(b)})`)
    // Two who both show as Ada are told apart by their labels.
    const twins = { given: {}, directory: CoreNames.directory([a, b], { profiles: new Map([[a, { name: "Ada" }], [b, { name: "Ada" }]]) }) }
    expect(() => Names.find("Ada", [a, b], twins, undefined)).toThrow(new RegExp(`could be Ada \\(${Names.label(a)}\\) and Ada \\(${Names.label(b)}\\)`))
    expect(Names.find(`Ada (${Names.label(b)})`, [a, b], twins, undefined)).toBe(b)
    expect(Names.withLabel(twins, a)).toBe(`Ada (${Names.label(a)})`)
  })

  it("puts names into the messages people read, and labels where it knows no one", () => {
    const directory = CoreNames.directory([a, b], { profiles: new Map([[a, { name: "Ada" }]]) })
    const people = { given: {}, directory }
    expect(Names.plain(people, `identity ${a.slice(0, 12)}… has not applied`)).toBe("identity Ada has not applied")
    expect(Names.plain(people, `event ${"9".repeat(12)}… is not here`)).toBe(`event ${Names.label("9".repeat(12))} is not here`)
    expect(Names.plain(people, `member ${b}`)).toBe(`member ${Names.label(b)}`)
  })

  it("refuses names that would read as something else", () => {
    expect(Names.checkName("  Bo  ")).toBe("Bo")
    expect(() => Names.checkName("me")).toThrow()
    expect(() => Names.checkName(Names.label(a))).toThrow()
    expect(() => Names.checkName("two\nlines")).toThrow()
  })
})
