import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, migrationNames } from '@switchboard/memory';
import { type FakeDiscord, startFakeDiscord } from '@switchboard/testkit/fake-discord';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type FakeTelegram, startFakeTelegram } from '@switchboard/testkit/fake-telegram';
import { type NetworkSwitch, startNetworkSwitch } from '@switchboard/testkit/network-switch';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliProcess, freePort, runCli, spawnCli } from './cli-harness';

/**
 * `switchboard start` as a real process: what a supervisor (systemd, Docker) sees. Timings are measured
 * from the process's own "switchboard starting" log line, so the seconds spent loading the code on a
 * busy machine do not count; the bounds are generous.
 */

const STARTING = /"msg":"switchboard starting"/;
const RUNNING = /Switchboard is running/;

let folder: string;
const processes: CliProcess[] = [];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
});
afterEach(async () => {
  for (const cli of processes.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  }
  await rm(folder, { recursive: true, force: true });
});

function start(env: Record<string, string>): CliProcess {
  const cli = spawnCli(['start'], folder, { SWITCHBOARD_DEMO_MODEL: 'off', ...env });
  processes.push(cli);
  return cli;
}

/** The stderr paragraph: one block of text, no stack trace. */
function expectOneParagraph(stderr: string): void {
  const text = stderr.trim();
  expect(text).toMatch(/^Switchboard cannot start\. /);
  expect(text).not.toContain('\n\n');
  expect(text).not.toMatch(/\n\s+at /);
}

