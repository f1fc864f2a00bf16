import { createLogger, SwitchboardError } from '@switchboard/core';
import { type FakeSlack, slashCommand, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { startNetworkSwitch } from '@switchboard/testkit/network-switch';
import { serveRoutes } from '@switchboard/testkit/serve-routes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';

const silent = createLogger({ level: 'silent' });

describe('starting and stopping the Slack adapter', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(() => fake?.close());

  it('refuses to start with a bot token Slack rejects, naming the variable and not the token', async () => {
    const adapter = createSlackAdapter({
      botToken: 'xoxb-wrong-token',
      signingSecret: 's',
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    const error = await adapter
      .start(async () => ({ status: 'accepted' }), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(SwitchboardError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'slack_auth', message: expect.stringContaining('SLACK_BOT_TOKEN') });
    expect((error as Error).message).not.toContain('xoxb-wrong-token');
    expect(adapter.status?.()).toMatchObject({ state: 'failed' });
  });

  it('refuses to start in Socket Mode with an app token Slack rejects', async () => {
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      appToken: 'xapp-wrong',
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    const error = await adapter
      .start(async () => ({ status: 'accepted' }), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_auth', message: expect.stringContaining('SLACK_APP_TOKEN') });
    await adapter.stop();
  });

  it('starts while Slack is unreachable, says it is retrying, and connects once the network is back', async () => {
    const network = await startNetworkSwitch(fake.url, 'down');
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: 's',
      apiUrl: `${network.url}/api/`,
      logger: silent,
    });
    try {
      await adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal);
      expect(adapter.status?.()).toMatchObject({
        state: 'retrying',
        reason: expect.stringContaining('SLACK_API_URL'),
        attempts: 1,
      });
      network.up();
      await expect.poll(() => adapter.status?.().state, { timeout: 15_000 }).toBe('connected');
    } finally {
      await adapter.stop();
      await network.close();
    }
    expect(adapter.status?.()).toEqual({ state: 'stopped' });
  }, 30_000);

  it('retries in Socket Mode too, and connects once Slack answers', async () => {
    const network = await startNetworkSwitch(fake.url, 'down');
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      appToken: fake.appToken,
      apiUrl: `${network.url}/api/`,
      logger: silent,
    });
    try {
      await adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal);
      expect(adapter.status?.()).toMatchObject({ state: 'retrying' });
      network.up();
      await expect.poll(() => adapter.status?.().state, { timeout: 15_000 }).toBe('connected');
    } finally {
      await adapter.stop();
      await network.close();
    }
  }, 30_000);

  it('needs a signing secret in HTTP mode', () => {
    expect(() =>
      createSlackAdapter({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger: silent }),
    ).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('answers 503 before start and after stop, and stops when the box’s signal aborts', async () => {
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    const server = await serveRoutes(adapter.routes?.() ?? []);
    const target = `${server.url}/slack/events`;
    try {
      expect((await fake.deliver(target, slashCommand({ text: 'early' }))).status).toBe(503);
      const controller = new AbortController();
      await adapter.start(async () => ({ status: 'accepted' }), controller.signal);
      expect((await fake.deliver(target, slashCommand({ text: 'now' }))).status).toBe(200);
      controller.abort();
      await expect
        .poll(async () => (await fake.deliver(target, slashCommand({ text: 'late' }))).status)
        .toBe(503);
    } finally {
      await server.close();
    }
  });
});
