/**
 * Entry point of the browser app.
 *
 * @module
 */
// First: stack traces stay off while the SDK's modules load (see stacks.ts).
import { stackTraceLimit } from "./stacks.ts"
import { start } from "./app.ts"
import "./style.css"

Error.stackTraceLimit = stackTraceLimit

const params = new URLSearchParams(location.search)
const root = document.getElementById("app")!
const started = start(root, {
  // `?relay=` proposes another relay when creating a community; the default is one on this host.
  defaultRelay: params.get("relay") ?? `ws://${location.hostname || "127.0.0.1"}:8787/`,
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
