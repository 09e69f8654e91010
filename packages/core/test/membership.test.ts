import { describe, expect, it } from "vitest"
import { Bytes, Cbor, Membership, Replica } from "@affinity/core"
import { Builder } from "./support/build.ts"
import { key } from "./support/world.ts"

describe("the core module's state", () => {
  it("reads, encodes and hashes as plain maps, however many members it holds, and earlier states stay as they were", () => {
    const [a, c] = [key(1), key(2)]
    const b = new Builder([a, c])
    const opened = Replica.Replica.open(b.genesis)
    if (!opened.ok) throw new Error(opened.error.message)
    const r = opened.replica
    const applicants = Array.from({ length: 300 }, (_, n) => key(1000 + n))
    for (const k of applicants) r.ingest([b.add(k, "core", "member.apply", { note: "" })])
    const before = r.core
    const phone = key(5000)
    r.ingest([b.add(a, "core", "device.add", b.deviceAdd(a, phone))])
    r.ingest([b.add(a, "core", "device.revoke", { device: phone.publicKey })])
    const core = r.core

    expect(Object.keys(core)).toEqual(["community", "identities", "devices", "equivocations"])
    expect(Object.keys(core.identities)).toHaveLength(302)
    expect(core.identities[applicants[7]!.id]?.status).toBe("applicant")
    expect(core.devices[applicants[7]!.id]).toBe(applicants[7]!.id)
    expect(core.devices[phone.id]).toBeUndefined()
    expect(core.identities[a.id]?.revoked).toEqual([phone.id])
    expect(Membership.identity(core, a.id)).toEqual(core.identities[a.id])
    expect(Membership.deviceOwner(core, applicants[7]!.id)).toBe(applicants[7]!.id)
    expect(Membership.members(core, "applicant")).toEqual(applicants.map((k) => k.id).sort())
    expect(Membership.identities(core)).toEqual(Object.keys(core.identities).sort())
    // The state before the device was added and revoked is unchanged.
    expect(before.identities[a.id]?.revoked).toEqual([])
    expect(Membership.identity(before, a.id)?.devices).toEqual([a.id])

    // Encodes byte for byte like the same data in plain objects, so the state hash is theirs.
    const plain = JSON.parse(JSON.stringify(core)) as Cbor.Value
    expect(Bytes.toHex(Cbor.encode({ core: plain }))).toBe(Bytes.toHex(Cbor.encode({ core: core as unknown as Cbor.Value })))
    expect(JSON.stringify(plain)).toBe(JSON.stringify(core))
    // And a plain state (as a checkpoint gives back) is read the same way.
    const restored = plain as unknown as Membership.State
    expect(Membership.identity(restored, applicants[3]!.id)).toEqual(core.identities[applicants[3]!.id])
    expect(Membership.members(restored, "applicant")).toEqual(Membership.members(core, "applicant"))
  })
})
