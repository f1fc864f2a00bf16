import { PlatformError, type ReplyAddress } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { encodeAddress } from './address';
import { SlackRateGate } from './rate-gate';
import { WorkspaceLimiter } from './rate-limit';

const at = (team: string, channel: string, replace?: boolean): ReplyAddress =>
  encodeAddress({
    team,
    channel,
    thread: '1.0',
    user: 'U1',
    request: `slack:${team}:${channel}`,
    ...(replace === true ? { replace: { ts: '2.0', text: 'Go ahead?' } } : {}),
  });

/** Whether `waiting` is still pending after the event loop has run everything ready. */
async function pending(waiting: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void waiting.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return !settled;
}

describe('SlackRateGate', () => {
  it("holds every request's chat.update to the workspace's Tier 3 budget; posts and other workspaces pass", async () => {
    // The clock stands still: a bucket of 2 never refills.
    const limiter = new WorkspaceLimiter({ 'chat.update': { perMinute: 50, burst: 2 } }, () => 0);
    const gate = new SlackRateGate(limiter, () => 0);
    const signal = new AbortController().signal;
    await gate.wait(at('T1', 'C1'), signal, 'edit');
    await gate.wait(at('T1', 'C2'), signal, 'edit');
    expect(await pending(gate.wait(at('T1', 'C3'), signal, 'edit'))).toBe(true);
    expect(await pending(gate.wait(at('T1', 'C3'), signal, 'post'))).toBe(false);
    expect(await pending(gate.wait(at('T1', 'C3', true), signal, 'post'))).toBe(true);
    expect(await pending(gate.wait(at('T2', 'C1'), signal, 'edit'))).toBe(false);
    limiter.close(new Error('stopped'));
  });

  it("holds every stream's appends to the workspace's Tier 4 chat.appendStream budget, apart from edits", async () => {
    const limiter = new WorkspaceLimiter(
      { 'chat.update': { perMinute: 50, burst: 1 }, 'chat.appendStream': { perMinute: 100, burst: 2 } },
      () => 0,
    );
    const gate = new SlackRateGate(limiter, () => 0);
    const signal = new AbortController().signal;
    await gate.wait(at('T1', 'C1'), signal, 'append');
    await gate.wait(at('T1', 'C2'), signal, 'append');
    expect(await pending(gate.wait(at('T1', 'C3'), signal, 'append'))).toBe(true);
    expect(await pending(gate.wait(at('T1', 'C3'), signal, 'edit'))).toBe(false);
    expect(await pending(gate.wait(at('T2', 'C1'), signal, 'append'))).toBe(false);
    limiter.close(new Error('stopped'));
  });

  it("holds a channel for a 429's retry-after, leaving other channels alone", async () => {
    let now = 0;
    const gate = new SlackRateGate(new WorkspaceLimiter({}), () => now);
    const rateLimited = new PlatformError({
      code: 'slack_rate_limited',
      method: 'chat.postMessage',
      message: 'rate limited',
      retryable: true,
      retryAfterMs: 60_000,
    });
    gate.observe(at('T1', 'C1'), rateLimited);
    const stop = new AbortController();
    const held = gate.wait(at('T1', 'C1'), stop.signal, 'post');
    expect(await pending(held)).toBe(true);
    expect(await pending(gate.wait(at('T1', 'C2'), stop.signal, 'post'))).toBe(false);
    stop.abort(new Error('gave up'));
    await expect(held).rejects.toThrow('gave up');
    now = 60_000;
    expect(await pending(gate.wait(at('T1', 'C1'), new AbortController().signal, 'post'))).toBe(false);
  });
});
