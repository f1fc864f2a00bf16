import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchboardError } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from './check';
import { IN_MEMORY } from './connect-pglite';
import { migrationNames } from './migrations';
import { openStore } from './open';
import { createTestDatabase } from './testing';

/** Postgres refuses connections on port 1; the password must never show up in what we print. */
const UNREACHABLE = 'postgres://switchboard:s3cret-Pa55@127.0.0.1:1/switchboard';

async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}

describe('openStore with PGlite on disk', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchboard-memory-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the folder, keeps the data after close, and migrates again on reopen', async () => {
    const dataDir = join(root, 'nested', 'data');
    const first = await openStore({ dataDir });
    const conversation = await first.ensureConversation({
      platform: 'web',
      account: 'local',
      channel: 'default',
      direct: true,
    });
    await first.setPinnedModel(conversation.key, 'llama:qwen');
    const { task } = await first.beginTask({
      id: 'task-1',
      eventId: 'web:event-1',
      conversationKey: conversation.key,
      authorId: 'web:local',
      command: 'ask',
    });
    await first.addMessages([
      {
        conversationKey: conversation.key,
        role: 'user',
        content: 'remember me',
        taskId: task.id,
        authorId: 'web:local',
      },
    ]);
    await first.close();
    await first.close();

    const reopened = await openStore({ dataDir });
    try {
      expect(await reopened.getConversation(conversation.key)).toMatchObject({ pinnedModel: 'llama:qwen' });
      expect(await reopened.getTask('task-1')).toEqual(task);
      expect((await reopened.recentMessages(conversation.key, 10)).map((message) => message.content)).toEqual(
        ['remember me'],
      );
      const duplicate = await reopened.beginTask({ ...task, id: 'task-2' });
      expect(duplicate).toEqual({ status: 'duplicate', task });
    } finally {
      await reopened.close();
    }
    expect(await checkDatabase({ dataDir })).toEqual({
      ok: true,
      detail: expect.stringContaining('schema up to date'),
    });
  });

  it('refuses a second open of the same folder while the first is open, and allows it after close', async () => {
    const dataDir = join(root, 'locked');
    const store = await openStore({ dataDir });
    try {
      const error = await failure(openStore({ dataDir }));
      expect(error.code).toBe('database_in_use');
      expect(error.message).toContain(dataDir);
      expect(await checkDatabase({ dataDir })).toEqual({
        ok: true,
        detail: expect.stringContaining('running'),
      });
    } finally {
      await store.close();
    }
    const again = await openStore({ dataDir });
    await again.close();
  });

  it('opens a folder whose lock was left by a process that is gone', async () => {
    const dataDir = join(root, 'stale');
    await (await openStore({ dataDir, migrate: false })).close();
    await writeFile(join(dataDir, 'switchboard.lock'), '2147483646\n');
    const store = await openStore({ dataDir });
    await store.close();
  });

  it('counts pending migrations without applying them when asked not to migrate', async () => {
    const dataDir = join(root, 'unmigrated');
    const store = await openStore({ dataDir, migrate: false });
    await store.close();
    const check = await checkDatabase({ dataDir });
    expect(check).toEqual({ ok: true, detail: expect.stringMatching(/\d+ migration\(s\) pending/) });
    await (await openStore({ dataDir })).close();
    expect(await checkDatabase({ dataDir })).toEqual({
      ok: true,
      detail: expect.stringContaining('schema up to date'),
    });
  });

  it('is reported as not created yet by checkDatabase, which does not create it', async () => {
    const dataDir = join(root, 'never-opened');
    expect(await checkDatabase({ dataDir })).toEqual({
      ok: true,
      detail: expect.stringContaining('created at first start'),
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('fails with database_unreachable when the data folder cannot be created', async () => {
    const blocker = join(root, 'a-file');
    await writeFile(blocker, 'not a folder');
    const error = await failure(openStore({ dataDir: join(blocker, 'data') }));
    expect(error.code).toBe('database_unreachable');
    expect(error.message).toContain('SWITCHBOARD_DATA_DIR');
    expect(await checkDatabase({ dataDir: blocker })).toEqual({
      ok: false,
      detail: expect.stringContaining('not a folder'),
    });
  });
});

describe('checkDatabase', () => {
  it('describes in-memory PGlite without opening anything', async () => {
    expect(await checkDatabase({ dataDir: IN_MEMORY })).toEqual({
      ok: true,
      detail: expect.stringContaining('in memory'),
    });
  });
});

describe('an unreachable Postgres', () => {
  it('fails openStore with database_unreachable, naming DATABASE_URL and hiding the password', async () => {
    const error = await failure(openStore({ databaseUrl: UNREACHABLE, dataDir: IN_MEMORY }));
    expect(error.code).toBe('database_unreachable');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain('s3cret-Pa55');
    expect(error.cause).toBeDefined();
  });

  it('is reported by checkDatabase as not ok, without the password', async () => {
    const check = await checkDatabase({ databaseUrl: UNREACHABLE, dataDir: IN_MEMORY });
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('DATABASE_URL');
    expect(check.detail).not.toContain('s3cret-Pa55');
  });
});

describe('migrate() says what it applied', () => {
  const drivers: {
    name: string;
    open: () => Promise<{ dataDir: string; databaseUrl?: string; drop(): Promise<void> }>;
  }[] = [
    {
      name: 'PGlite',
      open: async () => {
        const root = await mkdtemp(join(tmpdir(), 'switchboard-migrate-'));
        return { dataDir: join(root, 'data'), drop: () => rm(root, { recursive: true, force: true }) };
      },
    },
  ];
  if (process.env['DATABASE_URL']) {
    drivers.push({
      name: 'Postgres',
      open: async () => {
        const database = await createTestDatabase();
        return { dataDir: IN_MEMORY, databaseUrl: database.url, drop: () => database.drop() };
      },
    });
  }

  it.each(drivers)(
    'names every migration on an empty database and none on an up-to-date one ($name)',
    async ({ open }) => {
      const location = await open();
      try {
        const store = await openStore({ ...location, migrate: false });
        try {
          const all = migrationNames();
          expect(all.slice(0, 2)).toEqual(['0000_initial', '0001_usage_and_local_only']);
          expect(await store.migrate()).toEqual({ applied: all });
          expect(await store.migrate()).toEqual({ applied: [] });
        } finally {
          await store.close();
        }
        const reopened = await openStore({ ...location, migrate: false });
        try {
          expect(await reopened.migrate()).toEqual({ applied: [] });
        } finally {
          await reopened.close();
        }
      } finally {
        await location.drop();
      }
    },
  );
});
