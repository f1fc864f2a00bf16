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
import { serveRoutes } from '@switchboard/testkit/serve-routes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';

const silent = createLogger({ level: 'silent' });

describe('Slack ingress over HTTP', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  let server: { url: string; close(): Promise<void> };
  let target: string;
  const controller = new AbortController();
  let received: InboundEvent[] = [];
  let sinkCalls = 0;
  let behaviour: (event: InboundEvent) => Promise<SinkResult> = async () => ({ status: 'accepted' });

  beforeAll(async () => {
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    await adapter.start(async (event) => {
      sinkCalls += 1;
      const result = await behaviour(event);
      if (result.status === 'accepted') received.push(event);
      return result;
    }, controller.signal);
    server = await serveRoutes(adapter.routes?.() ?? []);
    target = `${server.url}/slack/events`;
  });
  afterAll(async () => {
    controller.abort();
    await adapter?.stop();
    await server?.close();
    await fake?.close();
  });
  beforeEach(() => {
    received = [];
    sinkCalls = 0;
    behaviour = async () => ({ status: 'accepted' });
  });

  describe('signature matrix', () => {
    const refused: [string, Parameters<FakeSlack['deliver']>[2]][] = [
      ['a bad HMAC', { signature: 'bad' }],
      ['a body changed by one byte', { tamper: (body) => body.replace('hello', 'hellp') }],
      ['no signature header', { signature: 'missing' }],
      ['no timestamp header', { omitTimestamp: true }],
      ['a timestamp 301 s old', { timestampOffsetSeconds: -301 }],
      ['a timestamp 301 s ahead', { timestampOffsetSeconds: 301 }],
    ];
    it.each(refused)('refuses %s with 401 and enqueues nothing', async (_name, options) => {
      for (const delivery of [slashCommand({ text: 'hello' }), appMention({ text: '<@U0BOT> hello' })]) {
        const result = await fake.deliver(target, delivery, options);
        expect(result.status).toBe(401);
      }
      expect(sinkCalls).toBe(0);
    });

    it.each([-299, 299])('accepts a timestamp %i s away', async (offset) => {
      const result = await fake.deliver(target, slashCommand({ text: 'hello' }), {
        timestampOffsetSeconds: offset,
      });
      expect(result.status).toBe(200);
      expect(received).toHaveLength(1);
    });
  });

  it('answers url_verification with the challenge, and only when signed', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const ok = await fake.deliverRaw(target, body);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ challenge: 'c-123' });
    expect((await fake.deliverRaw(target, body, { sign: false })).status).toBe(401);
  });

  it('turns a slash command into a command event answered under an anchor', async () => {
    const delivery = slashCommand({ text: 'what is <https://x.test|this> &amp; that?', triggerId: 'trig-1' });
    const result = await fake.deliver(target, delivery);
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: 'slack:T0FAKE:trig-1',
      kind: 'command',
      conversation: { platform: 'slack', account: 'T0FAKE', channel: 'C0GENERAL', direct: false },
      author: { platformUserId: 'U0ALICE', displayName: 'alice' },
      command: { name: 'ask', args: 'what is this (https://x.test) & that?' },
      reply: {
        platform: 'slack',
        data: { team: 'T0FAKE', channel: 'C0GENERAL', user: 'U0ALICE', request: 'slack:T0FAKE:trig-1' },
      },
    });
    expect(received[0]?.conversation.thread).toBeUndefined();
    expect(received[0]?.reply.data['anchor']).toContain('*alice* asked: what is this');
  });

  it('reaches every command through subcommands of the one slash command', async () => {
    await fake.deliver(target, slashCommand({ text: 'status' }));
    await fake.deliver(target, slashCommand({ text: 'model openai:gpt-4o' }));
    await fake.deliver(target, slashCommand({ text: 'status of my project' }));
    expect(received.map((event) => event.command)).toEqual([
      { name: 'status', args: '' },
      { name: 'model', args: 'openai:gpt-4o' },
      { name: 'ask', args: 'status of my project' },
    ]);
  });

  it('answers a slash command it does not own with an ephemeral hint', async () => {
    const result = await fake.deliver(target, slashCommand({ text: 'hi', command: '/other' }));
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/ask'),
    });
    expect(sinkCalls).toBe(0);
  });

  it('turns a mention into a request in the mention’s thread, without the mention', async () => {
    const ts = slackTs();
    await fake.deliver(target, appMention({ text: '<@U0BOT> summarise this', ts, eventId: 'EvMention1' }));
    expect(received[0]).toMatchObject({
      id: 'slack:T0FAKE:EvMention1',
      kind: 'message',
      text: 'summarise this',
      command: { name: 'ask', args: 'summarise this' },
      conversation: { channel: 'C0GENERAL', thread: ts, direct: false },
      reply: { data: { thread: ts } },
    });
  });

  it('takes every direct message, and thread replies only in threads the bot is part of', async () => {
    await fake.deliver(target, messageEvent({ text: 'hello in private', channel: 'D0ALICE' }));
    expect(received[0]).toMatchObject({
      kind: 'message',
      conversation: { channel: 'D0ALICE', direct: true },
      command: { name: 'ask', args: 'hello in private' },
    });

    const root = slackTs();
    await fake.deliver(target, appMention({ text: '<@U0BOT> start', ts: root }));
    await fake.deliver(
      target,
      messageEvent({ text: 'and a follow-up', channel: 'C0GENERAL', channelType: 'channel', threadTs: root }),
    );
    await fake.deliver(
      target,
      messageEvent({
        text: 'someone else’s thread',
        channel: 'C0GENERAL',
        channelType: 'channel',
        threadTs: slackTs(),
      }),
    );
    await fake.deliver(
      target,
      messageEvent({
        text: 'under the bot',
        channel: 'C0GENERAL',
        channelType: 'channel',
        threadTs: slackTs(),
        parentUserId: 'U0BOT',
      }),
    );
    await fake.deliver(
      target,
      messageEvent({ text: 'top level chatter', channel: 'C0GENERAL', channelType: 'channel' }),
    );
    await fake.deliver(
      target,
      messageEvent({
        text: '<@U0BOT> both events',
        channel: 'C0GENERAL',
        channelType: 'channel',
        threadTs: root,
      }),
    );
    await fake.deliver(target, messageEvent({ text: 'from a bot', channel: 'D0ALICE', botId: 'B0OTHER' }));
    await fake.deliver(
      target,
      messageEvent({ text: 'edited', channel: 'D0ALICE', subtype: 'message_changed' }),
    );
    expect(received.map((event) => event.text)).toEqual([
      'hello in private',
      'start',
      'and a follow-up',
      'under the bot',
    ]);
    expect(received[2]?.conversation.thread).toBe(root);
  });

  it('turns a press on one of its buttons into an action that updates the button message', async () => {
    const message = { ts: slackTs(), threadTs: slackTs(), text: 'Run `rm -rf build`?' };
    await fake.deliver(
      target,
      blockActions({ message, actionId: 'approval#0', value: 'ap-1:approve', triggerId: 'trig-act' }),
    );
    await fake.deliver(target, blockActions({ message, actionId: 'someone_elses_button', value: 'x' }));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: 'slack:T0FAKE:trig-act',
      kind: 'action',
      action: { id: 'approval', value: 'ap-1:approve' },
      author: { platformUserId: 'U0ALICE', displayName: 'alice' },
      conversation: { channel: 'C0GENERAL', thread: message.threadTs },
      reply: { data: { replace: { ts: message.ts, text: message.text }, thread: message.threadTs } },
    });
  });

  it('makes one request of an event Slack delivers four times, one after another or at once', async () => {
    const mention = appMention({ text: '<@U0BOT> once please', eventId: 'EvRetry1' });
    const results = [await fake.deliver(target, mention)];
    for (const retryNum of [1, 2, 3])
      results.push(await fake.deliver(target, mention, { retryNum, retryReason: 'http_timeout' }));
    const command = slashCommand({ text: 'once too', triggerId: 'trig-retry' });
    results.push(
      ...(await Promise.all(
        [0, 1, 2, 3].map((n) => fake.deliver(target, command, n === 0 ? {} : { retryNum: n })),
      )),
    );
    expect(results.map((result) => result.status)).toEqual(Array(8).fill(200));
    expect(sinkCalls).toBe(2);
    expect(received.map((event) => event.id)).toEqual(['slack:T0FAKE:EvRetry1', 'slack:T0FAKE:trig-retry']);
  });

  it('acknowledges within Slack’s 3 seconds even when the bus takes 5', async () => {
    const gate = deferred<void>();
    behaviour = async () => {
      await gate.promise;
      return { status: 'accepted' };
    };
    setTimeout(() => gate.resolve(), 5_000).unref();
    const [command, mention] = await Promise.all([
      fake.deliver(target, slashCommand({ text: 'slow bus' })),
      fake.deliver(target, appMention({ text: '<@U0BOT> slow bus' })),
    ]);
    for (const result of [command, mention]) {
      expect(result.timedOut).toBe(false);
      expect(result.status).toBe(200);
      expect(result.ackMs).toBeLessThan(3_000);
      expect(result.ackMs).toBeGreaterThan(1_500);
    }
    await gate.promise;
    await expect.poll(() => received.length).toBe(2);
  });

  it('asks Slack to redeliver an event the bus could not take, and takes the redelivery', async () => {
    let fail = true;
    behaviour = async () => {
      if (fail) throw new Error('bus down');
      return { status: 'accepted' };
    };
    const mention = appMention({ text: '<@U0BOT> are you there', eventId: 'EvBusDown' });
    expect((await fake.deliver(target, mention)).status).toBe(503);
    const command = await fake.deliver(target, slashCommand({ text: 'are you there' }));
    expect(command.status).toBe(200);
    expect(JSON.parse(command.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('try again'),
    });
    fail = false;
    expect((await fake.deliver(target, mention, { retryNum: 1, retryReason: 'http_error' })).status).toBe(
      200,
    );
    expect(received.map((event) => event.id)).toEqual(['slack:T0FAKE:EvBusDown']);
  });
});
