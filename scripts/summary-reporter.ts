import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the one line CI reads at the end of every run: `tests: N passed, M failed`. A file that fails
 * to load counts as one failure so a broken import can never pass silently.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      let cases = 0;
      for (const test of module.children.allTests()) {
        cases += 1;
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (cases === 0 && module.state() === 'failed') failed += 1;
    }
    const suffix = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${suffix}\n`);
  }
}
