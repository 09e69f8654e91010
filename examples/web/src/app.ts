/**
 * The app: one state, one render path. Routes come from the address (`#/c/<id>/…`,
 * `#join=<code>`, or `?community=<id>` on load); actions come from buttons and forms
 * (`data-action`, `data-form`) and end in a render. Everything goes through the public
 * SDK: `@affinity/core`'s Promise client, `@affinity/governance`'s builders and records.
 *
 * @module
 */
import { Bytes, type Client, Crypto, Event, Invitation, Keys, type Membership, type Module, Names as CoreNames } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Effect } from "effect"
import * as Archive from "./archive.ts"
import * as Backend from "./backend.ts"
import * as DeviceRequest from "./deviceRequest.ts"
import { formValues, patch } from "./dom.ts"
import * as Forms from "./forms.ts"
import * as Names from "./names.ts"
import * as Notice from "./notice.ts"
import * as RelayAddress from "./relayAddress.ts"
import * as Screens from "./screen.ts"
import { page } from "./view.ts"
import type { Composing, MemberView, RoomView, Route, Tab, ViewState } from "./viewParts.ts"

/** Layers of a lot onion: one per term this device can take part in. */
export const LOT_LAYERS = 1_000

/** Options of {@link start}. */
export interface AppOptions {
  /** Prefix of the IndexedDB databases (default `"affinity-web"`). */
  readonly database?: string
  /** Relay address proposed when creating a community. */
  readonly defaultRelay?: string
}

interface Room {
  readonly handle: Client.CommunityHandle
  relays: ReadonlyArray<string>
  invitation: string | undefined
  hasLotSecret: boolean
  names: Names.Given
  /** The highest sequence number of this device's events that a relay is known to hold. */
  shared: number
  /** This device's standing at the last render, to notice an admission. */
  status: Module.MemberStatus | undefined
  readonly stop: () => void
}

/** How often the app checks whether a relay holds everything this device signed. */
const SHARED_CHECK = 1_000

/** How long a connected relay may take to confirm a change before the page says it is not shared yet. */
const SHARED_GRACE = 6_000

const HEX64 = "([0-9a-f]{64})"
const ROUTE = new RegExp(`^#/c/${HEX64}(?:/(proposals|members|terms|record|device|more|new|p)(?:/${HEX64})?)?$`)
/** A module's page: `#/c/<id>/m/<module>`, then what it names (a channel, a case…: letters, digits, `.` and `-`). */
const MODULE_ROUTE = new RegExp(`^#/c/${HEX64}/m/([a-z]+)(?:/([0-9a-z.-]{1,80}))?$`)

/** The route of an address hash. */
export const parseRoute = (hash: string): Route => {
  if (hash.startsWith("#join=")) return { page: "join", code: hash.slice("#join=".length) }
  const mod = MODULE_ROUTE.exec(hash)
  if (mod && Screens.isScreen(mod[2]!)) return { page: "community", id: mod[1]!, tab: "module", module: mod[2], ...(mod[3] ? { sub: mod[3] } : {}) }
  const m = ROUTE.exec(hash)
  if (!m) return { page: "home" }
  const [, id, tab, sub] = m
  if (tab === "p") return sub ? { page: "community", id: id!, tab: "proposal", proposal: sub } : { page: "community", id: id!, tab: "proposals" }
  if (tab === "new") return sub ? { page: "community", id: id!, tab: "new", admit: sub } : { page: "community", id: id!, tab: "new" }
  return { page: "community", id: id!, tab: (tab as Tab | undefined) ?? "proposals" }
}

