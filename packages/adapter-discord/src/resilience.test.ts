import { PlatformError, type ReplyPart, SwitchboardError } from '@switchboard/core';
import { PRIVILEGED_INTENTS, startFakeDiscord } from '@switchboard/testkit/fake-discord';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';
import { IdentifyBackoff } from './backoff';

async function startError(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (SwitchboardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected start to fail');
}

describe('Discord gateway: fatal closes', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('stops with an error naming DISCORD_BOT_TOKEN when the token is refused, without echoing it', async () => {
    const fake = await startFakeDiscord();
    const secretish = 'definitely.not.the-right-token';
    try {
      const { createDiscordAdapter } = await import('./adapter');
      const adapter = createDiscordAdapter({
        botToken: secretish,
        applicationId: fake.applicationId,
        apiUrl: fake.apiUrl,
      });
      const error = await startError(
        adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal),
      );
      expect(error.code).toBe('discord_token_rejected');
      expect(error.message).toContain('DISCORD_BOT_TOKEN');
      expect(error.message).not.toContain(secretish);
      expect(fake.gateway.connectionsOpened).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('stops with an error naming the Message Content intent when Discord disallows it (4014)', async () => {
    const error = await startError(startHarness({ adapter: { messageContent: true } }));
    expect(error.code).toBe('discord_intent_disallowed');
    expect(error.message).toMatch(/Message Content Intent/);
    expect(error.message).toContain('DISCORD_MESSAGE_CONTENT');
  });

  it('connects with the Message Content intent once it is enabled', async () => {
    harness = await startHarness({
      adapter: { messageContent: true },
      fake: { privilegedIntents: PRIVILEGED_INTENTS },
    });
    expect(harness.fake.gateway.identifies).toBe(1);
  });

  it('gives up on a 4004 close after start: reports it once and never reconnects', async () => {
    const fatal: SwitchboardError[] = [];
    harness = await startHarness({ adapter: { onFatal: (error) => fatal.push(error) } });
    const { fake } = harness;
    fake.disrupt({ kind: 'close', code: 4004 });
    await expect.poll(() => fatal.length, { timeout: 3000 }).toBe(1);
    expect(fatal[0]?.message).toContain('DISCORD_BOT_TOKEN');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(fake.gateway.connectionsOpened).toBe(1);
  });
});

describe('Discord rate limits', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('maps a 429 to a PlatformError with retryAfterMs', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'hi' });
    const event = await harness.nextEvent();
    fake.rateLimitNext(new RegExp(interaction.token), { retryAfterMs: 2500, method: 'PATCH' });
    const error = await harness.adapter.post(event.reply, { text: 'hello', final: false }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PlatformError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((error as PlatformError).retryAfterMs).toBeGreaterThanOrEqual(2000);
    expect((error as PlatformError).message).not.toContain(interaction.token);
  });

  it('keeps conversations apart: one rate-limited reply waits, the other finishes at once', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const slow = fake.slashCommand('ask', { prompt: 'slow lane' });
    const slowEvent = await harness.nextEvent();
    const fast = fake.slashCommand(
      'ask',
      { prompt: 'fast lane' },
      { place: { channelId: '333333333333333333', guildId: fake.world.guildId } },
    );
    const fastEvent = await harness.nextEvent();
    fake.rateLimitNext(new RegExp(slow.token), { retryAfterMs: 2500, method: 'PATCH' });
    const parts = (text: string): ReplyPart[] => [
      { type: 'text-delta', delta: text },
      { type: 'reply-end', text, meta: {} },
    ];
    const started = Date.now();
    const slowDone = harness.reply(slowEvent, parts('slow answer')).then(() => Date.now() - started);
    const fastDone = harness.reply(fastEvent, parts('fast answer')).then(() => Date.now() - started);
    const [slowMs, fastMs] = await Promise.all([slowDone, fastDone]);
    expect(fastMs).toBeLessThan(1500);
    expect(slowMs).toBeGreaterThanOrEqual(2000);
    expect(fake.transcript(slow)[0]?.object.content).toBe('slow answer');
    expect(fake.transcript(fast)[0]?.object.content).toBe('fast answer');
  });
});

describe('IdentifyBackoff', () => {
  it('spaces identifies 5 s apart and doubles its wait while sessions keep failing, until one is ready', async () => {
    let now = 0;
    const waits: number[] = [];
    const backoff = new IdentifyBackoff({
      spacingMs: 5000,
      baseMs: 1000,
      maxMs: 8000,
      random: () => 1,
      clock: () => now,
      wait: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const signal = new AbortController().signal;
    await backoff.waitForIdentify(0, signal);
    expect(waits).toEqual([]);
    now += 20_000;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await backoff.waitForIdentify(0, signal);
      now += 20_000;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
    backoff.succeeded();
    await backoff.waitForIdentify(0, signal);
    expect(waits).toHaveLength(5);
    await backoff.waitForIdentify(0, signal);
    expect(waits.at(-1)).toBe(5000);
  });
});
