/**
 * The Promise facade: everything an integrator needs without touching Effect.
 *
 * ```ts
 * import { Client, Storage } from "@affinity/core"
 *
 * const client = await Client.make({ storage: Storage.layerMemory })
 * const me = await client.generateKey()
 * const community = await client.create({ name: "Allotment", author: me })
 * const stop = community.subscribe((change) => console.log(change.stateHash))
 * await community.append(me, "core", "tick", {})
 * console.log(community.members())
 * stop()
 * await client.close()
 * ```
 *
 * @module
 */
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Bytes from "./Bytes.ts"
import type * as Cbor from "./Cbor.ts"
import * as Community from "./Community.ts"
import { Crypto, layerBest } from "./Crypto.ts"
import * as Keys from "./Keys.ts"
import * as Membership from "./Membership.ts"
import type * as Module from "./Module.ts"
import type { Outcome } from "./Replica.ts"
import { Storage } from "./Storage.ts"
import { systemClock } from "./sync/Limits.ts"

/** Options of a client. */
export interface ClientOptions {
  /** Where communities are stored: `Storage.layerMemory`, or an adapter package's layer. */
  readonly storage: Layer.Layer<Storage, unknown>
  /** Which ed25519 implementation to use; default: the fastest available. */
  readonly crypto?: Layer.Layer<Crypto, unknown>
  /** Modules every community opened by this client runs (besides `core`). */
  readonly modules?: ReadonlyArray<Module.Module>
  /** The module whose decisions carry actions (default: `governance` when registered; see `ReplicaOptions.decider`). */
  readonly decider?: string | null
  /**
   * Milliseconds a received event's claimed time may be ahead of this device's clock before
   * it is held until the clock catches up (default five minutes; see
   * `Community.Options.futureTolerance`). The client releases held events when they are
   * due, on a timer that does not keep a Node process alive.
   */
  readonly futureTolerance?: number
}

/** A community, through Promises. */
export interface CommunityHandle {
  /** Community id (hex of the genesis event id). */
  readonly id: string
  /** The Effect-level community, for code that uses Effect. */
  readonly community: Community.Community
  /** Sign and add an event; resolves to its key and what the fold made of it. Rejects with an `AppendError` or `StorageError`. */
  append(
    device: Keys.DeviceKey,
    module: string,
    type: string,
    body: Cbor.Value,
    options?: Community.AppendOptions
  ): Promise<{ readonly key: string; readonly outcome: Outcome }>
  /**
   * Verify, store and fold untrusted wire bytes; one verdict per input. An event claiming a
   * time too far ahead of this device's clock is `Held` and delivered when the clock gets there.
   */
  receive(inputs: ReadonlyArray<Uint8Array>): Promise<ReadonlyArray<Community.ReceiveVerdict>>
  /** Events held for claiming a time ahead of this device's clock, earliest release first. */
  held(): ReadonlyArray<Community.Held>
  /** A module's state (plain data). */
  state<S extends Cbor.Value = Cbor.Value>(module: string): S
  /** Hex SHA-256 of the whole state: equal on every replica holding the same events. */
  stateHash(): string
  /** Full members (identity hex), sorted. */
  members(): ReadonlyArray<string>
  /** Wire bytes of every event, parents first (for backups and peers). */
  export(): ReadonlyArray<Uint8Array>
  /** Call `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: (change: Community.Change) => void): () => void
  /** Stop notifying this handle's listeners. The client keeps the storage open. */
  close(): void
}

/** An SDK client: storage and crypto chosen once, communities created and opened through it. */
export interface Client {
  /** A new device key from the platform's secure random source. */
  generateKey(): Promise<Keys.DeviceKey>
  /** The device key of a saved 32-byte secret. */
  keyFromSecret(secret: Uint8Array): Promise<Keys.DeviceKey>
  /**
   * The consent of a new `device` to being added in `community` (hex id) by the device
   * key whose public key is `adder` (bytes, or hex): what a `core/device.add` body
   * carries, signed on the new device. The new device needs only the adder's public key.
   * Rejects with an `Error` when `community` or `adder` is not 32 bytes of hex.
   */
  deviceConsent(device: Keys.DeviceKey, community: string, adder: Uint8Array | string): Promise<Uint8Array>
  /** Write a genesis and open the new community. */
  create(options: Omit<Community.CreateOptions, "modules">): Promise<CommunityHandle>
  /** Reopen a stored community. */
  open(id: string): Promise<CommunityHandle>
  /** Start from a genesis received in an invitation. */
  join(genesis: Uint8Array): Promise<CommunityHandle>
  /** Ids of every community in the storage. */
  communities(): Promise<ReadonlyArray<string>>
  /**
   * Write a local checkpoint of every community opened through this client (so the next
   * `open` folds nothing again), then close the storage and release everything.
   */
  close(): Promise<void>
}

