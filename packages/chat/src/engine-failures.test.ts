import { PlatformError, type ReplyAddress, type ReplyPart, sleep } from '@switchboard/core';
import { type RecordedCall, RecordingAdapter } from '@switchboard/testkit/recording-adapter';
import { describe, expect, it } from 'vitest';
import { createDeliveryEngine } from './engine';
import type { DeliveryLogger } from './types';

const address = (chat: string): ReplyAddress => ({ platform: 'telegram', data: { chat } });
const delta = (text: string): ReplyPart => ({ type: 'text-delta', delta: text });
const end = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });
const chatOf = (call: { address: ReplyAddress }) => call.address.data['chat'];

function captureLogs(): DeliveryLogger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const log = (level: string) => (_details: object, message: string) => lines.push({ level, message });
  return { lines, debug: log('debug'), warn: log('warn'), error: log('error') };
}

const ended = (call: RecordedCall): number => {
  if (call.endedAt === undefined) throw new Error('call still running');
  return call.endedAt;
};

/** Every call after a rate-limited one starts at least `retryAfterMs` after the 429 came back. */
function expectRetryAfterHonoured(calls: readonly RecordedCall[], retryAfterMs: number) {
  for (let index = 1; index < calls.length; index++) {
    const previous = calls[index - 1] as RecordedCall;
    if (previous.error === 'rate_limited') {
      expect((calls[index] as RecordedCall).at - ended(previous)).toBeGreaterThanOrEqual(retryAfterMs);
    }
  }
}

describe('rate limits and failures', () => {
  it('delivers the final text through 429s on its edit, waiting each retry-after', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 10 }, latencyMs: 5 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await engine.accept('r1', delta('Hello'));
    await adapter.waitFor((recorder) => recorder.messages.size === 1);
    adapter.rateLimitNext('edit', 300, { count: 2 });
    await engine.accept('r1', end('Hello, world!'));
    await engine.settled('r1');

    const edits = adapter.callsOf('edit');
    expect(edits.map((call) => call.error)).toEqual(['rate_limited', 'rate_limited', undefined]);
    expectRetryAfterHonoured(adapter.callsOf('post', 'edit'), 300);
    expect(adapter.shown()).toEqual(['Hello, world!']);
    expect(edits.at(-1)?.final).toBe(true);
  });

  it('keeps streaming with the newest text after 429s on intermediate edits', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 20 }, latencyMs: 5 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await engine.accept('r1', delta('0 '));
    await adapter.waitFor((recorder) => recorder.messages.size === 1);
    adapter.rateLimitNext('edit', 150, { count: 3 });
    for (let index = 1; index < 40; index++) {
      await engine.accept('r1', delta(`${index} `));
      await sleep(10);
    }
    const final = Array.from({ length: 40 }, (_, index) => index).join(' ');
    await engine.accept('r1', end(final));
    await engine.settled('r1');

    const calls = adapter.callsOf('post', 'edit');
    expect(calls.filter((call) => call.error === 'rate_limited')).toHaveLength(3);
    expectRetryAfterHonoured(calls, 150);
    expect(adapter.shown()).toEqual([final]);
  });

  it('does not let one request’s rate limit delay another request', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 30 }, latencyMs: 5 });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('A', address('A'));
    engine.open('B', address('B'));
    await engine.accept('A', delta('a0 '));
    await engine.accept('B', delta('b0 '));
    await adapter.waitFor((recorder) => recorder.messages.size === 2);
    adapter.rateLimitNext('edit', 1500, { when: (call) => chatOf(call) === 'A' });
    for (let index = 1; index <= 10; index++) {
      await engine.accept('A', delta(`a${index} `));
      await engine.accept('B', delta(`b${index} `));
      await sleep(20);
    }
    await engine.accept('A', end('A done'));
    await engine.accept('B', end('B done'));
    await engine.settled('B');
    const bSettledAt = performance.now();
    await engine.settled('A');

    const aCalls = adapter.callsOf('edit').filter((call) => chatOf(call) === 'A');
    const limited = aCalls.find((call) => call.error === 'rate_limited') as RecordedCall;
    const aResumedAt = aCalls[aCalls.indexOf(limited) + 1]?.at ?? Number.POSITIVE_INFINITY;
    const bEdits = adapter.callsOf('edit').filter((call) => chatOf(call) === 'B');
    expect(aResumedAt - ended(limited)).toBeGreaterThanOrEqual(1500);
    expect(bSettledAt).toBeLessThan(aResumedAt);
    expect(
      bEdits.filter((call) => call.at > ended(limited) && call.at < aResumedAt).length,
    ).toBeGreaterThanOrEqual(2);
    expect(adapter.shown()).toEqual(['A done', 'B done']);
  });

  it('posts the final text as a new message when its edit fails for good', async () => {
    const logger = captureLogs();
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 5 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, logger });
    engine.open('r1', address('1'));
    await engine.accept('r1', delta('Hello'));
    await adapter.waitFor((recorder) => recorder.messages.size === 1);
    adapter.failNext(
      'edit',
      new PlatformError({ code: 'message_not_found', message: 'Message to edit not found.', method: 'edit' }),
    );
    await engine.accept('r1', end('Hello world'));
    await engine.settled('r1');

    expect(adapter.calls.map((call) => [call.method, call.text, call.error])).toEqual([
      ['post', 'Hello', undefined],
      ['edit', 'Hello world', 'message_not_found'],
      ['post', 'Hello world', undefined],
    ]);
    expect(adapter.callsOf('post').at(-1)?.final).toBe(true);
    expect(
      logger.lines.some(
        (line) => line.level === 'warn' && /posting the text as a new message/.test(line.message),
      ),
    ).toBe(true);
  });

  it('retries other retryable failures with a growing backoff', async () => {
    const adapter = new RecordingAdapter({ platform: 'whatsapp', limits: { canEdit: false } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, retry: { baseDelayMs: 60 } });
    engine.open('r1', { platform: 'whatsapp', data: { chat: '1' } });
    const unavailable = new PlatformError({
      code: 'server_error',
      message: 'Service unavailable.',
      method: 'post',
      retryable: true,
    });
    adapter.failNext('post', unavailable, { count: 2 });
    await engine.accept('r1', end('Answer.'));
    await engine.settled('r1');

    const posts = adapter.callsOf('post');
    expect(posts.map((call) => call.error)).toEqual(['server_error', 'server_error', undefined]);
    expect((posts[1] as RecordedCall).at - ended(posts[0] as RecordedCall)).toBeGreaterThanOrEqual(60);
    expect((posts[2] as RecordedCall).at - ended(posts[1] as RecordedCall)).toBeGreaterThanOrEqual(120);
    expect(adapter.shown()).toEqual(['Answer.']);
  });

  it('honours retry-after on a final post, and gives up after maxAttempts with an error log', async () => {
    const logger = captureLogs();
    const adapter = new RecordingAdapter({ platform: 'whatsapp', limits: { canEdit: false } });
    const engine = createDeliveryEngine({
      adapterFor: () => adapter,
      logger,
      retry: { maxAttempts: 3, baseDelayMs: 10 },
    });
    engine.open('r1', { platform: 'whatsapp', data: { chat: '1' } });
    engine.open('r2', { platform: 'whatsapp', data: { chat: '2' } });
    adapter.rateLimitNext('post', 200, { when: (call) => chatOf(call) === '1' });
    adapter.failNext('post', new Error('socket hang up'), {
      count: 100,
      when: (call) => chatOf(call) === '2',
    });
    await engine.accept('r1', end('One.'));
    await engine.accept('r2', end('Two.'));
    await engine.settled();

    expectRetryAfterHonoured(
      adapter.callsOf('post').filter((call) => chatOf(call) === '1'),
      200,
    );
    expect(adapter.callsOf('post').filter((call) => chatOf(call) === '2')).toHaveLength(3);
    expect(adapter.shown()).toEqual(['One.']);
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'final reply could not be delivered',
    ]);
  });
});

