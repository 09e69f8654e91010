import { defineConfig } from "vite"

// The SDK packages are read from their TypeScript sources (the "@affinity/source" export
// condition), so the app runs without building the packages first.
export default defineConfig({
  resolve: { conditions: ["@affinity/source", "browser", "module", "import", "default"] },
  build: { target: "es2022", sourcemap: false },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" }
})
