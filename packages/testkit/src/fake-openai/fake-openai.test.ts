import { afterEach, describe, expect, it } from 'vitest';
import type { FakeOpenAI, FakeOpenAIOptions } from './behaviours';
import { startFakeOpenAI } from './server';

interface Completion {
  choices: { message: { content: string } }[];
}

const messages = [{ role: 'user', content: 'Hello fake' }];

async function events(response: Response): Promise<string[]> {
  const text = await response.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice('data: '.length);
    });
}

describe('fake OpenAI server', () => {
  let fake: FakeOpenAI;
  const start = async (options?: FakeOpenAIOptions) => {
    fake = await startFakeOpenAI(options);
    return fake;
  };
  const post = (body: object, headers: Record<string, string> = {}) =>
    fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  afterEach(async () => {
    await fake?.close();
  });

  it('honours max_tokens when asked to (one piece is one token), and ignores it by default', async () => {
    const text = 'tok '.repeat(10);
    const contentOf = async (response: Response) => {
      const chunks = (await events(response)).slice(0, -1).map((line) => JSON.parse(line));
      return {
        content: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''),
        finish: chunks.at(-2).choices[0].finish_reason,
        usage: chunks.at(-1).usage,
      };
    };
    const request = {
      model: 'm',
      messages,
      stream: true,
      max_tokens: 3,
      stream_options: { include_usage: true },
    };
    await start({ defaultBehaviour: { type: 'text', text, chunkSize: 4 }, maxTokens: 'honour' });
    expect(await contentOf(await post(request))).toMatchObject({
      content: 'tok tok tok ',
      finish: 'length',
      usage: { completion_tokens: 3 },
    });
    await fake.close();
    await start({ defaultBehaviour: { type: 'text', text, chunkSize: 4 } });
    expect(await contentOf(await post(request))).toMatchObject({ content: text, finish: 'stop' });
  });

  it('streams SSE chunks, a finish chunk, a usage chunk with an id, then [DONE]', async () => {
    await start({ defaultBehaviour: { type: 'text', text: 'abcdefghij', chunkSize: 4 } });
    const response = await post({
      model: 'm',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = await events(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('abcdefghij');
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const usage = chunks.at(-1);
    expect(usage).toMatchObject({
      id: chunks[0].id,
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 3 },
    });
  });

  it('sends no usage chunk unless asked, and answers without stream as one JSON object', async () => {
    await start({ defaultBehaviour: { type: 'text', text: 'plain' } });
    const data = await events(await post({ model: 'm', messages, stream: true }));
    expect(data.map((line) => (line === '[DONE]' ? line : JSON.parse(line).usage))).not.toContainEqual(
      expect.objectContaining({ prompt_tokens: expect.any(Number) }),
    );
    const whole = await (await post({ model: 'm', messages })).json();
    expect(whole).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'plain' }, finish_reason: 'stop' }],
      usage: { completion_tokens: 2 },
    });
  });

  it('echoes by default and applies queued behaviours first in, first out', async () => {
    await start();
    fake.enqueue({ type: 'text', text: 'first' }, { type: 'error', status: 500 });
    const first = (await (await post({ model: 'm', messages })).json()) as Completion;
    expect(first.choices[0]?.message.content).toBe('first');
    expect((await post({ model: 'm', messages })).status).toBe(500);
    const third = (await (await post({ model: 'm', messages })).json()) as Completion;
    expect(third.choices[0]?.message.content).toBe('You said: Hello fake');
    expect(fake.requestCount).toBe(3);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'm' },
    });
  });

  it('splits tool-call arguments across chunks', async () => {
    await start({
      defaultBehaviour: {
        type: 'tool-calls',
        calls: [{ name: 'lookup', arguments: { query: 'long enough' } }],
      },
    });
    const data = await events(await post({ model: 'm', messages, stream: true }));
    const deltas = data.slice(0, -1).map((line) => JSON.parse(line).choices[0]);
    const calls = deltas.flatMap((choice) => choice.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.any(String),
      function: { name: 'lookup', arguments: '' },
    });
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.map((call: { function: { arguments: string } }) => call.function.arguments).join('')).toBe(
      '{"query":"long enough"}',
    );
    expect(deltas.at(-1).finish_reason).toBe('tool_calls');
  });

  it('answers errors in OpenAI shape, with Retry-After', async () => {
    await start();
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 2 });
    const response = await post({ model: 'm', messages, stream: true });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({
      error: { code: 'rate_limit_exceeded', message: expect.any(String) },
    });
  });

  it('checks the bearer key when it has one', async () => {
    await start({ apiKey: 'sk-fake-right' });
    const wrong = await post({ model: 'm', messages }, { authorization: 'Bearer sk-fake-wrong-000' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    expect((await post({ model: 'm', messages }, { authorization: 'Bearer sk-fake-right' })).status).toBe(
      200,
    );
  });

  it('rejects what OpenAI rejects: no messages, an orphan tool message', async () => {
    await start();
    expect((await post({ model: 'm', messages: [] })).status).toBe(400);
    const orphan = await post({
      model: 'm',
      messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }],
    });
    expect(orphan.status).toBe(400);
    expect(await orphan.json()).toMatchObject({ error: { message: expect.stringMatching(/role 'tool'/) } });
  });

  it('lists its models, or fails that listing on request', async () => {
    await start({ models: ['a', 'b'] });
    const list = await (await fetch(`${fake.url}/models`)).json();
    expect(list).toMatchObject({ object: 'list', data: [{ id: 'a', object: 'model' }, { id: 'b' }] });
    fake.enqueueModels({ type: 'error', status: 503 });
    expect((await fetch(`${fake.url}/models`)).status).toBe(503);
  });

  it('records a client that hangs up on a stalled stream, and close() ends stalled connections', async () => {
    await start();
    fake.enqueue({ type: 'stall', afterChunks: 1 }, { type: 'stall' });
    const controller = new AbortController();
    const first = await post({ model: 'm', messages, stream: true }, {});
    const reader = first.body?.getReader();
    expect(reader).toBeDefined();
    await reader?.read();
    const hungUpAt = Date.now();
    await reader?.cancel();
    await expect.poll(() => fake.requests[0]?.outcome).toBe('client-closed');
    expect(fake.requests[0]?.endedAt).toBeGreaterThanOrEqual(hungUpAt);

    const second = fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages, stream: true }),
      signal: controller.signal,
    });
    await expect.poll(() => fake.requestCount).toBe(2);
    const started = Date.now();
    await fake.close();
    await expect(second).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect.poll(() => fake.requests[1]?.outcome).toBe('server-closed');
  });

  it('cuts the socket after the chunks it was told to send', async () => {
    await start();
    fake.enqueue({ type: 'cut', afterChunks: 2, text: 'abcdefghijkl' });
    const response = await post({ model: 'm', messages, stream: true });
    await expect(response.text()).rejects.toThrow();
    expect(fake.requests[0]?.outcome).toBe('cut');
  });
});
