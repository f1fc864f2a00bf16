import { type SQL, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { PersonExport } from './memory-records';
import { rows } from './vector-support';

/** The identities (`platform:userId`) of a person. */
const identitiesOf = (personId: string) =>
  sql`(select identity from person_identities where person_id = ${personId})`;
/** The tasks a person started. */
const tasksOf = (personId: string) =>
  sql`(select id from tasks where author_id in ${identitiesOf(personId)})`;
/** Direct (one-to-one) conversations a person wrote in: they are that person's alone. */
const directConversationsOf = (personId: string) =>
  sql`(select key from conversations where direct and (
    key in (select conversation_key from tasks where author_id in ${identitiesOf(personId)})
    or key in (select conversation_key from messages where author_id in ${identitiesOf(personId)})))`;

/**
 * Every table of the database and which of its rows belong to a person, in the order `/forget all`
 * deletes them (rows that others point at last). A table missing here fails the privacy test, so a new
 * table cannot ship without saying how a person's rows in it are found; `undefined` marks a table that
 * holds no personal data.
 */
export const PERSON_TABLES: readonly {
  readonly table: string;
  readonly rowsOf?: (personId: string) => SQL;
}[] = [
  { table: 'task_events', rowsOf: (p) => sql`task_id in ${tasksOf(p)}` },
  { table: 'task_steps', rowsOf: (p) => sql`task_id in ${tasksOf(p)}` },
  {
    table: 'schedules',
    rowsOf: (p) => sql`(author_id in ${identitiesOf(p)} or conversation_key in ${directConversationsOf(p)})`,
  },
  {
    table: 'approvals',
    rowsOf: (p) => sql`(requester in ${identitiesOf(p)} or task_id in ${tasksOf(p)})`,
  },
  { table: 'inbound_events', rowsOf: (p) => sql`task_id in ${tasksOf(p)}` },
  {
    table: 'messages',
    rowsOf: (p) =>
      sql`(author_id in ${identitiesOf(p)} or task_id in ${tasksOf(p)} or conversation_key in ${directConversationsOf(p)})`,
  },
  { table: 'conversation_summaries', rowsOf: (p) => sql`conversation_key in ${directConversationsOf(p)}` },
  { table: 'conversations', rowsOf: (p) => sql`key in ${directConversationsOf(p)}` },
  { table: 'tasks', rowsOf: (p) => sql`author_id in ${identitiesOf(p)}` },
  { table: 'cloud_spend_days', rowsOf: (p) => sql`author_id in ${identitiesOf(p)}` },
  { table: 'identities', rowsOf: (p) => sql`(platform || ':' || platform_user_id) in ${identitiesOf(p)}` },
  { table: 'memories', rowsOf: (p) => sql`person_id = ${p}` },
  { table: 'memory_scope_counts', rowsOf: (p) => sql`person_id = ${p}` },
  { table: 'link_codes', rowsOf: (p) => sql`person_id = ${p}` },
  { table: 'export_links', rowsOf: (p) => sql`person_id = ${p}` },
  { table: 'person_identities', rowsOf: (p) => sql`person_id = ${p}` },
  { table: 'people', rowsOf: (p) => sql`id = ${p}` },
  /** Approved definitions of MCP tools: no one's data. */
  { table: 'tool_pins' },
];

/** A person's rows of one table, as JSON objects. */
function selectRows(
  db: MemoryDatabase,
  table: string,
  where: SQL,
): Promise<{ row: Record<string, unknown> }[]> {
  return rows<{ row: Record<string, unknown> }>(
    db,
    sql`select to_jsonb(t) as row from ${sql.identifier(table)} t where ${where}`,
  );
}

/** Every row of the person that {@link forgetPerson} would delete, table by table (`/export`). */
export async function exportPerson(db: MemoryDatabase, personId: string, now: Date): Promise<PersonExport> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const { table, rowsOf } of PERSON_TABLES) {
    if (!rowsOf) continue;
    const found = await selectRows(db, table, rowsOf(personId));
    tables[table] = found.map(({ row }) =>
      typeof row === 'string' ? (JSON.parse(row) as Record<string, unknown>) : row,
    );
  }
  return { personId, exportedAt: now.toISOString(), tables };
}

/** Delete every row of the person in every table, in one transaction; returns the count per table. */
export async function forgetPerson(db: MemoryDatabase, personId: string): Promise<Record<string, number>> {
  return db.transaction(async (transaction) => {
    const counts: Record<string, number> = {};
    for (const { table, rowsOf } of PERSON_TABLES) {
      if (!rowsOf) continue;
      const deleted = await rows<{ n: number }>(
        transaction as unknown as MemoryDatabase,
        sql`with gone as (delete from ${sql.identifier(table)} where ${rowsOf(personId)} returning 1)
          select count(*)::int as n from gone`,
      );
      counts[table] = deleted[0]?.n ?? 0;
    }
    return counts;
  });
}
