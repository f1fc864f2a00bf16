import type { FinishReason } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { ApprovalStatus, TaskStatus } from './records';

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
  /** Set by `/memory team on`: memories kept in this channel are recalled for everyone in it. */
  teamMemory: boolean('team_memory').notNull().default(false),
  /** `MEMORY_EXTRACT`: the newest turn (`messages.id`) facts were extracted from; 0 before the first time. */
  extractedThroughMessageId: bigint('extracted_through_message_id', { mode: 'number' }).notNull().default(0),
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
  // The window and `/history` read one conversation newest first: this index is that order.
  (table) => [
    index('messages_conversation_newest_index').on(table.conversationKey, table.id.desc().nullsFirst()),
    index('messages_task_index').on(table.taskId),
    // `/history <words>`: full-text search over turns.
    index('messages_search_index').using('gin', sql`to_tsvector('english', ${table.content})`),
  ],
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
    /** Why the model stopped the answer that was delivered: `stop`, `length` (the token limit), … */
    finishReason: text('finish_reason').$type<FinishReason>(),
    attempts: integer('attempts').notNull().default(1),
    /** The process that works on the task while it is open (`host:pid:boot`); cleared when it ends. */
    leaseOwner: text('lease_owner'),
    /** Until when the owner's claim holds; an open task past it is recovered by another process. */
    leaseExpiresAt: moment('lease_expires_at'),
    /** The final reply part (`reply-end` or `error`), stored in the statement that ends the task. */
    reply: json('reply'),
    createdAt: moment('created_at').notNull().defaultNow(),
    finishedAt: moment('finished_at'),
  },
  (table) => [
    // `/tasks` and history read one conversation's tasks newest first: this index is that order.
    index('tasks_conversation_newest_index').on(
      table.conversationKey,
      table.createdAt.desc().nullsFirst(),
      table.sequence.desc().nullsFirst(),
    ),
    index('tasks_lease_owner_index').on(table.leaseOwner),
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

/**
 * The tool calls of agent tasks, one row per step (the idempotency key `(task_id, step)`): written
 * `running` before the tool runs and `done` with its output after. A resumed task reads them to replay
 * finished steps instead of running them again, and never repeats a side effect that started (ADR 0040).
 */
export const taskSteps = pgTable(
  'task_steps',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    toolName: text('tool_name').notNull(),
    /** SHA-256 of the tool name and canonical arguments. */
    callHash: text('call_hash').notNull(),
    /** `read`, `write` or `dangerous`: only `read` steps are safe to repeat. */
    risk: text('risk').notNull(),
    status: text('status').$type<'running' | 'done'>().notNull().default('running'),
    /** What the model was told (the tool's output, or why it did not run). */
    output: text('output'),
    failed: boolean('failed').notNull().default(false),
    startedAt: moment('started_at').notNull().defaultNow(),
    finishedAt: moment('finished_at'),
  },
  (table) => [primaryKey({ columns: [table.taskId, table.step] })],
);

/**
 * Prompts the agent runs on a schedule (`/schedule`, the `schedule` tool): a cron expression or one
 * time, in a time zone, posting into the conversation that created it through the reply address its
 * creating request had (ADR 0041). `next_run_at` is the claim: a run is taken by the one worker whose
 * conditional update moves it on; null once a one-off ran.
 */
