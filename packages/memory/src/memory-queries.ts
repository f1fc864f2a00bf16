import { and, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import { EmbeddingCache } from './embedding-cache';
import type { MemoryRecord, NewMemory, RecalledMemory, RecallQuery, StoredEmbedding } from './memory-records';
import { atLeastZero } from './message-queries';
import { readMemoryRecords, readRecall } from './recall-statement';
import { memories } from './schema';
import { ensureVectorIndex, rows, wholeDimensions } from './vector-support';

/** How many candidates each search (text, vector) offers before the two are fused. */
const CANDIDATES = 20;
/** Reciprocal-rank fusion's constant: a rank-1 hit scores 1/61. */
const FUSION_K = 60;
/**
 * Without the vector extension, exact cosine runs here over at most this many of the newest embeddings in
 * scope (a person's own memories rarely come near it; ADR 0037).
 */
export const EXACT_COSINE_LIMIT = 20_000;

/** The words of a question as an OR query for `to_tsquery` (stop words and stems are Postgres's job). */
export function textQuery(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].slice(0, 32);
  return unique.length > 0 ? unique.join(' | ') : undefined;
}

/** The columns of `memories` a {@link MemoryRecord} holds (not the search vector nor the embedding). */
const recordColumns = {
  id: memories.id,
  personId: memories.personId,
  channelKey: memories.channelKey,
  conversationKey: memories.conversationKey,
  content: memories.content,
  source: memories.source,
  createdAt: memories.createdAt,
};
type MemoryRow = Pick<typeof memories.$inferSelect, keyof typeof recordColumns>;

/** A `memories` row as a {@link MemoryRecord}. */
function toMemoryRecord(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    personId: row.personId,
    channelKey: row.channelKey ?? undefined,
    conversationKey: row.conversationKey ?? undefined,
    content: row.content,
    source: row.source,
    createdAt: row.createdAt,
  };
}

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Long-term memories over drizzle: keep, list, forget, and recall (full text + vectors). */
export class MemoryQueries {
  /** Without the vector extension: the embeddings of recent scopes, kept here between recalls. */
  readonly #embeddings = new EmbeddingCache(EXACT_COSINE_LIMIT);

  constructor(
    private readonly db: MemoryDatabase,
    private readonly vector: () => Promise<boolean>,
  ) {}

  async addMemory(memory: NewMemory): Promise<MemoryRecord> {
    const vector = memory.embedding?.vector;
    if (vector) wholeDimensions(vector.length);
    const [row] = await this.db
      .insert(memories)
      .values({
        personId: memory.personId,
        content: memory.content,
        source: memory.source,
        channelKey: memory.channelKey ?? null,
        conversationKey: memory.conversationKey ?? null,
        embedding: vector ? [...vector] : null,
        embeddingModel: memory.embedding?.model ?? null,
      })
      .returning(recordColumns);
    if (!row) throw new Error('The database did not return the memory it saved.');
    if (vector && (await this.vector())) await ensureVectorIndex(this.db, vector.length);
    return toMemoryRecord(row);
  }

  /** A person's memories, newest first (team memories they kept included). */
  async listMemories(personId: string, limit: number): Promise<MemoryRecord[]> {
    const found = await this.db
      .select(recordColumns)
      .from(memories)
      .where(eq(memories.personId, personId))
      .orderBy(desc(memories.id))
      .limit(atLeastZero(limit));
    return found.map(toMemoryRecord);
  }

  /** Delete one of the person's memories; false when they have none with that id. */
  async forgetMemory(personId: string, id: number): Promise<boolean> {
    if (!Number.isSafeInteger(id)) return false;
    const deleted = await this.db
      .delete(memories)
      .where(and(eq(memories.personId, personId), eq(memories.id, id)))
      .returning({ id: memories.id });
    return deleted.length > 0;
  }

  /**
   * The top-k memories in scope for a question: full-text ranks and vector ranks (exact cosine over the
   * scope's embeddings cached here, or pgvector's HNSW index for a scope too large for that) fused by
   * reciprocal rank. With the cache current this is one statement (ADR 0046): the vector candidates are
   * taken from the cache first, and the statement that ranks the words also reads the scope's count (which
   * says whether the cache was current) and the records of both candidate lists. Otherwise the cache is
   * brought up to date and the records of the new vector candidates are read after.
   */
  async recall(query: RecallQuery): Promise<RecalledMemory[]> {
    const scope = recallScope(query);
    if (!scope || query.limit <= 0) return [];
    const embedding = query.embedding && query.embedding.vector.length > 0 ? query.embedding : undefined;
    if (embedding) wholeDimensions(embedding.vector.length);
    const key = embedding ? `${query.personId ?? ''}|${query.channelKey ?? ''}|${embedding.model}` : '';
    const cached = embedding ? this.#embeddings.peek(key) : undefined;
    const guess = cached && embedding ? cached.nearest(embedding.vector, CANDIDATES) : [];
    const read = await readRecall(this.db, {
      scope,
      countsScope: countsScope(query),
      model: embedding?.model,
      words: textQuery(query.text),
      candidates: CANDIDATES,
      vectorIds: guess,
    });
    let byVector: number[] = [];
    if (embedding && read.size.count > 0) {
      const current = cached?.count === read.size.count && cached.maxId === read.size.maxId;
      byVector = current ? guess : await this.#byVector(scope, key, embedding, read.size);
      const missing = byVector.filter((id) => !read.records.has(id));
      for (const record of await readMemoryRecords(this.db, scope, missing))
        read.records.set(record.id, record);
    }
    return fuse(read.byText, byVector, query.limit).flatMap(({ id, score, matchedBy }) => {
      const record = read.records.get(id);
      return record ? [{ ...record, score, matchedBy }] : [];
    });
  }

