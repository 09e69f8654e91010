/**
 * The `core` module: who belongs to the community and with which device keys.
 *
 * Nothing here grants power to a person over others: founders are ordinary full members
 * from the genesis on; admitting and removing members takes a community decision;
 * everything else a member does concerns only themselves (their devices, their departure).
 *
 * @module
 */
import * as Bytes from "./Bytes.ts"
import * as CoreEvents from "./CoreEvents.ts"
import * as Event from "./Event.ts"
import * as Module from "./Module.ts"

/** One identity: a person (or a member community) holding one or more device keys. */
export type Identity = {
  readonly status: Module.MemberStatus
  /** Device keys (hex) that currently act for this identity, sorted. */
  readonly devices: ReadonlyArray<string>
  /** Device keys (hex) revoked, sorted. */
  readonly revoked: ReadonlyArray<string>
  /** Every status change: the event key (hex) that caused it and the new status. */
  readonly history: ReadonlyArray<{ readonly at: string; readonly status: Module.MemberStatus }>
  /** Why the membership ended, when it was ended by decision. */
  readonly reason: string | null
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
  /** Which identity each current device key acts for. */
  readonly devices: { readonly [device: string]: string }
  /** Authors proven to have forked their chain, with the first forked sequence number. */
  readonly equivocations: { readonly [author: string]: number }
}

const insertSorted = (list: ReadonlyArray<string>, item: string): ReadonlyArray<string> =>
  list.includes(item) ? list : [...list, item].sort()

const setStatus = (state: State, identity: string, status: Module.MemberStatus, at: string, reason: string | null = null): State => {
  const current = state.identities[identity]!
  return {
    ...state,
    identities: {
      ...state.identities,
      [identity]: { ...current, status, reason, history: [...current.history, { at, status }] }
    }
  }
}

/** Initial state of a community from its genesis. */
export const init = (genesis: Module.Genesis): State => {
  const identities: Record<string, Identity> = {}
  const devices: Record<string, string> = {}
  for (const f of genesis.founders) {
    identities[f] = { status: "full", devices: [f], revoked: [], history: [{ at: genesis.community, status: "full" }], reason: null }
    devices[f] = f
  }
  return {
    community: {
      id: genesis.community,
      name: genesis.name,
      founders: [...genesis.founders].sort(),
      params: genesis.params,
      created: genesis.time
    },
    identities,
    devices,
    equivocations: {}
  }
}

