/**
 * Where one recall's time goes (`tsx bench/memory/phases.ts`): loads BENCH_MEMORY_SIZES memories (default
 * 100000) as bench/memory.ts does (no vacuum: PGlite never runs autovacuum), then times the whole recall,
 * its one statement alone and exact cosine alone, before and after `vacuum`. `DATABASE_URL` for Postgres,
 * else PGlite without pgvector.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DrizzleStore, type MemoryDatabase } from '../../packages/memory/src/drizzle-store';
import { textQuery } from '../../packages/memory/src/memory-queries';
import { connect } from '../../packages/memory/src/open';
import { readRecall } from '../../packages/memory/src/recall-statement';
import { memories, people } from '../../packages/memory/src/schema';
import { createTestDatabase } from '../../packages/memory/src/testing';
import { embed, percentile, random, sentence } from './data';

const COUNT = Number(process.env['BENCH_MEMORY_SIZES'] ?? 100_000);
const PEOPLE = 10;
const ROUNDS = 200;

async function main(): Promise<void> {
  const server = process.env['DATABASE_URL'];
  const database = server ? await createTestDatabase(server) : undefined;
  const connection = await connect({ databaseUrl: database?.url, dataDir: 'memory://' });
  const store = new DrizzleStore(connection, { vector: false });
  await store.migrate();
  const db: MemoryDatabase = connection.db;
  try {
    const personIds = Array.from({ length: PEOPLE }, () => `p_${randomUUID()}`);
    await db.insert(people).values(personIds.map((id) => ({ id })));
    const next = random(42);
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
    await db.execute(sql`analyze memories`);
    const asker = personIds[0] ?? '';
    const measure = async (label: string) => {
      const whole: number[] = [];
      const statement: number[] = [];
      for (let round = 0; round < ROUNDS + 20; round += 1) {
        const text = sentence(next).split(' ').slice(0, 5).join(' ');
        let begin = performance.now();
        await store.recallMemories({ personId: asker, text, embedding: embed(text), limit: 5 });
        if (round >= 20) whole.push(performance.now() - begin);
        begin = performance.now();
        await readRecall(db, {
          scope: sql`${memories.personId} = ${asker} and ${memories.channelKey} is null`,
          countsScope: sql`(person_id = ${asker} and channel_key = '')`,
          model: 'bench-embed',
          words: textQuery(text),
          candidates: 20,
          vectorIds: [COUNT, COUNT - 10, COUNT - 20, COUNT - 30, COUNT - 40, COUNT - 50],
        });
        if (round >= 20) statement.push(performance.now() - begin);
      }
      const figures = (values: number[]) =>
        `p50 ${percentile(values, 50).toFixed(1)} / p95 ${percentile(values, 95).toFixed(1)} ms`;
      console.log(`${label}: recall ${figures(whole)}; statement alone ${figures(statement)}`);
    };
    await measure('analyzed');
    await db.execute(sql`vacuum memories`);
    await measure('vacuumed');
  } finally {
    await store.close();
    await database?.drop();
  }
}

await main();