/** Shortest and longest waits of the timer that releases held events (a timer cannot wait more than about 24 days). */
const RELEASE_WAIT_MIN = 1000
const RELEASE_WAIT_MAX = 2 ** 31 - 1

/** Make a client. */
export const make = async (options: ClientOptions): Promise<Client> => {
  const layer = Layer.mergeAll(options.crypto ?? layerBest, options.storage)
  const runtime = ManagedRuntime.make(layer)
  const modules = options.modules ?? []
  const moduleOptions = {
    modules,
    ...(options.decider === undefined ? {} : { decider: options.decider }),
    ...(options.futureTolerance === undefined ? {} : { futureTolerance: options.futureTolerance })
  }
  const handles = new Set<() => void>()
  const opened = new Set<Community.Community>()
  /** Per community with held events: the timer that releases the next one. */
  const timers = new Map<Community.Community, () => void>()
  let closing = false

  /** Set the timer for a community's next held event (at least a second away, at most what a timer can wait). */
  const scheduleRelease = (community: Community.Community): void => {
    timers.get(community)?.()
    timers.delete(community)
    const next = community.held()[0]
    if (next === undefined || closing) return
    const wait = Math.min(RELEASE_WAIT_MAX, Math.max(RELEASE_WAIT_MIN, next.until - Date.now()))
    timers.set(
      community,
      systemClock.setTimer(wait, () => {
        timers.delete(community)
        if (closing) return
        runtime.runPromise(community.release()).then(
          () => scheduleRelease(community),
          () => scheduleRelease(community)
        )
      })
    )
  }

  /** Run a community's effect, then set its release timer. */
  const runOn = <A, E>(community: Community.Community, effect: Effect.Effect<A, E>): Promise<A> =>
    runtime.runPromise(effect).finally(() => scheduleRelease(community))

  const handle = (community: Community.Community): CommunityHandle => {
    opened.add(community)
    const unsubscribers = new Set<() => void>()
    const close = () => {
      for (const u of unsubscribers) u()
      unsubscribers.clear()
    }
    handles.add(close)
    return {
      id: community.id,
      community,
      append: (device, module, type, body, options) => runOn(community, community.append(device, module, type, body, options)),
      receive: (inputs) => runOn(community, community.receive(inputs)),
      held: () => community.held(),
      state: <S extends Cbor.Value>(module: string) => community.replica.state<S>(module),
      stateHash: () => community.replica.stateHashHex(),
      members: () => Membership.members(community.replica.core),
      export: () => community.export(),
      subscribe: (listener) => {
        const u = community.subscribe(listener)
        unsubscribers.add(u)
        return () => {
          u()
          unsubscribers.delete(u)
        }
      },
      close
    }
  }

  return {
    generateKey: () => runtime.runPromise(Keys.generate()),
    keyFromSecret: (secret) => runtime.runPromise(Keys.fromSecret(secret)),
    deviceConsent: async (device, community, adder) => {
      const id = Bytes.fromHex(community)
      const key = typeof adder === "string" ? Bytes.fromHex(adder) : adder
      if (id === undefined || id.length !== 32) throw new Error("deviceConsent: the community id must be 64 hex characters")
      if (key === undefined || key.length !== 32) throw new Error("deviceConsent: the adding device's public key must be 32 bytes (64 hex characters)")
      return runtime.runPromise(Keys.consent(device, id, key))
    },
    create: async (o) => handle(await runtime.runPromise(Community.create({ ...o, ...moduleOptions }))),
    open: async (id) => handle(await runtime.runPromise(Community.open(id, moduleOptions))),
    join: async (genesis) => handle(await runtime.runPromise(Community.join(genesis, moduleOptions))),
    communities: () => runtime.runPromise(Storage.use((s) => s.communities())),
    close: async () => {
      closing = true
      for (const cancel of timers.values()) cancel()
      timers.clear()
      for (const c of handles) c()
      // A checkpoint only saves work on the next open: failing to write one is not an error.
      for (const community of opened) await runtime.runPromise(Effect.ignore(community.checkpoint()))
      opened.clear()
      await runtime.runPromise(Storage.use((s) => s.close()))
      await runtime.dispose()
    }
  }
}
