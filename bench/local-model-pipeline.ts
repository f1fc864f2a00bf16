/**
 * The whole pipeline for the local-model benchmark: a box (web adapter, agent, router, llama provider
 * child process) answering `POST /api/messages` over SSE with the given GGUF file as its only model.
 * Each question is new (a new conversation), so only the agent's shared prefix may be cached.
 */
import { startBox } from '../apps/box/src/box';
import { readParts } from '../packages/adapter-web/src/index';
import { createLogger, loadConfig } from '../packages/core/src/index';

/** One answer through the pipeline. */
export interface PipelineSample {
  /** Output tokens per second between the first and the last text delta. */
  readonly generationTokensPerSecond: number;
  /** Request sent → first text delta, milliseconds. */
  readonly firstDeltaMs: number;
  readonly outputTokens: number;
}

/** A box answering from one local model. */
export interface Pipeline {
  /** Asks one question in a new conversation and times the answer. */
  ask(round: number): Promise<PipelineSample>;
  stop(): Promise<void>;
}

const TOPICS = ['a city by the sea', 'a lighthouse keeper', 'a robot gardener', 'a long train journey'];

/** Starts a box whose only model is `model`, and asks a first question to load it (not timed). */
export async function startPipeline(options: {
  readonly model: string;
  readonly threads: number;
  readonly generatedTokens: number;
  /** `LLAMA_THREADPOOL`: the persistent thread pool (the box's default) or node-llama-cpp's own threads. */
  readonly threadpool: boolean;
}): Promise<Pipeline> {
  const config = loadConfig({
    env: {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_DEMO_MODEL: 'off',
      SWITCHBOARD_MAX_OUTPUT_TOKENS: String(options.generatedTokens),
      LLAMA_MODEL_PATH: options.model,
      LLAMA_THREADS: String(options.threads),
      LLAMA_GPU: 'off',
      LLAMA_THREADPOOL: options.threadpool ? 'auto' : 'off',
    },
    file: false,
  });
  const box = await startBox(config, { port: 0, logger: createLogger({ level: 'silent' }) });
  const pipeline: Pipeline = {
    ask: (round) =>
      ask(
        box.url,
        `bench-${round}`,
        `Tell me a long story about ${TOPICS[round % TOPICS.length]} (${round}).`,
      ),
    stop: async () => {
      await box.stop();
    },
  };
  try {
    await pipeline.ask(0);
  } catch (error) {
    await box.stop();
    throw error;
  }
  return pipeline;
}

async function ask(url: string, conversation: string, text: string): Promise<PipelineSample> {
  const sent = performance.now();
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation, text }),
  });
  if (!response.ok || !response.body) throw new Error(`POST /api/messages answered ${response.status}`);
  let firstDelta: number | undefined;
  let lastDelta = 0;
  let firstDeltaText = '';
  for await (const part of readParts(response.body)) {
    if (part.type === 'text-delta') {
      lastDelta = performance.now();
      if (firstDelta === undefined) {
        firstDelta = lastDelta;
        firstDeltaText = part.delta;
      }
    } else if (part.type === 'error') {
      throw new Error(`the box answered with an error: ${part.code}: ${part.message}`);
    } else if (part.type === 'reply-end') {
      const outputTokens = part.meta.usage?.outputTokens ?? 0;
      if (firstDelta === undefined || outputTokens < 2 || lastDelta <= firstDelta) {
        throw new Error(
          `the answer was too short to time (${outputTokens} tokens, ${JSON.stringify(firstDeltaText)}…)`,
        );
      }
      return {
        generationTokensPerSecond: (outputTokens - 1) / ((lastDelta - firstDelta) / 1000),
        firstDeltaMs: firstDelta - sent,
        outputTokens,
      };
    }
  }
  throw new Error('the answer ended without a reply-end event');
}
