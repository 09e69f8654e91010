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
 * const { key } = await community.append(me, "core", "tick", {})
 * console.log(community.event(key)?.time === community.communityTime()) // true: the only member's clock is community time
 * console.log(community.members())
 * stop()
 * await client.close()
 * ```
 *
 * Event bodies are typed by the modules the client runs ({@link EventBodies}): with
 * `modules: [Governance.module]`, `community.append(me, "governance", "stance", body)`
 * checks `"stance"` and the body when the code is compiled.
 *
 * @module
 */
import { Data, Effect, Layer, ManagedRuntime } from "effect"
import * as Bytes from "./Bytes.ts"
import type * as Cbor from "./Cbor.ts"
import * as Community from "./Community.ts"
import * as CoreEvents from "./CoreEvents.ts"
import { Crypto, layerBest } from "./Crypto.ts"
import * as Event from "./Event.ts"
import type * as EventBodies from "./EventBodies.ts"
import * as Keys from "./Keys.ts"
import * as Membership from "./Membership.ts"
import type * as Module from "./Module.ts"
import * as Names from "./Names.ts"
import type { Outcome } from "./Replica.ts"
import * as Seal from "./Seal.ts"
import { Storage } from "./Storage.ts"
import * as SyncRound from "./SyncRound.ts"
import type { Connection } from "./sync/Connection.ts"
import { type Hub, type HubOptions, makeHub, type Peer } from "./sync/Hub.ts"
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
  /**
   * Options of the sync hubs this client makes for `CommunityHandle.connect` (per-peer
   * limits, the resync interval, the clock). A round of `CommunityHandle.sync` takes the
   * limits and the clock from here and its own resync interval.
   */
  readonly sync?: Omit<HubOptions, "learn" | "announce">
}

/** What `append` resolves to: the new event's key and what the fold made of it. */
export interface Appended {
  readonly key: string
  readonly outcome: Outcome
}

/** A delivered event as the Promise API shows it: its header, its body and what the fold made of it. */
export interface Delivered {
  readonly key: string
  /** Its place in delivery order: its index in `export()`. */
  readonly position: number
  /** The device key that signed it (hex). */
  readonly device: string
  /** Its place in its device's chain, from 1. */
  readonly seq: number
  /** The key of the device's previous event, or `null` for its first. */
  readonly prev: string | null
  /** Keys of the events it cites as parents, sorted. */
  readonly parents: ReadonlyArray<string>
  /** The time it claims, in ms: its device's clock when it was signed (never less than what it cites). */
  readonly time: number
  /**
   * Community time in its causal past, in ms: the time its rules were judged at (a stance
   * before a deadline, a close after it). See `docs/protocol.md` §6.
   */
  readonly communityTime: number
  readonly module: string
  readonly type: string
  readonly body: Cbor.Value
  /** What the fold made of it: `Applied` (with what became of any actions it carried) or `Rejected` with the reason. */
  readonly outcome: Outcome
  /** Its wire bytes (with its payload, while this replica holds it). */
  readonly bytes: Uint8Array
  /** Whether this replica holds a payload of it (`CommunityHandle.payload` gives it). */
  readonly hasPayload: boolean
}

/**
 * `client.sign` refused a message because it starts with a prefix the protocol signs under
 * (`affinity/event/v1`, `affinity/device/v1`): a signature over it could stand for an event
 * or a device's consent. Sign events with `append`, consents with `deviceConsent`, and give
 * messages of your own a prefix of your own.
 */
export class ReservedMessage extends Data.TaggedError("ReservedMessage")<{
  /** The protocol prefix the message starts with, as text. */
  readonly domain: string
  readonly message: string
}> {}

/** Prefixes that only the protocol signs under. */
const RESERVED: ReadonlyArray<readonly [string, Uint8Array]> = [
  ["affinity/event/v1", Event.SIGNING_DOMAIN],
  ["affinity/device/v1", CoreEvents.DEVICE_DOMAIN]
]

/** Whether `bytes` starts with `prefix`. */
const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean =>
  bytes.length >= prefix.length && prefix.every((b, k) => bytes[k] === b)

/** 32 bytes of a key given as bytes or hex, or `undefined`. */
const key32 = (key: Uint8Array | string): Uint8Array | undefined => {
  const bytes = typeof key === "string" ? Bytes.fromHex(key) : key
  return bytes !== undefined && bytes.length === 32 ? bytes : undefined
}

/**
 * A community, through Promises. `R` is what the type checker knows of event bodies (see
 * {@link EventBodies}): a handle from a client made with typed modules checks the module,
 * type and body of `append` and `check`; module names and types held in `string`
 * variables are checked at run time only.
 */
export interface CommunityHandle<R extends EventBodies.Registry = EventBodies.Dynamic> {
  /** Community id (hex of the genesis event id). */
  readonly id: string
  /** The Effect-level community, for code that uses Effect. */
  readonly community: Community.Community
  /** Sign and add an event given as a draft (`{ module, type, body }`, as module builders return them). */
  append<M extends string, T extends string>(
    device: Keys.DeviceKey,
    draft: {
      readonly module: EventBodies.ModuleName<R, M>
      readonly type: EventBodies.TypeName<R, M, T>
      readonly body: EventBodies.BodyOf<R, M, T>
    },
    options?: Community.AppendOptions
  ): Promise<Appended>
  /**
   * Sign and add an event; resolves to its key and what the fold made of it (a rule the
   * event breaks is an outcome, `Rejected` with a tagged reason and a message, not a
   * rejection of the promise). Rejects with an `AppendError` when it cannot become an
   * event (a malformed body, say), or a `StorageError`.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const me = await client.generateKey()
   * const community = await client.create({ name: "Garden", author: me })
   * const { outcome } = await community.append(me, "core", "tick", {})
   * console.log(outcome._tag) // "Applied"
   * const alone = await community.append(me, { module: "core", type: "member.admit", body: { identity: me.publicKey } })
   * console.log(alone.outcome._tag === "Rejected" && alone.outcome.reason._tag) // "NeedsDecision"
   * await client.close()
   * ```
   */
  append<M extends string, T extends string>(
    device: Keys.DeviceKey,
    module: EventBodies.ModuleName<R, M>,
    type: EventBodies.TypeName<R, M, T>,
    body: EventBodies.BodyOf<R, M, T>,
    options?: Community.AppendOptions
  ): Promise<Appended>
  /** {@link CommunityHandle.check} for an event given as a draft. */
  check<M extends string, T extends string>(
    author: Keys.DeviceKey | Uint8Array,
    draft: {
      readonly module: EventBodies.ModuleName<R, M>
      readonly type: EventBodies.TypeName<R, M, T>
      readonly body: EventBodies.BodyOf<R, M, T>
    },
    options?: Community.AppendOptions
  ): Promise<Outcome>
  /**
   * What the fold would make of an event if `author` appended it now, without signing,
   * storing or sending anything: the outcome `append` would resolve to, or the
   * `AppendError` it would reject with. `author` is the device key, or its public key. It
   * costs about as much as reopening the community from its checkpoint; the verdict holds
   * until other events arrive or community time moves on (see `Community.check`).
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const [me, newcomer] = [await client.generateKey(), await client.generateKey()]
   * const community = await client.create({ name: "Garden", author: me })
   * const verdict = await community.check(newcomer, "core", "tick", {})
   * console.log(verdict._tag === "Rejected" && verdict.reason._tag) // "UnknownAuthor"
   * console.log(community.export().length) // 1: nothing was written
   * await client.close()
   * ```
   */
  check<M extends string, T extends string>(
    author: Keys.DeviceKey | Uint8Array,
    module: EventBodies.ModuleName<R, M>,
    type: EventBodies.TypeName<R, M, T>,
    body: EventBodies.BodyOf<R, M, T>,
    options?: Community.AppendOptions
  ): Promise<Outcome>
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
  /**
   * The sealing keys of `identities` now (identity hex): one per current device of each that
   * published one, by identity in the order given, then by device. A revoked device, or a
   * member who left, has none (`docs/protocol.md`, "Sealing").
   */
  sealingKeys(identities: ReadonlyArray<string>): ReadonlyArray<Seal.Recipient>
  /**
   * Publish `device`'s sealing key (`core/device.seal`, signed by the device), so secrets can
   * be sealed to it. Resolves to `null`, appending nothing, when the state already lists
   * that key for the device.
   */
  publishSealingKey(device: Keys.DeviceKey): Promise<Appended | null>
  /**
   * Seal `secret` (a group key, say) to every current device of `identities`, bound to this
   * community and to `options.context`. Resolves to the sealed bytes, the devices sealed to,
   * and the identities with no sealing key (who cannot open it). Rejects with a
   * `Seal.SealError` when nobody can be sealed to (`NoRecipients`) or the secret is over
   * `Seal.MAX_SECRET` bytes (`TooLarge`).
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const [ada, bea] = [await client.generateKey(), await client.generateKey()]
   * const garden = await client.create({ name: "Garden", author: ada, founders: [bea.publicKey] })
   * await garden.publishSealingKey(ada)
   * await garden.publishSealingKey(bea)
   * const { sealed, recipients } = await garden.seal([ada.id, bea.id], new TextEncoder().encode("the gate code is 4711"))
   * console.log(recipients.length) // 2
   * const opened = await garden.unseal(bea, sealed)
   * console.log(opened.ok && new TextDecoder().decode(opened.secret)) // the gate code is 4711
   * await client.close()
   * ```
   */
  seal(identities: ReadonlyArray<string>, secret: Uint8Array, options?: Seal.Options): Promise<Seal.Sealed>
  /**
   * Open bytes sealed in this community with `device`'s sealing key. Never rejects: the
   * result is the secret, or a `Seal.SealError` saying why not (`NotARecipient`,
   * `Tampered`, `Malformed`, `UnknownVersion`).
   */
  unseal(device: Keys.DeviceKey, sealed: Uint8Array, options?: Seal.Options): Promise<Unsealed>
  /**
   * Community time now, in ms: the time an event appended now would be judged at. It moves
   * with the claimed times of full members' events, so no single clock decides when a
   * deadline passes (`docs/protocol.md` §6). A function of its own: it can be passed on.
   */
  readonly communityTime: () => number
  /**
   * What the fold made of the event with that key: `Applied`, with what became of each
   * action it carried (for a decision's close: whether its action applied), or `Rejected`
   * with the reason; `undefined` for a key not delivered here. A function of its own: it
   * can be passed on (`outcomeOf: community.outcome`).
   */
  readonly outcome: (key: string) => Outcome | undefined
  /**
   * The delivered event with that key (its claimed time, community time, body and
   * outcome), or `undefined`.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const [me, newcomer] = [await client.generateKey(), await client.generateKey()]
   * const founded = Date.now() - 60_000
   * const community = await client.create({ name: "Garden", author: me, time: founded })
   * const { key } = await community.append(newcomer, "core", "member.apply", { note: "I grow beans" })
   * const applied = community.event(key)!
   * console.log(applied.body, applied.outcome._tag) // { note: "I grow beans" } "Applied"
   * // An applicant's clock does not move community time: it is still the founding time.
   * console.log(applied.time > founded, community.communityTime() === founded) // true true
   * console.log(community.latestBy(newcomer)?.key === key) // true
   * await client.close()
   * ```
   */
  readonly event: (key: string) => Delivered | undefined
  /** The latest delivered event signed by a device key (hex, or the key itself), or `undefined` if it signed none here. */
  readonly latestBy: (device: string | Keys.DeviceKey) => Delivered | undefined
  /**
   * The payload of the event with that key (a copy), or `undefined` when it has none, it was
   * erased, or this replica never received it. An event gets one from `append`'s
   * `options.payload`; the fold never sees it.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const me = await client.generateKey()
   * const community = await client.create({ name: "Garden", author: me })
   * const note = new TextEncoder().encode("The shed key is under the blue pot.")
   * const { key } = await community.append(me, "core", "tick", {}, { payload: note })
   * console.log(new TextDecoder().decode(community.payload(key))) // The shed key is under the blue pot.
   * const erased = await community.erasePayload(me, key)
   * console.log(erased.outcome._tag, community.payload(key)) // Applied undefined
   * await client.close()
   * ```
   */
  payload(key: string): Uint8Array | undefined
  /**
   * Erase the payload of one of your own events (`key`): appends a `core/payload.erase` signed
   * by `device`, and resolves to its key and outcome (`Rejected` with `NotYourPayload` when
   * `device` does not act for the member who wrote the event: someone else's payload is erased
   * by a community decision whose action is `{ module: "core", type: "payload.erase", body:
   * { header } }`). Once folded, every replica drops the payload from memory and storage and
   * never sends it again; the event stays valid, with the same id. Rejects with an
   * `AppendError` when no event of that key with a payload is delivered here.
   */
  erasePayload(device: Keys.DeviceKey, key: string, options?: Omit<Community.AppendOptions, "payload">): Promise<Appended>
  /**
   * Say who you are here: appends a `core/member.profile` signed by `device` whose payload is
   * the profile (display name, optional pronouns and note; see `Names`). Members and
   * applicants may; the latest one counts, and erasing its payload (`erasePayload`) takes the
   * name away again. Rejects with an `AppendError` (`BadProfile`) for a profile `Names`
   * refuses, saying why.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const [ada, bo] = [await client.generateKey(), await client.generateKey()]
   * const garden = await client.create({ name: "Garden", author: ada, founders: [bo.publicKey] })
   * await garden.setProfile(ada, { name: "Ada", pronouns: "she/her" })
   * const names = garden.names()
   * console.log(names.nameOf(ada.id) === "Ada", names.nameOf(bo.id) !== bo.id) // true true: Bo shows as his label
   * console.log(garden.profile(ada.id)?.pronouns === "she/her") // true
   * await client.close()
   * ```
   */
  setProfile(device: Keys.DeviceKey, profile: Names.Profile, options?: Omit<Community.AppendOptions, "payload">): Promise<Appended>
  /**
   * Take your name away: erases the payload of every `core/member.profile` of the member
   * `device` acts for that this replica still holds (each by a `core/payload.erase` signed by
   * `device`), so they show by their label again on every replica. Resolves to what each
   * erasure did (none when nothing was left to erase).
   */
  eraseProfile(device: Keys.DeviceKey, options?: Omit<Community.AppendOptions, "payload">): Promise<ReadonlyArray<Appended>>
  /** The profile a member or applicant published (their latest, while its payload is here), or `undefined`. */
  profile(identity: string): Names.Profile | undefined
  /**
   * How to name this community's people on this device ({@link Names.Directory}): a name
   * `given` here first, else the name they published, else their label; with the label after
   * the name where two would show the same. `explain` puts names into rejection messages.
   */
  names(given?: Readonly<Record<string, string>>): Names.Directory
  /** Wire bytes of every event, parents first (for backups and peers). */
  export(): ReadonlyArray<Uint8Array>
  /** Call `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: (change: Community.Change) => void): () => void
  /**
   * Keep this community in step with a peer or relay over `connection` (any `Sync`
   * transport: `connect(url)` of `@affinity/sync-websocket`, a tab of
   * `@affinity/sync-broadcastchannel`), until either side closes it or this handle is
   * closed: what either side lacks is exchanged, then new events are forwarded as they
   * arrive. The peer's `closed` says why it ended.
   */
  connect(connection: Connection): Peer
  /**
   * One round of sync: exchange what either side lacks with each peer until both hold the
   * same events or `options.timeout` passes (10 s by default), then close the connections.
   * Never rejects; the result says how each peer went (see {@link SyncRound}).
   */
  sync(connections: ReadonlyArray<Connection>, options?: Omit<SyncRound.Options, "hub">): Promise<SyncRound.Result>
  /** Stop notifying this handle's listeners and disconnect its peers. The client keeps the storage open. */
  close(): void
}

