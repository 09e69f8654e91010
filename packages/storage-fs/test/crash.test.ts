import * as path from "node:path"
import { runStorageCrashTest } from "@affinity/core/testing"

runStorageCrashTest("storage-fs", {
  module: new URL("./crash-open.ts", import.meta.url),
  place: (root) => path.join(root, "kill"),
  // The community's event log, which grows with every append.
  growing: (directory) => path.join(directory, "c-crash", "events.log")
})
