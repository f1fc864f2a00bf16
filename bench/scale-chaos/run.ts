import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../../packages/memory/src/index';
import {
  MARKER_PATTERN,
  type MarkedAnswer,
  markedAnswer,
  markedProgress,
  startFakeOpenAI,
} from '../../packages/testkit/src/fake-openai/index';
import { prepareLauncher } from '../chaos/box-launcher';
import { createRandom } from '../chaos/random';
import { ANSWER_PACE } from '../chaos/requests';
import { startCluster } from './cluster';
import { askAsWebUser, type WebOutcome } from './web-user';

/** What one scale-out chaos run does. */
export interface ScaleChaosOptions {
  readonly requests: number;
  readonly conversations: number;
  readonly workers: number;
  /** Worker SIGKILLs (each followed by a restart of that worker). */
  readonly workerKills: number;
  /** Gateway SIGKILLs mid-stream (each followed by a restart). */
  readonly gatewayKills: number;
  /** The requests are sent over this many milliseconds. */
  readonly sendOverMs: number;
  readonly settleMs: number;
  readonly seed: number;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly keep?: boolean;
}

/** The `pg` the memory package itself uses. */
const fromMemoryPackage = createRequire(
  fileURLToPath(new URL('../../packages/memory/package.json', import.meta.url)),
);

/** What users saw and what the database kept. */
export interface ScaleChaosResult {
  readonly requests: number;
  readonly oneFinal: number;
  readonly wholeAnswers: number;
  readonly noFinal: number;
  readonly duplicates: number;
  /** Conversations where the model was asked a question before the one the box took before it. */
  readonly outOfOrder: number;
  readonly workerKills: number;
  readonly gatewayKills: number;
  /** Tasks by status after the cluster stopped. */
  readonly tasks: Readonly<Record<string, number>>;
  /** `running` + `queued` tasks left. */
  readonly stuckTasks: number;
  readonly folder: string | undefined;
  /** Markers of requests without exactly one final, and conversations asked out of order, for the log. */
  readonly failures: readonly string[];
}

interface Planned {
  readonly conversation: string;
  readonly order: number;
  readonly outcome: WebOutcome;
  readonly answer: MarkedAnswer;
  readonly text: string;
  readonly sendAtMs: number;
}

const TOKEN = 'scale-chaos-token-0123456789';

/**
 * One gateway and `workers` workers on real NATS and Postgres, a slow fake model, `requests` web requests
 * over `conversations` conversations, while workers (and optionally the gateway) are SIGKILLed at random
 * and restarted. Counts final replies per request, order within conversations, and tasks left running.
 */
