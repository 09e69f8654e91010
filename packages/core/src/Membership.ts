/**
 * The `core` module: who belongs to the community and with which device keys.
 *
 * Nothing here grants power to a person over others: founders are ordinary full members
 * from the genesis on; admitting and removing members takes a community decision;
 * everything else a member does concerns only themselves (their devices, their departure).
 *
 * @module
 */
import * as Admission from "./Admission.ts"
import * as Bytes from "./Bytes.ts"
import * as CoreEvents from "./CoreEvents.ts"
import * as Event from "./Event.ts"
import { sha256 } from "./Hash.ts"
import * as Module from "./Module.ts"

/** One identity: a person (or a member community) holding one or more device keys. */
export type Identity = {
  readonly status: Module.MemberStatus
  /**
   * Device keys (hex) that act for this identity, sorted: none once it has left, and none
   * revoked or whose chain forked (`docs/protocol.md` §9).
   */
  readonly devices: ReadonlyArray<string>
  /** Device keys (hex) this identity revoked by a revocation that counts (§5), sorted. */
  readonly revoked: ReadonlyArray<string>
  /** Every status change: the event key (hex) that caused it and the new status. */
  readonly history: ReadonlyArray<{ readonly at: string; readonly status: Module.MemberStatus }>
  /** Why the membership ended, when it was ended by decision. */
  readonly reason: string | null
  /**
   * The sealing key (X25519 public key, hex) each of its current devices published, by
   * device key (hex): secrets sealed to this identity are sealed to these
   * (`docs/protocol.md`, "Sealing"). Absent when none of its current devices has published
   * one; a device that stops acting (revoked, departed, forked) leaves it.
   */
  readonly sealing?: { readonly [device: string]: string }
  /**
   * Key (hex) of the latest `core/member.profile` event of this identity: its payload holds
   * the member's display name, pronouns and note (see `Names`). Absent until one is applied.
   */
  readonly profile?: string
}

/** State of the `core` module. */
export type State = {
  readonly community: {
    readonly id: string
    readonly name: string
    readonly founders: ReadonlyArray<string>
    readonly params: Module.Params
    readonly created: number
  }
  readonly identities: { readonly [identity: string]: Identity }
  /** Which identity each device key that acts is acting for (the union of the identities' `devices`). */
  readonly devices: { readonly [device: string]: string }
  /** Authors proven to have forked their chain, with the first forked sequence number. */
  readonly equivocations: { readonly [author: string]: number }
  /**
   * Events whose payload was erased (`core/payload.erase`, `docs/protocol.md` §3a): the
   * event's key, and the key of the event that erased it (for a decision, its close).
   * Absent until a payload is erased.
   */
  readonly erased?: { readonly [event: string]: string }
}

const insertSorted = (list: ReadonlyArray<string>, item: string): ReadonlyArray<string> =>
  list.includes(item) ? list : [...list, item].sort()

/**
 * `identity` with the sealing key of `device` set to `key` (hex), or removed when `key` is
 * `undefined`; without `sealing` at all when no device has one left.
 */
const withSealing = (identity: Identity, device: string, key: string | undefined): Identity => {
  const { sealing, ...rest } = identity
  if (key === undefined && (sealing === undefined || !Object.hasOwn(sealing, device))) return identity
  const next: Record<string, string> = { ...sealing }
  if (key === undefined) delete next[device]
  else next[device] = key
  const devices = Object.keys(next).sort()
  if (devices.length === 0) return rest
  const sorted: Record<string, string> = {}
  for (const d of devices) sorted[d] = next[d]!
  return { ...rest, sealing: sorted }
}

/** `identity` without any sealing key (its devices all stopped acting). */
const withoutSealing = (identity: Identity): Identity => {
  const { sealing: _, ...rest } = identity
  return rest
}

// --- Keeping large maps cheap to change ------------------------------------------------------
//
// `identities` and `devices` grow with the community, and every change to them must leave
// the previous state intact (the fold keeps snapshots). Copying a plain object of a thousand
// keys for each admission costs more than the rest of the fold of that event, so the module
// keeps each of the two maps in buckets by key, copying only the changed bucket. A state
// still shows both maps as plain objects (enumerable properties, built on first read and
// kept), so it reads, encodes and hashes exactly as before; the module's own functions go to
// the buckets. A state read back from a checkpoint has plain objects: its buckets are made
// from them when first needed.

