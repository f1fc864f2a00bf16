import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { startAgentHarness } from '../../packages/agent/src/test-harness';
import type { LanguageModel, ModelPart, ModelProvider, ModelRef } from '../../packages/core/src/index';
import { DrizzleStore, type MemoryDatabase } from '../../packages/memory/src/drizzle-store';
import { connect } from '../../packages/memory/src/open';
import { percentile } from './data';
import type { Target } from './recall';

/** Window-query and answer-latency figures of one database. */
export interface HistoryFigures {
  readonly target: string;
  readonly windowEmptyP50Ms: number;
  readonly windowBusyP50Ms: number;
  readonly answerEmptyP50Ms: number;
  readonly answerLongP50Ms: number;
}

const ROWS = Number(process.env['BENCH_MEMORY_TURNS'] ?? 100_000);

/** p50 of `a` and of `b`, sampled alternately so both see the same background load. */
async function timeBoth(
  times: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  const samples: [number[], number[]] = [[], []];
  for (let index = 0; index < times + 10; index += 1) {
    for (const [which, work] of [a, b].entries()) {
      const begin = performance.now();
      await work();
      if (index >= 10) samples[which]?.push(performance.now() - begin);
    }
  }
  const p50 = (values: number[]) => Math.round(percentile(values, 50) * 100) / 100;
  return [p50(samples[0]), p50(samples[1])];
}

/** Bulk-insert `count` turns into `key` (or spread over 200 other conversations when `key` is undefined). */
async function addTurns(database: MemoryDatabase, count: number, key?: string) {
  await database.execute(sql`insert into conversations (key, platform, account, channel, direct)
    select 'other-' || g, 'telegram', 'bot', 'other-' || g, true from generate_series(0, 199) g on conflict do nothing`);
  await database.execute(sql`insert into messages (conversation_key, role, content)
    select coalesce(${key ?? null}, 'other-' || (g % 200)), case when g % 2 = 0 then 'user' else 'assistant' end,
      'turn ' || g || ' about the garden, the weather and the old town'
    from generate_series(1, ${count}) g`);
  await database.execute(sql`analyze`);
}

/**
 * 1. The memory window's query for one conversation with 200 turns, on an otherwise empty database and
 *    after {@link ROWS} newer turns of other conversations.
 * 2. The whole answer (agent, database, an instant model) in a new conversation and in one with
 *    {@link ROWS} stored turns.
 */
export async function measureHistory(target: Target): Promise<HistoryFigures> {
  const connection = await connect({ databaseUrl: target.databaseUrl, dataDir: 'memory://' });
  const db = connection.db;
  const store = new DrizzleStore(connection, { vector: target.vector });
  await store.migrate();
  try {
    const mine = {
      platform: 'telegram' as const,
      account: 'bot',
      channel: `mine-${randomUUID()}`,
      direct: true,
    };
    const mineKey = (await store.ensureConversation(mine)).key;
    await store.addMessages(
      Array.from({ length: 200 }, (_, index) => ({
        conversationKey: mineKey,
        role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `mine ${index}`,
        taskId: undefined,
        authorId: undefined,
      })),
    );
    // The same conversation in a second database that also holds ROWS newer turns of others.
    const busyConnection = await connect({
      databaseUrl: target.busyDatabaseUrl ?? target.databaseUrl,
      dataDir: 'memory://',
    });
    const busy = new DrizzleStore(busyConnection, { vector: target.vector });
    await busy.migrate();
    await busy.ensureConversation(mine);
    await busy.addMessages(await store.recentMessages(mineKey, 200));
    await addTurns(busyConnection.db, ROWS);
    const [windowEmptyP50Ms, windowBusyP50Ms] = await timeBoth(
      200,
      () => store.recentMessages(mineKey, 100),
      () => busy.recentMessages(mineKey, 100),
    );
    await busy.close();

    const model: LanguageModel = {
      ref: 'llama:instant' as ModelRef,
      locality: 'local',
      async *stream(): AsyncGenerator<ModelPart> {
        yield { type: 'text-delta', delta: 'ok' };
        yield { type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const provider: ModelProvider = {
      name: 'llama',
      locality: 'local',
      models: [model],
      check: async () => ({ ok: true, detail: 'ok' }),
    };
    const harness = startAgentHarness({ store, providers: [provider] });
    const empty = { channel: `empty-${randomUUID()}`, direct: true };
    const long = { channel: `long-${randomUUID()}`, direct: true };
    await harness.say('hello', long);
    const longKey = `telegram:bot:${long.channel}:-`;
    await addTurns(db, ROWS, longKey);
    await harness.say('hello', empty);
    await harness.agent.settled();
    const [answerEmptyP50Ms, answerLongP50Ms] = await timeBoth(
      100,
      () => harness.say('what about the garden?', empty),
      () => harness.say('what about the garden?', long),
    );
    await harness.close();
    return { target: target.name, windowEmptyP50Ms, windowBusyP50Ms, answerEmptyP50Ms, answerLongP50Ms };
  } finally {
    await store.close();
  }
}
