import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { type AnthropicServer, serverContext, toModelError } from './errors';

const official: AnthropicServer = {
  provider: 'anthropic',
  url: 'https://api.anthropic.com',
  official: true,
  apiKey: 'sk-ant-unit-secret-000000',
};
const context = serverContext(official, 'claude-sonnet-4-5');

/** An HTTP error as the SDK builds it from Anthropic's body. */
function httpError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    new Headers(headers),
  );
}

describe('toModelError for Anthropic', () => {
  it('words an auth failure at Anthropic exactly as the user must act on it', () => {
    const error = toModelError(httpError(401, 'authentication_error', 'invalid x-api-key'), context);
    expect(error).toMatchObject({
      code: 'auth_failed',
      retryable: false,
      status: 401,
      provider: 'anthropic',
    });
    expect(error.message).toBe('Anthropic rejected the API key: check ANTHROPIC_API_KEY');
  });

  it('shows where Anthropic could not be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = toModelError(
      new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }),
      context,
    );
    expect(error).toMatchObject({ code: 'connection_failed', retryable: true });
    expect(error.message).toBe(
      'Cannot reach Anthropic at https://api.anthropic.com: connection refused. Check ANTHROPIC_BASE_URL and that the server is running.',
    );
  });

  it('maps the SDK timeout to timeout', () => {
    expect(toModelError(new APIConnectionTimeoutError(), context)).toMatchObject({
      code: 'timeout',
      message: 'Anthropic did not answer in time; try again.',
      retryable: true,
    });
  });

  it.each([
    [402, 'billing_error', 'Your credit balance is too low to access the Anthropic API.', 'quota_exceeded'],
    [
      400,
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
      'quota_exceeded',
    ],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.', 'context_too_long'],
    [403, 'permission_error', 'Your API key does not have permission.', 'auth_failed'],
    [503, 'api_error', 'Service unavailable', 'provider_unavailable'],
    [529, 'overloaded_error', 'Overloaded', 'overloaded'],
    [409, 'conflict_error', 'Conflict', 'provider_unavailable'],
    [422, 'invalid_request_error', 'odd', 'bad_request'],
  ])('maps HTTP %i %s to its code', (status, type, message, code) => {
    expect(toModelError(httpError(status, type, message), context).code).toBe(code);
  });

  it('maps error events inside the stream by their type', () => {
    const event = (type: string) =>
      new APIError(
        undefined,
        { type: 'error', error: { type, message: 'boom' } },
        undefined,
        new Headers(),
        null,
      );
    expect(toModelError(event('overloaded_error'), context)).toMatchObject({
      code: 'overloaded',
      retryable: true,
    });
    expect(toModelError(event('api_error'), context)).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
    });
    expect(toModelError(event('invalid_request_error'), context)).toMatchObject({
      code: 'provider_error',
      retryable: false,
      message: 'Anthropic reported an error in the middle of the answer: boom',
    });
  });

  it('keeps unknown failures unretryable and redacts the key from them', () => {
    const error = toModelError(new RangeError(`bad ${official.apiKey}`), context);
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.message).not.toContain(official.apiKey);
    expect(toModelError(new APIUserAbortError(), context).code).toBe('provider_error');
  });

  it('names a compatible server by its URL and points at the base URL after a 404', () => {
    const compatible = serverContext({
      ...official,
      url: 'https://gateway.example/anthropic',
      official: false,
    });
    const error = toModelError(httpError(404, 'not_found_error', 'model: x'), compatible);
    expect(error.message).toBe(
      'The Anthropic-compatible server at https://gateway.example/anthropic has no such model (HTTP 404): check ANTHROPIC_MODELS, and ANTHROPIC_BASE_URL (the address before /v1/messages).',
    );
  });
});
