import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["@affinity/source"] },
  ssr: { resolve: { conditions: ["@affinity/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
