/**
 * `pnpm bench:scale-out`: commands per second through one gateway with an instant fake model, for one
 * process on the in-memory bus, a gateway and one worker over NATS, and a gateway and two workers; plus
 * the latency NATS adds to one hop (enqueue → a worker's handler), against the in-memory bus.
 * Needs DATABASE_URL (a Postgres server; each setup gets its own database) and NATS_URL.
 * Options: --requests N (default 3000), --concurrency N (default 64), --hops N (default 2000),
 * --setups one,w1,w2,floor (which setups to run; default all; `floor` measures what the parts a command
 * needs cost alone, see {@link commandFloor}), --profile DIR (each box process writes a V8 CPU
 * profile there when it stops: `node --cpu-prof`; summarise with `tsx bench/scale-out/profile-summary.ts DIR`).
 */
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../packages/memory/src/index';
import { startFakeOpenAI } from '../packages/testkit/src/fake-openai/index';
import { prepareLauncher } from './chaos/box-launcher';
import { BoxProcess } from './chaos/box-process';
import { freePort } from './chaos/free-port';
import { busHop } from './scale-out/bus-hop';
import { type CpuPerCommand, cpuPerCommand, cpuSnapshot } from './scale-out/cpu';
import { commandFloor } from './scale-out/floor';
import { runLoad, type Throughput } from './scale-out/throughput';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '64' },
    hops: { type: 'string', default: '2000' },
    setups: { type: 'string', default: 'one,w1,w2,floor' },
    profile: { type: 'string' },
  },
});
const chosen = new Set(values.setups.split(',').map((name) => name.trim()));
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const hops = Number(values.hops);
const databaseUrl = process.env['DATABASE_URL'];
const natsUrl = process.env['NATS_URL'];
if (!databaseUrl || !natsUrl) {
  console.error('bench:scale-out needs DATABASE_URL (Postgres) and NATS_URL (NATS with JetStream).');
  process.exit(2);
}

const token = `bench-${'x'.repeat(24)}`;
const fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'pong', chunkSize: 16 } });
const bundle = await prepareLauncher('bundle');
const launcher = values.profile
  ? { ...bundle, args: ['--cpu-prof', `--cpu-prof-dir=${values.profile}`, ...bundle.args] }
  : bundle;
const folder = await mkdtemp(join(tmpdir(), 'switchboard-scale-out-'));

/** One setup's load run: its throughput and where the CPU went. */
interface SetupResult {
  readonly throughput: Throughput;
  readonly cpu: CpuPerCommand;
}

async function setup(name: string, workers: number): Promise<SetupResult> {
  const database = await createTestDatabase(databaseUrl);
  const prefix = `bench_${name}_${Date.now().toString(36)}`;
  const common: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    DATABASE_URL: database.url,
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_MODELS: 'fake-model',
    SWITCHBOARD_API_TOKEN: token,
    SWITCHBOARD_CONCURRENCY: '32',
    SWITCHBOARD_QUEUE_LIMIT: '100000',
    LOG_LEVEL: 'warn',
  };
  const processes: BoxProcess[] = [];
  const spawnBox = async (role: string, extra: Record<string, string>) => {
    const port = await freePort();
    const box = new BoxProcess({
      launcher,
      env: { ...common, ...extra, PORT: String(port), SWITCHBOARD_ROLE: role },
      cwd: folder,
      logFile: join(folder, `${name}-${role}-${processes.length}.log`),
      url: `http://127.0.0.1:${port}`,
    });
    processes.push(box);
    await box.start();
    return `http://127.0.0.1:${port}`;
  };
  try {
    const nats = { NATS_URL: natsUrl ?? '', SWITCHBOARD_NATS_PREFIX: prefix };
    const url = workers === 0 ? await spawnBox('all', {}) : await spawnBox('gateway', nats);
    for (let index = 0; index < workers; index++) await spawnBox('worker', nats);
    await runLoad(url, token, { total: Math.min(200, requests), concurrency, conversations: 200 });
    const [gatewayProcess, ...workerProcesses] = processes;
    const pids = () => ({
      gateway: gatewayProcess?.pid ?? 0,
      workers: workerProcesses.map((box) => box.pid ?? 0),
    });
    const before = await cpuSnapshot(pids().gateway, pids().workers);
    const throughput = await runLoad(url, token, { total: requests, concurrency, conversations: 200 });
    const after = await cpuSnapshot(pids().gateway, pids().workers);
    return { throughput, cpu: cpuPerCommand(before, after, requests) };
  } finally {
    for (const box of processes.reverse()) await box.stop();
    await database.drop();
  }
}

