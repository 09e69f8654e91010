/**
 * A session: the data directory locked, its settings read, a `Client` on its SQLite store,
 * and this device's key; and, for most commands, the community they act on.
 *
 * @module
 */
import { Client, Community, type Keys, Membership, type Names as CoreNames, type Replica } from "@affinity/core"
import type * as Governance from "@affinity/governance"
import * as StorageSqlite from "@affinity/storage-sqlite"
import type { Context } from "./Context.ts"
import * as Dates from "./Dates.ts"
import * as Explain from "./Explain.ts"
import { failed, usage } from "./Failure.ts"
import * as Home from "./Home.ts"
import * as KeyFile from "./KeyFile.ts"
import { modules } from "./Modules.ts"
import * as Names from "./Names.ts"
import * as Reads from "./Reads.ts"
import * as Settings from "./Settings.ts"

/** An open data directory. */
export interface Session {
  readonly ctx: Context
  readonly client: Client.Client
  readonly settings: Settings.Settings
  /** This device's key, when the data directory has one. */
  readonly key: Keys.DeviceKey | undefined
}

/** An event appended and applied. */
export interface Appended {
  readonly key: string
  readonly outcome: Extract<Replica.Outcome, { readonly _tag: "Applied" }>
}

/** A session on one community. */
export interface Room extends Session {
  readonly handle: Client.CommunityHandle
  /** Community id (hex). */
  readonly id: string
  /** Community name. */
  readonly name: string
  /** The `core` state (members, params). */
  readonly core: () => Membership.State
  /** The `governance` state. */
  readonly gov: () => Governance.State
  /** The identity this device acts for here, if any (any status). */
  readonly me: () => string | undefined
  /** This device's key; fails when the data directory has none. */
  readonly device: () => Keys.DeviceKey
  /** The identity this device acts for, which must be a full member; fails with a sentence otherwise. */
  readonly requireFull: () => string
  /** How this community's people are named here: names given on this device, then the names they published, then labels. */
  readonly names: () => CoreNames.Directory
  /** The names given on this device and the community's directory, for {@link Names.find}. */
  readonly people: () => Names.People
  /** How a member is shown: the name given on this device, else the one they published, else their label. */
  readonly nameOf: (identity: string) => string
  /** A text for people (a reason the community gave) with the ids in it replaced by names. */
  readonly plain: (text: string) => string
  /** The identity among `candidates` that `input` names (see {@link Names.find}); fails with a sentence when none or several do. */
  readonly find: (input: string, candidates: ReadonlyArray<string>, what?: string) => string
  /** Community time now. */
  readonly communityTime: () => number
  /** A date in words, in the run's time zone. */
  readonly date: (ms: number) => string
  /** A date with how far it is from this device's clock. */
  readonly when: (ms: number) => string
  /**
   * Sign and append an event by this device at its clock's time, with `payload` beside its
   * body if given; fails with a sentence when the community refuses it.
   */
  readonly append: (draft: Governance.Draft, what: string, options?: { readonly payload?: Uint8Array }) => Promise<Appended>
}

/** Open the data directory (locked while `f` runs); `key: "create"` makes the device key when there is none. */
export const withSession = async <A>(ctx: Context, options: { readonly key: "create" | "load" }, f: (session: Session) => Promise<A>): Promise<A> => {
  const release = await Home.lock(ctx.home)
  try {
    const settings = await Settings.load(ctx.home)
    // Received events are held while they claim a time more than the tolerance past the
    // machine's clock; when this device's clock runs ahead of the machine's, the tolerance
    // grows by as much, so they are held by this device's clock.
    const ahead = Math.max(0, ctx.now() - Date.now())
    const client = await Client.make({
      storage: StorageSqlite.layer({ file: ctx.home.store }),
      modules,
      futureTolerance: Community.FUTURE_TOLERANCE + ahead
    })
    try {
      const key = options.key === "create" ? (await KeyFile.loadOrCreate(ctx.home, client)).key : await KeyFile.load(ctx.home, client)
      let result: A
      try {
        result = await f({ ctx, client, settings, key })
      } catch (e) {
        // What was done before the failure (a community joined, relays added) is kept.
        await Settings.save(ctx.home, settings).catch(() => undefined)
        throw e
      }
      await Settings.save(ctx.home, settings)
      return result
    } finally {
      await client.close()
    }
  } finally {
    await release()
  }
}

