import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { natsUrl, reportSkip, TestBuses, testEvent } from './test-support';

reportSkip('queue-bound.test.ts');

describe.skipIf(!natsUrl)('the bounded queue', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('answers busy with the configured retry-after once the byte limit is reached', async () => {
    const run = randomUUID().slice(0, 8);
    const bus = await buses.open({ queueLimit: 1000, queueMaxBytes: 2048, busyRetryAfterMs: 1234 });
    const results = [];
    for (let index = 0; index < 10; index += 1) {
      results.push(await bus.enqueue(testEvent(run, `big-${index}`, `c${index}`, { text: 'x'.repeat(400) })));
    }
    const firstBusy = results.findIndex((result) => result.status === 'busy');
    expect(firstBusy).toBeGreaterThan(0);
    expect(results.slice(0, firstBusy).every((result) => result.status === 'accepted')).toBe(true);
    expect(results[firstBusy]).toEqual({ status: 'busy', retryAfterMs: 1234 });
  });

  it('answers duplicate, not busy, for a known id while the queue is full', async () => {
    const run = randomUUID().slice(0, 8);
    const bus = await buses.open({ queueLimit: 1 });
    const first = testEvent(run, 'first', 'c1');
    expect(await bus.enqueue(first)).toEqual({ status: 'accepted' });
    expect((await bus.enqueue(testEvent(run, 'second', 'c2'))).status).toBe('busy');
    expect(await bus.enqueue(first)).toEqual({ status: 'duplicate' });
  });

  it('keeps events in the stream for a worker that starts later (durable)', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const producer = await buses.open({ prefix });
    const event = testEvent(run, 'kept', 'c1');
    expect(await producer.enqueue(event)).toEqual({ status: 'accepted' });
    await producer.close();

    const worker = await buses.open({ prefix });
    const received = await new Promise<string>((resolve) => {
      worker.work(
        async (delivered) => {
          resolve(delivered.id);
        },
        { concurrency: 1 },
      );
    });
    expect(received).toBe(event.id);
  });
});
