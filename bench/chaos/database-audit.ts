import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BoxDatabase } from './fakes';
import type { ChaosPlatform } from './options';
import type { ChaosRequest } from './requests';

/** The little of a SQL client the audit needs; PGlite and `pg.Client` both have it. */
interface SqlClient {
  query<Row>(sql: string): Promise<{ rows: Row[] }>;
}

interface TaskRow {
  readonly status: string;
  readonly conversation_key: string;
}

interface MessageRow {
  readonly role: string;
  readonly content: string;
  readonly conversation_key: string;
}

/** What the database holds after the run, read with plain SQL on the tables of `packages/memory/src/schema.ts`. */
export interface DatabaseAudit {
  /** Tasks per status, over the whole run. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Tasks left `running` or `queued`, per platform (the first field of the conversation key). */
  readonly openTasks: Readonly<Record<string, number>>;
  /**
   * Requests whose whole answer the user saw but whose rows are missing: the user's message, the
   * assistant's answer, or a task in that conversation.
   */
  readonly rowsLost: Readonly<Record<string, number>>;
  /** Set when the database could not be read at all (then every figure above is empty). */
  readonly error: string | undefined;
}

/**
 * The database drivers the box itself uses, loaded from the memory package's dependencies: the same
 * PGlite version reads the data folder, whatever versions the workspace moves to.
 */
const fromMemoryPackage = createRequire(
  fileURLToPath(new URL('../../packages/memory/package.json', import.meta.url)),
);

async function connect(database: BoxDatabase): Promise<{ client: SqlClient; close(): Promise<void> }> {
  if (database.driver === 'pglite') {
    const { PGlite } = fromMemoryPackage('@electric-sql/pglite') as {
      PGlite: { create(dataDir: string): Promise<SqlClient & { close(): Promise<void> }> };
    };
    const client = await PGlite.create(database.dataDir);
    return { client, close: () => client.close() };
  }
  const pg = fromMemoryPackage('pg') as {
    Client: new (options: {
      connectionString: string;
    }) => SqlClient & {
      connect(): Promise<void>;
      end(): Promise<void>;
    };
  };
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return { client, close: () => client.end() };
}

const platformOf = (conversationKey: string) => conversationKey.split(':')[0] ?? '?';

/**
 * Open the box's database after it stopped and count what the lifecycle left behind. `answered` lists the
 * requests whose whole answer reached the user: each must have its rows.
 */
export async function auditDatabase(
  database: BoxDatabase,
  answered: readonly ChaosRequest[],
): Promise<DatabaseAudit> {
  let connection: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    connection = await connect(database);
    const tasks = (await connection.client.query<TaskRow>('select status, conversation_key from tasks')).rows;
    const messages = (
      await connection.client.query<MessageRow>('select role, content, conversation_key from messages')
    ).rows;
    const statuses: Record<string, number> = {};
    const openTasks: Record<string, number> = {};
    for (const task of tasks) {
      statuses[task.status] = (statuses[task.status] ?? 0) + 1;
      if (task.status === 'running' || task.status === 'queued') {
        const platform = platformOf(task.conversation_key);
        openTasks[platform] = (openTasks[platform] ?? 0) + 1;
      }
    }
    const rowsLost: Partial<Record<ChaosPlatform, number>> = {};
    for (const request of answered) {
      const question = messages.find((row) => row.role === 'user' && row.content.includes(request.marker));
      const answer = messages.find(
        (row) => row.role === 'assistant' && row.content.includes(request.answer.end),
      );
      const task = tasks.find((row) => row.conversation_key === question?.conversation_key);
      if (question === undefined || answer === undefined || task === undefined) {
        rowsLost[request.platform] = (rowsLost[request.platform] ?? 0) + 1;
      }
    }
    return { statuses, openTasks, rowsLost, error: undefined };
  } catch (error) {
    return { statuses: {}, openTasks: {}, rowsLost: {}, error: (error as Error).message };
  } finally {
    await connection?.close().catch(() => {});
  }
}
