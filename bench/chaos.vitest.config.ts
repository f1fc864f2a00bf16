import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs only the chaos check (bench/chaos.test.ts, also part of the default run):
 * `pnpm exec vitest run --config bench/chaos.vitest.config.ts`.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/chaos.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