/** A map in {@link BUCKETS} plain objects; entries are found by {@link bucketOf} their key. */
type Buckets<V> = ReadonlyArray<{ readonly [key: string]: V }>

const BUCKETS = 256

/** Value of a hex digit (any other character gives some number too: it only spreads keys). */
const nibble = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87) & 15

/** Keys are hex public keys: their first two digits spread them evenly over the buckets. */
const bucketOf = (key: string): number => ((nibble(key.charCodeAt(0)) << 4) | nibble(key.charCodeAt(1))) & (BUCKETS - 1)

const EMPTY: { readonly [key: string]: never } = Object.freeze({})

const emptyBuckets = <V>(): Buckets<V> => new Array<{ readonly [key: string]: V }>(BUCKETS).fill(EMPTY)

const bucketsFrom = <V>(map: { readonly [key: string]: V }): Buckets<V> => {
  const out: Array<Record<string, V>> = Array.from({ length: BUCKETS }, () => ({}))
  for (const key of Object.keys(map)) out[bucketOf(key)]![key] = map[key]!
  return out
}

const lookup = <V>(buckets: Buckets<V>, key: string): V | undefined => {
  const bucket = buckets[bucketOf(key)]!
  return Object.hasOwn(bucket, key) ? bucket[key] : undefined
}

/** `buckets` with `key` set to `value` (or removed when `value` is `undefined`): one bucket copied. */
const put = <V>(buckets: Buckets<V>, key: string, value: V | undefined): Buckets<V> => {
  const b = bucketOf(key)
  const bucket: Record<string, V> = { ...buckets[b]! }
  if (value === undefined) delete bucket[key]
  else bucket[key] = value
  const out = buckets.slice()
  out[b] = bucket
  return out
}

const flatten = <V>(buckets: Buckets<V>): { readonly [key: string]: V } => Object.assign({}, ...buckets) as { readonly [key: string]: V }

interface Inner {
  readonly identities: Buckets<Identity>
  readonly devices: Buckets<string>
}

/** The buckets behind each state this module made (or made buckets for). */
const inner = new WeakMap<State, Inner>()

const innerOf = (state: State): Inner => {
  let found = inner.get(state)
  if (found === undefined) {
    found = { identities: bucketsFrom(state.identities), devices: bucketsFrom(state.devices) }
    inner.set(state, found)
  }
  return found
}

/** A state over buckets, whose `identities` and `devices` read as plain objects. */
const makeState = (
  community: State["community"],
  identities: Buckets<Identity>,
  devices: Buckets<string>,
  equivocations: State["equivocations"]
): State => {
  let identitiesView: State["identities"] | undefined
  let devicesView: State["devices"] | undefined
  const state = Object.defineProperties(
    { community },
    {
      identities: { enumerable: true, get: () => (identitiesView ??= flatten(identities)) },
      devices: { enumerable: true, get: () => (devicesView ??= flatten(devices)) },
      equivocations: { enumerable: true, value: equivocations }
    }
  ) as State
  inner.set(state, { identities, devices })
  return state
}

/** The identity `id` in `state`, or `undefined`. */
export const identity = (state: State, id: string): Identity | undefined => lookup(innerOf(state).identities, id)

/** The identity a current device key acts for in `state`, or `undefined`. */
export const deviceOwner = (state: State, device: string): string | undefined => lookup(innerOf(state).devices, device)

const withIdentity = (state: State, id: string, value: Identity): State => {
  const i = innerOf(state)
  return makeState(state.community, put(i.identities, id, value), i.devices, state.equivocations)
}

const setStatus = (state: State, id: string, status: Module.MemberStatus, at: string, reason: string | null = null): State => {
  const current = identity(state, id)!
  return withIdentity(state, id, { ...current, status, reason, history: [...current.history, { at, status }] })
}

