import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { type ErrorContext, retryAfterMs, safeUrl, toModelError } from './errors';

const official: ErrorContext = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  url: 'https://api.openai.com/v1',
  official: true,
  apiKey: 'sk-unit-secret-000000',
  envPrefix: 'OPENAI',
};

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

describe('toModelError', () => {
  it('words an auth failure at OpenAI exactly as the user must act on it', () => {
    const error = toModelError(
      APIError.generate(
        401,
        { error: { message: 'Incorrect API key provided: sk-unit-secret-000000' } },
        undefined,
        new Headers(),
      ),
      official,
    );
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 401 });
    expect(error.message).toBe('OpenAI rejected the API key: check OPENAI_API_KEY');
    expect((error.cause as Error).message).not.toContain('sk-unit-secret-000000');
  });

  it('names the settings with another prefix', () => {
    const error = toModelError(APIError.generate(401, undefined, undefined, new Headers()), {
      ...official,
      envPrefix: 'DEEPSEEK',
    });
    expect(error.message).toContain('DEEPSEEK_API_KEY');
  });

  it('shows where OpenAI could not be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = toModelError(
      new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }),
      official,
    );
    expect(error).toMatchObject({ code: 'connection_failed', retryable: true });
    expect(error.message).toBe(
      'Cannot reach OpenAI at https://api.openai.com/v1: connection refused. Check OPENAI_BASE_URL and that the server is running.',
    );
  });

  it('maps an error event inside the stream by its type', () => {
    const serverSide = toModelError(
      new APIError(undefined, { message: 'boom', type: 'server_error' }, undefined, undefined),
      official,
    );
    expect(serverSide).toMatchObject({ code: 'provider_unavailable', retryable: true });
    const other = toModelError(
      new APIError(undefined, { message: 'odd', type: 'invalid_request_error' }, undefined, undefined),
      official,
    );
    expect(other).toMatchObject({ code: 'provider_error', retryable: false });
  });

  it('keeps unknown failures unretryable and redacts the key from them', () => {
    const error = toModelError(new RangeError('bad sk-unit-secret-000000'), official);
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.message).not.toContain('sk-unit-secret-000000');
  });
});

describe('safeUrl', () => {
  it('drops credentials, query and trailing slash', () => {
    expect(safeUrl('https://me:pw@example.com/v1/?key=sk-1#x')).toBe('https://example.com/v1');
  });
});
