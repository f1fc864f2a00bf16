import type { ConversationRef } from '@switchboard/core';
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

/**
 * Everything the box remembers, in Postgres (embedded PGlite or a real server through `pg`). Both
 * drivers pass the same test suite.
 */
export interface Store {
  /** Which driver is behind it: `pglite` or `postgres`. */
  readonly driver: 'pglite' | 'postgres';
  /** Create or touch the conversation row. */
  ensureConversation(ref: ConversationRef): Promise<ConversationRecord>;
  getConversation(key: string): Promise<ConversationRecord | undefined>;
  /** Pin a model for the conversation, or unpin with `undefined`. */
  setPinnedModel(key: string, model: string | undefined): Promise<void>;
  /** Turn the conversation's local-only policy on or off (`/local`). */
  setLocalOnly(key: string, on: boolean): Promise<void>;

  /**
   * Record the inbound event id and create its task in one transaction. An event id seen before
   * returns `duplicate` with the task it made, and creates nothing.
   */
  beginTask(task: NewTask): Promise<BeginTaskResult>;
  updateTask(id: string, patch: TaskPatch): Promise<void>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Tasks of a conversation, newest first. */
  listTasks(conversationKey: string, limit: number): Promise<TaskRecord[]>;
  /** Find a task by a unique prefix of its id within a conversation. */
  findTask(conversationKey: string, idPrefix: string): Promise<TaskRecord | undefined>;
  appendTaskEvent(taskId: string, type: string, data: unknown): Promise<void>;

  /**
   * Tokens and cost per model of the tasks created in `[since, until)`, optionally of one author. Tasks
   * without a model are left out. Ordered by cost, then task count, most first.
   */
  usageSummary(query: UsageQuery): Promise<UsageRow[]>;
  /** US dollars the author's tasks on cloud models (every model but `llama:*`) cost since `since`. */
  cloudSpendSince(authorId: string, since: Date): Promise<number>;
  listTaskEvents(taskId: string): Promise<TaskEventRecord[]>;

  addMessages(messages: readonly NewMessage[]): Promise<void>;
  /** The newest `limit` turns of a conversation, oldest first. */
  recentMessages(conversationKey: string, limit: number): Promise<MessageRecord[]>;
  /** Delete a conversation's turns; returns how many were deleted. */
  forgetMessages(conversationKey: string): Promise<number>;

  /** Resolves when the database answers; rejects when it does not (for `/healthz`). */
  ping(): Promise<void>;
  /** Apply pending migrations (also done by the openers). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
