/**
 * Invitations, device requests, export files and forms, in Node: what decodes, what is
 * refused, and that every refusal says why.
 */
import { Bytes, Cbor, Client, Crypto, Event, Invitation, Keys, Storage } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import * as Archive from "../src/archive.ts"
import * as DeviceRequest from "../src/deviceRequest.ts"
import * as Forms from "../src/forms.ts"
import * as RelayAddress from "../src/relayAddress.ts"

let client: Client.Client
let crypto: Crypto.CryptoShape
let ada: Keys.DeviceKey
let genesis: Uint8Array
let community: string
let events: ReadonlyArray<Uint8Array>

beforeAll(async () => {
  crypto = await Crypto.makeBest()
  client = await Client.make({ storage: Storage.layerMemory })
  ada = await client.generateKey()
  const handle = await client.create({ name: "Riverside Garden", author: ada })
  await handle.append(ada, "core", "tick", {})
  community = handle.id
  events = handle.export()
  genesis = events[0]!
})
afterAll(() => client.close())

const relays = ["ws://127.0.0.1:8787/"]

/** The code with one byte of its CBOR changed at `at`. */
const flip = (code: string, at: number): string => {
  const bytes = Bytes.fromBase64url(code)!
  bytes[at] = bytes[at]! ^ 1
  return Bytes.toBase64url(bytes)
}

describe("base64url", () => {
  test("round-trips every length and refuses other text", () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255)
      expect(Bytes.fromBase64url(Bytes.toBase64url(b))).toEqual(b)
    }
    expect(Bytes.fromBase64url("ab=c")).toBeUndefined()
    expect(Bytes.fromBase64url("a")).toBeUndefined()
    // Non-zero leftover bits: a second text for the same bytes.
    expect(Bytes.fromBase64url("AB")).toBeUndefined()
  })
})

describe("invitations", () => {
  test("a fresh invitation decodes to its community, name, relays and inviter", async () => {
    const code = await Invitation.make({ genesis, relays, inviter: ada, crypto })
    const link = Invitation.link("http://127.0.0.1:5173/", code)
    for (const input of [code, link, `  ${link}\n`]) {
      const r = await Invitation.decode(input, crypto)
      expect(r.ok).toBe(true)
      if (!r.ok) continue
      expect(r.invitation).toMatchObject({ community, name: "Riverside Garden", relays, inviter: ada.id, inviterIsFounder: true })
      expect(r.invitation.genesis).toEqual(genesis)
    }
  })

  test("malformed input is refused with a message", async () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", "Malformed"],
      ["not a code!", "Malformed"],
      ["http://127.0.0.1:5173/#join=", "Malformed"],
      [Bytes.toBase64url(new Uint8Array([1, 2, 3])), "Malformed"],
      [Bytes.toBase64url(Cbor.encode({ v: 1 })), "Malformed"],
      [Bytes.toBase64url(Cbor.encode({ v: 2, g: genesis, r: [], i: ada.publicKey, s: new Uint8Array(64) })), "UnknownVersion"],
      [Bytes.toBase64url(Cbor.encode({ v: 1, g: genesis, r: ["http://example.org/"], i: ada.publicKey, s: new Uint8Array(64) })), "Malformed"],
      [Bytes.toBase64url(Cbor.encode({ v: 1, g: events[1]!, r: [], i: ada.publicKey, s: new Uint8Array(64) })), "BadGenesis"],
      ["A".repeat(Invitation.MAX_CODE + 1), "Malformed"]
    ]
    for (const [input, tag] of cases) {
      const r = await Invitation.decode(input, crypto)
      expect(r.ok, input.slice(0, 40)).toBe(false)
      if (r.ok) continue
      expect(r.error.reason, input.slice(0, 40)).toBe(tag)
      expect(r.error.message.length).toBeGreaterThan(10)
    }
  })

  test("changing any byte of an invitation is caught", async () => {
    const code = await Invitation.make({ genesis, relays, inviter: ada, crypto })
    const length = Bytes.fromBase64url(code)!.length
    let caught = 0
    for (let at = 0; at < length; at++) {
      const r = await Invitation.decode(flip(code, at), crypto)
      if (!r.ok) caught++
    }
    expect(caught).toBe(length)
  })

  test("a relay swapped by someone else, re-encoded canonically, fails the inviter's signature", async () => {
    const code = await Invitation.make({ genesis, relays, inviter: ada, crypto })
    const wire = Cbor.decode(Bytes.fromBase64url(code)!)
    if (!wire.ok) throw new Error("no")
    const swapped = Bytes.toBase64url(Cbor.encode({ ...(wire.value as Record<string, Cbor.Value>), r: ["wss://evil.example/"] }))
    const r = await Invitation.decode(swapped, crypto)
    expect(r.ok ? "accepted" : r.error.reason).toBe("Tampered")
  })

  test("an invitation by someone who is not a founder says so", async () => {
    const eve = await client.generateKey()
    const r = await Invitation.decode(await Invitation.make({ genesis, relays: [], inviter: eve, crypto }), crypto)
    expect(r.ok && r.invitation.inviterIsFounder).toBe(false)
  })
})