/**
 * The identity `id` has left (a departure, or a removal by decision with its reason): its
 * keys act no more, so none of them stays listed.
 */
const depart = (state: State, id: string, at: string, reason: string | null): State => {
  const current = identity(state, id)!
  const i = innerOf(state)
  let devices = i.devices
  for (const d of current.devices) if (lookup(devices, d) === id) devices = put(devices, d, undefined)
  return makeState(
    state.community,
    put(i.identities, id, { ...withoutSealing(current), status: "left", reason, devices: [], history: [...current.history, { at, status: "left" }] }),
    devices,
    state.equivocations
  )
}

/**
 * `state` without `device` among the keys that act, because its chain forked (the fold does
 * this, `docs/protocol.md` §9); `state` itself when the key is not listed.
 *
 * @internal
 */
export const retire = (state: State, device: string): State => keepErased(state, retireDevice(state, device))

const retireDevice = (state: State, device: string): State => {
  const id = deviceOwner(state, device)
  if (id === undefined) return state
  const current = identity(state, id)!
  const i = innerOf(state)
  return makeState(
    state.community,
    put(i.identities, id, { ...withSealing(current, device, undefined), devices: current.devices.filter((d) => d !== device) }),
    put(i.devices, device, undefined),
    state.equivocations
  )
}

/** Initial state of a community from its genesis. */
export const init = (genesis: Module.Genesis): State => {
  let identities = emptyBuckets<Identity>()
  let devices = emptyBuckets<string>()
  for (const f of genesis.founders) {
    identities = put(identities, f, { status: "full", devices: [f], revoked: [], history: [{ at: genesis.community, status: "full" }], reason: null })
    devices = put(devices, f, f)
  }
  return makeState(
    {
      id: genesis.community,
      name: genesis.name,
      founders: [...genesis.founders].sort(),
      params: genesis.params,
      created: genesis.time
    },
    identities,
    devices,
    {}
  )
}

// --- Erased payloads ------------------------------------------------------------------------
//
// `erased` is kept only once a payload is erased, so the state of a community that never
// erased one hashes as it always did. Every state the module makes keeps the `erased` of the
// state it was made from: `keepingErased` sees to it for every event type at once.

/** `state` with `erased` as its erased payloads (a new state; `state` is unchanged). */
const withErased = (state: State, erased: State["erased"]): State => {
  const i = innerOf(state)
  const next = makeState(state.community, i.identities, i.devices, state.equivocations)
  return erased === undefined ? next : (Object.defineProperty(next, "erased", { enumerable: true, value: erased }) as State)
}

/** `next`, made from `prev`, with the erased payloads of `prev`. */
const keepErased = (prev: State, next: State): State =>
  next === prev || prev.erased === undefined || next.erased !== undefined ? next : withErased(next, prev.erased)

/** The module with every event type's `apply` keeping the erased payloads of the state it starts from. */
const keepingErased = (module: Module.Module<State>): Module.Module<State> => {
  const events: Record<string, Module.EventType<State>> = {}
  for (const [type, def] of Object.entries(module.events))
    events[type] = {
      ...def,
      authority: def.authority,
      decode: (body) => def.decode(body),
      validate: (state, body, ctx) => def.validate(state, body, ctx),
      apply: (state, body, ctx) => {
        const applied = def.apply(state, body, ctx)
        const kept = keepErased(state, applied.state)
        return kept === applied.state ? applied : { ...applied, state: kept }
      }
    }
  return { ...module, events }
}

/**
 * Why a `core/payload.erase` may not erase the payload its body names, or `undefined`: the
 * header must be one of a version 2 event in the erasing event's causal past, not erased yet;
 * signed directly, the erasing device must act for the identity of the device that wrote it
 * (one of its devices, current or revoked); carried by a decision, the decision must be the
 * community's.
 */
