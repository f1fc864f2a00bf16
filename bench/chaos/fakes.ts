import { type FakeDiscord, startFakeDiscord } from '../../packages/testkit/src/fake-discord/index';
import { type FakeOpenAI, startFakeOpenAI } from '../../packages/testkit/src/fake-openai/index';
import { type FakeSlack, startFakeSlack } from '../../packages/testkit/src/fake-slack/index';
import { type FakeTelegram, startFakeTelegram } from '../../packages/testkit/src/fake-telegram/index';
import type { ChaosPlatform } from './options';
import { ANSWER_PACE } from './requests';

const MODEL = 'chaos-model';
const OPENAI_KEY = 'sk-chaos-0123456789abcdef';
/** Telegram users are numbered from here, one private chat per request. */
export const TELEGRAM_FIRST_USER = 610_000;

/** The fake servers of one run, in the bench process, so a kill of the box leaves them running. */
export interface ChaosFakes {
  readonly openai: FakeOpenAI;
  readonly telegram: FakeTelegram | undefined;
  readonly slack: FakeSlack | undefined;
  readonly discord: FakeDiscord | undefined;
  close(): Promise<void>;
}

/** Start the fake model and the fakes of the platforms in use. */
export async function startFakes(platforms: readonly ChaosPlatform[]): Promise<ChaosFakes> {
  const openai = await startFakeOpenAI({
    defaultBehaviour: { type: 'marked', ...ANSWER_PACE },
    apiKey: OPENAI_KEY,
    models: [MODEL],
  });
  const telegram = platforms.includes('telegram') ? await startFakeTelegram() : undefined;
  const slack = platforms.includes('slack') ? await startFakeSlack() : undefined;
  const discord = platforms.includes('discord') ? await startFakeDiscord() : undefined;
  return {
    openai,
    telegram,
    slack,
    discord,
    async close() {
      await Promise.all([openai.close(), telegram?.close(), slack?.close(), discord?.close()]);
    },
  };
}

/** Where the box keeps its data. */
export type BoxDatabase =
  | { readonly driver: 'pglite'; readonly dataDir: string }
  | { readonly driver: 'postgres'; readonly url: string };

/**
 * The box's whole environment: its port, database, the fake model, and each platform pointed at its fake
 * the way the real client libraries allow (API roots and URLs). `telegramUsers` is how many Telegram users
 * may ask (one per request).
 */
export function boxEnvironment(
  fakes: ChaosFakes,
  options: { readonly port: number; readonly database: BoxDatabase; readonly telegramUsers: number },
): Record<string, string> {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const env: Record<string, string> = {
    ...inherited,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    OPENAI_BASE_URL: fakes.openai.url,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_MODELS: MODEL,
    SWITCHBOARD_DEMO_MODEL: 'off',
    SWITCHBOARD_CONCURRENCY: '8',
    ...(options.database.driver === 'pglite'
      ? { SWITCHBOARD_DATA_DIR: options.database.dataDir }
      : { DATABASE_URL: options.database.url }),
  };
  if (fakes.telegram) {
    const users = Array.from({ length: options.telegramUsers }, (_, index) => TELEGRAM_FIRST_USER + index);
    Object.assign(env, {
      TELEGRAM_BOT_TOKEN: fakes.telegram.token,
      TELEGRAM_API_ROOT: fakes.telegram.url,
      TELEGRAM_ALLOWED_USERS: users.join(','),
    });
  }
  if (fakes.slack) {
    Object.assign(env, {
      SLACK_BOT_TOKEN: fakes.slack.botToken,
      SLACK_SIGNING_SECRET: fakes.slack.signingSecret,
      SLACK_API_URL: fakes.slack.apiUrl,
      SLACK_ALLOWED_USERS: 'U0ALICE',
    });
  }
  if (fakes.discord) {
    Object.assign(env, {
      DISCORD_BOT_TOKEN: fakes.discord.token,
      DISCORD_APPLICATION_ID: fakes.discord.applicationId,
      DISCORD_API_URL: fakes.discord.apiUrl,
      DISCORD_ALLOWED_USERS: fakes.discord.world.alice.id,
    });
  }
  return env;
}

/** How many times the model was asked to answer `marker` (more than once: the answer was generated again). */
export function modelCallsFor(openai: FakeOpenAI, marker: string): number {
  // `req-x-t1` must not count the calls of `req-x-t10`…: the marker ends where no digit follows.
  const whole = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`);
  return openai.requests.filter((request) => {
    if (!request.path.endsWith('/chat/completions')) return false;
    const messages = (request.body as { messages?: { role?: string; content?: unknown }[] } | undefined)
      ?.messages;
    const last = messages?.findLast((message) => message.role === 'user');
    return typeof last?.content === 'string' && whole.test(last.content);
  }).length;
}

/** True while the fake model is streaming some answer. */
export function modelBusy(openai: FakeOpenAI): boolean {
  return openai.requests.some((request) => request.outcome === 'pending');
}
