/**
 * Entry point of the browser app.
 *
 * @module
 */
// First: stack traces stay off while the SDK's modules load (see stacks.ts).
import { stackTraceLimit } from "./stacks.ts"
import { start } from "./app.ts"
import * as RelayAddress from "./relayAddress.ts"
import "./style.css"

Error.stackTraceLimit = stackTraceLimit

/**
 * The relay proposed when creating a community: `?relay=` in the address, else the one the
 * app was built with (`VITE_AFFINITY_RELAY`), else, for a page opened over http, one on
 * port 8787 of the host the page came from (so a page opened from another computer of the
 * network proposes that computer's relay). Addresses that are not valid relay addresses
 * are ignored.
 */
const defaultRelay = (params: URLSearchParams): string => {
  const built = (import.meta.env as Readonly<Record<string, unknown>>)["VITE_AFFINITY_RELAY"]
  for (const candidate of [params.get("relay"), typeof built === "string" ? built : undefined]) {
    if (candidate === null || candidate === undefined || candidate === "") continue
    const checked = RelayAddress.check(candidate)
    if (checked.ok) return checked.url
  }
  if (location.protocol !== "http:") return ""
  const own = RelayAddress.check(`ws://${location.hostname || "127.0.0.1"}:8787/`)
  return own.ok ? own.url : ""
}

const params = new URLSearchParams(location.search)
const root = document.getElementById("app")!
const started = start(root, {
  defaultRelay: defaultRelay(params),
  ...(params.get("db") ? { database: params.get("db")! } : {})
}).catch((e: unknown) => {
  root.textContent = `The app could not start: ${e instanceof Error ? e.message : String(e)}`
  root.setAttribute("data-testid", "fatal")
})

/**
 * Keep the app's files for starts without a network (the built app only, not the dev
 * server), once the first screen is up. Called from this small function, never from the
 * module's top level: the browser notes where the call comes from, and a location in the
 * bundle's top-level code makes V8 parse the whole bundle again (a long task on a phone).
 */
const keepFiles = (): void => {
  void navigator.serviceWorker.register("./sw.js").catch(() => {})
}
if (!import.meta.hot && "serviceWorker" in navigator) void started.then(keepFiles)
