import { describe, expect, it } from 'vitest';
import { CustomIds } from './custom-id';
import { footerEmbed } from './format';
import { laneOf, RateLimitPacer } from './pacer';

describe('footerEmbed', () => {
  it('tells model, tokens, cost and time', () => {
    expect(
      footerEmbed({
        model: 'openai:gpt-4o',
        usage: { inputTokens: 10, outputTokens: 5 },
        costUsd: 0.0012,
        durationMs: 2300,
      })?.footer.text,
    ).toBe('openai:gpt-4o · 15 tokens (10 in, 5 out) · $0.0012 · 2.3 s');
    expect(footerEmbed({})).toBeUndefined();
  });
});

describe('CustomIds', () => {
  it('round-trips a button within 100 characters, and keeps longer payloads in memory', () => {
    const ids = new CustomIds();
    const short = ids.encode(
      { id: 'approval', value: 'ap-1:approve', label: 'Approve' },
      '123456789012345678',
    );
    expect(short).toBe('sb:approval:123456789012345678:ap-1:approve');
    expect(ids.decode(short)).toEqual({
      id: 'approval',
      value: 'ap-1:approve',
      requesterId: '123456789012345678',
    });
    const long = ids.encode({ id: 'approval', value: `${'x'.repeat(120)}:deny`, label: 'Deny' }, '1');
    expect(long.length).toBeLessThanOrEqual(100);
    expect(ids.decode(long)?.value).toBe(`${'x'.repeat(120)}:deny`);
    expect(ids.decode('somebody-elses-button')).toBeUndefined();
    expect(new CustomIds().decode(long)).toBeUndefined();
  });
});

describe('RateLimitPacer', () => {
  it('spreads the remaining requests of a bucket over its reset window', () => {
    let now = 0;
    const pacer = new RateLimitPacer(() => now);
    const path = '/webhooks/123456789012345678/tok/messages/%40original';
    const lane = laneOf('PATCH', path);
    expect(pacer.delayFor(lane)).toBe(0);
    pacer.observe(
      'patch',
      path,
      new Headers({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '5' }),
    );
    expect(pacer.delayFor(lane)).toBe(1000);
    now = 400;
    expect(pacer.delayFor(lane)).toBe(600);
    pacer.observe(
      'patch',
      path,
      new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2' }),
    );
    expect(pacer.delayFor(lane)).toBe(2000);
    expect(pacer.delayFor(laneOf('PATCH', '/webhooks/123456789012345678/other/messages/%40original'))).toBe(
      0,
    );
    now = 2400;
    expect(pacer.delayFor(lane)).toBe(0);
  });
});
