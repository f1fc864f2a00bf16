import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite, IN_MEMORY } from './connect-pglite';
import type { DriverConnection } from './drizzle-store';
import { endingRow, endTasks } from './ending-statement';
import { inboxRow, recordInbounds } from './inbox-statement';
import { StatementBatch } from './statement-batch';
import { newEvent } from './test-event';

/**
 * A statement of several items that commits and then loses its answer (the connection breaks before
 * the result arrives), as the batch sees it: it fails, and each item is tried alone.
 */
function losingFirstAnswer<Item, Result>(run: (items: readonly Item[]) => Promise<Result[]>) {
  let lost = false;
  return async (items: readonly Item[]) => {
    const results = await run(items);
    if (!lost && items.length > 1) {
      lost = true;
      throw new Error('Connection terminated unexpectedly');
    }
    return results;
  };
}

const LEASE = { owner: 'host:1:me', ms: 30_000 };

describe('a group statement that committed but whose answer was lost', () => {
  let connection: DriverConnection;
  beforeAll(async () => {
    connection = await connectPglite(IN_MEMORY);
    await connection.migrate();
  });
  afterAll(() => connection.close());

  it('records each inbound event once and reports it recorded, not as a duplicate of itself', async () => {
    const inbox = new StatementBatch(
      losingFirstAnswer((rows: readonly ReturnType<typeof inboxRow>[]) =>
        recordInbounds(connection.db, rows),
      ),
      (row) => row.event_id,
    );
    const entries = [newEvent(), newEvent(), newEvent()].map((event) => ({
      event,
      taskId: randomUUID(),
      authorId: 'telegram:1',
      command: 'ask',
      status: 'queued' as const,
      lease: LEASE,
    }));
    const results = await Promise.all(entries.map((entry) => inbox.add(inboxRow(entry))));
    expect(results).toEqual(entries.map(({ taskId }) => ({ status: 'recorded', taskId })));
  });

  it('ends each task once and still reports it ended, so its final part is sent', async () => {
    const inbox = new StatementBatch(
      (rows: readonly ReturnType<typeof inboxRow>[]) => recordInbounds(connection.db, rows),
      (row) => row.event_id,
    );
    const taskIds = [randomUUID(), randomUUID()];
    await Promise.all(
      taskIds.map((taskId) =>
        inbox.add(
          inboxRow({
            event: newEvent(),
            taskId,
            authorId: 'a',
            command: 'ask',
            status: 'running',
            lease: LEASE,
          }),
        ),
      ),
    );
    const endings = new StatementBatch(
      losingFirstAnswer((rows: readonly ReturnType<typeof endingRow>[]) => endTasks(connection.db, rows)),
      (row) => row.task_id,
    );
    const ended = await Promise.all(
      taskIds.map((taskId) =>
        endings.add(
          endingRow(taskId, {
            status: 'succeeded',
            reply: { type: 'reply-end', text: `answer of ${taskId}`, meta: { taskId } },
            owesDelivery: false,
          }),
        ),
      ),
    );
    expect(ended).toEqual([true, true]);
    const other = await endTasks(connection.db, [
      endingRow(taskIds[0] ?? '', {
        status: 'failed',
        reply: { type: 'error', code: 'x', message: 'another ending' },
        owesDelivery: false,
      }),
    ]);
    expect(other, 'a different ending of an ended task ends nothing').toEqual([false]);
  });
});
