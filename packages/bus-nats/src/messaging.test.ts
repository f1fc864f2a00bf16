import { randomUUID } from 'node:crypto';
import type { ControlMessage, ReplyPart } from '@switchboard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { natsUrl, pause, Recorder, reportSkip, TestBuses } from './test-support';

reportSkip('messaging.test.ts');

function deltas(label: string, count: number): ReplyPart[] {
  return Array.from(
    { length: count },
    (_, index): ReplyPart => ({ type: 'text-delta', delta: `${label}-${index}` }),
  );
}

describe.skipIf(!natsUrl)('replies and control across processes', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('delivers parts stored while no gateway ran, and a restarted gateway gets the parts its predecessor left unacked, in order and at once', async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = buses.prefix();
    // The ack wait is far longer than the test waits: pending parts must come from the restart, not a timeout.
    const settings = { prefix, ackWaitMs: 60_000, closeTimeoutMs: 300 };
    const worker = await buses.open(settings);
    const owner = `gateway-${run}`;
    const [r1, r2] = [deltas('r1', 5), deltas('r2', 3)];
    for (let index = 0; index < 5; index += 1) {
      const [one, two] = [r1[index], r2[index]];
      if (one !== undefined) await worker.publishReply('r1', owner, one);
      if (two !== undefined) await worker.publishReply('r2', owner, two);
    }

    const crashed = await buses.open(settings);
    const beforeCrash = new Recorder<{ requestId: string; part: ReplyPart }>();
    crashed.onReplies(owner, async (requestId, part) => {
      beforeCrash.push({ requestId, part });
      // The gateway "hangs" on the third part of r1 and never acks it.
      if (requestId === 'r1' && part.type === 'text-delta' && part.delta === 'r1-2')
        await new Promise(() => {});
    });
    await beforeCrash.until(
      (items) =>
        items.some(
          (item) => item.requestId === 'r1' && item.part.type === 'text-delta' && item.part.delta === 'r1-2',
        ),
      'the first gateway to reach r1-2',
    );
    await beforeCrash.until(
      (items) => items.filter((item) => item.requestId === 'r2').length === 3,
      'r2 at the first gateway',
    );
    await crashed.close();

    const restarted = await buses.open(settings);
    const afterRestart = new Recorder<{ requestId: string; part: ReplyPart }>();
    restarted.onReplies(owner, async (requestId, part) => {
      afterRestart.push({ requestId, part });
    });
    await afterRestart.until((items) => items.length === 3, 'the three pending parts of r1', 10_000);
    expect(afterRestart.items).toEqual(r1.slice(2).map((part) => ({ requestId: 'r1', part })));
    await pause(300);
    expect(afterRestart.items).toHaveLength(3);
  });

  it('broadcasts control messages to every bus of the prefix, and only those', async () => {
    const prefix = buses.prefix();
    const [publisher, workerA, workerB, stranger] = [
      await buses.open({ prefix }),
      await buses.open({ prefix }),
      await buses.open({ prefix }),
      await buses.open(),
    ];
    const [atA, atB, atStranger] = [
      new Recorder<ControlMessage>(),
      new Recorder<ControlMessage>(),
      new Recorder<ControlMessage>(),
    ];
    workerA.onControl((message) => atA.push(message));
    workerB.onControl((message) => atB.push(message));
    stranger.onControl((message) => atStranger.push(message));
    // Each subscription travels on its own connection; a flushed publish on each one makes sure the
    // server has registered it (the warm-ups themselves may race the other subscriptions).
    await Promise.all(
      [workerA, workerB, stranger].map((bus) =>
        bus.publishControl({ type: 'cancel', taskId: 'warm-up', by: 'test' }),
      ),
    );

    const cancel: ControlMessage = { type: 'cancel', taskId: 'task-1', by: 'telegram:42' };
    const isCancel = (message: ControlMessage) => message.type === 'cancel' && message.taskId === 'task-1';
    await publisher.publishControl(cancel);
    await atA.until((items) => items.some(isCancel), 'the cancel at worker A');
    await atB.until((items) => items.some(isCancel), 'the cancel at worker B');
    expect(atA.items.filter(isCancel)).toEqual([cancel]);
    expect(atB.items.filter(isCancel)).toEqual([cancel]);
    await pause(200);
    expect(atStranger.items.some(isCancel)).toBe(false);
  });
});