/** What `unseal` resolves to: the secret, or why it cannot be opened. */
export type Unsealed = { readonly ok: true; readonly secret: Uint8Array } | { readonly ok: false; readonly error: Seal.SealError }

/**
 * An SDK client: storage and crypto chosen once, communities created and opened through it.
 * `R` is what the type checker knows of event bodies (see {@link CommunityHandle}).
 */
export interface Client<R extends EventBodies.Registry = EventBodies.Dynamic> {
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
  /**
   * Like {@link Client.deviceConsent}, but the whole body of the `core/device.add`, with the
   * new device's sealing key and its consent covering it: the adder appends it as it is, and
   * the new device is sealed to from then on. Rejects with an `Error` when `community` or
   * `adder` is not 32 bytes of hex.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const [laptop, phone] = [await client.generateKey(), await client.generateKey()]
   * const garden = await client.create({ name: "Garden", author: laptop })
   * const body = await client.deviceAddition(phone, garden.id, laptop.publicKey)
   * const added = await garden.append(laptop, "core", "device.add", body)
   * console.log(added.outcome._tag, garden.sealingKeys([laptop.id]).map((k) => k.device === phone.id)) // Applied [ true ]
   * await client.close()
   * ```
   */
  deviceAddition(device: Keys.DeviceKey, community: string, adder: Uint8Array | string): Promise<Keys.DeviceAddition>
  /** The sealing key (X25519 public key, 32 bytes) of a device: what `core/device.seal` and `member.apply`'s `seal` carry. */
  sealingKey(device: Keys.DeviceKey): Uint8Array
  /**
   * Sign `message` with a device key (an ed25519 signature, 64 bytes): for messages of
   * your own, such as an invitation or a request to a relay. Start them with a prefix of
   * your own (`"my-app/invitation/v1\0"`); a message that starts with a prefix the protocol
   * signs under is refused with a {@link ReservedMessage}, since its signature could stand
   * for an event.
   *
   * ```ts
   * import { Client, Storage } from "@affinity/core"
   *
   * const client = await Client.make({ storage: Storage.layerMemory })
   * const me = await client.generateKey()
   * const message = new TextEncoder().encode("my-app/hello/v1\u0000Hello")
   * const signature = await client.sign(me, message)
   * console.log(await client.verify(me.publicKey, message, signature)) // true
   * console.log(await client.verify(me.id, new TextEncoder().encode("something else"), signature) === false) // true
   * await client.close()
   * ```
   */
  sign(device: Keys.DeviceKey, message: Uint8Array): Promise<Uint8Array>
  /**
   * Whether `signature` is the signature of `message` by the key `publicKey` (bytes, or
   * hex), under the protocol's verification rule. Never rejects: a malformed key or
   * signature is `false`.
   */
  verify(publicKey: Uint8Array | string, message: Uint8Array, signature: Uint8Array): Promise<boolean>
  /**
   * Write a genesis and open the new community. `options.time` sets the time the genesis
   * claims (default: now), for a community founded before it was entered.
   */
  create(options: Omit<Community.CreateOptions, "modules">): Promise<CommunityHandle<R>>
  /** Reopen a stored community. */
  open(id: string): Promise<CommunityHandle<R>>
  /** Start from a genesis received in an invitation. */
  join(genesis: Uint8Array): Promise<CommunityHandle<R>>
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

/**
 * Make a client. The modules it runs type its communities' event bodies: a module declared
 * with `EventBodies.typed` (governance's is) adds its bodies to `core`'s.
 */
export const make = async <const Ms extends ReadonlyArray<Module.Module> = readonly []>(
  options: ClientOptions & { readonly modules?: Ms }
): Promise<Client<EventBodies.Of<Ms>>> => {
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

  /** Sync hubs of closed handles still disconnecting (see `CommunityHandle.connect`): the client waits for them before closing the storage. */
  const stopping = new Set<Promise<void>>()
  const hubOptions = options.sync ?? {}

  const handle = (community: Community.Community): CommunityHandle => {
    opened.add(community)
    const replica = community.replica
    const unsubscribers = new Set<() => void>()
    let hub: Hub | undefined
    const close = () => {
      for (const u of unsubscribers) u()
      unsubscribers.clear()
      if (hub !== undefined) {
        const done = hub.close()
        hub = undefined
        stopping.add(done)
        void done.finally(() => stopping.delete(done))
      }
    }
    handles.add(close)

    /** The event delivered at `index`, once the fold has judged it. */
    const deliveredAt = (index: number): Delivered | undefined => {
      const key = replica.log.keys[index]
      const outcome = key === undefined ? undefined : replica.outcome(key)
      if (key === undefined || outcome === undefined) return undefined
      const bytes = replica.log.bytes[index]!
      const decoded = Event.decode(bytes)
      if (!decoded.ok) return undefined
      const h = decoded.event.header
      return {
        key,
        position: index,
        device: Bytes.toHex(h.author),
        seq: h.seq,
        prev: h.prev === null ? null : Bytes.toHex(h.prev),
        parents: h.parents.map(Bytes.toHex),
        time: h.time,
        communityTime: replica.communityTimeAt(index),
        module: h.module,
        type: h.type,
        body: decoded.event.body,
        outcome,
        bytes: replica.log.wire(index),
        hasPayload: replica.log.payload(index) !== undefined
      }
    }

    /** The arguments of `append` and `check`, in either form (module, type, body or a draft). */
    const drafted = (
      first: string | EventBodies.Draft,
      type: string | Community.AppendOptions | undefined,
      body: Cbor.Value | undefined,
      rest: Community.AppendOptions | undefined
    ): { readonly draft: EventBodies.Draft; readonly options: Community.AppendOptions | undefined } =>
      typeof first === "string"
        ? { draft: { module: first, type: type as string, body: body as Cbor.Value }, options: rest }
        : { draft: first, options: type as Community.AppendOptions | undefined }

    const append = (
      device: Keys.DeviceKey,
      first: string | EventBodies.Draft,
      type?: string | Community.AppendOptions,
      body?: Cbor.Value,
      rest?: Community.AppendOptions
    ): Promise<Appended> => {
      const { draft, options } = drafted(first, type, body, rest)
      return runOn(community, community.append(device, draft.module, draft.type, draft.body, options))
    }

    const check = (
      author: Keys.DeviceKey | Uint8Array,
      first: string | EventBodies.Draft,
      type?: string | Community.AppendOptions,
      body?: Cbor.Value,
      rest?: Community.AppendOptions
    ): Promise<Outcome> => {
      const { draft, options } = drafted(first, type, body, rest)
      return runtime.runPromise(community.check(author, draft.module, draft.type, draft.body, options))
    }

    /** Profiles read from payloads, by the key of their event (`null`: not a profile). */
    const profiles = new Map<string, Names.Profile | null>()
    const profileOf = (identity: string): Names.Profile | undefined => {
      const core = replica.core
      const key = Membership.identity(core, identity)?.profile
      if (key === undefined || core.erased?.[key] !== undefined) return undefined
      let p = profiles.get(key)
      if (p === undefined) {
        const bytes = community.payload(key)
        if (bytes === undefined) return undefined
        p = Names.decodeProfile(bytes) ?? null
        profiles.set(key, p)
      }
      return p ?? undefined
    }

    return {
      id: community.id,
      community,
      append,
      check,
      receive: (inputs) => runOn(community, community.receive(inputs)),
      held: () => community.held(),
      state: <S extends Cbor.Value>(module: string) => replica.state<S>(module),
      stateHash: () => replica.stateHashHex(),
      members: () => Membership.members(replica.core),
      sealingKeys: (identities) => Seal.recipientsIn(replica.core, identities).recipients,
      publishSealingKey: async (device) => {
        const key = Seal.publicKey(device)
        const owner = Membership.deviceOwner(replica.core, device.id)
        const current = owner === undefined ? undefined : Membership.sealingKeys(replica.core, owner).find((k) => k.device === device.id)
        if (current !== undefined && current.key === Bytes.toHex(key)) return null
        return runOn(community, community.append(device, "core", "device.seal", { key }))
      },
      seal: (identities, secret, o) => runtime.runPromise(Seal.sealIn(community, identities, secret, o)),
      unseal: (device, sealed, o) =>
        runtime.runPromise(
          Seal.openIn(community, device, sealed, o).pipe(
            Effect.match({
              onSuccess: (secret): Unsealed => ({ ok: true, secret }),
              onFailure: (error): Unsealed => ({ ok: false, error })
            })
          )
        ),
      communityTime: () => replica.communityTime(),
      outcome: (key) => replica.outcome(key),
      event: (key) => {
        const index = replica.log.index.get(key)
        return index === undefined ? undefined : deliveredAt(index)
      },
      latestBy: (device) => {
        const tip = replica.log.tip(typeof device === "string" ? device : device.id)
        return tip === undefined ? undefined : deliveredAt(tip.index)
      },
      payload: (key) => community.payload(key),
      erasePayload: (device, key, o) => runOn(community, community.erasePayload(device, key, o)),
      setProfile: (device, profile, o = {}) => {
        const problem = Names.profileProblem(profile)
        if (problem !== undefined) return Promise.reject(new Community.AppendError({ reason: "BadProfile", message: problem }))
        return runOn(community, community.append(device, "core", "member.profile", {}, { ...o, payload: Names.encodeProfile(profile) }))
      },
      eraseProfile: async (device, o = {}) => {
        const identity = Membership.deviceOwner(replica.core, device.id) ?? device.id
        const log = replica.log
        const held: Array<string> = []
        for (const d of new Set([identity, ...log.devicesOf(identity)]))
          for (const i of log.eventsBy(d)) {
            const key = log.keys[i]!
            if (replica.outcome(key)?._tag !== "Applied" || community.payload(key) === undefined) continue
            const e = Event.decode(log.bytes[i]!, { owned: true })
            if (e.ok && e.event.header.module === "core" && e.event.header.type === "member.profile") held.push(key)
          }
        const done: Array<Appended> = []
        for (const key of held) done.push(await runOn(community, community.erasePayload(device, key, o)))
        return done
      },
      profile: (identity) => profileOf(identity),
      names: (given) => {
        const core = replica.core
        const found = new Map<string, Names.Profile>()
        const identities = Membership.identities(core)
        for (const id of identities) {
          const p = profileOf(id)
          if (p !== undefined) found.set(id, p)
        }
        return Names.directory(identities, given === undefined ? { profiles: found } : { profiles: found, given })
      },
      export: () => community.export(),
      subscribe: (listener) => {
        const u = community.subscribe(listener)
        unsubscribers.add(u)
        return () => {
          u()
          unsubscribers.delete(u)
        }
      },
      connect: (connection) => {
        if (hub === undefined) {
          hub = makeHub(hubOptions)
          hub.add(community)
        }
        return hub.connect(connection)
      },
      sync: (connections, o = {}) => {
        const { resyncInterval: _, ...base } = hubOptions
        return SyncRound.run(community, connections, { ...o, hub: base })
      },
      close
    }
  }

  const client: Client = {
    generateKey: () => runtime.runPromise(Keys.generate()),
    keyFromSecret: (secret) => runtime.runPromise(Keys.fromSecret(secret)),
    deviceConsent: async (device, community, adder) => {
      const id = Bytes.fromHex(community)
      const key = typeof adder === "string" ? Bytes.fromHex(adder) : adder
      if (id === undefined || id.length !== 32) throw new Error("deviceConsent: the community id must be 64 hex characters")
      if (key === undefined || key.length !== 32) throw new Error("deviceConsent: the adding device's public key must be 32 bytes (64 hex characters)")
      return runtime.runPromise(Keys.consent(device, id, key))
    },
    deviceAddition: async (device, community, adder) => {
      const id = Bytes.fromHex(community)
      const key = typeof adder === "string" ? Bytes.fromHex(adder) : adder
      if (id === undefined || id.length !== 32) throw new Error("deviceAddition: the community id must be 64 hex characters")
      if (key === undefined || key.length !== 32) throw new Error("deviceAddition: the adding device's public key must be 32 bytes (64 hex characters)")
      return runtime.runPromise(Keys.addition(device, id, key))
    },
    sealingKey: (device) => Seal.publicKey(device),
    sign: async (device, message) => {
      for (const [domain, prefix] of RESERVED)
        if (startsWith(message, prefix))
          throw new ReservedMessage({
            domain,
            message: `the message starts with "${domain}", which only the protocol signs under; sign events with append, and give your own messages a prefix of your own`
          })
      return runtime.runPromise(Crypto.use((crypto) => crypto.sign(device.secret, message)))
    },
    verify: async (publicKey, message, signature) => {
      const key = key32(publicKey)
      if (key === undefined) return false
      return runtime.runPromise(Crypto.use((crypto) => crypto.verify({ publicKey: key, message, signature })))
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
      // Peers are disconnected before the storage closes: no event arrives after it.
      await Promise.all(stopping)
      // A checkpoint only saves work on the next open: failing to write one is not an error.
      for (const community of opened) await runtime.runPromise(Effect.ignore(community.checkpoint()))
      opened.clear()
      await runtime.runPromise(Storage.use((s) => s.close()))
      await runtime.dispose()
    }
  }
  // The registry is what the type checker knows of bodies; at run time every body is checked by the fold.
  return client as Client<EventBodies.Of<Ms>>
}
