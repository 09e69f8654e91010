import type { Reporter, TestModule } from "vitest/node"

/**
 * Ends every test run with one plain line, `N passed, N failed` (and `, N skipped`), the
 * totals CI reads. A test file that fails to load counts as one failure.
 */
export default class TotalsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of testModules) {
      let tests = 0
      for (const t of m.children.allTests()) {
        tests++
        const state = t.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
      if (tests === 0 && m.state() === "failed") failed++
    }
    failed += unhandledErrors.length
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`)
  }
}
