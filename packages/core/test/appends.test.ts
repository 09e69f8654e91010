/**
 * Appends made at once through one community handle are taken one after the other: a device
 * never signs two events at one `seq` (which would fork its key, `docs/protocol.md` §4).
 */
import { expect, it } from "vitest"
import { Client, Storage } from "@affinity/core"

it("appends made at once by one device are chained, not forked", async () => {
  const client = await Client.make({ storage: Storage.layerMemory })
  const ada = await client.generateKey()
  const garden = await client.create({ name: "Garden", author: ada })
  const results = await Promise.all(Array.from({ length: 8 }, () => garden.append(ada, "core", "tick", {})))
  expect(results.map((r) => r.outcome._tag)).toEqual(Array(8).fill("Applied"))
  const seqs = results.map((r) => garden.event(r.key)!.seq).sort((a, b) => a - b)
  expect(seqs).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
  await client.close()
})