export const schedules = pgTable(
  'schedules',
  {
    id: text('id').primaryKey(),
    conversationKey: text('conversation_key').notNull(),
    /** The conversation as its platform names it, to address the runs' events. */
    conversation: json('conversation').notNull(),
    /** `platform:userId` of the person who created it; each run is their request. */
    authorId: text('author_id').notNull(),
    /** The author as the platform named them (id, display name, roles). */
    author: json('author').notNull(),
    /** Where the runs post: the creating request's reply address. */
    replyAddress: json('reply_address').notNull(),
    prompt: text('prompt').notNull(),
    /** A cron expression (5 or 6 fields), or an ISO local date-time for a one-off run. */
    pattern: text('pattern').notNull(),
    timeZone: text('time_zone').notNull(),
    nextRunAt: moment('next_run_at'),
    lastRunAt: moment('last_run_at'),
    runs: integer('runs').notNull().default(0),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [
    index('schedules_due_index').on(table.nextRunAt),
    index('schedules_conversation_index').on(table.conversationKey),
  ],
);

/**
 * The inbox and outbox of requests: every inbound event id ever accepted (so a redelivered event never
 * starts a second task), the event itself (recovery re-runs it and answers at its reply address), the
 * platform messages delivery made for its reply, and when the final reply reached the platform.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id').notNull(),
    /** The `InboundEvent` as received, NUL characters removed. */
    event: json('event'),
    /** The platform messages (`SentMessage[]`) the reply shows, as delivery last recorded them. */
    sent: json('sent'),
    /** When the final reply was delivered; null while it is owed. */
    deliveredAt: moment('delivered_at'),
    receivedAt: moment('received_at').notNull().defaultNow(),
  },
  (table) => [index('inbound_events_task_id_index').on(table.taskId)],
);

/**
 * Each person's cloud spend per UTC day as the daily budget counts it: the settled cost of their calls
 * plus the reservations of calls still running (ADR 0032). One row per person and day, so a reservation
 * is one conditional upsert of that row, atomic under concurrency on both drivers.
 */
export const cloudSpendDays = pgTable(
  'cloud_spend_days',
  {
    authorId: text('author_id').notNull(),
    /** The UTC day, `YYYY-MM-DD`. */
    day: date('day', { mode: 'string' }).notNull(),
    committedUsd: numeric('committed_usd', { precision: 18, scale: 10, mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ name: 'cloud_spend_days_pk', columns: [table.authorId, table.day] })],
);

/** `tsvector`, written by Postgres itself (a generated column) for full-text search. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** One human, whatever platforms they write from: memories, settings and usage follow the person. */
export const people = pgTable('people', {
  id: text('id').primaryKey(),
  /** Per-person settings (JSON object), shared by every linked identity. */
  settings: json('settings').notNull().default({}),
  createdAt: moment('created_at').notNull().defaultNow(),
});

/** Which person each identity (`platform:userId`) is; linking moves an identity to another person. */
export const personIdentities = pgTable(
  'person_identities',
  {
    identity: text('identity').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    linkedAt: moment('linked_at').notNull().defaultNow(),
  },
  (table) => [index('person_identities_person_index').on(table.personId)],
);

/** Short-lived codes `/link` shows; `/link <code>` on another platform joins that identity to the person. */
export const linkCodes = pgTable(
  'link_codes',
  {
    code: text('code').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    expiresAt: moment('expires_at').notNull(),
  },
  (table) => [index('link_codes_person_index').on(table.personId)],
);

/**
 * Long-term memories of a person: facts they asked to keep or the agent extracted. A team memory also
 * names the channel (`platform:account:channel`) it is recalled in. `search` is for full-text search;
 * `embedding` (any dimension, with the model that made it) for similarity.
 */
export const memories = pgTable(
  'memories',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channelKey: text('channel_key'),
    conversationKey: text('conversation_key'),
    content: text('content').notNull(),
    source: text('source').$type<'remember' | 'tool' | 'extracted'>().notNull(),
    search: tsvector('search').notNull().generatedAlwaysAs(sql`to_tsvector('english', content)`),
    embedding: real('embedding').array(),
    embeddingModel: text('embedding_model'),
    createdAt: moment('created_at').notNull().defaultNow(),
  },
  (table) => [
    // `fastupdate` off: a new memory goes into the index at once. With it on, inserts pile up in the GIN
    // pending list (up to 4 MB), which every full-text recall scans; only vacuum empties it, and PGlite
    // never autovacuums (ADR 0046).
    index('memories_search_index').using('gin', table.search).with({ fastupdate: false }),
    index('memories_person_newest_index').on(table.personId, table.id.desc().nullsFirst()),
    index('memories_channel_newest_index').on(table.channelKey, table.id.desc().nullsFirst()),
  ],
);

