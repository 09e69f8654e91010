import { chmod, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { cleanUp, clock, type Person, person } from "./support.ts"

/** An invitation made by the web app (`examples/web`), to a community named "Allotment on Mill Lane". */
const WEB_INVITATION =
  "pWFnWPqDWGKLAfZYIOpKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIsAfaAGwAAAaI8E7djZGNvcmVnZ2VuZXNpc1gg73OdlaqApsWAlJPI--R8gnHKT0vOPsZuAbTJppKeoykYUVhA9gOs5sJPn7nd37mB3Os_4RsEEBC9tKmBkfet275HQGW9xvSIwnkgfQGjTw8FUaXRKfWWOIPpgJF5NfQck2M_ClhRo2RuYW1ldkFsbG90bWVudCBvbiBNaWxsIExhbmVmcGFyYW1zoGhmb3VuZGVyc4FYIOpKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIsYWlYIOpKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIsYXKBeBh3c3M6Ly9yZWxheS5leGFtcGxlLm9yZy9hc1hAc8tqeC75zwA6X0d-itS55mnOlt48T_PVBZMoeixmEl-Gw1TpLGCGqwkGUuEyQBPPRrHlZgbdc1q9P9W7xtrLAmF2AQ"
const WEB_COMMUNITY = "85d3f137d5530e6928cc08c4513c136aa439a2ae584ca377980466173339eae3"

afterAll(cleanUp)

describe("bad input gets a sentence and a non-zero exit code", () => {
  const time = clock()

  it("an unknown command or a missing argument is bad usage (2)", async () => {
    const p = await person(time)
    const typo = await p("proposl")
    expect(typo.code).toBe(2)
    expect(typo.err).toContain("unknown command 'proposl'")
    expect(typo.err).toContain("propose")
    const missing = await p("stance", "1")
    expect(missing.code).toBe(2)
    expect(missing.err).toContain("missing required argument")
  })

  it("a command needs a community in use", async () => {
    const p = await person(time)
    const r = await p("proposals")
    expect(r.code).toBe(2)
    expect(r.err).toContain("no community is in use")
    const json = await p("--json", "proposals")
    expect(JSON.parse(json.err)).toEqual({ error: { tag: "NoCommunity", message: expect.stringContaining("affinity create") } })
    expect(json.out).toBe("")
  })

  it("a broken or changed invitation is refused, and nothing is stored", async () => {
    const p = await person(time)
    const garbage = await p("join", "not an invitation!")
    expect(garbage.code).toBe(2)
    expect(garbage.err).toContain("this invitation cannot be used")
    const i = WEB_INVITATION.length - 20
    const changed = WEB_INVITATION.slice(0, i) + (WEB_INVITATION[i] === "A" ? "B" : "A") + WEB_INVITATION.slice(i + 1)
    const tampered = await p("join", changed)
    expect(tampered.code).toBe(2)
    expect(tampered.err).toMatch(/changed|damaged|shaped/)
    expect((await p("--json", "communities")).out.trim()).toBe("[]")
  })

  it("an invitation made by the web app opens here", async () => {
    const p = await person(time)
    const joined = await p.json<{ community: { id: string; name: string }; inviterIsFounder: boolean; relays: Array<string>; applied: boolean }>(
      "join",
      `http://127.0.0.1:5173/#join=${WEB_INVITATION}`,
      "--as",
      "Dee"
    )
    expect(joined.community).toEqual({ id: WEB_COMMUNITY, name: "Allotment on Mill Lane" })
    expect(joined.inviterIsFounder).toBe(true)
    expect(joined.relays).toEqual(["wss://relay.example.org/"])
    expect(joined.applied).toBe(true)
  })

  it("acts of full members are refused to an applicant, before anything is written", async () => {
    const ada = await person(time)
    expect((await ada("create", "Choir")).code).toBe(0)
    const { code } = await ada.json<{ code: string }>("invite")
    const bo = await person(time)
    expect((await bo("join", code)).code).toBe(0)
    const r = await bo("propose", "Sing on Sundays")
    expect(r.code).toBe(1)
    expect(r.err).toContain("the members have not admitted you yet")
    const json = await bo("--json", "tick")
    expect(JSON.parse(json.err).error.tag).toBe("NotAFullMember")
  })

  it("stances, proposals and closes check what they are given", async () => {
    const ada = await person(time)
    expect((await ada("create", "Garden")).code).toBe(0)
    expect((await ada("propose", "Plant beans", "--hours", "0.5")).code).toBe(2)
    expect((await ada("propose", "Plant beans", "--process", "vote")).code).toBe(2)
    expect((await ada("propose", "Plant beans", "--admit", "nobody")).code).toBe(2)
    expect((await ada("propose", "Plant beans", "--hours", "3")).code).toBe(0)
    const word = await ada("stance", "1", "maybe")
    expect(word.code).toBe(2)
    expect(word.err).toContain("is not a stance")
    const unknown = await ada("stance", "7", "agree")
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain("there is no proposal number 7")
    expect((await ada("stance", "beans", "agree")).code).toBe(0)
    time.advance(3 * 3_600_000 + 1)
    expect((await ada("close", "1")).code).toBe(0)
    const again = await ada("close", "1")
    expect(again.code).toBe(1)
    expect(again.err).toContain("has already ended")
    const late = await ada("stance", "1", "block", "too late")
    expect(late.code).toBe(1)
  })

  it("keeps the device key readable by its owner alone, and refuses one others can read", async () => {
    const ada = await person(time)
    expect((await ada("create", "Workshop")).code).toBe(0)
    const file = join(ada.dir, "device.key")
    if (process.platform !== "win32") expect((await stat(file)).mode & 0o777).toBe(0o600)
    const before = await ada.json<{ key: string }>("whoami")
    expect(before.key).toMatch(/^[0-9a-f]{64}$/)
    if (process.platform !== "win32") {
      await chmod(file, 0o644)
      const exposed = await ada("whoami")
      expect(exposed.code).toBe(1)
      expect(exposed.err).toContain(`chmod 600 ${file}`)
      await chmod(file, 0o600)
    }
    expect((await ada.json<{ key: string }>("whoami")).key).toBe(before.key)
    await writeFile(file, "{ not json", { mode: 0o600 })
    const damaged = await ada("whoami")
    expect(damaged.code).toBe(1)
    expect(damaged.err).toContain("restore it from your backup")
  })

  it("one command at a time per data directory", async () => {
    const ada = await person(time)
    expect((await ada("create", "Bakery")).code).toBe(0)
    await writeFile(join(ada.dir, "lock"), `${process.pid}\n`)
    const busy = await ada("members")
    expect(busy.code).toBe(1)
    expect(busy.err).toContain(`another affinity command (process ${process.pid})`)
    // A lock left by a process that has ended is taken over.
    await writeFile(join(ada.dir, "lock"), "2147483646\n")
    expect((await ada("members")).code).toBe(0)
  })

  it("a relay that cannot be reached is a failure, and the events stay here", async () => {
    const ada = await person(time)
    expect((await ada("create", "Orchard")).code).toBe(0)
    const none = await ada("sync")
    expect(none.code).toBe(2)
    expect(none.err).toContain("has no relay")
    const away = await ada("sync", "--relay", "ws://127.0.0.1:9/", "--timeout", "3")
    expect(away.code).toBe(1)
    expect(away.out).toContain("Could not sync through ws://127.0.0.1:9/")
    expect(away.err).toContain("no relay could be reached")
    expect((await ada("relays", "--add", "http://example.org")).code).toBe(2)
  })

  it("finds the data directory in AFFINITY_HOME", async () => {
    const time2 = clock()
    const p: Person = await person(time2)
    const home = join(p.dir, "elsewhere")
    const { run } = await import("../src/index.ts")
    let out = ""
    const code = await run(["create", "Library"], { stdout: (t) => void (out += t), stderr: () => {}, env: { AFFINITY_HOME: home }, now: time2.now })
    expect(code).toBe(0)
    expect((await stat(join(home, "device.key"))).isFile()).toBe(true)
    expect(out).toContain("Created “Library”")
  })
})
