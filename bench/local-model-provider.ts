/**
 * The llama provider alone for the local-model benchmark: `createLlamaProvider` (model child process,
 * LlamaChatSession, IPC) streamed directly, without the box. Between node-llama-cpp alone and the whole
 * pipeline, it shows where time goes.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModel } from '../packages/core/src/index';
import { createLlamaProvider, type LlamaProvider } from '../packages/provider-llama/src/index';
import type { PipelineSample } from './local-model-pipeline';

/** A started provider; the first question (not timed) loads the model. */
export interface ProviderBench {
  ask(round: number): Promise<PipelineSample>;
  stop(): Promise<void>;
}

/** Starts the provider with the model and threads, and loads the model with one untimed answer. */
export async function startProviderBench(options: {
  readonly model: string;
  readonly threads: number;
  readonly generatedTokens: number;
  readonly threadpool: boolean;
}): Promise<ProviderBench> {
  const provider: LlamaProvider = createLlamaProvider({
    models: [{ path: options.model }],
    threads: options.threads,
    parallel: 1,
    contextSize: 4096,
    gpu: false,
    // As the box configures it (LLAMA_THREADPOOL=auto); an in-memory box caches it here too.
    ...(options.threadpool ? { threadpool: { cacheDir: join(tmpdir(), 'switchboard-cache') } } : {}),
  });
  const model = provider.models[0];
  if (!model) throw new Error('the llama provider offers no model');
  const bench: ProviderBench = {
    ask: (round) => ask(model, `Tell me a long story about the number ${round}.`, options.generatedTokens),
    stop: () => provider.close(),
  };
  try {
    await bench.ask(0);
  } catch (error) {
    await provider.close();
    throw error;
  }
  return bench;
}

async function ask(model: LanguageModel, text: string, maxOutputTokens: number): Promise<PipelineSample> {
  const sent = performance.now();
  let firstDelta: number | undefined;
  let lastDelta = 0;
  const call = { messages: [{ role: 'user' as const, content: text }], maxOutputTokens, temperature: 0 };
  for await (const part of model.stream(call, new AbortController().signal)) {
    if (part.type === 'text-delta') {
      lastDelta = performance.now();
      firstDelta ??= lastDelta;
    } else if (part.type === 'error') {
      throw new Error(`the provider failed: ${part.error.code}: ${part.error.message}`);
    } else if (part.type === 'finish') {
      const outputTokens = part.usage.outputTokens;
      if (firstDelta === undefined || outputTokens < 2 || lastDelta <= firstDelta) {
        throw new Error(`the answer was too short to time (${outputTokens} tokens)`);
      }
      return {
        generationTokensPerSecond: (outputTokens - 1) / ((lastDelta - firstDelta) / 1000),
        firstDeltaMs: firstDelta - sent,
        outputTokens,
      };
    }
  }
  throw new Error('the stream ended without a finish part');
}
