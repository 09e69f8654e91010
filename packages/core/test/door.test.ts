import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Community, type Crypto, Membership, Storage } from "@affinity/core"
import { Body, Module, Query } from "@affinity/core/module"
import { TestCommunity, testKey } from "@affinity/core/testing"
import { cryptoLayer } from "./support/world.ts"

type Env = Storage.Storage | Crypto.Crypto
const run = <A, E>(effect: Effect.Effect<A, E, Env>, layer: Layer.Layer<Env>) => Effect.runPromise(Effect.provide(effect, layer))

const ada = testKey(1, "Ada")
const bo = testKey(2, "Bo")
/** The `n`-th of many distinct test keys (a secret of four bytes of `n`, then zeros). */
const many = (n: number) => {
  const secret = new Uint8Array(32)
  new DataView(secret.buffer).setUint32(0, n + 1)
  return testKey(secret, `spam ${n}`)
}
const Key = Body.pattern(/^[0-9a-f]{64}$/, "64 hex digits")

/** A test module keeping one membership rule: an application needs an invitation (`invite`, by a member) in its past. */
type Invited = { readonly invited: ReadonlyArray<{ readonly device: string; readonly key: string }> }
const invitations = Module.make<Invited>({
  name: "invitations",
  init: () => ({ invited: [] }),
  events: {
    invite: Module.eventType<Invited, { readonly device: string }>({
      body: Body.strict({ device: Key }),
      authority: "member",
      apply: (s, b, ctx) => ({ invited: [...s.invited, { device: b.device, key: ctx.key }] })
    })
  },
  queries: {
    "membership.apply": Query.make<Invited, { readonly device: string }, { readonly refusal: string | null; readonly perWindow: number; readonly window: number }>({
      args: Body.strict({ device: Key }),
      answer: (s, a, ctx) => ({
        refusal: s.invited.some((i) => i.device === a.device && ctx.happenedBefore(i.key)) ? null : "ask a member for an invitation first",
        perWindow: 0,
        window: 0
      })
    })
  }
})

describe("applications refused at the door", () => {
  it("a thousand spam applications are neither stored nor folded, so nothing serves them on; the invited one is", async () => {
    const c = new TestCommunity([ada, bo])
    const guest = testKey(30, "guest")
    const invite = c.add(ada, "invitations", "invite", { device: guest.id })
    const invited = c.join(guest)
    const base = [invite]
    const spam = Array.from({ length: 1000 }, (_, n) => c.join(many(n), { parents: base }))
    const store = Storage.makeMemory()
    const layer = Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, store)) as Layer.Layer<Env>
    const options = { modules: [invitations] }
    const community = await run(Community.join(c.genesis.bytes, options), layer)
    const verdicts = await run(community.receive([invite, invited, ...spam].map((e) => e.bytes)), layer)
    expect(verdicts[0]!._tag).toBe("Valid")
    expect(verdicts[1]!._tag).toBe("Valid")
    const refused = verdicts.slice(2)
    expect(refused.every((v) => v._tag === "Invalid" && v.reason._tag === "ApplicationRefused" && v.reason.message === "ask a member for an invitation first")).toBe(true)
    expect(community.export()).toHaveLength(3)
    expect(community.replica.outcome(invited.key)?._tag).toBe("Applied")
    expect(community.replica.outcome(spam[0]!.key)).toBeUndefined()
    // What is stored is what is served: reopened from the store, three events and no spam.
    const reopened = await run(Community.open(community.id, options), layer)
    expect(reopened.export()).toHaveLength(3)
    expect(Membership.identity(reopened.replica.core, guest.id)?.status).toBe("applicant")
    expect(Membership.identity(reopened.replica.core, many(0).id)).toBeUndefined()
  })

  it("without a module keeping membership rules, applications are stored as before", async () => {
    const c = new TestCommunity([ada, bo])
    const spam = Array.from({ length: 3 }, (_, n) => c.join(many(5000 + n)))
    const layer = Layer.mergeAll(cryptoLayer, Layer.succeed(Storage.Storage, Storage.makeMemory())) as Layer.Layer<Env>
    const community = await run(Community.join(c.genesis.bytes), layer)
    const verdicts = await run(community.receive(spam.map((e) => e.bytes)), layer)
    expect(verdicts.map((v) => v._tag)).toEqual(["Valid", "Valid", "Valid"])
    expect(community.export()).toHaveLength(4)
  })
})
