import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import * as Governance from "@affinity/governance"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Schemas, Webhooks } from "../src/index.ts"
import { expectShape, openStream, type Rig, start, TOKEN, until } from "./harness.ts"

let rig: Rig
beforeAll(async () => {
  rig = await start()
})
afterAll(() => rig.close())

const HOUR = 60 * 60 * 1000
const iso = (ms: number) => new Date(ms).toISOString()
const communityTime = async () => Date.parse((expectShape(Schemas.Community, (await rig.api("GET", "/community")).json)).communityTime)

describe("access", () => {
  it("refuses a request without the token, or with another one, with a tagged error", async () => {
    const none = await rig.api("GET", "/members", { token: null })
    expect(none.status).toBe(401)
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/)
    expect(expectShape(Schemas.Failure, none.json)._tag).toBe("Unauthorized")
    expect((none.json as { message: string }).message).toContain("/data/token")
    const wrong = await rig.api("GET", "/members", { token: `${TOKEN}x` })
    expect(wrong.status).toBe(401)
    const stream = await rig.api("GET", "/events/stream", { token: "nope" })
    expect(stream.status).toBe(401)
  })

  it("serves the OpenAPI description without the token", async () => {
    const doc = await rig.api("GET", "/openapi.json", { token: null })
    expect(doc.status).toBe(200)
    expect((doc.json as { openapi: string }).openapi).toBe("3.1.0")
  })

  it("answers an unknown endpoint with a tagged 404", async () => {
    const answer = await rig.api("GET", "/nothing-here")
    expect(answer.status).toBe(404)
    expect(expectShape(Schemas.Failure, answer.json)._tag).toBe("NotFound")
  })
})

describe("records", () => {
  it("shows the community, with community time as an ISO date", async () => {
    const answer = await rig.api("GET", "/community")
    expect(answer.status).toBe(200)
    const c = expectShape(Schemas.Community, answer.json)
    expect(c.name).toBe("Bakery co-op")
    expect(c.id).toBe(rig.bridge.community.id)
    expect(c.me.identity).toBe(rig.ada.id)
    expect(c.me.status).toBe("full")
    expect(c.fullMembers).toBe(2)
    expect(Number.isNaN(Date.parse(c.communityTime))).toBe(false)
    expect(c.communityTime).toMatch(/Z$/)
  })

  it("lists members with labels, and with the names given on the bridge", async () => {
    const before = expectShape(Schema.Array(Schemas.Member), (await rig.api("GET", "/members")).json)
    expect(before.map((m) => m.identity).sort()).toEqual([rig.ada.id, rig.bo.id].sort())
    const bo = before.find((m) => m.identity === rig.bo.id)!
    expect(bo.name).toBe(bo.label)
    expect(bo.label).toMatch(/^[a-z]{5}-[a-z]{5}$/)
    expect(bo.me).toBe(false)

    const named = await rig.api("PUT", `/members/${rig.bo.id}/name`, { body: { name: "Bo" } })
    expect(named.status).toBe(200)
    expect(expectShape(Schemas.Member, named.json).name).toBe("Bo")
    const one = expectShape(Schemas.Member, (await rig.api("GET", `/members/${rig.bo.id}`)).json)
    expect(one.given).toBe("Bo")
    expect(one.status).toBe("full")
    expect((await rig.api("GET", `/members/${"ab".repeat(32)}`)).status).toBe(404)
  })

  it("shows the seats of the current term, and the device", async () => {
    const seats = expectShape(Schemas.Seats, (await rig.api("GET", "/seats")).json)
    expect(seats.term).toBe(0)
    expect(seats.groups.map((g) => g.module)).toEqual([...Governance.PRIME_GROUPS])
    expect(seats.drawn).toBe(false)
    const device = expectShape(Schemas.Device, (await rig.api("GET", "/device")).json)
    expect(device).toEqual({ device: rig.ada.id, identity: rig.ada.id, status: "full", request: null })
    expect(expectShape(Schema.Array(Schemas.Group), (await rig.api("GET", "/groups")).json)).toEqual([])
  })
})