const erasureRefusal = (state: State, body: CoreEvents.PayloadErase, ctx: Module.EventContext): Module.Rejection | undefined => {
  const decoded = Event.decodeHeader(body.header)
  if (!decoded.ok) return Module.reject("NotAnEvent", `the header to erase the payload of does not decode: ${decoded.error.message}`)
  const header = decoded.header
  const key = Bytes.toHex(sha256(body.header))
  if (!ctx.happenedBefore(key))
    return Module.reject("UnknownEvent", `event ${key.slice(0, 12)}… is not in this event's causal past: erase only a payload you have received`)
  if (header.payloadHash === null) return Module.reject("NoPayload", `event ${key.slice(0, 12)}… carries no payload to erase`)
  if (state.erased !== undefined && Object.hasOwn(state.erased, key))
    return Module.reject("AlreadyErased", `the payload of event ${key.slice(0, 12)}… is erased already`)
  if (ctx.warrant._tag === "Decision")
    return ctx.warrant.body._tag === "Community"
      ? undefined
      : Module.reject("WarrantInsufficient", "a payload is erased by its author or by a community decision, not by a group's")
  const author = Bytes.toHex(header.author)
  const own = ctx.identity === null ? undefined : identity(state, ctx.identity)
  if (own === undefined || (author !== ctx.identity && !own.devices.includes(author) && !own.revoked.includes(author)))
    return Module.reject(
      "NotYourPayload",
      "only the member who wrote an event can erase its payload directly; anyone else needs a community decision (propose core/payload.erase as its action)"
    )
  return undefined
}

/** The events whose payload was erased, by key, with the key of the event that erased each ({} when none was). */
export const erasedPayloads = (state: State): { readonly [event: string]: string } => state.erased ?? {}

/** Keys of the applications applied so far: the events that made each applicant identity. */
const applications = (state: State): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const id of identities(state)) {
    const first = identity(state, id)?.history[0]
    if (first !== undefined && first.status === "applicant") out.push(first.at)
  }
  return out
}