  /** The vector candidates when the cache was not current: brought up to date, or pgvector's index. */
  async #byVector(
    scope: SQL,
    key: string,
    embedding: StoredEmbedding,
    size: { count: number; maxId: number },
  ): Promise<number[]> {
    // A scope small enough to compare exactly is compared here (exact, and faster than a filtered HNSW
    // scan); a larger one goes to pgvector's index where the extension exists (ADR 0046).
    if (size.count > EXACT_COSINE_LIMIT && (await this.vector()))
      return this.#byVectorIndex(scope, embedding, wholeDimensions(embedding.vector.length));
    const sameModel = sql`embedding_model = ${embedding.model} and embedding is not null`;
    const scoped = await this.#embeddings.current(key, size, async (afterId) => {
      // `array_send` is Postgres's binary array format: far cheaper to move and read than `real[]` as text.
      const found = await rows<{ id: string | number; bytes: Uint8Array }>(
        this.db,
        sql`select id, array_send(embedding) as bytes from memories where ${scope} and ${sameModel} and id > ${afterId}
          order by id desc limit ${EXACT_COSINE_LIMIT}`,
      );
      return found.map((row) => ({ id: Number(row.id), vector: float4ArrayFromSend(row.bytes) }));
    });
    return scoped.nearest(embedding.vector, CANDIDATES);
  }

  /** pgvector's HNSW index (partial, per dimension count), filtered to the scope. */
  async #byVectorIndex(scope: SQL, embedding: StoredEmbedding, dims: number): Promise<number[]> {
    const sameModel = sql`embedding_model = ${embedding.model} and array_length(embedding, 1) = ${sql.raw(String(dims))}`;
    const literal = `[${embedding.vector.map((value) => (Number.isFinite(value) ? value : 0)).join(',')}]`;
    const distance = sql`embedding::vector(${sql.raw(String(dims))}) <=> ${literal}::vector(${sql.raw(String(dims))})`;
    const found = await this.db.transaction(async (transaction) => {
      // A filtered HNSW scan keeps looking until it has enough rows of this scope (pgvector 0.8).
      await transaction.execute(sql`set local hnsw.iterative_scan = relaxed_order`);
      await transaction.execute(sql`set local hnsw.ef_search = 100`);
      return rows<{ id: string | number; distance: number }>(
        transaction as unknown as MemoryDatabase,
        sql`select id, ${distance} as distance from memories where ${scope} and ${sameModel}
            order by ${distance} limit ${CANDIDATES}`,
      );
    });
    return found.sort((a, b) => a.distance - b.distance).map((row) => Number(row.id));
  }
}

/**
 * The values of a one-dimensional `real[]` in `array_send`'s format: dimensions, a has-nulls flag, the
 * element type, then per dimension its length and lower bound, then per element a 4-byte length and a
 * big-endian float (a null element, length -1, reads as 0).
 */
export function float4ArrayFromSend(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getInt32(0) === 0) return [];
  const length = view.getInt32(12);
  const values = new Array<number>(length);
  let offset = 20;
  for (let index = 0; index < length; index += 1) {
    const size = view.getInt32(offset);
    offset += 4;
    if (size === 4) {
      values[index] = view.getFloat32(offset);
      offset += 4;
    } else values[index] = 0;
  }
  return values;
}

/** Which memories a query may see: the person's own (not team ones), and the channel's team memories. */
function recallScope(query: RecallQuery): SQL | undefined {
  const own = query.personId
    ? and(eq(memories.personId, query.personId), isNull(memories.channelKey))
    : undefined;
  const team = query.channelKey ? eq(memories.channelKey, query.channelKey) : undefined;
  return own && team ? or(own, team) : (own ?? team);
}

/** Which `memory_scope_counts` rows make up a query's scope (a person's own: channel key ''). */
function countsScope(query: RecallQuery): SQL {
  const own = query.personId ? sql`(person_id = ${query.personId} and channel_key = '')` : undefined;
  const team = query.channelKey ? sql`channel_key = ${query.channelKey}` : undefined;
  return own && team ? sql`(${own} or ${team})` : (own ?? team ?? sql`false`);
}

/** Reciprocal-rank fusion of the text and vector candidates: the best `limit`, best first. */
function fuse(
  byText: readonly number[],
  byVector: readonly number[],
  limit: number,
): { id: number; score: number; matchedBy: ('text' | 'vector')[] }[] {
  const scores = new Map<number, { score: number; matchedBy: ('text' | 'vector')[] }>();
  const add = (ids: readonly number[], how: 'text' | 'vector') =>
    ids.forEach((id, rank) => {
      const entry = scores.get(id) ?? { score: 0, matchedBy: [] };
      entry.score += 1 / (FUSION_K + rank + 1);
      entry.matchedBy.push(how);
      scores.set(id, entry);
    });
  add(byText, 'text');
  add(byVector, 'vector');
  return [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || b[0] - a[0])
    .slice(0, limit)
    .map(([id, entry]) => ({ id, ...entry }));
}
