import { createMemoryBus } from '@switchboard/bus';
import { createLogger, DEFAULT_PRICES } from '@switchboard/core';
import type { Store } from '@switchboard/memory';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../model-registry';
import { createServices } from '../services';
import { HARNESS_ACCESS, HARNESS_SETTINGS, idleProvider } from '../test-harness';
import { summaryModel } from './summarize';

const servicesWith = (providers: Parameters<typeof idleProvider>[]) =>
  createServices({
    store: {} as Store,
    models: new ModelRegistry(providers.map((args) => idleProvider(...args))),
    bus: createMemoryBus(),
    settings: HARNESS_SETTINGS,
    access: HARNESS_ACCESS,
    logger: createLogger({ level: 'silent' }),
    prices: DEFAULT_PRICES,
  });

describe('the model that writes rolling summaries', () => {
  it('is a local model when there is one', () => {
    const services = servicesWith([
      ['openai', 'cloud', ['gpt-4o-mini']],
      ['llama', 'local', ['qwen']],
    ]);
    expect(summaryModel(services, false)?.ref).toBe('llama:qwen');
  });

  it('is the cheapest priced cloud model otherwise, and none under /local on', () => {
    const services = servicesWith([['openai', 'cloud', ['gpt-4o', 'gpt-4o-mini']]]);
    expect(summaryModel(services, false)?.ref).toBe('openai:gpt-4o-mini');
    expect(summaryModel(services, true)).toBeUndefined();
  });
});
