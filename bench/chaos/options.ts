import { parseArgs } from 'node:util';

/** Where the bench sends requests from. */
export const PLATFORMS = ['web', 'telegram', 'slack', 'discord'] as const;
/** One of {@link PLATFORMS}. */
export type ChaosPlatform = (typeof PLATFORMS)[number];

/** The database the box runs on: embedded PGlite in a folder, or Postgres in a throwaway database. */
export type DatabaseDriver = 'pglite' | 'postgres';

/** How the box is started: the esbuild bundle of its CLI (faster restarts) or its sources through tsx. */
export type BoxLauncherKind = 'bundle' | 'tsx';

/** Everything one chaos run needs to know. */
export interface ChaosOptions {
  /** How many times the box is killed; every kill follows one round of requests (one per platform). */
  readonly kills: number;
  readonly platforms: readonly ChaosPlatform[];
  /** Run once per driver, in this order. */
  readonly drivers: readonly DatabaseDriver[];
  /** Plans the rounds: which request a kill follows, how long after it, the order of sends. */
  readonly seed: number;
  /** The longest wait, after the last round, for every request to end. */
  readonly settleMs: number;
  readonly box: BoxLauncherKind;
  /** Keep the work folder (box logs, PGlite data) instead of deleting it. */
  readonly keep: boolean;
  /** The Postgres server for the `postgres` driver (`DATABASE_URL`). */
  readonly databaseUrl: string | undefined;
  /** Slack's waits before retrying a failed delivery; default its own schedule shortened fivefold. */
  readonly slackRetryDelaysMs?: readonly number[];
}

/** A command line the bench cannot run, with a sentence saying why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What `pnpm bench:chaos` does with no options (plus a seed taken from the clock). */
export const DEFAULTS = {
  kills: 30,
  platforms: PLATFORMS,
  driver: 'pglite',
  settleSeconds: 75,
  box: 'bundle',
} as const;

export const USAGE = `pnpm bench:chaos [--kills N] [--platforms web,telegram,slack,discord]
                 [--driver pglite|postgres|both] [--seed N] [--settle-seconds S] [--box bundle|tsx] [--keep]`;

function positiveInteger(name: string, value: string, allowZero = false): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < (allowZero ? 0 : 1)) {
    throw new UsageError(`--${name} must be a whole number${allowZero ? '' : ' above 0'}, not "${value}".`);
  }
  return number;
}

function platformsOf(value: string): ChaosPlatform[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(PLATFORMS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--platforms takes a comma-separated list of ${PLATFORMS.join(', ')}; got "${value}".`,
    );
  }
  return PLATFORMS.filter((platform) => names.includes(platform));
}

function driversOf(value: string, databaseUrl: string | undefined): DatabaseDriver[] {
  const drivers: DatabaseDriver[] | undefined =
    value === 'both'
      ? ['pglite', 'postgres']
      : value === 'pglite' || value === 'postgres'
        ? [value]
        : undefined;
  if (drivers === undefined) throw new UsageError(`--driver is pglite, postgres or both, not "${value}".`);
  if (drivers.includes('postgres') && !databaseUrl) {
    throw new UsageError(
      '--driver postgres needs DATABASE_URL pointing at a Postgres server (a throwaway database is created on it).',
    );
  }
  return drivers;
}

/** What `pnpm bench:chaos --help` prints. */
export const HELP = [
  'Chaos: start the box against fake platforms, SIGKILL it mid-request, restart it, count what users got.',
  `usage: ${USAGE}`,
  '  --kills N           kills per database driver (default 30); each round sends one request per platform',
  '  --platforms LIST    web, telegram, slack, discord (default all)',
  '  --driver D          pglite, postgres (needs DATABASE_URL; a throwaway database is made) or both',
  '  --seed N            fixes the kill plan; the printed command line replays it',
  '  --settle-seconds S  how long requests get to finish after the last kill',
  '  --box bundle|tsx    run an esbuild bundle of the CLI (default) or the sources through tsx',
  '  --keep              keep the working folders (logs, PGlite data) for a look afterwards',
  'It exits 1 when a request got no final reply or more than one, a message was left partial, a task was',
  'left running or queued, or an answered request lost its rows (ADR 0029, bench/README.md).',
].join('\n');

/** Read the command line (`argv` without node and the script) and the environment. */
export function parseChaosArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  now: () => number = Date.now,
): ChaosOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        kills: { type: 'string' },
        platforms: { type: 'string' },
        driver: { type: 'string' },
        seed: { type: 'string' },
        'settle-seconds': { type: 'string' },
        box: { type: 'string' },
        keep: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${USAGE}`);
  }
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const box = text('box') ?? DEFAULTS.box;
  if (box !== 'bundle' && box !== 'tsx') throw new UsageError(`--box is bundle or tsx, not "${box}".`);
  const databaseUrl = env['DATABASE_URL'] || undefined;
  return {
    kills: positiveInteger('kills', text('kills') ?? String(DEFAULTS.kills), true),
    platforms: platformsOf(text('platforms') ?? DEFAULTS.platforms.join(',')),
    drivers: driversOf(text('driver') ?? DEFAULTS.driver, databaseUrl),
    seed: positiveInteger('seed', text('seed') ?? String(now() % 1_000_000_000), true),
    settleMs:
      positiveInteger('settle-seconds', text('settle-seconds') ?? String(DEFAULTS.settleSeconds)) * 1000,
    box,
    keep: values['keep'] === true,
    databaseUrl,
  };
}

/** The command line that plans the same run again (timings on a shared machine still differ). */
export function reproduceCommand(options: ChaosOptions): string {
  const driver = options.drivers.length === 2 ? 'both' : (options.drivers[0] ?? 'pglite');
  const parts = [
    'pnpm bench:chaos',
    `--kills ${options.kills}`,
    `--platforms ${options.platforms.join(',')}`,
    `--driver ${driver}`,
    `--seed ${options.seed}`,
  ];
  if (options.settleMs !== DEFAULTS.settleSeconds * 1000)
    parts.push(`--settle-seconds ${options.settleMs / 1000}`);
  if (options.box !== DEFAULTS.box) parts.push(`--box ${options.box}`);
  const command = parts.join(' ');
  return options.drivers.includes('postgres') ? `DATABASE_URL=<postgres server URL> ${command}` : command;
}
