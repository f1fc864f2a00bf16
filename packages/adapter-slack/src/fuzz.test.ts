import { type ChatAdapter, createLogger, type InboundEvent } from '@switchboard/core';
import { type FakeSlack, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { serveRoutes } from '@switchboard/testkit/serve-routes';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from './adapter';
import { normalizeAction, normalizeCommand, normalizeMention, normalizeMessage } from './normalize';
import { ThreadMemory } from './threads';

const silent = createLogger({ level: 'silent' });

/** Values that look almost like Slack's: the right keys with wrong types, nesting and sizes. */
const slackish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.constantFrom(
      '',
      'event_callback',
      'block_actions',
      'app_mention',
      'message',
      '/ask',
      'im',
      'U0BOT',
      '<@U0BOT>',
      'T0FAKE',
    ),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(
    fc.constantFrom(
      'type',
      'event',
      'team_id',
      'event_id',
      'user',
      'text',
      'ts',
      'thread_ts',
      'channel',
      'channel_type',
      'subtype',
      'bot_id',
      'actions',
      'team',
      'container',
      'message',
      'trigger_id',
      'command',
      'action_id',
      'value',
      'id',
      'authorizations',
      '__proto__',
      'constructor',
    ),
    tie('value'),
    { maxKeys: 8 },
  ),
}));

const body = fc.oneof(
  fc.record({ contentType: fc.constant('application/json'), text: fc.json() }),
  fc.record({
    contentType: fc.constant('application/json'),
    text: fc
      .record({
        type: fc.constantFrom('event_callback', 'url_verification', 'block_actions', 'nonsense'),
        event: slackish.object,
        team_id: slackish.value,
        event_id: slackish.value,
      })
      .map((value) => JSON.stringify(value)),
  }),
  fc.record({
    contentType: fc.constant('application/x-www-form-urlencoded'),
    text: slackish.object.map((payload) =>
      new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', ...payload }) }).toString(),
    ),
  }),
  fc.record({
    contentType: fc.constant('application/x-www-form-urlencoded'),
    text: fc
      .dictionary(
        fc.constantFrom(
          'command',
          'text',
          'team_id',
          'user_id',
          'channel_id',
          'trigger_id',
          'payload',
          'ssl_check',
        ),
        fc.string(),
      )
      .map((fields) => new URLSearchParams(fields).toString()),
  }),
  fc.record({
    contentType: fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', ''),
    text: fc.string({ unit: 'binary' }),
  }),
);

describe('malformed Slack payloads', () => {
  let fake: FakeSlack;
  let adapter: ChatAdapter;
  let server: { url: string; close(): Promise<void> };
  const controller = new AbortController();
  const received: InboundEvent[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    fake = await startFakeSlack();
    adapter = createSlackAdapter({
      botToken: fake.botToken,
      signingSecret: fake.signingSecret,
      apiUrl: fake.apiUrl,
      logger: silent,
    });
    await adapter.start(async (event) => {
      received.push(event);
      return { status: 'accepted' };
    }, controller.signal);
    server = await serveRoutes(adapter.routes?.() ?? []);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    controller.abort();
    await adapter?.stop();
    await server?.close();
    await fake?.close();
  });

  it('1,000 signed malformed payloads: no crash, no unhandled rejection, a quick 2xx/4xx every time', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async ({ contentType, text }) => {
        const result = await fake.deliverRaw(`${server.url}/slack/events`, text, { contentType });
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        expect(result.timedOut).toBe(false);
        expect([200, 400]).toContain(result.status);
      }),
      { numRuns: 1_000 },
    );
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    for (const event of received) {
      expect(event.id).toMatch(/^slack:[^:]+:.+/);
      expect(typeof event.text).toBe('string');
    }
    // The adapter still works afterwards.
    const ok = await fake.deliverRaw(
      `${server.url}/slack/events`,
      JSON.stringify({ type: 'url_verification', challenge: 'still-alive' }),
    );
    expect(JSON.parse(ok.body)).toEqual({ challenge: 'still-alive' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('normalizers return an event or a reason for any input, never throw', () => {
    const context = {
      botUserId: 'U0BOT',
      command: '/ask',
      threads: new ThreadMemory(),
      now: () => new Date(),
    };
    fc.assert(
      fc.property(slackish.object, slackish.object, (outer, inner) => {
        for (const result of [
          normalizeCommand(outer, context),
          normalizeMention(outer, inner, context),
          normalizeMessage(outer, inner, context),
          normalizeAction(outer, context),
        ]) {
          if ('ignored' in result) expect(typeof result.ignored).toBe('string');
          else expect(result.id).toMatch(/^slack:/);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
