/**
 * Workers that stop mid-answer, on the real NATS and Postgres (skipped without NATS_URL and DATABASE_URL):
 * a gateway and two worker processes; the worker running an answer gets SIGTERM (its drain time ends
 * before the answer does, and it hands the task back, ADR 0048) or SIGKILL after the answer went on in the
 * background (its event already acknowledged: recovery queues it again, ADR 0055). The other worker
 * answers it: one final reply, the whole answer, no error notice, the task `succeeded` on attempt 2.
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

/** A gateway, two workers and a slow model; one web request asked, and the worker running it. */
interface Scene {
  readonly folder: string;
  readonly cluster: Cluster;
  readonly query: (text: string) => Promise<Record<string, unknown>[]>;
  readonly outcome: WebOutcome;
  /** Resolves when the web user got a final part (or the run ended). */
  readonly asking: Promise<void>;
  readonly stopAsking: () => void;
  /** How many model calls asked for this request's marker so far. */
  readonly askedFor: () => number;
}

describe.runIf(databaseUrl && natsUrl)('a worker stopped mid-answer', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  async function scene(marker: string, extraEnv: Record<string, string> = {}): Promise<Scene> {
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
        ...extraEnv,
      },
    });
    cleanups.push(() => cluster.stop());
    const pg = fromMemoryPackage('pg') as { Client: new (options: { connectionString: string }) => PgClient };
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());

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
    const query = async (text: string) => (await client.query(text)).rows;
    return { folder, cluster, query, outcome, asking, stopAsking: () => run.abort(), askedFor };
  }

  /** The worker whose lease the running task holds, with its index and its lease owner. */
  async function answeringWorker({
    cluster,
    query,
  }: Scene): Promise<{ readonly index: number; readonly owner: string }> {
    const running = await query(`select lease_owner from tasks where status = 'running'`);
    const owner = String(running[0]?.['lease_owner'] ?? '');
    const pid = Number(owner.split(':')[1]);
    const index = cluster.workers.findIndex((worker) => worker.pid === pid);
    expect(index).toBeGreaterThanOrEqual(0);
    return { index, owner };
  }

  /** One whole final reply, asked of the model again, and the task succeeded elsewhere on attempt 2. */
  async function expectAnsweredElsewhere(scene: Scene, marker: string, owner: string): Promise<void> {
    await Promise.race([scene.asking, sleep(90_000)]);
    scene.stopAsking();
    await scene.asking;
    expect(scene.outcome.finals.map((final) => final.type)).toEqual(['reply-end']);
    expect(markedProgress(scene.outcome.finals[0]?.text ?? '', markedAnswer(marker, SLOW))).toBe('whole');
    expect(scene.askedFor()).toBeGreaterThanOrEqual(2);
    const tasks = await scene.query('select status, attempts, lease_owner from tasks');
    expect(tasks).toMatchObject([{ status: 'succeeded', attempts: 2 }]);
    expect(String(tasks[0]?.['lease_owner'] ?? '')).not.toBe(owner);
  }

  it('hands its task back on SIGTERM, and the other worker answers it: one whole final reply', async () => {
    const marker = 'req-handback1';
    const current = await scene(marker);
    await expect.poll(current.askedFor, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    const { index, owner } = await answeringWorker(current);
    expect(await current.cluster.workers[index]?.stop()).toBe(true);
    await expectAnsweredElsewhere(current, marker, owner);
    const log = await readFile(join(current.folder, `worker-${index}.log`), 'utf8');
    expect(log).toContain('handing them back to other workers');
    expect(log).toContain('handed the task back to the queue');
  }, 180_000);

  /** Ask, and wait until the answer went on in the background (its event acknowledged). */
  async function inBackground(marker: string): Promise<Scene> {
    const current = await scene(marker, { TASK_FOREGROUND_SECONDS: '1' });
    await expect
      .poll(async () => (await current.query(`select 1 from task_events where type = 'background'`)).length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(1);
    return current;
  }

  it('answers a background task whose worker was SIGKILLed: recovery queues it again', async () => {
    const marker = 'req-handback2';
    const current = await inBackground(marker);
    const { index, owner } = await answeringWorker(current);
    await current.cluster.workers[index]?.kill();
    await expectAnsweredElsewhere(current, marker, owner);
  }, 180_000);

  it('hands a background task back on SIGTERM: recovery queues it again, not an error', async () => {
    const marker = 'req-handback3';
    const current = await inBackground(marker);
    const { index, owner } = await answeringWorker(current);
    expect(await current.cluster.workers[index]?.stop()).toBe(true);
    await expectAnsweredElsewhere(current, marker, owner);
    const log = await readFile(join(current.folder, `worker-${index}.log`), 'utf8');
    expect(log).toContain('left a background task to recovery');
  }, 180_000);
});
