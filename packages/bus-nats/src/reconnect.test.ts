import { randomUUID } from 'node:crypto';
import type { Bus, InboundEvent, ReplyPart } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type StallingProxy, startStallingProxy } from './stalling-proxy';
import { natsUrl, Recorder, reportSkip, TestBuses, testEvent, untilDeliveredUnacked } from './test-support';

reportSkip('reconnect.test.ts');

/**
 * Short, so that an event the server hands to the connection just as it breaks (lost with it, and
 * only given out again after the ack wait) still arrives well inside the tests' waits.
 */
const ackWaitMs = 3000;

describe.skipIf(!natsUrl)('a dropped connection', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  /**
   * A worker connected through `proxy` (one event at a time, each run through `step` and then
   * recorded in `handled`) and a gateway connected directly, on `prefix`.
   */
  const workerBehind = async (
    proxy: StallingProxy,
    prefix: string,
    step: (event: InboundEvent, worker: Bus) => Promise<void> = async () => {},
  ) => {
    const worker = await buses.open({ prefix, url: proxy.url, ackWaitMs });
    const gateway = await buses.open({ prefix, ackWaitMs });
    const handled = new Recorder<string>();
    worker.work(
      async (event) => {
        await step(event, worker);
        handled.push(event.id);
      },
      { concurrency: 1 },
    );
    return { worker, gateway, handled };
  };

  it('is re-established: the worker keeps taking events and its replies reach the gateway', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const proxy = await startStallingProxy(natsUrl ?? '');
    try {
      const owner = `gateway-${run}`;
      const { gateway, handled } = await workerBehind(proxy, prefix, (event, bus) =>
        bus.publishReply(event.id, owner, { type: 'reply-end', text: `done ${event.id}`, meta: {} }),
      );
      const parts = new Recorder<{ requestId: string; part: ReplyPart }>();
      gateway.onReplies(owner, async (requestId, part) => {
        parts.push({ requestId, part });
      });
      const before = testEvent(run, 'before', 'c1');
      expect(await gateway.enqueue(before)).toEqual({ status: 'accepted' });
      await handled.until((items) => items.includes(before.id), 'the event before the cut');
      // Cut once its ack is through (an ack lost in the cut would only mean one more delivery later).
      await untilDeliveredUnacked(prefix, 0);

      proxy.cut();
      const after = testEvent(run, 'after', 'c1');
      expect(await gateway.enqueue(after)).toEqual({ status: 'accepted' });
      await handled.until((items) => items.includes(after.id), 'the event after the cut', 30_000);
      await parts.until((items) => items.length === 2, 'both replies at the gateway');
      expect(parts.items.map((item) => item.requestId)).toEqual([before.id, after.id]);
      expect(handled.items).toEqual([before.id, after.id]);
    } finally {
      await buses.cleanup();
      await proxy.close();
    }
  }, 60_000);

  it('loses no event the server handed to it as it broke: the event comes again after the ack wait', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const proxy = await startStallingProxy(natsUrl ?? '');
    try {
      const { gateway, handled } = await workerBehind(proxy, prefix);
      const warmUp = testEvent(run, 'warm-up', 'c1');
      expect(await gateway.enqueue(warmUp)).toEqual({ status: 'accepted' });
      await handled.until((items) => items.includes(warmUp.id), 'the warm-up event');
      await untilDeliveredUnacked(prefix, 0);

      proxy.stall();
      const lost = testEvent(run, 'lost', 'c1');
      expect(await gateway.enqueue(lost)).toEqual({ status: 'accepted' });
      await untilDeliveredUnacked(prefix, 1);
      const cutAt = Date.now();
      proxy.cut();
      await handled.until((items) => items.includes(lost.id), 'the event lost in the cut', 30_000);
      expect(Date.now() - cutAt).toBeGreaterThanOrEqual(ackWaitMs / 2);
      expect(handled.items).toEqual([warmUp.id, lost.id]);
    } finally {
      await buses.cleanup();
      await proxy.close();
    }
  }, 60_000);
});
