import { ConfigError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './model-process';
import { type LlamaProviderOptions, llamaModelRef, validateLlamaOptions } from './options';

const valid: LlamaProviderOptions = {
  models: [{ path: '/models/qwen2.5-0.5b-instruct-q8_0.gguf' }],
  threads: 2,
  parallel: 1,
  contextSize: 4096,
  gpu: false,
};

describe('llamaModelRef', () => {
  it('names a model after its file, without .gguf', () => {
    expect(llamaModelRef({ path: '/models/qwen2.5-0.5b-instruct-q8_0.gguf' })).toBe(
      'llama:qwen2.5-0.5b-instruct-q8_0',
    );
    expect(llamaModelRef({ path: 'C.GGUF' })).toBe('llama:C');
  });
});

describe('validateLlamaOptions', () => {
  it('accepts sound options, threads 0 meaning every core', () => {
    expect(() => validateLlamaOptions(valid)).not.toThrow();
    expect(() => validateLlamaOptions({ ...valid, threads: 0 })).not.toThrow();
  });

  it('reports every problem at once, by variable', () => {
    let error: unknown;
    try {
      validateLlamaOptions({
        ...valid,
        models: [{ path: '/a/x.gguf' }, { path: '/b/x.gguf' }],
        threads: -1,
        parallel: 0,
        contextSize: 1.5,
        hangTimeoutMs: 10,
      });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const variables = (error as ConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual([
      'LLAMA_MODEL_PATH',
      'LLAMA_THREADS',
      'LLAMA_PARALLEL',
      'LLAMA_CONTEXT_SIZE',
      'hangTimeoutMs',
    ]);
    expect((error as ConfigError).message).toContain('llama:x');
  });

  it('needs at least one model', () => {
    expect(() => validateLlamaOptions({ ...valid, models: [] })).toThrow(/LLAMA_MODEL_PATH/);
  });
});

describe('restartDelayMs', () => {
  it('doubles from half a second and stops at 30 s', () => {
    expect([1, 2, 3, 4, 10, 50].map(restartDelayMs)).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });
});