/** The `core` module definition. */
export const module: Module.Module<State> = Module.make<State>({
  name: "core",
  init,
  events: {
    "member.apply": Module.eventType<State, CoreEvents.Apply>({
      body: CoreEvents.Apply,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity !== ctx.device || state.identities[ctx.device] !== undefined
          ? Module.reject("AlreadyKnown", "this key already belongs to an identity in the community")
          : undefined,
      apply: (state, _body, ctx) => ({
        ...state,
        identities: {
          ...state.identities,
          [ctx.device]: { status: "applicant", devices: [ctx.device], revoked: [], history: [{ at: ctx.key, status: "applicant" }], reason: null }
        },
        devices: { ...state.devices, [ctx.device]: ctx.device }
      })
    }),
    "member.leave": Module.eventType<State, CoreEvents.Leave>({
      body: CoreEvents.Leave,
      authority: "anyone",
      validate: (state, _body, ctx) =>
        ctx.identity === null || state.identities[ctx.identity] === undefined
          ? Module.reject("NotAMember", "only a member or applicant can leave")
          : state.identities[ctx.identity]!.status === "left"
            ? Module.reject("AlreadyLeft", "this member has already left")
            : undefined,
      apply: (state, _body, ctx) => setStatus(state, ctx.identity!, "left", ctx.key)
    }),
    "member.admit": Module.eventType<State, CoreEvents.Admit>({
      body: CoreEvents.Admit,
      authority: "community",
      validate: (state, body) => {
        const id = Bytes.toHex(body.identity)
        return state.identities[id]?.status === "applicant"
          ? undefined
          : Module.reject("NotAnApplicant", `identity ${id.slice(0, 12)}… has not applied (or is already a member)`)
      },
      apply: (state, body, ctx) => setStatus(state, Bytes.toHex(body.identity), "full", ctx.key)
    }),
    "member.remove": Module.eventType<State, CoreEvents.Remove>({
      body: CoreEvents.Remove,
      authority: "community",
      validate: (state, body) => {
        const id = Bytes.toHex(body.identity)
        const status = state.identities[id]?.status
        return status === "full" || status === "applicant"
          ? undefined
          : Module.reject("NotAMember", `identity ${id.slice(0, 12)}… is not a member`)
      },
      apply: (state, body, ctx) => setStatus(state, Bytes.toHex(body.identity), "left", ctx.key, body.reason)
    }),
    "device.add": Module.eventType<State, CoreEvents.DeviceAdd>({
      body: CoreEvents.DeviceAdd,
      authority: "anyone",
      validate: (state, body, ctx) => {
        if (ctx.identity === null) return Module.reject("NotAMember", "only a member or applicant can add a device")
        const device = Bytes.toHex(body.device)
        return state.devices[device] !== undefined || state.identities[ctx.identity]!.revoked.includes(device)
          ? Module.reject("DeviceKnown", "this device key already belongs to an identity")
          : undefined
      },
      apply: (state, body, ctx) => {
        const device = Bytes.toHex(body.device)
        const identity = ctx.identity!
        const current = state.identities[identity]!
        return {
          ...state,
          identities: { ...state.identities, [identity]: { ...current, devices: insertSorted(current.devices, device) } },
          devices: { ...state.devices, [device]: identity }
        }
      }
    }),
    "device.revoke": Module.eventType<State, CoreEvents.DeviceRevoke>({
      body: CoreEvents.DeviceRevoke,
      authority: "anyone",
      validate: (state, body, ctx) => {
        const device = Bytes.toHex(body.device)
        return ctx.identity === null || state.devices[device] !== ctx.identity
          ? Module.reject("NotYourDevice", "a device key can only be revoked by its own identity")
          : undefined
      },
      apply: (state, body, ctx) => {
        const device = Bytes.toHex(body.device)
        const identity = ctx.identity!
        const current = state.identities[identity]!
        const devices = { ...state.devices }
        delete devices[device]
        return {
          ...state,
          identities: {
            ...state.identities,
            [identity]: {
              ...current,
              devices: current.devices.filter((d) => d !== device),
              revoked: insertSorted(current.revoked, device)
            }
          },
          devices
        }
      }
    }),
    equivocation: Module.eventType<State, CoreEvents.Equivocation>({
      body: CoreEvents.Equivocation,
      authority: "member",
      validate: (_state, body) => (proofOf(body) ? undefined : Module.reject("NotAProof", "the two events do not prove an equivocation")),
      apply: (state, body) => {
        const proof = proofOf(body)!
        const known = state.equivocations[proof.author]
        return known !== undefined && known <= proof.seq
          ? state
          : { ...state, equivocations: { ...state.equivocations, [proof.author]: proof.seq } }
      }
    }),
    tick: Module.eventType<State, CoreEvents.Tick>({
      body: CoreEvents.Tick,
      authority: "member",
      apply: (state) => state
    })
  }
})

/**
 * The author and sequence number two wire events prove a fork of, or `undefined`.
 * Signatures are checked when the proof is ingested.
 */
export const proofOf = (body: { readonly a: Uint8Array; readonly b: Uint8Array }): { author: string; seq: number } | undefined => {
  const a = Event.decode(body.a)
  const b = Event.decode(body.b)
  if (!a.ok || !b.ok || a.event.key === b.event.key) return undefined
  const ha = a.event.header
  const hb = b.event.header
  if (!Bytes.equals(ha.author, hb.author) || ha.seq !== hb.seq) return undefined
  if (ha.community === null || hb.community === null || !Bytes.equals(ha.community, hb.community)) return undefined
  return { author: Bytes.toHex(ha.author), seq: ha.seq }
}

/** Identities with a given status, sorted. */
export const members = (state: State, status: Module.MemberStatus = "full"): ReadonlyArray<string> =>
  Object.keys(state.identities)
    .filter((id) => state.identities[id]!.status === status)
    .sort()

/** Schema of the genesis body (a Standard Schema), for frontends that build one. */
export const GenesisBody: Module.StandardSchemaV1<unknown, CoreEvents.Genesis> = CoreEvents.Genesis
