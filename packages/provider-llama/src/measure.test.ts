import { testModel } from '@switchboard/testkit/models';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaLanguageModel } from './model';
import { createLlamaProvider, type LlamaProvider } from './provider';

describe('llama provider: token counts and embeddings from the model process', () => {
  let provider: LlamaProvider;
  let model: LlamaLanguageModel;
  let path: string;

  beforeAll(async () => {
    path = await testModel('chat');
    provider = createLlamaProvider({
      models: [{ path }],
      threads: 1,
      parallel: 1,
      contextSize: 1024,
      gpu: false,
      streamIntervalMs: 0,
    });
    model = provider.models[0] as LlamaLanguageModel;
  }, 120_000);
  afterAll(async () => {
    await provider?.close();
  });

  it('reports its context and counts tokens with the model’s own tokenizer', async () => {
    expect(model.contextTokens).toBe(1024);
    const texts = ['Hello there, how are you today?', 'Ünïcödé and 12345 digits', ''];
    const counts = await model.countTokens(texts);
    const llama = await getLlama({ gpu: false, build: 'never' });
    const reference = await llama.loadModel({ modelPath: path, vocabOnly: true });
    try {
      expect(counts).toEqual(texts.map((text) => reference.tokenize(text).length));
      expect(counts[0]).toBeGreaterThan(Math.ceil((texts[0] ?? '').length / 8));
    } finally {
      await reference.dispose();
    }
  }, 120_000);

  it('embeds texts into vectors of the model’s width, the same text the same way', async () => {
    const [first, second, again] = await model.embed(['a cat on a mat', 'quarterly tax', 'a cat on a mat']);
    expect(first).toHaveLength(64);
    expect(second).toHaveLength(64);
    expect(again).toEqual(first);
    expect(first?.some((value) => value !== 0)).toBe(true);
  }, 120_000);
});
