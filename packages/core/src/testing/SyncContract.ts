/**
 * The shared test suite every sync transport runs against itself: it checks, in vitest,
 * each point of the `Connection` contract written in `Sync.Connection`.
 *
 * @module
 */
import { afterEach, describe, expect, it } from "vitest"
import type { CloseReason, Connection } from "../sync/Connection.ts"

/** Two connected ends made by the adapter under test. */
export interface SyncTransportPair {
  readonly a: Connection
  readonly b: Connection
}

/** Options of {@link runSyncTransportContract}. */
export interface SyncTransportContractOptions {
  /** The largest frame the adapter promises to carry (default 1 MiB). */
  readonly maxFrameBytes?: number
  /** Runs after each test, once both ends are closed (stop servers, close channels). */
  readonly cleanup?: () => Promise<void> | void
}

/**
 * Registers a vitest suite that checks a transport against the `Connection` contract.
 *
 * @param name - the adapter's name, shown in the suite title.
 * @param makePair - connects two fresh ends each time it is called.
 * @param options - the adapter's frame limit, and a cleanup after each test.
 *
 * @example
 * ```ts
 * import { describe } from "vitest"
 * import { Sync } from "@affinity/core"
 * import { runSyncTransportContract } from "@affinity/core/testing"
 *
 * describe("in-memory pairs", () => {
 *   runSyncTransportContract("memory", () => {
 *     const [a, b] = Sync.Memory.pair()
 *     return { a, b }
 *   })
 * })
 * ```
 */
