import { loadConfig } from '@switchboard/core';
import { openStore } from '@switchboard/memory';

/** `switchboard migrate`: bring the database schema up to date and say what that took. */
export async function runMigrate(): Promise<number> {
  const config = loadConfig();
  const where = config.databaseUrl === undefined ? `PGlite in ${config.dataDir}` : 'Postgres at DATABASE_URL';
  const store = await openStore({
    dataDir: config.dataDir,
    migrate: false,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  try {
    const { applied } = await store.migrate();
    const count = applied.length === 1 ? '1 migration' : `${applied.length} migrations`;
    console.log(
      applied.length === 0
        ? `Database is up to date (${where}): no migrations were pending.`
        : `Applied ${count} to ${where}: ${applied.join(', ')}. The database is up to date.`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
