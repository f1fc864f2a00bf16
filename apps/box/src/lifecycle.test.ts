import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParts } from '@switchboard/adapter-web';
import { createLogger, loadConfig, type ReplyPart, SwitchboardError } from '@switchboard/core';
import { startFakeDiscord } from '@switchboard/testkit/fake-discord';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { startFakeSlack } from '@switchboard/testkit/fake-slack';
import { startFakeTelegram } from '@switchboard/testkit/fake-telegram';
import { startNetworkSwitch } from '@switchboard/testkit/network-switch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';
import { freePort } from './cli-harness';
import { StartCancelledError } from './lifecycle/startup-errors';

const silent = createLogger({ level: 'silent' });
const base = { SWITCHBOARD_DATA_DIR: 'memory://', SWITCHBOARD_DEMO_MODEL: 'off' };

const ask = (box: Box, text: string) =>
  fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation: text.replace(/\W+/g, '-'), text }),
  });

/** Read a reply stream; `onFirstDelta` runs once the answer has started. */
async function readReply(response: Response, onFirstDelta: () => void = () => {}): Promise<ReplyPart[]> {
  const parts: ReplyPart[] = [];
  if (response.body === null) return parts;
  for await (const part of readParts(response.body)) {
    if (part.type === 'text-delta' && !parts.some((seen) => seen.type === 'text-delta')) onFirstDelta();
    parts.push(part);
  }
  return parts;
}

async function startError(promise: Promise<Box>): Promise<SwitchboardError> {
  const outcome = await promise.then(
    async (box) => {
      await box.stop();
      return undefined;
    },
    (error: unknown) => error,
  );
  if (!SwitchboardError.isInstance(outcome))
    throw new Error(`expected a SwitchboardError, got ${String(outcome)}`);
  return outcome;
}

describe('stopping the box', () => {
  let openai: FakeOpenAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI();
  });
  afterAll(() => openai?.close());

  const boxWith = (env: Record<string, string> = {}) =>
    startBox(
      loadConfig({
        env: { ...base, OPENAI_BASE_URL: openai.url, OPENAI_MODELS: 'fake-model', ...env },
        file: false,
      }),
      { port: 0, logger: silent },
    );

  it('lets a running answer finish, refuses new requests meanwhile, and stops once it is delivered', async () => {
    openai.enqueue({
      type: 'text',
      text: 'one two three four five six seven eight',
      chunkSize: 4,
      delayMs: 150,
    });
    const box = await boxWith();
    let stopping: Promise<unknown> | undefined;
    const parts = await readReply(await ask(box, 'a long answer'), () => {
      stopping = box.stop();
    });
    expect(stopping).toBeDefined();
    expect(parts.at(-1)).toMatchObject({
      type: 'reply-end',
      text: 'one two three four five six seven eight',
    });
    expect(await stopping).toEqual({ drained: true, abandoned: [] });
  });

  it('answers a request that arrives while stopping with 503 and Retry-After', async () => {
    openai.enqueue({
      type: 'text',
      text: 'slow answer that keeps the box draining',
      chunkSize: 2,
      delayMs: 100,
    });
    const box = await boxWith();
    let refused: Response | undefined;
    let stopping: Promise<unknown> | undefined;
    await readReply(await ask(box, 'keep it busy'), () => {
      stopping = box.stop();
      void ask(box, 'too late').then((response) => {
        refused = response;
      });
    });
    await stopping;
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('10');
  });

  it('cancels an answer that outlives the grace period and still stops within it', async () => {
    openai.enqueue({ type: 'text', text: 'x'.repeat(200), chunkSize: 1, delayMs: 50 });
    const box = await boxWith();
    let stopped: { drained: boolean; ms: number } | undefined;
    const parts = await readReply(await ask(box, 'an endless answer'), () => {
      const began = Date.now();
      void box.stop({ graceMs: 1500 }).then((report) => {
        stopped = { drained: report.drained, ms: Date.now() - began };
      });
    });
    // Cut short: the partial answer marked as cancelled (or, had the worker not been reached, an error).
    const last = parts.at(-1);
    if (last?.type === 'reply-end') expect(last.text).toMatch(/x+\n\n_\(cancelled\)_$/);
    else expect(last).toMatchObject({ type: 'error', code: 'shutting_down' });
    await expect.poll(() => stopped, { timeout: 10_000 }).toBeDefined();
    expect(stopped?.drained).toBe(false);
    expect(stopped?.ms).toBeLessThan(1500 + 1000);
  });
});

