import { SwitchboardError } from '@switchboard/core';
import { and, count, desc, eq, like } from 'drizzle-orm';
import { errorCodeOf, FOREIGN_KEY_VIOLATION, taskNotFound } from './database-errors';
import type { MemoryDatabase } from './drizzle-store';
import { atLeastZero } from './message-queries';
import type { BeginTaskResult, NewTask, TaskEventRecord, TaskPatch, TaskRecord } from './records';
import { toTaskEventRecord, toTaskRecord } from './rows';
import { inboundEvents, taskEvents, tasks } from './schema';
import type { TaskStore } from './store';

/** `prefix` as a LIKE pattern that matches ids starting with it, with `%`, `_` and `\` taken literally. */
const startsWith = (prefix: string): string => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * The newest `limit` tasks of a conversation, newest first (`/tasks`, history), in the order of
 * `tasks_conversation_newest_index`.
 */
export function newestTasksQuery(
  db: MemoryDatabase,
  conversationKey: string,
  limit: number,
  command?: string,
) {
  const inConversation = eq(tasks.conversationKey, conversationKey);
  return db
    .select()
    .from(tasks)
    .where(command === undefined ? inConversation : and(inConversation, eq(tasks.command, command)))
    .orderBy(desc(tasks.createdAt), desc(tasks.sequence))
    .limit(atLeastZero(limit));
}

/** {@link TaskStore} over drizzle: the same queries on PGlite and Postgres. */
export class TaskQueries implements TaskStore {
  constructor(private readonly db: MemoryDatabase) {}

  async beginTask(task: NewTask): Promise<BeginTaskResult> {
    return this.db.transaction(async (transaction) => {
      const claimed = await transaction
        .insert(inboundEvents)
        .values({ id: task.eventId, taskId: task.id })
        .onConflictDoNothing({ target: inboundEvents.id })
        .returning({ id: inboundEvents.id });
      if (claimed.length === 0) {
        const [existing] = await transaction.select().from(tasks).where(eq(tasks.eventId, task.eventId));
        if (!existing) {
          throw new SwitchboardError(
            'task_not_found',
            `Event ${task.eventId} was seen before, but the task it started is gone.`,
          );
        }
        return { status: 'duplicate', task: toTaskRecord(existing) };
      }
      const [created] = await transaction
        .insert(tasks)
        .values({
          id: task.id,
          eventId: task.eventId,
          conversationKey: task.conversationKey,
          authorId: task.authorId,
          command: task.command,
          status: 'running',
          ...(task.createdAt === undefined ? {} : { createdAt: task.createdAt }),
        })
        .returning();
      if (!created)
        throw new SwitchboardError('database_error', 'The database did not return the task it saved.');
      return { status: 'created', task: toTaskRecord(created) };
    });
  }

  /** Fields left out of `patch`, or set to `undefined`, keep their value. */
  async updateTask(id: string, patch: TaskPatch): Promise<void> {
    const values = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    if (Object.keys(values).length === 0) {
      if (!(await this.getTask(id))) throw taskNotFound(id);
      return;
    }
    const updated = await this.db
      .update(tasks)
      .set(values as Partial<typeof tasks.$inferInsert>)
      .where(eq(tasks.id, id))
      .returning({ id: tasks.id });
    if (updated.length === 0) throw taskNotFound(id);
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const [row] = await this.db.select().from(tasks).where(eq(tasks.id, id));
    return row && toTaskRecord(row);
  }

  async listTasks(conversationKey: string, limit: number, command?: string): Promise<TaskRecord[]> {
    const rows = await newestTasksQuery(this.db, conversationKey, limit, command);
    return rows.map(toTaskRecord);
  }

  /** Undefined when no task, or more than one, starts with `idPrefix`, or the prefix is empty. */
  async findTask(conversationKey: string, idPrefix: string): Promise<TaskRecord | undefined> {
    if (idPrefix.length === 0) return undefined;
    const rows = await this.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.conversationKey, conversationKey), like(tasks.id, startsWith(idPrefix))))
      .limit(2);
    const exact = rows.find((row) => row.id === idPrefix);
    if (exact) return toTaskRecord(exact);
    const [only, another] = rows;
    return only && !another ? toTaskRecord(only) : undefined;
  }

  async appendTaskEvent(taskId: string, type: string, data: unknown): Promise<void> {
    try {
      await this.db.insert(taskEvents).values({ taskId, type, data: data ?? null });
    } catch (error) {
      if (errorCodeOf(error) === FOREIGN_KEY_VIOLATION) throw taskNotFound(taskId, error);
      throw error;
    }
  }

  async setWaiting(taskId: string, waiting: boolean): Promise<void> {
    const [from, to] = waiting ? (['running', 'waiting'] as const) : (['waiting', 'running'] as const);
    await this.db
      .update(tasks)
      .set({ status: to })
      .where(and(eq(tasks.id, taskId), eq(tasks.status, from)));
  }

  async countTasksByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .select({ status: tasks.status, count: count() })
      .from(tasks)
      .groupBy(tasks.status);
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  async listTaskEvents(taskId: string): Promise<TaskEventRecord[]> {
    const rows = await this.db
      .select()
      .from(taskEvents)
      .where(eq(taskEvents.taskId, taskId))
      .orderBy(taskEvents.id);
    return rows.map(toTaskEventRecord);
  }
}
