import { type SQL, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { ConversationSummary } from './memory-records';
import { rows } from './raw-rows';
import type { MessageRecord } from './records';

/** What {@link questionContext} reads for one question. */
export interface QuestionContextQuery {
  readonly conversationKey: string;
  /** The asker (`platform:userId`). */
  readonly identity: string;
  /** The channel whose team memories the conversation may recall (`platform:account:channel`). */
  readonly channelKey: string;
  /** How many of the newest turns to read. */
  readonly historyLimit: number;
}

/** Everything answering a question reads from the store before the model is called. */
export interface QuestionContext {
  /** The asker's person; undefined on first sight (`personFor` then makes one). */
  readonly personId: string | undefined;
  /** Whether the asker's person keeps any memories (recall is skipped when not). */
  readonly personRemembers: boolean;
  /** Whether the channel keeps any team memories. */
  readonly channelRemembers: boolean;
  readonly summary: ConversationSummary | undefined;
  /** The newest turns, oldest first. */
  readonly history: readonly MessageRecord[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const date = (value: unknown): Date => new Date(String(value));
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

function summaryFrom(raw: unknown, conversationKey: string): ConversationSummary | undefined {
  const value = json(raw);
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return {
    conversationKey,
    content: text(record['content']) ?? '',
    throughMessageId: Number(record['through_message_id']),
    taskId: text(record['task_id']),
    updatedAt: date(record['updated_at']),
  };
}

function historyFrom(raw: unknown): MessageRecord[] {
  const value = json(raw);
  if (!Array.isArray(value)) return [];
  return value.map((item: Record<string, unknown>) => ({
    id: Number(item['id']),
    conversationKey: text(item['conversation_key']) ?? '',
    role: item['role'] === 'assistant' ? 'assistant' : 'user',
    content: text(item['content']) ?? '',
    taskId: text(item['task_id']),
    authorId: text(item['author_id']),
    createdAt: date(item['created_at']),
  }));
}

/**
 * The question's context as columns of a select list (`q_*`), for {@link questionContext} and for the
 * task claim that reads it in the same round trip (ADR 0030's budget): the asker's person and whether it
 * or the channel keeps memories, the conversation's rolling summary and its newest turns. Each part is an
 * indexed lookup (`person_identities` by identity, `memories_*_newest_index`, the summary's key,
 * `messages_conversation_newest_index`).
 */
export function contextColumns(query: QuestionContextQuery): SQL {
  const person = sql`(select person_id from person_identities where identity = ${query.identity})`;
  return sql`${person} as q_person_id,
    exists (select 1 from memories where person_id = ${person}) as q_person_remembers,
    exists (select 1 from memories where channel_key = ${query.channelKey}) as q_channel_remembers,
    (select row_to_json(s) from conversation_summaries s where s.conversation_key = ${query.conversationKey})
      as q_summary,
    (select coalesce(json_agg(h order by h.id), '[]'::json) from (
      select id, conversation_key, role, content, task_id, author_id, created_at from messages
      where conversation_key = ${query.conversationKey} order by id desc
      limit ${Math.max(0, Math.floor(query.historyLimit))}
    ) h) as q_history`;
}

/** The context read by {@link contextColumns} from one row. */
export function contextFromRow(
  row: Record<string, unknown> | undefined,
  conversationKey: string,
): QuestionContext {
  return {
    personId: text(row?.['q_person_id']),
    personRemembers: row?.['q_person_remembers'] === true,
    channelRemembers: row?.['q_channel_remembers'] === true,
    summary: summaryFrom(row?.['q_summary'], conversationKey),
    history: historyFrom(row?.['q_history']),
  };
}

/** The question's context in one round trip (see {@link contextColumns}). */
export async function questionContext(
  db: MemoryDatabase,
  query: QuestionContextQuery,
): Promise<QuestionContext> {
  const [row] = await rows(db, sql`select ${contextColumns(query)}`, { prepared: true });
  return contextFromRow(row, query.conversationKey);
}
