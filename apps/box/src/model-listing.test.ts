import {
  DEFAULT_PRICES,
  type LanguageModel,
  type ModelHealth,
  type ModelProvider,
  type ModelRef,
  type PriceTable,
} from '@switchboard/core';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePrice, formatModelListing, listModels } from './model-listing';

/** A hand-written local provider: models with a given health, a check that answers as told. */
function localProvider(options: {
  models: { ref: ModelRef; health?: ModelHealth; demo?: boolean }[];
  check?: ModelProvider['check'];
}): ModelProvider {
  const models = options.models.map(
    (model): LanguageModel => ({
      ref: model.ref,
      locality: 'local',
      ...(model.demo ? { demo: true } : {}),
      ...(model.health ? { health: () => model.health as ModelHealth } : {}),
      stream: async function* () {
        yield { type: 'finish', reason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
      },
    }),
  );
  return {
    name: 'llama',
    locality: 'local',
    models,
    check: options.check ?? (async () => ({ ok: true, detail: 'llama.cpp is ready.' })),
  };
}

describe('listModels', () => {
  let fake: FakeOpenAI;
  const cloud = (models: string[]) =>
    createOpenAIProvider({ apiKey: 'sk-test-listing', baseURL: fake.url, models, locality: 'cloud' });

  beforeAll(async () => {
    fake = await startFakeOpenAI({ models: ['gpt-4o-mini', 'mystery'] });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('lists each model with where it runs, the default, its health and its price', async () => {
    const report = await listModels(
      [
        localProvider({
          models: [
            { ref: 'llama:qwen', health: { available: true, detail: 'ready' } },
            { ref: 'llama:crashy', health: { available: false, detail: 'restarting after a crash' } },
            { ref: 'llama:demo', demo: true },
          ],
        }),
        cloud(['gpt-4o-mini', 'mystery']),
      ],
      { defaultRef: 'openai:gpt-4o-mini', prices: DEFAULT_PRICES, timeoutMs: 5000 },
    );
    expect(report.problems).toEqual([]);
    expect(report.models).toEqual([
      {
        ref: 'llama:qwen',
        locality: 'local',
        demo: false,
        isDefault: false,
        health: { ok: true, detail: 'ready' },
        price: 'free (local)',
      },
      {
        ref: 'llama:crashy',
        locality: 'local',
        demo: false,
        isDefault: false,
        health: { ok: false, detail: 'restarting after a crash' },
        price: 'free (local)',
      },
      {
        ref: 'llama:demo',
        locality: 'local',
        demo: true,
        isDefault: false,
        health: { ok: true, detail: 'ready' },
        price: 'free (local)',
      },
      {
        ref: 'openai:gpt-4o-mini',
        locality: 'cloud',
        demo: false,
        isDefault: true,
        health: { ok: true, detail: 'ready' },
        price: '$0.15 in / $0.60 out per 1M tokens',
      },
      {
        ref: 'openai:mystery',
        locality: 'cloud',
        demo: false,
        isDefault: false,
        health: { ok: true, detail: 'ready' },
        price: 'price unknown (set SWITCHBOARD_PRICES)',
      },
    ]);
    expect(fake.requests.filter((request) => request.path === '/v1/models').length).toBeGreaterThanOrEqual(1);
  });

  it('marks every model of a provider whose check fails, and keeps the sentence that says what to fix', async () => {
    fake.enqueueModels({ type: 'error', status: 401 });
    const report = await listModels([cloud(['gpt-4o-mini', 'gpt-4o'])], {
      defaultRef: undefined,
      prices: DEFAULT_PRICES,
      timeoutMs: 5000,
    });
    expect(report.models.map((model) => model.health)).toEqual([
      { ok: false, detail: 'openai check failed' },
      { ok: false, detail: 'openai check failed' },
    ]);
    expect(report.problems).toEqual([
      { provider: 'openai', detail: expect.stringContaining('OPENAI_API_KEY') },
    ]);
    expect(report.problems[0]?.detail).not.toContain('sk-test-listing');
  });

  it('gives up on a provider that does not answer within the timeout, even one that ignores the signal', async () => {
    const silent = localProvider({ models: [{ ref: 'llama:stuck' }], check: () => new Promise(() => {}) });
    const report = await listModels([silent], {
      defaultRef: 'llama:stuck',
      prices: new Map(),
      timeoutMs: 200,
    });
    expect(report.models[0]?.health).toEqual({ ok: false, detail: 'llama check failed' });
    expect(report.problems).toEqual([
      { provider: 'llama', detail: 'The check of llama failed: did not answer within 0.2 s.' },
    ]);
  });
});

describe('describePrice', () => {
  const prices: PriceTable = new Map([
    ['openai:house', { inputPerMillionUsd: 0.075, outputPerMillionUsd: 15 }],
    ['llama:metered', { inputPerMillionUsd: 0.01, outputPerMillionUsd: 0.02 }],
  ]);

  it('shows what a call is charged at, free for unpriced local models, unknown for unpriced cloud ones', () => {
    expect(describePrice({ ref: 'openai:house-2025-01-01', locality: 'cloud' }, prices)).toBe(
      '$0.075 in / $15.00 out per 1M tokens',
    );
    expect(describePrice({ ref: 'openai:house', locality: 'local' }, prices)).toBe(
      '$0.075 in / $15.00 out per 1M tokens',
    );
    expect(describePrice({ ref: 'llama:metered', locality: 'local' }, prices)).toBe(
      '$0.01 in / $0.02 out per 1M tokens',
    );
    expect(describePrice({ ref: 'llama:qwen', locality: 'local' }, prices)).toBe('free (local)');
    expect(describePrice({ ref: 'openai:on-my-gpu', locality: 'local' }, prices)).toBe('free (local)');
    expect(describePrice({ ref: 'openai:elsewhere', locality: 'cloud' }, prices)).toBe(
      'price unknown (set SWITCHBOARD_PRICES)',
    );
  });
});

describe('formatModelListing', () => {
  it('aligns one line per model and lists the problems after them', () => {
    const text = formatModelListing({
      models: [
        {
          ref: 'llama:qwen2.5-0.5b',
          locality: 'local',
          demo: false,
          isDefault: true,
          health: { ok: true, detail: 'ready' },
          price: 'free (local)',
        },
        {
          ref: 'openai:gpt-4o',
          locality: 'cloud',
          demo: false,
          isDefault: false,
          health: { ok: false, detail: 'openai check failed' },
          price: '$2.50 in / $10.00 out per 1M tokens',
        },
      ],
      problems: [{ provider: 'openai', detail: 'OpenAI rejected the key: check OPENAI_API_KEY.' }],
    });
    expect(text.split('\n')).toEqual([
      'Models (2):',
      '  llama:qwen2.5-0.5b  local  default  ✓ ready                free (local)',
      '  openai:gpt-4o       cloud           ✗ openai check failed  $2.50 in / $10.00 out per 1M tokens',
      '',
      'Problems:',
      '  ✗ openai: OpenAI rejected the key: check OPENAI_API_KEY.',
    ]);
  });

  it('says how to add a model when none is configured', () => {
    expect(formatModelListing({ models: [], problems: [] })).toMatch(/^No models are configured\./);
  });
});
