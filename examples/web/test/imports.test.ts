/** The app is built on the SDK's public entry points only. */
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { expect, test } from "vitest"

const PUBLIC = new Set([
  "@affinity/administration",
  "@affinity/core",
  "@affinity/defense",
  "@affinity/economy",
  "@affinity/expression",
  "@affinity/expression/client",
  "@affinity/governance",
  "@affinity/justice",
  "@affinity/storage-indexeddb",
  "@affinity/sync-broadcastchannel",
  "@affinity/sync-websocket",
  "effect",
  "uqr"
])
/** Node-side files (dev server, serve helper) may also use these. */
const NODE_SIDE = new Set(["@affinity/example-relay", "vite"])

test("every import in src is relative, a public SDK entry point, or (node side) the relay and vite", async () => {
  const dir = join(import.meta.dirname, "..", "src")
  const seen: Array<string> = []
  for (const file of await readdir(dir, { recursive: true })) {
    if (!file.endsWith(".ts")) continue
    const text = await readFile(join(dir, file), "utf8")
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = (m[1] ?? m[2])!
      seen.push(spec)
      const nodeSide = file === "dev.ts" || file === "serve.ts"
      const ok = spec.startsWith("./") || (file.startsWith("screens/") && spec.startsWith("../")) || PUBLIC.has(spec) || (nodeSide && (NODE_SIDE.has(spec) || spec.startsWith("node:")))
      expect(ok, `${file} imports ${spec}`).toBe(true)
    }
  }
  expect(seen).toContain("@affinity/core")
  // The modules' screens are loaded when their page opens, each as a chunk of its own.
  expect(seen).toContain("./screens/economy.ts")
  expect(seen.some((s) => s.includes("/src/") || s.includes("internal"))).toBe(false)
})
