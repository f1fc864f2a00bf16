import type { ModelCall } from '@switchboard/core';
import { collectParts, finalError, textDeltas } from '@switchboard/testkit';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicProviderOptions, createAnthropicProvider } from './provider';

const KEY = 'sk-ant-test-very-secret-key-0123456789';
const call: ModelCall = {
  messages: [
    { role: 'system', content: 'You are a test.' },
    { role: 'user', content: 'Say something long enough to need several chunks.' },
  ],
  maxOutputTokens: 64,
};

describe('Anthropic model stream', () => {
  let fake: FakeAnthropic;
  const model = (options: Partial<AnthropicProviderOptions> = {}) => {
    const provider = createAnthropicProvider({
      apiKey: KEY,
      baseURL: fake.url,
      models: ['claude-fake'],
      ...options,
    });
    const [first] = provider.models;
    if (!first) throw new Error('no model');
    return first;
  };
  const stream = (options: Partial<AnthropicProviderOptions> = {}, signal = new AbortController().signal) =>
    collectParts(model(options).stream(call, signal));

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('sends a streaming request with max_tokens and a top-level system, and the key to the server', async () => {
    fake.enqueue({ type: 'text', text: 'ok', usage: { input_tokens: 12, output_tokens: 7 } });
    const parts = await stream();
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 12, outputTokens: 7 },
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization ?? request?.headers['x-api-key']).toContain(KEY);
    expect(request?.body).toEqual({
      model: 'claude-fake',
      max_tokens: 64,
      system: 'You are a test.',
      messages: [{ role: 'user', content: 'Say something long enough to need several chunks.' }],
      stream: true,
    });
  });

  it('asks for 4096 output tokens when the call sets no limit', async () => {
    await collectParts(
      model().stream({ messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal),
    );
    expect(fake.requests[0]?.body).toMatchObject({ max_tokens: 4096 });
    expect(fake.requests[0]?.body).not.toHaveProperty('system');
  });

  it('asks for structured output when the call gives a response schema', async () => {
    const responseSchema = { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] };
    fake.enqueue({ type: 'text', text: '{"score":7}' });
    const parts = await collectParts(
      model().stream({ ...call, responseSchema }, new AbortController().signal),
    );
    expect(textDeltas(parts).join('')).toBe('{"score":7}');
    expect(fake.requests[0]?.body).toMatchObject({
      output_config: { format: { type: 'json_schema', schema: responseSchema } },
    });
  });

  it.each([
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'other'],
  ] as const)('maps the stop reason %s to %s', async (stopReason, reason) => {
    fake.enqueue({ type: 'text', text: 'cut short', stopReason });
    expect((await stream()).at(-1)).toMatchObject({ type: 'finish', reason });
  });

  it('yields tool calls with their input joined from several input_json deltas, after the text', async () => {
    fake.enqueue({
      type: 'tool-calls',
      text: 'Let me look.',
      chunkSize: 3,
      calls: [
        { name: 'get_weather', input: { city: 'Paris', units: 'metric' }, id: 'toolu_a' },
        { name: 'get_time', input: { zone: 'Europe/Paris' }, id: 'toolu_b' },
      ],
      usage: { input_tokens: 40, output_tokens: 25 },
    });
    const parts = await stream();
    expect(textDeltas(parts).join('')).toBe('Let me look.');
    expect(parts.map((part) => part.type).slice(-3)).toEqual(['tool-call', 'tool-call', 'finish']);
    expect(parts.flatMap((part) => (part.type === 'tool-call' ? [part.call] : []))).toEqual([
      { id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
      { id: 'toolu_b', name: 'get_time', arguments: { zone: 'Europe/Paris' } },
    ]);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool-calls',
      usage: { inputTokens: 40, outputTokens: 25 },
    });
  });

  it('turns tool input that is not JSON into an error part, with no tool call and no finish', async () => {
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'get_weather', input: '{"city": "Par' }] });
    const parts = await stream();
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
    expect(finalError(parts)).toMatchObject({ code: 'invalid_tool_arguments', retryable: true });
    expect(finalError(parts).message).toContain('get_weather');
  });

  it('sends a multi-turn history with tool calls and results as alternating Anthropic turns', async () => {
    const history: ModelCall = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Rome and Paris?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          toolCalls: [
            { id: 'toolu_rome', name: 'get_weather', arguments: { city: 'Rome' } },
            { id: 'toolu_paris', name: 'get_weather', arguments: { city: 'Paris' } },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_rome', content: '{"temperature":21}' },
        { role: 'tool', toolCallId: 'toolu_paris', content: '{"temperature":18}' },
        { role: 'assistant', content: 'Rome 21 °C, Paris 18 °C.' },
        { role: 'system', content: 'Answer in French from now on.' },
        { role: 'user', content: 'And the time there?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'toolu_time', name: 'get_time', arguments: {} }],
        },
        { role: 'tool', toolCallId: 'toolu_time', content: '12:00' },
        { role: 'user', content: 'Thanks!' },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'get_time', description: 'Current time', parameters: { properties: {} } },
      ],
    };
    const parts = await collectParts(model().stream(history, new AbortController().signal));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    expect(textDeltas(parts).join('')).toBe('You said: Thanks!');
    expect(fake.requests[0]?.body).toEqual({
      model: 'claude-fake',
      max_tokens: 4096,
      system: 'Be brief.\n\nAnswer in French from now on.',
      messages: [
        { role: 'user', content: 'Weather in Rome and Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_rome', name: 'get_weather', input: { city: 'Rome' } },
            { type: 'tool_use', id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_rome', content: '{"temperature":21}' },
            { type: 'tool_result', tool_use_id: 'toolu_paris', content: '{"temperature":18}' },
          ],
        },
        { role: 'assistant', content: 'Rome 21 °C, Paris 18 °C.' },
        { role: 'user', content: 'And the time there?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_time', content: '12:00' },
            { type: 'text', text: 'Thanks!' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather of a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'get_time', description: 'Current time', input_schema: { type: 'object', properties: {} } },
      ],
      stream: true,
    });
  });

  it('passes a huge retry-after on as it is, worded in hours', async () => {
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 7200 });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 7_200_000 });
    expect(error.message).toMatch(/try again in 2 h\.$/);
    expect(fake.requestCount).toBe(1);
  });

  it('tells a spending limit apart from a rate limit: not retryable', async () => {
    fake.enqueue({
      type: 'error',
      status: 429,
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Your organization reached its monthly spend limit.',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
    });
    expect(finalError(await stream())).toMatchObject({ code: 'quota_exceeded', retryable: false });
  });

  it('reports HTTP 529 as overloaded, retryable, with its retry-after', async () => {
    fake.enqueue({ type: 'error', status: 529, retryAfterSeconds: 5 });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'overloaded', retryable: true, status: 529, retryAfterMs: 5000 });
    expect(error.message).toMatch(/is overloaded; try again in 5 s/);
  });

  it('reports an overloaded error event in the middle of the answer after the text so far', async () => {
    fake.enqueue({ type: 'error-event', afterChunks: 3, text: 'part of an answer that breaks' });
    const parts = await stream();
    expect(textDeltas(parts)).toEqual(['part', ' of ', 'an a']);
    const error = finalError(parts);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true, status: undefined });
    expect(error.message).toMatch(/reported an error in the middle of the answer: Overloaded$/);
  });

  it('reports any other error event as provider_error, not retryable', async () => {
    fake.enqueue({ type: 'error-event', errorType: 'invalid_request_error', message: 'Odd request.' });
    expect(finalError(await stream())).toMatchObject({ code: 'provider_error', retryable: false });
  });

  it('rejects a wrong key as auth_failed, not retryable, naming ANTHROPIC_API_KEY but never the key', async () => {
    const wrongKey = 'sk-ant-wrong-but-still-secret-9876543210';
    const error = finalError(await stream({ apiKey: wrongKey }));
    expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 401 });
    expect(error.message).toBe(
      `The Anthropic-compatible server at ${fake.url} rejected the API key: check ANTHROPIC_API_KEY`,
    );
    for (const secret of [wrongKey, KEY]) {
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(String((error.cause as Error | undefined)?.message)).not.toContain(secret);
    }
  });

  it('quotes a 400 from the server with the key redacted', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: `Bad field near ${KEY}.` } },
    });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'bad_request', retryable: false, status: 400 });
    expect(error.message).toContain('Bad field near [redacted].');
    expect(String((error.cause as Error | undefined)?.message)).not.toContain(KEY);
  });

  it('reports a 404 as model_not_found, naming the model and ANTHROPIC_MODELS', async () => {
    fake.enqueue({ type: 'error', status: 404 });
    const error = finalError(await stream());
    expect(error).toMatchObject({ code: 'model_not_found', retryable: false, status: 404 });
    expect(error.message).toContain('"claude-fake"');
    expect(error.message).toContain('ANTHROPIC_MODELS');
  });

  it('reports a prompt that is too long as context_too_long', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'prompt is too long: 210000 tokens > 200000 maximum',
        },
      },
    });
    expect(finalError(await stream())).toMatchObject({ code: 'context_too_long', retryable: false });
  });
});
