import { describe, expect, it } from 'vitest';
import { virtualClock } from '../test/virtual-clock';
import { ChatLimiter } from './limiter';

describe('ChatLimiter', () => {
  it('spaces edits in one chat by the interval after each finished, across requests, and leaves other chats alone', async () => {
    const { clock, advance } = virtualClock();
    const limiter = new ChatLimiter({ editIntervalMs: 1000, groupMessagesPerMinute: 20, clock });
    const starts: [number, number][] = [];
    const edit = (chat: number) => limiter.edit(chat, async () => void starts.push([chat, clock.now()]));
    const all = Promise.all([edit(1), edit(1), edit(1), edit(2), edit(2)]);
    await advance(5000);
    await all;
    expect(starts.filter(([chat]) => chat === 1).map(([, at]) => at)).toEqual([0, 1000, 2000]);
    expect(starts.filter(([chat]) => chat === 2).map(([, at]) => at)).toEqual([0, 1000]);
  });

  it('holds a chat for a 429 retry_after without holding the others', async () => {
    const { clock, advance } = virtualClock();
    const limiter = new ChatLimiter({ editIntervalMs: 1000, groupMessagesPerMinute: 20, clock });
    limiter.hold(1, 7000);
    const times: Record<number, number> = {};
    const a = limiter.send(1, false, async () => {
      times[1] = clock.now();
    });
    const b = limiter.send(2, false, async () => {
      times[2] = clock.now();
    });
    await advance(8000);
    await Promise.all([a, b]);
    expect(times).toEqual({ 1: 7000, 2: 0 });
  });

  it('allows at most 20 new messages per group per minute, and any number in private chats', async () => {
    const { clock, advance } = virtualClock();
    const limiter = new ChatLimiter({ editIntervalMs: 1000, groupMessagesPerMinute: 20, clock });
    const group: number[] = [];
    const direct: number[] = [];
    const sends = [
      ...Array.from({ length: 25 }, () => limiter.send(-5, true, async () => void group.push(clock.now()))),
      ...Array.from({ length: 25 }, () => limiter.send(5, false, async () => void direct.push(clock.now()))),
    ];
    await advance(61_000);
    await Promise.all(sends);
    expect(group.filter((at) => at === 0)).toHaveLength(20);
    expect(group.slice(20)).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
    expect(direct.every((at) => at === 0)).toBe(true);
  });

  it('lets an aborted wait go without blocking the chat', async () => {
    const { clock, advance } = virtualClock();
    const limiter = new ChatLimiter({ editIntervalMs: 1000, groupMessagesPerMinute: 20, clock });
    await limiter.edit(1, async () => undefined);
    const controller = new AbortController();
    const waiting = limiter.edit(1, async () => 'late', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    const next = limiter.edit(1, async () => clock.now());
    await advance(1000);
    expect(await next).toBe(1000);
  });
});
