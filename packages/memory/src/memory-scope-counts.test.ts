import { randomUUID } from 'node:crypto';
import { wordHashEmbedding } from '@switchboard/testkit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { DrizzleStore, type MemoryDatabase } from './drizzle-store';
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
type Scope = { person: string; channel: string; model: string; count: number; max: number };

describe.each(drivers)('memory_scope_counts on $name', (driver) => {
  let store: DrizzleStore;
  let db: MemoryDatabase;
  let location: Awaited<ReturnType<(typeof drivers)[number]['setUp']>>;

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

  /** What the trigger keeps, and the same figures counted from `memories` (scopes still holding rows). */
  const kept = async (people: readonly string[]) => {
    const stored = await rows<Scope>(
      db,
      sql`select person_id as person, channel_key as channel, embedding_model as model, count::int as count, max_id::int as max
        from memory_scope_counts where person_id in ${people} and count > 0 order by 1, 2, 3`,
    );
    const counted = await rows<Scope>(
      db,
      sql`select person_id as person, coalesce(channel_key, '') as channel, embedding_model as model,
          count(*)::int as count, max(id)::int as max
        from memories where person_id in ${people} and embedding is not null group by 1, 2, 3 order by 1, 2, 3`,
    );
    return { stored, counted };
  };

  it('follows keeping, forgetting, linking and forgetting everything, scope by scope', async () => {
    const aliceIdentity = `telegram:${randomUUID()}`;
    const bobIdentity = `slack:${randomUUID()}`;
    const alice = await store.personFor(aliceIdentity);
    const bob = await store.personFor(bobIdentity);
    const add = (personId: string, content: string, channelKey?: string) =>
      store.addMemory({ personId, content, source: 'remember', embedding: embed(content), channelKey });
    const first = await add(alice, 'my sister lives in Lisbon');
    await add(alice, 'I am allergic to peanuts');
    await add(alice, 'the team meets on Mondays', 'slack:T1:C1');
    await store.addMemory({ personId: alice, content: 'no embedding here', source: 'remember' });
    await add(bob, 'my bike is red');
    await add(bob, 'I like green tea');

    const start = await kept([alice, bob]);
    expect(start.stored).toEqual(start.counted);
    expect(start.stored.map((scope) => [scope.person === alice, scope.channel, scope.count])).toEqual(
      expect.arrayContaining([
        [true, '', 2],
        [true, 'slack:T1:C1', 1],
        [false, '', 2],
      ]),
    );

    expect(await store.forgetMemory(alice, first.id)).toBe(true);
    const code = await store.createLinkCode(alice, new Date(Date.now() + 60_000));
    // Bob's identity joins Alice: his memories move to her, his person goes.
    expect(await store.redeemLinkCode(code, bobIdentity, new Date())).toMatchObject({ status: 'linked' });
    const linked = await kept([alice, bob]);
    expect(linked.stored.map(({ max: _, ...scope }) => scope)).toEqual(
      linked.counted.map(({ max: _, ...scope }) => scope),
    );
    expect(linked.stored.find((scope) => scope.channel === '')?.count).toBe(3);
    for (const [index, scope] of linked.stored.entries())
      expect(scope.max).toBeGreaterThanOrEqual(linked.counted[index]?.max ?? 0);

    await store.forgetPerson(alice);
    const [left] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from memory_scope_counts where person_id in ${[alice, bob]}`,
    );
    expect(left?.n).toBe(0);
  });
});
