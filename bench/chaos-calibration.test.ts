/**
 * Calibrates the chaos bench (bench/chaos.ts) against the real box with no kills: every request on every
 * platform must then count as exactly one final reply, with nothing partial, open or lost. If the box's CLI,
 * environment or protocols change under the bench, this fails here rather than as false alarms in a chaos
 * run. (A platform giving up for lack of an acknowledgement within 3 s is a sign of a machine too loaded,
 * not of a broken instrument, so it is tolerated.)
 */
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from './chaos/options';
import { totalRow, violations } from './chaos/report';
import { runChaos } from './chaos/run';

const databaseUrl = process.env['DATABASE_URL'] || undefined;
const drivers = databaseUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('the chaos bench without kills, on %s', (driver) => {
  it('counts exactly one final reply for every request and leaves nothing behind', async () => {
    const [result] = await runChaos({
      kills: 0,
      platforms: PLATFORMS,
      drivers: [driver],
      seed: 1,
      settleMs: 90_000,
      box: 'bundle',
      keep: false,
      databaseUrl,
    });
    if (result === undefined) throw new Error('no result');
    const unhappy = result.requests
      .filter((request) => request.verdict === 'no-final' || request.verdict === 'duplicate')
      .map((request) => `${request.marker} ${request.verdict}: ${request.transcript.join(' | ')}`);
    expect({ violations: violations(result), unhappy }).toEqual({ violations: [], unhappy: [] });
    const total = totalRow(result.rows);
    expect(total.requests).toBe(PLATFORMS.length);
    expect(total.oneFinal + total.gaveUp).toBe(total.requests);
    expect(total.oneFinal).toBeGreaterThan(0);
    expect(total.notices).toBe(0);
    expect(total.reruns).toBe(0);
    expect(result.database.statuses['succeeded']).toBe(total.oneFinal);
    expect(result.stoppedCleanly).toBe(true);
  }, 150_000);
});
