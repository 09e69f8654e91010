import { Builder } from "./build.ts"
import { key } from "./world.ts"

/**
 * A random concurrent history: founders and newcomers write ticks, apply, add and revoke
 * devices, leave, and sometimes fork their own chain, each event citing a random subset
 * of what exists.
 */
export const history = (seed: number, size: number): Builder => {
  let s = seed >>> 0
  const rand = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s % n
  }
  const founders = [key(1), key(2), key(3)]
  // key(4) is a founder the random history never uses, so tests can append after it.
  const b = new Builder([...founders, key(4)])
  const actors = [...founders]
  let next = 10
  for (let n = 0; n < size; n++) {
    const pick = rand(100)
    const pool = b.events
    const parents = [pool[pool.length - 1 - rand(Math.min(4, pool.length))]!]
    if (rand(2) === 0) parents.push(pool[rand(pool.length)]!)
    const unique = [...new Map(parents.map((p) => [p.key, p])).values()]
    const actor = actors[rand(actors.length)]!
    try {
      if (pick < 55) b.add(actor, "core", "tick", {}, { parents: unique })
      else if (pick < 65) {
        const newcomer = key(next++)
        actors.push(newcomer)
        b.add(newcomer, "core", "member.apply", { note: "hi" }, { parents: unique })
      } else if (pick < 72) {
        const device = key(next++)
        b.add(actor, "core", "device.add", b.deviceAdd(actor, device), { parents: unique })
        actors.push(device)
      } else if (pick < 78) b.add(actor, "core", "device.revoke", { device: actors[rand(actors.length)]!.publicKey }, { parents: unique })
      else if (pick < 82) b.add(actor, "core", "member.leave", { note: "bye" }, { parents: unique })
      else if (pick < 86) {
        // Fork: reuse the actor's previous sequence number.
        const mine = b.events.filter((e) => e.header.author.every((x, i) => x === actor.publicKey[i]))
        const last = mine[mine.length - 1]
        if (last && last.header.seq > 1) {
          const prev = mine.find((e) => e.header.seq === last.header.seq - 1) ?? null
          b.add(actor, "core", "tick", { }, { parents: unique, seq: last.header.seq, prev, time: last.header.time + 7 })
        } else b.add(actor, "core", "tick", {}, { parents: unique })
      } else if (pick < 92) b.add(actor, "core", "member.admit", { identity: actor.publicKey }, { parents: unique })
      else b.add(actor, "nowhere", "thing", { x: rand(5) }, { parents: unique })
    } catch {
      // A drawn combination that breaks a structural rule (e.g. time) is skipped.
    }
  }
  return b
}

export const shuffle = <T>(items: ReadonlyArray<T>, seed: number): Array<T> => {
  const out = [...items]
  let s = seed >>> 0
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 22695477) + 1) >>> 0
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

