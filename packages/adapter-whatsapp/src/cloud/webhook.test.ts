import { type ChatAdapter, createLogger, type InboundEvent, type WebhookRoute } from '@switchboard/core';
import {
  type FakeGraph,
  messagesWebhook,
  newMessageId,
  signWhatsAppBody,
  startFakeGraph,
} from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAdapter } from './adapter';

const SECRET = 'webhook-secret';
let graph: FakeGraph;
let adapter: ChatAdapter;
let post: WebhookRoute;
const events: InboundEvent[] = [];
const lines: { level: number; msg: string; code?: number }[] = [];

const deliver = (raw: string) =>
  post.handle(
    new Request('http://box/whatsapp/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(raw, SECRET) },
      body: raw,
    }),
    {},
  );

beforeAll(async () => {
  graph = await startFakeGraph();
  adapter = createCloudAdapter({
    settings: {
      token: graph.token,
      phoneNumberId: graph.phoneNumberId,
      appSecret: SECRET,
      verifyToken: 'v',
      graphUrl: graph.url,
      template: undefined,
      progressMs: 0,
    },
    logger: createLogger({
      level: 'info',
      destination: { write: (line) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
    }),
    mayUse: () => true,
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

describe('the cloud webhook', () => {
  it('logs a failed status plainly (131047, 131026) and enqueues nothing', async () => {
    const body = messagesWebhook({
      phoneNumberId: graph.phoneNumberId,
      statuses: [
        {
          id: newMessageId(),
          status: 'failed',
          recipient_id: '15550000001',
          errors: [{ code: 131047, title: 'Re-engagement message' }],
        },
        {
          id: newMessageId(),
          status: 'failed',
          recipient_id: '15550000002',
          errors: [{ code: 131026, title: 'Message Undeliverable' }],
        },
        { id: newMessageId(), status: 'delivered', recipient_id: '15550000003' },
      ],
    });
    const response = await deliver(JSON.stringify(body));
    expect(response.status).toBe(200);
    expect(events).toHaveLength(0);
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings.some((msg) => msg.includes('more than 24 hours') && msg.includes('131047'))).toBe(true);
    expect(warnings.some((msg) => msg.includes('could not deliver') && msg.includes('131026'))).toBe(true);
  });

  it('turns a text into a whatsapp:<wamid> event and a button press into an action', async () => {
    const id = newMessageId();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = messagesWebhook({
      phoneNumberId: graph.phoneNumberId,
      contacts: [{ waId: '15550000004', name: 'Dana' }],
      messages: [
        { from: '15550000004', id, timestamp, type: 'text', text: { body: '/status' } },
        {
          from: '15550000004',
          id: newMessageId(),
          timestamp,
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'approval:ap-7:deny', title: 'deny' } },
        },
      ],
    });
    expect((await deliver(JSON.stringify(body))).status).toBe(200);
    expect(events.map((event) => [event.id, event.kind, event.command?.name, event.action?.value])).toEqual([
      [`whatsapp:${id}`, 'command', 'status', undefined],
      [expect.stringMatching(/^whatsapp:wamid\./), 'action', undefined, 'ap-7:deny'],
    ]);
    expect(events[0]?.author).toEqual({ platformUserId: '15550000004', displayName: 'Dana' });
  });

  it('ignores, with a log line, messages for another phone number id', async () => {
    const before = events.length;
    const body = messagesWebhook({
      phoneNumberId: '999999999',
      messages: [
        {
          from: '15550000005',
          id: newMessageId(),
          timestamp: '1700000000',
          type: 'text',
          text: { body: 'hi' },
        },
      ],
    });
    expect((await deliver(JSON.stringify(body))).status).toBe(200);
    expect(events.length).toBe(before);
    expect(lines.some((line) => line.msg.includes('another phone number id'))).toBe(true);
  });
});
