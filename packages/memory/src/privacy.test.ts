import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { DrizzleStore, type MemoryDatabase } from './drizzle-store';
import { connect } from './open';
import { PERSON_TABLES } from './person-data';
import { identities } from './schema';
import { createTestDatabase } from './testing';
import { rows } from './vector-support';

interface Driver {
  readonly name: string;
  setUp(): Promise<{ databaseUrl?: string; drop(): Promise<void> }>;
}

const drivers: Driver[] = [{ name: 'PGlite', setUp: async () => ({ drop: async () => {} }) }];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, drop: () => database.drop() };
    },
  });
}

describe.each(drivers)('privacy primitives on $name', (driver) => {
  let store: DrizzleStore;
  let location: Awaited<ReturnType<Driver['setUp']>>;
  let db: MemoryDatabase;

  beforeAll(async () => {
    location = await driver.setUp();
    const connection = await connect({ databaseUrl: location.databaseUrl, dataDir: IN_MEMORY });
    db = connection.db;
    store = new DrizzleStore(connection);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await location?.drop();
  });

  /** A person with a row in every table that can hold personal data; returns their person id. */
  async function personWithEverything(
    platform: 'telegram' | 'slack',
  ): Promise<{ personId: string; key: string }> {
    const userId = randomUUID();
    const identity = `${platform}:${userId}`;
    const personId = await store.personFor(identity);
    await db.insert(identities).values({ platform, platformUserId: userId, displayName: 'Someone' });
    const direct: ConversationRef = { platform, account: 'bot', channel: `dm-${userId}`, direct: true };
    const shared: ConversationRef = { platform, account: 'bot', channel: 'general', direct: false };
    for (const ref of [direct, shared]) {
      const key = conversationKey(ref);
      await store.ensureConversation(ref);
      const taskId = randomUUID();
      await store.beginTask({
        id: taskId,
        eventId: `e-${taskId}`,
        conversationKey: key,
        authorId: identity,
        command: 'ask',
      });
      await store.appendTaskEvent(taskId, 'route', { model: 'openai:gpt-4o-mini' });
      await store.startStep({ taskId, step: 1, toolName: 'shell', callHash: 'hash', risk: 'dangerous' });
      await store.createApproval({
        id: `approval-${taskId}`,
        taskId,
        conversationKey: key,
        requester: identity,
        toolName: 'shell',
        argumentsHash: 'hash',
        arguments: { command: 'ls' },
        summary: 'ls',
        choices: ['approve', 'deny'],
        expiresAt: new Date(Date.now() + 60_000),
      });
      await store.addMessages([
        { conversationKey: key, role: 'user', content: 'my locker code is 4711', taskId, authorId: identity },
        { conversationKey: key, role: 'assistant', content: 'Noted: 4711.', taskId, authorId: undefined },
      ]);
    }
    await store.saveSummary({
      conversationKey: conversationKey(direct),
      content: 'Locker 4711.',
      throughMessageId: 1,
      taskId: undefined,
    });
    await store.addMemory({
      personId,
      content: 'locker code 4711',
      source: 'remember',
      embedding: { model: 'm', vector: [1, 0, 0] },
    });
    await store.createSchedule({
      id: `sc-${userId}`,
      conversationKey: conversationKey(direct),
      conversation: direct,
      authorId: identity,
      author: { platformUserId: userId, displayName: 'Someone' },
      replyAddress: { platform, data: {} },
      prompt: 'check my locker',
      pattern: '0 9 * * *',
      timeZone: 'UTC',
      nextRunAt: new Date(Date.now() + 60_000),
    });
    await store.reserveCloudSpend({ authorId: identity, day: '2026-12-06', amountUsd: 0.01, budgetUsd: 1 });
    await store.createLinkCode(personId, new Date(Date.now() + 60_000));
    await store.createExportLink(personId, new Date(Date.now() + 60_000));
    return { personId, key: conversationKey(direct) };
  }

  async function countOf(table: string, personId: string): Promise<number> {
    const entry = PERSON_TABLES.find((candidate) => candidate.table === table);
    if (!entry?.rowsOf) return 0;
    const [row] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${entry.rowsOf(personId)}`,
    );
    return row?.n ?? 0;
  }

  it('names every table of the database, so a new table cannot skip deletion', async () => {
    const tables = await rows<{ table_name: string }>(
      db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const known = new Set(PERSON_TABLES.map((entry) => entry.table));
    const missing = tables.map((row) => row.table_name).filter((name) => !known.has(name));
    expect(missing, 'tables with no entry in PERSON_TABLES (person-data.ts)').toEqual([]);
  });

  it('/forget all leaves zero rows of the person in every table, others untouched; /export had every one', async () => {
    const alice = await personWithEverything('telegram');
    const bob = await personWithEverything('slack');
    for (const { table, rowsOf } of PERSON_TABLES) {
      if (rowsOf) expect(await countOf(table, alice.personId), `alice's rows in ${table}`).toBeGreaterThan(0);
    }
    const exported = await store.exportPerson(alice.personId);
    const bobBefore = await Promise.all(PERSON_TABLES.map(({ table }) => countOf(table, bob.personId)));

    const deleted = await store.forgetPerson(alice.personId);

    for (const { table, rowsOf } of PERSON_TABLES) {
      if (!rowsOf) continue;
      expect(await countOf(table, alice.personId), `alice's rows left in ${table}`).toBe(0);
      expect(exported.tables[table]?.length, `exported rows of ${table}`).toBe(deleted[table]);
    }
    // The exported JSON survives a round trip and holds the content.
    expect(JSON.stringify(JSON.parse(JSON.stringify(exported)))).toContain('locker code 4711');
    const bobAfter = await Promise.all(PERSON_TABLES.map(({ table }) => countOf(table, bob.personId)));
    expect(bobAfter).toEqual(bobBefore);
  });

  it('forgets one conversation: turns, summary and extracted memories; kept facts stay', async () => {
    const carol = await personWithEverything('telegram');
    await store.addMemory({
      personId: carol.personId,
      content: 'extracted fact',
      source: 'extracted',
      conversationKey: carol.key,
    });
    expect(await store.forgetConversation(carol.key)).toBe(2);
    expect(await store.recentMessages(carol.key, 10)).toEqual([]);
    expect(await store.getSummary(carol.key)).toBeUndefined();
    expect((await store.listMemories(carol.personId, 10)).map((memory) => memory.content)).toEqual([
      'locker code 4711',
    ]);
  });

  it('prunes turns older than the retention cutoff', async () => {
    const dave = await personWithEverything('slack');
    await db.execute(
      sql`update messages set created_at = now() - interval '40 days' where conversation_key = ${dave.key}`,
    );
    const pruned = await store.pruneBefore(new Date(Date.now() - 30 * 86_400_000));
    expect(pruned).toBeGreaterThanOrEqual(2);
    expect(await store.recentMessages(dave.key, 10)).toEqual([]);
  });

  it('searches the person’s turns by words, newest first, with model and cost', async () => {
    const identity = `telegram:${randomUUID()}`;
    const personId = await store.personFor(identity);
    const ref: ConversationRef = {
      platform: 'telegram',
      account: 'bot',
      channel: `dm-${randomUUID()}`,
      direct: true,
    };
    const key = conversationKey(ref);
    await store.ensureConversation(ref);
    for (const [index, text] of [
      'the boiler makes a noise',
      'pasta recipe please',
      'boiler pressure is low',
    ].entries()) {
      const taskId = `${personId}-${index}`;
      await store.beginTask({
        id: taskId,
        eventId: taskId,
        conversationKey: key,
        authorId: identity,
        command: 'ask',
      });
      await store.updateTask(taskId, { model: 'openai:gpt-4o-mini', costUsd: 0.001 * (index + 1) });
      await store.addMessages([
        { conversationKey: key, role: 'user', content: text, taskId, authorId: identity },
      ]);
    }
    const hits = await store.searchHistory(personId, 'boilers', 10);
    expect(hits.map((hit) => hit.content)).toEqual(['boiler pressure is low', 'the boiler makes a noise']);
    expect(hits[0]).toMatchObject({ model: 'openai:gpt-4o-mini', costUsd: 0.003 });
    const stranger = await store.personFor(`telegram:${randomUUID()}`);
    expect(await store.searchHistory(stranger, 'boiler', 10)).toEqual([]);
  });
});
