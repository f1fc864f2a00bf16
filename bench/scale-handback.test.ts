/**
 * Worker shutdown on the real NATS and Postgres (skipped without NATS_URL and DATABASE_URL): a gateway and
 * two worker processes; the worker running an answer gets SIGTERM mid-answer, its drain time ends before
 * the answer does, and it hands the task back (ADR 0048). The other worker answers it: one final reply,
 * the whole answer, no error notice, the task `succeeded`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../packages/memory/src/index';
import {
  MARKER_PATTERN,
  markedAnswer,
  markedProgress,
  startFakeOpenAI,
} from '../packages/testkit/src/fake-openai/index';
import { prepareLauncher } from './chaos/box-launcher';
import { type Cluster, startCluster } from './scale-chaos/cluster';
import { askAsWebUser, type WebOutcome } from './scale-chaos/web-user';

const databaseUrl = process.env['DATABASE_URL'];
const natsUrl = process.env['NATS_URL'];
const TOKEN = 'scale-handback-token-0123456789';
/** About five seconds of answer, far longer than the stopped worker's drain (60 % of 2 s). */
const SLOW = { words: { min: 160, max: 160 }, delayMs: { min: 60, max: 60 }, chunkSize: 2 } as const;

const fromMemoryPackage = createRequire(
  fileURLToPath(new URL('../packages/memory/package.json', import.meta.url)),
);

interface PgClient {
  connect(): Promise<void>;
  query(text: string): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

describe.runIf(databaseUrl && natsUrl)('a worker stopped mid-answer', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('hands its task back on SIGTERM, and the other worker answers it: one whole final reply', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'switchboard-scale-handback-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const database = await createTestDatabase(databaseUrl);
    cleanups.push(() => database.drop());
    const fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'marked', ...SLOW },
      apiKey: 'sk-scale-handback-0123456789',
      models: ['handback-model'],
    });
    cleanups.push(() => fake.close());
    const cluster: Cluster = await startCluster({
      launcher: await prepareLauncher('bundle'),
      workers: 2,
      folder,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATABASE_URL: database.url,
        NATS_URL: natsUrl ?? '',
        SWITCHBOARD_NATS_PREFIX: `handback_${Date.now().toString(36)}`,
        SWITCHBOARD_API_TOKEN: TOKEN,
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'sk-scale-handback-0123456789',
        OPENAI_MODELS: 'handback-model',
        SWITCHBOARD_DEMO_MODEL: 'off',
        SHUTDOWN_GRACE_SECONDS: '2',
      },
    });
    cleanups.push(() => cluster.stop());
    const pg = fromMemoryPackage('pg') as { Client: new (options: { connectionString: string }) => PgClient };
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());

    const marker = 'req-handback1';
    const outcome: WebOutcome = {
      conversation: 'c1',
      marker,
      finals: [],
      attempts: 0,
      acceptedAt: undefined,
      done: false,
    };
    const run = new AbortController();
    const asking = askAsWebUser(
      () => cluster.gatewayUrl,
      outcome,
      `${marker} please answer`,
      TOKEN,
      run.signal,
    );
    const askedFor = () =>
      fake.requests.filter((request) => {
        const body = request.body as { messages?: { role?: string; content?: unknown }[] } | undefined;
        const last = body?.messages?.findLast((message) => message.role === 'user');
        return typeof last?.content === 'string' && MARKER_PATTERN.exec(last.content)?.[0] === marker;
      }).length;
    await expect.poll(askedFor, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(1);

    const running = await client.query(`select lease_owner from tasks where status = 'running'`);
    const owner = String(running.rows[0]?.['lease_owner'] ?? '');
    const pid = Number(owner.split(':')[1]);
    const index = cluster.workers.findIndex((worker) => worker.pid === pid);
    expect(index).toBeGreaterThanOrEqual(0);
    const stopped = cluster.workers[index];
    expect(await stopped?.stop()).toBe(true);

    await Promise.race([asking, sleep(60_000)]);
    run.abort();
    await asking;
    expect(outcome.finals.map((final) => final.type)).toEqual(['reply-end']);
    expect(markedProgress(outcome.finals[0]?.text ?? '', markedAnswer(marker, SLOW))).toBe('whole');
    expect(askedFor()).toBeGreaterThanOrEqual(2);
    const tasks = await client.query('select status, attempts, lease_owner from tasks');
    expect(tasks.rows).toMatchObject([{ status: 'succeeded', attempts: 2 }]);
    expect(String(tasks.rows[0]?.['lease_owner'] ?? '')).not.toBe(owner);
    const log = await readFile(join(folder, `worker-${index}.log`), 'utf8');
    expect(log).toContain('handing them back to other workers');
    expect(log).toContain('handed the task back to the queue');
  }, 180_000);
});
