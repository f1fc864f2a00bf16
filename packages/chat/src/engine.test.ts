import { type ReplyAddress, type ReplyPart, sleep } from '@switchboard/core';
import { type RecordedCall, RecordingAdapter } from '@switchboard/testkit/recording-adapter';
import { describe, expect, it } from 'vitest';
import { createDeliveryEngine } from './engine';
import { splitMessage } from './split';
import type { DeliveryLogger } from './types';

const address = (chat: string): ReplyAddress => ({ platform: 'telegram', data: { chat } });
const delta = (text: string): ReplyPart => ({ type: 'text-delta', delta: text });
const end = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });

function captureLogs(): DeliveryLogger & { lines: { level: string; message: string; details: object }[] } {
  const lines: { level: string; message: string; details: object }[] = [];
  const log = (level: string) => (details: object, message: string) =>
    lines.push({ level, message, details });
  return { lines, debug: log('debug'), warn: log('warn'), error: log('error') };
}

/** Accept `parts` one by one, `gapMs` apart. */
async function feed(
  engine: ReturnType<typeof createDeliveryEngine>,
  id: string,
  parts: readonly ReplyPart[],
  gapMs: number,
) {
  for (const part of parts) {
    await engine.accept(id, part);
    if (gapMs > 0) await sleep(gapMs);
  }
}

