/**
 * The storage of a community the relay serves but does not keep (yet): it writes nothing,
 * since the community's own log already holds every delivered event in memory, until it is
 * promoted to the relay's store. Then it writes there the values set meanwhile (the events'
 * payloads, which the community keeps as values beside its records, and its checkpoint),
 * then the records appended so far (the first of the log's events, in delivery order,
 * exactly as the community appended them), and forwards every later call.
 *
 * It is not a general store: reads answer as an empty store would until the promotion,
 * except for the values set meanwhile, which is all a community asks of its store after
 * `Community.join`. Values are kept as given, not copied: the community never changes the
 * arrays it stores (a payload is the log's own copy), and an erased payload's value is
 * replaced with no bytes, which frees it.
 *
 * @module
 */
import { Storage } from "@affinity/core"
import { Effect } from "effect"

/** One community's provisional storage. */
export interface Provisional {
  /** What the community is joined with. */
  readonly storage: Storage.StorageShape
  /** Whether the community now lives in the relay's store. */
  readonly promoted: () => boolean
  /**
   * Write the records appended so far to `target` (from `records(count)`, the first
   * `count` events of the community's log) and forward every later call there. Calls made
   * meanwhile wait for it. Resolves to false, and stays provisional, when the write fails.
   */
  readonly promote: (target: Storage.StorageShape, records: (count: number) => ReadonlyArray<Uint8Array>) => Promise<boolean>
}

/** Provisional storage for the community `community` (hex id). */
export const make = (community: string): Provisional => {
  let target: Storage.StorageShape | undefined
  let promoting: Promise<boolean> | undefined
  /** Records the community appended while provisional: the first `appended` events of its log. */
  let appended = 0
  /** Values set while provisional, written to the store when promoted. */
  const values = new Map<string, Uint8Array>()

  const refuse = (other: string) =>
    Effect.fail(new Storage.StorageError({ reason: `the provisional store of community ${community} was asked about ${other}` }))

  /** `onTarget` once promoted (after waiting for a promotion under way), `otherwise` before. */
  const route = <A>(
    name: string,
    onTarget: (store: Storage.StorageShape) => Effect.Effect<A, Storage.StorageError>,
    otherwise: () => A
  ): Effect.Effect<A, Storage.StorageError> =>
    Effect.suspend(() => {
      if (name !== community) return refuse(name)
      if (target !== undefined) return onTarget(target)
      if (promoting !== undefined) {
        const waiting = promoting
        return Effect.promise(() => waiting).pipe(
          Effect.flatMap(() => (target !== undefined ? onTarget(target) : Effect.sync(otherwise)))
        )
      }
      return Effect.sync(otherwise)
    })

  const storage: Storage.StorageShape = {
    name: "provisional",
    append: (c, records) =>
      route(c, (store) => store.append(c, records), () => {
        appended += records.length
      }),
    events: (c) => route(c, (store) => store.events(c), (): ReadonlyArray<Uint8Array> => []),
    get: (c, key) => route(c, (store) => store.get(c, key), (): Uint8Array | undefined => values.get(key)),
    set: (c, key, value) =>
      Storage.isSafeName(key)
        ? route(c, (store) => store.set(c, key, value), () => {
            values.set(key, value)
          })
        : Effect.fail(new Storage.StorageError({ reason: `invalid key ${JSON.stringify(key)}` })),
    communities: () => Effect.succeed(target !== undefined || appended > 0 || values.size > 0 ? [community] : []),
    // The relay's store is closed by the relay.
    close: () => Effect.void
  }

  return {
    storage,
    promoted: () => target !== undefined,
    promote: (store, records) => {
      if (target !== undefined) return Promise.resolve(true)
      promoting ??= (async () => {
        // Values first: a payload is stored before the record that names it.
        const writes = Effect.forEach([...values].filter(([, v]) => v.length > 0), ([key, value]) => store.set(community, key, value), { discard: true })
        const ok = await Effect.runPromise(
          Effect.match(writes.pipe(Effect.andThen(Effect.suspend(() => store.append(community, records(appended))))), {
            onFailure: () => false,
            onSuccess: () => true
          })
        )
        if (ok) {
          target = store
          values.clear()
        }
        promoting = undefined
        return ok
      })()
      return promoting
    }
  }
}
