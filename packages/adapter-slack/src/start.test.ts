import { createLogger, SwitchboardError } from '@switchboard/core';
import { type FakeSlack, slashCommand, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';
import { serveRoutes } from './test-server';

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

  it('refuses to start when Slack cannot be reached', async () => {
    const adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: 's',
      apiUrl: 'http://127.0.0.1:9/api/',
      logger: silent,
    });
    const error = await adapter
      .start(async () => ({ status: 'accepted' }), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'slack_unavailable',
      message: expect.stringContaining('SLACK_API_URL'),
    });
  });

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
