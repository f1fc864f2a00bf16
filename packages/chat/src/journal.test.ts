import type { ReplyAddress, ReplyPart } from '@switchboard/core';
import { RecordingAdapter } from '@switchboard/testkit/recording-adapter';
import { describe, expect, it } from 'vitest';
import { createDeliveryEngine } from './engine';

const address: ReplyAddress = { platform: 'telegram', data: { chat: '1' } };
const delta = (text: string): ReplyPart => ({ type: 'text-delta', delta: text });
const end = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });

describe('the delivery journal (outbox)', () => {
  it('records every message a reply posts, and that it was delivered', async () => {
    const adapter = new RecordingAdapter({ limits: { maxLength: 20 } });
    const posted: string[][] = [];
    const delivered: string[] = [];
    const engine = createDeliveryEngine({
      adapterFor: () => adapter,
      journal: {
        sent: (requestId, messages) => posted.push([requestId, ...messages.map((message) => message.id)]),
        delivered: (requestId) => delivered.push(requestId),
      },
    });
    engine.open('r1', address);
    await engine.accept('r1', delta('a first piece '));
    await engine.accept('r1', end('a first piece and a second piece that spills over'));
    await engine.settled('r1');
    const ids = adapter.callsOf('post').map((call) => call.sentId);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(posted.at(-1)).toEqual(['r1', ...ids]);
    expect(delivered).toEqual(['r1']);
  });

  it('resumes in the messages an earlier process posted: edits them into the final text, posts no duplicate', async () => {
    const adapter = new RecordingAdapter({ stream: 'consume' });
    const earlier = await adapter.post(address, { text: 'half an answ', final: false });
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r2', address, { sent: [earlier] });
    await engine.accept('r2', { type: 'status', text: 'restarted after an interruption…' });
    await engine.accept('r2', end('the whole answer'));
    await engine.settled('r2');
    expect(adapter.streams).toHaveLength(0);
    expect(adapter.callsOf('post')).toHaveLength(1);
    const edits = adapter.callsOf('edit');
    expect(edits.at(-1)).toMatchObject({ sentId: earlier.id, text: 'the whole answer', final: true });
  });
});
