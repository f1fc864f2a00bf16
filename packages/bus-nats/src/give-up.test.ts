import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { InboundEvent, ReplyPart } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DELIVERY_FAILED } from './give-up';
import { busNames } from './names';
import type { GiveUp } from './options';
import { natsUrl, pause, Recorder, reportSkip, TestBuses, testEvent } from './test-support';

reportSkip('give-up.test.ts');

/** What a give-up hook was called with. */
interface GivenUp {
  readonly id: string;
  readonly attempts: number;
  readonly error: string | undefined;
}

function recordGiveUps(recorder: Recorder<GivenUp>) {
  return (event: InboundEvent, giveUp: GiveUp) => {
    recorder.push({
      id: event.id,
      attempts: giveUp.attempts,
      error: giveUp.error instanceof Error ? giveUp.error.message : undefined,
    });
  };
}

describe.skipIf(!natsUrl)('giving up after maxDeliver', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('calls onGiveUp once after the last allowed attempt fails, removes the event and lets its conversation go on', async () => {
    const run = randomUUID().slice(0, 8);
    const givenUp = new Recorder<GivenUp>();
    const bus = await buses.open({ maxDeliver: 2, onGiveUp: recordGiveUps(givenUp) });
    const doomed = testEvent(run, 'doomed', 'c1');
    const after = testEvent(run, 'after', 'c1');
    const seen = new Recorder<{ id: string; attempt: number }>();
    bus.work(
      async (event, job) => {
        seen.push({ id: event.id, attempt: job.attempt });
        if (event.id === doomed.id) throw new Error(`boom ${job.attempt}`);
      },
      { concurrency: 2 },
    );
    expect(await bus.enqueue(doomed)).toEqual({ status: 'accepted' });
    expect(await bus.enqueue(after)).toEqual({ status: 'accepted' });

    await seen.until(
      (items) => items.some((item) => item.id === after.id),
      'the event behind the doomed one',
    );
    expect(seen.items).toEqual([
      { id: doomed.id, attempt: 1 },
      { id: doomed.id, attempt: 2 },
      { id: after.id, attempt: 1 },
    ]);
    expect(givenUp.items).toEqual([{ id: doomed.id, attempts: 2, error: 'boom 2' }]);
    await pause(500);
    expect(seen.items).toHaveLength(3);
  });

  it('tells the user through the gateway by default: an error part with code delivery_failed', async () => {
    const run = randomUUID().slice(0, 8);
    const bus = await buses.open({ maxDeliver: 1 });
    const gateway = `gateway-${run}`;
    const parts = new Recorder<{ requestId: string; part: ReplyPart }>();
    bus.onReplies(gateway, async (requestId, part) => {
      parts.push({ requestId, part });
    });
    bus.work(
      async () => {
        throw new Error('the model exploded');
      },
      { concurrency: 1 },
    );
    const event = testEvent(run, 'fails', 'c1', { gateway });
    expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });

    await parts.until((items) => items.length === 1, 'the error part at the gateway');
    const [received] = parts.items;
    expect(received?.requestId).toBe(event.id);
    expect(received?.part).toMatchObject({ type: 'error', code: DELIVERY_FAILED });
    expect(received?.part.type === 'error' && received.part.message).toMatch(/send it again/);
  });

  /** Another client takes the event's delivery and vanishes without an answer, as a killed worker would. */
  const vanishWithDelivery = async (prefix: string) => {
    const names = busNames(prefix);
    const crashing = await connect({ servers: natsUrl ?? '' });
    const consumer = await jetstream(crashing).consumers.get(names.inboundStream, names.workersConsumer);
    const taken = await consumer.next({ expires: 5000 });
    expect(taken?.seq).toBeGreaterThan(0);
    await crashing.close();
  };

  it('runs the event of a vanished worker again: interruptions do not use up maxDeliver', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const givenUp = new Recorder<GivenUp>();
    const bus = await buses.open({
      prefix,
      ackWaitMs: 1000,
      maxDeliver: 1,
      onGiveUp: recordGiveUps(givenUp),
    });
    const event = testEvent(run, 'killed-under', 'c1');
    expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });
    await vanishWithDelivery(prefix);

    const attempts = new Recorder<number>();
    bus.work(
      async (_event, job) => {
        attempts.push(job.attempt);
      },
      { concurrency: 1 },
    );
    await attempts.until((items) => items.length === 1, 'the run after the worker vanished');
    expect(attempts.items).toEqual([2]);
    expect(givenUp.items).toEqual([]);
  });

  it('gives up without running the handler once maxInterruptions workers vanished with the event', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    const givenUp = new Recorder<GivenUp>();
    const bus = await buses.open({
      prefix,
      ackWaitMs: 1000,
      maxInterruptions: 1,
      onGiveUp: recordGiveUps(givenUp),
    });
    const event = testEvent(run, 'poison', 'c1');
    expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });
    await vanishWithDelivery(prefix);

    let handled = 0;
    bus.work(
      async () => {
        handled += 1;
      },
      { concurrency: 1 },
    );
    await givenUp.until((items) => items.length === 1, 'the give-up after the worker vanished');
    expect(givenUp.items).toEqual([{ id: event.id, attempts: 1, error: undefined }]);
    expect(handled).toBe(0);
  });

  it('keeps the event queued and calls the hook again when the hook fails', async () => {
    const run = randomUUID().slice(0, 8);
    let calls = 0;
    const hookCalls = new Recorder<number>();
    const bus = await buses.open({
      maxDeliver: 1,
      onGiveUp: () => {
        calls += 1;
        hookCalls.push(calls);
        if (calls === 1) throw new Error('the database is down');
      },
    });
    const doomed = testEvent(run, 'doomed', 'c1');
    const after = testEvent(run, 'after', 'c1');
    const seen = new Recorder<string>();
    bus.work(
      async (event) => {
        seen.push(event.id);
        if (event.id === doomed.id) throw new Error('boom');
      },
      { concurrency: 1 },
    );
    expect(await bus.enqueue(doomed)).toEqual({ status: 'accepted' });
    expect(await bus.enqueue(after)).toEqual({ status: 'accepted' });
    await seen.until((items) => items.includes(after.id), 'the event behind the doomed one');
    expect(hookCalls.items).toEqual([1, 2]);
    expect(seen.items).toEqual([doomed.id, after.id]);
  });
});
