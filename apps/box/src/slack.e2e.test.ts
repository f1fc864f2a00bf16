import { createSlackAdapter, encodeAddress } from '@switchboard/adapter-slack';
import { createDeliveryEngine } from '@switchboard/chat';
import { type ControlMessage, createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import {
  appMention,
  blockActions,
  type FakeMessage,
  type FakeSlack,
  messageEvent,
  type SlackDelivery,
  slackTs,
  slashCommand,
  startFakeSlack,
} from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const ANSWER = 'Streaming into Slack, piece by piece.';
/** Three chunks 1.7 s apart: the model takes over 3 s, longer than Slack waits for an ack. */
const SLOW = { type: 'text', text: ANSWER, chunkSize: 13, delayMs: 1_700 } as const;
const QUICK = { type: 'text', text: 'Quick answer.', chunkSize: 6, delayMs: 5 } as const;

interface Ack {
  readonly ackMs: number;
  readonly ok: boolean;
}

const modes = [{ mode: 'HTTP' as const }, { mode: 'Socket Mode' as const }];

describe.each(modes)('Slack through the whole box ($mode)', ({ mode }) => {
  let slack: FakeSlack;
  let openai: FakeOpenAI;
  let box: Box;
  const controls: ControlMessage[] = [];

  const deliver = async (delivery: SlackDelivery, retry = 0): Promise<Ack> => {
    if (mode === 'HTTP') {
      const result = await slack.deliver(
        `${box.url}/slack/events`,
        delivery,
        retry > 0 ? { retryNum: retry, retryReason: 'http_timeout' } : {},
      );
      return { ackMs: result.ackMs, ok: result.status === 200 && !result.timedOut };
    }
    const ack = await slack.socket.send(
      delivery,
      retry > 0 ? { retryAttempt: retry, retryReason: 'timeout' } : {},
    );
    return { ackMs: ack.ackMs, ok: !ack.timedOut };
  };
  const finished = (predicate: (message: FakeMessage) => boolean, timeoutMs = 15_000) =>
    slack.waitForMessage((message) => predicate(message) && message.stream !== 'streaming', timeoutMs);

  beforeAll(async () => {
    slack = await startFakeSlack();
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALLOWED_USERS: 'U0ALICE',
      ...(mode === 'HTTP'
        ? { SLACK_SIGNING_SECRET: slack.signingSecret }
        : { SLACK_APP_TOKEN: slack.appToken }),
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent });
    box.bus.onControl((message) => controls.push(message));
    if (mode === 'Socket Mode') await slack.socket.waitForConnection();
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await slack?.close();
  });

  it('acks a slash command at once while the model takes over 3 s, then streams the answer into a thread', async () => {
    openai.enqueue(SLOW);
    const sentAt = Date.now();
    const ack = await deliver(slashCommand({ text: 'tell me slowly', triggerId: `${mode}-slow` }));
    expect(ack.ok).toBe(true);
    expect(ack.ackMs).toBeLessThan(3_000);
    const anchor = await slack.waitForMessage((m) => m.text === '*alice* asked: tell me slowly');
    expect(anchor.threadTs).toBeUndefined();
    const reply = await finished((m) => m.threadTs === anchor.ts && m.text === ANSWER);
    expect(reply.stream).toBe('stopped');
    const appends = slack.callsOf('chat.appendStream').filter((call) => call.args['ts'] === reply.ts);
    expect(appends.length).toBeGreaterThanOrEqual(3);
    expect((appends.at(-1)?.at ?? 0) - (appends[0]?.at ?? 0)).toBeGreaterThan(2_500);
    // Acknowledged long before the model had finished.
    expect(sentAt + ack.ackMs).toBeLessThan((appends.at(-1)?.at ?? 0) - 2_000);
    const tasks = await box.store.listTasks('slack:T0FAKE:C0GENERAL:-', 10);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'succeeded', model: 'openai:fake-model' });
  });

  it('answers a mention in its thread', async () => {
    const ts = slackTs();
    expect((await deliver(appMention({ text: '<@U0BOT> hello there', ts }))).ok).toBe(true);
    await finished((m) => m.channel === 'C0GENERAL' && m.threadTs === ts && m.text === 'Quick answer.');
    const asked = openai.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(asked.messages.at(-1)).toMatchObject({ role: 'user', content: 'hello there' });
  });

  it('answers a direct message in its thread', async () => {
    const ts = slackTs();
    expect((await deliver(messageEvent({ text: 'a private question', channel: 'D0ALICE', ts }))).ok).toBe(
      true,
    );
    await finished((m) => m.channel === 'D0ALICE' && m.threadTs === ts && m.text === 'Quick answer.');
  });

  it('makes one task and one reply of each event delivered four times', async () => {
    const before = openai.requestCount;
    const ts = slackTs();
    const mention = appMention({
      text: '<@U0BOT> just once',
      ts,
      channel: 'C0RETRY',
      eventId: `EvRetry-${mode}`,
    });
    for (const retry of [0, 1, 2, 3]) expect((await deliver(mention, retry)).ok).toBe(true);
    const command = slashCommand({ text: 'only once', channel: 'C0RETRY', triggerId: `${mode}-retry` });
    for (const retry of [0, 1, 2, 3]) expect((await deliver(command, retry)).ok).toBe(true);
    await finished((m) => m.channel === 'C0RETRY' && m.threadTs === ts && m.text === 'Quick answer.');
    const anchor = await slack.waitForMessage(
      (m) => m.channel === 'C0RETRY' && m.text === '*alice* asked: only once',
    );
    await finished((m) => m.channel === 'C0RETRY' && m.threadTs === anchor.ts && m.text === 'Quick answer.');
    expect(openai.requestCount - before).toBe(2);
    expect(slack.thread('C0RETRY', ts)).toHaveLength(1);
    expect(slack.thread('C0RETRY', anchor.ts)).toHaveLength(1);
    expect(slack.messages.filter((m) => m.channel === 'C0RETRY' && m.threadTs === undefined)).toHaveLength(1);
    expect(await box.store.listTasks(`slack:T0FAKE:C0RETRY:${ts}`, 10)).toHaveLength(1);
    expect(await box.store.listTasks('slack:T0FAKE:C0RETRY:-', 10)).toHaveLength(1);
  });

  it('round-trips an approval: buttons in the thread, a press through the box, the message updated with who decided', async () => {
    // The agent has no risky tools yet, so the approval request is posted by a delivery engine driving
    // a Slack adapter against the same fake; the press then goes through the whole box.
    const thread = slackTs();
    const poster = createSlackAdapter({
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
      apiUrl: slack.apiUrl,
      logger: silent,
    });
    const engine = createDeliveryEngine({ adapterFor: () => poster });
    const requestId = 'slack:T0FAKE:approval-origin';
    engine.open(
      requestId,
      encodeAddress({ team: 'T0FAKE', channel: 'C0GENERAL', thread, user: 'U0ALICE', request: requestId }),
    );
    await engine.accept(requestId, {
      type: 'approval-request',
      approvalId: `ap-${mode}`,
      summary: 'Run `make deploy`?',
      choices: ['approve', 'deny'],
    });
    const question = await slack.waitForMessage((m) => m.threadTs === thread && m.blocks !== undefined);
    await engine.accept(requestId, { type: 'reply-end', text: 'Waiting for a decision.', meta: {} });
    await engine.settled(requestId);
    await engine.close();

    const ack = await deliver(
      blockActions({
        message: { ts: question.ts, threadTs: thread, text: question.text, blocks: question.blocks ?? [] },
        actionId: 'approval#0',
        value: `ap-${mode}:approve`,
        label: 'Approve',
      }),
    );
    expect(ack.ok).toBe(true);
    await expect
      .poll(() =>
        controls.find(
          (control) => control.type === 'approval-decided' && control.approvalId === `ap-${mode}`,
        ),
      )
      .toEqual({
        type: 'approval-decided',
        approvalId: `ap-${mode}`,
        choice: 'approve',
        by: 'slack:U0ALICE',
      });
    const decided = await slack.waitForMessage(
      (m) => m.ts === question.ts && m.text.endsWith('approve by alice'),
    );
    expect(decided.text).toBe('Run `make deploy`?\n\napprove by alice');
    expect(decided.blocks).toBeUndefined();
  });

  it('keeps streaming into one channel while another waits out a 429 on chat.update', async () => {
    slack.setStreaming('unknown_method');
    const text = 'One two three four five six seven eight nine ten.';
    openai.enqueue(
      { type: 'text', text, chunkSize: 10, delayMs: 400 },
      { type: 'text', text, chunkSize: 10, delayMs: 400 },
    );
    slack.rateLimit({ method: 'chat.update', channel: 'C0LIMITED', retryAfterSeconds: 5 });
    const limitedTs = slackTs();
    const freeTs = slackTs();
    const started = Date.now();
    await Promise.all([
      deliver(appMention({ text: '<@U0BOT> count', ts: limitedTs, channel: 'C0LIMITED' })),
      deliver(appMention({ text: '<@U0BOT> count', ts: freeTs, channel: 'C0FREE' })),
    ]);
    const free = await finished((m) => m.channel === 'C0FREE' && m.threadTs === freeTs && m.text === text);
    const freeDone = Date.now();
    const limited = await finished(
      (m) => m.channel === 'C0LIMITED' && m.threadTs === limitedTs && m.text === text,
    );
    const limitedDone = Date.now();
    const refused = slack
      .callsOf('chat.update')
      .find((call) => call.outcome === 'ratelimited' && call.args['channel'] === 'C0LIMITED');
    expect(refused).toBeDefined();
    // The free channel was edited several times and finished while the other still waited out its 429.
    expect(free.edits).toBeGreaterThanOrEqual(2);
    expect(freeDone).toBeLessThan((refused?.at ?? 0) + 5_000);
    expect(limitedDone).toBeGreaterThanOrEqual((refused?.at ?? 0) + 5_000);
    expect(limited.text).toBe(text);
    expect(started).toBeLessThan(freeDone);
  });
});
