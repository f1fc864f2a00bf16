import { randomUUID } from 'node:crypto';
import type { Job } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from './errors';
import { startStallingProxy } from './stalling-proxy';
import { natsUrl, pause, Recorder, reportSkip, TestBuses, testEvent } from './test-support';

reportSkip('leases.test.ts');

describe.skipIf(!natsUrl)('leases of running events', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('keeps a handler that runs for three ack waits from being redelivered to another worker', async () => {
    const ackWaitMs = 1000;
    const prefix = buses.prefix();
    const run = randomUUID().slice(0, 8);
    const [first, second] = [
      await buses.open({ prefix, ackWaitMs }),
      await buses.open({ prefix, ackWaitMs }),
    ];
    const deliveries = new Recorder<{ worker: string; attempt: number }>();
    const finished = new Recorder<{ worker: string; aborted: boolean }>();
    const handle = (worker: string) => async (_event: unknown, job: Job) => {
      deliveries.push({ worker, attempt: job.attempt });
      await pause(3.5 * ackWaitMs);
      finished.push({ worker, aborted: job.signal.aborted });
    };
    first.work(handle('first'), { concurrency: 1 });
    second.work(handle('second'), { concurrency: 1 });

    expect(await first.enqueue(testEvent(run, 'long', 'c1'))).toEqual({ status: 'accepted' });
    await finished.until((items) => items.length === 1, 'the long handler to finish');
    // A redelivery would have come one ack wait after the lease lapsed; give it that chance.
    await pause(ackWaitMs * 1.5);
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]?.attempt).toBe(1);
    expect(finished.items[0]?.aborted).toBe(false);
  });

  it('aborts the job with LeaseLostError when its connection stalls past the ack wait, and another worker takes over', async () => {
    const ackWaitMs = 1200;
    const prefix = buses.prefix();
    const run = randomUUID().slice(0, 8);
    const proxy = await startStallingProxy(natsUrl ?? '');
    try {
      const stalling = await buses.open({ prefix, ackWaitMs, url: proxy.url, closeTimeoutMs: 500 });
      const healthy = await buses.open({ prefix, ackWaitMs });
      const started = new Recorder<number>();
      const abortReasons = new Recorder<unknown>();
      stalling.work(
        async (_event, job) => {
          started.push(job.attempt);
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
          abortReasons.push(job.signal.reason);
        },
        { concurrency: 1 },
      );
      const event = testEvent(run, 'stalled', 'c1');
      expect(await healthy.enqueue(event)).toEqual({ status: 'accepted' });
      await started.until((items) => items.length === 1, 'the stalling worker to start');

      proxy.stall();
      const taken = new Recorder<{ id: string; attempt: number }>();
      healthy.work(
        async (received, job) => {
          taken.push({ id: received.id, attempt: job.attempt });
        },
        { concurrency: 1 },
      );
      await abortReasons.until((items) => items.length === 1, 'the stalled job to be aborted');
      expect(LeaseLostError.isInstance(abortReasons.items[0])).toBe(true);
      await taken.until((items) => items.length === 1, 'the healthy worker to take the event');
      expect(taken.items).toEqual([{ id: event.id, attempt: 2 }]);
      proxy.resume();
      await pause(ackWaitMs);
      expect(taken.items).toHaveLength(1);
    } finally {
      proxy.resume();
      await buses.cleanup();
      await proxy.close();
    }
  });
});