describe("device requests", () => {
  test("a request made for this community and this device decodes; others are refused", async () => {
    const phone = await client.generateKey()
    const consent = await Effect.runPromise(Keys.consent(phone, Bytes.fromHex(community)!, ada.publicKey).pipe(Effect.provideService(Crypto.Crypto, crypto)))
    const code = DeviceRequest.encode({ community, adder: ada.publicKey, device: phone.publicKey, consent })
    const good = await DeviceRequest.decode(crypto, code, { community, adder: ada.publicKey })
    expect(good.ok && Bytes.equals(good.request.device, phone.publicKey)).toBe(true)

    const other = await client.generateKey()
    const refusals = [
      await DeviceRequest.decode(crypto, "", { community, adder: ada.publicKey }),
      await DeviceRequest.decode(crypto, "garbage", { community, adder: ada.publicKey }),
      await DeviceRequest.decode(crypto, code, { community: "00".repeat(32), adder: ada.publicKey }),
      await DeviceRequest.decode(crypto, code, { community, adder: other.publicKey }),
      await DeviceRequest.decode(crypto, DeviceRequest.encode({ community, adder: ada.publicKey, device: other.publicKey, consent }), { community, adder: ada.publicKey })
    ]
    expect(refusals.map((r) => (r.ok ? "accepted" : r.message.split(" ").slice(0, 3).join(" ")))).toEqual([
      "paste the request",
      "this is not",
      "this request is",
      "this request was",
      "this request has"
    ])
  })
})

describe("export files", () => {
  test("round-trip, and damaged files are refused before anything is stored", () => {
    const file = Archive.encode(community, events)
    const r = Archive.decode(file)
    expect(r.ok && r.archive.community === community && r.archive.events.length === events.length - 1).toBe(true)

    const notCbor = Archive.decode(new TextEncoder().encode("hello"))
    const wrongShape = Archive.decode(Cbor.encode({ format: "something-else", v: 1 }))
    const wrongGenesis = Archive.decode(Archive.encode("00".repeat(32), events))
    const noGenesis = Archive.decode(Archive.encode(community, events.slice(1)))
    for (const bad of [notCbor, wrongShape, wrongGenesis, noGenesis]) {
      expect(bad.ok).toBe(false)
      if (!bad.ok) expect(bad.message).toMatch(/^this file/)
    }
    expect(Event.decode(events[1]!).ok).toBe(true)
  })

  test("events with payloads larger than an event's body limit are carried, and import", async () => {
    const other = await Client.make({ storage: Storage.layerMemory })
    try {
      const handle = await client.create({ name: "Notes", author: ada })
      await handle.setProfile(ada, { name: "Ada" })
      await handle.append(ada, "core", "tick", {}, { payload: new Uint8Array(100_000).fill(7) })
      const all = handle.export()
      expect(Math.max(...all.map((e) => e.length))).toBeGreaterThan(Event.Limits.maxEventBytes)
      const r = Archive.decode(Archive.encode(handle.id, all))
      expect(r.ok).toBe(true)
      if (!r.ok) return
      const copy = await other.join(r.archive.genesis)
      expect((await copy.receive(r.archive.events)).map((v) => v._tag)).toEqual(["Valid", "Valid"])
      expect(copy.names().nameOf(ada.id)).toBe("Ada")
    } finally {
      await other.close()
    }
  })
})

