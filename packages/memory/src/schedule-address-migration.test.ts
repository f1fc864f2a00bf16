import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrations';
import { openStore } from './open';
import { ScheduleQueries } from './schedule-queries';
import { schema } from './schema';

const BEFORE = '0013_web_schedule_reply_conversation';
let folders: string[] = [];

afterEach(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders = [];
});

/** A copy of the shipped migrations that stops before `tag`: a database as an older box left it. */
function migrationsBefore(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
  folders.push(folder);
  cpSync(migrationsFolder(), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(index).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const schedule = (id: string, platform: 'web' | 'telegram', data: Record<string, string | number>) => ({
  id,
  conversationKey: `${platform}:local:home:-`,
  conversation: { platform, account: 'local', channel: 'home', direct: true },
  authorId: `${platform}:me`,
  author: { platformUserId: 'me', displayName: 'Me' },
  replyAddress: { platform, data },
  prompt: 'say hello',
  pattern: '0 9 * * *',
  timeZone: 'UTC',
  nextRunAt: new Date('2030-01-01T09:00:00Z'),
});

describe(`migration ${BEFORE}`, () => {
  it("gives web schedules made before it their conversation's name and leaves the others alone", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-old-box-'));
    folders.push(dataDir);
    const client = await PGlite.create(dataDir, { extensions: { vector } });
    const older = drizzle({ client, schema });
    await migrate(older, { migrationsFolder: migrationsBefore(BEFORE) });
    const oldSchedules = new ScheduleQueries(older);
    await oldSchedules.createSchedule(schedule('old-web', 'web', { requestId: 'r1' }));
    await oldSchedules.createSchedule(schedule('new-web', 'web', { requestId: 'r2', conversation: 'work' }));
    await oldSchedules.createSchedule(schedule('telegram', 'telegram', { chatId: 42 }));
    await client.close();

    const store = await openStore({ dataDir });
    try {
      const byId = new Map(
        (await store.listSchedules('web:local:home:-')).map((row) => [row.id, row.replyAddress]),
      );
      expect(byId.get('old-web')).toEqual({
        platform: 'web',
        data: { requestId: 'r1', conversation: 'home' },
      });
      expect(byId.get('new-web')).toEqual({
        platform: 'web',
        data: { requestId: 'r2', conversation: 'work' },
      });
      const [telegram] = await store.listSchedules('telegram:local:home:-');
      expect(telegram?.replyAddress).toEqual({ platform: 'telegram', data: { chatId: 42 } });
    } finally {
      await store.close();
    }
  });
});
