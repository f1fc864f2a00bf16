import { afterEach, describe, expect, it } from 'vitest';
import type { FakeAnthropic, FakeAnthropicOptions } from './behaviours';
import { startFakeAnthropic } from './server';

const KEY = 'sk-ant-fake-key-0123456789';
const messages = [{ role: 'user', content: 'Hello fake' }];
const request = { model: 'claude-fake', max_tokens: 64, messages };

interface Event {
  event: string;
  data: { type: string; [field: string]: unknown };
}

/** The SSE answer split into events; every block must be `event:` then `data:`. */
async function events(response: Response): Promise<Event[]> {
  const text = await response.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      expect(eventLine).toMatch(/^event: /);
      expect(dataLine).toMatch(/^data: /);
      const data = JSON.parse(dataLine?.slice('data: '.length) ?? '') as Event['data'];
      expect(data.type).toBe(eventLine?.slice('event: '.length));
      return { event: eventLine?.slice('event: '.length) ?? '', data };
    });
}

/** The text of the first content block of a non-streamed answer. */
async function firstText(response: Response): Promise<string | undefined> {
  const message = (await response.json()) as { content: { text?: string }[] };
  return message.content[0]?.text;
}

describe('fake Anthropic server', () => {
  let fake: FakeAnthropic;
  const start = async (options?: FakeAnthropicOptions) => {
    fake = await startFakeAnthropic(options);
    return fake;
  };
  const post = (body: object, headers: Record<string, string> = { 'x-api-key': KEY }) =>
    fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });

  afterEach(async () => {
    await fake?.close();
  });

  it('streams message_start, text deltas, message_delta with usage, then message_stop', async () => {
    await start({ defaultBehaviour: { type: 'text', text: 'abcdefghij', chunkSize: 4 } });
    const response = await post({ ...request, stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await events(response);
    expect(stream.map((item) => item.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(stream[0]?.data).toMatchObject({
      message: { role: 'assistant', model: 'claude-fake', content: [], usage: { input_tokens: 3 } },
    });
    const text = stream.map((item) => (item.data['delta'] as { text?: string } | undefined)?.text ?? '');
    expect(text.join('')).toBe('abcdefghij');
    expect(stream.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('answers without stream as one message object, echoing by default', async () => {
    await start();
    const whole = await (await post(request)).json();
    expect(whole).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'You said: Hello fake' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 5 },
    });
  });

  it('applies queued behaviours first in, first out, and records requests with their key', async () => {
    await start();
    fake.enqueue({ type: 'text', text: 'first' }, { type: 'error', status: 500 });
    expect(await firstText(await post(request))).toBe('first');
    expect((await post(request)).status).toBe(500);
    expect(await firstText(await post(request))).toBe('You said: Hello fake');
    expect(fake.requestCount).toBe(3);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
      body: { model: 'claude-fake', max_tokens: 64 },
      outcome: 'completed',
    });
  });

  it('streams tool_use blocks after the text, the input split across input_json_deltas', async () => {
    await start({
      defaultBehaviour: {
        type: 'tool-calls',
        text: 'Looking.',
        calls: [{ name: 'lookup', input: { query: 'long enough' }, id: 'toolu_x' }],
      },
    });
    const stream = await events(await post({ ...request, stream: true }));
    const starts = stream.filter((item) => item.event === 'content_block_start');
    expect(starts.map((item) => item.data['content_block'])).toEqual([
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'toolu_x', name: 'lookup', input: {} },
    ]);
    const json = stream.flatMap((item) => {
      const delta = item.data['delta'] as { type?: string; partial_json?: string } | undefined;
      return delta?.type === 'input_json_delta' ? [delta.partial_json ?? ''] : [];
    });
    expect(json.length).toBeGreaterThan(3);
    expect(json.join('')).toBe('{"query":"long enough"}');
    expect(stream.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('answers errors in Anthropic shape, with retry-after', async () => {
    await start();
    fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 2 }, { type: 'error', status: 529 });
    const limited = await post({ ...request, stream: true });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
    });
    const overloaded = await post(request);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('sends an error event in the middle of a stream', async () => {
    await start();
    fake.enqueue({ type: 'error-event', afterChunks: 2, text: 'abcdefghijkl' });
    const stream = await events(await post({ ...request, stream: true }));
    expect(stream.filter((item) => item.event === 'content_block_delta')).toHaveLength(2);
    expect(stream.at(-1)).toEqual({
      event: 'error',
      data: {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: expect.any(String),
      },
    });
  });

  it('requires a key in x-api-key or a bearer token, and checks it when it has one', async () => {
    await start({ apiKey: KEY });
    const none = await post(request, {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { type: 'authentication_error' } });
    expect((await post(request, { 'x-api-key': 'sk-ant-wrong' })).status).toBe(401);
    expect((await post(request, { authorization: 'Bearer sk-ant-wrong' })).status).toBe(401);
    expect((await post(request, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await post(request, { 'x-api-key': KEY })).status).toBe(200);
  });

  it.each([
    ['no max_tokens', { model: 'm', messages }, /max_tokens: Field required/],
    ['no anthropic-version', null, /anthropic-version/],
    ['an assistant first', { ...request, messages: [{ role: 'assistant', content: 'hi' }] }, /first message/],
    [
      'two user turns in a row',
      { ...request, messages: [...messages, { role: 'user', content: 'again' }] },
      /must alternate/,
    ],
    ['a system turn', { ...request, messages: [{ role: 'system', content: 's' }, ...messages] }, /top-level/],
    ['an empty user turn', { ...request, messages: [{ role: 'user', content: '' }] }, /non-empty content/],
    [
      'an empty text block',
      { ...request, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      /text content blocks must be non-empty/,
    ],
    [
      'a tool_result without its tool_use',
      {
        ...request,
        messages: [
          ...messages,
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] },
        ],
      },
      /unexpected `tool_use_id`.*toolu_nope/,
    ],
    [
      'a tool_use left without its tool_result',
      {
        ...request,
        messages: [
          ...messages,
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }] },
          { role: 'user', content: 'never mind' },
        ],
      },
      /without `tool_result` blocks immediately after: toolu_1/,
    ],
    [
      'a tool name with a dot',
      { ...request, tools: [{ name: 'mcp.search', input_schema: { type: 'object' } }] },
      /tools\.0\.custom\.name/,
    ],
  ])('rejects %s with a 400 invalid_request_error', async (_, body, message) => {
    await start();
    const response =
      body === null
        ? await fetch(`${fake.url}/v1/messages`, {
            method: 'POST',
            headers: { 'x-api-key': KEY },
            body: JSON.stringify(request),
          })
        : await post(body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: { type: string; message: string } };
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toMatch(message);
  });

  it('accepts a full tool round trip with results merged into one user turn', async () => {
    await start();
    const response = await post({
      ...request,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Rome and Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Rome' } },
            { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '21' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '18' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(await firstText(response)).toBe('You said: Thanks');
  });

  it('lists its models, or fails that listing on request', async () => {
    await start({ models: ['a', 'b'] });
    const list = await (await fetch(`${fake.url}/v1/models`, { headers: { 'x-api-key': KEY } })).json();
    expect(list).toEqual({
      data: [
        { type: 'model', id: 'a', display_name: 'a', created_at: expect.any(String) },
        { type: 'model', id: 'b', display_name: 'b', created_at: expect.any(String) },
      ],
      has_more: false,
      first_id: 'a',
      last_id: 'b',
    });
    fake.enqueueModels({ type: 'error', status: 503 });
    expect((await fetch(`${fake.url}/v1/models`, { headers: { 'x-api-key': KEY } })).status).toBe(503);
  });

  it('records a client that hangs up on a stalled stream, and close() ends stalled connections', async () => {
    await start();
    fake.enqueue({ type: 'stall', afterChunks: 1 }, { type: 'stall' });
    const first = await post({ ...request, stream: true });
    const reader = first.body?.getReader();
    expect(reader).toBeDefined();
    await reader?.read();
    await reader?.cancel();
    await expect.poll(() => fake.requests[0]?.outcome).toBe('client-closed');

    const second = post({ ...request, stream: true });
    await expect.poll(() => fake.requestCount).toBe(2);
    await fake.close();
    await expect(second).rejects.toThrow();
    await expect.poll(() => fake.requests[1]?.outcome).toBe('server-closed');
  });

  it('cuts the socket after the deltas it was told to send', async () => {
    await start();
    fake.enqueue({ type: 'cut', afterChunks: 2, text: 'abcdefghijkl' });
    const response = await post({ ...request, stream: true });
    const text = response.text();
    await expect(text).rejects.toThrow();
    expect(fake.requests[0]?.outcome).toBe('cut');
  });

  it('sends an event that is not JSON after the good deltas when told to', async () => {
    await start();
    fake.enqueue({ type: 'malformed', afterChunks: 1, text: 'good then bad' });
    const text = await (await post({ ...request, stream: true })).text();
    expect(text).toContain('"text":"good"');
    expect(text.endsWith('event: content_block_delta\ndata: {not json\n\n')).toBe(true);
    expect(text).not.toContain('message_stop');
  });
});
