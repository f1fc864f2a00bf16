/**
 * The scale-out chaos check, CI-sized: one gateway and two workers on the real NATS and Postgres (skipped
 * without NATS_URL and DATABASE_URL), workers SIGKILLed mid-answer and the gateway once mid-stream, each
 * restarted. Every request must end with exactly one final reply that is the whole answer (an error
 * notice does not count), in order within its conversation, and no task may be left running or queued. The full run is `pnpm bench:scale-chaos` (bench/README.md).
 */
import { describe, expect, it } from 'vitest';
import { runScaleChaos } from './scale-chaos/run';

const databaseUrl = process.env['DATABASE_URL'];
const natsUrl = process.env['NATS_URL'];

describe.runIf(databaseUrl && natsUrl)('a gateway and two workers, killed mid-answer', () => {
  it('gives every request exactly one final reply, in order, and leaves no task running', async () => {
    const result = await runScaleChaos(
      {
        requests: 24,
        conversations: 6,
        workers: 2,
        workerKills: 3,
        gatewayKills: 1,
        sendOverMs: 16_000,
        settleMs: 60_000,
        seed: 2026,
        databaseUrl: databaseUrl ?? '',
        natsUrl: natsUrl ?? '',
      },
      () => {},
    );
    expect({
      failures: result.failures,
      wholeAnswers: result.wholeAnswers,
      outOfOrder: result.outOfOrder,
      stuck: result.stuckTasks,
      tasks: result.tasks,
    }).toMatchObject({ failures: [], wholeAnswers: result.requests, outOfOrder: 0, stuck: 0 });
    expect(result.workerKills + result.gatewayKills).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
