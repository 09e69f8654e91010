/**
 * Verify a public page from its files alone: fold the event log the site carries ({@link
 * Page.LOG}) with the community's modules, check every signature and decision on the way, and
 * verify the files against the state it gives ({@link Page.verify}). The log starts with the
 * genesis, whose id is the community id the manifest names, so a log of another community, or
 * one whose events were changed, does not verify.
 *
 * @module
 */
import { Bytes, Client, type Module, Storage } from "@affinity/core"
import * as Page from "./Page.ts"
import type { State } from "./State.ts"

/** The log file of a site: the community's events (wire bytes) as base64url, the genesis first. */
export const logFile = (events: ReadonlyArray<Uint8Array>): Page.File => ({
  path: Page.LOG,
  bytes: Bytes.utf8(`${JSON.stringify(events.map((e) => Bytes.toBase64url(e)))}\n`)
})

/**
 * Verify a site (its files, the manifest and the log among them) with `modules`, the modules
 * the community runs (its decider included). Never rejects: problems are listed.
 */
export const verify = async (files: ReadonlyArray<Page.File>, modules: ReadonlyArray<Module.Module>): Promise<Page.Verified> => {
  const log = files.find((f) => f.path === Page.LOG)
  if (!log) return { ok: false, problems: [`there is no ${Page.LOG}: verify against your own replica with Page.verify`] }
  let events: Array<Uint8Array>
  try {
    const list = JSON.parse(new TextDecoder().decode(log.bytes)) as unknown
    if (!Array.isArray(list) || list.length === 0) throw new Error("empty")
    events = list.map((x) => {
      const b = typeof x === "string" ? Bytes.fromBase64url(x) : undefined
      if (!b) throw new Error("not base64url")
      return b
    })
  } catch {
    return { ok: false, problems: [`${Page.LOG} is not a list of events`] }
  }
  // A log read from files is judged as a whole, not against this device's clock: no event is held for claiming a later time.
  const client = await Client.make({ storage: Storage.layerMemory, modules, futureTolerance: Number.MAX_SAFE_INTEGER })
  try {
    const community = await client.join(events[0]!)
    const verdicts = await community.receive(events.slice(1))
    const refused = verdicts.filter((v) => v._tag === "Invalid" || v._tag === "Pending").length
    const result = Page.verify(files, community.state<State>("expression"))
    return refused > 0 && result.ok ? { ok: false, problems: [`${refused} events of the log do not verify`] } : result
  } catch (e) {
    return { ok: false, problems: [`the log does not open: ${e instanceof Error ? e.message : String(e)}`] }
  } finally {
    await client.close()
  }
}
