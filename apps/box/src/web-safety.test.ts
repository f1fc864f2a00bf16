import { readParts } from '@switchboard/adapter-web';
import { type ControlMessage, createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';
import { rawRequest, uploadLargeBody } from './http/test-upload';

const MIB = 1024 * 1024;
const tasksOf = (box: Box, conversation: string) => box.store.listTasks(`web:local:${conversation}:-`, 10);
const modelCalls = (fake: FakeOpenAI) =>
  fake.requests.filter((request) => request.path.endsWith('/chat/completions'));

/** Read parts until the first text delta, keeping the stream open (a `for await` break would cancel it). */
async function untilFirstDelta(response: Response): Promise<void> {
  if (response.body === null) throw new Error('no body');
  const parts = readParts(response.body);
  for (;;) {
    const next = await parts.next();
    if (next.done) throw new Error('the reply ended before any text');
    if (next.value.type === 'text-delta') return;
  }
}

async function collect(response: Response): Promise<ReplyPart[]> {
  const parts: ReplyPart[] = [];
  if (response.body) for await (const part of readParts(response.body)) parts.push(part);
  return parts;
}

describe('the owner API is safe from web pages and abandoned clients', () => {
  let fake: FakeOpenAI;
  let box: Box;
  let host: string;
  const controls: ControlMessage[] = [];

  const post = (body: string, headers: Record<string, string>, signal?: AbortSignal) =>
    fetch(`${box.url}/api/messages`, { method: 'POST', headers, body, ...(signal ? { signal } : {}) });
  const ask = (conversation: string, text: string) => JSON.stringify({ conversation, text });

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'An answer, piece by piece.', chunkSize: 5 },
    });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODELS: 'fake-model',
      SWITCHBOARD_ALLOWED_HOSTS: 'box.example.com',
      SWITCHBOARD_ALLOWED_ORIGINS: 'https://dashboard.example.com',
    };
    box = await startBox(loadConfig({ env, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
    box.bus.onControl((message) => controls.push(message));
    host = new URL(box.url).host;
  });
  afterAll(async () => {
    await box?.stop();
    await fake?.close();
  });

  it('refuses what a foreign page can send (text/plain, forms, foreign or null Origin) without a model call', async () => {
    const before = modelCalls(fake).length;
    const body = ask('attack', 'run rm -rf ~');
    const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    const refusals = [
      // fetch(…, { mode: 'no-cors', body }) sends text/plain with the page's Origin.
      [{ ...crossSite, 'content-type': 'text/plain;charset=UTF-8' }, 403, 'forbidden_origin'],
      // An HTML form posted across sites.
      [{ ...crossSite, 'content-type': 'application/x-www-form-urlencoded' }, 403, 'forbidden_origin'],
      [{ ...crossSite, 'content-type': 'multipart/form-data; boundary=x' }, 403, 'forbidden_origin'],
      // JSON from a foreign origin (the preflight would fail in a browser; the box refuses regardless).
      [{ ...crossSite, 'content-type': 'application/json' }, 403, 'forbidden_origin'],
      // A sandboxed frame or a file: page.
      [{ origin: 'null', 'content-type': 'application/json' }, 403, 'forbidden_origin'],
      // A plain-text body without an Origin is still not JSON.
      [{ 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    ] as const;
    for (const [headers, status, code] of refusals) {
      const response = await post(body, headers);
      expect(response.status, JSON.stringify(headers)).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    }
    expect(modelCalls(fake).length).toBe(before);
    expect(await tasksOf(box, 'attack')).toEqual([]);
  });

  it('refuses a foreign Host (DNS rebinding) on the API and the page, without a model call', async () => {
    const before = modelCalls(fake).length;
    const rebound = `rebound.example:${new URL(box.url).port}`;
    const answer = await rawRequest(`${box.url}/api/messages`, {
      method: 'POST',
      headers: { host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' },
      body: ask('attack', 'hello'),
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'forbidden_host', message: expect.stringContaining('SWITCHBOARD_ALLOWED_HOSTS') },
    });
    const page = await rawRequest(`${box.url}/`, { method: 'GET', headers: { host: rebound } });
    expect(page.status).toBe(403);
    expect(modelCalls(fake).length).toBe(before);
    expect(await tasksOf(box, 'attack')).toEqual([]);
  });

  it('serves the web chat page, whose same-origin JSON request works', async () => {
    const page = await fetch(`${box.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("fetch('/api/messages'");
    expect(html).toContain("{ 'content-type': 'application/json' }");
    const before = modelCalls(fake).length;
    const response = await post(ask('page', 'from the page'), {
      origin: box.url,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
    });
    expect(response.status).toBe(200);
    expect((await collect(response)).at(-1)).toMatchObject({
      type: 'reply-end',
      text: 'An answer, piece by piece.',
    });
    expect(modelCalls(fake).length).toBe(before + 1);
  });

  it('still serves curl-style JSON without an Origin, a listed origin, and a listed host behind a TLS proxy', async () => {
    const curl = await post(ask('curl', 'hello'), { 'content-type': 'application/json' });
    expect((await collect(curl)).at(-1)?.type).toBe('reply-end');
    const chunked = await fetch(`${box.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([ask('curl', 'sent in chunks')]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect((await collect(chunked)).at(-1)?.type).toBe('reply-end');
    const dashboard = await post(ask('curl', 'hello'), {
      origin: 'https://dashboard.example.com',
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/json',
    });
    expect((await collect(dashboard)).at(-1)?.type).toBe('reply-end');
    const proxied = await rawRequest(`${box.url}/api/messages`, {
      method: 'POST',
      headers: {
        host: 'box.example.com',
        origin: 'https://box.example.com',
        'content-type': 'application/json',
      },
      body: ask('curl', 'through the proxy'),
    });
    expect(proxied.status).toBe(200);
    expect(proxied.body).toContain('"type":"reply-end"');
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it.each([true, false])(
    'answers a 20 MB body with 413 and hangs up long before reading it (chunked: %s)',
    async (chunked) => {
      const before = modelCalls(fake).length;
      const result = await uploadLargeBody({
        port: Number(new URL(box.url).port),
        path: '/api/messages',
        headers: { 'content-type': 'application/json' },
        totalBytes: 20 * MIB,
        chunked,
      });
      expect(result.status).toBe(413);
      expect(result.answer).toContain('larger than this route accepts (1 MiB)');
      // The client could not even hand the whole body to the connection: the box closed it at the cap
      // (what got through is the cap plus the kernel's socket buffers).
      expect(result.written).toBeLessThan(20 * MIB);
      expect(modelCalls(fake).length).toBe(before);
    },
  );

  it('cancels the model call within 2 s when the web client goes away, and the task ends cancelled', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1, text: 'This answer would go on and on.' });
    const before = modelCalls(fake).length;
    const client = new AbortController();
    const response = await post(
      ask('dropped', 'write me a novel'),
      { 'content-type': 'application/json' },
      client.signal,
    );
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    await untilFirstDelta(response);
    expect(modelCalls(fake).length).toBe(before + 1);
    const call = modelCalls(fake).at(-1);
    expect(call?.outcome).toBe('pending');

    const droppedAt = Date.now();
    client.abort();
    await expect.poll(() => call?.outcome, { timeout: 5000 }).toBe('client-closed');
    expect((call?.endedAt ?? Number.POSITIVE_INFINITY) - droppedAt).toBeLessThan(2000);
    await expect
      .poll(async () => (await tasksOf(box, 'dropped'))[0]?.status, { timeout: 5000 })
      .toBe('cancelled');
    expect(controls).toContainEqual(expect.objectContaining({ type: 'abandon', eventId: requestId }));
  });

  it('never starts a request whose client went away while it waited in line', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1, text: 'The first answer stalls.' });
    const before = modelCalls(fake).length;
    const json = { 'content-type': 'application/json' };
    const first = new AbortController();
    const firstResponse = await post(ask('queued', 'first'), json, first.signal);
    await untilFirstDelta(firstResponse);

    const second = new AbortController();
    const secondResponse = await post(ask('queued', 'second, behind the first'), json, second.signal);
    const secondId = secondResponse.headers.get('x-request-id');
    second.abort();
    await expect.poll(() => controls.some((c) => c.type === 'abandon' && c.eventId === secondId)).toBe(true);
    first.abort();

    await expect
      .poll(async () => (await tasksOf(box, 'queued')).map((task) => task.status), { timeout: 5000 })
      .toEqual(['cancelled', 'cancelled']);
    expect(modelCalls(fake).length).toBe(before + 1);
  });

  it('abandons nothing when the client reads the reply to its end', async () => {
    const count = controls.filter((control) => control.type === 'abandon').length;
    const response = await post(ask('finished', 'hello'), { 'content-type': 'application/json' });
    expect((await collect(response)).at(-1)?.type).toBe('reply-end');
    expect((await tasksOf(box, 'finished'))[0]?.status).toBe('succeeded');
    expect(controls.filter((control) => control.type === 'abandon')).toHaveLength(count);
  });
});
