import { createLogger, SwitchboardError } from '@switchboard/core';
import { startFakeDiscord } from '@switchboard/testkit/fake-discord';
import { startNetworkSwitch } from '@switchboard/testkit/network-switch';
import { describe, expect, it } from 'vitest';
import { createDiscordAdapter } from './adapter';

const accept = async () => ({ status: 'accepted' as const });
const silent = createLogger({ level: 'silent' });

describe('the Discord adapter’s connection', () => {
  it('starts while Discord is unreachable, says it is retrying, and connects once the network is back', async () => {
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
    const network = await startNetworkSwitch(fake.apiUrl, 'down');
    const adapter = createDiscordAdapter({
      botToken: fake.token,
      applicationId: fake.applicationId,
      apiUrl: `${network.url}/api`,
      logger: silent,
      registerCommands: false,
      backoff: { spacingMs: 0, baseMs: 100, maxMs: 500 },
    });
    try {
      await adapter.start(accept, new AbortController().signal);
      expect(adapter.status?.()).toMatchObject({
        state: 'retrying',
        reason: expect.stringContaining('Discord could not be reached'),
      });
      expect(fake.gateway.connectionsOpened).toBe(0);
      network.up();
      await expect.poll(() => adapter.status?.().state, { timeout: 20_000 }).toBe('connected');
      await fake.gateway.waitUntilConnected();
    } finally {
      await adapter.stop();
      await network.close();
      await fake.close();
    }
    expect(adapter.status?.()).toEqual({ state: 'stopped' });
  }, 40_000);

  it('refuses to start when Discord rejects the token, and reports it as failed', async () => {
    const fake = await startFakeDiscord();
    const adapter = createDiscordAdapter({
      botToken: 'wrong.token.value',
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    try {
      const error = await adapter.start(accept, new AbortController().signal).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(SwitchboardError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'discord_token_rejected' });
      expect(adapter.status?.()).toMatchObject({
        state: 'failed',
        reason: expect.stringContaining('DISCORD_BOT_TOKEN'),
      });
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('says it is retrying while the gateway connection is down after start, and connected once it is back', async () => {
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
    const adapter = createDiscordAdapter({
      botToken: fake.token,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      logger: silent,
      registerCommands: false,
    });
    try {
      await adapter.start(accept, new AbortController().signal);
      expect(adapter.status?.()).toEqual({ state: 'connected' });
      fake.gateway.refuseConnections(true);
      fake.disrupt({ kind: 'reset' });
      await expect.poll(() => adapter.status?.().state, { timeout: 10_000 }).toBe('retrying');
      fake.gateway.refuseConnections(false);
      await expect.poll(() => adapter.status?.().state, { timeout: 20_000 }).toBe('connected');
    } finally {
      await adapter.stop();
      await fake.close();
    }
  }, 40_000);
});
