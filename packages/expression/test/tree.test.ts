import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Tree } from "@affinity/expression"

const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex"))
const community = "cc".repeat(32)

describe("the phone tree", () => {
  it("reaches everyone exactly once, each calling at most `fanout` people, with the starter at the root", () => {
    fc.assert(
      fc.property(fc.uniqueArray(hex, { minLength: 1, maxLength: 80 }), fc.constantFrom(2, 3), (people, fanout) => {
        const root = people[0]!
        const tree = Tree.order(community, people, root)
        expect(tree[0]).toBe(root)
        expect([...tree].sort()).toEqual([...people].sort())
        const called = tree.flatMap((p) => Tree.calls(tree, fanout, p))
        expect([...called].sort()).toEqual(tree.slice(1).sort())
        for (const p of tree) {
          expect(Tree.calls(tree, fanout, p).length).toBeLessThanOrEqual(fanout)
          for (const q of Tree.calls(tree, fanout, p)) expect(Tree.callerOf(tree, fanout, q)).toBe(p)
        }
        expect(fanout ** Tree.rounds(tree, fanout)).toBeGreaterThanOrEqual(Math.ceil((tree.length * (fanout - 1)) / fanout) || 1)
      })
    )
  })

  it("does not depend on the order people are listed in, and rebalances when someone joins: the others keep their relative order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(hex, { minLength: 3, maxLength: 40 }), hex, (people, newcomer) => {
        fc.pre(!people.includes(newcomer))
        const root = people[0]!
        const tree = Tree.order(community, people, root)
        expect(Tree.order(community, [...people].reverse(), root)).toEqual(tree)
        const grown = Tree.order(community, [...people, newcomer], root)
        expect(grown.filter((p) => p !== newcomer)).toEqual(tree)
      })
    )
  })

  it("lists the calls whose caller cannot read the callee's contact", () => {
    const [a, b, c] = ["0a", "0b", "0c"].map((x) => x.repeat(32)) as [string, string, string]
    const tree = [a, b, c]
    const contacts = [
      { member: b, key: "01".repeat(32), readers: [a], at: 0, ended: null },
      { member: c, key: "02".repeat(32), readers: [b], at: 0, ended: null }
    ]
    expect(Tree.missing(tree, 2, contacts)).toEqual([{ caller: a, callee: c }])
  })
})
