/**
 * Which new communities a relay takes on, and from whom: the caps per connection and per
 * address, the relay-wide bounds, and which introductions it honours (fresh ones, by a
 * member's key). The bookkeeping only; the relay asks it before it learns a community and
 * tells it when it did.
 *
 * @module
 */
import { type Community, Membership, type Sync } from "@affinity/core"

/**
 * How the relay holds a community it carries.
 *
 * - `allowed`: the operator listed it; kept on disk, never counted against the caps.
 * - `introduced`: a member asked for it with a signed introduction; kept on disk.
 * - `kept`: kept on disk without an introduction (the relay runs with `unintroduced: "keep"`).
 * - `memory`: opened by a peer, neither allowed nor introduced: served from memory while
 *   in use, forgotten after a while, never kept across a restart.
 */
export type Standing = "allowed" | "introduced" | "kept" | "memory"

/** What the relay does with a community a peer opens without an introduction. */
export type Unintroduced = "memory" | "decline" | "keep"

/** The admission settings (every one has a default; see {@link resolve}). */
export interface AdmissionOptions {
  /** Community ids (64 hex digits) the operator serves whoever brings them. Default none. */
  readonly allow?: ReadonlyArray<string>
  /** A community opened without an introduction: served from `memory` (default), `decline`d, or `keep`t on disk. */
  readonly unintroduced?: Unintroduced
  /** New communities one connection may bring (allowed ones aside). Default 8. */
  readonly maxNewPerConnection?: number
  /** New communities one remote address may bring per {@link AdmissionOptions.addressWindow} (allowed ones aside). Default 32. */
  readonly maxNewPerAddress?: number
  /** Milliseconds over which {@link AdmissionOptions.maxNewPerAddress} counts. Default one hour. */
  readonly addressWindow?: number
  /** Communities kept on disk, introduced or kept (allowed ones aside). Default 10,000. */
  readonly maxCommunities?: number
  /** Communities served from memory at once. Default 1,000. */
  readonly maxInMemory?: number
  /**
   * Milliseconds after which a community served from memory is forgotten when no event
   * arrived for it and no connected peer is in sync on it. Default ten minutes.
   */
  readonly forgetAfter?: number
}

/** {@link AdmissionOptions} with every default filled in. */
export interface Settings {
  readonly allow: ReadonlySet<string>
  readonly unintroduced: Unintroduced
  readonly maxNewPerConnection: number
  readonly maxNewPerAddress: number
  readonly addressWindow: number
  readonly maxCommunities: number
  readonly maxInMemory: number
  readonly forgetAfter: number
}

/** Default settings. */
export const defaults: Omit<Settings, "allow"> = {
  unintroduced: "memory",
  maxNewPerConnection: 8,
  maxNewPerAddress: 32,
  addressWindow: 60 * 60 * 1000,
  maxCommunities: 10_000,
  maxInMemory: 1_000,
  forgetAfter: 10 * 60 * 1000
}

/** Settings from options; throws a `RangeError` naming the option that is out of range. */
export const resolve = (options: AdmissionOptions): Settings => {
  const allow = new Set<string>()
  for (const id of options.allow ?? []) {
    if (!/^[0-9a-fA-F]{64}$/.test(id)) throw new RangeError(`allow: ${JSON.stringify(id)} is not a community id (64 hex digits)`)
    allow.add(id.toLowerCase())
  }
  const unintroduced = options.unintroduced ?? defaults.unintroduced
  if (!["memory", "decline", "keep"].includes(unintroduced))
    throw new RangeError(`unintroduced: ${JSON.stringify(unintroduced)} is not one of "memory", "decline", "keep"`)
  const count = (name: keyof typeof defaults & `max${string}`, min: number): number => {
    const n = options[name] ?? defaults[name]
    if (!Number.isInteger(n) || n < min) throw new RangeError(`${name}: ${n} is not a whole number from ${min}`)
    return n
  }
  const duration = (name: "addressWindow" | "forgetAfter"): number => {
    const n = options[name] ?? defaults[name]
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`${name}: ${n} is not a positive number of milliseconds`)
    return n
  }
  return {
    allow,
    unintroduced,
    maxNewPerConnection: count("maxNewPerConnection", 0),
    maxNewPerAddress: count("maxNewPerAddress", 0),
    addressWindow: duration("addressWindow"),
    maxCommunities: count("maxCommunities", 0),
    maxInMemory: count("maxInMemory", 0),
    forgetAfter: duration("forgetAfter")
  }
}

/** What one connection brought so far. */
export interface Connection {
  readonly address: string
  /** New communities the relay learned from it (allowed ones aside). */
  learned: number
}

/** How far an introduction's time may be from the relay's clock, either way: ten minutes. */
export const TOLERANCE = 10 * 60 * 1000

/** Whether `at` (milliseconds) is within {@link TOLERANCE} of the introduction's time. */
export const isFresh = (introduction: Sync.Introduction.Introduction, at: number): boolean => Math.abs(at - introduction.time) <= TOLERANCE

/**
 * Whether the introduction's key acts for a full member in the state `community` has
 * folded so far (founders are from the genesis on).
 */
export const byMember = (introduction: Sync.Introduction.Introduction, community: Community.Community): boolean => {
  const core = community.replica.core
  const owner = Membership.deviceOwner(core, introduction.key)
  return owner !== undefined && Membership.identity(core, owner)?.status === "full"
}

/** A refusal, with the reason the peer is told (in its `unknown`). */
export type Declined = Sync.Declined

const declined = (message: string): Declined => ({ _tag: "Declined", message })

/** The caps over time: new communities per connection and per address. */
export interface Admission {
  readonly settings: Settings
  /** Why `connection` may not bring one more new community now, or `undefined` when it may. */
  readonly refusal: (connection: Connection, now: number) => Declined | undefined
  /** Count one new community against `connection` and its address. */
  readonly charge: (connection: Connection, now: number) => void
  /** Forget the address counts whose window has passed. */
  readonly prune: (now: number) => void
}

/** Admission bookkeeping over `settings`. */
export const make = (settings: Settings): Admission => {
  /** New communities per address in the current window, and when the window started. */
  const addresses = new Map<string, { count: number; since: number }>()
  const windowOf = (address: string, now: number) => {
    const w = addresses.get(address)
    return w !== undefined && now - w.since < settings.addressWindow ? w : undefined
  }
  return {
    settings,
    refusal: (connection, now) => {
      if (connection.learned >= settings.maxNewPerConnection)
        return declined(
          `this connection already brought ${connection.learned} new communities, the most one connection may; open others on another connection`
        )
      const w = windowOf(connection.address, now)
      if (w !== undefined && w.count >= settings.maxNewPerAddress) {
        const minutes = Math.ceil((w.since + settings.addressWindow - now) / 60_000)
        return declined(
          `your address brought ${w.count} new communities lately, the most this relay takes from one address; try again in ${minutes} min, or ask its operator to allow yours`
        )
      }
      return undefined
    },
    charge: (connection, now) => {
      connection.learned++
      const w = windowOf(connection.address, now)
      if (w === undefined) addresses.set(connection.address, { count: 1, since: now })
      else w.count++
    },
    prune: (now) => {
      for (const [address, w] of addresses) if (now - w.since >= settings.addressWindow) addresses.delete(address)
    }
  }
}