describe("forms", () => {
  test("create a community", () => {
    expect(Forms.createCommunity({ name: "  Garden ", relay: "" })).toEqual({ ok: true, value: { name: "Garden", relays: [] } })
    expect(Forms.createCommunity({ name: "Garden", relay: " ws://127.0.0.1:8787/ " })).toEqual({ ok: true, value: { name: "Garden", relays: ["ws://127.0.0.1:8787/"] } })
    expect(Forms.createCommunity({ name: "Garden", relay: "ws://127.0.0.1:8787/; DROP TABLE" })).toMatchObject({ ok: false, field: "relay" })
    // A page opened over https reaches wss:// relays only (and ws:// on this computer).
    expect(Forms.createCommunity({ name: "Garden", relay: "ws://192.168.1.20:8787/" }, "https:")).toMatchObject({ ok: false, field: "relay", message: expect.stringContaining("wss://") })
    expect(Forms.createCommunity({ name: "Garden", relay: "ws://127.0.0.1:8787/" }, "https:")).toMatchObject({ ok: true })
    expect(Forms.createCommunity({ name: "Garden", relay: "wss://relay.example.org/" }, "https:")).toMatchObject({ ok: true })
    expect(Forms.createCommunity({ name: "   ", relay: "" })).toMatchObject({ ok: false, field: "name" })
    expect(Forms.createCommunity({ name: "x".repeat(201), relay: "" })).toMatchObject({ ok: false, field: "name" })
    expect(Forms.createCommunity({ name: "Garden", relay: "http://127.0.0.1:8787/" })).toMatchObject({ ok: false, field: "relay" })
    expect(Forms.createCommunity({ name: "Garden", relay: "relay" })).toMatchObject({ ok: false, field: "relay" })
  })

  test("proposals", () => {
    const good = { title: " Plant beans ", text: " Row 3. ", process: "consensus", window: "24" }
    expect(Forms.proposal(good)).toEqual({ ok: true, value: { title: "Plant beans", text: "Row 3.", process: "consensus", hours: 24 } })
    expect(Forms.proposal({ ...good, title: "" })).toMatchObject({ ok: false, field: "title" })
    expect(Forms.proposal({ ...good, title: "x".repeat(201) })).toMatchObject({ ok: false, field: "title" })
    expect(Forms.proposal({ ...good, text: "x".repeat(10_001) })).toMatchObject({ ok: false, field: "text" })
    expect(Forms.proposal({ ...good, process: "dictator" })).toMatchObject({ ok: false, field: "process" })
    expect(Forms.proposal({ ...good, window: "0.5" })).toMatchObject({ ok: false, field: "window" })
    expect(Forms.proposal({ ...good, window: "" })).toMatchObject({ ok: false, field: "window" })
  })

  test("stances: objecting and blocking need a reason", () => {
    expect(Forms.stance({ stance: "agree", reason: " " })).toEqual({ ok: true, value: { stance: "agree", reason: undefined } })
    expect(Forms.stance({ stance: "block", reason: "Floods." })).toEqual({ ok: true, value: { stance: "block", reason: "Floods." } })
    expect(Forms.stance({ stance: "block", reason: "  " })).toMatchObject({ ok: false, field: "reason" })
    expect(Forms.stance({ stance: "object", reason: "" })).toMatchObject({ ok: false, field: "reason" })
    expect(Forms.stance({ stance: "", reason: "" })).toMatchObject({ ok: false, field: "stance" })
    expect(Forms.stance({ stance: "agree", reason: "x".repeat(4001) })).toMatchObject({ ok: false, field: "reason" })
  })

  test("profiles: a name that reads as a name, pronouns on one line", () => {
    expect(Forms.profile({ name: " Ada ", pronouns: " she/her " })).toEqual({ ok: true, value: { name: "Ada", pronouns: "she/her" } })
    expect(Forms.profile({ name: "Bo", pronouns: "  " })).toEqual({ ok: true, value: { name: "Bo" } })
    expect(Forms.profile({ name: "", pronouns: "" })).toMatchObject({ ok: false, field: "profile-name" })
    expect(Forms.profile({ name: "lusab-babad", pronouns: "" })).toMatchObject({ ok: false, field: "profile-name", message: expect.stringContaining("label") })
    expect(Forms.profile({ name: "Ada", pronouns: "x".repeat(31) })).toMatchObject({ ok: false, field: "profile-pronouns" })
    expect(Forms.profile({ name: "Ada", pronouns: "she\nher" })).toMatchObject({ ok: false, field: "profile-pronouns" })
  })

  test("application notes", () => {
    expect(Forms.applyNote(" hi ")).toEqual({ ok: true, value: "hi" })
    expect(Forms.applyNote("x".repeat(4001))).toMatchObject({ ok: false, field: "note" })
  })
})

