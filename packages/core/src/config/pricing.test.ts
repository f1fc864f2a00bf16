import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { DEFAULT_PRICES, priceOf } from '../pricing';
import { loadConfig } from './load';

const load = (env: Record<string, string>) => loadConfig({ env, file: false });

function issuesOf(env: Record<string, string>) {
  try {
    load(env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('SWITCHBOARD_PRICES', () => {
  it('defaults to the built-in list prices', () => {
    const { prices } = load({}).pricing;
    expect([...prices]).toEqual([...DEFAULT_PRICES]);
  });

  it('merges its entries over the defaults: overrides win, new models are added, the rest stay', () => {
    const { prices } = load({
      SWITCHBOARD_PRICES: JSON.stringify({
        'openai:gpt-4o-mini': { input: 0.1, output: 0.4 },
        'openai:my-finetune': { input: 3, output: 12 },
        'llama:big': { input: 0, output: 0 },
      }),
    }).pricing;
    expect(prices.get('openai:gpt-4o-mini')).toEqual({ inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.4 });
    expect(priceOf('openai:my-finetune-2025-01-01', prices)).toEqual({
      inputPerMillionUsd: 3,
      outputPerMillionUsd: 12,
    });
    expect(prices.get('openai:gpt-4o')).toEqual(DEFAULT_PRICES.get('openai:gpt-4o'));
    expect(prices.size).toBe(DEFAULT_PRICES.size + 2);
  });

  it('is read as an object from switchboard.config.json', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-prices-')), 'switchboard.config.json');
    writeFileSync(file, JSON.stringify({ SWITCHBOARD_PRICES: { 'openai:house': { input: 1, output: 2 } } }));
    const { prices } = loadConfig({ env: {}, file }).pricing;
    expect(prices.get('openai:house')).toEqual({ inputPerMillionUsd: 1, outputPerMillionUsd: 2 });
  });

  it('reports text that is not JSON, naming the variable and showing the expected shape', () => {
    const issues = issuesOf({ SWITCHBOARD_PRICES: '{openai:gpt-4o: 1}' });
    expect(issues).toEqual([
      {
        variable: 'SWITCHBOARD_PRICES',
        message: expect.stringMatching(/^expected JSON such as \{"openai:gpt-4o-mini"/),
      },
    ]);
  });

  it('reports JSON that is not one object', () => {
    expect(issuesOf({ SWITCHBOARD_PRICES: '[1, 2]' })[0]?.message).toMatch(/one JSON object/);
    expect(issuesOf({ SWITCHBOARD_PRICES: '42' })[0]?.message).toMatch(/one JSON object/);
  });

  it('reports every bad entry at once: negative, missing, non-numeric, unknown fields, bad refs', () => {
    const issues = issuesOf({
      SWITCHBOARD_PRICES: JSON.stringify({
        'openai:a': { input: -1, output: 1 },
        'openai:b': { input: 1 },
        'openai:c': { input: '1', output: 2 },
        'openai:d': { input: 1, output: 2, cached: 0.5 },
        'gpt-4o': { input: 1, output: 2 },
        'openai:e': 3,
        'openai:fine': { input: 1, output: 2 },
      }),
    });
    expect(issues.every((issue) => issue.variable === 'SWITCHBOARD_PRICES')).toBe(true);
    expect(issues.map((issue) => issue.message)).toEqual([
      '"openai:a".input must be a number of US dollars per million tokens, at least 0',
      '"openai:b".output must be a number of US dollars per million tokens, at least 0',
      '"openai:c".input must be a number of US dollars per million tokens, at least 0',
      '"openai:d" has unknown field(s) cached; expected input and output',
      '"gpt-4o" is not a model ref; expected provider:model such as openai:gpt-4o-mini',
      '"openai:e" must be an object such as {"input": 0.15, "output": 0.6}',
    ]);
  });

  it('is reported together with problems in other variables', () => {
    const issues = issuesOf({ SWITCHBOARD_PRICES: 'nope', PORT: '0' });
    expect(issues.map((issue) => issue.variable).sort()).toEqual(['PORT', 'SWITCHBOARD_PRICES']);
  });
});