describe('a start that cannot work stops at once with one paragraph', () => {
  let taken: Server;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('exits non-zero within 10 s when the port is taken, naming PORT', async () => {
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cli = start({ PORT: String(port), SWITCHBOARD_DATA_DIR: join(folder, 'data') });
    const began = await cli.waitFor(STARTING);
    const { code, at } = await cli.exited;
    expect(code).toBe(1);
    expect(at - began).toBeLessThan(10_000);
    expectOneParagraph(cli.stderr());
    expect(cli.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(cli.stderr()).toContain('set PORT to a free port');
    expect(existsSync(join(folder, 'data'))).toBe(false);
  }, 120_000);

  it('exits non-zero within 10 s when LLAMA_MODEL_PATH is not a GGUF model', async () => {
    const notAModel = join(folder, 'README.md');
    await writeFile(notAModel, '# not a model\n');
    const cli = start({
      PORT: String(await freePort()),
      LLAMA_MODEL_PATH: notAModel,
      SWITCHBOARD_DATA_DIR: join(folder, 'data'),
    });
    const began = await cli.waitFor(STARTING);
    const { code, at } = await cli.exited;
    expect(code).toBe(1);
    expect(at - began).toBeLessThan(10_000);
    expectOneParagraph(cli.stderr());
    expect(cli.stderr()).toContain(`${notAModel}: it is not a GGUF model`);
    expect(cli.stderr()).toContain('LLAMA_MODEL_PATH');
  }, 120_000);
});

describe('a data folder, a rejected token, and the next start', () => {
  let telegram: FakeTelegram;
  let openai: FakeOpenAI;
  beforeAll(async () => {
    telegram = await startFakeTelegram({ maxHoldMs: 1000 });
    openai = await startFakeOpenAI();
  });
  afterAll(async () => {
    await telegram?.close();
    await openai?.close();
  });

  it('migrates, refuses a rejected Telegram token and exits releasing the folder, then starts on it and stops cleanly', async () => {
    const data = join(folder, 'data');
    const base = { SWITCHBOARD_DATA_DIR: data, TELEGRAM_API_ROOT: telegram.url };

    const migrations = migrationNames();
    const first = await runCli(['migrate'], folder, base);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Applied ${migrations.length} migrations to PGlite in ${data}: ${migrations.join(', ')}. The database is up to date.`,
    );
    const again = await runCli(['migrate'], folder, base);
    expect(again.stdout).toContain(`Database is up to date (PGlite in ${data}): no migrations were pending.`);

    const rejected = start({
      ...base,
      PORT: String(await freePort()),
      TELEGRAM_BOT_TOKEN: '4242:wrong-token',
    });
    const began = await rejected.waitFor(STARTING);
    const ended = await rejected.exited;
    expect(ended.code).toBe(1);
    // This one opens the database before Telegram answers, so it gets a more generous bound.
    expect(ended.at - began).toBeLessThan(30_000);
    expectOneParagraph(rejected.stderr());
    expect(rejected.stderr()).toContain('Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN');
    expect(rejected.stderr()).not.toContain('wrong-token');
    expect(existsSync(join(data, 'switchboard.lock'))).toBe(false);

    const port = await freePort();
    const box = start({
      ...base,
      PORT: String(port),
      TELEGRAM_BOT_TOKEN: telegram.token,
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
    });
    await box.waitFor(RUNNING);
    expect(Number.parseInt(await readFile(join(data, 'switchboard.lock'), 'utf8'), 10)).toBe(box.child.pid);
    const banner = box.stdout();
    expect(banner).toContain(`web chat:  http://127.0.0.1:${port}`);
    expect(banner).toContain(`database:  PGlite in ${data}`);
    expect(banner).toContain(`local models from: ${join(folder, 'models')} (missing: create it)`);
    expect(banner).toMatch(/openai:fake-model\s+local, default\s+(checking|ready)/);
    expect(banner).toMatch(/telegram\s+connected/);
    expect(banner).toMatch(/web\s+connected/);
    expect(banner).toMatch(/slack\s+disabled \(set SLACK_BOT_TOKEN/);
    expect(banner).toMatch(/discord\s+disabled \(set DISCORD_BOT_TOKEN/);
    expect(banner).toMatch(/whatsapp\s+disabled/);

    box.child.kill('SIGTERM');
    const stopped = await box.exited;
    expect(stopped.code).toBe(0);
    expect(box.stdout()).toContain('Stopped.');
    expect(existsSync(join(data, 'switchboard.lock'))).toBe(false);
  }, 240_000);
});

describe('a data folder left by a killed box', () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await startFakeTelegram({ maxHoldMs: 1000 });
  });
  afterAll(async () => {
    await telegram?.close();
  });

  it('a failed start on it exits non-zero releasing the folder, and the next start takes it', async () => {
    const data = join(folder, 'data');
    const lock = join(data, 'switchboard.lock');
    const base = { SWITCHBOARD_DATA_DIR: data, TELEGRAM_API_ROOT: telegram.url };
    const killed = start({ ...base, PORT: String(await freePort()), TELEGRAM_BOT_TOKEN: telegram.token });
    await killed.waitFor(RUNNING);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(Number.parseInt(await readFile(lock, 'utf8'), 10)).toBe(killed.child.pid);

    const failed = start({ ...base, PORT: String(await freePort()), TELEGRAM_BOT_TOKEN: '4242:wrong-token' });
    const began = await failed.waitFor(STARTING);
    const ended = await failed.exited;
    expect(ended.code).toBe(1);
    expect(ended.at - began).toBeLessThan(60_000);
    expectOneParagraph(failed.stderr());
    expect(failed.stderr()).toContain('Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN');
    expect(existsSync(lock)).toBe(false);

    const next = start({ ...base, PORT: String(await freePort()), TELEGRAM_BOT_TOKEN: telegram.token });
    await next.waitFor(RUNNING);
    expect(Number.parseInt(await readFile(lock, 'utf8'), 10)).toBe(next.child.pid);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 300_000);
});

describe('a stop asked for while start-up waits on something that does not heed it', () => {
  it.runIf(process.env['DATABASE_URL'] !== undefined)(
    'exits 0 within the grace period while the migration lock is held by another process',
    async () => {
      const database = await createTestDatabase();
      const holder = new pg.Client({ connectionString: database.url });
      try {
        await holder.connect();
        await holder.query('select pg_advisory_lock(7306114032)');
        const box = start({
          PORT: String(await freePort()),
          DATABASE_URL: database.url,
          SHUTDOWN_GRACE_SECONDS: '2',
        });
        const waiting = async () => {
          const { rows } = await holder.query<{ count: string }>(
            "select count(*) from pg_locks where locktype = 'advisory' and not granted",
          );
          return Number(rows[0]?.count ?? 0);
        };
        await expect.poll(waiting, { timeout: 90_000, interval: 200 }).toBeGreaterThan(0);
        const signalled = Date.now();
        box.child.kill('SIGTERM');
        const { code, at } = await box.exited;
        expect(code).toBe(0);
        expect(at - signalled).toBeLessThan(8_000);
        expect(box.stdout()).toContain('Stopped before start-up finished');
      } finally {
        await holder.end().catch(() => {});
        await database.drop();
      }
    },
    240_000,
  );
});

describe('a platform that cannot be reached', () => {
  let telegram: FakeTelegram;
  let network: NetworkSwitch;
  beforeAll(async () => {
    telegram = await startFakeTelegram({ maxHoldMs: 1000 });
    network = await startNetworkSwitch(telegram.url, 'down');
  });
  afterAll(async () => {
    await network?.close();
    await telegram?.close();
  });

  it('keeps the box running and says it is retrying in the banner, /healthz and doctor', async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: 'memory://',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: network.url,
    };
    const box = start(env);
    await box.waitFor(RUNNING);
    expect(box.stdout()).toContain('Switchboard is running, degraded');
    expect(box.stdout()).toMatch(/telegram\s+retrying because Telegram is not reachable/);

    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({ ok: true, status: 'degraded' });
    expect(health['platforms']).toContainEqual(
      expect.objectContaining({ platform: 'telegram', state: 'retrying' }),
    );

    const doctor = await runCli(['doctor'], folder, { ...env, SWITCHBOARD_DEMO_MODEL: 'off' });
    expect(doctor.stdout).toContain(`The running box at http://127.0.0.1:${port} is degraded`);
    expect(doctor.stdout).toMatch(/! platform telegram: retrying because Telegram is not reachable/);

    network.up();
    await box.waitFor(/telegram: connected/, 60_000);
    box.child.kill('SIGTERM');
    expect((await box.exited).code).toBe(0);
  }, 240_000);
});

