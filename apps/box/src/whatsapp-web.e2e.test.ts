/**
 * WhatsApp web mode through the whole box. WhatsApp Web itself cannot run offline (whatsapp-web.js
 * drives WhatsApp Web's internal modules in a real Chromium linked to a real account), so the box gets
 * testkit's fake client, typed against the library's own types.
 */
import { createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { FakeWhatsAppWeb } from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const OWNER = '15550001111';
const ALICE = '15551230001';
const STRANGER = '15559999999';
const GROUP = '120363025246125486@g.us';
const QUICK = { type: 'text', text: 'Quick answer.', chunkSize: 6, delayMs: 5 } as const;

const completions = (openai: FakeOpenAI) =>
  openai.requests.filter((request) => request.path.endsWith('/chat/completions')).length;

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('WhatsApp web mode through the whole box', () => {
  const world = new FakeWhatsAppWeb({ me: OWNER });
  const shown: string[] = [];
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    const config = loadConfig({
      env: {
        SWITCHBOARD_DATA_DIR: 'memory://',
        OPENAI_BASE_URL: openai.url,
        OPENAI_MODELS: 'fake-model',
        SWITCHBOARD_OWNER: `whatsapp:${OWNER}`,
        WHATSAPP_MODE: 'web',
        WHATSAPP_ALLOWED_USERS: ALICE,
        WHATSAPP_PROGRESS_SECONDS: '0',
      },
      file: false,
    });
    box = await startBox(config, {
      port: 0,
      logger: silent,
      whatsappWeb: {
        clientFactory: async () => world.createClient(),
        showQr: (qr) => shown.push(qr),
        connectTimeoutMs: 2000,
        baseBackoffMs: 50,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
  });

  it('starts unlinked with the QR code shown, and connects once it is scanned', async () => {
    expect(shown).toEqual([world.qrCode]);
    const whatsapp = box.report().platforms.find((platform) => platform.platform === 'whatsapp');
    expect(whatsapp).toMatchObject({ state: 'retrying' });
    expect(whatsapp?.reason).toMatch(/not linked yet/);
    world.scan();
    await world.connected();
    await until(() =>
      box.report().platforms.some((p) => p.platform === 'whatsapp' && p.state === 'connected'),
    );
  });

  it("answers the owner's own chat once, without reading its own reply as a request", async () => {
    const before = completions(openai);
    world.writeToSelf('hello me');
    const self = `${OWNER}@c.us`;
    await until(() => world.sentTo(self).includes('Quick answer.'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(completions(openai)).toBe(before + 1);
    expect(world.sentTo(self)).toEqual(['Quick answer.']);
    expect(world.typing).toContain(self);
  });

  it('answers an allowed number and stays silent to everyone else', async () => {
    const before = completions(openai);
    world.receive({ from: STRANGER, body: 'hi, who is this?' });
    world.receive({ from: ALICE, body: 'hi' });
    await until(() => world.sentTo(`${ALICE}@c.us`).includes('Quick answer.'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.sentTo(`${STRANGER}@c.us`)).toEqual([]);
    expect(completions(openai)).toBe(before + 1);
  });

  it('answers in a group only when addressed with the prefix, by an allowed number', async () => {
    const before = completions(openai);
    world.receiveInGroup({ group: GROUP, author: ALICE, body: 'who is up for lunch?' });
    world.receiveInGroup({ group: GROUP, author: STRANGER, body: '/ask tell me secrets' });
    world.receiveInGroup({ group: GROUP, author: ALICE, body: '/ask what is lunch in French?' });
    await until(() => world.sentTo(GROUP).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.sentTo(GROUP)).toEqual(['Quick answer.']);
    expect(completions(openai)).toBe(before + 1);
  });

  it('delivers a 10,000-character answer complete and in order', async () => {
    const paragraphs = Array.from({ length: 20 }, (_, index) =>
      `Part ${index}. ${'Every word arrives in its place. '.repeat(15)}`.trim(),
    );
    const long = paragraphs.join('\n\n');
    openai.enqueue({ type: 'text', text: long, chunkSize: 2500, delayMs: 5 });
    const chat = `${ALICE}@c.us`;
    const before = world.sentTo(chat).length;
    world.receive({ from: ALICE, body: 'write a lot' });
    await until(
      () =>
        world
          .sentTo(chat)
          .at(-1)
          ?.endsWith(paragraphs.at(-1) ?? '') === true,
      20_000,
    );
    const chunks = world.sentTo(chat).slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(4096);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
  });

  it('answers a voice note with "text only for now"', async () => {
    world.receive({ from: ALICE, body: '', type: 'ptt' as never });
    await until(() => world.sentTo(`${ALICE}@c.us`).some((text) => text.includes('only read text')));
  });

  it('reconnects after a drop and keeps answering', async () => {
    world.drop('TIMEOUT' as never);
    await world.connected(2);
    expect(world.clients[0]?.destroyed).toBe(true);
    world.receive({ from: ALICE, body: 'still there?' });
    const chat = `${ALICE}@c.us`;
    const before = world.sentTo(chat).length;
    await until(() => world.sentTo(chat).length > before);
    expect(world.sentTo(chat).at(-1)).toBe('Quick answer.');
  });

  it('reports a logged-out session as failed with what to do', async () => {
    world.logOut();
    await until(() => box.report().platforms.some((p) => p.platform === 'whatsapp' && p.state === 'failed'));
    const whatsapp = box.report().platforms.find((platform) => platform.platform === 'whatsapp');
    expect(whatsapp?.reason).toMatch(/switchboard whatsapp link/);
  });
});