export async function runScaleChaos(
  options: ScaleChaosOptions,
  log: (line: string) => void,
): Promise<ScaleChaosResult> {
  const random = createRandom(options.seed);
  const run = options.seed.toString(36);
  const folder = await mkdtemp(join(tmpdir(), 'switchboard-scale-chaos-'));
  const database = await createTestDatabase(options.databaseUrl);
  const fake = await startFakeOpenAI({
    defaultBehaviour: { type: 'marked', ...ANSWER_PACE },
    apiKey: 'sk-scale-chaos-0123456789',
    models: ['chaos-model'],
  });
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env['SCALE_CHAOS_LOG_LEVEL'] ?? 'info',
    DATABASE_URL: database.url,
    NATS_URL: options.natsUrl,
    SWITCHBOARD_NATS_PREFIX: `chaos_${run}_${Date.now().toString(36)}`,
    SWITCHBOARD_NATS_ACK_WAIT_SECONDS: '3',
    SWITCHBOARD_API_TOKEN: TOKEN,
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-scale-chaos-0123456789',
    OPENAI_MODELS: 'chaos-model',
    SWITCHBOARD_DEMO_MODEL: 'off',
    SWITCHBOARD_CONCURRENCY: '8',
  };
  const cluster = await startCluster({
    launcher: await prepareLauncher('bundle'),
    env,
    workers: options.workers,
    folder,
  });
  log(`  gateway and ${options.workers} workers up`);
  const planned: Planned[] = [];
  for (let index = 0; index < options.requests; index++) {
    const conversation = `c${index % options.conversations}`;
    const marker = `req-${run}-${conversation}n${Math.floor(index / options.conversations)}`;
    planned.push({
      conversation,
      order: Math.floor(index / options.conversations),
      outcome: { conversation, marker, finals: [], attempts: 0, acceptedAt: undefined, done: false },
      answer: markedAnswer(marker, ANSWER_PACE),
      text: `${marker} please answer`,
      sendAtMs: Math.round((index / options.requests) * options.sendOverMs),
    });
  }
  const runSignal = new AbortController();
  const started = Date.now();
  const asks = planned.map(async (request) => {
    await sleep(request.sendAtMs);
    await askAsWebUser(() => cluster.gatewayUrl, request.outcome, request.text, TOKEN, runSignal.signal);
  });
  const kills = { workers: 0, gateway: 0 };
  const totalKills = options.workerKills + options.gatewayKills;
  const killGaps = options.sendOverMs / Math.max(1, totalKills + 1);
  const gatewayKillAt = new Set(
    Array.from({ length: options.gatewayKills }, (_, index) =>
      Math.floor(((index + 1) * totalKills) / (options.gatewayKills + 1)),
    ),
  );
  const restarts: Promise<void>[] = [];
  const restarting = new Set<unknown>();
  for (let kill = 0; kill < totalKills; kill++) {
    await sleep(random.integer(Math.floor(killGaps * 0.5), Math.floor(killGaps * 1.5)));
    // Every planned kill happens: when every worker is still restarting, wait for one to be up.
    while (cluster.workers.every((worker) => restarting.has(worker))) await sleep(100);
    const live = cluster.workers.filter((worker) => !restarting.has(worker));
    const wantsGateway = gatewayKillAt.has(kill) && !restarting.has(cluster.gateway);
    const target = wantsGateway ? cluster.gateway : live[random.integer(0, live.length - 1)];
    if (target === undefined) continue;
    await target.kill();
    if (wantsGateway) kills.gateway++;
    else kills.workers++;
    log(
      `  kill ${kill + 1}/${totalKills}: ${wantsGateway ? 'the gateway' : 'a worker'} at ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const pause = random.integer(200, 1000);
    restarting.add(target);
    restarts.push(
      sleep(pause)
        .then(() => target.start())
        .catch((error: Error) => log(`  a restart failed: ${error.message.split('\n')[0]}`))
        .finally(() => restarting.delete(target)),
    );
  }
  await Promise.all(restarts);
  const settleBy = Date.now() + options.settleMs;
  while (planned.some((request) => !request.outcome.done) && Date.now() < settleBy) await sleep(250);
  runSignal.abort();
  await Promise.allSettled(asks);
  const stoppedCleanly = await cluster.stop();
  if (!stoppedCleanly) log('  a process did not stop by itself on SIGTERM');
  const tasks = await countTasks(database.url);
  const firstAsked = firstModelCalls(fake.requests);
  await fake.close();
  await database.drop();
  if (!options.keep) await rm(folder, { recursive: true, force: true });

  let outOfOrder = 0;
  const orderFailures: string[] = [];
  const byConversation = new Map<string, Planned[]>();
  for (const request of planned) {
    byConversation.set(request.conversation, [...(byConversation.get(request.conversation) ?? []), request]);
  }
  for (const requests of byConversation.values()) {
    const started = requests
      .sort((a, b) => acceptedOrder(a) - acceptedOrder(b) || a.order - b.order)
      .map((request) => firstAsked.get(request.outcome.marker));
    for (let index = 1; index < started.length; index++) {
      const before = started[index - 1];
      const after = started[index];
      if (before !== undefined && after !== undefined && after < before) {
        outOfOrder++;
        orderFailures.push(
          `${requests[0]?.conversation} out of order: first asked at model call ${requests.map((request) => `${request.outcome.marker}@${firstAsked.get(request.outcome.marker) ?? '-'}`).join(', ')}`,
        );
        break;
      }
    }
  }
  const finalsOf = (request: Planned) => request.outcome.finals.length;
  return {
    requests: planned.length,
    oneFinal: planned.filter((request) => finalsOf(request) === 1).length,
    wholeAnswers: planned.filter((request) =>
      request.outcome.finals.some(
        (final) => final.type === 'reply-end' && markedProgress(final.text, request.answer) === 'whole',
      ),
    ).length,
    noFinal: planned.filter((request) => finalsOf(request) === 0).length,
    duplicates: planned.filter((request) => finalsOf(request) > 1).length,
    outOfOrder,
    workerKills: kills.workers,
    gatewayKills: kills.gateway,
    tasks,
    stuckTasks: (tasks['running'] ?? 0) + (tasks['queued'] ?? 0),
    folder: options.keep ? folder : undefined,
    failures: [
      ...planned
        .filter((request) => finalsOf(request) !== 1)
        .map(
          (request) =>
            `${request.outcome.marker}: ${finalsOf(request)} finals after ${request.outcome.attempts} attempts`,
        ),
      ...orderFailures,
    ],
  };
}

/**
 * When the box first took a request. A request sent while the gateway was down reaches the box only on
 * a retry, after later requests of its conversation may have: the box orders by arrival, not by plan.
 */
function acceptedOrder(request: Planned): number {
  return request.outcome.acceptedAt ?? Number.POSITIVE_INFINITY;
}

/**
 * The position of each request's first answer call at the model (the question is the last user message;
 * summaries quote older turns and are not counted): a conversation is answered in order when these rise.
 */
function firstModelCalls(
  requests: readonly { readonly path: string; readonly body?: unknown }[],
): Map<string, number> {
  const first = new Map<string, number>();
  requests.forEach((request, index) => {
    if (!request.path.endsWith('/chat/completions')) return;
    const messages = (request.body as { messages?: { role?: string; content?: unknown }[] } | undefined)
      ?.messages;
    const last = messages?.findLast((message) => message.role === 'user');
    const marker = typeof last?.content === 'string' ? MARKER_PATTERN.exec(last.content)?.[0] : undefined;
    if (marker !== undefined && !first.has(marker)) first.set(marker, index);
  });
  return first;
}

/** Tasks by status, the still-open ones also by command (`open:<status>:<command>`). */
async function countTasks(url: string): Promise<Record<string, number>> {
  const pg = fromMemoryPackage('pg') as {
    Client: new (options: {
      connectionString: string;
    }) => {
      connect(): Promise<void>;
      query(text: string): Promise<{ rows: { status: string; command: string; count: string }[] }>;
      end(): Promise<void>;
    };
  };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select status, command, count(*) as count from tasks group by status, command',
    );
    const counts: Record<string, number> = {};
    for (const row of rows) {
      counts[row.status] = (counts[row.status] ?? 0) + Number(row.count);
      if (row.status === 'running' || row.status === 'queued')
        counts[`open:${row.status}:${row.command}`] = Number(row.count);
    }
    return counts;
  } finally {
    await client.end();
  }
}
