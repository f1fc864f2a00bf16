import {
  AsyncQueue,
  type LanguageModel,
  type ModelCall,
  type ModelHealth,
  type ModelPart,
  type ModelRef,
} from '@switchboard/core';
import type { ModelProcess } from './model-process';

/**
 * The demo model's longest answer: its text is noise (random weights), and a long run of noise only
 * costs the first-run user time; a few dozen tokens show the streaming pipeline working.
 */
export const DEMO_MAX_OUTPUT_TOKENS = 48;

function outputCap(call: ModelCall, demo: boolean): number | undefined {
  if (!demo) return call.maxOutputTokens;
  return Math.min(call.maxOutputTokens ?? DEMO_MAX_OUTPUT_TOKENS, DEMO_MAX_OUTPUT_TOKENS);
}

/** How many texts' token counts a model remembers. */
const COUNTED_TEXTS = 4096;

/** One local model, answered by its own {@link ModelProcess}. */
export class LlamaLanguageModel implements LanguageModel {
  readonly ref: ModelRef;
  readonly locality = 'local' as const;
  readonly demo: boolean;
  readonly #process: ModelProcess;
  readonly #forceToolCall: boolean;

  readonly #contextTokens: number;
  /** Token counts of texts measured before, oldest first. */
  readonly #counted = new Map<string, number>();

  constructor(options: {
    ref: ModelRef;
    demo: boolean;
    process: ModelProcess;
    forceToolCall: boolean;
    contextTokens: number;
  }) {
    this.ref = options.ref;
    this.#contextTokens = options.contextTokens;
    this.demo = options.demo;
    this.#process = options.process;
    this.#forceToolCall = options.forceToolCall;
  }

  health(): ModelHealth {
    return this.#process.health();
  }

  /** The context one answer may use (the model process's `contextSize` per sequence). */
  get contextTokens(): number {
    return this.#contextTokens;
  }

  /**
   * Exact token counts with the model's own tokenizer, in the model process. The same turns are measured
   * for every question of a conversation, so counts are remembered (the most recent 4,096 texts).
   */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    const missing = [...new Set(texts.filter((text) => !this.#counted.has(text)))];
    if (missing.length > 0) {
      const { counts = [] } = await this.#process.measure('count-tokens', missing);
      for (const [index, text] of missing.entries()) this.#counted.set(text, counts[index] ?? 0);
      for (const oldest of this.#counted.keys()) {
        if (this.#counted.size <= COUNTED_TEXTS) break;
        this.#counted.delete(oldest);
      }
    }
    return texts.map((text) => this.#counted.get(text) ?? 0);
  }

  /** Embeddings from node-llama-cpp's embedding context of this model, in the model process. */
  async embed(texts: readonly string[]): Promise<number[][]> {
    const { vectors } = await this.#process.measure('embed', texts);
    return vectors ?? [];
  }

  /** The model process's id while it runs. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /**
   * `queued` positions while waiting for a free sequence, text deltas as tokens arrive, tool calls, then
   * one `finish` (or one `error`). Never throws. Aborting `signal`, or leaving the loop early, stops the
   * generation in the model process and ends the stream with `finish` reason `abort`.
   */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<ModelPart, void, undefined> {
    const parts = new AsyncQueue<ModelPart>();
    const maxOutputTokens = outputCap(call, this.demo);
    // Greedy decoding of random weights repeats one token; sampling shows varied (labelled) noise instead.
    const temperature = call.temperature ?? (this.demo ? 1 : undefined);
    const stop = this.#process.submit(
      {
        messages: call.messages,
        tools: call.tools ?? [],
        ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
        ...(temperature === undefined ? {} : { temperature }),
        ...(call.responseSchema === undefined ? {} : { responseSchema: call.responseSchema }),
        forceToolCall: this.#forceToolCall,
      },
      signal,
      (part) => {
        parts.push(part);
        if (part.type === 'finish' || part.type === 'error') parts.close();
      },
    );
    let ended = false;
    try {
      for await (const part of parts) {
        if (part.type === 'finish' || part.type === 'error') ended = true;
        yield part;
      }
    } finally {
      if (!ended) stop();
    }
  }
}
