import { get as httpGet } from 'node:http';
import { readParts } from '@switchboard/adapter-web';
import { ConfigError, createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { createTestDatabase, type TestDatabase } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });

async function ask(box: Box, text: string, headers: Record<string, string> = {}): Promise<ReplyPart[]> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
  const parts: ReplyPart[] = [];
  if (response.body) for await (const part of readParts(response.body)) parts.push(part);
  return parts;
}

async function scrape(box: Box): Promise<string> {
  const response = await fetch(`${box.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of one series in a Prometheus text exposition (0 when absent). */
function series(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('roles', () => {
  it('refuses a gateway or worker without NATS_URL and DATABASE_URL, naming both', () => {
    let error: unknown;
    try {
      loadConfig({ env: { SWITCHBOARD_ROLE: 'worker' }, file: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    expect(text).toContain('NATS_URL');
    expect(text).toMatch(/DATABASE_URL.*PGlite/s);
  });

  it('refuses an unknown role', () => {
    expect(() => loadConfig({ env: { SWITCHBOARD_ROLE: 'boss' }, file: false })).toThrow(
      /all, gateway or worker/,
    );
  });
});

describe('GET /metrics on a one-process box', () => {
  let fake: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Counted.', chunkSize: 3 } });
    const config = loadConfig({
      env: { SWITCHBOARD_DATA_DIR: 'memory://', OPENAI_BASE_URL: fake.url, OPENAI_MODELS: 'fake-model' },
      file: false,
    });
    box = await startBox(config, { port: 0, logger: silent });
  });
  afterAll(async () => {
    await box?.stop();
    await fake?.close();
  });

  it('shows inbound events, finished requests, tokens, latency and tasks moving', async () => {
    const before = await scrape(box);
    expect(series(before, 'switchboard_inbound_events_total', { platform: 'web', result: 'accepted' })).toBe(
      0,
    );
    await ask(box, 'first');
    await ask(box, 'second');
    const after = await scrape(box);
    expect(series(after, 'switchboard_inbound_events_total', { platform: 'web', result: 'accepted' })).toBe(
      2,
    );
    expect(series(after, 'switchboard_requests_finished_total', { outcome: 'answered' })).toBe(2);
    expect(
      series(after, 'switchboard_model_tokens_total', { model: 'openai:fake-model', direction: 'output' }),
    ).toBeGreaterThan(0);
    expect(
      series(after, 'switchboard_time_to_first_token_seconds_count', { model: 'openai:fake-model' }),
    ).toBe(2);
    expect(series(after, 'switchboard_tasks', { status: 'succeeded' })).toBe(2);
    expect(series(after, 'switchboard_queue_depth')).toBe(0);
    expect(after).toContain('role="all"');
    expect(after).toContain('switchboard_process_resident_memory_bytes');
  });

  it('refuses a scrape through a foreign Host name (the owner guard)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpGet(`${box.url}/metrics`, { headers: { host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
    });
    expect(status).toBe(403);
  });
});

const natsUrl = process.env['NATS_URL'];
const databaseUrl = process.env['DATABASE_URL'];

describe.runIf(natsUrl && databaseUrl)('a gateway and a worker over NATS and Postgres', () => {
  let fake: FakeOpenAI;
  let database: TestDatabase;
  let gateway: Box;
  let worker: Box;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'From the worker.', chunkSize: 4 },
    });
    database = await createTestDatabase();
    const shared = {
      DATABASE_URL: database.url,
      NATS_URL: natsUrl ?? '',
      SWITCHBOARD_NATS_PREFIX: `roles_${Date.now().toString(36)}`,
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODELS: 'fake-model',
    };
    worker = await startBox(loadConfig({ env: { ...shared, SWITCHBOARD_ROLE: 'worker' }, file: false }), {
      port: 0,
      logger: silent,
    });
    gateway = await startBox(loadConfig({ env: { ...shared, SWITCHBOARD_ROLE: 'gateway' }, file: false }), {
      port: 0,
      logger: silent,
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await database?.drop();
    await fake?.close();
  });

  it('answers a web message on the gateway with the worker’s model, each role counting its side', async () => {
    const parts = await ask(gateway, 'hello over nats');
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'From the worker.' });
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    const gatewayMetrics = await scrape(gateway);
    const workerMetrics = await scrape(worker);
    expect(gatewayMetrics).toContain('role="gateway"');
    expect(
      series(gatewayMetrics, 'switchboard_inbound_events_total', { platform: 'web', result: 'accepted' }),
    ).toBe(1);
    expect(series(workerMetrics, 'switchboard_requests_finished_total', { outcome: 'answered' })).toBe(1);
    expect(series(gatewayMetrics, 'switchboard_requests_finished_total', { outcome: 'answered' })).toBe(0);
  }, 60_000);

  it('stops the worker’s answer when the web client goes away at the gateway (abandon over NATS)', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 1, text: 'This answer would go on and on.' });
    const client = new AbortController();
    const response = await fetch(`${gateway.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversation: 'walked-away', text: 'write me a novel' }),
      signal: client.signal,
    });
    expect(response.status).toBe(200);
    if (response.body === null) throw new Error('no body');
    for await (const part of readParts(response.body)) if (part.type === 'text-delta') break;
    const call = fake.requests.filter((request) => request.path === '/v1/chat/completions').at(-1);
    expect(call?.outcome).toBe('pending');

    client.abort();
    await expect.poll(() => call?.outcome, { timeout: 10_000 }).toBe('client-closed');
    await expect
      .poll(async () => (await worker.store.listTasks('web:local:walked-away:-', 1))[0]?.status, {
        timeout: 10_000,
      })
      .toBe('cancelled');
  }, 30_000);

  it('gives the worker no web chat and no platforms, and the gateway no models', async () => {
    const response = await fetch(`${worker.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(response.status).toBe(404);
    expect(gateway.models.list()).toEqual([]);
    const health = (await (await fetch(`${worker.url}/healthz`)).json()) as { role: string; bus: string };
    expect(health).toMatchObject({ role: 'worker', bus: 'nats', database: 'postgres', platforms: [] });
  });
});

describe('switchboard start --role', () => {
  it('reads --role NAME and --role=NAME, and refuses other options', async () => {
    const { roleArgument } = await import('./cli/start');
    expect(roleArgument([])).toBeUndefined();
    expect(roleArgument(['--role', 'worker'])).toBe('worker');
    expect(roleArgument(['--role=gateway'])).toBe('gateway');
    expect(() => roleArgument(['--role'])).toThrow(/expected all, gateway or worker/);
    expect(() => roleArgument(['--fast'])).toThrow(/unknown option/);
  });
});
