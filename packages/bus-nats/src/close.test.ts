import { randomUUID } from 'node:crypto';
import { BusClosedError } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { natsUrl, Recorder, reportSkip, TestBuses, testEvent, untilDeliveredUnacked } from './test-support';

reportSkip('close.test.ts');

describe.skipIf(!natsUrl)('closing a NATS bus', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('hands waiting events back to other workers at once, acks the interrupted handler that finished, and rejects enqueue afterwards', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const closing = await buses.open({ prefix });
    const running = testEvent(run, 'running', 'c1');
    const waiting = testEvent(run, 'waiting', 'c1');
    const started = new Recorder<string>();
    closing.work(
      async (event, job) => {
        started.push(event.id);
        // Finish the task's durable state when told to stop, as the agent does.
        await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
      },
      { concurrency: 2 },
    );
    expect(await closing.enqueue(running)).toEqual({ status: 'accepted' });
    expect(await closing.enqueue(waiting)).toEqual({ status: 'accepted' });
    await started.until((items) => items.length === 1, 'the first event to start');
    // The second event is delivered too, and waits here behind the first.
    await untilDeliveredUnacked(prefix, 2);
    await closing.close();
    await expect(closing.enqueue(testEvent(run, 'late', 'c2'))).rejects.toSatisfy(BusClosedError.isInstance);

    const next = await buses.open({ prefix });
    const seen = new Recorder<{ id: string; attempt: number }>();
    next.work(
      async (event, job) => {
        seen.push({ id: event.id, attempt: job.attempt });
      },
      { concurrency: 1 },
    );
    await seen.until((items) => items.length === 1, 'the handed-back event');
    expect(seen.items).toEqual([{ id: waiting.id, attempt: 1 }]);
    expect(started.items).toEqual([running.id]);
  });
});
