import { createDeliveryEngine } from '@switchboard/chat';
import {
  type ChatAdapter,
  createLogger,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
} from '@switchboard/core';
import { type FakeSlack, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter } from './adapter';
import { encodeAddress, type SlackAddress } from './address';
import { STREAM_CHUNK_LIMIT, STREAM_MESSAGE_LIMIT } from './stream';

const silent = createLogger({ level: 'silent' });
let counter = 0;
const address = (overrides: Partial<SlackAddress> = {}): ReplyAddress => {
  counter += 1;
  return encodeAddress({
    team: 'T0FAKE',
    channel: 'C0STREAM',
    thread: slackTs(),
    user: 'U0ALICE',
    request: `slack:T0FAKE:s-${counter}`,
    ...overrides,
  });
};

describe('Slack native streaming, driven by the delivery engine', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  const controller = new AbortController();
  /** What the engine recorded per request, after each record (the outbox's view). */
  const journal = new Map<string, (readonly SentMessage[])[]>();
  const engine = createDeliveryEngine({
    adapterFor: () => adapter,
    journal: {
      sent: (requestId, messages) => journal.set(requestId, [...(journal.get(requestId) ?? []), messages]),
      delivered() {},
    },
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });

  /** One reply, delivered through the engine; feed parts with `push`, read the records at `end`. */
  function reply(to: ReplyAddress) {
    const requestId = String(to.data['request']);
    engine.open(requestId, to);
    return {
      push: (part: ReplyPart) => engine.accept(requestId, part),
      async end(): Promise<readonly SentMessage[]> {
        await engine.settled(requestId);
        return journal.get(requestId)?.at(-1) ?? [];
      },
      records: () => journal.get(requestId) ?? [],
    };
  }

  async function deliver(to: ReplyAddress, parts: readonly ReplyPart[]): Promise<readonly SentMessage[]> {
    const one = reply(to);
    for (const part of parts) await one.push(part);
    return one.end();
  }

  beforeAll(async () => {
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    await adapter.start(async () => ({ status: 'accepted' }), controller.signal);
  });
  afterAll(async () => {
    await engine.close();
    controller.abort();
    await adapter?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.setStreaming(true));

  it('streams deltas into one message in the thread as they come, recorded at once, then stops the stream', async () => {
    const to = address();
    const one = reply(to);
    await one.push({ type: 'status', text: 'thinking' });
    await one.push({ type: 'text-delta', delta: 'Hello ' });
    const first = await fake.waitForCall(
      (call) => call.method === 'chat.appendStream' && call.args['channel'] === 'C0STREAM',
    );
    expect(first.args['markdown_text']).toBe('Hello ');
    expect(one.records()[0]?.map((message) => message.id)).toEqual([first.args['ts']]);
    await one.push({ type: 'text-delta', delta: 'wide ' });
    await one.push({ type: 'text-delta', delta: 'world' });
    await one.push({ type: 'reply-end', text: 'Hello wide world', meta: {} });
    const [sent, ...others] = await one.end();
    expect(others).toEqual([]);
    expect(fake.message('C0STREAM', sent?.id ?? '')).toMatchObject({
      text: 'Hello wide world',
      stream: 'stopped',
      threadTs: to.data['thread'],
    });
    expect(fake.callsOf('chat.startStream').at(-1)?.args).toMatchObject({
      channel: 'C0STREAM',
      thread_ts: to.data['thread'],
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0ALICE',
    });
  });

  it("shows a status that stands a while as the thread's status line, and clears it when text comes", async () => {
    const to = address({ channel: 'C0STATUS' });
    const thread = String(to.data['thread']);
    const statuses = () =>
      fake
        .callsOf('assistant.threads.setStatus')
        .filter((call) => call.args['thread_ts'] === thread)
        .map((call) => call.args['status']);
    const one = reply(to);
    await one.push({ type: 'status', text: 'thinking on openai:fake-model…' });
    await one.push({ type: 'text-delta', delta: 'Let me look. ' });
    await fake.waitForCall(
      (call) => call.method === 'chat.appendStream' && call.args['channel'] === 'C0STATUS',
    );
    await one.push({ type: 'status', text: 'running shell: ls' });
    const shown = await fake.waitForCall(
      (call) => call.method === 'assistant.threads.setStatus' && call.args['thread_ts'] === thread,
    );
    expect(shown.args).toMatchObject({ channel_id: 'C0STATUS', status: 'running shell: ls' });
    await one.push({ type: 'text-delta', delta: 'Found it.' });
    await one.push({ type: 'reply-end', text: 'Let me look. Found it.', meta: {} });
    const [sent] = await one.end();
    await vi.waitFor(() => expect(statuses()).toEqual(['running shell: ls', '']), { timeout: 5000 });
    expect(fake.message('C0STATUS', sent?.id ?? '')?.text).toBe('Let me look. Found it.');
  });

  it('leaves the status line alone when text follows the status at once', async () => {
    const to = address({ channel: 'C0QUICK' });
    await deliver(to, [
      { type: 'status', text: 'thinking…' },
      { type: 'text-delta', delta: 'Quick answer.' },
      { type: 'reply-end', text: 'Quick answer.', meta: {} },
    ]);
    const thread = String(to.data['thread']);
    expect(
      fake.callsOf('assistant.threads.setStatus').filter((call) => call.args['thread_ts'] === thread),
    ).toEqual([]);
  });

  it('neutralises a mention even when it arrives split across deltas', async () => {
    const to = address({ channel: 'C0MENTION' });
    const one = reply(to);
    const appended = (text: string) =>
      fake.waitForCall(
        (call) =>
          call.method === 'chat.appendStream' &&
          call.args['channel'] === 'C0MENTION' &&
          String(call.args['markdown_text']).replace(/\u200B/g, '') === text,
      );
    await one.push({ type: 'text-delta', delta: 'ping <' });
    await appended('ping ');
    await one.push({ type: 'text-delta', delta: '!channel> and <@U1' });
    await appended('<!channel> and ');
    await one.push({ type: 'text-delta', delta: '23> and @ev' });
    await appended('<@U123> and ');
    await one.push({ type: 'text-delta', delta: 'eryone' });
    await one.push({ type: 'reply-end', text: 'ping <!channel> and <@U123> and @everyone', meta: {} });
    const [sent] = await one.end();
    const text = fake.message('C0MENTION', sent?.id ?? '')?.text ?? '';
    expect(text.replace(/\u200B/g, '')).toBe('ping <!channel> and <@U123> and @everyone');
    expect(text).not.toMatch(/<[!@#]|@everyone/);
  });

  it('rewrites the message when the final text differs from what was streamed', async () => {
    const one = reply(address({ channel: 'C0REWRITE' }));
    await one.push({ type: 'text-delta', delta: 'draft that will change ' });
    await fake.waitForCall(
      (call) => call.method === 'chat.appendStream' && call.args['channel'] === 'C0REWRITE',
    );
    await one.push({ type: 'reply-end', text: 'The **final** answer', meta: {} });
    const [sent, ...others] = await one.end();
    expect(others).toEqual([]);
    expect(fake.message('C0REWRITE', sent?.id ?? '')).toMatchObject({
      text: 'The *final* answer',
      stream: 'stopped',
    });
  });

  it('keeps each append within the chunk limit and posts what one message cannot hold after it', async () => {
    const words = 'lorem ipsum dolor sit amet '.repeat(2_000);
    const [sent, ...rest] = await deliver(address({ channel: 'C0LONG' }), [
      { type: 'text-delta', delta: words },
      { type: 'reply-end', text: words, meta: {} },
    ]);
    const appends = fake.callsOf('chat.appendStream').filter((call) => call.args['ts'] === sent?.id);
    expect(appends.length).toBeGreaterThan(1);
    for (const call of appends)
      expect(String(call.args['markdown_text']).length).toBeLessThanOrEqual(STREAM_CHUNK_LIMIT);
    const streamed = fake.message('C0LONG', sent?.id ?? '')?.text ?? '';
    expect(streamed.length).toBeLessThanOrEqual(STREAM_MESSAGE_LIMIT);
    expect(rest.length).toBeGreaterThan(0);
    const shown = [streamed, ...rest.map((message) => fake.message('C0LONG', message.id)?.text ?? '')];
    expect(shown.join('').replace(/\s+/g, ' ').trim()).toBe(words.trim());
  });

  it('posts an approval request with buttons in the thread while the stream goes on', async () => {
    const to = address();
    const [sent] = await deliver(to, [
      { type: 'text-delta', delta: 'I need to run a command. ' },
      {
        type: 'approval-request',
        approvalId: 'ap-7',
        summary: 'Run `ls /`?',
        choices: ['approve', 'deny'],
      },
      { type: 'reply-end', text: 'I need to run a command. Done.', meta: {} },
    ]);
    const thread = fake.thread('C0STREAM', String(to.data['thread']));
    const buttons = thread.find((message) => message.blocks !== undefined);
    expect(buttons?.text).toBe('Run `ls /`?');
    expect(JSON.stringify(buttons?.blocks)).toContain('"value":"ap-7:approve"');
    expect(fake.message('C0STREAM', sent?.id ?? '')?.text).toBe('I need to run a command. Done.');
  });

  it('ends the stream with the error sentence', async () => {
    const [sent] = await deliver(address(), [
      { type: 'text-delta', delta: 'Partial' },
      { type: 'error', code: 'model_failed', message: 'The model stopped answering.' },
    ]);
    expect(fake.message('C0STREAM', sent?.id ?? '')).toMatchObject({
      text: 'Partial\n\n⚠️ The model stopped answering.',
      stream: 'stopped',
    });
  });

  it('posts and edits where the workspace has no native streaming, and stops asking', async () => {
    fake.setStreaming('unknown_method');
    const before = fake.callsOf('chat.startStream').length;
    for (const text of ['first answer', 'second answer']) {
      const [sent] = await deliver(address({ team: 'T0NOSTREAM', channel: 'C0NOSTREAM' }), [
        { type: 'reply-end', text, meta: {} },
      ]);
      expect(fake.message('C0NOSTREAM', sent?.id ?? '')).toMatchObject({ text });
      expect(fake.message('C0NOSTREAM', sent?.id ?? '')?.stream).toBeUndefined();
    }
    expect(fake.callsOf('chat.startStream').length).toBe(before + 1);
  });

  it('does not stream a button press, whose reply updates the button message instead', async () => {
    const before = fake.callsOf('chat.startStream').length;
    await deliver(address({ channel: 'C0PRESS', replace: { ts: slackTs(), text: 'Run?' } }), [
      { type: 'reply-end', text: 'approve by alice', meta: {} },
    ]);
    expect(fake.callsOf('chat.startStream').length).toBe(before);
  });

  it('waits out a 429 on appendStream for this stream only', async () => {
    fake.rateLimit({ method: 'chat.appendStream', channel: 'C0LIMITED', retryAfterSeconds: 1 });
    const [sent] = await deliver(address({ channel: 'C0LIMITED' }), [
      { type: 'text-delta', delta: 'slow ' },
      { type: 'reply-end', text: 'slow but complete', meta: {} },
    ]);
    expect(fake.message('C0LIMITED', sent?.id ?? '')).toMatchObject({
      text: 'slow but complete',
      stream: 'stopped',
    });
    expect(fake.callsOf('chat.appendStream').some((call) => call.outcome === 'ratelimited')).toBe(true);
  });
});
