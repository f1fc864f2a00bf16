import type { InboundEvent } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { EventFactory, Gate, pause, Recorder } from './contract-fixtures';
import type { ContractContext } from './contract-suite';

/** A delivery as a handler saw it. */
interface Delivery {
  readonly id: string;
  readonly attempt: number;
  readonly worker?: string;
}

/** Delivery, deduplication, redelivery, the queue bound and subscriptions. */
export function queueContract(context: ContractContext): void {
  const { timeoutMs } = context;

  describe('delivery', () => {
    it('delivers every accepted event, unchanged, on attempt 1, also events enqueued before any worker', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const sent = Array.from({ length: 10 }, (_, index) => events.message(`e${index}`, `c${index % 3}`));
      for (const event of sent) expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });

      const seen = new Recorder<{ event: InboundEvent; attempt: number }>(timeoutMs);
      bus.work(
        async (event, job) => {
          seen.push({ event, attempt: job.attempt });
        },
        { concurrency: 4 },
      );
      await seen.until(
        (items) => new Set(items.map((item) => item.event.id)).size === sent.length,
        'all 10 events',
      );
      for (const event of sent) {
        expect(seen.items.find((item) => item.event.id === event.id)).toEqual({ event, attempt: 1 });
      }
    });

    it('answers duplicate for an id seen before (waiting, in flight or done) and delivers it once', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const first = events.message('a', 'c1');
      expect(await bus.enqueue(first)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(first)).toEqual({ status: 'duplicate' });

      const release = new Gate();
      const seen = new Recorder<Delivery>(timeoutMs);
      bus.work(
        async (event, job) => {
          seen.push({ id: event.id, attempt: job.attempt });
          if (event.id === first.id) await release.wait(timeoutMs);
        },
        { concurrency: 2 },
      );
      await seen.until((items) => items.length === 1, 'the first delivery');
      expect(await bus.enqueue(first)).toEqual({ status: 'duplicate' });
      release.open();

      // A later event of the same conversation is a barrier: had a copy been accepted, it would come first.
      const barrier = events.message('barrier-1', 'c1');
      expect(await bus.enqueue(barrier)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.some((item) => item.id === barrier.id), 'the first barrier');
      expect(await bus.enqueue({ ...first, text: 'the platform sent it again' })).toEqual({
        status: 'duplicate',
      });
      const secondBarrier = events.message('barrier-2', 'c1');
      expect(await bus.enqueue(secondBarrier)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.some((item) => item.id === secondBarrier.id), 'the second barrier');

      expect(seen.items.map((item) => item.id)).toEqual([first.id, barrier.id, secondBarrier.id]);
    });

    it('delivers an event again when it is enqueued under a fresh dedupe key, and once per key', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const event = events.message('requeued', 'c1');
      const seen = new Recorder<Delivery>(timeoutMs);
      bus.work(
        async (delivered, job) => {
          seen.push({ id: delivered.id, attempt: job.attempt });
        },
        { concurrency: 1 },
      );
      expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 1, 'the first delivery');
      const again = { dedupeKey: `${event.id}#resume-1` };
      expect(await bus.enqueue(event, again)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 2, 'the delivery under the fresh key');
      expect(await bus.enqueue(event, again)).toEqual({ status: 'duplicate' });
      expect(await bus.enqueue(event)).toEqual({ status: 'duplicate' });
      const barrier = events.message('barrier', 'c1');
      expect(await bus.enqueue(barrier)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.some((item) => item.id === barrier.id), 'the barrier');
      expect(seen.items.map((item) => item.id)).toEqual([event.id, event.id, barrier.id]);
    });

    it('redelivers a failed event with attempt 2 before later events of its conversation', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const failing = events.message('fails-once', 'c1');
      const next = events.message('next', 'c1');
      const received: InboundEvent[] = [];
      const seen = new Recorder<Delivery>(timeoutMs);
      bus.work(
        async (event, job) => {
          seen.push({ id: event.id, attempt: job.attempt });
          if (event.id === failing.id) received.push(event);
          if (event.id === failing.id && job.attempt === 1) throw new Error('the worker crashed');
        },
        { concurrency: 2 },
      );
      expect(await bus.enqueue(failing)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(next)).toEqual({ status: 'accepted' });

      await seen.until(
        (items) => items.some((item) => item.id === next.id),
        'the event behind the failed one',
      );
      expect(seen.items).toEqual([
        { id: failing.id, attempt: 1 },
        { id: failing.id, attempt: 2 },
        { id: next.id, attempt: 1 },
      ]);
      expect(received).toEqual([failing, failing]);
    });
  });

  describe('queue bound', () => {
    it('answers busy when full (counting events in flight), without remembering the id, and accepts after draining', async () => {
      const bus = await context.open(2);
      const events = new EventFactory();
      const [first, second, third] = [
        events.message('1', 'c1'),
        events.message('2', 'c2'),
        events.message('3', 'c3'),
      ];
      expect(await bus.enqueue(first)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(second)).toEqual({ status: 'accepted' });
      const busy = await bus.enqueue(third);
      expect(busy.status).toBe('busy');
      expect(busy.status === 'busy' && busy.retryAfterMs > 0).toBe(true);
      expect((await bus.enqueue(third)).status).toBe('busy');

      const release = new Gate();
      const started = new Recorder<string>(timeoutMs);
      const finished = new Recorder<string>(timeoutMs);
      bus.work(
        async (event) => {
          started.push(event.id);
          await release.wait(timeoutMs);
          finished.push(event.id);
        },
        { concurrency: 2 },
      );
      await started.until((items) => items.length === 2, 'both events in flight');
      expect((await bus.enqueue(third)).status).toBe('busy');

      release.open();
      await finished.until((items) => items.length === 2, 'both events handled');
      // Freeing the slots may trail the handler's return by a moment, so retry as a client would.
      const deadline = Date.now() + timeoutMs;
      let result = await bus.enqueue(third);
      while (result.status === 'busy' && Date.now() < deadline) {
        await pause(10);
        result = await bus.enqueue(third);
      }
      expect(result).toEqual({ status: 'accepted' });
      await finished.until((items) => items.includes(third.id), 'the event accepted after draining');
    });
  });

  describe('subscriptions', () => {
    it('stops giving events to an unsubscribed worker, lets its running handler finish, and does not redeliver it', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const [running, later, afterRunning] = [
        events.message('1', 'c1'),
        events.message('2', 'c2'),
        events.message('3', 'c1'),
      ];
      const release = new Gate();
      const seen = new Recorder<Delivery>(timeoutMs);
      const finished = new Recorder<string>(timeoutMs);
      const stopFirst = bus.work(
        async (event, job) => {
          seen.push({ id: event.id, attempt: job.attempt, worker: 'first' });
          if (event.id === running.id) await release.wait(timeoutMs);
          finished.push(event.id);
        },
        { concurrency: 2 },
      );
      expect(await bus.enqueue(running)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 1, 'the first delivery');
      stopFirst();

      expect(await bus.enqueue(later)).toEqual({ status: 'accepted' });
      bus.work(
        async (event, job) => {
          seen.push({ id: event.id, attempt: job.attempt, worker: 'second' });
          finished.push(event.id);
        },
        { concurrency: 2 },
      );
      await seen.until(
        (items) => items.some((item) => item.id === later.id),
        'the event enqueued after unsubscribing',
      );
      release.open();
      await finished.until((items) => items.includes(running.id), 'the running handler to finish');
      expect(await bus.enqueue(afterRunning)).toEqual({ status: 'accepted' });
      await seen.until(
        (items) => items.some((item) => item.id === afterRunning.id),
        'the next event of the first conversation',
      );

      expect(seen.items).toEqual([
        { id: running.id, attempt: 1, worker: 'first' },
        { id: later.id, attempt: 1, worker: 'second' },
        { id: afterRunning.id, attempt: 1, worker: 'second' },
      ]);
    });

    it('shares events between competing workers, each handling different conversations at once', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const bothBusy = new Gate();
      const workers = new Recorder<string>(timeoutMs);
      const handle = (worker: string) => async () => {
        workers.push(worker);
        if (workers.items.length === 2) bothBusy.open();
        await bothBusy.wait(timeoutMs);
      };
      bus.work(handle('first'), { concurrency: 1 });
      bus.work(handle('second'), { concurrency: 1 });
      expect(await bus.enqueue(events.message('1', 'c1'))).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(events.message('2', 'c2'))).toEqual({ status: 'accepted' });
      await workers.until((items) => items.length === 2, 'two deliveries');
      expect([...workers.items].sort()).toEqual(['first', 'second']);
    });
  });
}
