import { mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Config, createLogger } from '@switchboard/core';
import { pino } from 'pino';
import { type Box, startBox } from '../box';

/** A box `switchboard chat` started for itself because none was running. */
export interface PrivateBox {
  readonly url: string;
  /** Where the box's log lines go (never into the chat). */
  readonly logFile: string;
  /** Where its data lives, in words (no credentials). */
  readonly data: string;
  stop(): Promise<void>;
}

/** `$XDG_STATE_HOME/switchboard/chat-box.log` (`~/.local/state/…` when unset). */
export function chatLogFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env['XDG_STATE_HOME'] || join(homedir() || tmpdir(), '.local', 'state');
  return join(state, 'switchboard', 'chat-box.log');
}

/**
 * Start a box in this process for one chat session: on a free loopback port, with its log appended to
 * {@link chatLogFile} instead of the terminal, and without platform connections (a Telegram or Slack
 * bot should not come and go with a terminal window).
 */
export async function startPrivateBox(config: Config): Promise<PrivateBox> {
  const logFile = chatLogFile();
  mkdirSync(dirname(logFile), { recursive: true });
  const destination = pino.destination({ dest: logFile, append: true, sync: true });
  const logger = createLogger({ level: config.logLevel, destination });
  const privateConfig: Config = {
    ...config,
    http: { ...config.http, host: '127.0.0.1' },
    platforms: { telegram: undefined, slack: undefined, discord: undefined, whatsapp: undefined },
  };
  let box: Box;
  try {
    box = await startBox(privateConfig, { port: 0, logger });
  } catch (error) {
    destination.end();
    throw error;
  }
  return {
    url: box.url,
    logFile,
    data: describeData(config),
    async stop() {
      await box.stop();
      destination.end();
    },
  };
}

function describeData(config: Config): string {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return `Postgres at ${url.host}${url.pathname}`;
  }
  if (config.dataDir === 'memory://') return 'in memory only (gone when you quit)';
  return resolve(config.dataDir);
}
