/**
 * EXPLAIN ANALYZE of the recall queries (`tsx bench/memory/explain.ts`): loads BENCH_MEMORY_SIZES memories
 * (default 100000) as bench/memory.ts does, then prints the plan and time of each query one recall makes,
 * and the time of each recall phase. `DATABASE_URL` for Postgres, else PGlite; `BENCH_MEMORY_VECTOR=off`
 * for exact cosine on PGlite.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DrizzleStore, type MemoryDatabase } from '../../packages/memory/src/drizzle-store';
import { EmbeddingCache } from '../../packages/memory/src/embedding-cache';
import { float4ArrayFromSend, textQuery } from '../../packages/memory/src/memory-queries';
import { connect } from '../../packages/memory/src/open';
import { recallStatement } from '../../packages/memory/src/recall-statement';
import { memories, people } from '../../packages/memory/src/schema';
import { createTestDatabase } from '../../packages/memory/src/testing';
import { ensureVectorIndex, rows } from '../../packages/memory/src/vector-support';
import { DIMENSIONS, embed, percentile, random, sentence } from './data';

const COUNT = Number(process.env['BENCH_MEMORY_SIZES'] ?? 100_000);
const PEOPLE = 10;

async function main(): Promise<void> {
  const server = process.env['DATABASE_URL'];
  const database = server ? await createTestDatabase(server) : undefined;
  const connection = await connect({ databaseUrl: database?.url, dataDir: 'memory://' });
  const store = new DrizzleStore(connection, { vector: process.env['BENCH_MEMORY_VECTOR'] !== 'off' });
  await store.migrate();
  const db: MemoryDatabase = connection.db;
  try {
    const personIds = Array.from({ length: PEOPLE }, () => `p_${randomUUID()}`);
    await db.insert(people).values(personIds.map((id) => ({ id })));
    const next = random(42);
    const loadStarted = performance.now();
    for (let offset = 0; offset < COUNT; offset += 1000) {
      const batch = Array.from({ length: Math.min(1000, COUNT - offset) }, (_, index) => {
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
    const vector = await store.hasVectorExtension();
    if (vector) await ensureVectorIndex(db, DIMENSIONS);
    await db.execute(sql`vacuum analyze memories`);
    console.log(
      `loaded ${COUNT} in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; vector: ${vector}`,
    );
    const asker = personIds[0] ?? '';
    const text = sentence(next).split(' ').slice(0, 5).join(' ');
    const words = textQuery(text) ?? '';
    const scope = sql`person_id = ${asker} and channel_key is null`;
    const same = sql`embedding_model = 'bench-embed' and array_length(embedding, 1) = ${sql.raw(String(DIMENSIONS))}`;
    const explain = async (name: string, query: ReturnType<typeof sql>) => {
      const plan = await rows<{ 'QUERY PLAN': string }>(db, sql`explain (analyze, buffers) ${query}`);
      console.log(`\n## ${name}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
    };
    await explain(
      'recall in one statement (ADR 0046): scope count, full-text top 20, records of both candidate lists',
      recallStatement({
        scope: sql`${memories.personId} = ${asker} and ${memories.channelKey} is null`,
        countsScope: sql`(person_id = ${asker} and channel_key = '')`,
        model: 'bench-embed',
        words,
        candidates: 20,
        vectorIds: [COUNT, COUNT - 10, COUNT - 20, COUNT - 30, COUNT - 40],
      }),
    );
    await explain(
      'full text alone',
      sql`select id from memories, to_tsquery('english', ${words}) query where ${scope} and search @@ query order by ts_rank(search, query) desc, id desc limit 20`,
    );
    await explain(
      'before ADR 0046: the exact-cosine cache check counted the scope',
      sql`select count(*)::int as n, coalesce(max(id), 0) as m from memories where ${scope} and ${same}`,
    );
    await explain(
      'exact-cosine load (first recall of a scope)',
      sql`select id, array_send(embedding) as bytes from memories where ${scope} and embedding_model = 'bench-embed' and embedding is not null and id > 0 order by id desc limit 20000`,
    );
    const cache = new EmbeddingCache(20_000);
    const loaded = await rows<{ id: string | number; bytes: Uint8Array }>(
      db,
      sql`select id, array_send(embedding) as bytes from memories where ${scope} and embedding_model = 'bench-embed' order by id desc`,
    );
    const scoped = await cache.current('bench', { count: loaded.length, maxId: 0 }, async () =>
      loaded.map((row) => ({ id: Number(row.id), vector: float4ArrayFromSend(row.bytes) })),
    );
    const cosineTimings: number[] = [];
    for (let query = 0; query < 120; query += 1) {
      const begin = performance.now();
      scoped.nearest(embed(sentence(next)).vector, 20);
      if (query >= 20) cosineTimings.push(performance.now() - begin);
    }
    console.log(
      `\nexact cosine over ${loaded.length} cached embeddings: p50 ${percentile(cosineTimings, 50).toFixed(1)} ms, p95 ${percentile(cosineTimings, 95).toFixed(1)} ms`,
    );
    const timings: number[] = [];
    for (let query = 0; query < 120; query += 1) {
      const question = sentence(next).split(' ').slice(0, 5).join(' ');
      const begin = performance.now();
      await store.recallMemories({ personId: asker, text: question, embedding: embed(question), limit: 5 });
      if (query >= 20) timings.push(performance.now() - begin);
    }
    console.log(
      `\nrecall p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${percentile(timings, 95).toFixed(1)} ms`,
    );
  } finally {
    await store.close();
    await database?.drop();
  }
}

await main();
