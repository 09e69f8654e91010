/**
 * Giving the host a turn of the event loop between slices of long work, so a browser can
 * render and handle input. Free of `effect`, so the hashing that modules import stays light.
 */
interface HostScheduler {
  readonly yield?: () => Promise<void>
}

/**
 * A promise that settles in a later task of the event loop: `scheduler.yield()` where the
 * browser has it, `setImmediate` on Node, a `MessageChannel` message elsewhere (neither is
 * clamped the way nested `setTimeout(0)` calls are), `setTimeout` as the last resort.
 */
export const yieldToHost = (): Promise<void> => {
  const g = globalThis as {
    readonly scheduler?: HostScheduler
    readonly setImmediate?: (f: () => void) => unknown
    readonly MessageChannel?: typeof MessageChannel
  }
  const s = g.scheduler
  if (s !== undefined && typeof s.yield === "function") return s.yield.call(s)
  if (typeof g.setImmediate === "function") {
    const immediate = g.setImmediate
    return new Promise((resolve) => void immediate(resolve))
  }
  if (typeof g.MessageChannel === "function") {
    const channel = new g.MessageChannel()
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close()
        resolve()
      }
      channel.port2.postMessage(null)
    })
  }
  return new Promise((resolve) => setTimeout(resolve, 0))
}
