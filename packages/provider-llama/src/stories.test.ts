import type { ModelCall } from '@switchboard/core';
import { collectParts, textDeltas } from '@switchboard/testkit';
import { reportMissingStories, storiesModelPath } from '@switchboard/testkit/models';
import { afterAll, describe, expect, it } from 'vitest';
import { toChatHistory } from './child/history';
import type { LlamaLanguageModel } from './model';
import { createLlamaProvider, type LlamaProvider } from './provider';

const stories = storiesModelPath();
const missing = reportMissingStories('llama provider: stories260K smoke test');
const title = stories
  ? 'llama provider: stories260K, a real trained model'
  : 'llama provider: stories260K (skipped: ../shared/fixtures/stories260K.gguf is not present)';

const call: ModelCall = {
  messages: [{ role: 'user', content: 'Once upon a time' }],
  maxOutputTokens: 40,
  temperature: 0,
};

describe.skipIf(missing)(title, () => {
  let provider: LlamaProvider | undefined;

  afterAll(async () => {
    await provider?.close();
  });

  it('streams exactly the story node-llama-cpp writes in-process', async () => {
    const path = stories as string;
    provider = createLlamaProvider({
      models: [{ path }],
      threads: 1,
      parallel: 1,
      contextSize: 512,
      gpu: false,
      streamIntervalMs: 0,
    });
    const model = provider.models[0] as LlamaLanguageModel;
    expect(model.ref).toBe('llama:stories260K');
    const parts = await collectParts(model.stream(call, new AbortController().signal));
    const streamed = textDeltas(parts).join('');
    expect(textDeltas(parts).length).toBeGreaterThanOrEqual(3);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      reason: 'length',
      usage: { inputTokens: expect.any(Number), outputTokens: 40 },
    });
    // A real model writes words, not noise.
    expect(streamed.match(/\b[a-z]{3,}\b/gi)?.length ?? 0).toBeGreaterThanOrEqual(5);

    // The reference: the same history, the same settings, in this test's own process.
    const { getLlama, LlamaChat, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({
      gpu: false,
      build: 'never',
      maxThreads: 1,
      logLevel: LlamaLogLevel.error,
    });
    try {
      const loaded = await llama.loadModel({ modelPath: path });
      const context = await loaded.createContext({ contextSize: 512, sequences: 1, threads: 1 });
      const chat = new LlamaChat({ contextSequence: context.getSequence() });
      const reference = await chat.generateResponse(toChatHistory(call.messages), {
        maxTokens: 40,
        temperature: 0,
      });
      expect(streamed).toBe(reference.response);
    } finally {
      await llama.dispose();
    }
  });
});
