import { describe, expect, it } from "vitest"
import { Bytes } from "@affinity/core"

describe("Bytes", () => {
  it("round-trips hex", () => {
    expect(Bytes.toHex(Bytes.fromHex("00ff10")!)).toBe("00ff10")
    expect(Bytes.fromHex("zz")).toBeUndefined()
  })
})
