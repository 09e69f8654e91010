import { describe, expect, it } from "vitest"
import * as v from "valibot"
import { type Cbor, Client, EventBodies, Module, Storage } from "@affinity/core"

type Notes = { readonly count: number }
const Post = v.strictObject({ text: v.pipe(v.string(), v.maxLength(280)) })
type Post = v.InferOutput<typeof Post>

const untyped = Module.make<Notes>({
  name: "notes",
  init: () => ({ count: 0 }),
  events: { post: Module.eventType<Notes, Post>({ body: Post, authority: "member", apply: (state) => ({ count: state.count + 1 }) }) }
})
const notes = EventBodies.typed<{ readonly post: Post }>()(untyped, "notes")

/**
 * Type tests: each `@ts-expect-error` must be an error, or the type check (`tsc -b`) fails.
 * The function is never called; the test below runs the same calls that are allowed.
 */
export const typeTests = async (): Promise<void> => {
  const client = await Client.make({ storage: Storage.layerMemory, modules: [notes] })
  const me = await client.generateKey()
  const board = await client.create({ name: "Board", author: me })
  await board.append(me, "notes", "post", { text: "ok" })
  await board.append(me, "core", "tick", {})
  await board.append(me, { module: "notes", type: "post", body: { text: "ok" } })
  await board.check(me, "core", "member.leave", { note: "bye" })
  // @ts-expect-error: no event type "pots" in notes
  await board.append(me, "notes", "pots", { text: "no" })
  // @ts-expect-error: no module "nots"
  await board.append(me, "nots", "post", { text: "no" })
  // @ts-expect-error: a post's body has "text"
  await board.append(me, "notes", "post", { txt: "no" })
  // @ts-expect-error: an excess key
  await board.append(me, "notes", "post", { text: "no", pinned: true })
  // @ts-expect-error: a tick's body is empty
  await board.append(me, "core", "tick", { n: 1 })
  // @ts-expect-error: the identity is bytes
  await board.append(me, "core", "member.admit", { identity: me.id })
  // @ts-expect-error: a draft with a misspelt type
  await board.append(me, { module: "notes", type: "pots", body: { text: "no" } })
  // @ts-expect-error: check is typed the same way
  await board.check(me, "core", "tik", {})
  // Names held in `string` values are checked at run time only.
  const [module, type]: ReadonlyArray<string> = ["notes", "post"]
  await board.append(me, module!, type!, { anything: 1 })
  await board.append(me, "notes", type!, { anything: 1 })
  const dynamic: EventBodies.Draft = { module: "notes", type: "post", body: { text: "ok" } }
  await board.append(me, dynamic)
  // A handle typed by modules is still a `CommunityHandle`, which takes any event.
  const plain: Client.CommunityHandle = board
  const anyClient: Client.Client = client
  await plain.append(me, "anything", "at-all", { x: 1 })
  await anyClient.close()

  // A client with no modules knows core only.
  const bare = await Client.make({ storage: Storage.layerMemory })
  const garden = await bare.create({ name: "Garden", author: me })
  // @ts-expect-error: notes is not registered with this client
  await garden.append(me, "notes", "post", { text: "no" })
  // A module list the type checker cannot see into leaves every append to run time.
  const modules: ReadonlyArray<Module.Module> = [notes]
  const open = await (await Client.make({ storage: Storage.layerMemory, modules })).create({ name: "Open", author: me })
  await open.append(me, "whatever", "goes", { x: 1 })
  const body: Cbor.Value = { text: "ok" }
  await open.append(me, "notes", "post", body)
}

describe("EventBodies", () => {
  it("types a module without changing it, and checks the name it is given", () => {
    expect(notes).toBe(untyped)
    expect(() => EventBodies.typed<{ readonly post: Post }>()(untyped, "note")).toThrow(TypeError)
    expect(() => EventBodies.typed<{ readonly post: Post }>()(untyped, "note")).toThrow(/named "notes", not "note"/)
  })

  it("appends typed events in both forms, and still checks untyped ones at run time", async () => {
    const client = await Client.make({ storage: Storage.layerMemory, modules: [notes] })
    const me = await client.generateKey()
    const board = await client.create({ name: "Board", author: me })
    expect((await board.append(me, "notes", "post", { text: "hello" })).outcome._tag).toBe("Applied")
    expect((await board.append(me, { module: "notes", type: "post", body: { text: "again" } })).outcome._tag).toBe("Applied")
    expect(board.state<Notes>("notes").count).toBe(2)
    const type: string = "pots"
    const wrong = await board.append(me, "notes", type, { text: "no" })
    expect(wrong.outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "UnknownType", message: "module notes has no event type pots" } })
    const draft: EventBodies.Draft = { module: "notes", type: "post", body: { txt: "no" } }
    expect((await board.append(me, draft)).outcome).toMatchObject({ _tag: "Rejected", reason: { _tag: "InvalidBody" } })
    await client.close()
  })
})
