import type { ReplyPart } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { ConversationPush, MAX_LISTENERS_PER_CONVERSATION } from './push';
import { type PushedPart, readEvents } from './sse';

const reply = (text: string): ReplyPart => ({ type: 'reply-end', text, meta: {} });

/** Read pushed parts from `events` until `count` arrived. */
async function take(events: ReadableStream<Uint8Array>, count: number): Promise<PushedPart[]> {
  const got: PushedPart[] = [];
  for await (const pushed of readEvents<PushedPart>(events)) {
    got.push(pushed);
    if (got.length === count) break;
  }
  return got;
}

describe('pushing a conversation’s replies to the pages that listen', () => {
  it('gives every listener of the conversation the parts, and none to another conversation', async () => {
    const push = new ConversationPush();
    const first = push.listen('home');
    const second = push.listen('home');
    const other = push.listen('work');
    if (first === 'full' || second === 'full' || other === 'full') throw new Error('refused');
    expect(push.deliver('home', 'web:r1', { type: 'status', text: 'thinking…' })).toBe(true);
    expect(push.deliver('home', 'web:r1', reply('Time to stretch!'))).toBe(true);
    expect(push.deliver('nobody', 'web:r2', reply('lost'))).toBe(false);
    expect(push.deliver(undefined, 'web:r3', reply('no conversation'))).toBe(false);
    const expected = [
      { requestId: 'web:r1', part: { type: 'status', text: 'thinking…' } },
      { requestId: 'web:r1', part: reply('Time to stretch!') },
    ];
    expect(await take(first, 2)).toEqual(expected);
    expect(await take(second, 2)).toEqual(expected);
    push.deliver('work', 'web:r4', reply('for work'));
    expect(await take(other, 1)).toEqual([{ requestId: 'web:r4', part: reply('for work') }]);
    push.close();
  });

  it('does not push the late parts of a request its own client abandoned', async () => {
    const push = new ConversationPush();
    const events = push.listen('home');
    if (events === 'full') throw new Error('refused');
    push.abandoned('web:stopped');
    expect(push.deliver('home', 'web:stopped', { type: 'error', code: 'cancelled', message: 'x' })).toBe(
      false,
    );
    push.deliver('home', 'web:next', reply('next'));
    expect(await take(events, 1)).toEqual([{ requestId: 'web:next', part: reply('next') }]);
    push.close();
  });

  it('refuses a listener past the cap, forgets one whose client left, and ends all on close', async () => {
    const push = new ConversationPush();
    const streams = Array.from({ length: MAX_LISTENERS_PER_CONVERSATION }, () => push.listen('home'));
    expect(streams.every((stream) => stream !== 'full')).toBe(true);
    expect(push.listen('home')).toBe('full');
    const [gone] = streams;
    if (gone === undefined || gone === 'full') throw new Error('refused');
    await gone.cancel();
    const again = push.listen('home');
    expect(again).not.toBe('full');
    push.close();
    if (again === 'full') throw new Error('refused');
    const reader = again.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(push.deliver('home', 'web:after', reply('after close'))).toBe(false);
  });
});
