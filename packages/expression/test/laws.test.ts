import { describe } from "vitest"
import { moduleLaws } from "@affinity/core/testing"
import { Expression } from "@affinity/expression"
import { council, createGroup, decide } from "./support/council.ts"
import { Epoch } from "@affinity/expression"

describe("expression", () => {
  // Channels of every kind, private membership changes concurrent with posts and key events,
  // a mute concurrent with a post, alerts, contacts and a drill, refusals along the way.
  moduleLaws(Expression.module, {
    modules: [council],
    params: { timeWitnesses: 1 },
    founders: 4,
    scenario: (c, [ada, bo, cy, dee]) => {
      const group = c.send(ada!, createGroup("Care team", [ada!.id, bo!.id]))
      const garden = c.send(ada!, Expression.openChannel({ name: "garden", title: "Garden", kind: "community" }))
      const team = c.send(bo!, Expression.openChannel({ name: "team", title: "Care team", kind: "group", group: group.key }))
      const care = c.send(ada!, Expression.openChannel({ name: "care", title: "Care", kind: "private", members: [bo!.id, cy!.id] }))
      const e0 = Epoch.of(care.key, [ada!.id, bo!.id, cy!.id], [])
      const key0 = c.send(ada!, Expression.channelKey(care.key, e0, [ada!.id, bo!.id, cy!.id]))
      const hello = c.send(bo!, Expression.post(garden.key))
      const base = c.heads()
      c.send(cy!, Expression.post(care.key, { key: key0.key }), { parents: base })
      c.send(ada!, decide("community", Expression.removeMember(care.key, cy!.id, "moved away")), { parents: base })
      c.send(bo!, Expression.addMember(care.key, dee!.id), { parents: base })
      c.send(dee!, Expression.post(team.key), { parents: base }) // refused: not in the group
      c.send(cy!, Expression.post(garden.key, { reply: hello.key }), { parents: base })
      c.send(ada!, decide("community", Expression.mute(garden.key, cy!.id, c.time + 3_600_000, "cool down")), { parents: base })
      c.send(bo!, Expression.edit(hello.key))
      c.send(cy!, Expression.remove(hello.key)) // refused: not hers
      c.send(bo!, Expression.post(care.key, { key: key0.key })) // refused: stale epoch
      const alert = c.send(dee!, Expression.raise("help"))
      c.send(ada!, Expression.confirm(alert.key))
      c.send(bo!, Expression.confirm(alert.key))
      c.send(bo!, Expression.shareContact([ada!.id]))
      c.send(cy!, Expression.shareContact([ada!.id, bo!.id].sort()))
      const drill = c.send(ada!, Expression.startDrill())
      c.send(cy!, Expression.confirmDrill(drill.key))
      c.send(ada!, decide("prime/expression", Expression.publish("ee".repeat(32), "Riverside", 2)))
      return {
        queries: {
          "channel.member": [{ channel: care.key, identity: dee!.id }, { channel: care.key, identity: cy!.id }, { channel: garden.key }],
          page: [{}]
        }
      }
    }
  })

})
