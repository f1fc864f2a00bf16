import { PlatformError, type ReplyAddress } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { RecordingAdapter } from './recording-adapter';

const to: ReplyAddress = { platform: 'telegram', data: { chat: '1' } };

async function rejection(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!PlatformError.isInstance(error)) throw new Error(`expected a PlatformError, got ${String(error)}`);
  return error as PlatformError;
}

describe('RecordingAdapter', () => {
  it('records posts and edits and keeps what the platform shows', async () => {
    const adapter = new RecordingAdapter({ latencyMs: 10 });
    const sent = await adapter.post(to, { text: 'one', final: false });
    await adapter.edit(sent, { text: 'two', final: true, buttons: [{ id: 'b', value: 'v', label: 'B' }] });
    expect(adapter.shown()).toEqual(['two']);
    expect(adapter.buttons.get(sent.id)).toHaveLength(1);
    expect(adapter.calls.map((call) => [call.method, call.sentId, call.text, call.final])).toEqual([
      ['post', sent.id, 'one', false],
      ['edit', sent.id, 'two', true],
    ]);
    const [first] = adapter.calls;
    expect((first?.endedAt ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(9);
  });

  it('enforces the platform limits with non-retryable errors', async () => {
    const adapter = new RecordingAdapter({ limits: { maxLength: 5, maxButtons: 1 } });
    const sent = await adapter.post(to, { text: 'same', final: false });
    const notModified = await rejection(adapter.edit(sent, { text: 'same', final: false }));
    expect([notModified.code, notModified.retryable]).toEqual(['not_modified', false]);
    expect((await rejection(adapter.post(to, { text: 'too long', final: true }))).code).toBe(
      'message_too_long',
    );
    expect((await rejection(adapter.post(to, { text: ' ', final: true }))).code).toBe('empty_message');
    const buttons = [1, 2].map((n) => ({ id: 'b', value: String(n), label: String(n) }));
    expect((await rejection(adapter.post(to, { text: 'ok', final: true, buttons }))).code).toBe(
      'too_many_buttons',
    );
    expect((await rejection(adapter.edit({ ...sent, id: 'nope' }, { text: 'x', final: true }))).code).toBe(
      'message_not_found',
    );
    expect(adapter.shown()).toEqual(['same']);
  });

  it('injects 429s and failures for matching calls only, then recovers', async () => {
    const adapter = new RecordingAdapter();
    adapter.rateLimitNext('post', 250, { count: 2, when: (call) => call.text === 'a' });
    const limited = await rejection(adapter.post(to, { text: 'a', final: true }));
    expect([limited.code, limited.retryAfterMs, limited.retryable]).toEqual(['rate_limited', 250, true]);
    await adapter.post(to, { text: 'b', final: true });
    await rejection(adapter.post(to, { text: 'a', final: true }));
    await adapter.post(to, { text: 'a', final: true });
    adapter.failNext('typing', new Error('offline'));
    await expect(adapter.typing?.(to)).rejects.toThrow('offline');
    expect(adapter.calls.map((call) => call.error)).toEqual([
      'rate_limited',
      undefined,
      'rate_limited',
      undefined,
      'Error: offline',
    ]);
  });

  it('consumes native streams or declines them, as configured', async () => {
    async function* parts() {
      yield { type: 'text-delta', delta: 'Hi' } as const;
      yield { type: 'reply-end', text: 'Hi!', meta: {} } as const;
    }
    const consuming = new RecordingAdapter({ stream: 'consume' });
    expect(await consuming.stream?.(to, parts())).toMatchObject({ platform: 'telegram' });
    expect(consuming.streams[0]?.parts.map((part) => part.type)).toEqual(['text-delta', 'reply-end']);
    expect(consuming.shown()).toEqual(['Hi!']);
    expect(await new RecordingAdapter({ stream: 'decline' }).stream?.(to, parts())).toBeNull();
    expect(new RecordingAdapter().stream).toBeUndefined();
    expect(new RecordingAdapter({ typing: false }).typing).toBeUndefined();
  });

  it('waits for a condition and times out when it never holds', async () => {
    const adapter = new RecordingAdapter({ latencyMs: 20 });
    const waiting = adapter.waitFor((recorder) => recorder.messages.size === 1, 2000);
    void adapter.post(to, { text: 'x', final: true });
    await waiting;
    await expect(adapter.waitFor(() => false, 30)).rejects.toThrow(/not met within 30 ms/);
  });
});
