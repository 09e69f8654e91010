import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["@affinity/source"] },
  ssr: { resolve: { conditions: ["@affinity/source"] } },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
      "bench/test/**/*.test.ts",
      "test/**/*.test.ts"
    ],
    reporters: ["default", "./test/support/totals-reporter.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
