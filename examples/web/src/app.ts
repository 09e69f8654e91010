/**
 * The app: one state, one render path. Routes come from the address (`#/c/<id>/…`,
 * `#join=<code>`, or `?community=<id>` on load); actions come from buttons and forms
 * (`data-action`, `data-form`) and end in a render. Everything goes through the public
 * SDK: `@affinity/core`'s Promise client, `@affinity/governance`'s builders and records.
 *
 * @module
 */
import { Bytes, type Client, Crypto, Event, Invitation, Keys, type Membership } from "@affinity/core"
import * as Governance from "@affinity/governance"
import { Effect } from "effect"
import * as Archive from "./archive.ts"
import * as Backend from "./backend.ts"
import * as DeviceRequest from "./deviceRequest.ts"
import { formValues, patch } from "./dom.ts"
import * as Forms from "./forms.ts"
import { type MemberView, page, type Route, type RoomView, type Tab, type ViewState } from "./view.ts"

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
  readonly stop: () => void
}

const HEX64 = "([0-9a-f]{64})"
const ROUTE = new RegExp(`^#/c/${HEX64}(?:/(proposals|members|terms|record|device|new|p)(?:/${HEX64})?)?$`)

/** The route of an address hash. */
export const parseRoute = (hash: string): Route => {
  if (hash.startsWith("#join=")) return { page: "join", code: hash.slice("#join=".length) }
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

  let notice: ViewState["notice"]
  let errors: Record<string, string> = {}
  let busy = false
  let communities: ReadonlyArray<{ id: string; name: string }> = []
  let room: Room | undefined
  let invitation: Invitation.Invitation | undefined
  let deviceRequest: string | undefined
  let interactive = false

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
      gov: handle.state<Governance.State>("governance"),
      actionApplied: (k) => {
        const o = replica.outcome(k)
        return o?._tag === "Applied" && o.actions.length > 0 ? o.actions.every((a) => a._tag === "Applied") : undefined
      },
      relays: r.relays,
      hasLotSecret: r.hasLotSecret,
      invitation: r.invitation
    }
  }

  const viewState = (): ViewState => ({
    route,
    notice,
    errors,
    busy,
    writer: backend.writer(),
    relays: backend.relays(),
    communities,
    room: room && route.page === "community" && route.id === room.handle.id ? roomView(room) : undefined,
    invitation,
    deviceRequest,
    defaultRelay: options.defaultRelay ?? "",
    now: Date.now()
  })

  const render = () => {
    const s = viewState()
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
      ids.map(async (id) => ({ id, name: Backend.text(await backend.getValue(id, "name")) ?? `community ${id.slice(0, 8)}` }))
    )
  }

  const remember = async (id: string, name: string, relays: ReadonlyArray<string>) => {
    await backend.setValue(id, "name", Backend.bytes(name))
    await backend.setValue(id, "relays", Backend.bytes(JSON.stringify(relays)))
  }

  const relaysOf = async (id: string): Promise<ReadonlyArray<string>> => {
    try {
      const parsed: unknown = JSON.parse(Backend.text(await backend.getValue(id, "relays")) ?? "[]")
      return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === "string" && Invitation.isRelayUrl(u)) : []
    } catch {
      return []
    }
  }

  /** What the app keeps on this device for a community besides its events: relays, and whether it has a lot secret. */
  const deviceValues = (id: string) => Promise.all([relaysOf(id), backend.getValue(id, "lot").then((lot) => lot !== undefined)])

  const enter = async (handle: Client.CommunityHandle, values = deviceValues(handle.id)) => {
    if (room?.handle.id === handle.id) return
    room?.stop()
    const [relays, hasLotSecret] = await values
    const unsubscribe = handle.subscribe(() => {
      schedule()
      void attest()
    })
    room = { handle, relays, invitation: undefined, hasLotSecret, stop: unsubscribe }
    backend.carry(handle.community, relays)
    void attest()
  }

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
      notice = { kind: "error", text: `Could not open this community: ${e instanceof Error ? e.message : String(e)}` }
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
    if (route.page !== "join") {
      invitation = undefined
      deviceRequest = undefined
    }
    if (route.page === "home") {
      await loadList()
    } else if (route.page === "community") {
      await openRoom(route.id)
    } else if (route.page === "join") {
      const decoded = await Invitation.decode(route.code, backend.crypto)
      if (!decoded.ok) {
        notice = { kind: "error", text: `This invitation cannot be used: ${decoded.error.message}.` }
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

  /** Append a draft; a refusal becomes an error notice. Returns the key when applied. */
  const act = async (draft: Governance.Draft, done?: string): Promise<string | undefined> => {
    const r = current()
    try {
      const { key: k, outcome } = await backend.append(r.handle.community, draft.module, draft.type, draft.body)
      if (outcome._tag === "Rejected") {
        notice = { kind: "error", text: `Not done: ${outcome.reason.message}` }
        return undefined
      }
      if (done) notice = { kind: "ok", text: done }
      return k
    } catch (e) {
      notice = { kind: "error", text: `Not done: ${e instanceof Error ? e.message : String(e)}` }
      return undefined
    }
  }

  const forms: Record<string, (values: Record<string, string>, form: HTMLFormElement) => Promise<void>> = {
    create: async (values, form) => {
      const checked = Forms.createCommunity({ name: values["name"] ?? "", relay: values["relay"] ?? "" })
      if (!checked.ok) {
        errors = { [checked.field]: checked.message }
        return
      }
      // Default parameters: the founder's clock alone moves community time while the community
      // has one or two full members; from three on, two members' clocks must agree.
      const handle = await client.create({ name: checked.value.name, author: key })
      await remember(handle.id, checked.value.name, checked.value.relays)
      form.reset()
      await enter(handle)
      notice = { kind: "ok", text: `“${checked.value.name}” is created. Invite people from Members.` }
      go(`#/c/${handle.id}/members`)
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
      const handle = await client.join(inv.genesis)
      await remember(handle.id, inv.name, inv.relays)
      await enter(handle)
      const core = handle.state<Membership.State>("core")
      if (core.devices[key.id] === undefined) {
        const { outcome } = await handle.append(key, "core", "member.apply", { note: note.value })
        if (outcome._tag === "Rejected") notice = { kind: "error", text: `Not done: ${outcome.reason.message}` }
        else notice = { kind: "ok", text: "You asked to join. Members will decide." }
      }
      form.reset()
      go(`#/c/${handle.id}`)
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
      const k = await act(draft, "The proposal is open. Members can now take their stances.")
      if (k) {
        form.reset()
        go(`#/c/${r.handle.id}/p/${k}`)
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
      if (await act(Governance.stance(pid, checked.value.stance, checked.value.reason), "Your stance is recorded.")) form.reset()
    },
    "add-device": async (values, form) => {
      const r = current()
      const decoded = await DeviceRequest.decode(backend.crypto, values["request"] ?? "", { community: r.handle.id, adder: key.publicKey })
      if (!decoded.ok) {
        errors = { request: decoded.message }
        return
      }
      if (await act({ module: "core", type: "device.add", body: { device: decoded.request.device, consent: decoded.request.consent } }, "The device is added: it now acts for you in this community.")) form.reset()
    }
  }

  const actions: Record<string, (el: HTMLElement) => Promise<void>> = {
    invite: async () => {
      const r = current()
      const code = await Invitation.make({ genesis: r.handle.export()[0]!, relays: r.relays, inviter: key, crypto: backend.crypto })
      r.invitation = Invitation.link(`${location.origin}${location.pathname}`, code)
    },
    "device-request": async () => {
      const inv = invitation
      if (!inv) return
      const handle = await client.join(inv.genesis)
      await remember(handle.id, inv.name, inv.relays)
      await enter(handle)
      const consent = await Effect.runPromise(
        Keys.consent(key, Bytes.fromHex(inv.community)!, Bytes.fromHex(inv.inviter)!).pipe(Effect.provideService(Crypto.Crypto, backend.crypto))
      )
      deviceRequest = DeviceRequest.encode({ community: inv.community, adder: Bytes.fromHex(inv.inviter)!, device: key.publicKey, consent })
    },
    copy: async (el) => {
      const text = el.getAttribute("data-copy") ?? ""
      try {
        await navigator.clipboard.writeText(text)
        notice = { kind: "ok", text: "Copied." }
      } catch {
        notice = { kind: "error", text: "This browser did not let the app copy; select the text and copy it by hand." }
      }
    },
    "open-joined": async () => {
      if (invitation) go(`#/c/${invitation.community}`)
    },
    close: async (el) => {
      const pid = el.getAttribute("data-proposal") ?? ""
      if (!/^[0-9a-f]{64}$/.test(pid)) return
      await act(Governance.close(pid), "The outcome is recorded.")
    },
    "lot-commit": async () => {
      const r = current()
      const secret = Crypto.generateSecret()
      await backend.setValue(r.handle.id, "lot", secret)
      r.hasLotSecret = true
      await act(Governance.commit(Governance.Lot.anchor(secret, LOT_LAYERS)), "You take part in the lot from the next term on.")
    },
    "lot-reveal": async () => {
      const r = current()
      const secret = await backend.getValue(r.handle.id, "lot")
      const gov = r.handle.state<Governance.State>("governance")
      const identity = r.handle.state<Membership.State>("core").devices[key.id]
      const onion = identity ? gov.onions[identity] : undefined
      if (!secret || !onion) return
      const term = gov.lastTerm + 1
      await act(Governance.reveal(term, Governance.Lot.layer(secret, LOT_LAYERS, onion.revealed + 1)), `Revealed for term ${term}.`)
    },
    "term-draw": async () => {
      const gov = current().handle.state<Governance.State>("governance")
      await act(Governance.draw(gov.lastTerm + 1), `Term ${gov.lastTerm + 1} is drawn.`)
    },
    export: async () => {
      const r = current()
      const name = r.handle.state<Membership.State>("core").community.name
      download(`${fileName(name)}${Archive.EXTENSION}`, Archive.encode(r.handle.id, r.handle.export()) as Uint8Array<ArrayBuffer>, "application/octet-stream")
    },
    "download-record": async () => {
      const r = current()
      const replica = r.handle.community.replica
      const md = Governance.Records.toMarkdown(r.handle.state<Governance.State>("governance"), { outcomeOf: (k) => replica.outcome(k) })
      download(`${fileName(r.handle.state<Membership.State>("core").community.name)}-decisions.md`, md, "text/markdown")
    }
  }

  const importFile = async (file: File) => {
    const decoded = Archive.decode(new Uint8Array(await file.arrayBuffer()))
    if (!decoded.ok) {
      notice = { kind: "error", text: `Nothing imported: ${decoded.message}.` }
      return
    }
    const a = decoded.archive
    let handle: Client.CommunityHandle
    try {
      handle = await client.join(a.genesis)
    } catch (e) {
      notice = { kind: "error", text: `Nothing imported: the community's first event does not verify (${e instanceof Error ? e.message : String(e)}).` }
      return
    }
    const verdicts = await handle.receive(a.events)
    const count = (tag: string) => verdicts.filter((v) => v._tag === tag).length
    const name = handle.state<Membership.State>("core").community.name
    if ((await backend.getValue(handle.id, "name")) === undefined) await remember(handle.id, name, [])
    const refused = count("Invalid") + count("Pending")
    const held = count("Held")
    notice = {
      kind: refused > 0 ? "error" : "ok",
      text:
        `Imported “${name}”: ${count("Valid") + 1} new events, ${count("Duplicate")} already here` +
        `${held > 0 ? `, ${held} held until this device's clock reaches the time they claim` : ""}` +
        `${refused > 0 ? `, ${refused} refused (they do not verify or lack their parents)` : ""}.`
    }
    await enter(handle)
    go(`#/c/${handle.id}`)
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
      notice = { kind: "error", text: e instanceof Error ? e.message : String(e) }
    } finally {
      busy = false
      render()
    }
  }

  root.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement
    const name = form.getAttribute("data-form")
    const handler = name ? forms[name] : undefined
    if (!handler) return
    event.preventDefault()
    void run(() => handler(formValues(form), form))
  })
  root.addEventListener("click", (event) => {
    const el = (event.target as HTMLElement).closest<HTMLElement>("button[data-action]")
    const handler = el ? actions[el.getAttribute("data-action")!] : undefined
    if (el && handler) void run(() => handler(el))
  })
  root.addEventListener("change", (event) => {
    const input = event.target as HTMLInputElement
    if (input.getAttribute("data-action") !== "import" || !input.files?.[0]) return
    const file = input.files[0]
    input.value = ""
    void run(() => importFile(file))
  })
  window.addEventListener("hashchange", () => {
    notice = notice?.kind === "ok" ? notice : undefined
    void onRoute()
  })
  backend.onStatus(schedule)
  // The list of communities is read by the home page's route only.
  await onRoute()
}