/** The `core` module definition. */
export const module: Module.Module<State> = keepingErased(Module.make<State>({
  name: "core",
  init,
  events: {
    "member.apply": Module.eventType<State, CoreEvents.Apply>({
      body: CoreEvents.Apply,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity !== ctx.device || identity(state, ctx.device) !== undefined
          ? Module.reject("AlreadyKnown", "this key already belongs to an identity in the community")
          : Admission.checkApplication(ctx, () => applications(state)),
      apply: (state, body, ctx) => {
        const i = innerOf(state)
        const applicant: Identity = {
          status: "applicant",
          devices: [ctx.device],
          revoked: [],
          history: [{ at: ctx.key, status: "applicant" }],
          reason: null
        }
        return makeState(
          state.community,
          put(i.identities, ctx.device, body.seal === undefined ? applicant : withSealing(applicant, ctx.device, Bytes.toHex(body.seal))),
          put(i.devices, ctx.device, ctx.device),
          state.equivocations
        )
      }
    }),
    // The fold applies a departure exactly when it counts (§5), even when another departure
    // of the identity, concurrent with it, was applied first: that one changes nothing.
    "member.profile": Module.eventType<State, CoreEvents.Profile>({
      body: CoreEvents.Profile,
      authority: "anyone",
      validate: (state, _body, ctx) => {
        const current = ctx.identity === null ? undefined : identity(state, ctx.identity)
        return current === undefined || current.status === "left"
          ? Module.reject("NotAMember", "only a member or applicant can say who they are here")
          : undefined
      },
      apply: (state, _body, ctx) => withIdentity(state, ctx.identity!, { ...identity(state, ctx.identity!)!, profile: ctx.key })
    }),
    "member.leave": Module.eventType<State, CoreEvents.Leave>({
      body: CoreEvents.Leave,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity === null || identity(state, ctx.identity) === undefined
          ? Module.reject("NotAMember", "only a member or applicant can leave")
          : undefined,
      apply: (state, _body, ctx) =>
        identity(state, ctx.identity!)!.status === "left" ? state : depart(state, ctx.identity!, ctx.key, null)
    }),
    "member.admit": Module.eventType<State, CoreEvents.Admit>({
      body: CoreEvents.Admit,
      authority: "community",
      validate: (state, body, ctx) => {
        const id = Bytes.toHex(body.identity)
        return identity(state, id)?.status === "applicant"
          ? Admission.checkAdmission(id, ctx)
          : Module.reject("NotAnApplicant", `identity ${id.slice(0, 12)}… has not applied (or is already a member)`)
      },
      apply: (state, body, ctx) => setStatus(state, Bytes.toHex(body.identity), "full", ctx.key)
    }),
    "community.params": Module.eventType<State, CoreEvents.ParamsChange>({
      body: CoreEvents.ParamsChange,
      authority: "community",
      apply: (state, body, ctx) => {
        const i = innerOf(state)
        const params = Module.changeParams(state.community.params, state.community.created, ctx.communityTime, body)
        return makeState({ ...state.community, params }, i.identities, i.devices, state.equivocations)
      }
    }),
    "member.remove": Module.eventType<State, CoreEvents.Remove>({
      body: CoreEvents.Remove,
      authority: "community",
      validate: (state, body) => {
        const id = Bytes.toHex(body.identity)
        const status = identity(state, id)?.status
        return status === "full" || status === "applicant"
          ? undefined
          : Module.reject("NotAMember", `identity ${id.slice(0, 12)}… is not a member`)
      },
      apply: (state, body, ctx) => depart(state, Bytes.toHex(body.identity), ctx.key, body.reason)
    }),
    "device.add": Module.eventType<State, CoreEvents.DeviceAdd>({
      body: CoreEvents.DeviceAdd,
      authority: "anyone",
      validate: (state, body, ctx) => {
        if (ctx.identity === null) return Module.reject("NotAMember", "only a member or applicant can add a device")
        const device = Bytes.toHex(body.device)
        return deviceOwner(state, device) !== undefined || identity(state, ctx.identity)!.revoked.includes(device)
          ? Module.reject("DeviceKnown", "this device key already belongs to an identity")
          : undefined
      },
      apply: (state, body, ctx) => {
        const device = Bytes.toHex(body.device)
        const id = ctx.identity!
        const current = identity(state, id)!
        const i = innerOf(state)
        const sealed = body.seal === undefined ? current : withSealing(current, device, Bytes.toHex(body.seal))
        return makeState(
          state.community,
          put(i.identities, id, { ...sealed, devices: insertSorted(current.devices, device) }),
          put(i.devices, device, id),
          state.equivocations
        )
      }
    }),
    // Whether a revocation counts is the key registry's question (§5): the fold applies one
    // exactly when it counts, and refuses the others `NotYourDevice` before they get here.
    // The key may have stopped acting already (its identity left, its chain forked).
    "device.revoke": Module.eventType<State, CoreEvents.DeviceRevoke>({
      body: CoreEvents.DeviceRevoke,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity === null || identity(state, ctx.identity) === undefined
          ? Module.reject("NotYourDevice", "a device key can only be revoked by its own identity, once it was added to it")
          : undefined,
      apply: (state, body, ctx) => {
        const device = Bytes.toHex(body.device)
        const id = ctx.identity!
        // Revoked already (by a concurrent revocation folded first): nothing more to change.
        if (revokedBy(state, id, device)) return state
        const current = identity(state, id)!
        const i = innerOf(state)
        return makeState(
          state.community,
          put(i.identities, id, {
            ...withSealing(current, device, undefined),
            devices: current.devices.filter((d) => d !== device),
            revoked: insertSorted(current.revoked, device)
          }),
          lookup(i.devices, device) === id ? put(i.devices, device, undefined) : i.devices,
          state.equivocations
        )
      }
    }),
    // A device publishes its own sealing key (`docs/protocol.md`, "Sealing"); the host has
    // checked that the key acts, so it is one of its identity's current devices.
    "device.seal": Module.eventType<State, CoreEvents.DeviceSeal>({
      body: CoreEvents.DeviceSeal,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity === null || !(identity(state, ctx.identity)?.devices.includes(ctx.device) ?? false)
          ? Module.reject("NotAMember", "only a device that acts for a member or applicant can publish a sealing key")
          : undefined,
      apply: (state, body, ctx) => withIdentity(state, ctx.identity!, withSealing(identity(state, ctx.identity!)!, ctx.device, Bytes.toHex(body.key)))
    }),
    equivocation: Module.eventType<State, CoreEvents.Equivocation>({
      body: CoreEvents.Equivocation,
      authority: "member",
      validate: (state, body) => {
        const proof = proofOf(body)
        if (proof === undefined) return Module.reject("NotAProof", "the two events do not prove an equivocation")
        return proof.community === state.community.id
          ? undefined
          : Module.reject(
              "ForeignProof",
              `the two events belong to community ${proof.community.slice(0, 12)}…, not this one: they prove nothing here`
            )
      },
      apply: (state, body) => {
        const proof = proofOf(body)!
        const known = state.equivocations[proof.author]
        return known !== undefined && known <= proof.seq
          ? state
          : makeState(state.community, innerOf(state).identities, innerOf(state).devices, { ...state.equivocations, [proof.author]: proof.seq })
      }
    }),
    // Who may erase a payload is judged on the erased event's header, which the body carries
    // (its SHA-256 is the event's id): its author's identity directly, or a community decision.
    "payload.erase": Module.eventType<State, CoreEvents.PayloadErase>({
      body: CoreEvents.PayloadErase,
      authority: "anyone",
      validate: (state, body, ctx) => erasureRefusal(state, body, ctx),
      apply: (state, body, ctx) => withErased(state, { ...state.erased, [Bytes.toHex(sha256(body.header))]: ctx.key })
    }),
    tick: Module.eventType<State, CoreEvents.Tick>({
      body: CoreEvents.Tick,
      authority: "member",
      apply: (state) => state
    })
  }
}))

