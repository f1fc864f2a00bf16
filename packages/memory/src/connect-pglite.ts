import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { SwitchboardError } from '@switchboard/core';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type DataDirLock, lockDataDir } from './data-dir-lock';
import { migrationFailed, reasonOf } from './database-errors';
import type { DriverConnection } from './drizzle-store';
import { type MigrationReport, migrationsFolder, pendingMigrations } from './migrations';
import { schema } from './schema';

/** The `dataDir` that keeps the embedded database in memory only (tests, throwaway runs). */
export const IN_MEMORY = 'memory://';

/**
 * Open embedded PGlite: in memory for {@link IN_MEMORY}, else persisted in `dataDir` (created if
 * missing, locked against a second process).
 */
export async function connectPglite(dataDir: string): Promise<DriverConnection> {
  const inMemory = dataDir === IN_MEMORY;
  const folder = inMemory ? IN_MEMORY : resolve(dataDir);
  let lock: DataDirLock | undefined;
  let client: PGlite;
  try {
    if (!inMemory) {
      await mkdir(folder, { recursive: true });
      lock = await lockDataDir(folder);
    }
    // pgvector comes with PGlite (ADR 0037): `memories` recall uses it when the extension is created.
    client = await PGlite.create(inMemory ? undefined : folder, { extensions: { vector } });
  } catch (error) {
    await lock?.release();
    if (error instanceof SwitchboardError) throw error;
    throw new SwitchboardError(
      'database_unreachable',
      `Cannot open the embedded database in ${folder}: ${reasonOf(error)}. Check that SWITCHBOARD_DATA_DIR is a folder this user can write, or set DATABASE_URL to use Postgres.`,
      { cause: error },
    );
  }
  const db = drizzle({ client, schema });
  return {
    driver: 'pglite',
    db,
    async migrate(): Promise<MigrationReport> {
      try {
        const folder = migrationsFolder();
        const applied = await pendingMigrations(db, folder);
        await migrate(db, { migrationsFolder: folder });
        return { applied };
      } catch (error) {
        throw migrationFailed(error);
      }
    },
    async close() {
      try {
        await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
