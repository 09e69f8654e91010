import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Bytes, Cbor, Client, Crypto, Storage, Sync } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { Schemas, serve, Token } from "../src/index.ts"
import { expectShape, until } from "./harness.ts"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "affinity-bridge-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const get = async (url: string, token: string) => {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, json: (await response.json()) as unknown }
}

const mode = async (file: string) => (await stat(file)).mode & 0o777

describe("serve", () => {
  it("makes a token and a device key only its owner can read, keeps them, and stores the community in SQLite", async () => {
    const lines: Array<string> = []
    const first = await serve({ dir, port: 0, create: "Bakery co-op", log: (l) => lines.push(l) })
    let token: string
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(lines).toEqual([])
      token = first.token
      expect(await mode(first.tokenFile)).toBe(0o600)
      expect(await mode(join(dir, "device.key"))).toBe(0o600)
      expect(await mode(dir)).toBe(0o700)
      const c = expectShape(Schemas.Community, (await get(`${first.url}/community`, token)).json)
      expect(c.name).toBe("Bakery co-op")
      expect(c.me.status).toBe("full")
      expect((await get(`${first.url}/community`, "x".repeat(43))).status).toBe(401)
      // One bridge per data directory.
      await expect(serve({ dir, port: 0 })).rejects.toThrow(/runs on this data directory/)
      const tick = await fetch(`${first.url}/tick`, { method: "POST", headers: { authorization: `Bearer ${token}` } })
      expect(tick.status).toBe(201)
    } finally {
      await first.close()
    }

    const again = await serve({ dir, port: 0, host: "0.0.0.0", log: (l) => lines.push(l) })
    try {
      expect(again.token).toBe(token)
      expect(lines.join("\n")).toMatch(/warning: listening on 0\.0\.0\.0/)
      const c = expectShape(Schemas.Community, (await get(`http://127.0.0.1:${again.port}/community`, token)).json)
      expect(c.name).toBe("Bakery co-op")
      expect(c.events).toBe(2)
    } finally {
      await again.close()
    }
  })

  it("refuses a token file other users can read", async () => {
    const { writeFile } = await import("node:fs/promises")
    const file = join(dir, "token")
    await writeFile(file, `${Token.generate()}\n`, { mode: 0o644 })
    await expect(Token.loadOrCreate(file)).rejects.toThrow(/chmod 600/)
  })

  it("says what to do when there is no community yet", async () => {
    await expect(serve({ dir, port: 0 })).rejects.toThrow(/--join/)
  })

  it("joins by invitation, and acts for the member who adds its device", async () => {
    // Ada's app: her community, a relay in memory, an invitation made the web app's way.
    const client = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
    const relayClient = await Client.make({ storage: Storage.layerMemory, modules: [Governance.module] })
    const relay = Sync.makeHub({ announce: false, resyncInterval: 100, learn: async (genesis) => (await relayClient.join(genesis)).community })
    const dial = async () => {
      const [mine, theirs] = Sync.Memory.pair()
      relay.connect(theirs)
      return mine
    }
    const ada = await client.generateKey()
    const handle = await client.create({ name: "Bakery co-op", author: ada })
    const hub = Sync.makeHub({ resyncInterval: 100 })
    hub.add(handle.community)
    hub.connect(await dial())
    const genesis = handle.export()[0]!
    const relays = ["ws://relay.example:8787/"]
    const crypto = await Crypto.makeBest()
    const message = Bytes.concat(
      Bytes.utf8("affinity-web/invitation/v1\u0000"),
      Bytes.fromHex(handle.id)!,
      Cbor.encode({ v: 1, r: relays, i: ada.publicKey })
    )
    const s = await Effect.runPromise(crypto.sign(ada.secret, message))
    const code = Buffer.from(Cbor.encode({ v: 1, g: genesis, r: relays, i: ada.publicKey, s })).toString("base64url")

    const served = await serve({ dir, port: 0, join: `http://127.0.0.1:5173/#join=${code}`, dial, sync: { resyncInterval: 100 }, log: () => {} })
    try {
      const device = expectShape(Schemas.Device, (await get(`${served.url}/device`, served.token)).json)
      expect(device.identity).toBeNull()
      expect(device.request).not.toBeNull()
      const refused = await fetch(`${served.url}/tick`, { method: "POST", headers: { authorization: `Bearer ${served.token}` } })
      expect(refused.status).toBe(422)
      expect(expectShape(Schemas.Failure, await refused.json())._tag).toBe("NotAFullMember")

      // Ada pastes the request code into her app, which adds the bridge's device to her.
      const decoded = Cbor.decode(new Uint8Array(Buffer.from(device.request!, "base64url")))
      const r = (decoded.ok ? decoded.value : {}) as { readonly c: Uint8Array; readonly a: Uint8Array; readonly d: Uint8Array; readonly s: Uint8Array }
      expect([Bytes.toHex(r.c), Bytes.toHex(r.a), Bytes.toHex(r.d)]).toEqual([handle.id, ada.id, device.device])
      const added = await handle.append(ada, "core", "device.add", { device: r.d, consent: r.s })
      expect(added.outcome._tag).toBe("Applied")

      await until(() => served.bridge.reader.me() === ada.id, 5_000, "the bridge to learn it acts for Ada")
      const now = expectShape(Schemas.Device, (await get(`${served.url}/device`, served.token)).json)
      expect(now).toEqual({ device: device.device, identity: ada.id, status: "full", request: null })
      const tick = await fetch(`${served.url}/tick`, { method: "POST", headers: { authorization: `Bearer ${served.token}` } })
      expect(tick.status).toBe(201)
      const act = expectShape(Schemas.Act, await tick.json())
      expect(act.event.author?.identity).toBe(ada.id)
      expect(act.event.device).toBe(device.device)
    } finally {
      await served.close()
      await hub.close()
      await relay.close()
      await client.close()
      await relayClient.close()
    }
  })
})
