/**
 * The data directory: where a member's device key, communities and settings live on disk.
 *
 * It is `--dir`, else `AFFINITY_HOME`, else `~/.affinity`. Inside:
 *
 * | file | what | mode |
 * |---|---|---|
 * | `device.key` | this device's key (see `KeyFile`) | `0600` |
 * | `communities.sqlite` | every community's events (`@affinity/storage-sqlite`) | |
 * | `settings.json` | the community in use, relays, names given to members | |
 * | `lot.json` | secrets of this device's lot commitments (see `LotFile`) | `0600` |
 * | `lock` | held while a command runs, so two never sign at once | |
 *
 * The directory is created with mode `0700`. Only one command runs on a data directory at a
 * time: two processes appending with one device key could sign two events with one sequence
 * number, which the community records as a fork of that key, and its events would stop
 * counting (`docs/protocol.md` §4).
 *
 * @module
 */
import { mkdir, open, readFile, unlink } from "node:fs/promises"
import { homedir } from "node:os"
import { join, resolve as resolvePath } from "node:path"
import { failed } from "./Failure.ts"
import type { Io } from "./Io.ts"

/** Paths of a data directory. */
export interface Home {
  readonly dir: string
  readonly keyFile: string
  readonly store: string
  readonly settings: string
  readonly lotFile: string
  readonly lockFile: string
}

/** The data directory named by `--dir`, `AFFINITY_HOME`, or the default `~/.affinity`. */
export const locate = (dir: string | undefined, io: Io): Home => {
  const chosen = dir ?? io.env?.["AFFINITY_HOME"] ?? join(io.home ?? homedir(), ".affinity")
  const at = resolvePath(chosen)
  return {
    dir: at,
    keyFile: join(at, "device.key"),
    store: join(at, "communities.sqlite"),
    settings: join(at, "settings.json"),
    lotFile: join(at, "lot.json"),
    lockFile: join(at, "lock")
  }
}

/** Create the data directory (mode `0700`) when missing. */
export const ensure = async (home: Home): Promise<void> => {
  await mkdir(home.dir, { recursive: true, mode: 0o700 })
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Take the data directory's lock; resolves to the function that releases it. A lock left by
 * a process that no longer runs is taken over; one held by a running process is a failure
 * that names it.
 */
export const lock = async (home: Home): Promise<() => Promise<void>> => {
  await ensure(home)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(home.lockFile, "wx", 0o600)
      await file.writeFile(`${process.pid}\n`)
      await file.close()
      let released = false
      return async () => {
        if (released) return
        released = true
        await unlink(home.lockFile).catch(() => undefined)
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      const pid = Number.parseInt((await readFile(home.lockFile, "utf8").catch(() => "")).trim(), 10)
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw failed(
          "Busy",
          `another affinity command (process ${pid}) is using ${home.dir}; wait for it to finish, or stop it, then try again`
        )
      await unlink(home.lockFile).catch(() => undefined)
    }
  }
  throw failed("Busy", `could not take the lock ${home.lockFile}; if no affinity command is running, delete that file and try again`)
}
