import type { ModelCall, ModelError, ModelPart } from '@switchboard/core';
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

async function collect(parts: AsyncIterable<ModelPart>): Promise<ModelPart[]> {
  const collected: ModelPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

function texts(parts: readonly ModelPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
}

function errorOf(parts: readonly ModelPart[]): ModelError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error part last, got ${JSON.stringify(last)}`);
  return last.error;
}

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
    collect(model(overrides).stream(call, signal));

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('streams text as several deltas, then finishes with the usage', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    fake.enqueue({ type: 'text', text, chunkSize: 5 });
    const parts = await stream();
    const deltas = texts(parts);
    expect(deltas.length).toBeGreaterThanOrEqual(5);
    expect(deltas.join('')).toBe(text);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    const finish = parts.at(-1);
    expect(finish).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: expect.any(Number), outputTokens: deltas.length },
    });
    if (finish?.type === 'finish') expect(finish.usage.inputTokens).toBeGreaterThan(0);
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
    const parts = await collect(model().stream(withTools, new AbortController().signal));

    expect(texts(parts).join('')).toBe('Let me look.');
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
    expect(errorOf(parts)).toMatchObject({ code: 'invalid_tool_arguments', retryable: true });
    expect(errorOf(parts).message).toContain('get_weather');
  });

  it('makes exactly one request on a 500 and reports it as retryable', async () => {
    fake.enqueue({ type: 'error', status: 500 });
    const parts = await stream();
    expect(parts).toHaveLength(1);
    expect(errorOf(parts)).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      status: 500,
      provider: 'openai',
    });
    expect(fake.requestCount).toBe(1);
  });

  it('reports a 429 as rate limited with the wait from Retry-After', async () => {
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 2 });
    const error = errorOf(await stream());
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2000, status: 429 });
    expect(error.message).toMatch(/try again in 2 s/);
    expect(fake.requestCount).toBe(1);
  });

  it('reads retry-after-ms before Retry-After', async () => {
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 9, headers: { 'retry-after-ms': '1500' } });
    expect(errorOf(await stream())).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500 });
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
    expect(errorOf(await stream())).toMatchObject({ code: 'quota_exceeded', retryable: false });
  });

  it.each([
    [502, 'provider_unavailable'],
    [503, 'provider_unavailable'],
    [504, 'provider_unavailable'],
    [529, 'overloaded'],
  ])('reports HTTP %i as %s, retryable', async (status, code) => {
    fake.enqueue({ type: 'error', status });
    expect(errorOf(await stream())).toMatchObject({ code, retryable: true, status });
  });

  it('rejects a wrong key as auth_failed, not retryable, naming OPENAI_API_KEY but never the key', async () => {
    const wrongKey = 'sk-wrong-but-still-secret-9876543210';
    const parts = await stream({ apiKey: wrongKey });
    const error = errorOf(parts);
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 401 });
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).toMatch(/rejected the API key/);
    for (const secret of [wrongKey, KEY]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(String((error.cause as Error | undefined)?.message)).not.toContain(secret);
    }
  });

  it('treats 403 as auth_failed too, naming the server it asked', async () => {
    fake.enqueue({ type: 'error', status: 403 });
    const error = errorOf(await stream());
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 403 });
    expect(error.message).toBe(`The model server at ${fake.url} rejected the API key: check OPENAI_API_KEY`);
  });

  it('quotes a 400 from the server with the key redacted', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: { error: { message: `Unsupported parameter for key ${KEY}.`, type: 'invalid_request_error' } },
    });
    const error = errorOf(await stream());
    expect(error).toMatchObject({ code: 'bad_request', retryable: false, status: 400 });
    expect(error.message).toContain('Unsupported parameter');
    expect(error.message).not.toContain(KEY);
    expect(String((error.cause as Error | undefined)?.message)).not.toContain(KEY);
  });

  it('reports a 404 as model_not_found, naming the model and OPENAI_MODELS', async () => {
    fake.enqueue({ type: 'error', status: 404 });
    const error = errorOf(await stream());
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
    expect(errorOf(await stream())).toMatchObject({ code: 'context_too_long', retryable: false });
  });

  it('ends a stalled stream promptly with finish "abort" when the signal aborts, and closes the connection', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 2, text: 'partial answer that never ends' });
    const controller = new AbortController();
    const parts: ModelPart[] = [];
    let abortedAt = 0;
    for await (const part of model().stream(call, controller.signal)) {
      parts.push(part);
      if (texts(parts).length === 2 && abortedAt === 0) {
        abortedAt = Date.now();
        setTimeout(() => controller.abort(), 20);
      }
    }
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(texts(parts)).toEqual(['part', 'ial ']);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      reason: 'abort',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
  });

  it('aborts a request that never got its headers', async () => {
    fake.enqueue({ type: 'stall' });
    const controller = new AbortController();
    const started = Date.now();
    const pending = collect(model().stream(call, controller.signal));
    await expect.poll(() => fake.requestCount).toBe(1);
    controller.abort();
    expect(await pending).toEqual([
      { type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } },
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
  });

  it('makes no request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(model().stream(call, controller.signal))).toEqual([
      { type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } },
    ]);
    expect(fake.requestCount).toBe(0);
  });

  it('closes the connection when the consumer stops reading early', async () => {
    fake.enqueue({ type: 'text', text: 'a long answer nobody reads to the end', chunkSize: 2, delayMs: 20 });
    for await (const part of model().stream(call, new AbortController().signal)) {
      if (part.type === 'text-delta') break;
    }
    await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
  });

  it('gives up on a server that goes silent, with a retryable timeout error', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1, text: 'hello there' });
    const started = Date.now();
    const parts = await stream({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(texts(parts)).toEqual(['hell']);
    expect(errorOf(parts)).toMatchObject({ code: 'timeout', retryable: true });
    await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
  });

  it('does not count the time the consumer spends on a delta as server silence', async () => {
    fake.enqueue({ type: 'text', text: 'slow reader', chunkSize: 4 });
    const parts: ModelPart[] = [];
    for await (const part of model({ timeoutMs: 200 }).stream(call, new AbortController().signal)) {
      parts.push(part);
      if (part.type === 'text-delta') await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(texts(parts).join('')).toBe('slow reader');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('reports a stream cut in the middle as connection_failed after the partial deltas', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 3, text: 'this will be cut off soon', chunkSize: 4 });
    const parts = await stream();
    expect(texts(parts)).toEqual(['this', ' wil', 'l be']);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(errorOf(parts)).toMatchObject({ code: 'connection_failed', retryable: true });
  });

  it('reports a malformed chunk as malformed_response after the good deltas', async () => {
    fake.enqueue({ type: 'malformed', afterChunks: 1, text: 'good then bad' });
    const parts = await stream();
    expect(texts(parts)).toEqual(['good']);
    expect(errorOf(parts)).toMatchObject({ code: 'malformed_response', retryable: true });
  });

  it('reports a refused connection as connection_failed with the URL and without the key', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const parts = await stream({ baseURL: gone.url });
    const error = errorOf(parts);
    expect(error).toMatchObject({ code: 'connection_failed', retryable: true });
    expect(error.message).toContain(gone.url);
    expect(error.message).toContain('connection refused');
    expect(error.message).not.toContain(KEY);
  });
});
