import { randomBytes } from 'node:crypto';
import { SwitchboardError } from '@switchboard/core';
import pg from 'pg';
import { databaseUnreachable } from './connect-postgres';

/** A throwaway Postgres database for one test file. */
export interface TestDatabase {
  /** Its connection URL: the server's URL with the new database's name. */
  readonly url: string;
  /** Drop it, closing any connection still open to it. Safe to call more than once. */
  drop(): Promise<void>;
}

/** `DATABASE_URL`, the server CI and local runs point tests at. */
function serverFromEnvironment(): string | undefined {
  const { DATABASE_URL: url } = process.env;
  return url;
}

/** Run one statement on a short-lived connection to `url`. */
async function runOn(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(statement);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Create an empty database `sb_test_<random>` on the server of `serverUrl` (default `DATABASE_URL`), so
 * each test file has its own. Call `drop()` in `afterAll`.
 */
export async function createTestDatabase(serverUrl = serverFromEnvironment()): Promise<TestDatabase> {
  if (!serverUrl) {
    throw new SwitchboardError(
      'config_invalid',
      'createTestDatabase needs DATABASE_URL to point at a Postgres server.',
    );
  }
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  try {
    await runOn(serverUrl, `create database ${name}`);
  } catch (error) {
    throw databaseUnreachable(serverUrl, error);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop() {
      dropped ??= runOn(serverUrl, `drop database if exists ${name} with (force)`);
      return dropped;
    },
  };
}
