import { createHash } from 'node:crypto';
import {
  cleanValue,
  type FinishReason,
  type InboundEvent,
  type Platform,
  type ReplyPart,
  type SentMessage,
} from '@switchboard/core';
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { MemoryDatabase } from './drizzle-store';
import type { ConversationRecord, TaskRecord, TaskStatus } from './records';

/** A row of a raw statement, as either driver returns it (snake_case columns). */
export type RawRow = Readonly<Record<string, unknown>>;

const dialect = new PgDialect();

/** A value as a `jsonb` parameter, NUL characters removed (Postgres refuses them). */
export function jsonb(value: unknown): SQL {
  if (value === undefined) return sql`null`;
  const json = JSON.stringify(value);
  return sql`${json.includes('\\u0000') ? JSON.stringify(cleanValue(value)) : json}::jsonb`;
}

/** How {@link rows} runs a statement. */
export interface RowsOptions {
  /**
   * Run it as a named prepared statement (ADR 0050): Postgres parses it once per connection and, after a
   * few runs, plans it once. Only for statements whose text has one shape (or a few): every distinct
   * text stays prepared on each pooled connection. PGlite runs it as usual.
   */
  readonly prepared?: boolean;
}

/** Run one raw statement (one round trip) and return its rows. */
export async function rows(db: MemoryDatabase, query: SQL, options: RowsOptions = {}): Promise<RawRow[]> {
  if (options.prepared !== true) {
    const result = (await db.execute(query)) as unknown as { rows: RawRow[] };
    return result.rows;
  }
  const compiled = dialect.sqlToQuery(query);
  const name = `sb_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 24)}`;
  const prepared = db._.session.prepareQuery(compiled, undefined, name, false);
  const result = (await prepared.execute()) as unknown as { rows: RawRow[] };
  return result.rows;
}

const text = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const date = (value: unknown): Date | undefined =>
  value === null || value === undefined ? undefined : value instanceof Date ? value : new Date(String(value));
const number = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const jsonValue = (value: unknown): unknown =>
  typeof value === 'string' && /^[[{"]/.test(value) ? JSON.parse(value) : (value ?? undefined);

/** A raw `tasks` row (possibly with prefixed columns, `t_…`) as a {@link TaskRecord}. */
export function taskFromRaw(row: RawRow, prefix = ''): TaskRecord {
  const get = (column: string) => row[`${prefix}${column}`];
  return {
    id: String(get('id')),
    eventId: String(get('event_id')),
    conversationKey: String(get('conversation_key')),
    authorId: String(get('author_id')),
    command: String(get('command')),
    status: String(get('status')) as TaskStatus,
    model: text(get('model')),
    routeReason: text(get('route_reason')),
    inputTokens: number(get('input_tokens')) ?? 0,
    outputTokens: number(get('output_tokens')) ?? 0,
    costUsd: number(get('cost_usd')) ?? 0,
    timeToFirstTokenMs: number(get('time_to_first_token_ms')),
    durationMs: number(get('duration_ms')),
    errorCode: text(get('error_code')),
    errorMessage: text(get('error_message')),
    finishReason: text(get('finish_reason')) as FinishReason | undefined,
    attempts: number(get('attempts')) ?? 0,
    leaseOwner: text(get('lease_owner')),
    leaseExpiresAt: date(get('lease_expires_at')),
    reply: jsonValue(get('reply')) as ReplyPart | undefined,
    createdAt: date(get('created_at')) ?? new Date(0),
    finishedAt: date(get('finished_at')),
  };
}

/** A raw `conversations` row, columns prefixed `c_`, as a {@link ConversationRecord}. */
export function conversationFromRaw(row: RawRow): ConversationRecord {
  const thread = text(row['c_thread']);
  return {
    key: String(row['c_key']),
    platform: String(row['c_platform']) as Platform,
    account: String(row['c_account']),
    channel: String(row['c_channel']),
    ...(thread === undefined ? {} : { thread }),
    direct: row['c_direct'] === true,
    pinnedModel: text(row['c_pinned_model']),
    localOnly: row['c_local_only'] === true,
    teamMemory: row['c_team_memory'] === true,
    createdAt: date(row['c_created_at']) ?? new Date(0),
    updatedAt: date(row['c_updated_at']) ?? new Date(0),
  };
}

/** The stored event of an inbox row. */
export const eventFromRaw = (value: unknown): InboundEvent | undefined =>
  jsonValue(value) as InboundEvent | undefined;

/** The stored platform messages of an outbox row. */
export const sentFromRaw = (value: unknown): SentMessage[] => {
  const parsed = jsonValue(value);
  return Array.isArray(parsed) ? (parsed as SentMessage[]) : [];
};

const TASK_COLUMNS = [
  'id',
  'event_id',
  'conversation_key',
  'author_id',
  'command',
  'status',
  'model',
  'route_reason',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'time_to_first_token_ms',
  'duration_ms',
  'error_code',
  'error_message',
  'finish_reason',
  'attempts',
  'lease_owner',
  'lease_expires_at',
  'reply',
  'created_at',
  'finished_at',
];

const CONVERSATION_COLUMNS = [
  'key',
  'platform',
  'account',
  'channel',
  'thread',
  'direct',
  'pinned_model',
  'local_only',
  'team_memory',
  'created_at',
  'updated_at',
];

/** Every column of `tasks` under `alias`, each renamed `<alias>_<column>`. */
export const taskColumns = (alias: string): SQL =>
  sql.raw(TASK_COLUMNS.map((column) => `${alias}.${column} as ${alias}_${column}`).join(', '));

/** Every column of `conversations` under the alias `c`, each renamed `c_<column>`. */
export const CONVERSATION_COLUMNS_AS_C = sql.raw(
  CONVERSATION_COLUMNS.map((column) => `c.${column} as c_${column}`).join(', '),
);