describe("acts", () => {
  let proposal: string

  it("proposes, signed by the held member", async () => {
    const now = await communityTime()
    const answer = await rig.api("POST", "/proposals", {
      body: { title: "Open on Sundays", text: "From May, 8 to 12.", process: "consent", deadline: iso(now + 2 * HOUR) }
    })
    expect(answer.status).toBe(201)
    const act = expectShape(Schemas.Act, answer.json)
    expect(act.event.author?.identity).toBe(rig.ada.id)
    expect(act.event.outcome.result).toBe("applied")
    expect(act.proposal?.status).toBe("open")
    expect(act.proposal?.deadline).toBe(iso(now + 2 * HOUR))
    proposal = act.event.event
    const listed = expectShape(Schema.Array(Schemas.Proposal), (await rig.api("GET", "/proposals?status=open")).json)
    expect(listed.map((p) => p.id)).toEqual([proposal])
  })

  it("takes a stance with a reason", async () => {
    const answer = await rig.api("POST", `/proposals/${proposal}/stance`, { body: { stance: "object", reason: "Nobody can open at 8." } })
    expect(answer.status).toBe(201)
    const act = expectShape(Schemas.Act, answer.json)
    expect(act.proposal?.stances).toEqual([
      expect.objectContaining({ member: { identity: rig.ada.id, name: expect.any(String) }, stance: "object", reason: "Nobody can open at 8." })
    ])
  })

  it("refuses to close before the deadline, saying when", async () => {
    const answer = await rig.api("POST", `/proposals/${proposal}/close`)
    expect(answer.status).toBe(422)
    const failure = expectShape(Schemas.Failure, answer.json)
    expect(failure._tag).toBe("DeadlineNotReached")
    expect(failure.message).toContain("community time")
  })

  it("closes once community time passes the deadline, and shows the decision with stances and reasons", async () => {
    // Bo agrees, then his device claims a time three hours ahead: with two full members one
    // clock moves community time.
    const agree = Governance.stance(proposal, "agree")
    await rig.boHandle.append(rig.bo, agree.module, agree.type, agree.body)
    await rig.boHandle.append(rig.bo, "core", "tick", {}, { time: Date.now() + 3 * HOUR })
    await rig.synced()
    const answer = await rig.api("POST", `/proposals/${proposal}/close`)
    expect(answer.json).toMatchObject({ event: { outcome: { result: "applied" } } })
    expect(answer.status).toBe(201)
    const act = expectShape(Schemas.Act, answer.json)
    expect(act.proposal?.status).toBe("failed")
    const decisions = expectShape(Schema.Array(Schemas.Proposal), (await rig.api("GET", "/decisions")).json)
    const d = decisions.find((p) => p.id === proposal)!.decision!
    expect(d.outcome).toBe("failed")
    expect(d.rule).toBe("Objected")
    expect(d.by.identity).toBe(rig.ada.id)
    expect(d.stances.map((s) => [s.member.name, s.stance, s.reason]).sort()).toEqual([
      ["Bo", "agree", null],
      [rig.bridge.names.nameOf(rig.ada.id), "object", "Nobody can open at 8."]
    ])
    expect(d.tally).toEqual({ agree: 1, abstain: 0, object: 1, block: 0, silent: 0 })
  })

  it("writes a time witness", async () => {
    const answer = await rig.api("POST", "/tick")
    expect(answer.status).toBe(201)
    const act = expectShape(Schemas.Act, answer.json)
    expect([act.event.module, act.event.type, act.proposal]).toEqual(["core", "tick", null])
  })

  it("signs acts that arrive at once one after another, so the device's chain never forks", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => rig.api("POST", "/tick")))
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201))
    expect(answers.every((a) => (a.json as Schemas.Act).event.outcome.result === "applied")).toBe(true)
    expect(rig.bridge.reader.core().equivocations).toEqual({})
  })

  it("appends any event a member may sign directly, its body checked by its module", async () => {
    const answer = await rig.api("POST", "/events", { body: { module: "core", type: "tick", body: {} } })
    expect(answer.status).toBe(201)
    const events = expectShape(Schema.Array(Schemas.Event), (await rig.api("GET", "/events?after=0&limit=1000")).json)
    expect(events[0]!.index).toBe(1)
    expect(events.at(-1)!.event).toBe((answer.json as Schemas.Act).event.event)
  })
})