/** The community `input` names among those stored: its name (any case), its number in `affinity communities`, or its id (8 or more hex digits). */
export const findCommunity = async (session: Session, input: string): Promise<string> => {
  const ids = [...(await session.client.communities())].sort()
  const text = input.trim()
  const lower = text.toLowerCase()
  const byName = ids.filter((id) => session.settings.communities[id]?.name.toLowerCase() === lower)
  const byNumber = /^[1-9][0-9]*$/.test(text) ? ordered(session, ids).slice(Number(text) - 1, Number(text)) : []
  const byId = /^[0-9a-f]{8,64}$/.test(lower) ? ids.filter((id) => id.startsWith(lower)) : []
  for (const found of [byName, byNumber, byId]) {
    if (found.length === 1) return found[0]!
    if (found.length > 1) throw usage("Ambiguous", `several communities are called “${text}”; use its number in \`affinity communities\``)
  }
  throw usage("UnknownCommunity", `there is no community “${text}” in this data directory; \`affinity communities\` lists them`)
}

/** Community ids in the order `affinity communities` lists them: by name, then id. */
export const ordered = (session: Session, ids: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...ids].sort((a, b) => {
    const na = session.settings.communities[a]?.name ?? ""
    const nb = session.settings.communities[b]?.name ?? ""
    return na.localeCompare(nb) || (a < b ? -1 : a > b ? 1 : 0)
  })

/** Open the community a command acts on (`--community`, else the one in use) and run `f` on it. */
export const withCommunity = <A>(ctx: Context, f: (room: Room) => Promise<A>): Promise<A> =>
  withSession(ctx, { key: "load" }, async (session) => {
    const id = ctx.community !== undefined ? await findCommunity(session, ctx.community) : session.settings.current
    if (id === null)
      throw usage(
        "NoCommunity",
        "no community is in use: create one (`affinity create <name>`), join one (`affinity join <code>`), or pick one (`affinity use <community>`)"
      )
    return f(await openRoom(session, id))
  })

/** Open a stored community as a {@link Room}. */
export const openRoom = async (session: Session, id: string): Promise<Room> => {
  const handle = await session.client.open(id).catch((e: unknown) => {
    if (e instanceof Error && "_tag" in e && e._tag === "CommunityNotFound")
      throw failed("CommunityNotFound", `community ${session.settings.communities[id]?.name ?? id} is not in this data directory's store (${e.message})`)
    throw e
  })
  return room(session, handle)
}

/** A {@link Room} over an open community. */
export const room = (session: Session, handle: Client.CommunityHandle): Room => {
  const { ctx, settings, key } = session
  const core = () => handle.state<Membership.State>("core")
  const gov = () => handle.state<Governance.State>("governance")
  const name = core().community.name
  Settings.community(settings, handle.id).name = name
  const me = () => (key === undefined ? undefined : core().devices[key.id])
  const device = () => {
    if (key === undefined) throw failed("NoKey", "this data directory has no device key yet: create a community or join one first")
    return key
  }
  // The directory is made again when the log or the names given here change.
  let cached: { readonly key: string; readonly directory: CoreNames.Directory } | undefined
  const names = (): CoreNames.Directory => {
    const key = `${handle.community.replica.log.size}|${JSON.stringify(settings.names)}`
    if (cached?.key !== key) cached = { key, directory: handle.names(settings.names) }
    return cached.directory
  }
  const people = (): Names.People => ({ given: settings.names, directory: names() })
  const nameOf = (identity: string) => names().nameOf(identity)
  const requireFull = () => {
    const identity = me()
    const status = identity === undefined ? undefined : core().identities[identity]?.status
    if (identity !== undefined && status === "full") return identity
    if (status === "applicant")
      throw failed(
        "NotAFullMember",
        `you asked to join ${name} and the members have not admitted you yet; run \`affinity sync\` to see whether they have`
      )
    if (status === "left") throw failed("MemberLeft", `you are no longer a member of ${name}`)
    throw failed("NotAMember", `this device does not act for any member of ${name}; join it with an invitation (\`affinity join <code>\`)`)
  }
  return {
    ...session,
    handle,
    id: handle.id,
    name,
    core,
    gov,
    me,
    device,
    requireFull,
    names,
    people,
    nameOf,
    plain: (text) => Names.plain(people(), text),
    find: (input, candidates, what) => Names.find(input, candidates, people(), me(), what),
    communityTime: () => Reads.communityTime(handle),
    date: (ms) => Dates.date(ms, ctx.timeZone),
    when: (ms) => Dates.when(ms, ctx.now(), ctx.timeZone),
    append: async (draft, what, options = {}) => {
      const { key: k, outcome } = await handle.append(device(), draft.module, draft.type, draft.body, {
        time: ctx.now(),
        ...(options.payload === undefined ? {} : { payload: options.payload })
      })
      if (outcome._tag === "Rejected") throw Explain.refusal(outcome.reason, what, (text) => Names.plain(people(), text))
      return { key: k, outcome }
    }
  }
}

/** Whether an identity is a full member. */
export const isFull = (core: Membership.State, identity: string): boolean => core.identities[identity]?.status === "full"

/** Full members, sorted. */
export const fullMembers = (core: Membership.State): ReadonlyArray<string> => Membership.members(core)
