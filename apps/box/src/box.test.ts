import { PassThrough } from 'node:stream';
import { askOnce, readParts } from '@switchboard/adapter-web';
import { DEMO_LABEL } from '@switchboard/agent';
import { createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { createTestDatabase } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const WEB_KEY = 'web:local:default:-';

async function post(box: Box, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function collect(response: Response): Promise<ReplyPart[]> {
  const parts: ReplyPart[] = [];
  if (response.body) for await (const part of readParts(response.body)) parts.push(part);
  return parts;
}

const drivers: {
  name: string;
  database: () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}[] = [
  {
    name: 'PGlite',
    database: async () => ({ env: { SWITCHBOARD_DATA_DIR: 'memory://' }, drop: async () => {} }),
  },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    database: async () => {
      const database = await createTestDatabase();
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  });
}

describe.each(drivers)('the box end to end on $name', ({ database }) => {
  let fake: FakeOpenAI;
  let box: Box;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'Streaming works, piece by piece.', chunkSize: 5, delayMs: 5 },
    });
    const db = await database();
    drop = db.drop;
    const config = loadConfig({
      env: { ...db.env, OPENAI_BASE_URL: fake.url, OPENAI_MODELS: 'fake-model' },
      file: false,
    });
    box = await startBox(config, { port: 0, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await box?.stop();
    await drop?.();
    await fake?.close();
  });

  it('streams a web message back as deltas and a reply-end, and stores the task and two messages', async () => {
    const response = await post(box, { text: 'hello box' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const parts = await collect(response);
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    const end = parts.at(-1);
    expect(end).toMatchObject({ type: 'reply-end', text: 'Streaming works, piece by piece.' });
    if (end?.type !== 'reply-end') throw new Error('no reply-end');
    expect(end.meta.model).toBe('openai:fake-model');
    expect(end.meta.usage?.inputTokens).toBeGreaterThan(0);
    expect(end.meta.usage?.outputTokens).toBeGreaterThan(0);
    expect(end.meta.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(end.meta.durationMs).toBeGreaterThanOrEqual(end.meta.timeToFirstTokenMs ?? 0);

    const tasks = await box.store.listTasks(WEB_KEY, 10);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'succeeded', model: 'openai:fake-model', command: 'ask' });
    const messages = await box.store.recentMessages(WEB_KEY, 10);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('answers a retried request (same Idempotency-Key) with its stored reply, never a second task', async () => {
    const headers = { 'idempotency-key': 'retry-me-123' };
    const first = await post(box, { conversation: 'idem', text: 'once' }, headers);
    const answered = (await collect(first)).at(-1);
    expect(answered).toMatchObject({ type: 'reply-end' });
    const second = await post(box, { conversation: 'idem', text: 'once' }, headers);
    expect(second.status).toBe(200);
    expect(await collect(second)).toEqual([answered]);
    const tasks = await box.store.listTasks('web:local:idem:-', 10);
    expect(tasks).toHaveLength(1);
  });

  it('answers commands without a model call', async () => {
    const before = fake.requestCount;
    const parts = await collect(await post(box, { text: '/help' }));
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: expect.stringContaining('/ask') });
    expect(fake.requestCount).toBe(before);
  });

  it('rejects bad input with a clear 400 and loses nothing', async () => {
    const empty = await post(box, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({
      error: { code: 'bad_request', message: '"text" must be a non-empty string.' },
    });
    const broken = await fetch(`${box.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'bad_json' } });
  });

  it('streams the same conversation into the terminal chat', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    await askOnce(
      { url: box.url, apiToken: undefined, conversation: 'default', output },
      'and in the terminal?',
    );
    expect(printed).toContain('Streaming works, piece by piece.');
    expect(printed).toContain('openai:fake-model');
    const messages = await box.store.recentMessages(WEB_KEY, 10);
    expect(messages.at(-2)?.content).toBe('and in the terminal?');
  });

  it('reports health: the database, every model and every platform with its state', async () => {
    await expect.poll(() => box.report().models[0]?.state).toBe('ready');
    const response = await fetch(`${box.url}/healthz`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { platforms: unknown };
    expect(health).toMatchObject({
      ok: true,
      status: 'ready',
      models: [{ ref: 'openai:fake-model', isDefault: true, state: 'ready' }],
    });
    expect(health.platforms).toEqual([
      { platform: 'web', state: 'connected' },
      { platform: 'telegram', state: 'disabled', reason: expect.stringContaining('TELEGRAM_BOT_TOKEN') },
      { platform: 'slack', state: 'disabled', reason: expect.stringContaining('SLACK_BOT_TOKEN') },
      { platform: 'discord', state: 'disabled', reason: expect.stringContaining('DISCORD_BOT_TOKEN') },
      { platform: 'whatsapp', state: 'disabled', reason: expect.any(String) },
    ]);
  });
});

describe('the box without configuration (offline first run)', () => {
  let box: Box;
  beforeAll(async () => {
    box = await startBox(loadConfig({ env: { SWITCHBOARD_DATA_DIR: 'memory://' }, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(() => box?.stop());

  it('answers with the generated demo model, streamed, and labels the answer as a demo', async () => {
    expect(box.models.list().map((model) => model.ref)).toEqual(['llama:switchboard-demo']);
    const parts = await collect(await post(box, { text: 'hi' }));
    expect(parts.some((part) => part.type === 'status' && /demo model/.test(part.text))).toBe(true);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(0);
    const end = parts.at(-1);
    expect(end).toMatchObject({ type: 'reply-end', meta: { model: 'llama:switchboard-demo' } });
    expect(end?.type === 'reply-end' && end.text).toContain(DEMO_LABEL);
    expect((await fetch(`${box.url}/`)).headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('the box with the demo model turned off and nothing configured', () => {
  let box: Box;
  beforeAll(async () => {
    const env = { SWITCHBOARD_DATA_DIR: 'memory://', SWITCHBOARD_DEMO_MODEL: 'off' };
    box = await startBox(loadConfig({ env, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(() => box?.stop());

  it('starts and answers with how to configure a model', async () => {
    const parts = await collect(await post(box, { text: 'hi' }));
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      code: 'no_model',
      message: expect.stringContaining('OPENAI_API_KEY'),
    });
  });
});

describe('the box with an API token', () => {
  let box: Box;
  const token = 'test-token-0123456789abcdef';
  beforeAll(async () => {
    const config = loadConfig({
      env: { SWITCHBOARD_DATA_DIR: 'memory://', SWITCHBOARD_API_TOKEN: token, SWITCHBOARD_DEMO_MODEL: 'off' },
      file: false,
    });
    box = await startBox(config, { port: 0, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(() => box?.stop());

  it('refuses callers without the token, even on loopback, and accepts the token', async () => {
    expect((await post(box, { text: '/help' })).status).toBe(401);
    expect(
      (await post(box, { text: '/help' }, { authorization: 'Bearer wrong-token-0123456789ab' })).status,
    ).toBe(401);
    const ok = await post(box, { text: '/help' }, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect((await collect(ok)).at(-1)?.type).toBe('reply-end');
  });
});
