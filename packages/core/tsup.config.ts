import { defineConfig } from "tsup"

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "module/index": "src/module/index.ts",
    "testing/index": "src/testing/index.ts",
    "testing/cases": "src/testing/StorageCases.ts",
    "testing/StorageCrashChild": "src/testing/StorageCrashChild.ts",
    "conformance/index": "src/conformance/index.ts"
  },
  format: ["esm"],
  dts: { compilerOptions: { composite: false, customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: "es2023",
  removeNodeProtocol: false,
  external: ["vitest", "fast-check"]
})