describe("relay addresses", () => {
  test("ws:// or wss://, a host, an optional port and path: kept in their normal form", () => {
    const good: ReadonlyArray<readonly [string, string]> = [
      ["ws://127.0.0.1:8787/", "ws://127.0.0.1:8787/"],
      ["ws://127.0.0.1:8787", "ws://127.0.0.1:8787/"],
      [" ws://192.168.1.20:8787/ ", "ws://192.168.1.20:8787/"],
      ["wss://Relay.Example.ORG/affinity/", "wss://relay.example.org/affinity/"],
      ["wss://relay.example.org:443/", "wss://relay.example.org/"],
      ["ws://garden.lan:8787/a/b-c_d.e~f%20g", "ws://garden.lan:8787/a/b-c_d.e~f%20g"],
      ["ws://[::1]:8787/", "ws://[::1]:8787/"],
      ["ws://[fd00::2]:8787/", "ws://[fd00::2]:8787/"],
      ["WS://localhost:8787/", "ws://localhost:8787/"]
    ]
    for (const [input, url] of good) {
      expect(RelayAddress.check(input), input).toEqual({ ok: true, url })
      expect(RelayAddress.isValid(url), url).toBe(true)
    }
  })

  test("anything else is refused, saying what is wrong and what an address looks like", () => {
    const bad: ReadonlyArray<readonly [string, string]> = [
      ["", "empty"],
      ["ws://127.0.0.1:8787/; DROP TABLE", "space"],
      ["ws://127.0.0.1:8787/;DROP", "“;”"],
      ["ws://127.0.0.1:8787/'--", "“'”"],
      ["ws://127.0.0.1:8787/<script>", "“<”"],
      ["ws://127.0.0.1:8787/?introduce=00", "“?”"],
      ["ws://127.0.0.1:8787/#x", "“#”"],
      ["ws://ada:secret@127.0.0.1:8787/", "user name"],
      ["ws://127.0.0.1:0/", "port"],
      ["ws://127.0.0.1:65536/", "port"],
      ["ws://127.0.0.1:87a/", "port"],
      ["ws://300.1.1.1/", "IP address"],
      ["ws://1.2.3/", "IP address"],
      ["ws://bad_host.example/", "host name"],
      ["ws://-x.example/", "host name"],
      ["ws:///path", "no host"],
      ["ws://[zz::1]/", "IPv6"],
      ["http://127.0.0.1:8787/", "starts with http"],
      ["relay.example.org", "ws:// or wss://"],
      [`ws://h.example/${"a".repeat(200)}`, "longer than 200"]
    ]
    for (const [input, why] of bad) {
      const r = RelayAddress.check(input)
      expect(r.ok, input).toBe(false)
      if (r.ok) continue
      expect(r.message, input).toContain(why)
      expect(r.message, input).toContain("A relay address looks like ws://192.168.1.20:8787/ on a home network, or wss://relay.example.org/ on the internet")
      expect(RelayAddress.isValid(input)).toBe(false)
    }
    // A valid address not in its normal form is not dialled as such.
    expect(RelayAddress.isValid("ws://127.0.0.1:8787")).toBe(false)
  })

  test("a community lists each relay once, and at most as many as an invitation carries", () => {
    const two = ["ws://127.0.0.1:8787/", "ws://192.168.1.20:8787/"]
    expect(Forms.addRelay("ws://127.0.0.1:8787", two, 4)).toMatchObject({ ok: false, message: expect.stringContaining("already") })
    expect(Forms.addRelay("wss://relay.example.org", two, 2)).toMatchObject({ ok: false, message: expect.stringContaining("at most 2") })
    expect(Forms.addRelay("wss://relay.example.org", two, 4)).toEqual({ ok: true, value: "wss://relay.example.org/" })
  })
})

