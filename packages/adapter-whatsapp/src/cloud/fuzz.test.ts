import { type ChatAdapter, createLogger, type InboundEvent, type WebhookRoute } from '@switchboard/core';
import { type FakeGraph, signWhatsAppBody, startFakeGraph } from '@switchboard/testkit/fake-whatsapp';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAdapter } from './adapter';

const APP_SECRET = 'fuzz-secret';

/** Values that look almost like Meta's: the right keys with wrong types, nesting and sizes. */
const metaish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.constantFrom(
      'whatsapp_business_account',
      'messages',
      'text',
      'interactive',
      'button_reply',
      'audio',
      '15551230001',
      '106540352242922',
      'approval:ap:approve',
      '1700000000',
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
      'object',
      'entry',
      'changes',
      'value',
      'field',
      'metadata',
      'phone_number_id',
      'messages',
      'contacts',
      'statuses',
      'from',
      'id',
      'timestamp',
      'type',
      'text',
      'body',
      'interactive',
      'button_reply',
      'title',
      'wa_id',
      'profile',
      'name',
      'errors',
      'code',
      'status',
      '__proto__',
      'constructor',
    ),
    tie('value'),
    { maxKeys: 8 },
  ),
}));

const envelope = fc
  .record({
    object: fc.oneof(fc.constant('whatsapp_business_account'), metaish.value),
    entry: fc.oneof(
      fc.array(
        fc.record({
          id: metaish.value,
          changes: fc.oneof(
            fc.array(
              fc.record({
                field: fc.oneof(fc.constant('messages'), metaish.value),
                value: fc.oneof(
                  fc.record({
                    metadata: fc.oneof(fc.constant({ phone_number_id: '106540352242922' }), metaish.value),
                    messages: fc.oneof(fc.array(metaish.object, { maxLength: 3 }), metaish.value),
                    contacts: metaish.value,
                    statuses: metaish.value,
                  }),
                  metaish.value,
                ),
              }),
              { maxLength: 2 },
            ),
            metaish.value,
          ),
        }),
        { maxLength: 2 },
      ),
      metaish.value,
    ),
  })
  .map((value) => JSON.stringify(value));

const payload = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 4, arbitrary: envelope },
);

describe('the WhatsApp webhook under malformed payloads', () => {
  let graph: FakeGraph;
  let adapter: ChatAdapter;
  let post: WebhookRoute;
  const events: InboundEvent[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    graph = await startFakeGraph();
    const logger = createLogger({ level: 'debug', destination: { write: (line) => lines.push(line) } });
    adapter = createCloudAdapter({
      settings: {
        token: graph.token,
        phoneNumberId: graph.phoneNumberId,
        appSecret: APP_SECRET,
        verifyToken: 'v',
        graphUrl: graph.url,
        template: undefined,
        progressMs: 0,
      },
      logger,
      mayUse: () => false,
    });
    await adapter.start(async (event) => {
      events.push(event);
      return { status: 'accepted' };
    }, new AbortController().signal);
    const route = adapter.routes?.().find((candidate) => candidate.method === 'POST');
    if (route === undefined) throw new Error('no POST route');
    post = route;
  });
  afterAll(async () => {
    await adapter.stop();
    await graph.close();
  });

  it('answers 1,000 signed malformed payloads with a 4xx or ignores them with a log; never crashes', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const statuses = new Map<number, number>();
    try {
      await fc.assert(
        fc.asyncProperty(payload, async (raw) => {
          const linesBefore = lines.length;
          const eventsBefore = events.length;
          const response = await post.handle(
            new Request('http://box/whatsapp/webhook', {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-hub-signature-256': signWhatsAppBody(raw, APP_SECRET),
              },
              body: raw,
            }),
            {},
          );
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 400) {
            expect(response.status).toBeLessThan(500);
            return;
          }
          expect(response.status).toBe(200);
          const logged = lines.length > linesBefore;
          const enqueued = events.length > eventsBefore;
          expect(logged || enqueued).toBe(true);
          for (const event of events.slice(eventsBefore)) {
            expect(event.id).toMatch(/^whatsapp:/);
            expect(event.conversation.platform).toBe('whatsapp');
          }
        }),
        { numRuns: 1000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
    expect((statuses.get(400) ?? 0) + (statuses.get(200) ?? 0)).toBe(1000);
  }, 120_000);
});