const ended = (call: RecordedCall): number => {
  if (call.endedAt === undefined) throw new Error('call still running');
  return call.endedAt;
};
const fenceLines = (text: string) => text.split('\n').filter((line) => /^ {0,3}```/.test(line)).length;

describe('delivery by post and edit', () => {
  it('throttles edits: one at a time, each at least minEditIntervalMs after the previous one finished', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 200 }, latencyMs: 30 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    const words = Array.from({ length: 50 }, (_, index) => `word${index} `);
    const startedAt = performance.now();
    await feed(engine, 'r1', words.map(delta), 20);
    const final = words.join('').trim();
    await engine.accept('r1', end(final));
    await engine.settled('r1');
    const elapsed = performance.now() - startedAt;

    const calls = adapter.callsOf('post', 'edit');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(Math.floor(elapsed / 200) + 2);
    for (let index = 1; index < calls.length; index++) {
      const previous = calls[index - 1] as RecordedCall;
      const call = calls[index] as RecordedCall;
      expect(call.at).toBeGreaterThanOrEqual(ended(previous));
      expect(call.at - ended(previous)).toBeGreaterThanOrEqual(200);
    }
    expect(calls.every((call) => call.error === undefined)).toBe(true);
    expect(adapter.shown()).toEqual([final]);
    expect(calls.at(-1)?.final).toBe(true);
  });

  it('never lets edits overlap, even when a call takes longer than the interval', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 20 }, latencyMs: 120 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await feed(
      engine,
      'r1',
      Array.from({ length: 30 }, (_, index) => delta(`${index} `)),
      15,
    );
    await engine.accept('r1', end('done'));
    await engine.settled('r1');
    const calls = adapter.callsOf('post', 'edit');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (let index = 1; index < calls.length; index++) {
      expect(
        (calls[index] as RecordedCall).at - ended(calls[index - 1] as RecordedCall),
      ).toBeGreaterThanOrEqual(20);
    }
    expect(adapter.shown()).toEqual(['done']);
  });

  it('never sends text the message already shows', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 10 }, latencyMs: 5 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    const parts: ReplyPart[] = [
      { type: 'status', text: 'thinking' },
      { type: 'status', text: 'thinking' },
      delta('Hello'),
      delta(''),
      delta(' '),
      delta('\n'),
      end('Hello'),
    ];
    await feed(engine, 'r1', parts, 40);
    await engine.settled('r1');
    const calls = adapter.callsOf('post', 'edit');
    expect(calls.map((call) => call.text)).toEqual(['_thinking_', 'Hello']);
    expect(calls.some((call) => call.error === 'not_modified')).toBe(false);
    expect(adapter.shown()).toEqual(['Hello']);
  });

  it('shows the placeholder first, then status lines in italics', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 5 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, placeholderText: 'Working…' });
    engine.open('r1', address('1'));
    await feed(
      engine,
      'r1',
      [{ type: 'approval-request', approvalId: 'a1', summary: 'Run `ls`?', choices: ['approve'] }],
      30,
    );
    await feed(
      engine,
      'r1',
      [{ type: 'status', text: 'running shell' }, delta('Files:'), { type: 'status', text: 'reading' }],
      40,
    );
    await engine.accept('r1', end('Files: a, b'));
    await engine.settled('r1');
    const texts = adapter.callsOf('post', 'edit').map((call) => call.text);
    expect(texts).toContain('Working…');
    expect(texts).toContain('_running shell_');
    expect(texts).toContain('Files:\n\n_reading_');
    expect(adapter.shown()).toEqual(['Run `ls`?', 'Files: a, b']);
  });

  it('splits at maxLength into new messages, keeps code fences intact and earlier messages stable', async () => {
    const adapter = new RecordingAdapter({ limits: { maxLength: 120, minEditIntervalMs: 10 }, latencyMs: 2 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    const code = Array.from({ length: 14 }, (_, index) => `const value${index} = ${index};`).join('\n');
    const text = `Here is the code you asked for, in TypeScript.\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const deltas = text.match(/[\s\S]{1,7}/g) ?? [];
    await feed(engine, 'r1', deltas.map(delta), 3);
    await engine.accept('r1', end(text));
    await engine.settled('r1');

    const expected = splitMessage(text, 120);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(adapter.shown()).toEqual(expected);
    for (const shown of adapter.shown()) {
      expect(shown.length).toBeLessThanOrEqual(120);
      expect(fenceLines(shown) % 2).toBe(0);
    }
    expect(adapter.shown()[1]?.startsWith('```ts\n')).toBe(true);
    expect(adapter.calls.every((call) => call.error === undefined)).toBe(true);
    // Once the next message was posted, no earlier message was edited again.
    const posts = adapter.callsOf('post');
    for (const [index, post] of posts.entries()) {
      const earlier = new Set(posts.slice(0, index).map((call) => call.sentId));
      const laterEdits = adapter
        .callsOf('edit')
        .filter((call) => call.at > post.at && earlier.has(call.sentId));
      expect(laterEdits).toEqual([]);
    }
  });

  it('ends with the final text, which replaces what streamed, and retires messages it no longer needs', async () => {
    const adapter = new RecordingAdapter({ limits: { maxLength: 50, minEditIntervalMs: 5 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await feed(
      engine,
      'r1',
      Array.from({ length: 12 }, () => delta('lorem ipsum ')),
      15,
    );
    await adapter.waitFor((recorder) => recorder.messages.size === 3);
    await engine.accept('r1', end('Short answer.'));
    await engine.settled('r1');
    expect(adapter.shown()).toEqual([
      'Short answer.',
      '_(see the answer above)_',
      '_(see the answer above)_',
    ]);
  });

  it('finishes an error with the text so far and a warning line', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 5 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    engine.open('r2', address('2'));
    engine.open('r3', address('3'));
    await feed(
      engine,
      'r1',
      [delta('Partial answer'), { type: 'error', code: 'model_failed', message: 'The model stopped.' }],
      20,
    );
    await feed(engine, 'r2', [{ type: 'error', code: 'model_failed', message: 'The model stopped.' }], 0);
    await feed(
      engine,
      'r3',
      [delta('Look:\n```ts\nconst a'), { type: 'error', code: 'x', message: 'Cut off.' }],
      20,
    );
    await engine.settled();
    expect(adapter.shown()).toEqual([
      'Partial answer\n\n⚠️ The model stopped.',
      '⚠️ The model stopped.',
      'Look:\n```ts\nconst a\n```\n\n⚠️ Cut off.',
    ]);
  });

  it('posts an approval request below the text before it, one button per choice up to maxButtons, and continues below it', async () => {
    const logger = captureLogs();
    const adapter = new RecordingAdapter({ limits: { maxButtons: 2 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, logger });
    engine.open('r1', address('1'));
    await feed(engine, 'r1', [delta('I need to run a command.')], 20);
    await engine.accept('r1', {
      type: 'approval-request',
      approvalId: 'ap-7',
      summary: 'Run `rm -rf build`?',
      choices: ['approve', 'deny', 'always'],
    });
    await adapter.waitFor((recorder) => recorder.callsOf('post').some((call) => call.buttons !== undefined));
    await engine.accept('r1', end('I need to run a command. Done.'));
    await engine.settled('r1');

    const approval = adapter.callsOf('post').find((call) => call.buttons !== undefined);
    expect(approval?.text).toBe('Run `rm -rf build`?');
    expect(approval?.buttons).toEqual([
      { id: 'approval', value: 'ap-7:approve', label: 'approve' },
      { id: 'approval', value: 'ap-7:deny', label: 'deny' },
    ]);
    expect(adapter.shown()).toEqual(['I need to run a command.', 'Run `rm -rf build`?', 'Done.']);
    expect(logger.lines.some((line) => line.level === 'warn' && /more choices/.test(line.message))).toBe(
      true,
    );
  });

  it('drops parts of unknown requests and parts after the end, with a warning', async () => {
    const logger = captureLogs();
    const adapter = new RecordingAdapter();
    const engine = createDeliveryEngine({ adapterFor: () => adapter, logger });
    await engine.accept('nobody', delta('hi'));
    engine.open('r1', address('1'));
    await engine.accept('r1', end('Bye.'));
    await engine.accept('r1', delta('late'));
    await engine.settled();
    expect(adapter.shown()).toEqual(['Bye.']);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    // The answer itself went out, and the warnings carry no text.
    expect(JSON.stringify(logger.lines)).not.toContain('late');
  });
});

describe('delivery without edits', () => {
  it('shows typing until the end, then posts only the final chunks in order', async () => {
    const adapter = new RecordingAdapter({
      platform: 'whatsapp',
      limits: { canEdit: false, maxLength: 200 },
    });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, typingIntervalMs: 100 });
    engine.open('r1', { platform: 'whatsapp', data: { chat: '1' } });
    const words = Array.from({ length: 60 }, (_, index) => `word${index} `);
    await feed(engine, 'r1', [{ type: 'status', text: 'thinking' }, ...words.map(delta)], 10);
    const final = words.join('').trim();
    await engine.accept('r1', end(final));
    await engine.settled('r1');

    const typing = adapter.callsOf('typing');
    const posts = adapter.callsOf('post');
    expect(typing.length).toBeGreaterThanOrEqual(3);
    expect(adapter.callsOf('edit')).toEqual([]);
    expect(posts.map((call) => call.text)).toEqual(splitMessage(final, 200));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((call) => call.final === true)).toBe(true);
    const firstPost = posts[0] as RecordedCall;
    expect(typing.every((call) => call.at < firstPost.at)).toBe(true);
  });
  it("renews typing at the adapter's own interval and posts progress at most every progressIntervalMs", async () => {
    const adapter = new RecordingAdapter({
      platform: 'whatsapp',
      limits: { canEdit: false, maxLength: 4096, typingIntervalMs: 150, progressIntervalMs: 400 },
    });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, typingIntervalMs: 10_000 });
    engine.open('r1', { platform: 'whatsapp', data: { chat: '1' } });
    await engine.accept('r1', { type: 'status', text: 'searching the web' });
    await sleep(1000);
    await engine.accept('r1', end('Done.'));
    await engine.settled('r1');

    const typing = adapter.callsOf('typing');
    const posts = adapter.callsOf('post');
    expect(typing.length).toBeGreaterThanOrEqual(3);
    const progress = posts.filter((call) => call.text === '_searching the web_');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(2);
    for (const [index, call] of progress.entries()) {
      if (index > 0) expect(call.at - (progress[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(390);
    }
    expect(posts.at(-1)?.text).toBe('Done.');
  });
});

