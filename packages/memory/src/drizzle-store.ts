import { type ConversationRef, conversationKey, SwitchboardError } from '@switchboard/core';
import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { errorCodeOf, FOREIGN_KEY_VIOLATION } from './database-errors';
import type {
  BeginTaskResult,
  ConversationRecord,
  MessageRecord,
  NewMessage,
  NewTask,
  TaskEventRecord,
  TaskPatch,
  TaskRecord,
  UsageQuery,
  UsageRow,
} from './records';
import { toConversationRecord, toMessageRecord, toTaskEventRecord, toTaskRecord } from './rows';
import { conversations, inboundEvents, messages, type schema, taskEvents, tasks } from './schema';
import type { Store } from './store';
import { cloudSpendSince, usageSummary } from './usage-queries';

/** A drizzle database over our schema, from either driver (`drizzle-orm/pglite` or `drizzle-orm/node-postgres`). */
export type MemoryDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What a driver hands to {@link DrizzleStore}: the database and how to migrate and close it. */
export interface DriverConnection {
  readonly driver: Store['driver'];
  readonly db: MemoryDatabase;
  /** Apply pending migrations; safe to call again. */
  migrate(): Promise<void>;
  /** Release the connection (pool, PGlite instance, data-folder lock). Called once. */
  close(): Promise<void>;
}

/** A count or limit as a whole number of at least zero. */
const atLeastZero = (value: number): number => (Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0);

/** `prefix` as a LIKE pattern that matches ids starting with it, with `%`, `_` and `\` taken literally. */
const startsWith = (prefix: string): string => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * The one {@link Store}: plain drizzle queries that run the same on PGlite and on Postgres.
 * Open it with `openStore()`, which picks the driver.
 */
export class DrizzleStore implements Store {
  readonly driver: Store['driver'];
  readonly #connection: DriverConnection;
  readonly #db: MemoryDatabase;
  #closing: Promise<void> | undefined;

  constructor(connection: DriverConnection) {
    this.driver = connection.driver;
    this.#connection = connection;
    this.#db = connection.db;
  }

  async ensureConversation(ref: ConversationRef): Promise<ConversationRecord> {
    const [row] = await this.#db
      .insert(conversations)
      .values({
        key: conversationKey(ref),
        platform: ref.platform,
        account: ref.account,
        channel: ref.channel,
        thread: ref.thread ?? null,
        direct: ref.direct,
      })
      .onConflictDoUpdate({ target: conversations.key, set: { updatedAt: sql`now()` } })
      .returning();
    if (!row)
      throw new SwitchboardError('database_error', 'The database did not return the conversation it saved.');
    return toConversationRecord(row);
  }

  async getConversation(key: string): Promise<ConversationRecord | undefined> {
    const [row] = await this.#db.select().from(conversations).where(eq(conversations.key, key));
    return row && toConversationRecord(row);
  }

  async setPinnedModel(key: string, model: string | undefined): Promise<void> {
    const updated = await this.#db
      .update(conversations)
      .set({ pinnedModel: model ?? null, updatedAt: sql`now()` })
      .where(eq(conversations.key, key))
      .returning({ key: conversations.key });
    if (updated.length === 0) throw conversationNotFound(key);
  }

  async setLocalOnly(key: string, on: boolean): Promise<void> {
    const updated = await this.#db
      .update(conversations)
      .set({ localOnly: on, updatedAt: sql`now()` })
      .where(eq(conversations.key, key))
      .returning({ key: conversations.key });
    if (updated.length === 0) throw conversationNotFound(key);
  }

  async beginTask(task: NewTask): Promise<BeginTaskResult> {
    return this.#db.transaction(async (transaction) => {
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
    const updated = await this.#db
      .update(tasks)
      .set(values as Partial<typeof tasks.$inferInsert>)
      .where(eq(tasks.id, id))
      .returning({ id: tasks.id });
    if (updated.length === 0) throw taskNotFound(id);
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const [row] = await this.#db.select().from(tasks).where(eq(tasks.id, id));
    return row && toTaskRecord(row);
  }

  async listTasks(conversationKey: string, limit: number): Promise<TaskRecord[]> {
    const rows = await this.#db
      .select()
      .from(tasks)
      .where(eq(tasks.conversationKey, conversationKey))
      .orderBy(desc(tasks.createdAt), desc(tasks.sequence))
      .limit(atLeastZero(limit));
    return rows.map(toTaskRecord);
  }

  /** Undefined when no task, or more than one, starts with `idPrefix`, or the prefix is empty. */
  async findTask(conversationKey: string, idPrefix: string): Promise<TaskRecord | undefined> {
    if (idPrefix.length === 0) return undefined;
    const rows = await this.#db
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
      await this.#db.insert(taskEvents).values({ taskId, type, data: data ?? null });
    } catch (error) {
      if (errorCodeOf(error) === FOREIGN_KEY_VIOLATION) throw taskNotFound(taskId, error);
      throw error;
    }
  }

  async listTaskEvents(taskId: string): Promise<TaskEventRecord[]> {
    const rows = await this.#db
      .select()
      .from(taskEvents)
      .where(eq(taskEvents.taskId, taskId))
      .orderBy(taskEvents.id);
    return rows.map(toTaskEventRecord);
  }

  usageSummary(query: UsageQuery): Promise<UsageRow[]> {
    return usageSummary(this.#db, query);
  }

  cloudSpendSince(authorId: string, since: Date): Promise<number> {
    return cloudSpendSince(this.#db, authorId, since);
  }

  async addMessages(turns: readonly NewMessage[]): Promise<void> {
    if (turns.length === 0) return;
    try {
      await this.#db.insert(messages).values(
        turns.map((turn) => ({
          conversationKey: turn.conversationKey,
          role: turn.role,
          content: turn.content,
          taskId: turn.taskId ?? null,
          authorId: turn.authorId ?? null,
        })),
      );
    } catch (error) {
      if (errorCodeOf(error) === FOREIGN_KEY_VIOLATION) {
        const keys = [...new Set(turns.map((turn) => turn.conversationKey))].join(', ');
        throw conversationNotFound(keys, error);
      }
      throw error;
    }
  }

  async recentMessages(conversationKey: string, limit: number): Promise<MessageRecord[]> {
    const rows = await this.#db
      .select()
      .from(messages)
      .where(eq(messages.conversationKey, conversationKey))
      .orderBy(desc(messages.id))
      .limit(atLeastZero(limit));
    return rows.reverse().map(toMessageRecord);
  }

  async forgetMessages(conversationKey: string): Promise<number> {
    const deleted = await this.#db
      .delete(messages)
      .where(eq(messages.conversationKey, conversationKey))
      .returning({ id: messages.id });
    return deleted.length;
  }

  /** Resolves when the database answers a trivial query; rejects otherwise (for `/healthz`). */
  async ping(): Promise<void> {
    await this.#db.execute(sql`select 1`);
  }

  migrate(): Promise<void> {
    return this.#connection.migrate();
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#connection.close();
    return this.#closing;
  }
}

function taskNotFound(id: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError('task_not_found', `There is no task with id ${id}.`, { cause });
}

function conversationNotFound(key: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    'conversation_not_found',
    `There is no conversation ${key}; call ensureConversation first.`,
    { cause },
  );
}