/**
 * How many embedded memories each recall scope holds (a person's own: `channel_key` = ''; a channel's team
 * memories: its key) per embedding model, and the newest id: kept by the `memories_scope_count` trigger
 * (migration 0009), so the exact-cosine cache checks it is current with one key lookup instead of
 * counting the scope's rows on every recall (ADR 0046).
 */
export const memoryScopeCounts = pgTable(
  'memory_scope_counts',
  {
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    channelKey: text('channel_key').notNull().default(''),
    embeddingModel: text('embedding_model').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    maxId: bigint('max_id', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.personId, table.channelKey, table.embeddingModel] }),
    index('memory_scope_counts_channel_index').on(table.channelKey, table.embeddingModel),
  ],
);

/** One-time download links of `/export` (the token is the secret; valid for minutes). */
export const exportLinks = pgTable(
  'export_links',
  {
    token: text('token').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    expiresAt: moment('expires_at').notNull(),
  },
  (table) => [index('export_links_person_index').on(table.personId)],
);

/** The rolling summary of a conversation's older turns, put at the top of its memory window. */
export const conversationSummaries = pgTable('conversation_summaries', {
  conversationKey: text('conversation_key')
    .primaryKey()
    .references(() => conversations.key, { onDelete: 'cascade' }),
  content: text('content').notNull(),
  /** The newest turn (`messages.id`) the summary covers. */
  throughMessageId: bigint('through_message_id', { mode: 'number' }).notNull(),
  taskId: text('task_id'),
  updatedAt: moment('updated_at').notNull().defaultNow(),
});

/**
 * One request for a human decision on one tool call, bound to the tool's name and the hash of its exact
 * arguments. Decided at most once (`pending` → `approved`/`denied`/`expired`).
 */
export const approvals = pgTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    conversationKey: text('conversation_key').notNull(),
    /** `platform:userId` of the person whose request made the call. */
    requester: text('requester').notNull(),
    toolName: text('tool_name').notNull(),
    argumentsHash: text('arguments_hash').notNull(),
    arguments: json('arguments'),
    summary: text('summary').notNull(),
    choices: json('choices').$type<string[]>().notNull(),
    status: text('status').$type<ApprovalStatus>().notNull().default('pending'),
    choice: text('choice'),
    decidedBy: text('decided_by'),
    createdAt: moment('created_at').notNull().defaultNow(),
    expiresAt: moment('expires_at').notNull(),
    decidedAt: moment('decided_at'),
  },
  (table) => [index('approvals_task_index').on(table.taskId)],
);

/**
 * The definition of each tool that comes from outside the box (an MCP server) as it was when the owner
 * approved it: the SHA-256 of its name, description and input schema. A tool whose live definition no
 * longer matches is off until someone re-approves the new one. No person's data.
 */
export const toolPins = pgTable('tool_pins', {
  /** The registry name (`mcp_<server>_<tool>`). */
  toolName: text('tool_name').primaryKey(),
  definitionHash: text('definition_hash').notNull(),
  /** The approved description and input schema, to show what changed. */
  definition: json('definition').notNull(),
  pinnedAt: moment('pinned_at').notNull().defaultNow(),
});

/** Every table, for `drizzle(client, { schema })` and drizzle-kit. */
export const schema = {
  identities,
  conversations,
  messages,
  tasks,
  taskEvents,
  inboundEvents,
  cloudSpendDays,
  people,
  personIdentities,
  linkCodes,
  memories,
  exportLinks,
  conversationSummaries,
  approvals,
  toolPins,
};
