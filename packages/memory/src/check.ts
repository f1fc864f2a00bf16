import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeError } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import { IN_MEMORY } from './connect-pglite';
import { dataDirHolder } from './data-dir-lock';
import type { DriverConnection } from './drizzle-store';
import { countPendingMigrations, migrationsFolder } from './migrations';
import { connect, type OpenStoreOptions } from './open';
import { redactDatabaseUrl, redactPassword } from './redact';

/** The answer of {@link checkDatabase}: a line for `switchboard doctor`. */
export interface DatabaseCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** How long `switchboard doctor` waits for Postgres before calling it unreachable. */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * Check that the database can be opened, and say which one it is and whether migrations are pending.
 * Never throws, never migrates, and never opens a PGlite folder that a running box has open.
 */
export async function checkDatabase(options: Omit<OpenStoreOptions, 'migrate'>): Promise<DatabaseCheck> {
  try {
    if (options.databaseUrl) {
      const where = `Postgres at ${redactDatabaseUrl(options.databaseUrl)}`;
      return await inspect(await connect(options, CHECK_TIMEOUT_MS), where);
    }
    if (options.dataDir === IN_MEMORY) {
      return {
        ok: true,
        detail: 'PGlite in memory: nothing is kept after the box stops (SWITCHBOARD_DATA_DIR)',
      };
    }
    const folder = resolve(options.dataDir);
    const found = await stat(folder).catch(() => undefined);
    if (!found) return { ok: true, detail: `PGlite in ${folder}: created at first start` };
    if (!found.isDirectory()) {
      return { ok: false, detail: `SWITCHBOARD_DATA_DIR is ${folder}, which is a file, not a folder.` };
    }
    await access(folder, constants.R_OK | constants.W_OK);
    const holder = await dataDirHolder(folder);
    if (holder !== undefined) {
      return {
        ok: true,
        detail: `PGlite in ${folder}: open in a running Switchboard (pid ${holder}), not checked further`,
      };
    }
    return await inspect(await connect(options), `PGlite in ${folder}`);
  } catch (error) {
    const detail = describeError(error);
    return { ok: false, detail: options.databaseUrl ? redactPassword(detail, options.databaseUrl) : detail };
  }
}

/** Version and pending migrations of an open connection, which it closes. */
async function inspect(connection: DriverConnection, where: string): Promise<DatabaseCheck> {
  try {
    const result = await connection.db.execute(sql`select current_setting('server_version') as version`);
    const [row] = (result as unknown as { rows: { version?: unknown }[] }).rows;
    const version = String(row?.version ?? 'unknown').split(' ')[0];
    const pending = await countPendingMigrations(connection.db, migrationsFolder());
    const schema =
      pending === 0
        ? 'schema up to date'
        : `${pending} migration(s) pending; they run at start, or now with \`switchboard migrate\``;
    return { ok: true, detail: `${where} (PostgreSQL ${version}), ${schema}` };
  } finally {
    await connection.close();
  }
}
