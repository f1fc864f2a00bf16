/**
 * Web mode against testkit's fake whatsapp-web.js client. WhatsApp Web itself cannot run offline: the
 * library drives WhatsApp Web's internal modules in a real Chromium linked to a real account.
 */
import { createDeliveryEngine } from '@switchboard/chat';
import { type ChatAdapter, createLogger, decodeApprovalAction, type InboundEvent } from '@switchboard/core';
import { FakeWhatsAppWeb } from '@switchboard/testkit/fake-whatsapp';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebModeAdapter, type WebAdapterOptions } from './adapter';

const silent = createLogger({ level: 'silent' });
const ALICE = '15551230001';
const chat = `${ALICE}@c.us`;
const settings = { chromiumPath: '/nonexistent/chromium', groupPrefix: '/ask', progressMs: 0 };

let adapter: ChatAdapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
});

async function started(world: FakeWhatsAppWeb, extra: Partial<WebAdapterOptions> = {}) {
  const events: InboundEvent[] = [];
  adapter = createWebModeAdapter({
    settings,
    logger: silent,
    dataDir: '/tmp/unused',
    admitted: new Set([ALICE]),
    clientFactory: async () => world.createClient(),
    showQr: () => {},
    connectTimeoutMs: 500,
    baseBackoffMs: 50,
    ...extra,
  });
  await adapter.start(async (event) => {
    events.push(event);
    return { status: 'accepted' };
  }, new AbortController().signal);
  return { adapter, events };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('numbered approvals in web mode', () => {
  it('asks "reply 1 … 2 …", and a reply of 1 presses approve through the approval codec, once', async () => {
    const world = new FakeWhatsAppWeb({ linked: true });
    const { adapter: web, events } = await started(world);
    const engine = createDeliveryEngine({ adapterFor: () => web });
    engine.open('origin', { platform: 'whatsapp', data: { mode: 'web', chatId: chat } });
    await engine.accept('origin', {
      type: 'approval-request',
      approvalId: 'ap-1',
      summary: 'Delete /tmp/cache?',
      choices: ['approve', 'deny'],
    });
    await until(() => world.sentTo(chat).length > 0);
    expect(world.sentTo(chat)[0]).toBe('Delete /tmp/cache?\n\nReply 1 to approve or 2 to deny.');

    world.receive({ from: ALICE, body: ' 1 ' });
    await until(() => events.length === 1);
    expect(events[0]?.kind).toBe('action');
    expect(decodeApprovalAction(events[0]?.action)).toEqual({ approvalId: 'ap-1', choice: 'approve' });

    world.receive({ from: ALICE, body: '2' });
    await until(() => events.length === 2);
    expect(events[1]?.kind).toBe('message');
    await engine.accept('origin', { type: 'reply-end', text: 'done', meta: {} });
    await engine.close();
  });

  it('binds the numbers to the latest approval of the chat, and lets them expire with it', async () => {
    let clock = 1_000_000;
    const world = new FakeWhatsAppWeb({ linked: true });
    const { adapter: web, events } = await started(world, { now: () => clock, approvalTtlMs: 60_000 });
    const ask = (approvalId: string) =>
      web.post(
        { platform: 'whatsapp', data: { mode: 'web', chatId: chat } },
        {
          text: `Run ${approvalId}?`,
          final: true,
          buttons: [
            { id: 'approval', value: `${approvalId}:approve`, label: 'approve' },
            { id: 'approval', value: `${approvalId}:deny`, label: 'deny' },
          ],
        },
      );
    await ask('ap-old');
    await ask('ap-new');
    world.receive({ from: ALICE, body: '2' });
    await until(() => events.length === 1);
    expect(decodeApprovalAction(events[0]?.action)).toEqual({ approvalId: 'ap-new', choice: 'deny' });

    await ask('ap-late');
    clock += 61_000;
    world.receive({ from: ALICE, body: '1' });
    await until(() => events.length === 2);
    expect(events[1]?.kind).toBe('message');
    expect(events[1]?.action).toBeUndefined();
  });
});

describe('numbered approvals in a group', () => {
  it('takes a bare number without the prefix while an approval waits there, and only then', async () => {
    const group = '120363025246125486@g.us';
    const world = new FakeWhatsAppWeb({ linked: true });
    const { adapter: web, events } = await started(world);
    world.receiveInGroup({ group, author: ALICE, body: '1' });
    await web.post(
      { platform: 'whatsapp', data: { mode: 'web', chatId: group } },
      {
        text: 'Run it?',
        final: true,
        buttons: [{ id: 'approval', value: 'ap-g:approve', label: 'approve' }],
      },
    );
    world.receiveInGroup({ group, author: '15559999999', body: '1' });
    world.receiveInGroup({ group, author: ALICE, body: '1' });
    await until(() => events.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toHaveLength(1);
    expect(events[0]?.author.platformUserId).toBe(ALICE);
    expect(decodeApprovalAction(events[0]?.action)).toEqual({ approvalId: 'ap-g', choice: 'approve' });
  });
});

describe('connecting to WhatsApp Web', () => {
  it('without network: start ends with a clear message within the timeout, then reconnects', async () => {
    const world = new FakeWhatsAppWeb({ linked: true });
    world.initializeAs('offline');
    const { adapter: web } = await started(world);
    const status = web.status?.();
    expect(status).toMatchObject({ state: 'retrying' });
    expect(status && 'reason' in status ? status.reason : '').toMatch(
      /cannot be reached: net::ERR_INTERNET_DISCONNECTED/,
    );
    await world.connected(1);
    await until(() => web.status?.().state === 'connected');
  });

  it('a start that hangs (the page never loads) ends at the connect timeout instead', async () => {
    const world = new FakeWhatsAppWeb({ linked: true });
    world.initializeAs('hang', 'hang');
    const startedAt = Date.now();
    const { adapter: web } = await started(world, { connectTimeoutMs: 300, baseBackoffMs: 10_000 });
    expect(Date.now() - startedAt).toBeLessThan(5000);
    const status = web.status?.();
    expect(status && 'reason' in status ? status.reason : '').toMatch(/cannot be reached: no answer within/);
  });

  it('refuses to start without Chromium, naming WHATSAPP_CHROMIUM_PATH', async () => {
    adapter = createWebModeAdapter({ settings, logger: silent, dataDir: '/tmp/unused', admitted: new Set() });
    await expect(
      adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal),
    ).rejects.toThrow(/WHATSAPP_CHROMIUM_PATH/);
  });

  it('says the session was logged out, and stops retrying', async () => {
    const world = new FakeWhatsAppWeb({ linked: true });
    const { adapter: web } = await started(world);
    world.logOut();
    await until(() => web.status?.().state === 'failed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.clients).toHaveLength(1);
    const status = web.status?.();
    expect(status && 'reason' in status ? status.reason : '').toMatch(
      /logged this box out.*switchboard whatsapp link/,
    );
  });
});
