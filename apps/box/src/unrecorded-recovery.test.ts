import { hostname } from 'node:os';
import { WebClient } from '@slack/web-api';
import { createSlackAdapter, encodeAddress } from '@switchboard/adapter-slack';
import { createMemoryBus } from '@switchboard/bus';
import { createDeliveryEngine } from '@switchboard/chat';
import { createLogger, type InboundEvent } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { type FakeSlack, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway';
import { createOutboxJournal } from './outbox';
import { createRecovery } from './recovery';

/** A process of this machine that does not run: its tasks are recovered without waiting for the lease. */
const DEAD = { owner: `${hostname()}:2147483646:gone`, ms: 600_000 };
const ME = { owner: `${hostname()}:${process.pid}:unrecorded-test`, ms: 600_000 };
const CHANNEL = 'C0CRASH';

function slackEvent(id: string, thread: string, text: string): InboundEvent {
  return {
    id: `slack:T0FAKE:${id}`,
    kind: 'message',
    conversation: { platform: 'slack', account: 'T0FAKE', channel: CHANNEL, thread, direct: false },
    author: { platformUserId: 'U0ALICE', displayName: 'Alice' },
    text,
    reply: encodeAddress({ team: 'T0FAKE', channel: CHANNEL, thread, user: 'U0ALICE', request: id }),
    receivedAt: new Date().toISOString(),
  };
}

/**
 * The crash window of ADR 0031, closed by ADR 0049: the process died after Slack started its stream but
 * before the outbox recorded it. Recovery reads the thread back and finishes that stream — no stream
 * left "streaming", no second answer — and leaves a message another request recorded alone.
 */
describe('recovery of a Slack reply whose stream was never recorded', () => {
  let store: Store;
  let fake: FakeSlack;
  const controller = new AbortController();

  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    controller.abort();
    await store.close();
    await fake.close();
  });

  it('stops and fills the orphaned stream with the final reply, posting nothing new', async () => {
    const logger = createLogger({ level: 'silent' });
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger,
    });
    const bus = createMemoryBus();
    const journal = createOutboxJournal(store, logger);
    const delivery = createDeliveryEngine({ adapterFor: () => adapter, logger, journal });
    const gateway = createGateway({
      id: 'gateway-unrecorded',
      bus,
      adapters: [adapter],
      delivery,
      logger,
      signal: controller.signal,
      retryAfterShutdownMs: 1000,
      inbox: { store, lease: ME },
    });
    await gateway.start();
    const dead = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const thread = slackTs();
    const earlier = slackEvent('earlier', thread, 'first question');
    const current = slackEvent('current', thread, 'second question');
    const record = (inbound: InboundEvent, taskId: string) =>
      store.recordInbound({
        event: inbound,
        taskId,
        authorId: 'slack:U0ALICE',
        command: 'ask',
        status: 'running',
        lease: DEAD,
      });
    await record(earlier, 'task-earlier');
    await record(current, 'task-current');
    const earlierAnswer = await adapter.post(earlier.reply, { text: 'the first answer', final: true });
    await store.recordSent(earlier.id, [earlierAnswer]);
    await store.finishTask('task-earlier', {
      status: 'succeeded',
      reply: { type: 'reply-end', text: 'the first answer', meta: {} },
      owesDelivery: false,
    });
    await store.markDelivered([earlier.id]);
    const orphan = await dead.chat.startStream({
      channel: CHANNEL,
      thread_ts: thread,
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0ALICE',
    });
    await dead.chat.appendStream({ channel: CHANNEL, ts: orphan.ts ?? '', markdown_text: 'The sec' });
    const reply = { type: 'reply-end' as const, text: 'The second answer, whole.', meta: {} };
    await store.finishTask('task-current', { status: 'succeeded', reply, owesDelivery: true });

    const recovery = createRecovery({ store, lease: ME, gateway, logger });
    try {
      expect(await recovery.sweep()).toBe(1);
      await delivery.settled();

      const bots = fake.messages.filter((message) => message.channel === CHANNEL);
      expect(bots.map((message) => [message.text, message.stream ?? 'posted'])).toEqual([
        ['the first answer', 'posted'],
        ['The second answer, whole.', 'stopped'],
      ]);
      expect(fake.callsOf('chat.startStream')).toHaveLength(1);
      await journal.flush();
      expect(await store.getTask('task-current')).toMatchObject({
        status: 'succeeded',
        leaseOwner: undefined,
      });
    } finally {
      recovery.stop();
      await gateway.stop(Date.now() + 5_000);
      await bus.close();
    }
  });
});