describe('shutdown with a platform that stopped answering', () => {
  let discord: FakeDiscord;
  let network: NetworkSwitch;
  beforeAll(async () => {
    discord = await startFakeDiscord({ heartbeatIntervalMs: 1000 });
    network = await startNetworkSwitch(discord.apiUrl);
    discord.gateway.url = `ws://127.0.0.1:${network.port}/gateway`;
  });
  afterAll(async () => {
    await network?.close();
    await discord?.close();
  });

  it('exits 0 within the grace period when Discord is silent, saying what it gave up on', async () => {
    const box = start({
      PORT: String(await freePort()),
      SWITCHBOARD_DATA_DIR: 'memory://',
      SHUTDOWN_GRACE_SECONDS: '2',
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: `${network.url}/api`,
    });
    await box.waitFor(RUNNING);
    expect(box.stdout()).toMatch(/discord\s+connected/);
    network.freeze();
    const signalled = Date.now();
    box.child.kill('SIGTERM');
    const { code, at } = await box.exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(8_000);
    expect(box.stdout()).toContain('gave up waiting for discord');
  }, 240_000);

  it('exits 0 within the grace period when Discord was never reachable (still retrying)', async () => {
    network.down();
    try {
      const box = start({
        PORT: String(await freePort()),
        SWITCHBOARD_DATA_DIR: 'memory://',
        SHUTDOWN_GRACE_SECONDS: '2',
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: `${network.url}/api`,
      });
      await box.waitFor(RUNNING, 90_000);
      expect(box.stdout()).toMatch(/discord\s+retrying/);
      const signalled = Date.now();
      box.child.kill('SIGTERM');
      const { code, at } = await box.exited;
      expect(code).toBe(0);
      expect(at - signalled).toBeLessThan(8_000);
    } finally {
      network.up();
    }
  }, 240_000);

  it('exits 0 within the grace period when Discord goes silent while an answer is being delivered', async () => {
    const openai = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'slow '.repeat(400), chunkSize: 5, delayMs: 100 },
    });
    try {
      network.up();
      const box = start({
        PORT: String(await freePort()),
        SWITCHBOARD_DATA_DIR: 'memory://',
        SHUTDOWN_GRACE_SECONDS: '2',
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: `${network.url}/api`,
        OPENAI_BASE_URL: openai.url,
        OPENAI_MODELS: 'fake-model',
      });
      await box.waitFor(RUNNING, 90_000);
      discord.slashCommand('ask', { prompt: 'write slowly' });
      await expect.poll(() => openai.requests.length, { timeout: 30_000 }).toBeGreaterThan(0);
      network.freeze();
      const signalled = Date.now();
      box.child.kill('SIGTERM');
      const { code, at } = await box.exited;
      expect(code).toBe(0);
      expect(at - signalled).toBeLessThan(8_000);
    } finally {
      network.up();
      await openai.close();
    }
  }, 240_000);
});
