import { hostname } from 'node:os';
import { createMemoryBus } from '@switchboard/bus';
import { createDeliveryEngine } from '@switchboard/chat';
import { createLogger, type InboundEvent } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { RecordingAdapter } from '@switchboard/testkit/recording-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway';
import { createRecovery, interruptedReply } from './recovery';

/** A process of this machine that does not run: its tasks are recovered without waiting for the lease. */
const DEAD = { owner: `${hostname()}:2147483646:gone`, ms: 600_000 };
const ME = { owner: `${hostname()}:${process.pid}:recovery-test`, ms: 600_000 };

function event(id: string, text: string, chat: string): InboundEvent {
  return {
    id: `telegram:${id}`,
    kind: text.startsWith('/') ? 'command' : 'message',
    conversation: { platform: 'telegram', account: 'bot', channel: chat, direct: true },
    author: { platformUserId: '1', displayName: 'Alice' },
    text,
    reply: { platform: 'telegram', data: { chat } },
    receivedAt: new Date().toISOString(),
  };
}

describe('recovery of a dead process’s tasks', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('asks a question again, ends an unsafe command failed with a message, and delivers an undelivered reply by editing', async () => {
    const adapter = new RecordingAdapter({ platform: 'telegram' });
    const logger = createLogger({ level: 'silent' });
    const bus = createMemoryBus();
    const delivery = createDeliveryEngine({ adapterFor: () => adapter, logger });
    const gateway = createGateway({
      id: 'gateway-recovery',
      bus,
      adapters: [adapter],
      delivery,
      logger,
      signal: new AbortController().signal,
      retryAfterShutdownMs: 1000,
      inbox: { store, lease: ME },
    });
    const queued: InboundEvent[] = [];
    const stopWork = bus.work(
      async (inbound) => {
        queued.push(inbound);
      },
      { concurrency: 1 },
    );

    const question = event('q1', 'what was I asking?', 'chat-q');
    const command = event('c1', '/forget', 'chat-c');
    const answered = event('a1', 'already answered', 'chat-a');
    const record = (inbound: InboundEvent, taskId: string, command: string) =>
      store.recordInbound({
        event: inbound,
        taskId,
        authorId: 'telegram:1',
        command,
        status: 'running',
        lease: DEAD,
      });
    await record(question, 'task-q', 'ask');
    await record(command, 'task-c', 'forget');
    await record(answered, 'task-a', 'ask');
    const partial = await adapter.post(answered.reply, { text: 'the answer so f', final: false });
    await store.recordSent(answered.id, [partial]);
    const reply = { type: 'reply-end' as const, text: 'the answer so far, and all of it', meta: {} };
    await store.finishTask('task-a', { status: 'succeeded', reply, owesDelivery: true });

    const recovery = createRecovery({ store, lease: ME, gateway, logger });
    try {
      expect(await recovery.sweep()).toBe(3);
      expect(await recovery.sweep()).toBe(0);

      await expect.poll(() => queued.map((inbound) => inbound.id)).toEqual([question.id]);
      expect(queued[0]?.inbox).toEqual({ taskId: 'task-q', owner: ME.owner, outbox: true, recovered: true });
      expect(await store.getTask('task-q')).toMatchObject({ status: 'queued', leaseOwner: ME.owner });

      const failed = interruptedReply('forget');
      expect(await store.getTask('task-c')).toMatchObject({
        status: 'failed',
        errorCode: 'interrupted',
        reply: failed,
      });
      await delivery.settled();
      const posts = adapter.callsOf('post');
      expect(posts.filter((call) => call.text?.includes('/forget'))).toHaveLength(1);

      const edits = adapter.callsOf('edit').filter((call) => call.sentId === partial.id);
      expect(edits.at(-1)).toMatchObject({ text: reply.text, final: true });
      expect(posts.filter((call) => call.text === reply.text)).toHaveLength(0);
    } finally {
      recovery.stop();
      stopWork();
      await bus.close();
    }
  });

  it('leaves a task whose event the bus still holds to the bus: queued, not failed, answered by the worker that gets it', async () => {
    const adapter = new RecordingAdapter({ platform: 'telegram' });
    const logger = createLogger({ level: 'silent' });
    const bus = createMemoryBus();
    const delivery = createDeliveryEngine({ adapterFor: () => adapter, logger });
    const gateway = createGateway({
      id: 'gateway-held',
      bus,
      adapters: [adapter],
      delivery,
      logger,
      signal: new AbortController().signal,
      retryAfterShutdownMs: 1000,
      inbox: { store, lease: ME, taskStatus: 'queued' },
    });
    await gateway.start();
    // A worker of another process was answering when it died; the bus still holds the event (as
    // NATS does until the dead worker's ack wait ends) and will deliver it again.
    const held = event('w1', 'killed under its answer', 'chat-w');
    await store.recordInbound({
      event: held,
      taskId: 'task-w',
      authorId: 'telegram:1',
      command: 'ask',
      status: 'running',
      lease: DEAD,
    });
    const stamp = { taskId: 'task-w', owner: DEAD.owner, outbox: true };
    expect(await bus.enqueue({ ...held, gateway: 'gateway-held', inbox: stamp })).toEqual({
      status: 'accepted',
    });

    const recovery = createRecovery({ store, lease: ME, gateway, logger });
    let stopWork = () => {};
    try {
      expect(await recovery.sweep()).toBe(1);
      expect(await store.getTask('task-w')).toMatchObject({ status: 'queued' });

      stopWork = bus.work(
        async (inbound) => {
          await bus.publishReply(inbound.id, inbound.gateway ?? '', {
            type: 'reply-end',
            text: 'answered by the next worker',
            meta: {},
          });
        },
        { concurrency: 1 },
      );
      await expect
        .poll(() => adapter.callsOf('post').map((call) => call.text))
        .toContain('answered by the next worker');
      expect(adapter.callsOf('post').filter((call) => call.final === true)).toHaveLength(1);
      expect(await store.getTask('task-w')).toMatchObject({ status: 'queued' });
    } finally {
      recovery.stop();
      stopWork();
      await bus.close();
    }
  });
});
