/**
 * The chaos check, CI-sized: a few kills of the box on every platform, on PGlite (and on Postgres when
 * DATABASE_URL is set), then the lifecycle's promise (DESIGN.md §5b): every request ends with exactly one
 * final reply, no duplicates, no message left partial, no task left running or queued, no committed row lost.
 *
 * It runs in the default suite (about 1–2 minutes per driver on the 2-core machine); on its own:
 *
 *   pnpm exec vitest run bench/chaos.test.ts
 */
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from './chaos/options';
import { totalRow, violations } from './chaos/report';
import { runChaos } from './chaos/run';

const SEED = 20_261_206;
const databaseUrl = process.env['DATABASE_URL'] || undefined;
const drivers = databaseUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('the box killed mid-request, on %s', (driver) => {
  it('ends every request with exactly one final reply, leaves no task open and loses no row', async () => {
    const [result] = await runChaos({
      kills: 3,
      platforms: PLATFORMS,
      drivers: [driver],
      seed: SEED,
      settleMs: 35_000,
      box: 'bundle',
      keep: false,
      databaseUrl,
      // Slack's retries sooner than the full bench's (0 s, 12 s, 60 s), so they all fall within the settle.
      slackRetryDelaysMs: [0, 5_000, 20_000],
    });
    if (result === undefined) throw new Error('no result');
    const total = totalRow(result.rows);
    const unhappy = result.requests
      .filter(
        (request) =>
          request.verdict === 'no-final' ||
          request.verdict === 'duplicate' ||
          request.transcript.some((line) => line.startsWith('unfinished')),
      )
      .map((request) => `${request.marker} ${request.verdict}: ${request.transcript.join(' | ')}`);
    expect({ violations: violations(result), unhappy }).toEqual({ violations: [], unhappy: [] });
    expect(total.oneFinal + total.gaveUp).toBe(total.requests);
  }, 240_000);
});
