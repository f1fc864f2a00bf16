import { SwitchboardError } from '@switchboard/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationFailed, reasonOf } from './database-errors';
import type { DriverConnection } from './drizzle-store';
import { type MigrationReport, migrationsFolder, pendingMigrations } from './migrations';
import { redactDatabaseUrl, redactPassword } from './redact';
import { schema } from './schema';

/** Any fixed number: every Switchboard process takes this advisory lock to migrate one at a time. */
const MIGRATION_LOCK = '7306114032';

/** How to reach Postgres. */
export interface PostgresOptions {
  /** Give up connecting after this long (default 10 seconds). */
  readonly connectTimeoutMs?: number;
  /** Most connections the pool opens (default 10). */
  readonly maxConnections?: number;
}

/** The error for a server that cannot be reached or refuses us; never contains the password. */
export function databaseUnreachable(url: string, error: unknown): SwitchboardError {
  return new SwitchboardError(
    'database_unreachable',
    `Cannot connect to Postgres at ${redactDatabaseUrl(url)}: ${redactPassword(reasonOf(error), url)}. Check DATABASE_URL, and that the server is running and accepts connections from this machine.`,
    { cause: error },
  );
}

/** Connect a `pg` pool to `url` and check that the server answers. */
export async function connectPostgres(url: string, options: PostgresOptions = {}): Promise<DriverConnection> {
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      max: options.maxConnections ?? 10,
    });
  } catch (error) {
    throw databaseUnreachable(url, error);
  }
  // An idle connection that breaks (server restart) is replaced; the next query reports the problem.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw databaseUnreachable(url, error);
  }
  const db = drizzle({ client: pool, schema });
  return {
    driver: 'postgres',
    db,
    async migrate(): Promise<MigrationReport> {
      // Several processes (gateway, workers) may start together: one migrates, the others wait.
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw databaseUnreachable(url, error);
      }
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        // Under the lock, what is pending now is exactly what this process applies.
        const locked = drizzle({ client, schema });
        const folder = migrationsFolder();
        const applied = await pendingMigrations(locked, folder);
        await migrate(locked, { migrationsFolder: folder });
        return { applied };
      } catch (error) {
        throw migrationFailed(error, (text) => redactPassword(text, url));
      } finally {
        const unlocked = await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).then(
          () => true,
          () => false,
        );
        // A connection that could not unlock may still hold the lock: destroy it rather than reuse it.
        client.release(!unlocked);
      }
    },
    close: () => pool.end(),
  };
}
