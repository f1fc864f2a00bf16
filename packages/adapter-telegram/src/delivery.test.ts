import type { InboundEvent, ReplyPart } from '@switchboard/core';
import type { RecordedCall, TgMessage } from '@switchboard/testkit/fake-telegram';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const words = (count: number, word = 'word') =>
  Array.from({ length: count }, (_, index) => `${word}${index} `);
const deltas = (pieces: readonly string[]): ReplyPart[] =>
  pieces.map((delta) => ({ type: 'text-delta', delta }));
const end = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });

async function ask(
  current: Harness,
  text: string,
  chat?: Parameters<Harness['fake']['sendText']>[0]['chat'],
): Promise<InboundEvent> {
  const arriving = current.nextEvent((event) => event.text === text);
  current.fake.sendText({ from: current.fake.user(42, 'Alice'), text, ...(chat ? { chat } : {}) });
  return arriving;
}

/** Gaps between consecutive calls of `method` per chat, in milliseconds. */
function gapsByChat(calls: readonly RecordedCall[], method: string): Map<number, number[]> {
  const byChat = new Map<number, number[]>();
  for (const call of calls.filter((candidate) => candidate.method === method)) {
    const chat = Number(call.params['chat_id']);
    byChat.set(chat, [...(byChat.get(chat) ?? []), call.at]);
  }
  return new Map(
    [...byChat].map(([chat, times]) => [chat, times.slice(1).map((at, index) => at - (times[index] ?? 0))]),
  );
}

