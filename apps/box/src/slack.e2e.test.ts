import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  let workspace: string;

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
    workspace = await mkdtemp(path.join(tmpdir(), 'slack-workspace-'));
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_WORKSPACE: workspace,
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_ALLOWED_USERS: 'U0ALICE,U0CAROL',
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
    await rm(workspace, { recursive: true, force: true });
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

  it('renders a real approval from a real tool call as blocks; only the requester decides, once', async () => {
    const file = `note-${mode === 'HTTP' ? 'http' : 'socket'}.txt`;
    openai.enqueue(
      {
        type: 'tool-calls',
        calls: [{ name: 'write_file', arguments: { path: file, content: 'from slack' } }],
      },
      { type: 'text', text: 'Saved the note.', chunkSize: 8, delayMs: 5 },
    );
    const thread = slackTs();
    await deliver(appMention({ text: '<@U0BOT> save a note', ts: thread, channel: 'C0GENERAL' }));
    const question = await slack.waitForMessage((m) => m.threadTs === thread && m.blocks !== undefined);
    expect(question.text).toContain(`write_file: write 10 bytes to ${file}`);
    const values = JSON.stringify(question.blocks).match(/ap_[\w-]+:[a-z-]+/g) ?? [];
    const approvalId = values[0]?.split(':')[0] ?? '';
    expect(values).toEqual([
      `${approvalId}:approve`,
      `${approvalId}:allow-conversation`,
      `${approvalId}:deny`,
    ]);
    await expect(readFile(path.join(workspace, file))).rejects.toThrow();
    const press = (user: string, userName: string) =>
      deliver(
        blockActions({
          message: { ts: question.ts, threadTs: thread, text: question.text, blocks: question.blocks ?? [] },
          actionId: 'approval#0',
          value: `${approvalId}:approve`,
          label: 'Approve',
          channel: 'C0GENERAL',
          user,
          userName,
        }),
      );

    // Carol may use the box but did not ask: the agent refuses her press and nothing runs.
    expect((await press('U0CAROL', 'carol')).ok).toBe(true);
    await slack.waitForMessage((m) => m.text.includes('Only the person who asked for this'));
    expect(
      controls.filter((control) => control.type === 'approval-decided' && control.approvalId === approvalId),
    ).toEqual([]);
    await expect(readFile(path.join(workspace, file))).rejects.toThrow();

    const [first, second] = await Promise.all([press('U0ALICE', 'alice'), press('U0ALICE', 'alice')]);
    expect([first.ok, second.ok]).toEqual([true, true]);
    const decided = await slack.waitForMessage(
      (m) => m.ts === question.ts && m.text.endsWith('approve by alice'),
    );
    expect(decided.text).toContain(`write_file: write 10 bytes to ${file}`);
    expect(decided.blocks).toBeUndefined();
    await finished((m) => m.threadTs === thread && m.text === 'Saved the note.');
    expect(await readFile(path.join(workspace, file), 'utf8')).toBe('from slack');
    expect(
      controls.filter((control) => control.type === 'approval-decided' && control.approvalId === approvalId),
    ).toEqual([{ type: 'approval-decided', approvalId, choice: 'approve', by: 'slack:U0ALICE' }]);
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
