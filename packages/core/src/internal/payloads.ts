/**
 * Where a community keeps its events' payloads in storage, and how it honours erasures
 * (`docs/protocol.md` §3a, §10). Records never carry a payload: each held payload is a
 * storage value of its own, `payload.<event key>`, written before the record is appended
 * (a crash between the two leaves a value no record names, never a record whose payload
 * was lost). An erased payload's value is overwritten with no bytes (stores have no delete)
 * and its bytes are dropped from memory. Payloads a module names as due for erasure
 * (`Module.erasures`) are dropped the same way.
 */
import { Effect } from "effect"
import type { Log } from "../Log.ts"
import * as Membership from "../Membership.ts"
import type { StorageError, StorageShape } from "../Storage.ts"

/** The storage key of an event's payload. */
export const valueKey = (key: string): string => `payload.${key}`

/** What an erased payload's value becomes. */
const ERASED = new Uint8Array(0)

/** Reads of stored payloads at once when a community opens. */
const CONCURRENCY = 8

/** The payloads of one open community. */
export interface Keeper {
  /**
   * Read the stored payloads of the delivered events whose headers commit to one, except
   * those the fold erased (whose values are overwritten, should a crash have left them).
   */
  readonly load: Effect.Effect<void, StorageError>
  /** Store the payloads still held of the events delivered at indexes `from … to - 1` (before their records). */
  readonly store: (from: number, to: number) => Effect.Effect<void, StorageError>
  /**
   * Honour the erasures the fold recorded, and the payloads the modules name as due, since the
   * last call: drop the payloads from memory and storage.
   */
  readonly erase: Effect.Effect<void, StorageError>
}

/**
 * A {@link Keeper} for the community `id` whose log is `log`, whose folded core state `core()`
 * gives, and whose modules name the payloads `due()` lists as due for erasure (§3a, "Erasure
 * named by a module"; none when it is left out).
 */
export const make = (
  storage: StorageShape,
  id: string,
  log: Log,
  core: () => Membership.State,
  due: () => ReadonlyArray<string> = () => []
): Keeper => {
  /** Keys whose payload a storage value holds. */
  const stored = new Set<string>()
  /** Erasures honoured already. */
  const done = new Set<string>()
  /** The erased map seen last (the fold makes a new one for each erasure). */
  let seen: { readonly [event: string]: string } | undefined
  /** The payloads due for erasure seen last (the same array while nothing changes). */
  let seenDue: ReadonlyArray<string> | undefined

  const load = Effect.suspend(() => {
    const erased = Membership.erasedPayloads(core())
    const named = new Set(due())
    const isErased = (key: string): boolean => Object.hasOwn(erased, key) || named.has(key)
    const indexes = log.payloadEvents()
    return Effect.forEach(
      indexes,
      (i) => {
        const key = log.keys[i]!
        return storage.get(id, valueKey(key)).pipe(
          Effect.flatMap((value) => {
            if (value === undefined || value.length === 0) return Effect.void
            if (isErased(key)) return storage.set(id, valueKey(key), ERASED)
            // A value that does not match the header's commitment is not this event's payload.
            if (log.attachPayload(i, value)) stored.add(key)
            return Effect.void
          })
        )
      },
      { concurrency: CONCURRENCY, discard: true }
    ).pipe(Effect.andThen(erase))
  })

  const store = (from: number, to: number): Effect.Effect<void, StorageError> =>
    Effect.suspend(() => {
      const writes: Array<Effect.Effect<void, StorageError>> = []
      for (let i = from; i < to; i++) {
        const payload = log.payload(i)
        if (payload === undefined) continue
        const key = log.keys[i]!
        if (stored.has(key)) continue
        stored.add(key)
        writes.push(storage.set(id, valueKey(key), payload))
      }
      return writes.length === 0 ? Effect.void : Effect.all(writes, { discard: true })
    })

  const erase: Effect.Effect<void, StorageError> = Effect.suspend(() => {
    const erased = Membership.erasedPayloads(core())
    const named = due()
    if (erased === seen && named === seenDue) return Effect.void
    const keys = [...(erased === seen ? [] : Object.keys(erased)), ...(named === seenDue ? [] : named)]
    seen = erased
    seenDue = named
    const writes: Array<Effect.Effect<void, StorageError>> = []
    for (const key of keys) {
      if (done.has(key)) continue
      done.add(key)
      const i = log.index.get(key)
      if (i !== undefined) log.dropPayload(i)
      if (stored.delete(key)) writes.push(storage.set(id, valueKey(key), ERASED))
    }
    return writes.length === 0 ? Effect.void : Effect.all(writes, { discard: true })
  })

  return { load, store, erase }
}
