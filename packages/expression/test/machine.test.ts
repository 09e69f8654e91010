import { describe, expect, it } from "vitest"
import { Epoch, Expression } from "@affinity/expression"
import { createGroup, decide } from "./support/council.ts"
import { expressionOf, tag, world } from "./support/world.ts"

describe("channels", () => {
  it("a community channel: posts, replies, edits and deletions by their authors only", () => {
    const { c, ada, bo, cy } = world()
    const open = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden talk", kind: "community" }))
    const hello = c.send(ada, Expression.post(open.key))
    const reply = c.send(bo, Expression.post(open.key, { reply: hello.key }))
    const edit = c.send(ada, Expression.edit(hello.key))
    const notHers = c.send(cy, Expression.edit(hello.key))
    const del = c.send(bo, Expression.remove(reply.key))
    const again = c.send(bo, Expression.remove(reply.key))
    const keyed = c.send(bo, Expression.post(open.key, { key: hello.key }))
    const nowhere = c.send(bo, Expression.post("ab".repeat(32)))
    const r = c.replica()
    expect([open, hello, reply, edit, notHers, del, again, keyed, nowhere].map((e) => tag(r, e))).toEqual([
      "Applied", "Applied", "Applied", "Applied", "NotYourMessage", "Applied", "Deleted", "NotPrivate", "UnknownChannel"
    ])
    const s = expressionOf(r)
    expect(s.channels[open.key]!.messages).toEqual([hello.key, reply.key])
    expect(Expression.messageOf(s, reply.key)!.reply).toBe(hello.key)
    expect(Expression.messageOf(s, hello.key)!.edits.map((x) => x.key)).toEqual([edit.key])
    expect(Expression.messageOf(s, reply.key)!.deleted?.key).toBe(del.key)
  })

  it("a body out of shape is refused InvalidBody and changes nothing", () => {
    const { c, ada } = world()
    const before = c.replica().stateHash()
    const bad = c.add(ada, "expression", "channel.open", { name: "Garden!", title: "x", kind: "community", group: null, members: [] })
    const direct = c.add(ada, "expression", "channel.open", { name: "dm", title: "x", kind: "direct", group: null, members: [] })
    const r = c.replica()
    expect(tag(r, bad)).toBe("InvalidBody")
    expect(tag(r, direct)).toBe("InvalidBody")
    expect(r.stateHash()).toEqual(before)
  })

  it("posting rules are set by decision: an announcement channel only carries a group's decisions", () => {
    const { c, ada, bo, cy } = world()
    const group = c.send(ada, createGroup("Newsletter", [ada.id, bo.id]))
    const news = c.send(ada, Expression.openChannel({ name: "news", title: "News", kind: "group", group: group.key }))
    const outsider = c.send(cy, Expression.openChannel({ name: "news2", title: "News 2", kind: "group", group: group.key }))
    const byCy = c.send(cy, Expression.post(news.key)) // not in the group
    const byBo = c.send(bo, Expression.post(news.key))
    const direct = c.send(ada, Expression.postingRule(news.key, "announce")) // needs a decision
    const rule = c.send(ada, decide(`group/${group.key}`, Expression.postingRule(news.key, "announce")))
    const afterRule = c.send(bo, Expression.post(news.key))
    const announce = c.send(bo, decide(`group/${group.key}`, Expression.announce(news.key, "Seed swap on Sunday at ten")))
    const garden = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))
    const foreign = c.send(bo, decide(`group/${group.key}`, Expression.postingRule(garden.key, "announce")))
    const r = c.replica()
    expect([news, outsider, byCy, byBo, direct, rule, afterRule, announce, foreign].map((e) => tag(r, e))).toEqual([
      "Applied", "NotInGroup", "NotInGroup", "Applied", "NeedsDecision", "Applied", "AnnouncementsOnly", "Applied", "OutsideChannel"
    ])
    const s = expressionOf(r)
    expect(Expression.messageOf(s, announce.key)).toMatchObject({ author: `group/${group.key}`, announcement: "Seed swap on Sunday at ten" })
  })

  it("a mute is standing: the muted member's posts in that channel are Restricted, elsewhere not, and acts the decision had not seen too", () => {
    const { c, ada, bo } = world()
    const garden = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))
    const other = c.send(ada, Expression.openChannel({ name: "other", title: "Other", kind: "community" }))
    const base = c.heads()
    const offline = c.send(bo, Expression.post(garden.key), { parents: base }) // concurrent with the mute
    const mute = c.send(ada, decide("community", Expression.mute(garden.key, bo.id, c.time + 86_400_000, "a week of shouting")), { parents: base })
    const after = c.send(bo, Expression.post(garden.key))
    const elsewhere = c.send(bo, Expression.post(other.key))
    const r = c.replica()
    expect(tag(r, mute)).toBe("Applied")
    expect(tag(r, after)).toBe("Restricted")
    expect(tag(r, elsewhere)).toBe("Applied")
    expect(tag(r, offline)).toBe("Restricted")
  })
})

