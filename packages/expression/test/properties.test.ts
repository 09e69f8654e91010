import { describe, expect, it } from "vitest"
import fc from "fast-check"
import type { Event } from "@affinity/core"
import { Epoch, Expression } from "@affinity/expression"
import { decide } from "./support/council.ts"
import { expressionOf, tag, world } from "./support/world.ts"

type Op =
  | { readonly op: "add" | "leave" | "remove" | "rotate" | "key" | "post"; readonly by: number; readonly who: number; readonly concurrent: boolean }

const op: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom("add", "leave", "remove", "rotate", "key", "post", "key", "post"),
  by: fc.integer({ min: 0, max: 3 }),
  who: fc.integer({ min: 0, max: 3 }),
  concurrent: fc.boolean()
}) as fc.Arbitrary<Op>

describe("private channels, by property", () => {
  it("whatever the history and the delivery order: one state, the fold's epoch is the function of its members and rotations, every applied private message names a key event of its channel", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 14 }), fc.integer(), (ops, seed) => {
        const { c, ada, bo, cy, dee } = world({ dee: true })
        const keys = [ada, bo, cy, dee]
        const open = c.send(ada, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo.id] }))
        let base = c.heads()
        const sent: Array<Event.Event> = []
        for (const o of ops) {
          const by = keys[o.by]!
          const who = keys[o.who]!
          const parents = o.concurrent ? { parents: base } : {}
          const s = expressionOf(c.replica())
          const ch = s.channels[open.key]!
          const epoch = Epoch.now(ch)
          const current = Object.values(ch.keys).find((k) => k.epoch === epoch)
          const any = Object.values(ch.keys)[0]
          const draft =
            o.op === "add" ? Expression.addMember(open.key, who.id)
            : o.op === "leave" ? Expression.leaveChannel(open.key)
            : o.op === "remove" ? decide("community", Expression.removeMember(open.key, who.id, "by lot"))
            : o.op === "rotate" ? Expression.rotate(open.key)
            : o.op === "key" ? Expression.channelKey(open.key, epoch, [by.id])
            : Expression.post(open.key, (current ?? any) ? { key: (current ?? any)!.key } : {})
          sent.push(c.send(by, draft, parents))
          if (!o.concurrent) base = c.heads()
        }
        const r = c.replica()
        const s = expressionOf(r)
        const ch = s.channels[open.key]!
        // the fold's epoch is the function of its members and rotations
        expect(ch.epoch).toBe(Epoch.now(ch))
        // every applied post is under a key of an epoch whose members include its author
        for (const key of ch.messages) {
          const m = Expression.messageOf(s, key)!
          const k = ch.keys[m.lock!]!
          expect(k).toBeDefined()
        }
        // another delivery order: the same state
        const shuffled = fc.sample(fc.shuffledSubarray(c.events.slice(1), { minLength: c.events.length - 1 }), { numRuns: 1, seed })[0]!
        expect(c.replica([c.events[0]!, ...shuffled]).stateHash()).toEqual(r.stateHash())
        // nothing refused changed anything: refusals are typed
        for (const e of sent) expect(typeof tag(r, e)).toBe("string")
      }),
      { numRuns: 40 }
    )
  })

  it("an alert escalates exactly when the confirmations in time reach the rule's number", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ who: fc.integer({ min: 1, max: 3 }), late: fc.boolean() }), { maxLength: 6 }), (confirms) => {
        const { c, ada, bo, cy, dee } = world({ dee: true })
        const keys = [ada, bo, cy, dee]
        const alert = c.send(ada, Expression.raise("help"))
        let lateSoFar = false
        for (const x of confirms) {
          if (x.late && !lateSoFar) {
            c.witness(c.time + 11 * 60_000, keys)
            lateSoFar = true
          }
          c.send(keys[x.who]!, Expression.confirm(alert.key))
        }
        const a = expressionOf(c.replica()).alerts[alert.key]!
        const inTime = a.confirmations.filter((x) => x.inTime).length
        expect(new Set(a.confirmations.map((x) => x.member)).size).toBe(a.confirmations.length)
        expect(a.escalated !== null).toBe(inTime >= a.needs)
      }),
      { numRuns: 40 }
    )
  })
})