describe('replies through the delivery engine', () => {
  it('streams a private reply into a draft (at most one a second), then sends the final text', async () => {
    harness = await startHarness();
    const event = await ask(harness, '/ask tell me a story');
    const story = words(30, 'once');
    await harness.reply(
      event,
      [{ type: 'status', text: 'thinking on fake…' }, ...deltas(story), end(story.join('').trim())],
      100,
    );
    const drafts = harness.fake.callsTo('sendMessageDraft', 42);
    const texts = drafts.map((call) => String(call.params['text']));
    expect(texts[0]).toBe('');
    expect(texts.filter((text) => text.startsWith('once0')).length).toBeGreaterThanOrEqual(2);
    for (const gap of gapsByChat(drafts, 'sendMessageDraft').get(42) ?? [])
      expect(gap).toBeGreaterThanOrEqual(1000);
    expect(harness.fake.messages(42).map((message) => message.text)).toEqual([story.join('').trim()]);
    expect(harness.fake.callsTo('editMessageText')).toHaveLength(0);
    const final = harness.fake.callsTo('sendMessage', 42)[0];
    expect(final?.at).toBeGreaterThan(drafts.at(-1)?.at ?? 0);
  });

  it('falls back to post and edit when the Bot API has no drafts', async () => {
    harness = await startHarness({}, { drafts: false });
    const event = await ask(harness, 'hello');
    await harness.reply(event, [...deltas(words(25, 'w')), end('All done.')], 100);
    expect(harness.fake.callsTo('sendMessageDraft').every((call) => call.errorCode === 404)).toBe(true);
    const [message] = harness.fake.messages(42);
    expect(message?.text).toBe('All done.');
    expect(harness.fake.history(42, message?.message_id ?? 0).length).toBeGreaterThanOrEqual(3);
  });

  it('splits a reply longer than 4096 characters into messages that arrive complete and in order', async () => {
    harness = await startHarness();
    const event = await ask(harness, 'long please');
    const paragraphs = Array.from({ length: 12 }, (_, index) =>
      `Paragraph ${index}: ${'lorem ipsum '.repeat(90)}`.trim(),
    );
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(3 * 4096);
    await harness.reply(event, [{ type: 'text-delta', delta: text }, end(text)]);
    const messages = harness.fake.messages(42).map((message) => message.text ?? '');
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(4096);
    expect(messages.join('\n\n').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('sends the words as plain text when Telegram cannot parse the markup', async () => {
    harness = await startHarness();
    const group = harness.fake.group(-300, 'Team');
    const event = await ask(harness, '/ask hi', group);
    harness.fake.failNext('sendMessage', {
      errorCode: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
      chatId: group.id,
    });
    await harness.reply(event, [end('**Bold** answer')]);
    expect(
      harness.fake.callsTo('sendMessage', group.id).map((call) => [call.params['parse_mode'], call.ok]),
    ).toEqual([
      ['HTML', false],
      [undefined, true],
    ]);
    expect(harness.fake.messages(group.id).map((message) => message.text)).toEqual(['**Bold** answer']);
  });

  it('honours a 429 on edits for that chat only', async () => {
    harness = await startHarness();
    const slow = harness.fake.group(-401, 'Slow');
    const fast = harness.fake.group(-402, 'Fast');
    const slowEvent = await ask(harness, '/ask slow', slow);
    const fastEvent = await ask(harness, '/ask fast', fast);
    harness.fake.rateLimit('editMessageText', { retryAfter: 3, chatId: slow.id });
    const parts = [...deltas(words(12, 'x')), end('finished')];
    const finishedAt: Record<string, number> = {};
    await Promise.all([
      harness.reply(slowEvent, parts, 100).then(() => {
        finishedAt['slow'] = performance.now();
      }),
      harness.reply(fastEvent, parts, 100).then(() => {
        finishedAt['fast'] = performance.now();
      }),
    ]);
    const edits = harness.fake.callsTo('editMessageText', slow.id);
    const limited = edits.find((call) => call.errorCode === 429);
    const after = edits.filter((call) => limited !== undefined && call.at > limited.at);
    expect(limited).toBeDefined();
    expect(after.length).toBeGreaterThan(0);
    for (const call of after) expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(2900);
    expect(harness.fake.messages(slow.id).at(-1)?.text).toBe('finished');
    expect(harness.fake.messages(fast.id).at(-1)?.text).toBe('finished');
    expect((finishedAt['slow'] ?? 0) - (finishedAt['fast'] ?? 0)).toBeGreaterThan(1000);
  }, 20_000);

  it('posts an approval as an inline keyboard, answers the press, and edits the message to show who decided', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const event = await ask(harness, '/ask delete the temp files');
    const approvalId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    harness.engine.open(event.id, event.reply);
    await harness.engine.accept(event.id, {
      type: 'approval-request',
      approvalId,
      summary: 'Run `rm -rf /tmp/x`?',
      choices: ['approve', 'deny'],
    });
    const posted = await fake.waitFor(
      (call) =>
        call.method === 'sendMessage' && call.ok === true && call.params['reply_markup'] !== undefined,
    );
    const message = posted.result as TgMessage;
    expect(message.reply_markup?.inline_keyboard).toEqual([
      [
        { text: 'Approve', callback_data: `approval:${approvalId}:approve` },
        { text: 'Deny', callback_data: `approval:${approvalId}:deny` },
      ],
    ]);
    const pressed = harness.nextEvent((candidate) => candidate.kind === 'action');
    const update = fake.pressButton({
      from: fake.user(42, 'Alice'),
      message,
      data: `approval:${approvalId}:approve`,
    });
    const action = await pressed;
    expect(action).toMatchObject({
      kind: 'action',
      action: { id: 'approval', value: `${approvalId}:approve` },
      author: { displayName: 'Alice' },
    });
    await fake.waitFor((call) => call.method === 'answerCallbackQuery' && call.ok === true);
    expect(fake.callbackAnswers.has(update.callback_query?.id ?? '')).toBe(true);
    // The agent answers the action with "<choice> by <name>"; the reply lands on the button message.
    await harness.reply(action, [end('approve by Alice')]);
    const edited = fake.messages(42).find((candidate) => candidate.message_id === message.message_id);
    expect(edited?.text).toBe('Run rm -rf /tmp/x?\n\napprove by Alice');
    expect(edited?.reply_markup).toBeUndefined();
    await harness.engine.accept(event.id, end('Deleted.'));
    await harness.engine.settled(event.id);
    expect(fake.messages(42).at(-1)?.text).toBe('Deleted.');
  });

  it('never edits faster than once a second per chat, across 20 conversations and several requests per chat', async () => {
    harness = await startHarness();
    const groups = Array.from({ length: 20 }, (_, index) => harness?.fake.group(-500 - index, `G${index}`));
    const events: InboundEvent[] = [];
    for (const [index, group] of groups.entries()) events.push(await ask(harness, `/ask q${index}`, group));
    events.push(await ask(harness, '/ask again', groups[0]), await ask(harness, '/ask third', groups[0]));
    const parts = [...deltas(words(30, 'tok')), end('the end')];
    await Promise.all(events.map((event) => harness?.reply(event, parts, 100)));
    const gaps = gapsByChat(harness.fake.calls, 'editMessageText');
    let edits = 0;
    for (const [, chatGaps] of gaps) {
      edits += chatGaps.length + 1;
      for (const gap of chatGaps) expect(gap).toBeGreaterThanOrEqual(1000);
    }
    expect(edits).toBeGreaterThanOrEqual(40);
    expect(harness.fake.messages(-500).map((message) => message.text)).toEqual([
      'the end',
      'the end',
      'the end',
    ]);
  }, 30_000);
});