describe("private channels", () => {
  it("a removal starts a new epoch: a key or message of the old epoch is StaleEpoch once its author has seen the removal", () => {
    const { c, ada, bo, cy } = world()
    const open = c.send(ada, Expression.openChannel({ name: "care", title: "Care circle", kind: "private", members: [bo.id, cy.id] }))
    const r0 = c.replica()
    const e0 = expressionOf(r0).channels[open.key]!.epoch!
    const key0 = c.send(ada, Expression.channelKey(open.key, e0, [ada.id, bo.id, cy.id]))
    const msg0 = c.send(bo, Expression.post(open.key, { key: key0.key }))
    const noKey = c.send(bo, Expression.post(open.key))
    const dee = c.send(cy, Expression.openChannel({ name: "x", title: "X", kind: "private", members: ["04".repeat(32)] })) // not a member of the community
    const removal = c.send(ada, decide("community", Expression.removeMember(open.key, cy.id, "moved away")))
    const r1 = c.replica()
    const e1 = expressionOf(r1).channels[open.key]!.epoch!
    expect(e1).not.toBe(e0)
    const stale = c.send(bo, Expression.post(open.key, { key: key0.key }))
    const staleKey = c.send(bo, Expression.channelKey(open.key, e0, [ada.id, bo.id]))
    const cyPosts = c.send(cy, Expression.post(open.key, { key: key0.key }))
    const cyKey = c.send(cy, Expression.channelKey(open.key, e1, [cy.id]))
    const key1 = c.send(bo, Expression.channelKey(open.key, e1, [ada.id, bo.id]))
    const msg1 = c.send(ada, Expression.post(open.key, { key: key1.key }))
    const r = c.replica()
    expect([key0, msg0, noKey, dee, removal, stale, staleKey, cyPosts, cyKey, key1, msg1].map((e) => tag(r, e))).toEqual([
      "Applied", "Applied", "NeedsKey", "NotAMember", "Applied", "StaleEpoch", "StaleEpoch", "NotAChannelMember", "NotAChannelMember", "Applied", "Applied"
    ])
    const s = expressionOf(r)
    expect(s.channels[open.key]!.keys[key1.key]!.epoch).toBe(e1)
    expect(Expression.messageOf(s, msg1.key)!.stale).toBe(false)
  })

  it("a message under an epoch that concurrently became stale is kept and marked stale; concurrent changes converge on one epoch", () => {
    const { c, ada, bo, cy, dee } = world({ dee: true })
    const open = c.send(ada, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo.id, cy.id] }))
    const e0 = expressionOf(c.replica()).channels[open.key]!.epoch!
    const key0 = c.send(ada, Expression.channelKey(open.key, e0, [ada.id, bo.id, cy.id]))
    const base = c.heads()
    const leave = c.send(cy, Expression.leaveChannel(open.key), { parents: base })
    const addDee = c.send(bo, Expression.addMember(open.key, dee.id), { parents: base })
    const concurrent = c.send(ada, Expression.post(open.key, { key: key0.key }), { parents: base })
    const r = c.replica()
    const s = expressionOf(r)
    expect([leave, addDee, concurrent].map((e) => tag(r, e))).toEqual(["Applied", "Applied", "Applied"])
    const ch = s.channels[open.key]!
    // the epoch is that of the union of both changes, on every replica
    expect(ch.epoch).toBe(Epoch.of(open.key, [ada.id, bo.id, dee.id], []))
    // all three are concurrent and of equal depth: the post sorts by id among the changes, and is
    // stale exactly when a change sorts before it
    const sorted = [leave, addDee, concurrent].sort((a, b) => (a.key < b.key ? -1 : 1))
    expect(Expression.messageOf(s, concurrent.key)!.stale).toBe(sorted[0] !== concurrent)
    // another delivery order gives the same state
    const reversed = c.replica([...c.events].reverse())
    expect(reversed.stateHash()).toEqual(r.stateHash())
  })
})