/** Whether `device` is among the keys the identity `id` revoked. */
const revokedBy = (state: State, id: string, device: string): boolean => identity(state, id)?.revoked.includes(device) ?? false

/**
 * The author and sequence number two wire events prove a fork of, with the community
 * (hex) both events name, or `undefined`. Signatures are checked when the proof is
 * ingested; whether the community is this one is for the caller to check.
 */
export const proofOf = (
  body: { readonly a: Uint8Array; readonly b: Uint8Array }
): { author: string; seq: number; community: string } | undefined => {
  const a = Event.decode(body.a)
  const b = Event.decode(body.b)
  if (!a.ok || !b.ok || a.event.key === b.event.key) return undefined
  const ha = a.event.header
  const hb = b.event.header
  if (!Bytes.equals(ha.author, hb.author) || ha.seq !== hb.seq) return undefined
  if (ha.community === null || hb.community === null || !Bytes.equals(ha.community, hb.community)) return undefined
  return { author: Bytes.toHex(ha.author), seq: ha.seq, community: Bytes.toHex(ha.community) }
}

/** Identities with a given status, sorted. */
export const members = (state: State, status: Module.MemberStatus = "full"): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const bucket of innerOf(state).identities) for (const id of Object.keys(bucket)) if (bucket[id]!.status === status) out.push(id)
  return out.sort()
}

/** Every identity ever known to the community (members, applicants, those who left), sorted. */
export const identities = (state: State): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const bucket of innerOf(state).identities) out.push(...Object.keys(bucket))
  return out.sort()
}

/** A device's published sealing key: the device key and its X25519 public key, both hex. */
export interface SealingKey {
  readonly device: string
  readonly key: string
}

/**
 * The sealing keys of identity `id` now: one per current device that published one, sorted
 * by device key; none for an identity that left or is unknown (`docs/protocol.md`, "Sealing").
 */
export const sealingKeys = (state: State, id: string): ReadonlyArray<SealingKey> => {
  const entry = identity(state, id)
  const sealing = entry?.sealing
  if (entry === undefined || sealing === undefined) return []
  const out: Array<SealingKey> = []
  for (const device of entry.devices) {
    const key = Object.hasOwn(sealing, device) ? sealing[device] : undefined
    if (key !== undefined) out.push({ device, key })
  }
  return out
}

/** Schema of the genesis body (a Standard Schema), for frontends that build one. */
export const GenesisBody: Module.StandardSchemaV1<unknown, CoreEvents.Genesis> = CoreEvents.Genesis
