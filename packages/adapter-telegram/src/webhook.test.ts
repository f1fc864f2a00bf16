import { deferred, type SinkResult, type WebhookRoute } from '@switchboard/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

const SECRET = 'Webhook_secret-0123456789';
const URL_ = 'https://box.example.com/telegram/webhook';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

function routeOf(current: Harness): WebhookRoute {
  const [route] = current.adapter.routes?.() ?? [];
  if (route === undefined) throw new Error('no webhook route');
  return route;
}

function deliver(route: WebhookRoute, body: unknown, secret: string | null = SECRET): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
  const request = new Request(`http://127.0.0.1${route.path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return route.handle(request, { remoteAddress: '127.0.0.1' });
}

describe('the Telegram adapter in webhook mode', () => {
  it('sets the webhook with its secret at start and mounts the route on the URL path', async () => {
    harness = await startHarness({ webhook: { url: URL_, secret: SECRET } });
    const route = routeOf(harness);
    expect(route).toMatchObject({ method: 'POST', path: '/telegram/webhook' });
    const call = await harness.fake.waitFor('setWebhook');
    expect(call.params).toMatchObject({
      url: URL_,
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    expect(harness.fake.callsTo('deleteWebhook')).toHaveLength(0);
  });

  it('refuses a wrong or missing secret with 401 and hands nothing over', async () => {
    harness = await startHarness({ webhook: { url: URL_, secret: SECRET } });
    const update = harness.fake.textUpdate({ from: harness.fake.user(1), text: '/ask hi' });
    expect((await deliver(routeOf(harness), update, 'Webhook_secret-0123456788')).status).toBe(401);
    expect((await deliver(routeOf(harness), update, null)).status).toBe(401);
    expect((await deliver(routeOf(harness), update, '')).status).toBe(401);
    expect(harness.events).toEqual([]);
    expect((await deliver(routeOf(harness), update)).status).toBe(200);
    expect(harness.events).toHaveLength(1);
  });

  it('answers 200 with an empty body once the bus has the update, without waiting for any reply', async () => {
    harness = await startHarness({ webhook: { url: URL_, secret: SECRET } });
    const update = harness.fake.textUpdate({ from: harness.fake.user(2), text: 'hello' });
    const response = await deliver(routeOf(harness), update);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(harness.events[0]?.id).toBe(`telegram:${harness.fake.bot.id}:${update.update_id}`);
  });

  it('asks Telegram to deliver again (503) when the bus is full or too slow, and 400 for a body that is not JSON', async () => {
    harness = await startHarness({ webhook: { url: URL_, secret: SECRET }, webhookAckTimeoutMs: 200 });
    const route = routeOf(harness);
    const update = harness.fake.textUpdate({ from: harness.fake.user(3), text: 'hello' });
    harness.verdict = () => ({ status: 'busy', retryAfterMs: 2500 });
    const busy = await deliver(route, update);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('3');
    const slow = deferred<SinkResult>();
    harness.verdict = () => slow.promise;
    expect((await deliver(route, update)).status).toBe(503);
    slow.resolve({ status: 'accepted' });
    expect((await deliver(route, '{not json')).status).toBe(400);
  });

  it('survives 1,000 malformed bodies with no crash and no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      harness = await startHarness({ webhook: { url: URL_, secret: SECRET } });
      const route = routeOf(harness);
      const bodies = fc.sample(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => ({ update_id: 1, message: value })),
        ),
        {
          numRuns: 1000,
          seed: 6,
        },
      );
      for (const body of bodies) {
        const response = await deliver(route, body);
        expect([200, 400]).toContain(response.status);
      }
      const ok = await deliver(route, harness.fake.textUpdate({ from: harness.fake.user(4), text: 'fine?' }));
      expect(ok.status).toBe(200);
      expect(harness.events.at(-1)?.text).toBe('fine?');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  }, 30_000);
});
