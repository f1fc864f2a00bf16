import {
  type ChatAdapter,
  createLogger,
  deferred,
  type InboundEvent,
  type SinkResult,
} from '@switchboard/core';
import {
  appMention,
  blockActions,
  type FakeSlack,
  messageEvent,
  slackTs,
  slashCommand,
  startFakeSlack,
} from '@switchboard/testkit/fake-slack';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';

const silent = createLogger({ level: 'silent' });

describe('Slack ingress over Socket Mode', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  const controller = new AbortController();
  let received: InboundEvent[] = [];
  let sinkCalls = 0;
  let behaviour: () => Promise<SinkResult> = async () => ({ status: 'accepted' });

  beforeAll(async () => {
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.botToken,
      appToken: fake.appToken,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    await adapter.start(async (event) => {
      sinkCalls += 1;
      const result = await behaviour();
      received.push(event);
      return result;
    }, controller.signal);
    await fake.socket.waitForConnection();
  });
  afterAll(async () => {
    controller.abort();
    await adapter?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    received = [];
    sinkCalls = 0;
    behaviour = async () => ({ status: 'accepted' });
  });

  it('connects with the app token and mounts no HTTP route', () => {
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
    expect(fake.socket.connections).toBe(1);
    expect(adapter.routes?.()).toEqual([]);
  });

  it('acks and normalizes slash commands, mentions, DMs and button presses', async () => {
    const acks = [
      await fake.socket.send(slashCommand({ text: 'hello socket', triggerId: 'sock-trig' })),
      await fake.socket.send(appMention({ text: '<@U0BOT> hi', eventId: 'EvSock1' })),
      await fake.socket.send(messageEvent({ text: 'dm', channel: 'D0ALICE', eventId: 'EvSock2' })),
      await fake.socket.send(
        blockActions({
          message: { ts: slackTs(), text: 'Run?' },
          actionId: 'approval#0',
          value: 'ap:approve',
          triggerId: 'sock-act',
        }),
      ),
    ];
    expect(acks.every((ack) => !ack.timedOut && ack.ackMs < 3_000)).toBe(true);
    expect(received.map((event) => [event.id, event.kind])).toEqual([
      ['slack:T0FAKE:sock-trig', 'command'],
      ['slack:T0FAKE:EvSock1', 'message'],
      ['slack:T0FAKE:EvSock2', 'message'],
      ['slack:T0FAKE:sock-act', 'action'],
    ]);
  });

  it('makes one request of an envelope Slack retries three times', async () => {
    const mention = appMention({ text: '<@U0BOT> once', eventId: 'EvSockRetry' });
    const acks = [await fake.socket.send(mention)];
    for (const retryAttempt of [1, 2, 3])
      acks.push(await fake.socket.send(mention, { retryAttempt, retryReason: 'timeout' }));
    expect(acks.every((ack) => !ack.timedOut)).toBe(true);
    expect(sinkCalls).toBe(1);
  });

  it('acks a slash command within 3 s when the bus takes 5', async () => {
    const gate = deferred<void>();
    behaviour = async () => {
      await gate.promise;
      return { status: 'accepted' };
    };
    setTimeout(() => gate.resolve(), 5_000).unref();
    const ack = await fake.socket.send(slashCommand({ text: 'slow' }));
    expect(ack.timedOut).toBe(false);
    expect(ack.ackMs).toBeLessThan(3_000);
    await gate.promise;
    await expect.poll(() => received.length).toBe(1);
  });

  it('leaves an envelope the bus refused unacknowledged, so that Slack delivers it again', async () => {
    let fail = true;
    behaviour = async () => {
      if (fail) throw new Error('bus down');
      return { status: 'accepted' };
    };
    const mention = appMention({ text: '<@U0BOT> anyone?', eventId: 'EvSockDown' });
    expect((await fake.socket.send(mention)).timedOut).toBe(true);
    fail = false;
    expect((await fake.socket.send(mention, { retryAttempt: 1, retryReason: 'timeout' })).timedOut).toBe(
      false,
    );
    expect(received.map((event) => event.id)).toEqual(['slack:T0FAKE:EvSockDown']);
    expect(sinkCalls).toBe(2);
  });

  it('survives 300 malformed envelopes without a crash or an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const loose = fc.dictionary(
        fc.constantFrom(
          'type',
          'user',
          'text',
          'ts',
          'channel',
          'team',
          'actions',
          'command',
          'trigger_id',
          'message',
          'container',
        ),
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.array(fc.anything(), { maxLength: 2 }),
          fc.object({ maxDepth: 2 }),
        ),
        { maxKeys: 6 },
      );
      const delivery = fc.oneof(
        loose.map((fields) => ({
          kind: 'command' as const,
          fields: { command: '/ask', ...fields } as Record<string, string>,
        })),
        loose.map((event) => ({
          kind: 'event' as const,
          body: {
            type: 'event_callback',
            team_id: 'T0FAKE',
            event_id: 'EvFuzz',
            event: { type: 'message', ...event },
          },
        })),
        loose.map((payload) => ({
          kind: 'interaction' as const,
          payload: { type: 'block_actions', ...payload },
        })),
      );
      await fc.assert(
        fc.asyncProperty(delivery, async (envelope) => {
          const ack = await fake.socket.send(envelope);
          if (envelope.kind !== 'event') expect(ack.timedOut).toBe(false);
        }),
        { numRuns: 300 },
      );
      const ack = await fake.socket.send(appMention({ text: '<@U0BOT> still here', eventId: 'EvStillHere' }));
      expect(ack.timedOut).toBe(false);
      await expect.poll(() => received.some((event) => event.id === 'slack:T0FAKE:EvStillHere')).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reconnects when Slack asks it to', async () => {
    const opened = fake.callsOf('apps.connections.open').length;
    fake.socket.refresh();
    await fake.waitForCall(
      (call) =>
        call.method === 'apps.connections.open' && fake.callsOf('apps.connections.open').length > opened,
    );
    await expect.poll(() => fake.socket.connections).toBe(1);
    const ack = await fake.socket.send(appMention({ text: '<@U0BOT> after reconnect', eventId: 'EvAfter' }));
    expect(ack.timedOut).toBe(false);
    expect(received.map((event) => event.id)).toContain('slack:T0FAKE:EvAfter');
  });
});
