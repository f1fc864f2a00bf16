import {
  AsyncQueue,
  type ChatAdapter,
  createLogger,
  type ReplyAddress,
  type ReplyPart,
} from '@switchboard/core';
import { type FakeSlack, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';
import { encodeAddress, type SlackAddress } from './address';

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

/** Parts with a count of how many the adapter has read. */
function feed(parts: readonly ReplyPart[]): { iterable: AsyncIterable<ReplyPart>; readonly read: number } {
  const state = { read: 0 };
  return {
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (const part of parts) {
          state.read += 1;
          yield part;
        }
      },
    },
    get read() {
      return state.read;
    },
  };
}

describe('Slack native streaming', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  const controller = new AbortController();

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
    controller.abort();
    await adapter?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.setStreaming(true));

  it('streams deltas into one message in the thread as they come, then stops the stream', async () => {
    const to = address();
    const queue = new AsyncQueue<ReplyPart>();
    const streaming = adapter.stream?.(to, queue);
    queue.push({ type: 'status', text: 'thinking' });
    queue.push({ type: 'text-delta', delta: 'Hello ' });
    const started = await fake.waitForCall(
      (call) => call.method === 'chat.appendStream' && call.args['channel'] === 'C0STREAM',
    );
    expect(started.args['markdown_text']).toBe('Hello ');
    queue.push({ type: 'text-delta', delta: 'wide ' });
    queue.push({ type: 'text-delta', delta: 'world' });
    queue.push({ type: 'reply-end', text: 'Hello wide world', meta: {} });
    queue.close();
    const sent = await streaming;
    expect(sent).not.toBeNull();
    const message = fake.message('C0STREAM', sent?.id ?? '');
    expect(message).toMatchObject({
      text: 'Hello wide world',
      stream: 'stopped',
      threadTs: to.data['thread'],
    });
    const start = fake.callsOf('chat.startStream').at(-1);
    expect(start?.args).toMatchObject({
      channel: 'C0STREAM',
      thread_ts: to.data['thread'],
      recipient_team_id: 'T0FAKE',
      recipient_user_id: 'U0ALICE',
    });
  });

  it('neutralises a mention even when it arrives split across deltas', async () => {
    const to = address();
    const sent = await adapter.stream?.(
      to,
      feed([
        { type: 'text-delta', delta: 'ping <' },
        { type: 'text-delta', delta: '!channel> and <@U1' },
        { type: 'text-delta', delta: '23> and @ev' },
        { type: 'text-delta', delta: 'eryone' },
        { type: 'reply-end', text: 'ping <!channel> and <@U123> and @everyone', meta: {} },
      ]).iterable,
    );
    const text = fake.message('C0STREAM', sent?.id ?? '')?.text ?? '';
    expect(text.replace(/\u200B/g, '')).toBe('ping <!channel> and <@U123> and @everyone');
    expect(text).not.toMatch(/<[!@#]|@everyone/);
  });

  it('rewrites the message when the final text differs from what was streamed', async () => {
    const queue = new AsyncQueue<ReplyPart>();
    const streaming = adapter.stream?.(address({ channel: 'C0REWRITE' }), queue);
    queue.push({ type: 'text-delta', delta: 'draft that will change' });
    await fake.waitForCall(
      (call) => call.method === 'chat.appendStream' && call.args['channel'] === 'C0REWRITE',
    );
    queue.push({ type: 'reply-end', text: 'The **final** answer', meta: {} });
    const sent = await streaming;
    expect(fake.message('C0REWRITE', sent?.id ?? '')?.text).toBe('The *final* answer');
  });

  it('posts an approval request with buttons in the thread while the stream goes on', async () => {
    const to = address();
    const sent = await adapter.stream?.(
      to,
      feed([
        { type: 'text-delta', delta: 'I need to run a command. ' },
        {
          type: 'approval-request',
          approvalId: 'ap-7',
          summary: 'Run `ls /`?',
          choices: ['approve', 'deny'],
        },
        { type: 'reply-end', text: 'I need to run a command. Done.', meta: {} },
      ]).iterable,
    );
    const thread = fake.thread('C0STREAM', String(to.data['thread']));
    const buttons = thread.find((message) => message.blocks !== undefined);
    expect(buttons?.text).toBe('Run `ls /`?');
    expect(JSON.stringify(buttons?.blocks)).toContain('"value":"ap-7:approve"');
    expect(fake.message('C0STREAM', sent?.id ?? '')?.text).toBe('I need to run a command. Done.');
  });

  it('ends the stream with the error sentence', async () => {
    const sent = await adapter.stream?.(
      address(),
      feed([
        { type: 'text-delta', delta: 'Partial' },
        { type: 'error', code: 'model_failed', message: 'The model stopped answering.' },
      ]).iterable,
    );
    expect(fake.message('C0STREAM', sent?.id ?? '')).toMatchObject({
      text: 'Partial\n\n⚠️ The model stopped answering.',
      stream: 'stopped',
    });
  });

  it('falls back (null, no part read) where the workspace has no native streaming, and stops asking', async () => {
    fake.setStreaming('unknown_method');
    const before = fake.callsOf('chat.startStream').length;
    const first = feed([{ type: 'reply-end', text: 'x', meta: {} }]);
    expect(await adapter.stream?.(address({ team: 'T0NOSTREAM' }), first.iterable)).toBeNull();
    expect(first.read).toBe(0);
    const second = feed([{ type: 'reply-end', text: 'x', meta: {} }]);
    expect(await adapter.stream?.(address({ team: 'T0NOSTREAM' }), second.iterable)).toBeNull();
    expect(second.read).toBe(0);
    expect(fake.callsOf('chat.startStream').length).toBe(before + 1);
  });

  it('falls back for a button press, whose reply updates the button message instead', async () => {
    const parts = feed([{ type: 'reply-end', text: 'approve by alice', meta: {} }]);
    expect(
      await adapter.stream?.(address({ replace: { ts: slackTs(), text: 'Run?' } }), parts.iterable),
    ).toBeNull();
    expect(parts.read).toBe(0);
  });

  it('waits out a 429 on appendStream for this stream only', async () => {
    fake.rateLimit({ method: 'chat.appendStream', channel: 'C0LIMITED', retryAfterSeconds: 1 });
    const sent = await adapter.stream?.(
      address({ channel: 'C0LIMITED' }),
      feed([
        { type: 'text-delta', delta: 'slow ' },
        { type: 'reply-end', text: 'slow but complete', meta: {} },
      ]).iterable,
    );
    expect(fake.message('C0LIMITED', sent?.id ?? '')?.text).toBe('slow but complete');
    expect(fake.callsOf('chat.appendStream').some((call) => call.outcome === 'ratelimited')).toBe(true);
  });
});
