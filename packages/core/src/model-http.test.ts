import { describe, expect, it } from 'vitest';
import {
  describeWait,
  IdleTimer,
  isNetworkError,
  networkReason,
  quoteServerMessage,
  redact,
  retryAfterMs,
  safeCause,
  safeUrl,
} from './model-http';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores missing and unusable values', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('describeWait', () => {
  it('says seconds, minutes or hours, rounding up', () => {
    expect(describeWait(undefined)).toBe('shortly');
    expect(describeWait(0)).toBe('in 1 s');
    expect(describeWait(2000)).toBe('in 2 s');
    expect(describeWait(119_000)).toBe('in 119 s');
    expect(describeWait(119_500)).toBe('in 2 min');
    expect(describeWait(600_000)).toBe('in 10 min');
    expect(describeWait(86_400_000)).toBe('in 24 h');
  });
});

describe('safeUrl', () => {
  it('drops credentials, query and trailing slash', () => {
    expect(safeUrl('https://me:pw@example.com/v1/?key=sk-1#x')).toBe('https://example.com/v1');
    expect(safeUrl('not a url')).toBe('(an invalid URL)');
  });
});

describe('redaction', () => {
  const secret = 'sk-secret-123456';
  it('redacts every occurrence, but never short strings that would mangle text', () => {
    expect(redact(`a ${secret} b ${secret}`, secret)).toBe('a [redacted] b [redacted]');
    expect(redact('a b c', 'b')).toBe('a b c');
  });
  it('quotes a server message on one line, redacted and shortened', () => {
    expect(quoteServerMessage(`bad\n  key ${secret}`, secret)).toBe(': bad key [redacted]');
    expect(quoteServerMessage(undefined, secret)).toBe('');
    expect(quoteServerMessage('x'.repeat(500), secret)).toHaveLength(2 + 240);
  });
  it('keeps a clean cause as it is and replaces one that holds the secret', () => {
    const clean = new Error('fine');
    expect(safeCause(clean, secret)).toBe(clean);
    const inBody = Object.assign(new Error('400'), { error: { message: `key ${secret}` } });
    const replaced = safeCause(inBody, secret) as Error;
    expect(replaced).not.toBe(inBody);
    expect(JSON.stringify(replaced)).not.toContain(secret);
    expect((safeCause(new Error(`echo ${secret}`), secret) as Error).message).toBe('echo [redacted]');
  });
});

describe('network errors', () => {
  it('finds the system code deep in the chain of causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause: { errors: [refused] } });
    expect(isNetworkError(error)).toBe(true);
    expect(networkReason(error)).toBe('connection refused');
  });
  it('recognises a body cut by undici and tells other errors apart', () => {
    expect(isNetworkError(new TypeError('terminated'))).toBe(true);
    expect(networkReason(new TypeError('terminated'))).toBe('the connection failed');
    expect(isNetworkError(new RangeError('terminated'))).toBe(false);
  });
});

describe('IdleTimer', () => {
  it('fires once after the silence, and not while disarmed', async () => {
    let fired = 0;
    const timer = new IdleTimer(20, () => {
      fired += 1;
    });
    timer.arm();
    timer.disarm();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(timer.fired).toBe(false);
    timer.arm();
    timer.arm();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(timer.fired).toBe(true);
    expect(fired).toBe(1);
  });
});
