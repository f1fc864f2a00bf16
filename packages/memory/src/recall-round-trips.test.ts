import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { wordHashEmbedding } from '@switchboard/testkit';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import type { DriverConnection } from './drizzle-store';
import { DrizzleStore } from './drizzle-store';
import type { RecallQuery } from './memory-records';
import { connect } from './open';
import { createTestDatabase } from './testing';
import { rows } from './vector-support';

const drivers: { name: string; setUp(): Promise<{ databaseUrl?: string; drop(): Promise<void> }> }[] = [
  { name: 'PGlite', setUp: async () => ({ drop: async () => {} }) },
];
if (process.env['DATABASE_URL'])
  drivers.push({
    name: 'Postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, drop: () => database.drop() };
    },
  });

const embed = (text: string) => ({ model: 'fake-embed', vector: wordHashEmbedding(text) });

/** Statements sent to either driver while `counting` holds a list. */
let counting: string[] | undefined;

/** Count every statement through a driver method while {@link counting} is set. */
function wrap<T extends object>(prototype: T, method: keyof T & string): () => void {
  const original = prototype[method] as unknown as (...args: unknown[]) => unknown;
  (prototype as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    counting?.push(text.replace(/\s+/g, ' ').slice(0, 60));
    return original.apply(this, args);
  };
  return () => {
    (prototype as Record<string, unknown>)[method] = original;
  };
}

describe.each(drivers)('recall round trips on $name (ADR 0046)', (driver) => {
  let store: DrizzleStore;
  let other: DrizzleStore;
  let location: Awaited<ReturnType<(typeof drivers)[number]['setUp']>>;
  let connection: DriverConnection;
  const unwrap: (() => void)[] = [];

  beforeAll(async () => {
    location = await driver.setUp();
    connection = await connect({ databaseUrl: location.databaseUrl, dataDir: IN_MEMORY });
    // Exact cosine in the box, as on Postgres without pgvector; `other` is a second process's store (its
    // own embedding cache) over the same database.
    store = new DrizzleStore(connection, { vector: false });
    await store.migrate();
    other = new DrizzleStore(connection, { vector: false });
    unwrap.push(
      wrap(PGlite.prototype, 'query'),
      wrap(PGlite.prototype, 'exec'),
      wrap(pg.Client.prototype, 'query'),
    );
  });
  afterAll(async () => {
    for (const undo of unwrap) undo();
    await store?.close();
    await location?.drop();
  });

  const counted = async <T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> => {
    counting = [];
    try {
      const result = await run();
      return { result, statements: counting };
    } finally {
      counting = undefined;
    }
  };

  const question = (personId: string, text: string): RecallQuery => ({
    personId,
    text,
    embedding: embed(text),
    limit: 3,
  });

  it('recalls in one statement once the scope’s embeddings are cached, with the same answer', async () => {
    const person = await store.personFor(`telegram:${randomUUID()}`);
    for (const content of ['My sister lives in Lisbon', 'I am allergic to peanuts', 'Our dog is called Rex'])
      await store.addMemory({ personId: person, content, source: 'remember', embedding: embed(content) });

    const first = await counted(() => store.recallMemories(question(person, 'where does my sister live')));
    expect(first.statements.length).toBeGreaterThan(1);
    const again = await counted(() => store.recallMemories(question(person, 'where does my sister live')));
    expect(again.statements, again.statements.join('\n')).toHaveLength(1);
    expect(again.result).toEqual(first.result);
    expect(again.result[0]?.content).toBe('My sister lives in Lisbon');
    expect(again.result[0]?.matchedBy).toEqual(['text', 'vector']);

    const other = await counted(() => store.recallMemories(question(person, 'peanuts')));
    expect(other.statements).toHaveLength(1);
    expect(other.result[0]?.content).toBe('I am allergic to peanuts');
  });

  it('sees memories another process added or forgot since its cache was filled', async () => {
    const person = await store.personFor(`slack:${randomUUID()}`);
    const kept = await store.addMemory({
      personId: person,
      content: 'The boat is moored at pier nine',
      source: 'remember',
      embedding: embed('The boat is moored at pier nine'),
    });
    await store.recallMemories(question(person, 'boat pier'));

    const added = await other.addMemory({
      personId: person,
      content: 'The car is parked on level two',
      source: 'remember',
      embedding: embed('The car is parked on level two'),
    });
    const afterAdd = await store.recallMemories(question(person, 'car parked level'));
    expect(afterAdd[0]).toMatchObject({ id: added.id, matchedBy: ['text', 'vector'] });

    expect(await other.forgetMemory(person, kept.id)).toBe(true);
    const afterForget = await store.recallMemories(question(person, 'boat pier nine'));
    expect(afterForget.map((memory) => memory.id)).not.toContain(kept.id);
    expect(afterForget.map((memory) => memory.id)).toEqual([added.id]);
  });

  it('writes new memories straight into the full-text index (no GIN pending list to scan)', async () => {
    const [index] = await rows<{ options: string[] | string | null }>(
      connection.db,
      sql`select reloptions as options from pg_class where relname = 'memories_search_index'`,
    );
    expect(String(index?.options)).toContain('fastupdate=false');
  });

  it('recalls by words alone in one statement when the question has no embedding', async () => {
    const person = await store.personFor(`web:${randomUUID()}`);
    await store.addMemory({ personId: person, content: 'Tea, never coffee', source: 'remember' });
    const byWords = await counted(() => store.recallMemories({ personId: person, text: 'coffee', limit: 3 }));
    expect(byWords.statements).toHaveLength(1);
    expect(byWords.result.map((memory) => memory.content)).toEqual(['Tea, never coffee']);
  });
});
