import { createMemoryBus } from '@switchboard/bus';
import {
  type Config,
  createLogger,
  type InboundEvent,
  parseCommand,
  type ReplyPart,
} from '@switchboard/core';
import { createTestDatabase, IN_MEMORY, openStore, type Store, type TestDatabase } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type NetworkSwitch, startNetworkSwitch } from '@switchboard/testkit/network-switch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './agent';
import { ModelRegistry } from './model-registry';
import { DATABASE_UNAVAILABLE } from './replies';

/**
 * A database outage in the middle of an answer, on real Postgres: the connection goes through a TCP
 * switch the test turns off while the model streams. The user is told at once; the task ends `failed`
 * with that message as soon as the database answers again, and nothing stays `running`.
 */

const serverUrl = process.env['DATABASE_URL'];
const access: Config['access'] = {
  owners: ['telegram:1'],
  allow: {
    telegram: { users: [], chats: [], roles: [] },
    slack: { users: [], chats: [], roles: [] },
    discord: { users: [], chats: [], roles: [] },
    whatsapp: { users: [], chats: [], roles: [] },
    web: { users: [], chats: [], roles: [] },
  },
};
const settings: Config['agent'] = {
  systemPrompt: 'You are a test.',
  memoryTokens: 3000,
  maxOutputTokens: 256,
  concurrency: 2,
  queueLimit: 10,
};

describe.runIf(serverUrl)('a database outage mid-answer, on Postgres', () => {
  let database: TestDatabase;
  let network: NetworkSwitch;
  let viaSwitch: Store;
  let direct: Store;
  let fake: FakeOpenAI;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    network = await startNetworkSwitch(`http://${url.hostname}:${url.port || '5432'}`);
    direct = await openStore({ dataDir: IN_MEMORY, databaseUrl: database.url });
    const switched = new URL(database.url);
    switched.hostname = '127.0.0.1';
    switched.port = String(network.port);
    viaSwitch = await openStore({ dataDir: IN_MEMORY, databaseUrl: switched.toString() });
    const answer = Array.from({ length: 30 }, (_, index) => `piece${index}`).join(' ');
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: answer, chunkSize: 6, delayMs: 40 },
    });
  });
  afterAll(async () => {
    await viaSwitch?.close();
    await direct?.close();
    await network?.close();
    await fake?.close();
    await database?.drop();
  });

  it('tells the user at once, and ends the task failed with that message once the database is back', async () => {
    const bus = createMemoryBus();
    const parts: ReplyPart[] = [];
    bus.onReplies('local', async (_requestId, part) => {
      parts.push(part);
      if (part.type === 'text-delta' && network.state === 'up' && parts.length > 3) network.down();
    });
    const agent = createAgent({
      store: viaSwitch,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
      lease: { owner: 'outage-host:1:boot', ms: 600 },
    });
    const text = '/ask tell me thirty pieces';
    const event: InboundEvent = {
      id: 'telegram:outage-1',
      kind: 'command',
      conversation: { platform: 'telegram', account: 'bot', channel: 'outage', direct: true },
      author: { platformUserId: '1', displayName: 'Alice' },
      text,
      ...(parseCommand(text, { direct: true })
        ? { command: { name: 'ask', args: 'tell me thirty pieces' } }
        : {}),
      reply: { platform: 'telegram', data: { chat: 'outage' } },
      receivedAt: new Date().toISOString(),
    };
    try {
      await agent.handle(event, { attempt: 1, signal: new AbortController().signal });
      expect(network.state).toBe('down');
      const finals = parts.filter((part) => part.type === 'reply-end' || part.type === 'error');
      expect(finals).toEqual([DATABASE_UNAVAILABLE]);
      const [during] = await direct.listTasks('telegram:bot:outage:-', 1);
      expect(during).toMatchObject({ status: 'running' });

      network.up();
      await expect
        .poll(async () => (await direct.listTasks('telegram:bot:outage:-', 1))[0], { timeout: 20_000 })
        .toMatchObject({
          status: 'failed',
          errorCode: 'database_unavailable',
          errorMessage: DATABASE_UNAVAILABLE.type === 'error' ? DATABASE_UNAVAILABLE.message : '',
          reply: DATABASE_UNAVAILABLE,
        });
    } finally {
      agent.close();
      await bus.close();
    }
  }, 60_000);
});
