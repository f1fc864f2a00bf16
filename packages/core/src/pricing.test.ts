import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES, type Price, type PriceTable, priceOf } from './pricing';

const table: PriceTable = new Map<string, Price>([
  ['openai:gpt-4o', { inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 }],
  ['openai:gpt-4o-mini', { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 }],
  ['anthropic:claude-opus-4', { inputPerMillionUsd: 15, outputPerMillionUsd: 75 }],
  ['anthropic:claude-opus-4-5', { inputPerMillionUsd: 5, outputPerMillionUsd: 25 }],
]);

describe('priceOf', () => {
  it('finds an exact ref', () => {
    expect(priceOf('openai:gpt-4o', table)).toEqual({ inputPerMillionUsd: 2.5, outputPerMillionUsd: 10 });
  });

  it('prices a dated snapshot like the model it extends, preferring the longest known prefix', () => {
    expect(priceOf('openai:gpt-4o-mini-2024-07-18', table)?.inputPerMillionUsd).toBe(0.15);
    expect(priceOf('openai:gpt-4o-2024-08-06', table)?.inputPerMillionUsd).toBe(2.5);
    expect(priceOf('anthropic:claude-opus-4-20250514', table)?.inputPerMillionUsd).toBe(15);
    expect(priceOf('anthropic:claude-opus-4-5-20251101', table)?.inputPerMillionUsd).toBe(5);
  });

  it('does not give a new version number its family’s price', () => {
    expect(priceOf('anthropic:claude-opus-4-6', table)).toBeUndefined();
    expect(priceOf('anthropic:claude-opus-4-7-20260101', table)).toBeUndefined();
    expect(priceOf('openai:gpt-4o1', table)).toBeUndefined();
    expect(priceOf('openai:gpt-4o.5', table)).toBeUndefined();
  });

  it('knows nothing of unknown models and other providers of the same name', () => {
    expect(priceOf('openai:mystery', table)).toBeUndefined();
    expect(priceOf('deepseek:gpt-4o', table)).toBeUndefined();
    expect(priceOf('openai:gpt', table)).toBeUndefined();
  });

  it('makes every local llama model free, unless the table says otherwise', () => {
    expect(priceOf('llama:qwen2.5-0.5b', new Map())).toEqual({
      inputPerMillionUsd: 0,
      outputPerMillionUsd: 0,
    });
    const electricity = new Map([['llama:big', { inputPerMillionUsd: 0.01, outputPerMillionUsd: 0.02 }]]);
    expect(priceOf('llama:big', electricity)?.outputPerMillionUsd).toBe(0.02);
  });

  it('ships list prices for the common OpenAI and Anthropic models', () => {
    for (const ref of [
      'openai:gpt-4o',
      'openai:gpt-4o-mini',
      'openai:gpt-4.1',
      'openai:gpt-4.1-mini',
      'openai:gpt-4.1-nano',
      'openai:o3',
      'openai:o4-mini',
      'openai:gpt-5',
      'openai:gpt-5-mini',
      'openai:gpt-5-nano',
      'openai:gpt-5.4-mini',
      'openai:gpt-5.5',
      'anthropic:claude-opus-4-1-20250805',
      'anthropic:claude-sonnet-4-20250514',
      'anthropic:claude-sonnet-4-5',
      'anthropic:claude-haiku-4-5',
      'anthropic:claude-3-5-haiku-latest',
    ]) {
      const price = priceOf(ref, DEFAULT_PRICES);
      expect(price, ref).toBeDefined();
      expect(price?.outputPerMillionUsd, ref).toBeGreaterThan(price?.inputPerMillionUsd ?? Infinity);
    }
    expect(priceOf('openai:gpt-4.1-mini-2025-04-14', DEFAULT_PRICES)?.inputPerMillionUsd).toBe(0.4);
    expect(priceOf('openai:o3-mini', DEFAULT_PRICES)?.inputPerMillionUsd).toBe(1.1);
    expect(priceOf('openai:gpt-5.5-2026-04-23', DEFAULT_PRICES)?.outputPerMillionUsd).toBe(30);
    expect(priceOf('anthropic:claude-opus-4-7', DEFAULT_PRICES)).toBeUndefined();
  });
});

describe('costOf', () => {
  it('charges input and output tokens at their own rates, in dollars', () => {
    expect(costOf('openai:gpt-4o', { inputTokens: 1_000_000, outputTokens: 0 }, table)).toBe(2.5);
    expect(costOf('openai:gpt-4o', { inputTokens: 0, outputTokens: 1_000_000 }, table)).toBe(10);
    expect(costOf('openai:gpt-4o-mini', { inputTokens: 2000, outputTokens: 500 }, table)).toBeCloseTo(
      (2000 * 0.15 + 500 * 0.6) / 1e6,
      15,
    );
  });

  it('is zero for no tokens and for local models, undefined for an unknown price', () => {
    expect(costOf('openai:gpt-4o', { inputTokens: 0, outputTokens: 0 }, table)).toBe(0);
    expect(costOf('llama:tiny', { inputTokens: 5000, outputTokens: 5000 }, table)).toBe(0);
    expect(costOf('openai:mystery', { inputTokens: 1, outputTokens: 1 }, table)).toBeUndefined();
  });
});
