import { DatabaseSync } from "node:sqlite"
import * as path from "node:path"
import { runStorageCrashTest } from "@affinity/core/testing"

runStorageCrashTest("storage-sqlite", {
  module: new URL("./crash-open.ts", import.meta.url),
  place: (root) => path.join(root, "kill", "store.db"),
  // A commit is most likely under way as soon as the write-ahead log grows.
  growing: (file) => `${file}-wal`,
  // SQLite's own check of the whole file: "ok" when every page and index is sound.
  check: (file) => {
    const db = new DatabaseSync(file)
    try {
      const verdict = String(Object.values(db.prepare("PRAGMA integrity_check").get() ?? {})[0])
      if (verdict !== "ok") throw new Error(`integrity_check: ${verdict}`)
    } finally {
      db.close()
    }
  }
})
