/**
 * Counting the turns the event loop gets while some work is under way.
 *
 * @module
 */

/** Run `work`, counting the `setImmediate` callbacks that run until it settles: its value and that count. */
export const countingTurns = async <A>(work: () => Promise<A>): Promise<{ readonly value: A; readonly turns: number }> => {
  let turns = 0
  let running = true
  const tick = () => {
    turns++
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  try {
    const value = await work()
    return { value, turns }
  } finally {
    running = false
  }
}
