import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DrizzleStore, type MemoryDatabase } from '../../packages/memory/src/drizzle-store';
import { connect } from '../../packages/memory/src/open';
import { memories, people } from '../../packages/memory/src/schema';
import { ensureVectorIndex, rows } from '../../packages/memory/src/vector-support';
import { DIMENSIONS, embed, percentile, random, sentence } from './data';

/** One database to measure. */
export interface Target {
  readonly name: string;
  readonly databaseUrl?: string;
  /** Use the vector extension where it exists. */
  readonly vector: boolean;
  /** A second database of the same server (the window benchmark's busy one). */
  readonly busyDatabaseUrl?: string;
}

/** What one recall run measured. */
export interface RecallFigures {
  readonly target: string;
  readonly vectorInDatabase: boolean;
  readonly memories: number;
  readonly ownMemories: number;
  readonly bulkInsertPerSecond: number;
  readonly singleInsertPerSecond: number;
  readonly indexBuildSeconds: number;
  readonly recallP50Ms: number;
  readonly recallP95Ms: number;
  readonly databaseMb: number;
}

const PEOPLE = 10;
const BATCH = 1000;
const QUERIES = 200;

/**
 * Load `count` memories spread over {@link PEOPLE} people (the one queried owns a tenth: a heavy user),
 * then time recall (full text + vectors, top 5) for that person.
 */
export async function measureRecall(target: Target, count: number): Promise<RecallFigures> {
  const connection = await connect({ databaseUrl: target.databaseUrl, dataDir: 'memory://' });
  const store = new DrizzleStore(connection, { vector: target.vector });
  await store.migrate();
  const db: MemoryDatabase = connection.db;
  try {
    const vectorInDatabase = await store.hasVectorExtension();
    const personIds = Array.from({ length: PEOPLE }, () => `p_${randomUUID()}`);
    await db.insert(people).values(personIds.map((id) => ({ id })));
    const next = random(42);
    const started = performance.now();
    for (let offset = 0; offset < count; offset += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - offset) }, (_, index) => {
        const content = sentence(next);
        return {
          personId: personIds[(offset + index) % PEOPLE] ?? '',
          content,
          source: 'remember' as const,
          embedding: embed(content).vector,
          embeddingModel: 'bench-embed',
        };
      });
      await db.insert(memories).values(batch);
    }
    const bulkSeconds = (performance.now() - started) / 1000;
    const indexStarted = performance.now();
    if (vectorInDatabase) await ensureVectorIndex(db, DIMENSIONS);
    await db.execute(sql`analyze memories`);
    const indexBuildSeconds = (performance.now() - indexStarted) / 1000;
    const asker = personIds[0] ?? '';
    const singles = 200;
    const singleStarted = performance.now();
    for (let index = 0; index < singles; index += 1) {
      const content = sentence(next);
      await store.addMemory({
        personId: personIds[1] ?? '',
        content,
        source: 'remember',
        embedding: embed(content),
      });
    }
    const singleSeconds = (performance.now() - singleStarted) / 1000;
    const timings: number[] = [];
    for (let query = 0; query < QUERIES + 20; query += 1) {
      const text = sentence(next).split(' ').slice(0, 5).join(' ');
      const begin = performance.now();
      await store.recallMemories({ personId: asker, text, embedding: embed(text), limit: 5 });
      if (query >= 20) timings.push(performance.now() - begin);
    }
    const [size] = await rows<{ bytes: string | number }>(
      db,
      sql`select pg_database_size(current_database()) as bytes`,
    );
    return {
      target: target.name,
      vectorInDatabase,
      memories: count,
      ownMemories: Math.ceil(count / PEOPLE),
      bulkInsertPerSecond: Math.round(count / bulkSeconds),
      singleInsertPerSecond: Math.round(singles / singleSeconds),
      indexBuildSeconds: Math.round(indexBuildSeconds * 10) / 10,
      recallP50Ms: Math.round(percentile(timings, 50) * 100) / 100,
      recallP95Ms: Math.round(percentile(timings, 95) * 100) / 100,
      databaseMb: Math.round(Number(size?.bytes ?? 0) / 1e5) / 10,
    };
  } finally {
    await store.close();
  }
}