describe('starting against platforms', () => {
  it('refuses to start when Slack and Discord reject their tokens, naming both variables, and frees the port', async () => {
    const slack = await startFakeSlack();
    const discord = await startFakeDiscord();
    const port = await freePort();
    try {
      const config = loadConfig({
        env: {
          ...base,
          SLACK_BOT_TOKEN: 'xoxb-rejected',
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_API_URL: slack.apiUrl,
          DISCORD_BOT_TOKEN: 'rejected.discord.token',
          DISCORD_APPLICATION_ID: discord.applicationId,
          DISCORD_API_URL: discord.apiUrl,
        },
        file: false,
      });
      const error = await startError(startBox(config, { port, logger: silent }));
      expect(error.code).toBe('platform_refused');
      expect(error.message).toContain('SLACK_BOT_TOKEN');
      expect(error.message).toContain('DISCORD_BOT_TOKEN');
      expect(error.message).not.toMatch(/xoxb-rejected|rejected\.discord\.token/);
      const again = await startBox(loadConfig({ env: base, file: false }), { port, logger: silent });
      await again.stop();
    } finally {
      await slack.close();
      await discord.close();
    }
  }, 60_000);

  it('starts while Slack and Discord cannot be reached and reports both as retrying', async () => {
    const slack = await startFakeSlack();
    const discord = await startFakeDiscord();
    const slackNetwork = await startNetworkSwitch(slack.url, 'down');
    const discordNetwork = await startNetworkSwitch(discord.apiUrl, 'down');
    let box: Box | undefined;
    try {
      const config = loadConfig({
        env: {
          ...base,
          SLACK_BOT_TOKEN: slack.botToken,
          SLACK_SIGNING_SECRET: slack.signingSecret,
          SLACK_API_URL: `${slackNetwork.url}/api/`,
          DISCORD_BOT_TOKEN: discord.token,
          DISCORD_APPLICATION_ID: discord.applicationId,
          DISCORD_API_URL: `${discordNetwork.url}/api`,
        },
        file: false,
      });
      box = await startBox(config, { port: 0, logger: silent });
      const report = box.report();
      expect(report.status).toBe('degraded');
      expect(report.platforms).toContainEqual(
        expect.objectContaining({ platform: 'slack', state: 'retrying' }),
      );
      expect(report.platforms).toContainEqual(
        expect.objectContaining({ platform: 'discord', state: 'retrying' }),
      );
      const health = (await (await fetch(`${box.url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ ok: true, status: 'degraded' });
    } finally {
      await box?.stop({ graceMs: 3000 });
      await slackNetwork.close();
      await discordNetwork.close();
      await slack.close();
      await discord.close();
    }
  }, 60_000);

  it('gives up a start that waits on a silent platform when asked to stop, and frees the port', async () => {
    const discord = await startFakeDiscord();
    const network = await startNetworkSwitch(discord.apiUrl, 'frozen');
    const port = await freePort();
    const cancel = new AbortController();
    try {
      const config = loadConfig({
        env: {
          ...base,
          DISCORD_BOT_TOKEN: discord.token,
          DISCORD_APPLICATION_ID: discord.applicationId,
          DISCORD_API_URL: `${network.url}/api`,
        },
        file: false,
      });
      const starting = startBox(config, { port, logger: silent, signal: cancel.signal });
      await expect.poll(() => network.accepted, { timeout: 20_000 }).toBeGreaterThan(0);
      const asked = Date.now();
      cancel.abort();
      const error = await startError(starting);
      expect(error).toBeInstanceOf(StartCancelledError);
      expect(Date.now() - asked).toBeLessThan(10_000);
      const again = await startBox(loadConfig({ env: base, file: false }), { port, logger: silent });
      await again.stop();
    } finally {
      await network.close();
      await discord.close();
    }
  }, 60_000);

  it('releases the data folder and the port when a platform refuses the start, so the next start takes them', async () => {
    const telegram = await startFakeTelegram();
    const folder = await mkdtemp(join(tmpdir(), 'switchboard-box-'));
    const port = await freePort();
    const env = {
      SWITCHBOARD_DATA_DIR: join(folder, 'data'),
      SWITCHBOARD_DEMO_MODEL: 'off',
      TELEGRAM_API_ROOT: telegram.url,
    };
    try {
      const refused = await startError(
        startBox(loadConfig({ env: { ...env, TELEGRAM_BOT_TOKEN: '1:wrong' }, file: false }), {
          port,
          logger: silent,
        }),
      );
      expect(refused.message).toContain('TELEGRAM_BOT_TOKEN');
      const box = await startBox(
        loadConfig({ env: { ...env, TELEGRAM_BOT_TOKEN: telegram.token }, file: false }),
        { port, logger: silent },
      );
      expect(box.report().platforms).toContainEqual({ platform: 'telegram', state: 'connected' });
      await box.stop();
    } finally {
      await telegram.close();
      await rm(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
