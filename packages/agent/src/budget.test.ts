import type { ModelRef, PriceTable, ReplyPart } from '@switchboard/core';
import { createTestDatabase, IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_SETTINGS, startAgentHarness } from './test-harness';

const GPT: ModelRef = 'openai:gpt-test';
const PRICES: PriceTable = new Map([[GPT, { inputPerMillionUsd: 100, outputPerMillionUsd: 60 }]]);
const BUDGET_USD = 0.05;
/** What the fake bills each answer: 40 prompt tokens and 250 of the 256 output tokens allowed. */
const USAGE = { prompt_tokens: 40, completion_tokens: 250 };
const COST_PER_ANSWER_USD = (40 * 100 + 250 * 60) / 1e6;

interface Driver {
  readonly name: string;
  setUp(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }>;
}

const drivers: Driver[] = [
  { name: 'PGlite', setUp: async () => ({ dataDir: IN_MEMORY, drop: async () => {} }) },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, dataDir: IN_MEMORY, drop: () => database.drop() };
    },
  });
}

describe.each(drivers)('the daily cloud budget on $name', (driver) => {
  let openai: FakeOpenAI;
  let store: Store;
  let location: Awaited<ReturnType<Driver['setUp']>>;

  beforeAll(async () => {
    openai = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'A paid answer.', usage: USAGE, delayMs: 30 },
    });
    location = await driver.setUp();
    store = await openStore(location);
  });
  afterAll(async () => {
    await store?.close();
    await location?.drop();
    await openai?.close();
  });

  it('is reserved before each call, so 8 concurrent requests never spend past it', async () => {
    const harness = startAgentHarness({
      store,
      providers: [
        createOpenAIProvider({
          apiKey: 'sk-test',
          baseURL: openai.url,
          models: ['gpt-test'],
          locality: 'cloud',
          timeoutMs: 10_000,
        }),
      ],
      registry: { defaultRef: GPT },
      routing: { dailyCloudBudgetUsd: BUDGET_USD },
      prices: PRICES,
    });
    try {
      const ends = await Promise.all(
        Array.from({ length: 8 }, async (_, index) => {
          const parts: ReplyPart[] = await harness.say(`/ask question ${index}`, {
            channel: `budget-${index}`,
          });
          return parts.at(-1);
        }),
      );
      const answered = openai.requests.filter((request) => request.path.endsWith('/chat/completions'));
      const spentAtTheFake = answered.length * COST_PER_ANSWER_USD;
      expect(spentAtTheFake).toBeLessThanOrEqual(BUDGET_USD);
      expect(answered.length).toBe(2);
      expect(ends.filter((end) => end?.type === 'reply-end')).toHaveLength(2);
      const refused = ends.filter((end) => end?.type === 'error');
      expect(refused).toHaveLength(6);
      for (const end of refused) {
        expect(end).toMatchObject({
          code: 'budget_exceeded',
          message: expect.stringContaining('Your daily cloud budget has no room for this request'),
        });
      }
      const spentByTheBox = await store.cloudSpendSince('telegram:1', new Date(Date.now() - 86_400_000));
      expect(spentByTheBox).toBeCloseTo(spentAtTheFake, 10);
      expect(HARNESS_SETTINGS.maxOutputTokens).toBeGreaterThanOrEqual(USAGE.completion_tokens);
    } finally {
      await harness.close();
    }
  });
});
