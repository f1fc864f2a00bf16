import { deferred, type InboundEvent } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EventFactory, Gate, pause, Recorder } from './contract-fixtures';
import { busContractSuite } from './contract-suite';
import { BusClosedError } from './errors';
import { createMemoryBus } from './memory-bus';
import type { MemoryBusOptions } from './options';

busContractSuite('memory', (options) => createMemoryBus(options));

const TIMEOUT_MS = 5000;

describe('createMemoryBus', () => {
  const buses: ReturnType<typeof createMemoryBus>[] = [];
  const open = (options: MemoryBusOptions = {}) => {
    const bus = createMemoryBus(options);
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  /** A worker that records every delivery's id. */
  const recordingWorker = (bus: ReturnType<typeof createMemoryBus>) => {
    const seen = new Recorder<string>(TIMEOUT_MS);
    bus.work(
      async (event) => {
        seen.push(event.id);
      },
      { concurrency: 4 },
    );
    return seen;
  };

  describe('deduplication', () => {
    it('remembers the last dedupeWindow ids, forgetting the least recently seen first', async () => {
      const bus = open({ dedupeWindow: 2 });
      const events = new EventFactory();
      const [a, b, c] = [events.message('a', 'c1'), events.message('b', 'c2'), events.message('c', 'c3')];
      const seen = recordingWorker(bus);
      expect(await bus.enqueue(a)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(b)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 2, 'a and b');
      expect(await bus.enqueue(a)).toEqual({ status: 'duplicate' }); // a is now the most recently seen
      expect(await bus.enqueue(c)).toEqual({ status: 'accepted' }); // forgets b, not a
      await seen.until((items) => items.length === 3, 'c');
      expect(await bus.enqueue(a)).toEqual({ status: 'duplicate' });
      expect(await bus.enqueue(b)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 4, 'b again');
      expect(seen.items).toEqual([a.id, b.id, c.id, b.id]);
    });

    it('answers duplicate for an event still in the queue even when the window has forgotten it', async () => {
      const bus = open({ dedupeWindow: 0 });
      const event = new EventFactory().message('a', 'c1');
      expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(event)).toEqual({ status: 'duplicate' });
    });

    it('answers duplicate rather than busy for a known id when the queue is full', async () => {
      const bus = open({ queueLimit: 1, busyRetryAfterMs: 1234 });
      const events = new EventFactory();
      const first = events.message('a', 'c1');
      expect(await bus.enqueue(first)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(first)).toEqual({ status: 'duplicate' });
      expect(await bus.enqueue(events.message('b', 'c1'))).toEqual({ status: 'busy', retryAfterMs: 1234 });
    });
  });

  describe('failures', () => {
    it('dead-letters an event after maxAttempts deliveries and moves on to the next one', async () => {
      const deadLetters = new Recorder<{ event: InboundEvent; error: unknown }>(TIMEOUT_MS);
      const bus = open({
        maxAttempts: 2,
        redeliveryDelayMs: 1,
        onDeadLetter: (event, error) => deadLetters.push({ event, error }),
      });
      const events = new EventFactory();
      const poison = events.message('poison', 'c1');
      const next = events.message('next', 'c1');
      const failure = new Error('cannot handle this');
      const seen = new Recorder<string>(TIMEOUT_MS);
      bus.work(
        async (event, job) => {
          seen.push(`${event.id}#${job.attempt}`);
          if (event.id === poison.id) throw failure;
        },
        { concurrency: 1 },
      );
      expect(await bus.enqueue(poison)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(next)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.includes(`${next.id}#1`), 'the next event');
      expect(seen.items).toEqual([`${poison.id}#1`, `${poison.id}#2`, `${next.id}#1`]);
      expect(deadLetters.items).toEqual([{ event: poison, error: failure }]);
      expect(await bus.enqueue(poison)).toEqual({ status: 'duplicate' });
    });

    it('waits redeliveryDelayMs before the first redelivery and doubles it for each later one', async () => {
      const bus = open({ maxAttempts: 3, redeliveryDelayMs: 40, onDeadLetter: () => {} });
      const times = new Recorder<number>(TIMEOUT_MS);
      bus.work(
        async () => {
          times.push(performance.now());
          throw new Error('always fails');
        },
        { concurrency: 1 },
      );
      await bus.enqueue(new EventFactory().message('a', 'c1'));
      await times.until((items) => items.length === 3, 'three attempts');
      const [first = 0, second = 0, third = 0] = times.items;
      expect(second - first).toBeGreaterThanOrEqual(38);
      expect(third - second).toBeGreaterThanOrEqual(78);
    });

    it('treats a handler that throws before returning a promise like a rejection', async () => {
      const bus = open({ redeliveryDelayMs: 1 });
      const attempts = new Recorder<number>(TIMEOUT_MS);
      bus.work(
        (_event, job) => {
          attempts.push(job.attempt);
          if (job.attempt === 1) throw new Error('thrown synchronously');
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      await bus.enqueue(new EventFactory().message('a', 'c1'));
      await attempts.until((items) => items.length === 2, 'the redelivery');
      expect(attempts.items).toEqual([1, 2]);
    });
  });

  describe('options', () => {
    it('rejects options and a concurrency that cannot work, naming them', () => {
      expect(() => createMemoryBus({ queueLimit: 0 })).toThrow(/queueLimit/);
      expect(() => createMemoryBus({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
      const bus = open();
      expect(() => bus.work(async () => {}, { concurrency: 0 })).toThrow(RangeError);
    });
  });

  describe('close', () => {
    it('rejects enqueue afterwards with BusClosedError and ignores new subscriptions', async () => {
      const bus = open();
      await bus.close();
      const error = await bus
        .enqueue(new EventFactory().message('late', 'c1'))
        .catch((caught: unknown) => caught);
      expect(BusClosedError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'bus_closed' });
      expect(() => bus.work(async () => {}, { concurrency: 1 })()).not.toThrow();
      await expect(bus.publishReply('r', 'owner', { type: 'status', text: 'late' })).resolves.toBeUndefined();
    });

    it('gives up waiting for a handler that ignores the abort after closeTimeoutMs', async () => {
      const bus = open({ closeTimeoutMs: 50 });
      const stubborn = new Gate();
      const started = deferred<void>();
      bus.work(
        async () => {
          started.resolve();
          await stubborn.wait(TIMEOUT_MS);
        },
        { concurrency: 1 },
      );
      await bus.enqueue(new EventFactory().message('a', 'c1'));
      await started.promise;
      const before = performance.now();
      await bus.close();
      const waited = performance.now() - before;
      stubborn.open();
      expect(waited).toBeGreaterThanOrEqual(45);
      expect(waited).toBeLessThan(TIMEOUT_MS);
    });

    it('delivers the last reply parts that aborted handlers publish before it resolves', async () => {
      const bus = open();
      const received: string[] = [];
      bus.onReplies('gateway', async (_requestId, part) => {
        await pause(5);
        received.push(part.type);
      });
      const started = deferred<void>();
      bus.work(
        async (event, job) => {
          started.resolve();
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
          // Not awaited: close must still wait for the part to be delivered.
          void bus.publishReply(event.id, 'gateway', {
            type: 'error',
            code: 'shutdown',
            message: 'The box is restarting.',
          });
        },
        { concurrency: 1 },
      );
      await bus.enqueue(new EventFactory().message('a', 'c1'));
      await started.promise;
      await bus.close();
      expect(received).toEqual(['error']);
    });
  });
});