export const runSyncTransportContract = (
  name: string,
  makePair: () => Promise<SyncTransportPair> | SyncTransportPair,
  options: SyncTransportContractOptions = {}
): void => {
  const maxFrame = options.maxFrameBytes ?? 1024 * 1024

  describe(`Sync transport contract: ${name}`, () => {
    const open: Array<Connection> = []

    const fresh = async (): Promise<SyncTransportPair> => {
      const pair = await makePair()
      open.push(pair.a, pair.b)
      return pair
    }

    afterEach(async () => {
      const ends = open.splice(0)
      for (const end of ends) end.close()
      await Promise.all(ends.map((end) => end.closed))
      await options.cleanup?.()
    })

    it("carries frames both ways, whole, in order, byte for byte", async () => {
      const { a, b } = await fresh()
      const sizes = [0, 1, 2, 125, 126, 127, 65_535, 65_536, 70_001, maxFrame]
      const frames = sizes.map((n, k) => pattern(n, k))
      const atB = collect(b, frames.length)
      const atA = collect(a, frames.length)
      for (const f of frames) a.send(f)
      for (const f of [...frames].reverse()) b.send(f)
      expectFrames(await atB, frames)
      expectFrames(await atA, [...frames].reverse())
    })

    it("keeps the order of many small frames", async () => {
      const { a, b } = await fresh()
      const n = 2_000
      const got = collect(b, n)
      for (let i = 0; i < n; i++) a.send(Uint8Array.of(i & 255, i >> 8))
      const frames = await got
      frames.forEach((f, i) => expect([f[0], f[1]]).toEqual([i & 255, i >> 8]))
    })

    it("holds frames that arrive before a handler is set", async () => {
      const { a, b } = await fresh()
      // A round trip proves the first frames reached b's side before its handler exists.
      const echo = collect(a, 1)
      b.send(Uint8Array.of(9))
      await echo
      for (let i = 0; i < 5; i++) a.send(Uint8Array.of(i))
      const marker = collect(a, 1)
      b.send(Uint8Array.of(8))
      await marker
      await macrotask()
      const got = collect(b, 6)
      a.send(Uint8Array.of(5))
      expect((await got).map((f) => f[0])).toEqual([0, 1, 2, 3, 4, 5])
    })

    it("gives the receiver its own bytes", async () => {
      const { a, b } = await fresh()
      const frame = pattern(64, 3)
      const got = collect(b, 1)
      a.send(frame)
      frame.fill(0)
      const [received] = await got
      expect(received).toEqual(pattern(64, 3))
    })

    it("keeps delivering after a handler throws", async () => {
      const { a, b } = await fresh()
      const seen: Array<number> = []
      const done = new Promise<void>((resolve) =>
        b.receive((f) => {
          seen.push(f[0]!)
          if (seen.length === 3) resolve()
          if (f[0] === 1) throw new Error("a handler's own failure")
        })
      )
      for (let i = 0; i < 3; i++) a.send(Uint8Array.of(i))
      await done
      expect(seen).toEqual([0, 1, 2])
    })

    it("tells both sides why it closed", async () => {
      const { a, b } = await fresh()
      b.receive(() => {})
      a.close({ reason: "Flood", message: "too many messages" })
      const local = await a.closed
      const remote = await b.closed
      expect(local).toEqual({ by: "local", reason: "Flood", message: "too many messages" })
      expect(remote.by).toBe("remote")
      expect(remote.reason).toBe("Flood")
      expect("too many messages".startsWith(remote.message)).toBe(true)
    })

    it("closes from either side, with `Closed` by default", async () => {
      const { a, b } = await fresh()
      a.receive(() => {})
      b.close()
      expect(await b.closed).toMatchObject({ by: "local", reason: "Closed" })
      expect(await a.closed).toMatchObject({ by: "remote", reason: "Closed" })
    })

    it("delivers what was sent before the close, then the close", async () => {
      const { a, b } = await fresh()
      const seen: Array<number> = []
      b.receive((f) => seen.push(f[0]!))
      for (let i = 0; i < 20; i++) a.send(Uint8Array.of(i))
      a.close({ reason: "Shutdown", message: "bye" })
      const reason = await b.closed
      expect(reason.reason).toBe("Shutdown")
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i))
    })

    it("is quiet after the close: idempotent close, send does nothing, closed resolves once", async () => {
      const { a, b } = await fresh()
      let late = 0
      b.receive(() => late++)
      a.close({ reason: "Closed", message: "done" })
      a.close({ reason: "Flood", message: "ignored" })
      a.send(Uint8Array.of(1))
      const first = await a.closed
      await b.closed
      b.send(Uint8Array.of(2))
      b.close()
      await macrotask()
      expect(await a.closed).toBe(first)
      expect(first.reason).toBe("Closed")
      expect(late).toBe(0)
    })

    it("keeps pairs apart", async () => {
      const one = await fresh()
      const two = await fresh()
      const got1 = collect(one.b, 1)
      const got2 = collect(two.b, 1)
      one.a.send(Uint8Array.of(1))
      two.a.send(Uint8Array.of(2))
      expect((await got1)[0]).toEqual(Uint8Array.of(1))
      expect((await got2)[0]).toEqual(Uint8Array.of(2))
    })
  })
}

/** Bytes of length `n` that differ from frame to frame. */
const pattern = (n: number, k: number): Uint8Array => {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + k * 7 + (i >> 8)) & 255
  return out
}

/** The next `n` frames an end receives (sets its handler). */
const collect = (c: Connection, n: number): Promise<Array<Uint8Array>> =>
  new Promise((resolve, reject) => {
    const out: Array<Uint8Array> = []
    if (n === 0) resolve(out)
    c.receive((f) => {
      out.push(f)
      if (out.length === n) resolve(out)
    })
    c.closed.then((r: CloseReason) => {
      if (out.length < n) reject(new Error(`closed (${r.reason}) after ${out.length} of ${n} frames`))
    })
  })

const expectFrames = (got: ReadonlyArray<Uint8Array>, want: ReadonlyArray<Uint8Array>) => {
  expect(got.map((f) => f.length)).toEqual(want.map((f) => f.length))
  got.forEach((f, i) => expect(same(f, want[i]!), `frame ${i} differs`).toBe(true))
}

const same = (x: Uint8Array, y: Uint8Array): boolean => {
  if (x.length !== y.length) return false
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 5))
