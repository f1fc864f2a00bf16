/**
 * The inbox (ADR 0030): an event is recorded with its task before the platform is told it arrived. With
 * the real Telegram adapter against the fake Bot API: while the database refuses the inbox record, the
 * update is not confirmed (Telegram keeps it); once the database answers, the redelivered update is
 * recorded, confirmed and answered once.
 */
import { createTelegramAdapter } from '@switchboard/adapter-telegram';
import { createAgent, ModelRegistry, startAgentWorker } from '@switchboard/agent';
import { createMemoryBus } from '@switchboard/bus';
import { createDeliveryEngine } from '@switchboard/chat';
import { type Config, createLogger } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type FakeTelegram, startFakeTelegram } from '@switchboard/testkit/fake-telegram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway';

const SETTINGS: Config['agent'] = {
  systemPrompt: 'You are a test.',
  memoryTokens: 3000,
  maxOutputTokens: 256,
  concurrency: 2,
  queueLimit: 10,
};

describe('the inbox in front of Telegram', () => {
  let telegram: FakeTelegram;
  let fake: FakeOpenAI;
  let store: Store;

  beforeAll(async () => {
    telegram = await startFakeTelegram({ maxHoldMs: 200 });
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'Recorded first.', chunkSize: 5 },
    });
    store = await openStore({ dataDir: IN_MEMORY });
  });
  afterAll(async () => {
    await store.close();
    await fake.close();
    await telegram.close();
  });

  it('confirms an update only after it is recorded, so a refused record is delivered again and answered once', async () => {
    let refusals = 2;
    const refusing = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'recordInbound' && refusals > 0) {
          return () => {
            refusals -= 1;
            return Promise.reject(new Error('Connection terminated unexpectedly'));
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const logger = createLogger({ level: 'silent' });
    const adapter = createTelegramAdapter({
      botToken: telegram.token,
      apiRoot: telegram.url,
      pollTimeoutSeconds: 1,
      drafts: false,
      commands: false,
      logger,
    });
    const bus = createMemoryBus();
    const delivery = createDeliveryEngine({ adapterFor: () => adapter, logger });
    const lease = { owner: 'inbox-host:1:boot', ms: 600_000 };
    const gateway = createGateway({
      id: 'gateway-inbox',
      bus,
      adapters: [adapter],
      delivery,
      logger,
      signal: new AbortController().signal,
      retryAfterShutdownMs: 1000,
      inbox: { store: refusing, lease },
    });
    const agent = createAgent({
      store,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings: SETTINGS,
      access: {
        owners: ['telegram:501'],
        allow: {
          telegram: { users: [], chats: [], roles: [] },
          slack: { users: [], chats: [], roles: [] },
          discord: { users: [], chats: [], roles: [] },
          whatsapp: { users: [], chats: [], roles: [] },
          web: { users: [], chats: [], roles: [] },
        },
      },
      logger,
      lease,
    });
    const stopWorker = startAgentWorker(bus, agent, { concurrency: 2 });
    try {
      await gateway.start();
      const alice = telegram.user(501, 'Alice');
      const update = telegram.sendText({ from: alice, text: '/ask is this recorded?' });
      const chat = telegram.privateChat(alice).id;
      await expect
        .poll(() => telegram.messages(chat).map((message) => message.text), { timeout: 20_000 })
        .toContain('Recorded first.');
      expect(refusals).toBe(0);
      expect(telegram.confirmedOffset).toBeGreaterThan(update.update_id);
      expect(telegram.messages(chat).filter((message) => message.text === 'Recorded first.')).toHaveLength(1);
      const tasks = await store.listTasks(`telegram:${telegram.bot.id}:${chat}:-`, 10, 'ask');
      expect(tasks).toMatchObject([
        { status: 'succeeded', eventId: `telegram:${telegram.bot.id}:${update.update_id}` },
      ]);
    } finally {
      stopWorker();
      await gateway.stop(Date.now() + 3000);
      await bus.close();
    }
  }, 60_000);
});