const rows: [string, SetupResult][] = [];
if (chosen.has('one')) rows.push(['one process, in-memory bus', await setup('one', 0)]);
if (chosen.has('w1')) rows.push(['gateway + 1 worker, NATS', await setup('w1', 1)]);
if (chosen.has('w2')) rows.push(['gateway + 2 workers, NATS', await setup('w2', 2)]);
const floor = chosen.has('floor')
  ? await commandFloor(databaseUrl, natsUrl, requests, concurrency)
  : undefined;
const hop = await busHop(natsUrl, hops);
await fake.close();

console.log(
  `\nscale-out: ${requests} web requests, ${concurrency} at a time, 200 conversations, instant fake model, Postgres\n`,
);
console.log('| setup | commands/s | p50 ms | p99 ms | failed |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, { throughput: row }] of rows) {
  console.log(
    `| ${name} | ${row.perSecond.toFixed(0)} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.failed} |`,
  );
}
console.log(
  '\nCPU per command (ms), by process; a gateway core sustains 1000 / "gateway" commands/s on its own:',
);
console.log(
  '| setup | gateway | workers | Postgres | NATS | bench client + fake model | all | gateway ceiling/s |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, { cpu }] of rows) {
  const ceiling = cpu.gateway > 0 ? (1000 / cpu.gateway).toFixed(0) : '–';
  const all = cpu.gateway + cpu.workers + cpu.postgres + cpu.nats + cpu.bench;
  console.log(
    `| ${name} | ${cpu.gateway.toFixed(2)} | ${cpu.workers.toFixed(2)} | ${cpu.postgres.toFixed(2)} | ${cpu.nats.toFixed(2)} | ${cpu.bench.toFixed(2)} | ${all.toFixed(2)} | ${ceiling} |`,
  );
}
if (floor !== undefined) {
  const alone = floor.webExchange + floor.modelCall + floor.postgres;
  const cpus = availableParallelism();
  console.log(
    `\nThe parts alone, no Switchboard between them (CPU ms per command; ${cpus} CPUs carry at most ${cpus * 1000} / total):`,
  );
  console.log(
    '| parts | web exchange | model call | Postgres (3 writes, 64 a statement) | NATS (a hop each way) | total | at most/s |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, total, nats] of [
    ['one process', alone, '–'],
    ['gateway + workers', alone + floor.nats, floor.nats.toFixed(2)],
  ] as const) {
    console.log(
      `| ${name} | ${floor.webExchange.toFixed(2)} | ${floor.modelCall.toFixed(2)} | ${floor.postgres.toFixed(2)} | ${nats} | ${total.toFixed(2)} | ${((cpus * 1000) / total).toFixed(0)} |`,
    );
  }
}
console.log(`\nbus hop (enqueue → handler), ${hops} events one at a time:`);
console.log(`  in-memory p50 ${hop.memory.p50.toFixed(3)} ms, p99 ${hop.memory.p99.toFixed(3)} ms`);
console.log(`  NATS      p50 ${hop.nats.p50.toFixed(3)} ms, p99 ${hop.nats.p99.toFixed(3)} ms`);
console.log(
  `  added by NATS: p50 ${(hop.nats.p50 - hop.memory.p50).toFixed(3)} ms, p99 ${(hop.nats.p99 - hop.memory.p99).toFixed(3)} ms`,
);
