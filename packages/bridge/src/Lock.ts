/**
 * The data directory's lock: a file holding the process id of the bridge that runs on it,
 * so that two never sign with one device key at once. A lock left by a process that no
 * longer runs is taken over.
 *
 * @module
 */
import { open, readFile, unlink } from "node:fs/promises"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Take the lock `file`; resolves to the function that releases it. Rejects with an `Error` naming the process that holds it. */
export const take = async (file: string): Promise<() => Promise<void>> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx", 0o600)
      await handle.writeFile(`${process.pid}\n`)
      await handle.close()
      let released = false
      return async () => {
        if (released) return
        released = true
        await unlink(file).catch(() => undefined)
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      const pid = Number.parseInt((await readFile(file, "utf8").catch(() => "")).trim(), 10)
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new Error(`another bridge (process ${pid}) runs on this data directory; stop it first`)
      if (pid === process.pid) throw new Error("a bridge of this process already runs on this data directory")
      await unlink(file).catch(() => undefined)
    }
  }
  throw new Error(`could not take the lock ${file}; if no bridge runs, delete that file and start again`)
}
