import Anthropic, { OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The fake Anthropic server, checked through the real SDK's own helpers: if the fake drifts from the
// protocol, these fail before the provider's tests could mislead.
const KEY = 'sk-ant-protocol-key-000111';

describe('fake Anthropic server through @anthropic-ai/sdk', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const params = {
    model: 'claude-fake',
    max_tokens: 100,
    messages: [{ role: 'user' as const, content: 'Weather?' }],
  };

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: KEY, models: ['claude-a', 'claude-b'] });
    client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, logLevel: 'off' });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('streams a message the SDK helper assembles: text, a tool_use with parsed input, stop reason, usage', async () => {
    fake.enqueue({
      type: 'tool-calls',
      text: 'Let me check.',
      calls: [{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_1' }],
      usage: { input_tokens: 12, output_tokens: 7 },
    });
    const texts: string[] = [];
    const json: string[] = [];
    const stream = client.messages
      .stream(params)
      .on('text', (text) => texts.push(text))
      .on('inputJson', (partial) => json.push(partial));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Let me check.');
    expect(json.length).toBeGreaterThan(1);
    expect(message).toMatchObject({
      role: 'assistant',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      usage: { input_tokens: 12, output_tokens: 7 },
    });
    expect(fake.requests[0]?.headers['anthropic-version']).toEqual(expect.any(String));
  });

  it('answers a request without stream as one message', async () => {
    fake.enqueue({ type: 'text', text: 'Sunny.' });
    const message = await client.messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'Sunny.' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('lists models as one page', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['claude-a', 'claude-b']);
    expect(page.has_more).toBe(false);
  });

  it('raises the SDK error classes, with retry-after headers and the parsed error type', async () => {
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 3 }, { type: 'error', status: 529 });
    const limited = await client.messages.create(params).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('3');
    expect((limited as RateLimitError).type).toBe('rate_limit_error');
    const overloaded = await client.messages.create(params).catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(OverloadedError);
  });

  it('turns an error event in the stream into an APIError of that type', async () => {
    fake.enqueue({ type: 'error-event', afterChunks: 1, text: 'abcdefgh' });
    const stream = client.messages.stream(params);
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: undefined, type: 'overloaded_error', apiMessage: 'Overloaded' });
  });

  it('is refused without the right key', async () => {
    const wrong = new Anthropic({
      apiKey: 'sk-ant-wrong',
      baseURL: fake.url,
      maxRetries: 0,
      logLevel: 'off',
    });
    await expect(wrong.messages.create(params)).rejects.toMatchObject({
      status: 401,
      type: 'authentication_error',
    });
  });
});
