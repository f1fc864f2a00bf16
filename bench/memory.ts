/**
 * Memory benchmark (`pnpm bench:memory`): recall latency (full text + vectors, top 5) at 10k and 100k
 * memories on PGlite with and without pgvector and on Postgres (`DATABASE_URL`, pgvector if installed),
 * insert rates, database size; the memory window's query with 100k newer turns elsewhere versus an empty
 * database; and the whole answer in a conversation with 100k stored turns versus an empty one.
 *
 *   pnpm bench:memory              # sizes 10000,100000
 *   BENCH_MEMORY_SIZES=10000 pnpm bench:memory
 *   BENCH_MEMORY_TARGETS=postgres BENCH_MEMORY_HISTORY=off BENCH_MEMORY_DIMENSIONS=384 pnpm bench:memory
 *
 * Prints a Markdown section; `--write` puts it under "## Memory" in docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../packages/memory/src/testing';
import { DIMENSIONS } from './memory/data';
import { type HistoryFigures, measureHistory } from './memory/history';
import { measureRecall, type RecallFigures, type Target } from './memory/recall';

const SIZES = (process.env['BENCH_MEMORY_SIZES'] ?? '10000,100000').split(',').map(Number);

async function withTarget<T>(target: Target, run: (target: Target) => Promise<T>): Promise<T> {
  if (!target.databaseUrl) return run(target);
  const database = await createTestDatabase(target.databaseUrl);
  const busy = await createTestDatabase(target.databaseUrl);
  try {
    return await run({ ...target, databaseUrl: database.url, busyDatabaseUrl: busy.url });
  } finally {
    await database.drop();
    await busy.drop();
  }
}

async function main(): Promise<void> {
  const targets: Target[] = [
    { name: 'PGlite + pgvector', vector: true },
    { name: 'PGlite, exact cosine', vector: false },
  ];
  const server = process.env['DATABASE_URL'];
  if (server) targets.push({ name: 'Postgres', databaseUrl: server, vector: true });
  // BENCH_MEMORY_TARGETS=pglite,postgres (substrings of the names) runs only those.
  const only = process.env['BENCH_MEMORY_TARGETS']?.toLowerCase().split(',');
  if (only)
    targets.splice(
      0,
      targets.length,
      ...targets.filter((t) => only.some((o) => t.name.toLowerCase().includes(o))),
    );
  const skipHistory = process.env['BENCH_MEMORY_HISTORY'] === 'off';
  const recall: RecallFigures[] = [];
  for (const size of SIZES) {
    for (const target of targets) {
      const figures = await withTarget(target, (t) => measureRecall(t, size));
      console.error(JSON.stringify(figures));
      recall.push(figures);
    }
  }
  const history: HistoryFigures[] = [];
  for (const target of skipHistory ? [] : targets.filter((t) => t.name !== 'PGlite, exact cosine')) {
    const figures = await withTarget(target, measureHistory);
    console.error(JSON.stringify(figures));
    history.push(figures);
  }
  const section = render(recall, history);
  console.log(section);
  if (process.argv.includes('--write')) write(section);
}

function render(recall: readonly RecallFigures[], history: readonly HistoryFigures[]): string {
  const lines = [
    '## Memory',
    '',
    `\`pnpm bench:memory\` (bench/memory.ts), ${new Date().toISOString().slice(0, 10)}, on the shared 2-CPU development machine (other work running).`,
    `Memories are spread over 10 people; recall runs for one who owns a tenth of them (a heavy user), full text fused with ${DIMENSIONS}-dimension embeddings, top 5, 200 queries after 20 warm-up.`,
    '',
    '| database | vectors | memories (own) | recall p50 ms | recall p95 ms | bulk insert rows/s | single insert rows/s | index build s | db MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...recall.map(
      (r) =>
        `| ${r.target} | ${r.vectorInDatabase ? 'pgvector HNSW' : 'exact cosine in the box'} | ${r.memories} (${r.ownMemories}) | ${r.recallP50Ms} | ${r.recallP95Ms} | ${r.bulkInsertPerSecond} | ${r.singleInsertPerSecond} | ${r.indexBuildSeconds} | ${r.databaseMb} |`,
    ),
    '',
    'Window query (100 newest turns of a 200-turn conversation) and whole answers (agent + database + an instant model), p50 ms:',
    '',
    '| database | window, empty db | window, 100k newer turns elsewhere | ratio | answer, new conversation | answer, 100k stored turns | ratio |',
    '|---|---|---|---|---|---|---|',
    ...history.map(
      (h) =>
        `| ${h.target} | ${h.windowEmptyP50Ms} | ${h.windowBusyP50Ms} | ${(h.windowBusyP50Ms / h.windowEmptyP50Ms).toFixed(2)} | ${h.answerEmptyP50Ms} | ${h.answerLongP50Ms} | ${(h.answerLongP50Ms / h.answerEmptyP50Ms).toFixed(2)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Replace (or add) the "## Memory" section of docs/benchmarks.md, leaving other sections alone. */
function write(section: string): void {
  const path = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n';
  const start = current.indexOf('## Memory\n');
  if (start < 0) {
    writeFileSync(path, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const after = current.indexOf('\n## ', start + 1);
  writeFileSync(path, `${current.slice(0, start)}${section}${after < 0 ? '' : current.slice(after + 1)}`);
}

await main();
