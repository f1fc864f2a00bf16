import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySlackRequest } from './verify';

const secret = 'test-signing-secret';
const body = Buffer.from('token=x&team_id=T1&command=%2Fask&text=hi');
const nowMs = 1_700_000_000_500;
const sign = (timestamp: number, raw: Uint8Array = body, key = secret) =>
  `v0=${createHmac('sha256', key).update(`v0:${timestamp}:`).update(raw).digest('hex')}`;

const check = (offsetSeconds: number, overrides: Partial<Parameters<typeof verifySlackRequest>[0]> = {}) => {
  const timestamp = Math.floor(nowMs / 1000) + offsetSeconds;
  return verifySlackRequest({
    signingSecret: secret,
    rawBody: body,
    timestamp: String(timestamp),
    signature: sign(timestamp),
    nowMs,
    ...overrides,
  });
};

describe('verifySlackRequest', () => {
  it('accepts a correctly signed request within the window, either way', () => {
    expect(check(0)).toEqual({ ok: true });
    expect(check(-299)).toEqual({ ok: true });
    expect(check(299)).toEqual({ ok: true });
    expect(check(-300)).toEqual({ ok: true });
    expect(check(300)).toEqual({ ok: true });
  });

  it('refuses timestamps more than five minutes away in either direction', () => {
    expect(check(-301)).toMatchObject({ ok: false, reason: expect.stringContaining('older') });
    expect(check(301)).toMatchObject({ ok: false, reason: expect.stringContaining('newer') });
  });

  it('refuses a bad HMAC, a body changed by one byte and missing or malformed headers', () => {
    const timestamp = Math.floor(nowMs / 1000);
    expect(check(0, { signature: sign(timestamp, body, 'another-secret') })).toMatchObject({
      ok: false,
      reason: 'signature mismatch',
    });
    const changed = Buffer.from(body);
    changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 1;
    expect(check(0, { rawBody: changed })).toMatchObject({ ok: false, reason: 'signature mismatch' });
    expect(check(0, { signature: null })).toMatchObject({ ok: false, reason: 'missing X-Slack-Signature' });
    expect(check(0, { timestamp: null })).toMatchObject({
      ok: false,
      reason: 'missing X-Slack-Request-Timestamp',
    });
    expect(check(0, { timestamp: '17e8' })).toMatchObject({
      ok: false,
      reason: 'malformed X-Slack-Request-Timestamp',
    });
    expect(check(0, { signature: 'v1=abc' })).toMatchObject({
      ok: false,
      reason: 'malformed X-Slack-Signature',
    });
    expect(check(0, { signature: `${sign(timestamp)}0` })).toMatchObject({ ok: false });
  });

  it('signs the raw bytes, not a re-encoding of them', () => {
    const raw = Buffer.from('{"text":"caf\\u00e9 ☕"}');
    const timestamp = Math.floor(nowMs / 1000);
    expect(
      verifySlackRequest({
        signingSecret: secret,
        rawBody: raw,
        timestamp: String(timestamp),
        signature: sign(timestamp, raw),
        nowMs,
      }),
    ).toEqual({ ok: true });
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(
      verifySlackRequest({
        signingSecret: secret,
        rawBody: reencoded,
        timestamp: String(timestamp),
        signature: sign(timestamp, raw),
        nowMs,
      }).ok,
    ).toBe(false);
  });
});