describe('native streaming', () => {
  it('hands every part to the adapter in order and makes no post or edit', async () => {
    const adapter = new RecordingAdapter({ platform: 'slack', stream: 'consume', latencyMs: 5 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', { platform: 'slack', data: { channel: 'C1' } });
    const parts: ReplyPart[] = [
      { type: 'status', text: 'thinking' },
      delta('Hello'),
      { type: 'approval-request', approvalId: 'a', summary: 'ok?', choices: ['approve'] },
      delta(', world'),
      end('Hello, world'),
    ];
    await feed(engine, 'r1', parts, 5);
    await engine.settled('r1');
    expect(adapter.streams).toHaveLength(1);
    expect(adapter.streams[0]?.parts).toEqual(parts);
    expect(adapter.callsOf('post', 'edit')).toEqual([]);
    expect(adapter.shown()).toEqual(['Hello, world']);
  });

  it('falls back to post and edit with every part when the adapter declines', async () => {
    const adapter = new RecordingAdapter({
      stream: 'decline',
      limits: { minEditIntervalMs: 5 },
      latencyMs: 20,
    });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await feed(
      engine,
      'r1',
      [
        delta('Hel'),
        delta('lo'),
        { type: 'approval-request', approvalId: 'a', summary: 'ok?', choices: ['yes'] },
      ],
      0,
    );
    await engine.accept('r1', end('Hello!'));
    await engine.settled('r1');
    expect(adapter.callsOf('stream')).toHaveLength(1);
    expect(adapter.shown()).toEqual(['Hello', 'ok?', '!']);
  });
});
