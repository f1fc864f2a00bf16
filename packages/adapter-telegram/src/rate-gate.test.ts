import { PlatformError, type RateCall, type ReplyAddress } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../test/virtual-clock';
import { toAddress } from './address';
import { ChatLimiter } from './limiter';
import { TelegramRateGate } from './rate-gate';

function gateOnVirtualTime() {
  const time = virtualClock();
  const limiter = new ChatLimiter({ editIntervalMs: 1000, groupMessagesPerMinute: 20, clock: time.clock });
  const gate = new TelegramRateGate(
    { limiter, replaced: new Set(), acks: new Map() },
    { enabled: true, supported: undefined },
  );
  const signal = new AbortController().signal;
  /** One engine call through the gate: wait, then (at once) finished; resolves with the time it started. */
  const call = async (to: ReplyAddress, kind: RateCall) => {
    await gate.wait(to, signal, kind);
    const startedAt = time.clock.now();
    gate.finished(to);
    return startedAt;
  };
  return { ...time, gate, call };
}

describe('TelegramRateGate', () => {
  it('admits at most 20 new messages per group per minute, across requests', async () => {
    const { advance, call } = gateOnVirtualTime();
    const requests = Array.from({ length: 22 }, () => toAddress({ chatId: -7, chatType: 'group' }));
    const started = requests.map((to) => call(to, 'post'));
    await advance(61_000);
    const times = await Promise.all(started);
    expect(times.filter((at) => at === 0)).toHaveLength(20);
    expect(times.slice(20)).toEqual([60_000, 60_000]);
  });

  it('spaces edits and drafts in one chat by the interval, one at a time, across requests', async () => {
    const { advance, call } = gateOnVirtualTime();
    const first = toAddress({ chatId: 9, chatType: 'supergroup' });
    const second = toAddress({ chatId: 9, chatType: 'supergroup' });
    const other = toAddress({ chatId: 10, chatType: 'supergroup' });
    const started = [call(first, 'edit'), call(second, 'edit'), call(first, 'edit'), call(other, 'edit')];
    await advance(5000);
    expect(await Promise.all(started)).toEqual([0, 1000, 2000, 0]);
  });

  it('holds a chat for an observed 429 retry-after, typing included, and leaves other chats alone', async () => {
    const { advance, call, gate } = gateOnVirtualTime();
    const held = toAddress({ chatId: 3, chatType: 'private' });
    const free = toAddress({ chatId: 4, chatType: 'private' });
    gate.observe(
      held,
      new PlatformError({
        code: 'rate_limited',
        method: 'sendMessage',
        message: '429',
        retryable: true,
        retryAfterMs: 3000,
      }),
    );
    const started = [call(held, 'post'), call(held, 'typing'), call(free, 'post')];
    await advance(4000);
    expect(await Promise.all(started)).toEqual([3000, 3000, 0]);
  });
});
