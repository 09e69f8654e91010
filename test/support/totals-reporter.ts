import type { Reporter, TestModule } from "vitest/node"

/**
 * Ends every test run with one plain line, `N passed, N failed` (and `, N skipped`), the
 * totals CI reads. A test file that fails without a failed test (it does not load, or a
 * hook fails) counts as one failure.
 */
export default class TotalsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of testModules) {
      let failedHere = 0
      for (const t of m.children.allTests()) {
        const state = t.result().state
        if (state === "passed") passed++
        else if (state === "failed") failedHere++
        else skipped++
      }
      // A file that fails with no failed test of its own (it does not load, or a hook
      // fails and its tests are skipped) counts as one failure.
      if (failedHere === 0 && m.state() === "failed") failedHere = 1
      failed += failedHere
    }
    failed += unhandledErrors.length
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`)
  }
}
