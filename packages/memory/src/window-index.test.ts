import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import type { DriverConnection } from './drizzle-store';
import { newestMessagesQuery } from './message-queries';
import { connect } from './open';
import { newestTasksQuery } from './task-queries';
import { createTestDatabase } from './testing';

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

/** The plan's lines, as `EXPLAIN` prints them on either driver. */
async function plan(connection: DriverConnection, query: { getSQL(): ReturnType<typeof sql> }) {
  const result = (await connection.db.execute(sql`explain ${query}`)) as unknown as {
    rows: Record<string, string>[];
  };
  return result.rows.map((row) => Object.values(row).join(' ')).join('\n');
}

describe.each(drivers)('the window and history queries on $name', (driver) => {
  let connection: DriverConnection;
  let location: Awaited<ReturnType<Driver['setUp']>>;

  beforeAll(async () => {
    location = await driver.setUp();
    connection = await connect({ databaseUrl: location.databaseUrl, dataDir: IN_MEMORY });
    await connection.migrate();
    const { db } = connection;
    await db.execute(sql`insert into conversations (key, platform, account, channel, direct)
      select 'c' || g, 'telegram', 'bot', 'chat' || g, true from generate_series(0, 200) g`);
    // The conversation under test first, then many newer turns and tasks of other conversations.
    await db.execute(sql`insert into messages (conversation_key, role, content)
      select 'c0', 'user', 'mine ' || g from generate_series(1, 3000) g`);
    await db.execute(sql`insert into messages (conversation_key, role, content)
      select 'c' || (1 + g % 200), 'user', 'other ' || g from generate_series(1, 20000) g`);
    await db.execute(sql`insert into tasks (id, event_id, conversation_key, author_id, command, status)
      select 't' || g, 'e' || g, case when g <= 3000 then 'c0' else 'c' || (1 + g % 200) end,
        'telegram:1', 'ask', 'succeeded' from generate_series(1, 23000) g`);
    await db.execute(sql`analyze`);
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
    await location?.drop();
  });

  it('reads the memory window through the conversation-newest index, with no sort', async () => {
    const lines = await plan(connection, newestMessagesQuery(connection.db, 'c0', 100));
    expect(lines).toContain('messages_conversation_newest_index');
    expect(lines).not.toMatch(/\bSort\b/);
    expect(lines).not.toContain('messages_pkey');
  });

  it('reads a conversation’s tasks through the conversation-newest index, with no sort', async () => {
    const lines = await plan(connection, newestTasksQuery(connection.db, 'c0', 100));
    expect(lines).toContain('tasks_conversation_newest_index');
    expect(lines).not.toMatch(/\bSort\b/);
  });
});
