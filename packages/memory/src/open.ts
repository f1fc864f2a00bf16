import { connectPglite } from './connect-pglite';
import { connectPostgres } from './connect-postgres';
import { type DriverConnection, DrizzleStore } from './drizzle-store';
import type { Store } from './store';

/** Where the store lives. */
export interface OpenStoreOptions {
  /** A `postgres://` URL (`DATABASE_URL`): use that server through `pg`. Unset: embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** PGlite's folder (`SWITCHBOARD_DATA_DIR`, created if missing); `memory://` keeps nothing on disk. */
  readonly dataDir: string;
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean | undefined;
  /** Use the `vector` extension where it exists (default true); false: exact cosine here (benchmarks). */
  readonly vector?: boolean | undefined;
}

/** Connect to the driver the options ask for. */
export function connect(options: OpenStoreOptions, connectTimeoutMs?: number): Promise<DriverConnection> {
  if (options.databaseUrl) {
    return connectPostgres(options.databaseUrl, connectTimeoutMs === undefined ? {} : { connectTimeoutMs });
  }
  return connectPglite(options.dataDir);
}

/**
 * Open the store: Postgres when `databaseUrl` is set, else PGlite in `dataDir`; migrated unless
 * `migrate: false`. Throws a `SwitchboardError` with code `database_unreachable` (cannot connect or
 * open), `database_in_use` (another process has the PGlite folder open) or `database_migration_failed`.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = new DrizzleStore(await connect(options), { vector: options.vector !== false });
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
  }
  return store;
}
