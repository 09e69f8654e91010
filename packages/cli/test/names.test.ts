import { describe, expect, it } from "vitest"
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
    const names = { [a]: "Ada" }
    expect(Names.find("ada", [a, b], names, b)).toBe(a)
    expect(Names.find(Names.label(b), [a, b], names, b)).toBe(b)
    expect(Names.find(b.slice(0, 8), [a, b], names, b)).toBe(b)
    expect(Names.find("me", [a, b], names, b)).toBe(b)
    expect(() => Names.find("Cy", [a, b], names, b)).toThrow(/no member here is called “Cy”/)
    expect(() => Names.find("twin", [a, b], { [a]: "Twin", [b]: "twin" }, undefined)).toThrow(/could be/)
  })

  it("refuses names that would read as something else", () => {
    expect(Names.checkName("  Bo  ")).toBe("Bo")
    expect(() => Names.checkName("me")).toThrow()
    expect(() => Names.checkName(Names.label(a))).toThrow()
    expect(() => Names.checkName("two\nlines")).toThrow()
  })
})
