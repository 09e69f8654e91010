import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Community, Membership } from "@affinity/core"
import { key, run } from "./support/world.ts"

describe("Community", () => {
  it("creates, appends, and reports outcomes", async () => {
    const [a, b, c] = [key(1), key(2), key(3)]
    const out = await run(
      Effect.gen(function* () {
        const com = yield* Community.create({ name: "Garden", author: a, founders: [b.publicKey] })
        const t1 = yield* com.append(a, "core", "tick", {})
        const t2 = yield* com.append(b, "core", "tick", {})
        const bad = yield* com.append(c, "core", "tick", {})
        const apply = yield* com.append(c, "core", "member.apply", { note: "hello" })
        const admit = yield* com.append(a, "core", "member.admit", { identity: c.publicKey })
        return { com, t1, t2, bad, apply, admit }
      })
    )
    expect(out.t1.outcome._tag).toBe("Applied")
    expect(out.t2.outcome._tag).toBe("Applied")
    expect(out.bad.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "UnknownAuthor" } })
    expect(out.apply.outcome._tag).toBe("Applied")
    expect(out.admit.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "NeedsDecision" } })
    const core = out.com.replica.core
    expect(Membership.members(core)).toEqual([key(1).id, key(2).id].sort())
    expect(core.identities[key(3).id]!.status).toBe("applicant")
  })
})
