import { type SQL, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { MemoryRecord } from './memory-records';
import { type RawRow, rows } from './raw-rows';

/** What one recall statement read: the scope's embedding count, the full-text ranking, and the records. */
export interface RecallRead {
  /** Embedded memories of the question's model in scope, and the newest id (`memory_scope_counts`). */
  readonly size: { readonly count: number; readonly maxId: number };
  /** The full-text candidates, best first. */
  readonly byText: number[];
  /** The records of the text candidates and of the vector candidates asked for (those still in scope). */
  readonly records: Map<number, MemoryRecord>;
}

/** Where the statement looks: the memory scope, the counts rows of that scope, and the question. */
export interface RecallStatementInput {
  /** Which `memories` rows the question may see (columns qualified by the table name). */
  readonly scope: SQL;
  /** Which `memory_scope_counts` rows make up that scope. */
  readonly countsScope: SQL;
  /** The question's embedding model; undefined when it has no embedding. */
  readonly model: string | undefined;
  /** The question's words as a `to_tsquery` text; undefined when it has none. */
  readonly words: string | undefined;
  /** How many full-text candidates to rank. */
  readonly candidates: number;
  /** Vector candidates whose records to read too (from the embedding cache, before the statement). */
  readonly vectorIds: readonly number[];
}

/** `ids` as a Postgres `bigint[]` literal: one parameter whatever their number, so the text stays the same. */
function bigintArray(ids: readonly number[]): string {
  return `{${ids.filter((id) => Number.isSafeInteger(id)).join(',')}}`;
}

/**
 * One recall in one round trip (ADR 0046): the scope's embedding count (so the box knows whether its cached
 * embeddings, and the vector candidates it already took from them, are current), the full-text top
 * candidates (GIN index, ranked, `LIMIT`), and the records of those and of `vectorIds` — always one row at
 * least, carrying the count.
 */
export function recallStatement(input: RecallStatementInput): SQL {
  const textHits = input.words
    ? sql`select id, row_number() over (order by ts_rank(search, query) desc, id desc) as text_rank
        from memories, to_tsquery('english', ${input.words}) query
        where ${input.scope} and search @@ query
        order by ts_rank(search, query) desc, id desc limit ${input.candidates}`
    : sql`select null::bigint as id, null::bigint as text_rank where false`;
  const scopeSize = input.model
    ? sql`select coalesce(sum(count), 0) as n, coalesce(max(max_id), 0) as m
        from memory_scope_counts where ${input.countsScope} and embedding_model = ${input.model}`
    : sql`select 0 as n, 0 as m`;
  return sql`with scope_size as (${scopeSize}), text_hits as (${textHits}),
      wanted as (select id from text_hits union select unnest(${bigintArray(input.vectorIds)}::bigint[]))
      select scope_size.n, scope_size.m, text_hits.text_rank, memories.id, memories.person_id,
        memories.channel_key, memories.conversation_key, memories.content, memories.source, memories.created_at
      from scope_size left join (wanted
        join memories on memories.id = wanted.id and ${input.scope}
        left join text_hits on text_hits.id = wanted.id) on true`;
}

/** Run {@link recallStatement} and read its rows. */
export async function readRecall(db: MemoryDatabase, input: RecallStatementInput): Promise<RecallRead> {
  const found = await rows(db, recallStatement(input));
  const first = found[0];
  const records = new Map<number, MemoryRecord>();
  const ranked: { id: number; rank: number }[] = [];
  for (const row of found) {
    if (row['id'] === null || row['id'] === undefined) continue;
    const record = memoryFromRaw(row);
    records.set(record.id, record);
    if (row['text_rank'] !== null && row['text_rank'] !== undefined)
      ranked.push({ id: record.id, rank: Number(row['text_rank']) });
  }
  return {
    size: { count: Number(first?.['n'] ?? 0), maxId: Number(first?.['m'] ?? 0) },
    byText: ranked.sort((a, b) => a.rank - b.rank).map((hit) => hit.id),
    records,
  };
}

/** The records of `ids` still in scope (the vector candidates the statement did not know of in advance). */
export async function readMemoryRecords(
  db: MemoryDatabase,
  scope: SQL,
  ids: readonly number[],
): Promise<MemoryRecord[]> {
  if (ids.length === 0) return [];
  const found = await rows(
    db,
    sql`select id, person_id, channel_key, conversation_key, content, source, created_at from memories
      where id = any(${bigintArray(ids)}::bigint[]) and ${scope}`,
  );
  return found.map(memoryFromRaw);
}

/** A raw `memories` row (snake_case columns) as a {@link MemoryRecord}. */
function memoryFromRaw(row: RawRow): MemoryRecord {
  const optional = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
  const created = row['created_at'];
  return {
    id: Number(row['id']),
    personId: String(row['person_id']),
    channelKey: optional(row['channel_key']),
    conversationKey: optional(row['conversation_key']),
    content: String(row['content']),
    source: String(row['source']) as MemoryRecord['source'],
    createdAt: created instanceof Date ? created : new Date(String(created)),
  };
}
