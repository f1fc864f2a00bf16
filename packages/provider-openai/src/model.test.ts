import type { ModelCall } from '@switchboard/core';
import { collectParts, finalError, textDeltas } from '@switchboard/testkit';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider, type OpenAIProviderOptions } from './provider';

const KEY = 'sk-test-very-secret-key-0123456789';
const call: ModelCall = {
  messages: [
    { role: 'system', content: 'You are a test.' },
    { role: 'user', content: 'Say something long enough to need several chunks.' },
  ],
  maxOutputTokens: 64,
  temperature: 0.2,
};

describe('OpenAI model stream', () => {
  let fake: FakeOpenAI;
  const model = (options: Partial<OpenAIProviderOptions> = {}) => {
    const provider = createOpenAIProvider({
      apiKey: KEY,
      baseURL: fake.url,
      models: ['fake-model'],
      ...options,
    });
    const [first] = provider.models;
    if (!first) throw new Error('no model');
    return first;
  };
  const stream = (overrides: Partial<OpenAIProviderOptions> = {}, signal = new AbortController().signal) =>
    collectParts(model(overrides).stream(call, signal));

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('sends a streaming request with usage, max_tokens and temperature, and the key as a bearer token', async () => {
    fake.enqueue({ type: 'text', text: 'ok', usage: { prompt_tokens: 12, completion_tokens: 7 } });
    const parts = await stream();
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 12, outputTokens: 7 },
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'You are a test.' },
        { role: 'user', content: 'Say something long enough to need several chunks.' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
      temperature: 0.2,
    });
  });

  it('maps the length finish reason', async () => {
    fake.enqueue({ type: 'text', text: 'cut short', finishReason: 'length' });
    const parts = await stream();
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
  });

  it('sends tools and an earlier tool round trip, and yields parsed tool calls after the text', async () => {
    fake.enqueue({
      type: 'tool-calls',
      text: 'Let me look.',
      chunkSize: 3,
      calls: [
        { name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
        { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
      ],
    });
    const withTools: ModelCall = {
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_earlier', name: 'get_weather', arguments: { city: 'Rome' } }],
        },
        { role: 'tool', toolCallId: 'call_earlier', content: '{"temperature":21}' },
        { role: 'assistant', content: 'It is 21 °C in Rome.' },
        { role: 'user', content: 'And Paris, and the time there?' },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        {
          name: 'get_time',
          description: 'Current time in a zone',
          parameters: { type: 'object', properties: {} },
        },
      ],
    };
    const parts = await collectParts(model().stream(withTools, new AbortController().signal));

    expect(textDeltas(parts).join('')).toBe('Let me look.');
    const calls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.call] : []));
    expect(calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        name: 'get_weather',
        arguments: { city: 'Paris', units: 'metric' },
      },
      { id: expect.stringMatching(/^call_/), name: 'get_time', arguments: { zone: 'Europe/Paris' } },
    ]);
    expect(parts.map((part) => part.type).slice(-3)).toEqual(['tool-call', 'tool-call', 'finish']);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'tool-calls' });

    const body = fake.requests[0]?.body as { messages: unknown[]; tools: unknown[] };
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_earlier',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
        },
      ],
    });
    expect(body.messages[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_earlier',
      content: '{"temperature":21}',
    });
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      {
        type: 'function',
        function: {
          name: 'get_time',
          description: 'Current time in a zone',
          parameters: { type: 'object', properties: {} },
        },
      },
    ]);
  });

  it('turns tool-call arguments that are not JSON into an error part, with no finish', async () => {
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city": "Par' }] });
    const parts = await stream();
    expect(parts.some((part) => part.type === 'finish' || part.type === 'tool-call')).toBe(false);
    expect(finalError(parts)).toMatchObject({ code: 'invalid_tool_arguments', retryable: true });
    expect(finalError(parts).message).toContain('get_weather');
  });

  it('reads retry-after-ms before Retry-After', async () => {
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 9, headers: { 'retry-after-ms': '1500' } });
    expect(finalError(await stream())).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500 });
  });

  it('tells an exhausted quota apart from a rate limit: not retryable', async () => {
    fake.enqueue({
      type: 'error',
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota.',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      },
    });
    expect(finalError(await stream())).toMatchObject({ code: 'quota_exceeded', retryable: false });
  });

  it.each([
    [502, 'provider_unavailable'],
    [503, 'provider_unavailable'],
    [504, 'provider_unavailable'],
    [529, 'overloaded'],
  ])('reports HTTP %i as %s, retryable', async (status, code) => {
    fake.enqueue({ type: 'error', status });
    expect(finalError(await stream())).toMatchObject({ code, retryable: true, status });
  });

  it('treats 403 as auth_failed too, naming the server it asked', async () => {
    fake.enqueue({ type: 'error', status: 403 });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 403 });
    expect(error.message).toBe(`The model server at ${fake.url} rejected the API key: check OPENAI_API_KEY`);
  });

  it('quotes a 400 from the server with the key redacted', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: { error: { message: `Unsupported parameter for key ${KEY}.`, type: 'invalid_request_error' } },
    });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'bad_request', retryable: false, status: 400 });
    expect(error.message).toContain('Unsupported parameter');
    expect(error.message).not.toContain(KEY);
    expect(String((error.cause as Error | undefined)?.message)).not.toContain(KEY);
  });

  it('reports a 404 as model_not_found, naming the model and OPENAI_MODELS', async () => {
    fake.enqueue({ type: 'error', status: 404 });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'model_not_found', retryable: false, status: 404 });
    expect(error.message).toContain('"fake-model"');
    expect(error.message).toContain('OPENAI_MODELS');
  });

  it('reports a context overflow as context_too_long', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: {
        error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' },
      },
    });
    expect(finalError(await stream())).toMatchObject({ code: 'context_too_long', retryable: false });
  });
});
