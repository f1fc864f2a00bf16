/**
 * The write path of one normal question, counted at the database driver (PGlite's and `pg`'s own query
 * methods, wrapped): at most 3 SQL round trips and 2 commits from the web API's request to its final
 * part — the inbox record, the claim's read with the question's context (person, whether memories
 * exist, summary and newest turns, in the same statement), and the statement that ends the task with its
 * reply and turns. ADR 0030 explains the budget; recall adds its query only when the person keeps memories. On
 * Postgres each of them is a named prepared statement (ADR 0050).
 */
import { PGlite } from '@electric-sql/pglite';
import { createWebAdapter, readParts } from '@switchboard/adapter-web';
import { createAgent, ModelRegistry, startAgentWorker } from '@switchboard/agent';
import { createMemoryBus } from '@switchboard/bus';
import { createDeliveryEngine } from '@switchboard/chat';
import { type Config, createLogger, type ReplyPart } from '@switchboard/core';
import { createTestDatabase, IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway';

const SETTINGS: Config['agent'] = {
  systemPrompt: 'You are a test.',
  memoryTokens: 3000,
  maxOutputTokens: 256,
  concurrency: 2,
  queueLimit: 10,
};
const ACCESS: Config['access'] = {
  owners: [],
  allow: {
    telegram: { users: [], chats: [], roles: [] },
    slack: { users: [], chats: [], roles: [] },
    discord: { users: [], chats: [], roles: [] },
    whatsapp: { users: [], chats: [], roles: [] },
    web: { users: [], chats: [], roles: [] },
  },
};

/** Statements seen at the driver while counting. */
interface Count {
  statements: string[];
  commits: number;
  /** Statements sent as named prepared statements (`pg` only: parsed once per connection, ADR 0050). */
  named: number;
}

const WRITE = /^\s*(insert|update|delete|with\b[\s\S]*\b(insert|update|delete)\b)/i;

/** Wrap a driver method so every statement through it is counted while `count` is set. */
function wrap<T extends object>(prototype: T, method: keyof T & string, counter: () => Count | undefined) {
  const original = prototype[method] as unknown as (...args: unknown[]) => unknown;
  (prototype as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const count = counter();
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    if (count !== undefined) {
      count.statements.push(text.replace(/\s+/g, ' ').slice(0, 80));
      if (/^\s*commit/i.test(text) || WRITE.test(text)) count.commits += 1;
      if (typeof (first as { name?: unknown } | null)?.name === 'string') count.named += 1;
    }
    return original.apply(this, args);
  };
  return () => {
    (prototype as Record<string, unknown>)[method] = original;
  };
}

const drivers: { name: string; open(): Promise<{ store: Store; drop(): Promise<void> }> }[] = [
  {
    name: 'PGlite',
    open: async () => ({ store: await openStore({ dataDir: IN_MEMORY }), drop: async () => {} }),
  },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    open: async () => {
      const database = await createTestDatabase();
      const store = await openStore({ dataDir: IN_MEMORY, databaseUrl: database.url });
      return { store, drop: () => database.drop() };
    },
  });
}

describe.each(drivers)('one normal question on $name', (driver) => {
  let fake: FakeOpenAI;
  let count: Count | undefined;
  const unwrap: (() => void)[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Lean answer.', chunkSize: 4 } });
    unwrap.push(
      wrap(PGlite.prototype, 'query', () => count),
      wrap(PGlite.prototype, 'exec', () => count),
      wrap(pg.Client.prototype, 'query', () => count),
    );
  });
  afterAll(async () => {
    for (const undo of unwrap) undo();
    await fake.close();
  });
  afterEach(() => {
    count = undefined;
  });

  it('costs at most 3 round trips and 2 commits, from the web request to its final part', async () => {
    const { store, drop } = await driver.open();
    const logger = createLogger({ level: 'silent' });
    const bus = createMemoryBus();
    const web = createWebAdapter({ apiToken: undefined });
    const delivery = createDeliveryEngine({ adapterFor: () => web, logger });
    const lease = { owner: 'lean-host:1:boot', ms: 600_000 };
    const gateway = createGateway({
      id: 'gateway-lean',
      bus,
      adapters: [web],
      delivery,
      logger,
      signal: new AbortController().signal,
      retryAfterShutdownMs: 1000,
      inbox: { store, lease },
    });
    const provider = createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] });
    const agent = createAgent({
      store,
      models: new ModelRegistry([provider]),
      bus,
      settings: SETTINGS,
      access: ACCESS,
      logger,
      lease,
    });
    const stopWorker = startAgentWorker(bus, agent, { concurrency: 2 });
    await gateway.start();
    const route = web.routes?.().find((candidate) => candidate.path === '/api/messages');
    if (route === undefined) throw new Error('no web route');
    const ask = async (text: string) => {
      const response = await route.handle(
        new Request('http://127.0.0.1/api/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ conversation: 'lean', text }),
        }),
        { remoteAddress: '127.0.0.1' },
      );
      const parts: ReplyPart[] = [];
      if (response.body) for await (const part of readParts(response.body)) parts.push(part);
      return parts;
    };
    try {
      await ask('a first question, so the conversation exists');
      count = { statements: [], commits: 0, named: 0 };
      const parts = await ask('what is a lean write path?');
      await delivery.settled();
      const counted = count;
      count = undefined;
      expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'Lean answer.' });
      expect(counted.statements.length, 'the driver was not wrapped').toBeGreaterThanOrEqual(3);
      expect(counted.commits).toBeGreaterThanOrEqual(2);
      expect(counted.statements.length, counted.statements.join('\n')).toBeLessThanOrEqual(3);
      expect(counted.commits, counted.statements.join('\n')).toBeLessThanOrEqual(2);
      if (driver.name === 'Postgres') expect(counted.named).toBe(counted.statements.length);
      const [task] = await store.listTasks('web:local:lean:-', 1, 'ask');
      expect(task).toMatchObject({ status: 'succeeded', reply: { type: 'reply-end' } });
    } finally {
      count = undefined;
      stopWorker();
      await gateway.stop(Date.now() + 2000);
      await bus.close();
      await store.close();
      await drop();
    }
  });
});