describe("bad requests", () => {
  const failure = async (answer: Promise<{ readonly status: number; readonly json: unknown }>, status: number, tag: string) => {
    const a = await answer
    expect(a.status).toBe(status)
    const f = expectShape(Schemas.Failure, a.json)
    expect(f._tag).toBe(tag)
    return f.message
  }

  it("refuses bodies that are not JSON, not objects, or too large", async () => {
    await failure(rig.api("POST", "/proposals", { raw: "{ title: ", headers: { "content-type": "application/json" } }), 400, "BadJson")
    await failure(rig.api("POST", "/proposals", { raw: "[1, 2]", headers: { "content-type": "application/json" } }), 400, "BadRequest")
    await failure(rig.api("POST", "/proposals", { raw: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "UnsupportedMediaType")
    await failure(rig.api("POST", "/events", { body: { module: "core", type: "tick", body: { pad: "x".repeat(600_000) } } }), 413, "TooLarge")
  })

  it("says which fields are wrong, and refuses unknown ones", async () => {
    const message = await failure(rig.api("POST", "/proposals", { body: { title: "", deadline: "tomorrow", colour: "red" } }), 400, "BadRequest")
    expect(message).toContain("title")
    expect(message).toContain("deadline")
    expect(message).toContain("colour")
    await failure(rig.api("POST", `/proposals/${"zz".repeat(32)}/stance`, { body: { stance: "agree" } }), 400, "BadRequest")
    await failure(rig.api("POST", `/proposals/${"ab".repeat(32)}/stance`, { body: { stance: "agree" } }), 404, "UnknownProposal")
    await failure(rig.api("GET", "/events?after=x"), 400, "BadRequest")
    await failure(rig.api("GET", "/proposals?status=maybe"), 400, "BadRequest")
    await failure(rig.api("POST", "/tick", { body: { now: true } }), 400, "BadRequest")
  })

  it("checks an event body against its module's schema before signing anything", async () => {
    const size = rig.bridge.community.export().length
    await failure(rig.api("POST", "/events", { body: { module: "bakery", type: "bake", body: {} } }), 400, "UnknownEventType")
    const bad = await failure(
      rig.api("POST", "/events", { body: { module: "governance", type: "stance", body: { proposal: { $bytes: "00" }, stance: "agree" } } }),
      400,
      "InvalidBody"
    )
    expect(bad).toContain("proposal")
    await failure(rig.api("POST", "/events", { body: { module: "core", type: "tick", body: { n: 1.5 } } }), 400, "InvalidBody")
    // Object and block need a reason: the module's schema says so, before anything is signed.
    const open = await rig.api("POST", "/proposals", { body: { title: "Buy an oven", deadline: iso((await communityTime()) + 2 * HOUR) } })
    const id = (open.json as Schemas.Act).event.event
    await failure(rig.api("POST", `/proposals/${id}/stance`, { body: { stance: "block" } }), 400, "InvalidBody")
    const admit = { module: "core", type: "member.admit", body: { identity: { $bytes: "ab".repeat(32) } } }
    const needs = await failure(rig.api("POST", "/events", { body: admit }), 422, "NeedsDecision")
    expect(needs).toContain("propose")
    expect(rig.bridge.community.export().length).toBe(size + 1)
  })

  it("refuses a deadline outside the window the rules allow", async () => {
    const now = await communityTime()
    await failure(rig.api("POST", "/proposals", { body: { title: "Now", deadline: iso(now + 60_000) } }), 422, "DeadlineTooSoon")
  })
})

describe("events", () => {
  it("streams an event another member writes, through the relay, as Server-Sent Events", async () => {
    const stream = await openStream(`${rig.url}/events/stream`, { authorization: `Bearer ${TOKEN}` })
    try {
      expect(stream.status).toBe(200)
      expect(stream.contentType).toContain("text/event-stream")
      const ready = await stream.next((e) => e.event === "ready")
      expect(JSON.parse(ready.data)).toMatchObject({ community: rig.bridge.community.id })

      const now = Governance.communityTime(rig.boHandle.community.replica)
      const draft = Governance.propose({ title: "Bo's proposal: a second oven", deadline: now + 3 * HOUR })
      const { key } = await rig.boHandle.append(rig.bo, draft.module, draft.type, draft.body)

      const got = await stream.next((e) => e.event === "event")
      const item = expectShape(Schemas.FeedItem, JSON.parse(got.data))
      expect(got.id).toBe(item.id)
      expect(item.kind === "event" && [item.event.event, item.event.author?.name, item.event.type]).toEqual([key, "Bo", "proposal.open"])
      const record = expectShape(Schemas.FeedItem, JSON.parse((await stream.next((e) => e.event === "record")).data))
      expect(record.kind === "record" && [record.change.kind, record.change.change, record.change.id]).toEqual(["proposal", "created", key])

      // Reconnecting with the last id seen gets what came after it.
      const later = await openStream(`${rig.url}/events/stream`, { authorization: `Bearer ${TOKEN}`, "last-event-id": item.id })
      try {
        await later.next((e) => e.event === "ready")
        expect(JSON.parse((await later.next((e) => e.event === "record")).data).id).toBe(record.id)
      } finally {
        later.close()
      }
    } finally {
      stream.close()
    }
  })

  it("says when a reconnecting client missed what is no longer kept", async () => {
    const stream = await openStream(`${rig.url}/events/stream?after=ffffffff:1`, { authorization: `Bearer ${TOKEN}` })
    try {
      await stream.next((e) => e.event === "ready")
      await stream.next((e) => e.event === "gap")
    } finally {
      stream.close()
    }
  })
})

describe("webhooks", () => {
  it("POSTs each new event to a registered address, signed, retrying after a failure", async () => {
    const received: Array<{ readonly body: string; readonly headers: IncomingMessage["headers"] }> = []
    let refuse = 1
    const server = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")))
      request.on("end", () => {
        if (refuse-- > 0) {
          response.writeHead(503).end()
          return
        }
        received.push({ body, headers: request.headers })
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    try {
      const added = await rig.api("POST", "/webhooks", { body: { url, kinds: ["event"] } })
      expect(added.status).toBe(201)
      const { webhook, secret } = expectShape(Schemas.NewWebhook, added.json)
      expect(webhook.kinds).toEqual(["event"])

      const act = expectShape(Schemas.Act, (await rig.api("POST", "/tick")).json)
      await until(() => received.length >= 1, 5_000, "the webhook")
      const first = received[0]!
      const item = expectShape(Schemas.FeedItem, JSON.parse(first.body))
      expect(item.kind === "event" && item.event.event).toBe(act.event.event)
      expect(first.headers["affinity-webhook"]).toBe(webhook.id)
      expect(first.headers["affinity-delivery"]).toBe(item.id)
      expect(first.headers["affinity-signature"]).toBe(Webhooks.signature(secret, first.body))

      const listed = expectShape(Schema.Array(Schemas.Webhook), (await rig.api("GET", "/webhooks")).json)
      expect(listed).toEqual([expect.objectContaining({ id: webhook.id, delivered: 1, failed: 0 })])
      expect(listed[0]!.lastError).toContain("503")
      expect((await rig.api("DELETE", `/webhooks/${webhook.id}`)).status).toBe(204)
      expect((await rig.api("GET", `/webhooks/${webhook.id}`)).status).toBe(404)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it("refuses an address that is not http(s)", async () => {
    const answer = await rig.api("POST", "/webhooks", { body: { url: "file:///etc/passwd" } })
    expect(answer.status).toBe(400)
    expect(expectShape(Schemas.Failure, answer.json).message).toContain("url")
  })
})