const download = (name: string, data: BlobPart, type: string) => {
  const url = URL.createObjectURL(new Blob([data], { type }))
  const a = document.createElement("a")
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

const fileName = (name: string): string => name.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").toLowerCase() || "community"

/** Start the app in `root`. */
export const start = async (root: HTMLElement, options: AppOptions = {}): Promise<void> => {
  // The modules have just loaded, in one task of their own: start the device in the next.
  await new Promise<void>((resolve) => setTimeout(resolve, 0))

  // `?community=<id>` opens a stored community directly.
  const direct = new URLSearchParams(location.search).get("community")
  if (parseRoute(location.hash).page === "home" && direct && /^[0-9a-f]{64}$/.test(direct)) history.replaceState(null, "", `#/c/${direct}`)
  let route: Route = parseRoute(location.hash)

  const backend = await Backend.make({
    ...(options.database ? { database: options.database } : {}),
    // Another tab kept the data until now: reopen everything from storage as the writer.
    onPromoted: () => location.reload(),
    // The community this address opens is read from storage while the device starts.
    ...(route.page === "community" ? { prefetch: route.id } : {})
  })
  const { client, key } = backend

  let notice: Notice.Notice<RoomView | undefined> | undefined
  let errors: Record<string, string> = {}
  let composing: Composing
  let online = navigator.onLine
  let appAddress = `${location.origin}${location.pathname}`
  let busy = false
  let communities: ReadonlyArray<{ id: string; name: string }> = []
  let room: Room | undefined
  let invitation: Invitation.Invitation | undefined
  let deviceRequest: string | undefined
  let interactive = false
  /** The modules' screens loaded so far (each loads the first time one of its pages opens). */
  const screens = new Map<Screens.ScreenName, Screens.Screen>()

  // --- rendering ---------------------------------------------------------------------------

  const noteOf = (handle: Client.CommunityHandle, at: string): string | undefined => {
    const bytes = handle.community.replica.bytesOf(at)
    const d = bytes ? Event.decode(bytes) : undefined
    const note = d?.ok ? (d.event.body as { note?: unknown }).note : undefined
    return typeof note === "string" && note !== "" ? note : undefined
  }

  const roomView = (r: Room): RoomView => {
    const handle = r.handle
    const replica = handle.community.replica
    const core = handle.state<Membership.State>("core")
    const identity = core.devices[key.id]
    const members: Array<MemberView> = Object.entries(core.identities)
      .map(([id, m]) => ({
        id,
        status: m.status,
        devices: m.devices,
        founder: core.community.founders.includes(id),
        you: id === identity,
        note: m.status === "applicant" ? noteOf(handle, m.history[0]!.at) : undefined
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    return {
      id: handle.id,
      name: core.community.name,
      device: key.id,
      identity,
      status: identity ? core.identities[identity]?.status : undefined,
      founder: identity !== undefined && core.community.founders.includes(identity),
      communityTime: Governance.communityTime(replica),
      stateHash: handle.stateHash(),
      events: replica.log.size,
      params: core.community.params,
      members,
      full: members.filter((m) => m.status === "full").map((m) => m.id),
      gov: handle.state<Governance.State>("governance"),
      state: <S>(module: string) => handle.state(module) as S,
      payload: (k) => handle.payload(k),
      actionApplied: (k) => {
        const o = replica.outcome(k)
        return o?._tag === "Applied" && o.actions.length > 0 ? o.actions.every((a) => a._tag === "Applied") : undefined
      },
      outcome: (k) => replica.outcome(k),
      relays: r.relays,
      hasLotSecret: r.hasLotSecret,
      invitation: r.invitation,
      names: r.names,
      directory: handle.names(r.names),
      unshared: unshared(r),
      unsynced: unsyncedShown(r)
    }
  }

  /** Say something on the page at `at` (default: this one); `holds` ends it as soon as the state it describes is gone. */
  const say = (kind: "ok" | "error", text: string, options: { readonly at?: string; readonly holds?: (room: RoomView | undefined) => boolean } = {}) => {
    notice = { kind, text, page: Notice.pageKey(options.at ?? location.hash), ...(options.holds ? { holds: options.holds } : {}) }
  }

  const render = () => {
    const shownRoom = room && route.page === "community" && route.id === room.handle.id ? roomView(room) : undefined
    if (room && shownRoom) {
      if (room.status === "applicant" && shownRoom.status === "full") say("ok", `You are now a full member of “${shownRoom.name}”: you can open proposals and take stances.`)
      room.status = shownRoom.status
    }
    const shown = Notice.current(notice, location.hash, shownRoom)
    if (shown === undefined) notice = undefined
    const s: ViewState = {
      route,
      notice: shown,
      errors,
      busy,
      writer: backend.writer(),
      online,
      relays: backend.relays(),
      communities,
      room: shownRoom,
      invitation,
      deviceRequest,
      defaultRelay: options.defaultRelay ?? "",
      appAddress,
      composing,
      now: Date.now(),
      screen: route.page === "community" && route.tab === "module" && route.module ? screens.get(route.module) : undefined
    }
    patch(root, page(s))
    if (s.room && !interactive) {
      interactive = true
      performance.mark("affinity:interactive")
    }
  }
  let scheduled = false
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setTimeout(() => {
      scheduled = false
      render()
    }, 0)
  }

  // --- communities -------------------------------------------------------------------------

  const loadList = async () => {
    const ids = await client.communities()
    communities = await Promise.all(
      ids.map(async (id) => ({ id, name: Backend.text(await backend.getValue(id, "name")) ?? `community ${Names.label(id)}` }))
    )
  }

  const remember = async (id: string, name: string, relays: ReadonlyArray<string>) => {
    await backend.setValue(id, "name", Backend.bytes(name))
    await backend.setValue(id, "relays", Backend.bytes(JSON.stringify(relays)))
  }

  const relaysOf = async (id: string): Promise<ReadonlyArray<string>> => {
    try {
      const parsed: unknown = JSON.parse(Backend.text(await backend.getValue(id, "relays")) ?? "[]")
      return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === "string" && RelayAddress.isValid(u)).slice(0, Invitation.MAX_RELAYS) : []
    } catch {
      return []
    }
  }

  /**
   * What the app keeps on this device for a community besides its events: its relays,
   * whether it has a lot secret, the names given to members, and how far a relay is known
   * to hold this device's events.
   */
  const deviceValues = (id: string) =>
    Promise.all([
      relaysOf(id),
      backend.getValue(id, "lot").then((lot) => lot !== undefined),
      backend.getValue(id, "names").then((v) => Names.parse(Backend.text(v))),
      backend.getValue(id, "shared").then((v) => {
        const n = Number(Backend.text(v) ?? "0")
        return Number.isSafeInteger(n) && n >= 0 ? n : 0
      })
    ])

  const enter = async (handle: Client.CommunityHandle, values = deviceValues(handle.id)) => {
    if (room?.handle.id === handle.id) return
    room?.stop()
    const [relays, hasLotSecret, names, shared] = await values
    const unsubscribe = handle.subscribe(() => {
      schedule()
      void attest()
      void prepareScreen()
    })
    const status = handle.state<Membership.State>("core").identities[handle.state<Membership.State>("core").devices[key.id] ?? ""]?.status
    room = { handle, relays, invitation: undefined, hasLotSecret, names, shared, status, stop: unsubscribe }
    pendingSince = undefined
    backend.carry(handle.community, relays)
    void attest()
  }

  /** Change the relays of the open community on this device; invitations made from now on carry them. */
  const setRelays = async (r: Room, relays: ReadonlyArray<string>) => {
    await backend.setValue(r.handle.id, "relays", Backend.bytes(JSON.stringify(relays)))
    r.relays = relays
    r.invitation = undefined
    backend.carry(r.handle.community, relays)
  }

  /** The events of this device that no relay is known to hold. */
  const unshared = (r: Room): number => Math.max(0, (r.handle.community.replica.log.tip(key.id)?.seq ?? 0) - r.shared)

  /** Since when the open community has had changes of this device that no relay is known to hold (page time). */
  let pendingSince: number | undefined

  /**
   * The changes of this device that no relay is known to hold, when that is worth saying:
   * when no relay of the community is connected, or when a connected one has not confirmed
   * them within {@link SHARED_GRACE} (it usually takes a second or two); else 0.
   */
  const unsyncedShown = (r: Room): number => {
    const n = unshared(r)
    if (n === 0) {
      pendingSince = undefined
      return 0
    }
    const now = Date.now()
    if (pendingSince === undefined) {
      pendingSince = now
      // Render once more when the grace ends, in case nothing else does.
      setTimeout(schedule, SHARED_GRACE + 100)
    }
    const statuses = backend.relays()
    const connected = online && r.relays.some((u) => statuses.get(u) === "online")
    return !connected || now - pendingSince >= SHARED_GRACE ? n : 0
  }

  /** Note how far a relay holds this device's events, when a connected relay has everything this device has. */
  const checkShared = () => {
    const r = room
    if (!r || !backend.relaySynced(r.handle.id)) return
    const tip = r.handle.community.replica.log.tip(key.id)?.seq ?? 0
    if (tip <= r.shared) return
    r.shared = tip
    pendingSince = undefined
    backend.setValue(r.handle.id, "shared", Backend.bytes(String(tip))).catch(() => undefined)
    schedule()
  }
  setInterval(checkShared, SHARED_CHECK)
  const onNetwork = () => {
    online = navigator.onLine
    schedule()
  }
  addEventListener("online", onNetwork)
  addEventListener("offline", onNetwork)

  const openRoom = async (id: string) => {
    if (room?.handle.id === id) return
    try {
      // Read while the community opens.
      const values = deviceValues(id)
      values.catch(() => undefined)
      await enter(await client.open(id), values)
      // Opening ends in a task of its own; the first render of the community starts the next.
      await new Promise<void>((resolve) => setTimeout(resolve, 0))
    } catch (e) {
      say("error", `Could not open this community: ${e instanceof Error ? e.message : String(e)}`, { at: "#/" })
      route = { page: "home" }
      history.replaceState(null, "", "#/")
      await loadList()
    }
  }

  /**
   * Community time moves with the clocks of the full members (`docs/protocol.md` §6): one
   * clock is enough while there are one or two of them; from three on, it takes two. When
   * this device speaks for a full member and its clock has passed a deadline the community
   * has not, it says so with a `core/tick`, once per deadline.
   */
  let attesting = false
  const attest = async () => {
    const r = room
    if (!r || attesting || !backend.writer()) return
    const replica = r.handle.community.replica
    const core = r.handle.state<Membership.State>("core")
    const identity = core.devices[key.id]
    if (!identity || core.identities[identity]?.status !== "full") return
    const gov = r.handle.state<Governance.State>("governance")
    const ct = Governance.communityTime(replica)
    const now = Date.now()
    const deadlines = [...Governance.Records.open(gov).map((p) => p.deadline), Governance.termStart(gov, core.community.params, gov.lastTerm + 1)]
    const due = deadlines.filter((d) => d <= now && d > ct)
    if (due.length === 0) return
    const tip = replica.log.tip(key.id)
    if (tip && replica.log.time[tip.index]! >= Math.max(...due)) return
    attesting = true
    try {
      await r.handle.append(key, "core", "tick", {})
    } catch {
      // Nothing to do: the next change or timer tries again.
    } finally {
      attesting = false
    }
  }
  setInterval(() => {
    void attest()
    schedule()
  }, 10_000)

  // --- routes ------------------------------------------------------------------------------

  const go = (hash: string) => {
    if (location.hash === hash) void onRoute()
    else location.hash = hash
  }

  const onRoute = async () => {
    route = parseRoute(location.hash)
    errors = {}
    composing = undefined
    if (route.page !== "join") {
      invitation = undefined
      deviceRequest = undefined
    }
    if (route.page === "home") {
      await loadList()
    } else if (route.page === "community") {
      await openRoom(route.id)
      if (route.tab === "module" && route.module) {
        const name = route.module
        if (!screens.has(name))
          try {
            screens.set(name, await Screens.load(name))
          } catch (e) {
            say("error", `This page could not be loaded: ${e instanceof Error ? e.message : String(e)}. Check the network and open it again.`)
          }
        await prepareScreen()
      }
    } else if (route.page === "join") {
      const decoded = await Invitation.decode(route.code, backend.crypto)
      if (!decoded.ok) {
        say("error", `This invitation cannot be used: ${decoded.error.message}.`, { at: "#/" })
        route = { page: "home" }
        history.replaceState(null, "", "#/")
        await loadList()
      } else invitation = decoded.invitation
    }
    render()
  }

  // --- actions -----------------------------------------------------------------------------

  const current = (): Room => {
    if (!room) throw new Error("no community is open")
    return room
  }

  /** A reason the community gave, for people: the ids in it replaced by names. */
  const plain = (r: Room, text: string): string => Names.plain(r.handle.names(r.names), text)

  /** Append a draft (with a payload beside its body, if given); a refusal becomes an error notice. Returns the key when applied. */
  const act = async (draft: Governance.Draft, options: { readonly payload?: Uint8Array } = {}): Promise<string | undefined> => {
    const r = current()
    try {
      const { key: k, outcome } = await backend.append(r.handle.community, draft.module, draft.type, draft.body, options)
      if (outcome._tag === "Rejected") {
        say("error", `Not done: ${plain(r, outcome.reason.message)}`)
        return undefined
      }
      return k
    } catch (e) {
      say("error", `Not done: ${e instanceof Error ? e.message : String(e)}`)
      return undefined
    }
  }

  /** What a module's screen may do, for the open community. */
  const screenContext = (): Screens.ScreenContext => {
    const r = current()
    const publishSealingKey = async () => {
      const core = r.handle.state<Membership.State>("core")
      const me = core.devices[key.id]
      if (!backend.writer() || me === undefined || core.identities[me]?.status !== "full") return
      if (!r.handle.sealingKeys([me]).some((k) => k.device === key.id)) await r.handle.publishSealingKey(key)
    }
    return {
      room: roomView(r),
      handle: r.handle,
      device: key.id,
      act: (draft, options) => act(draft, options),
      propose: async ({ title, text, actions, hours }) => {
        const base = Math.max(Date.now(), Governance.communityTime(r.handle.community.replica))
        const draft = Governance.propose({
          title,
          text,
          process: "consensus",
          deadline: base + hours * Governance.HOUR,
          ...(actions.length === 1 ? { action: actions[0]! } : { actions })
        })
        const k = await act(draft)
        if (k) {
          const target = `#/c/${r.handle.id}/p/${k}`
          say("ok", "The proposal is open. Members can now take their stances; if it passes, what it carries is done.", {
            at: target,
            holds: (v) => (proposalOf(v, k)?.status ?? "open") === "open"
          })
          go(target)
        }
        return k
      },
      say: (kind, text) => say(kind, text),
      fail: (field, message) => {
        errors = { ...errors, [field]: message }
      },
      go,
      download: (name, data, type) => download(name, data, type),
      publishSealingKey,
      seal: async (identities, secret, context) => {
        await publishSealingKey()
        const { sealed, recipients } = await r.handle.seal(identities, secret, context === undefined ? {} : { context })
        return { sealed, readers: [...new Set(recipients.map((x) => x.identity))].sort() }
      },
      unseal: async (sealed, context) => {
        const opened = await r.handle.unseal(key, sealed, context === undefined ? {} : { context })
        return opened.ok ? opened.secret : undefined
      },
      getValue: (k) => backend.getValue(r.handle.id, k),
      setValue: (k, value) => backend.setValue(r.handle.id, k, value)
    }
  }

  /** Let the open module page do what its view cannot (read sealed words, say), then render. */
  let preparing = false
  let prepareAgain = false
  const prepareScreen = async (): Promise<void> => {
    if (route.page !== "community" || route.tab !== "module" || !route.module || !room || room.handle.id !== route.id) return
    const screen = screens.get(route.module)
    if (!screen?.prepare) return
    if (preparing) {
      prepareAgain = true
      return
    }
    preparing = true
    try {
      do {
        prepareAgain = false
        await screen.prepare(screenContext(), route.sub).catch(() => undefined)
      } while (prepareAgain)
    } finally {
      preparing = false
    }
    schedule()
  }

  /** The handler of a module screen's form or button, named `<module>:<name>`. */
  const screenHandler = <K extends "forms" | "actions">(kind: K, name: string): Screens.Screen[K][string] | undefined => {
    const at = name.indexOf(":")
    if (at < 0) return undefined
    const module = name.slice(0, at)
    if (!Screens.isScreen(module)) return undefined
    const handlers = screens.get(module)?.[kind]
    const handler = handlers && Object.hasOwn(handlers, name.slice(at + 1)) ? handlers[name.slice(at + 1)] : undefined
    return handler as Screens.Screen[K][string] | undefined
  }

  const proposalOf = (r: RoomView | undefined, id: string) => (r ? Governance.Records.proposal(r.gov, id) : undefined)

  /**
   * Empty a form that did its work. A render may have replaced it while the work ran (the
   * community changed meanwhile), so the form of that name now on the page is emptied too.
   */
  const reset = (form: HTMLFormElement) => {
    form.reset()
    const name = form.getAttribute("data-form")
    for (const live of root.querySelectorAll<HTMLFormElement>("form[data-form]")) if (live.getAttribute("data-form") === name) live.reset()
  }

  const forms: Record<string, (values: Record<string, string>, form: HTMLFormElement) => Promise<void>> = {
    create: async (values, form) => {
      const checked = Forms.createCommunity({ name: values["name"] ?? "", relay: values["relay"] ?? "" }, location.protocol)
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      // Default parameters: the founder's clock alone moves community time while the community
      // has one or two full members; from three on, two members' clocks must agree.
      const handle = await client.create({ name: checked.value.name, author: key })
      await remember(handle.id, checked.value.name, checked.value.relays)
      reset(form)
      await enter(handle)
      const target = `#/c/${handle.id}/members`
      say("ok", `“${checked.value.name}” is created. Invite people below.`, { at: target })
      go(target)
    },
    "open-invitation": async (values) => {
      const code = Invitation.codeOf(values["code"] ?? "")
      if (code === "") {
        errors = { code: "paste an invitation link or code" }
        return
      }
      const decoded = await Invitation.decode(code, backend.crypto)
      if (!decoded.ok) {
        errors = { code: decoded.error.message }
        return
      }
      go(`#join=${code}`)
    },
    apply: async (values, form) => {
      const inv = invitation
      if (!inv) return
      const note = Forms.applyNote(values["note"] ?? "")
      if (!note.ok) {
        errors = { [note.field]: note.message }
        return
      }
      const name = (values["name"] ?? "").trim()
      const profile = name === "" ? undefined : Forms.profile({ name, pronouns: "" })
      if (profile && !profile.ok) {
        errors = { [profile.field]: profile.message }
        return
      }
      const handle = await client.join(inv.genesis)
      await remember(handle.id, inv.name, inv.relays.filter(RelayAddress.isValid))
      await enter(handle)
      const core = handle.state<Membership.State>("core")
      const target = `#/c/${handle.id}`
      // The page says where the application stands (the banner follows the member's status).
      if (core.devices[key.id] === undefined) {
        const { outcome } = await handle.append(key, "core", "member.apply", { note: note.value })
        if (outcome._tag === "Rejected") say("error", `Not done: ${Names.plain(handle.names(), outcome.reason.message)}`, { at: target })
        // An applicant may say who they are: the members see the name on the application.
        else if (profile?.ok) await handle.setProfile(key, profile.value)
      }
      reset(form)
      go(target)
    },
    propose: async (values, form) => {
      const r = current()
      const checked = Forms.proposal({ title: values["title"] ?? "", text: values["text"] ?? "", process: values["process"] ?? "", window: values["window"] ?? "" })
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      const admit = values["admit"]
      const base = Math.max(Date.now(), Governance.communityTime(r.handle.community.replica))
      const draft = Governance.propose({
        title: checked.value.title,
        text: checked.value.text,
        process: admit ? (checked.value.process === "poll" ? "consensus" : checked.value.process) : checked.value.process,
        deadline: base + checked.value.hours * Governance.HOUR,
        ...(admit && /^[0-9a-f]{64}$/.test(admit) ? { action: Governance.admit(admit) } : {})
      })
      const k = await act(draft)
      if (k) {
        reset(form)
        const target = `#/c/${r.handle.id}/p/${k}`
        say("ok", "The proposal is open. Members can now take their stances.", { at: target, holds: (v) => (proposalOf(v, k)?.status ?? "open") === "open" })
        go(target)
      }
    },
    stance: async (values, form) => {
      const checked = Forms.stance({ stance: values["stance"] ?? "", reason: values["reason"] ?? "" })
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      const pid = values["proposal"] ?? ""
      if (!/^[0-9a-f]{64}$/.test(pid)) return
      const versions = Governance.Records.proposal(current().handle.state<Governance.State>("governance"), pid)?.versions.length ?? 0
      if (!(await act(Governance.stance(pid, checked.value.stance, checked.value.reason)))) return
      reset(form)
      // It holds until the proposal ends or its text changes (an amendment clears every stance).
      // In a following tab the stance arrives a moment later, signed by the writing tab.
      say("ok", "Your stance is recorded.", {
        holds: (v) => {
          const q = proposalOf(v, pid)
          return q === undefined || (q.status === "open" && q.versions.length <= versions)
        }
      })
    },
    amend: async (values) => {
      const r = current()
      const pid = values["proposal"] ?? ""
      const p = Governance.Records.proposal(r.handle.state<Governance.State>("governance"), pid)
      if (!p || p.status !== "open") return
      const latest = p.versions[p.versions.length - 1]!
      const ct = Governance.communityTime(r.handle.community.replica)
      const checked = Forms.amend({ text: values["text"] ?? "", window: values["window"] ?? "" }, { text: latest.text, deadline: p.deadline }, ct)
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      const nd = checked.value.deadline
      // The actions stay what they were: an amendment without them would drop them.
      const actions = Governance.actionsOf(latest)
      const draft = Governance.amend(pid, {
        text: checked.value.text,
        ...(actions.length > 1 ? { actions } : actions.length === 1 ? { action: actions[0]! } : {}),
        ...(nd.keep ? {} : { deadline: Math.max(Date.now(), ct) + nd.hours * Governance.HOUR })
      })
      const version = p.versions.length + 1
      if (!(await act(draft))) return
      composing = undefined
      say("ok", "The new version is published. The stances taken so far no longer count: members take theirs again on the new text.", {
        holds: (v) => {
          const q = proposalOf(v, pid)
          return q === undefined || (q.status === "open" && q.versions.length <= version)
        }
      })
    },
    withdraw: async (values) => {
      const pid = values["proposal"] ?? ""
      if (!/^[0-9a-f]{64}$/.test(pid)) return
      const checked = Forms.withdraw({ reason: values["reason"] ?? "" })
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      if (!(await act(Governance.withdraw(pid, checked.value)))) return
      composing = undefined
      say("ok", "The proposal is withdrawn: nothing is decided, and the record keeps it as withdrawn.")
    },
    "add-device": async (values, form) => {
      const r = current()
      const decoded = await DeviceRequest.decode(backend.crypto, values["request"] ?? "", { community: r.handle.id, adder: key.publicKey })
      if (!decoded.ok) {
        errors = { request: decoded.message }
        return
      }
      if (await act({ module: "core", type: "device.add", body: { device: decoded.request.device, consent: decoded.request.consent } })) {
        reset(form)
        say("ok", "The device is added: it now acts for you in this community.")
      }
    },
    invite: async (values) => {
      const r = current()
      const address = Forms.appAddress(values["app"] ?? "")
      if (!address.ok) {
        errors = { [address.field]: address.message }
        return
      }
      appAddress = address.value
      await backend.setValue("app", "address", Backend.bytes(appAddress))
      const code = await Invitation.make({ genesis: r.handle.export()[0]!, relays: r.relays, inviter: key, crypto: backend.crypto })
      r.invitation = Invitation.link(appAddress, code)
    },
    "relay-add": async (values, form) => {
      const r = current()
      const checked = Forms.addRelay(values["relay"] ?? "", r.relays, Invitation.MAX_RELAYS, location.protocol)
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      await setRelays(r, [...r.relays, checked.value])
      reset(form)
      say("ok", `Added ${checked.value}. Invitations made from now on carry it.`)
    },
    profile: async (values) => {
      const checked = Forms.profile({ name: values["name"] ?? "", pronouns: values["pronouns"] ?? "" })
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      if (await act({ module: "core", type: "member.profile", body: {} }, { payload: CoreNames.encodeProfile(checked.value) }))
        say("ok", `Members now see you as ${checked.value.name} once they sync.`, {
          holds: (v) => (v?.identity === undefined ? false : v.directory.profileOf(v.identity)?.name === checked.value.name)
        })
    },
    name: async (values) => {
      const r = current()
      const identity = values["identity"] ?? ""
      if (!/^[0-9a-f]{64}$/.test(identity)) return
      const checked = Forms.memberName(values["name"] ?? "")
      if (!checked.ok) {
        errors = { "member-name": checked.message }
        return
      }
      const names = { ...r.names, [identity]: checked.value }
      await backend.setValue(r.handle.id, "names", Backend.bytes(JSON.stringify(names)))
      r.names = names
      composing = undefined
    }
  }

  /** Copy `text`: with the Clipboard API where the page has it, else through a selected text field. */
  const copy = async (text: string): Promise<boolean> => {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // Pages opened over plain http from a network address have no Clipboard API.
      const field = document.createElement("textarea")
      field.value = text
      field.setAttribute("readonly", "")
      field.style.position = "fixed"
      field.style.opacity = "0"
      document.body.appendChild(field)
      field.select()
      try {
        return document.execCommand("copy")
      } catch {
        return false
      } finally {
        field.remove()
      }
    }
  }

  const actions: Record<string, (el: HTMLElement) => Promise<void>> = {
    "device-request": async () => {
      const inv = invitation
      if (!inv) return
      const handle = await client.join(inv.genesis)
      await remember(handle.id, inv.name, inv.relays.filter(RelayAddress.isValid))
      await enter(handle)
      const consent = await Effect.runPromise(
        Keys.consent(key, Bytes.fromHex(inv.community)!, Bytes.fromHex(inv.inviter)!).pipe(Effect.provideService(Crypto.Crypto, backend.crypto))
      )
      deviceRequest = DeviceRequest.encode({ community: inv.community, adder: Bytes.fromHex(inv.inviter)!, device: key.publicKey, consent })
    },
    copy: async (el) => {
      if (await copy(el.getAttribute("data-copy") ?? "")) say("ok", "Copied.")
      else say("error", "This browser did not let the app copy; select the text and copy it by hand.")
    },
    "open-joined": async () => {
      if (invitation) go(`#/c/${invitation.community}`)
    },
    close: async (el) => {
      const pid = el.getAttribute("data-proposal") ?? ""
      if (!/^[0-9a-f]{64}$/.test(pid)) return
      if (await act(Governance.close(pid))) say("ok", "The outcome is recorded.")
    },
    "amend-start": async (el) => {
      composing = { form: "amend", target: el.getAttribute("data-proposal") ?? "" }
    },
    "withdraw-start": async (el) => {
      composing = { form: "withdraw", target: el.getAttribute("data-proposal") ?? "" }
    },
    "name-start": async (el) => {
      composing = { form: "name", target: el.getAttribute("data-identity") ?? "" }
    },
    "profile-erase": async () => {
      const r = current()
      const identity = r.handle.state<Membership.State>("core").devices[key.id]
      const mine = identity === undefined ? undefined : r.handle.state<Membership.State>("core").identities[identity]
      if (identity === undefined || mine === undefined) return
      // Every profile this member published that this device holds: the name goes from every copy.
      const published = Names.published(r.handle, new Set([identity, ...mine.devices, ...mine.revoked]))
      for (const header of published) if (!(await act({ module: "core", type: "payload.erase", body: { header } }))) return
      for (const form of root.querySelectorAll<HTMLFormElement>('form[data-form="profile"]')) form.reset()
      say("ok", "Your name is erased: members see you by your label again once they sync.")
    },
    "compose-cancel": async () => {
      composing = undefined
    },
    "relay-remove": async (el) => {
      const r = current()
      const url = el.getAttribute("data-relay") ?? ""
      if (!r.relays.includes(url)) return
      await setRelays(r, r.relays.filter((u) => u !== url))
      say("ok", `Removed ${url}. Invitations made from now on no longer carry it.`)
    },
    "lot-commit": async () => {
      const r = current()
      const secret = Crypto.generateSecret()
      await backend.setValue(r.handle.id, "lot", secret)
      r.hasLotSecret = true
      if (await act(Governance.commit(Governance.Lot.anchor(secret, LOT_LAYERS)))) say("ok", "Done. Once the next draw has recorded it, your share can go into every draw after that one.")
    },
    "lot-reveal": async () => {
      const r = current()
      const secret = await backend.getValue(r.handle.id, "lot")
      const gov = r.handle.state<Governance.State>("governance")
      const identity = r.handle.state<Membership.State>("core").devices[key.id]
      const onion = identity ? gov.onions[identity] : undefined
      if (!secret || !onion) return
      const term = gov.lastTerm + 1
      if (await act(Governance.reveal(term, Governance.Lot.layer(secret, LOT_LAYERS, onion.revealed + 1)))) say("ok", `Your share is added to the draw of term ${term}.`)
    },
    "term-draw": async () => {
      const gov = current().handle.state<Governance.State>("governance")
      if (await act(Governance.draw(gov.lastTerm + 1))) say("ok", `The seats of term ${gov.lastTerm + 1} are drawn.`)
    },
    export: async () => {
      const r = current()
      const name = r.handle.state<Membership.State>("core").community.name
      download(`${fileName(name)}${Archive.EXTENSION}`, Archive.encode(r.handle.id, r.handle.export()) as Uint8Array<ArrayBuffer>, "application/octet-stream")
    },
    "download-record": async () => {
      const r = current()
      const replica = r.handle.community.replica
      const names = r.handle.names(r.names)
      const md = Governance.Records.toMarkdown(r.handle.state<Governance.State>("governance"), {
        outcomeOf: (k) => replica.outcome(k),
        nameOf: (id) => names.nameOf(id)
      })
      download(`${fileName(r.handle.state<Membership.State>("core").community.name)}-decisions.md`, md, "text/markdown")
    }
  }

  const importFile = async (file: File) => {
    const decoded = Archive.decode(new Uint8Array(await file.arrayBuffer()))
    if (!decoded.ok) {
      say("error", `Nothing imported: ${decoded.message}.`)
      return
    }
    const a = decoded.archive
    let handle: Client.CommunityHandle
    try {
      handle = await client.join(a.genesis)
    } catch (e) {
      say("error", `Nothing imported: the community's first event does not verify (${e instanceof Error ? e.message : String(e)}).`)
      return
    }
    const verdicts = await handle.receive(a.events)
    const count = (tag: string) => verdicts.filter((v) => v._tag === tag).length
    const name = handle.state<Membership.State>("core").community.name
    if ((await backend.getValue(handle.id, "name")) === undefined) await remember(handle.id, name, [])
    const refused = count("Invalid") + count("Pending")
    const held = count("Held")
    const target = `#/c/${handle.id}`
    say(
      refused > 0 ? "error" : "ok",
      `Imported “${name}”: ${count("Valid") + 1} new events, ${count("Duplicate")} already here` +
        `${held > 0 ? `, ${held} held until this device's clock reaches the time they claim` : ""}` +
        `${refused > 0 ? `, ${refused} refused (they do not verify or lack their parents)` : ""}.`,
      { at: target }
    )
    await enter(handle)
    go(target)
  }

  /** Run an action: busy while it runs, any failure shown as a notice, then render. */
  const run = async (work: () => Promise<void>) => {
    if (busy) return
    busy = true
    notice = undefined
    errors = {}
    render()
    try {
      await work()
    } catch (e) {
      say("error", e instanceof Error ? e.message : String(e))
    } finally {
      busy = false
      render()
    }
  }

  root.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement
    const name = form.getAttribute("data-form")
    const handler = name && Object.hasOwn(forms, name) ? forms[name] : undefined
    const onScreen = name ? screenHandler("forms", name) : undefined
    if (!handler && !onScreen) return
    event.preventDefault()
    void run(async () => {
      if (handler) await handler(formValues(form), form)
      else if (onScreen) await onScreen(formValues(form), screenContext(), form)
    })
  })
  root.addEventListener("click", (event) => {
    const el = (event.target as HTMLElement).closest<HTMLElement>("button[data-action]")
    const name = el?.getAttribute("data-action") ?? ""
    const handler = el && Object.hasOwn(actions, name) ? actions[name] : undefined
    const onScreen = el ? screenHandler("actions", name) : undefined
    if (el && handler) void run(() => handler(el))
    else if (el && onScreen) void run(() => onScreen(el, screenContext()))
  })
  root.addEventListener("change", (event) => {
    const input = event.target as HTMLInputElement
    if (input.getAttribute("data-action") !== "import" || !input.files?.[0]) return
    const file = input.files[0]
    input.value = ""
    void run(() => importFile(file))
  })
  window.addEventListener("hashchange", () => {
    // A notice belongs to the page it was said on.
    if (notice && notice.page !== Notice.pageKey(location.hash)) notice = undefined
    void onRoute()
  })
  backend.onStatus(schedule)
  const storedAddress = Backend.text(await backend.getValue("app", "address"))
  if (storedAddress !== undefined && Forms.appAddress(storedAddress).ok) appAddress = storedAddress
  // The list of communities is read by the home page's route only.
  await onRoute()
}
