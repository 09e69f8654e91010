/**
 * A relay the community restricted (defense, scope `sync`) is never dialed by `affinity sync`:
 * the round reports it refused, with who decided and why, in plain words.
 */
import { Client, Storage } from "@affinity/core"
import * as Defense from "@affinity/defense"
import * as Governance from "@affinity/governance"
import { describe, expect, it } from "vitest"
import { modules } from "../src/Modules.ts"
import * as Reads from "../src/Reads.ts"
import { syncOnce } from "../src/RelaySync.ts"
import type { Room } from "../src/Session.ts"

const HOUR = 3_600_000

describe("affinity sync and restricted relays", () => {
  it("refuses to dial a relay the community restricted from syncing, and dials the others", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules })
    const ada = await client.generateKey()
    const t0 = Date.now() - 3 * HOUR
    const community = await client.create({ name: "Riverside", author: ada, time: t0 })
    const banned = "ws://127.0.0.1:9/spam"
    const { key } = await community.append(
      ada,
      Governance.propose({
        title: "Stop syncing with the spam relay",
        deadline: t0 + HOUR + 60_000,
        action: Defense.restrict({ kind: "relay", id: banned }, { scope: ["sync"], reason: "it floods members with spam" })
      }),
      { time: t0 + 1000 }
    )
    await community.append(ada, Governance.stance(key, "agree"), { time: t0 + 2000 })
    await community.append(ada, { module: "core", type: "tick", body: {} }, { time: t0 + 2 * HOUR })
    const { outcome } = await community.append(ada, Governance.close(key), { time: t0 + 2 * HOUR })
    expect(outcome._tag === "Applied" && outcome.actions).toEqual([{ _tag: "Applied", module: "defense", type: "restrict" }])

    // The parts of a CLI room that a sync round uses.
    const room = { handle: community, key: ada, communityTime: () => Reads.communityTime(community) } as unknown as Room
    const report = await syncOnce(room, [banned, "ws://127.0.0.1:9/other"], { timeoutMs: 2000 })
    const [refused, other] = report.relays
    expect(refused!.synced).toBe(false)
    expect(refused!.problem).toMatch(/^refused to sync with ws:\/\/127\.0\.0\.1:9\/spam: .*it floods members with spam/)
    expect(other!.problem).not.toMatch(/refused to sync/)
    await client.close()
  })
})
