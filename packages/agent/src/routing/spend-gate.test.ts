import { createLogger, type ModelCall, type ModelRef, type PriceTable, type Usage } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyBudgetGate, maxCallCost, promptTokenBound, type SpendDecision, utcDay } from './spend-gate';

const GPT: ModelRef = 'openai:gpt-test';
const PRICES: PriceTable = new Map([[GPT, { inputPerMillionUsd: 1_000, outputPerMillionUsd: 2_000 }]]);
const CALL: ModelCall = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Grüße' },
  ],
  maxOutputTokens: 10,
};
const NOW = Date.UTC(2026, 2, 4, 12);

const held = (decision: SpendDecision) => {
  if (!decision.ok) throw new Error(`expected a hold, got: ${decision.message}`);
  return decision.hold;
};

describe('the daily budget gate', () => {
  let store: Store;
  let author = 0;
  const gate = (budgetUsd: number) => {
    author += 1;
    const authorId = `telegram:${author}`;
    return {
      authorId,
      gate: dailyBudgetGate({
        store,
        prices: PRICES,
        authorId,
        budgetUsd,
        now: () => NOW,
        logger: createLogger({ level: 'silent' }),
      }),
    };
  };
  const spent = async (authorId: string) => {
    const probe = await store.reserveCloudSpend({ authorId, day: utcDay(NOW), amountUsd: 0, budgetUsd: 1e9 });
    return probe.committedUsd;
  };

  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('bounds the prompt by its UTF-8 bytes plus a template allowance, and prices the maximum', () => {
    expect(promptTokenBound(CALL)).toBe(9 + 8 + 7 + 8);
    expect(maxCallCost(GPT, CALL, PRICES)).toBeCloseTo((32 * 1_000 + 10 * 2_000) / 1e6, 12);
    expect(maxCallCost('openai:unpriced', CALL, PRICES)).toBeUndefined();
  });

  it('reserves the maximum, then settles to the real cost, or releases it all when nothing was used', async () => {
    const { authorId, gate: budget } = gate(1);
    const hold = held(await budget.reserve(GPT, CALL));
    expect(await spent(authorId)).toBeCloseTo(0.052, 12);
    const usage: Usage = { inputTokens: 20, outputTokens: 5 };
    await hold.settle(usage);
    await hold.settle(usage);
    expect(await spent(authorId)).toBeCloseTo(0.03, 12);
    await held(await budget.reserve(GPT, CALL)).settle(undefined);
    expect(await spent(authorId)).toBeCloseTo(0.03, 12);
  });

  it('lets local and unpriced models through without touching the ledger', async () => {
    const { authorId, gate: budget } = gate(0.01);
    expect((await budget.reserve('llama:qwen', CALL)).ok).toBe(true);
    expect((await budget.reserve('openai:unpriced', CALL)).ok).toBe(true);
    expect(await spent(authorId)).toBe(0);
  });

  it('says when one answer could cost more than the whole budget, and what to change', async () => {
    const { gate: budget } = gate(0.01);
    expect(await budget.reserve(GPT, CALL)).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'more than the whole daily cloud budget ($0.0100). Raise SWITCHBOARD_DAILY_CLOUD_BUDGET_USD or lower SWITCHBOARD_MAX_OUTPUT_TOKENS.',
      ),
    });
  });
});
