import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { TaskStatus } from './records';

/** A point in time, stored with its time zone, read back as a `Date`. */
const moment = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * `jsonb` holding any JSON value. drizzle's own `jsonb()` parses a value the driver already parsed, so a
 * string such as `"42"` would come back as the number 42; both drivers parse `jsonb`, so this type does not.
 */
const json = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => value,
});

/** A person as one platform knows them, with the role they have on this box. */
export const identities = pgTable(
  'identities',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull().default('member'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [unique('identities_platform_user_unique').on(table.platform, table.platformUserId)],
);

/** One conversation, keyed by `conversationKey(ref)`. */
export const conversations = pgTable('conversations', {
  key: text('key').primaryKey(),
  platform: text('platform').notNull(),
  account: text('account').notNull(),
  channel: text('channel').notNull(),
  thread: text('thread'),
  direct: boolean('direct').notNull(),
  pinnedModel: text('pinned_model'),
  /** Set by `/local on`: the conversation is never sent to a cloud model. */
  localOnly: boolean('local_only').notNull().default(false),
  createdAt: moment('created_at').notNull().defaultNow(),
  updatedAt: moment('updated_at').notNull().defaultNow(),
});

/** The remembered turns of every conversation; `id` order is conversation order. */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationKey: text('conversation_key')
      .notNull()
      .references(() => conversations.key, { onDelete: 'cascade' }),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: text('content').notNull(),
    taskId: text('task_id'),
    authorId: text('author_id'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [index('messages_conversation_id_index').on(table.conversationKey, table.id)],
);

/** One row per request: how it was routed, what it cost, how it ended. */
export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').notNull().unique('tasks_event_id_unique'),
    /** Insertion order; breaks ties between tasks created within the same clock tick. */
    sequence: bigserial('sequence', { mode: 'number' }).notNull(),
    conversationKey: text('conversation_key').notNull(),
    authorId: text('author_id').notNull(),
    command: text('command').notNull(),
    status: text('status').$type<TaskStatus>().notNull(),
    model: text('model'),
    routeReason: text('route_reason'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 18, scale: 10, mode: 'number' }).notNull().default(0),
    timeToFirstTokenMs: integer('time_to_first_token_ms'),
    durationMs: integer('duration_ms'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    attempts: integer('attempts').notNull().default(1),
    createdAt: moment('created_at').notNull().defaultNow(),
    finishedAt: moment('finished_at'),
  },
  (table) => [
    index('tasks_conversation_created_index').on(table.conversationKey, table.createdAt),
    index('tasks_author_created_index').on(table.authorId, table.createdAt),
    index('tasks_created_index').on(table.createdAt),
  ],
);

/** The append-only steps of each task: route decision, fallback, tool call, approval, retry. */
export const taskEvents = pgTable(
  'task_events',
  {
    id: serial('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: json('data'),
    at: moment('at').notNull().defaultNow(),
  },
  (table) => [index('task_events_task_id_index').on(table.taskId, table.id)],
);

/** Every inbound event id ever accepted, so a redelivered event never starts a second task. */
export const inboundEvents = pgTable('inbound_events', {
  id: text('id').primaryKey(),
  taskId: text('task_id').notNull(),
  receivedAt: moment('received_at').notNull().defaultNow(),
});

/** Every table, for `drizzle(client, { schema })` and drizzle-kit. */
export const schema = { identities, conversations, messages, tasks, taskEvents, inboundEvents };