describe("the app's address in invitation links", () => {
  test("http:// or https://, a host, an optional port and path", () => {
    expect(Forms.appAddress(" http://192.168.1.20:5173/ ")).toEqual({ ok: true, value: "http://192.168.1.20:5173/" })
    expect(Forms.appAddress("https://app.example.org/affinity/")).toEqual({ ok: true, value: "https://app.example.org/affinity/" })
    for (const bad of ["", "ftp://x/", "http://x/?a=1", "http://x/#join=1", "http://a b/", "javascript:alert(1)", "http://u:p@x/"])
      expect(Forms.appAddress(bad), bad).toMatchObject({ ok: false, field: "app" })
    expect(Forms.isLoopback("http://127.0.0.1:5173/")).toBe(true)
    expect(Forms.isLoopback("http://localhost:5173/")).toBe(true)
    expect(Forms.isLoopback("http://192.168.1.20:5173/")).toBe(false)
  })
})

describe("changing and withdrawing a proposal", () => {
  const now = 1_000_000_000
  const current = { text: "Green, in May.", deadline: now + 5 * Governance.HOUR }

  test("a new text, keeping the deadline or with a new one", () => {
    expect(Forms.amend({ text: " Blue, in May. ", window: "keep" }, current, now)).toEqual({ ok: true, value: { text: "Blue, in May.", deadline: { keep: true } } })
    expect(Forms.amend({ text: "Green, in May.", window: "24" }, current, now)).toEqual({ ok: true, value: { text: "Green, in May.", deadline: { keep: false, hours: 24 } } })
  })

  test("nothing changed, a window not offered, or too little time left are refused", () => {
    expect(Forms.amend({ text: " Green, in May. ", window: "keep" }, current, now)).toMatchObject({ ok: false, field: "amend-text" })
    expect(Forms.amend({ text: "Blue", window: "5" }, current, now)).toMatchObject({ ok: false, field: "amend-window" })
    expect(Forms.amend({ text: "Blue", window: "keep" }, current, current.deadline - Governance.HOUR / 2)).toMatchObject({
      ok: false,
      field: "amend-window",
      message: expect.stringContaining("new deadline")
    })
    expect(Forms.amend({ text: "x".repeat(Governance.Bodies.MAX_TEXT + 1), window: "24" }, current, now)).toMatchObject({ ok: false, field: "amend-text" })
  })

  test("withdrawing takes an optional reason", () => {
    expect(Forms.withdraw({ reason: "  " })).toEqual({ ok: true, value: undefined })
    expect(Forms.withdraw({ reason: " The landlord paints it. " })).toEqual({ ok: true, value: "The landlord paints it." })
    expect(Forms.withdraw({ reason: "x".repeat(Governance.Bodies.MAX_REASON + 1) })).toMatchObject({ ok: false, field: "withdraw-reason" })
  })
})
