import { describe, expect, it } from "vitest"
import { run } from "../src/index.ts"

const capture = async (argv: ReadonlyArray<string>) => {
  let out = ""
  let err = ""
  const code = await run(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
  return { code, out, err }
}

const COMMANDS = [
  "create", "invite", "join", "members", "profile", "name", "whoami", "communities", "use", "status",
  "propose", "proposals", "show", "stance", "amend", "withdraw", "close", "record",
  "groups", "lot", "tick", "sync", "relays"
]

describe("the help teaches the method", () => {
  it("lists every command with a sentence", async () => {
    const { code, out } = await capture(["--help"])
    expect(code).toBe(0)
    expect(out).toContain("no admin and no owner")
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`\\n  ${c} +[A-Z]`))
  })

  it("explains each command on its own", async () => {
    const { code, out } = await capture(["help", "stance"])
    expect(code).toBe(0)
    expect(out).toContain("Usage: affinity stance [options] <proposal> <stance> [reason]")
    expect(out.replaceAll(/\s+/g, " ")).toContain("block (stop it, with a reason)")
  })
})
