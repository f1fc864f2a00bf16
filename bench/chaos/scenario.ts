import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../packages/memory/src/index';
import { prepareLauncher } from './box-launcher';
import { BoxProcess } from './box-process';
import type { PlatformClient } from './clients/client';
import { createDiscordClient } from './clients/discord';
import { createSlackClient } from './clients/slack';
import { createTelegramClient } from './clients/telegram';
import { createWebClient } from './clients/web';
import { auditDatabase, type DatabaseAudit } from './database-audit';
import { type BoxDatabase, boxEnvironment, type ChaosFakes, modelBusy, startFakes } from './fakes';
import { freePort } from './free-port';
import type { ChaosOptions, ChaosPlatform, DatabaseDriver } from './options';
import { createRandom } from './random';
import type { ChaosRequest } from './requests';
import { type KillRecord, playRounds } from './rounds';
import { waitToSettle } from './settle';
import { type PlatformRow, type RequestReport, summarize } from './summary';

/** Everything one run on one database driver measured. */
export interface ScenarioResult {
  readonly driver: DatabaseDriver;
  readonly kills: readonly KillRecord[];
  readonly rows: readonly PlatformRow[];
  readonly requests: readonly RequestReport[];
  readonly database: DatabaseAudit;
  readonly diagnostics: Readonly<Partial<Record<ChaosPlatform, Readonly<Record<string, number>>>>>;
  /** How long each start took until `/healthz` answered, in milliseconds. */
  readonly startupMs: readonly number[];
  /** True when every request ended and the platforms went quiet before the settle deadline. */
  readonly settled: boolean;
  readonly settleMs: number;
  /** Whether the box exited by itself on SIGTERM at the end. */
  readonly stoppedCleanly: boolean;
  /** Set when the box could not be started again: the run stopped there. */
  readonly startFailure: string | undefined;
  /** The work folder, when kept. */
  readonly workDir: string | undefined;
}

function createClient(
  platform: ChaosPlatform,
  fakes: ChaosFakes,
  boxUrl: string,
  signal: AbortSignal,
  options: ChaosOptions,
): PlatformClient {
  const missing = () => new Error(`no fake for ${platform}`);
  switch (platform) {
    case 'web':
      return createWebClient(boxUrl, signal);
    case 'telegram':
      if (!fakes.telegram) throw missing();
      return createTelegramClient(fakes.telegram);
    case 'slack':
      if (!fakes.slack) throw missing();
      return createSlackClient(fakes.slack, boxUrl, signal, options.slackRetryDelaysMs);
    case 'discord':
      if (!fakes.discord) throw missing();
      return createDiscordClient(fakes.discord);
  }
}

/** A short run id for markers: letters and digits. */
const runIdOf = (seed: number, driver: DatabaseDriver) =>
  `${seed.toString(36)}${driver === 'pglite' ? 'l' : 'p'}`;

/**
 * Run the chaos scenario once on one database driver: start the fakes and the box, play the rounds of
 * requests and kills, wait (bounded) for everything to settle, stop the box with SIGTERM, then count what
 * every user saw and what the database kept. The work folder (box log, `requests.json`, PGlite data) is
 * deleted unless `keep` is set or the box failed to start.
 */
export async function runScenario(
  options: ChaosOptions,
  driver: DatabaseDriver,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'switchboard-chaos-'));
  const launcher = await prepareLauncher(options.box);
  let testDatabase: TestDatabase | undefined;
  if (driver === 'postgres') testDatabase = await createTestDatabase(options.databaseUrl);
  const database: BoxDatabase =
    testDatabase === undefined
      ? { driver: 'pglite', dataDir: join(workDir, 'data') }
      : { driver: 'postgres', url: testDatabase.url };
  const fakes = await startFakes(options.platforms);
  const port = await freePort();
  const boxUrl = `http://127.0.0.1:${port}`;
  const runController = new AbortController();
  const clients = new Map(
    options.platforms.map((platform) => [
      platform,
      createClient(platform, fakes, boxUrl, runController.signal, options),
    ]),
  );
  const clientOf = (request: ChaosRequest) => clients.get(request.platform) as PlatformClient;
  const box = new BoxProcess({
    launcher,
    env: boxEnvironment(fakes, {
      port,
      database,
      telegramUsers: (options.kills + 1) * options.platforms.length,
    }),
    cwd: workDir,
    logFile: join(workDir, 'box.log'),
    url: boxUrl,
  });
  let keep = options.keep;
  try {
    const rounds = await playRounds({
      box,
      clients,
      platforms: options.platforms,
      kills: options.kills,
      random: createRandom(options.seed),
      runId: runIdOf(options.seed, driver),
      driver,
      log,
    });
    keep ||= rounds.startFailure !== undefined;
    const settle =
      rounds.startFailure === undefined
        ? await waitToSettle(rounds.requests, clientOf, () => modelBusy(fakes.openai), options.settleMs)
        : { settled: false, waitedMs: 0 };
    runController.abort();
    const stoppedCleanly = await box.stop();

    const answered = rounds.requests.filter((request) => clientOf(request).observe(request).answers > 0);
    const audit = await auditDatabase(database, answered);
    const summary = summarize(
      options.platforms,
      rounds.requests,
      rounds.kills,
      clientOf,
      fakes.openai,
      audit,
    );
    await writeFile(
      join(workDir, 'requests.json'),
      `${JSON.stringify({ kills: rounds.kills, requests: summary.requests }, null, 2)}\n`,
    );
    const unhappy = summary.requests.filter(
      (report) => report.verdict === 'no-final' || report.verdict === 'duplicate',
    );
    if (unhappy.length > 0) {
      log(`  no final reply or duplicates: ${unhappy.map((report) => report.marker).join(', ')}`);
    }
    return {
      driver,
      kills: rounds.kills,
      rows: summary.rows,
      requests: summary.requests,
      database: audit,
      diagnostics: Object.fromEntries(
        [...clients].map(([platform, client]) => [platform, client.diagnostics()]),
      ),
      startupMs: box.startupMs,
      settled: settle.settled,
      settleMs: settle.waitedMs,
      stoppedCleanly,
      startFailure: rounds.startFailure,
      workDir: keep ? workDir : undefined,
    };
  } finally {
    runController.abort();
    await box.kill();
    await fakes.close();
    await testDatabase?.drop();
    if (!keep) await rm(workDir, { recursive: true, force: true });
  }
}
