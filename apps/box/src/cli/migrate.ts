import { loadConfig } from '@switchboard/core';
import { openStore } from '@switchboard/memory';

/** `switchboard migrate`: bring the database schema up to date. */
export async function runMigrate(): Promise<number> {
  const config = loadConfig();
  const store = await openStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  await store.migrate();
  await store.close();
  console.log(
    `Database is up to date (${store.driver === 'postgres' ? 'Postgres at DATABASE_URL' : `PGlite in ${config.dataDir}`}).`,
  );
  return 0;
}
