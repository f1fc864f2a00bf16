import { APIConnectionError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { type ErrorContext, toModelError } from './errors';

const official: ErrorContext = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  url: 'https://api.openai.com/v1',
  official: true,
  apiKey: 'sk-unit-secret-000000',
  envPrefix: 'OPENAI',
};

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
