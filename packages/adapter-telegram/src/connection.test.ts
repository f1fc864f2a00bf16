import { createLogger, PlatformError } from '@switchboard/core';
import { startFakeTelegram } from '@switchboard/testkit/fake-telegram';
import { startNetworkSwitch } from '@switchboard/testkit/network-switch';
import { describe, expect, it } from 'vitest';
import { createTelegramAdapter } from './adapter';

const accept = async () => ({ status: 'accepted' as const });

describe('the Telegram adapter’s connection', () => {
  it('refuses to start when Telegram rejects the token, naming TELEGRAM_BOT_TOKEN and not the token', async () => {
    const fake = await startFakeTelegram();
    const adapter = createTelegramAdapter({ botToken: '999:not-the-token', apiRoot: fake.url });
    try {
      const error = await adapter.start(accept, new AbortController().signal).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(PlatformError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('TELEGRAM_BOT_TOKEN');
      expect((error as Error).message).not.toContain('not-the-token');
      expect(adapter.status?.()).toMatchObject({ state: 'failed' });
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('starts while Telegram is unreachable, says it is retrying, and connects once the network is back', async () => {
    const fake = await startFakeTelegram();
    const network = await startNetworkSwitch(fake.url, 'down');
    const adapter = createTelegramAdapter({
      botToken: fake.token,
      apiRoot: network.url,
      pollTimeoutSeconds: 1,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await adapter.start(accept, new AbortController().signal);
      const status = adapter.status?.();
      expect(status).toMatchObject({ state: 'retrying', reason: expect.stringMatching(/not reachable/) });
      expect(JSON.stringify(status)).not.toContain(fake.token.split(':')[1]);
      await expect.poll(() => network.accepted, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(adapter.status?.()).toMatchObject({ state: 'retrying', attempts: expect.any(Number) });
      network.up();
      await expect.poll(() => adapter.status?.().state, { timeout: 20_000 }).toBe('connected');
      expect(fake.callsTo('getMe').length).toBeGreaterThanOrEqual(1);
    } finally {
      await adapter.stop();
      expect(adapter.status?.()).toEqual({ state: 'stopped' });
      await network.close();
      await fake.close();
    }
  }, 40_000);
});