describe("emergency", () => {
  it("an alert escalates once k others confirm within the window; the raiser cannot confirm, nobody twice", () => {
    const { c, ada, bo, cy, dee } = world({ dee: true })
    const alert = c.send(ada, Expression.raise("danger"))
    const own = c.send(ada, Expression.confirm(alert.key))
    const one = c.send(bo, Expression.confirm(alert.key))
    const twice = c.send(bo, Expression.confirm(alert.key))
    let s = expressionOf(c.replica())
    expect(s.alerts[alert.key]!.escalated).toBeNull()
    const two = c.send(cy, Expression.confirm(alert.key))
    const cancelOther = c.send(bo, Expression.cancel(alert.key))
    const r = c.replica()
    s = expressionOf(r)
    expect([own, one, twice, two, cancelOther].map((e) => tag(r, e))).toEqual(["OwnAlert", "Applied", "AlreadyConfirmed", "Applied", "NotYourAlert"])
    expect(s.alerts[alert.key]!.escalated).toBe(two.key)
    // a confirmation after the window counts as late and does not escalate
    const late = c.send(ada, Expression.raise("help"))
    c.witness(c.time + 11 * 60_000, [ada, bo, cy, dee])
    c.send(bo, Expression.confirm(late.key))
    c.send(cy, Expression.confirm(late.key))
    const s2 = expressionOf(c.replica())
    expect(s2.alerts[late.key]!.confirmations.map((x) => x.inTime)).toEqual([false, false])
    expect(s2.alerts[late.key]!.escalated).toBeNull()
  })

  it("the escalation rule is changed only by a community decision", () => {
    const { c, ada } = world()
    const direct = c.send(ada, Expression.emergencyRule({ confirmations: 3, minutes: 5, fanout: 2 }))
    const group = c.send(ada, decide("prime/expression", Expression.emergencyRule({ confirmations: 3, minutes: 5, fanout: 2 })))
    const community = c.send(ada, decide("community", Expression.emergencyRule({ confirmations: 3, minutes: 5, fanout: 2 })))
    const r = c.replica()
    expect([direct, group, community].map((e) => tag(r, e))).toEqual(["NeedsDecision", "WarrantInsufficient", "Applied"])
    expect(expressionOf(r).rule).toEqual({ confirmations: 3, minutes: 5, fanout: 2, key: community.key })
  })

  it("a drill fixes the tree at its start and records who confirmed", () => {
    const { c, ada, bo, cy, dee } = world({ dee: true })
    const early = c.send(ada, Expression.startDrill())
    for (const k of [bo, cy, dee]) c.send(k, Expression.shareContact([ada.id]))
    const drill = c.send(ada, Expression.startDrill())
    const base = c.heads()
    const late = c.send(bo, Expression.startDrill(), { parents: base }) // Bo's own drill, on the same past
    const bc = c.send(bo, Expression.confirmDrill(drill.key))
    const twice = c.send(bo, Expression.confirmDrill(drill.key))
    const endByBo = c.send(bo, Expression.endDrill(drill.key))
    const end = c.send(ada, Expression.endDrill(drill.key))
    const afterEnd = c.send(cy, Expression.confirmDrill(drill.key))
    const r = c.replica()
    expect([early, drill, bc, twice, endByBo, end, afterEnd].map((e) => tag(r, e))).toEqual([
      "TooFewPeople", "Applied", "Applied", "AlreadyConfirmed", "NotYourDrill", "Applied", "DrillEnded"
    ])
    expect(tag(r, late)).toBe("Applied")
    // someone who shares a contact after a drill started is not in its tree
    const { c: c2, ada: a2, bo: b2, cy: c3 } = world()
    c2.send(b2, Expression.shareContact([a2.id]))
    const d2 = c2.send(a2, Expression.startDrill())
    c2.send(c3, Expression.shareContact([a2.id]))
    const outside = c2.send(c3, Expression.confirmDrill(d2.key))
    expect(tag(c2.replica(), outside)).toBe("NotInDrill")
    const d = expressionOf(r).drills[drill.key]!
    expect(d.tree[0]).toBe(ada.id)
    expect([...d.tree].sort()).toEqual([ada.id, bo.id, cy.id, dee.id].sort())
    expect(d.confirmations.map((x) => x.member)).toEqual([bo.id])
  })
})

describe("the public page", () => {
  it("is published only by the expression prime group or the community", () => {
    const { c, ada } = world()
    const m = "ee".repeat(32)
    const direct = c.send(ada, Expression.publish(m, "Riverside", 3))
    const otherPrime = c.send(ada, decide("prime/economy", Expression.publish(m, "Riverside", 3)))
    const prime = c.send(ada, decide("prime/expression", Expression.publish(m, "Riverside", 3)))
    const r = c.replica()
    expect([direct, otherPrime, prime].map((e) => tag(r, e))).toEqual(["NeedsDecision", "WarrantInsufficient", "Applied"])
    expect(expressionOf(r).pages).toEqual([{ key: prime.key, manifest: m, title: "Riverside", files: 3, at: expect.any(Number), by: "prime/expression" }])
  })
})

describe("forked chains", () => {
  it("a member who signs two events at one place of their chain has both refused Equivocated, in every delivery order", () => {
    const { c, ada, bo, cy } = world()
    const garden = c.send(ada, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))
    const alert = c.send(cy, Expression.raise("help"))
    const base = c.heads()
    // Bo's first two events both claim the first place of his chain
    const one = c.send(bo, Expression.confirm(alert.key), { parents: base })
    const two = c.send(bo, Expression.post(garden.key), { parents: base, seq: 1, prev: null })
    const r = c.replica()
    const reversed = c.replica([c.events[0]!, ...c.events.slice(1).reverse()])
    expect([tag(r, one), tag(r, two)]).toEqual(["Equivocated", "Equivocated"])
    expect(reversed.stateHash()).toEqual(r.stateHash())
    expect(expressionOf(r).alerts[alert.key]!.confirmations).toEqual([])
  })
})
