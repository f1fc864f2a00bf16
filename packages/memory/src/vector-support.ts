import { sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';

/**
 * Whether the `vector` extension (pgvector) can be used: created here when the server has it (PGlite
 * with `@electric-sql/pglite-pgvector`, Postgres with pgvector installed). Without it recall falls back
 * to exact cosine over the stored `real[]` embeddings.
 */
export async function enableVector(db: MemoryDatabase): Promise<boolean> {
  const available = await rows<{ available: boolean }>(
    db,
    sql`select exists (select 1 from pg_available_extensions where name = 'vector') as available`,
  );
  if (available[0]?.available !== true) return false;
  try {
    await db.execute(sql`create extension if not exists vector`);
    return true;
  } catch {
    return false;
  }
}

/** The embedding dimensions an index exists for; `create index` is idempotent, this saves the round-trip. */
const indexed = new WeakMap<MemoryDatabase, Set<number>>();

/**
 * An HNSW cosine index over the embeddings of `dimensions` dimensions: a partial expression index, since
 * the column holds vectors of any model. Recall's vector query repeats the same expression and predicate.
 */
export async function ensureVectorIndex(db: MemoryDatabase, dimensions: number): Promise<void> {
  const dims = wholeDimensions(dimensions);
  const known = indexed.get(db) ?? new Set<number>();
  indexed.set(db, known);
  if (known.has(dims)) return;
  await db.execute(
    sql.raw(
      `create index if not exists memories_embedding_${dims}_index on memories using hnsw ((embedding::vector(${dims})) vector_cosine_ops) where array_length(embedding, 1) = ${dims}`,
    ),
  );
  known.add(dims);
}

/** A dimension count safe to put into SQL text. */
export function wholeDimensions(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000)
    throw new RangeError(`An embedding has 1 to 16000 dimensions, not ${dimensions}.`);
  return dimensions;
}

/** The rows of a raw query on either driver (both return `{ rows }`). */
export async function rows<T>(db: MemoryDatabase, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
