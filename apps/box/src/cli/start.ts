import { type Config, ConfigError, describeError, loadConfig, SwitchboardError } from '@switchboard/core';
import { type Box, startBox } from '../box';
import { StartCancelledError } from '../lifecycle/startup-errors';
import { formatBanner, stateChanges } from './banner';

/** Exit codes of `switchboard start`. */
export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

/** How often the console is told about parts whose state changed after the banner. */
const WATCH_INTERVAL_MS = 1000;

/** The one paragraph a failed start prints: what went wrong and what to change. */
export function startFailure(error: unknown): string {
  if (ConfigError.isInstance(error)) return error.message;
  const message = SwitchboardError.isInstance(error) ? error.message : describeError(error);
  return `Switchboard cannot start. ${message.replace(/\s+/g, ' ').trim()}`;
}

/**
 * The role `--role gateway` (or `--role=gateway`) asks for, overriding `SWITCHBOARD_ROLE`; undefined when
 * not given. Anything else on the line is a mistake, reported as a configuration problem.
 */
export function roleArgument(args: readonly string[]): string | undefined {
  let role: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--role') role = args[++index];
    else if (arg.startsWith('--role=')) role = arg.slice('--role='.length);
    else
      throw new ConfigError([
        { variable: arg, message: 'unknown option; start takes --role all|gateway|worker' },
      ]);
    if (role === undefined || role === '') {
      throw new ConfigError([
        { variable: '--role', message: 'expected all, gateway or worker after --role' },
      ]);
    }
  }
  return role;
}

function databaseLabel(config: Config): string {
  return config.databaseUrl ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
}

/** Print a line for every part whose state changes, until stopped. */
function watchStates(box: Box): () => void {
  let last = box.report();
  const timer = setInterval(() => {
    const now = box.report();
    for (const line of stateChanges(last, now)) console.log(line);
    last = now;
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A stop asked for during start-up ends the process within the grace period even when a start-up step
 * does not heed it (a database migration waiting on a lock another process holds): the stop was asked
 * for, so it exits 0; the data folder's lock goes with the process.
 */
function giveUpStartingAfter(graceMs: number, isStarted: () => boolean): void {
  setTimeout(() => {
    if (isStarted()) return;
    console.log(
      'Stopped before start-up finished; gave up waiting for it (did not stop within SHUTDOWN_GRACE_SECONDS).',
    );
    process.exit(EXIT.ok);
  }, graceMs).unref();
}

/**
 * `switchboard start`: run until SIGINT/SIGTERM. A start that fails prints one paragraph and returns
 * non-zero (everything it took is released). A stop lets running answers finish within
 * SHUTDOWN_GRACE_SECONDS and always returns within it; a second signal stops at once.
 */
export async function runStart(args: readonly string[] = []): Promise<number> {
  let config: Config;
  try {
    const role = roleArgument(args);
    config = loadConfig(role === undefined ? {} : { env: { ...process.env, SWITCHBOARD_ROLE: role } });
  } catch (error) {
    console.error(startFailure(error));
    return ConfigError.isInstance(error) ? EXIT.config : EXIT.failed;
  }
  const starting = new AbortController();
  let requested: (signal: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    requested = resolve;
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: stopping now without waiting.`);
      process.exit(EXIT.failed);
    }
    stopping = true;
    requested(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let started = false;
  void stopRequested.then(() => {
    starting.abort();
    if (!started) giveUpStartingAfter(config.shutdownGraceMs, () => started);
  });

  let box: Box;
  try {
    box = await startBox(config, { signal: starting.signal });
    started = true;
  } catch (error) {
    if (error instanceof StartCancelledError) {
      console.log('Stopped before start-up finished.');
      return EXIT.ok;
    }
    console.error(startFailure(error));
    return EXIT.failed;
  }
  console.log(formatBanner({ url: box.url, config, report: box.report(), database: databaseLabel(config) }));
  const stopWatching = watchStates(box);
  const signal = await stopRequested;
  stopWatching();
  console.log(`${signal}: stopping (answers being written get up to ${config.shutdownGraceMs / 1000} s)…`);
  // The stop bounds every part by the grace period; this only guards against a bug in that bound.
  setTimeout(() => {
    console.error('Switchboard did not finish stopping in time; exiting now.');
    process.exit(EXIT.failed);
  }, config.shutdownGraceMs + 5000).unref();
  const { abandoned } = await box.stop();
  console.log(
    abandoned.length === 0
      ? 'Stopped.'
      : `Stopped; gave up waiting for ${abandoned.join(', ')} (did not stop within SHUTDOWN_GRACE_SECONDS).`,
  );
  return EXIT.ok;
}