describe('lifecycle', () => {
  it('keeps a request opened twice until both opens are discarded', async () => {
    const adapter = new RecordingAdapter();
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    engine.open('r1', address('1'));
    engine.discard('r1');
    await engine.accept('r1', end('Still here.'));
    await engine.settled('r1');
    expect(adapter.shown()).toEqual(['Still here.']);

    engine.open('r2', address('2'));
    engine.discard('r2');
    await engine.settled('r2');
    await engine.accept('r2', end('Gone.'));
    expect(adapter.shown()).toEqual(['Still here.']);
  });

  it('ends open replies with a shutting-down notice on close', async () => {
    const adapter = new RecordingAdapter({ limits: { minEditIntervalMs: 5 } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', address('1'));
    await engine.accept('r1', delta('Half an answer'));
    await engine.close();
    expect(adapter.shown()).toEqual([
      'Half an answer\n\n⚠️ The box is shutting down; ask again once it is back.',
    ]);
    engine.open('r2', address('2'));
    await engine.accept('r2', end('Too late.'));
    expect(adapter.shown()).toHaveLength(1);
  });

  it('aborts deliveries still running when the close timeout passes', async () => {
    const logger = captureLogs();
    const adapter = new RecordingAdapter({ platform: 'whatsapp', limits: { canEdit: false } });
    const engine = createDeliveryEngine({ adapterFor: () => adapter, logger, closeTimeoutMs: 100 });
    engine.open('r1', { platform: 'whatsapp', data: { chat: '1' } });
    adapter.rateLimitNext('post', 60_000);
    await engine.accept('r1', end('Never.'));
    const startedAt = performance.now();
    await engine.close();
    expect(performance.now() - startedAt).toBeLessThan(5000);
    expect(logger.lines.some((line) => /aborting/.test(line.message))).toBe(true);
  });
});
