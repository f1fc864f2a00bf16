import { hostname } from 'node:os';
import { createMemoryBus } from '@switchboard/bus';
import { createLogger, type InboundEvent, type ReplyPart } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAVE_UP_MESSAGE, giveUpOnEvent } from './give-up';

const WORKER = { owner: `${hostname()}:2147483645:gone`, ms: 600_000 };

const event: InboundEvent = {
  id: 'web:given-up',
  kind: 'message',
  conversation: { platform: 'web', account: 'box', channel: 'c1', direct: true },
  author: { platformUserId: 'owner', displayName: 'Owner' },
  text: 'a question whose workers kept dying',
  reply: { platform: 'web', data: { conversation: 'c1' } },
  receivedAt: new Date().toISOString(),
  gateway: 'gateway-a',
  inbox: { taskId: 'task-given-up', owner: WORKER.owner, outbox: false },
};

describe('the box giving up on an event', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('ends its task failed (so recovery never runs it again) and tells the user through its gateway', async () => {
    await store.recordInbound({
      event,
      taskId: 'task-given-up',
      authorId: 'web:owner',
      command: 'ask',
      status: 'running',
      lease: WORKER,
    });
    const bus = createMemoryBus();
    const parts: ReplyPart[] = [];
    const stop = bus.onReplies('gateway-a', async (_requestId, part) => {
      parts.push(part);
    });
    try {
      const giveUp = giveUpOnEvent({
        bus: () => bus,
        tasks: store,
        logger: createLogger({ level: 'silent' }),
      });
      await giveUp(event, { attempts: 10, error: undefined });
      await expect.poll(() => parts).toEqual([{ type: 'error', code: 'gave_up', message: GAVE_UP_MESSAGE }]);
      expect(await store.getTask('task-given-up')).toMatchObject({
        status: 'failed',
        errorCode: 'gave_up',
        leaseOwner: undefined,
      });
    } finally {
      stop();
      await bus.close();
    }
  });
});
