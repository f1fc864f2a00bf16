/**
 * The WhatsApp fakes. The Cloud API fake speaks Graph's real HTTP shapes. WhatsApp Web itself cannot run
 * offline: whatsapp-web.js drives WhatsApp Web's internal modules inside a real Chromium logged in to a
 * real account, so web mode is tested against `FakeWhatsAppWeb`, typed against the library's own types.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph } from './graph';
import type { FakeGraph } from './types';
import { FakeWhatsAppWeb } from './web-client';
import { createWebhookSender, signWhatsAppBody } from './webhook';

const DAY = 24 * 60 * 60 * 1000;
let clock = Date.UTC(2026, 0, 1);
let graph: FakeGraph;

const send = (body: unknown, token = graph.token) =>
  fetch(`${graph.url}/${graph.phoneNumberId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const text = (to: string, body = 'hi') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
});

beforeAll(async () => {
  graph = await startFakeGraph({ now: () => clock });
});
afterAll(() => graph.close());

describe('fake Graph API', () => {
  it('refuses a wrong token with code 190 and a missing window with 131047', async () => {
    const refused = await send(text('15551230000'), 'wrong');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(190);
    const outside = await send(text('15551230000'));
    expect(((await outside.json()) as { error: { code: number } }).error.code).toBe(131047);
  });

  it('opens the 24-hour window when the user writes, and closes it a day later', async () => {
    graph.userWrote('15551230001', clock);
    const inside = await send(text('15551230001'));
    expect(inside.status).toBe(200);
    expect(((await inside.json()) as { messages: { id: string }[] }).messages[0]?.id).toMatch(/^wamid\./);
    clock += DAY + 60_000;
    expect(graph.windowOpen('15551230001')).toBe(false);
    const template = await send({
      messaging_product: 'whatsapp',
      to: '15551230001',
      type: 'template',
      template: { name: 'reply_waiting', language: { code: 'en_US' } },
    });
    expect(template.status).toBe(200);
  });

  it('validates buttons and text length, and injects throttling errors', async () => {
    graph.userWrote('15551230002', clock);
    const tooMany = await send({
      messaging_product: 'whatsapp',
      to: '15551230002',
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick' },
        action: {
          buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })),
        },
      },
    });
    expect(tooMany.status).toBe(400);
    expect((await send(text('15551230002', 'x'.repeat(4097)))).status).toBe(400);
    graph.fail({ code: 131056, to: '15551230002' });
    const throttled = await send(text('15551230002'));
    expect(((await throttled.json()) as { error: { code: number } }).error.code).toBe(131056);
    expect((await send(text('15551230002'))).status).toBe(200);
  });
});

describe('signed webhook sender', () => {
  it('signs the exact bytes with HMAC-SHA256 of the app secret', async () => {
    const received: { raw: string; signature: string | undefined }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          signature: request.headers['x-hub-signature-256'] as string | undefined,
        });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sender = createWebhookSender({ url: `http://127.0.0.1:${port}/`, appSecret: 's3cret', graph });
    await sender.text({ from: '15551230003', body: 'hello' });
    server.close();
    const [first] = received;
    expect(first?.signature).toBe(signWhatsAppBody(first?.raw ?? '', 's3cret'));
    expect(JSON.parse(first?.raw ?? '{}')).toMatchObject({ object: 'whatsapp_business_account' });
    expect(graph.windowOpen('15551230003')).toBe(true);
  });
});

describe('fake WhatsApp Web client', () => {
  it('shows a QR code until scanned, then is ready; sending emits message_create', async () => {
    const world = new FakeWhatsAppWeb();
    const client = world.createClient();
    const qr = new Promise<string>((resolve) => client.on('qr', resolve));
    const ready = new Promise<void>((resolve) => client.on('ready', resolve));
    void client.initialize();
    expect(await qr).toBe(world.qrCode);
    world.scan();
    await ready;
    const created = new Promise<string>((resolve) => client.on('message_create', (m) => resolve(m.body)));
    await client.sendMessage(`${world.me}@c.us`, 'note to self');
    expect(await created).toBe('note to self');
  });
});
