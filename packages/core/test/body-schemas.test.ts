import { describe, expect, it } from "vitest"
import { Body, Module } from "@affinity/core/module"

const Note = Body.strict({
  text: Body.text(1, 10),
  kind: Body.literal(["idea", "task"]),
  votes: Body.optional(Body.int(0, 5)),
  tags: Body.optional(Body.array(Body.pattern(/^[a-z]+$/, "a tag in lower-case letters"), 0, 2)),
  ref: Body.optional(Body.bytes(4)),
  due: Body.optional(Body.oneOf<number | null>("a time or null", Body.int(0, 100), Body.nullValue)),
  extra: Body.optional(Body.value)
})

const decode = (value: unknown) => Body.decode(Note, value)

describe("Body: decoding bodies with plain messages", () => {
  it("accepts exactly the named keys and keeps absent optional keys absent", () => {
    const r = decode({ text: "hi", kind: "idea" })
    expect(r).toEqual({ ok: true, value: { text: "hi", kind: "idea" } })
    expect(r.ok && Object.keys(r.value)).toEqual(["text", "kind"])
    const full = { text: "hi", kind: "task", votes: 5, tags: ["a", "b"], ref: Uint8Array.of(1, 2, 3, 4), due: null, extra: { any: [1, "x"] } }
    expect(decode(full)).toEqual({ ok: true, value: full })
  })

  it("names the key and what was expected when a body does not fit", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [3, "expected a map, got 3"],
      [[], "expected a map, got Array"],
      [Uint8Array.of(1), "expected a map, got Uint8Array"],
      [{ kind: "idea" }, "text: missing"],
      [{ text: "hi", kind: "idea", colour: "red" }, "colour: unexpected key"],
      [{ text: "", kind: "idea" }, "text: must not be empty"],
      [{ text: "far too long", kind: "idea" }, "text: must have at most 10 characters"],
      [{ text: 7, kind: "idea" }, "text: expected a text string"],
      [{ text: "hi", kind: "chore" }, 'kind: expected one of "idea", "task"'],
      [{ text: "hi", kind: "idea", votes: 6 }, "votes: must be between 0 and 5"],
      [{ text: "hi", kind: "idea", votes: 1.5 }, "votes: expected an integer"],
      [{ text: "hi", kind: "idea", tags: ["a", "b", "c"] }, "tags: must have at most 2 items"],
      [{ text: "hi", kind: "idea", tags: ["A"] }, "tags[0]: expected a tag in lower-case letters"],
      [{ text: "hi", kind: "idea", tags: "a" }, "tags: expected an array"],
      [{ text: "hi", kind: "idea", ref: Uint8Array.of(1) }, "ref: expected a byte string of 4 bytes"],
      [{ text: "hi", kind: "idea", due: "soon" }, "due: expected a time or null"]
    ]
    for (const [value, message] of cases) expect(decode(value), JSON.stringify(value)).toEqual({ ok: false, message })
  })

  it("refuses a `__proto__` key like any key it does not name, and does not pollute the result", () => {
    const body: Record<string, unknown> = { text: "hi", kind: "idea" }
    Object.defineProperty(body, "__proto__", { value: { polluted: true }, enumerable: true, configurable: true, writable: true })
    expect(decode(body)).toEqual({ ok: false, message: "__proto__: unexpected key" })
  })

  it("refines a value with a message that says what to change, after the shape is good", () => {
    const Stance = Body.refine(Body.strict({ stance: Body.literal(["agree", "block"]), reason: Body.optional(Body.text(0, 100)) }), (b) =>
      b.stance === "block" && !b.reason ? "a block needs a reason" : undefined
    )
    expect(Body.decode(Stance, { stance: "block" })).toEqual({ ok: false, message: "a block needs a reason" })
    expect(Body.decode(Stance, { stance: "agree" }).ok).toBe(true)
    expect(Body.decode(Stance, { stance: "maybe" })).toEqual({ ok: false, message: 'stance: expected one of "agree", "block"' })
  })

  it("never throws, even when a refinement does", () => {
    const Boom = Body.refine(Body.strict({}), () => {
      throw new Error("boom")
    })
    expect(Body.decode(Boom, {})).toEqual({ ok: false, message: "the schema failed: boom" })
    const type = Module.eventType<number, {}>({ body: Boom, authority: "member", apply: (n) => n })
    expect(type.decode({})).toEqual({ ok: false, message: "the body schema failed: boom" })
  })

  it("is what Module.eventType decodes with, as a Standard Schema, with the same messages", () => {
    const post = Module.eventType<number, Body.Infer<typeof Note>>({ body: Note, authority: "member", apply: (n) => n + 1 })
    expect(post.decode({ text: "hi", kind: "idea", colour: "red" })).toEqual({ ok: false, message: "colour: unexpected key" })
    expect(post.decode({ text: "hi", kind: "idea" })).toEqual({ ok: true, value: { text: "hi", kind: "idea" } })
  })
})
