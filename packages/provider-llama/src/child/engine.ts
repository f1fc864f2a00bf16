import type { FinishReason, Usage } from '@switchboard/core';
import {
  type ChatWrapper,
  getLlama,
  type Llama,
  LlamaChat,
  type LlamaChatResponse,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
} from 'node-llama-cpp';
import type { ChildMessage, ChildSettings, GenerateRequest } from '../protocol';
import { DeltaBatcher } from './delta-batcher';
import { forbidToolCallBias, forceToolCallBias } from './force-tool-call';
import { toChatHistory, toFunctions } from './history';

/** Sends one message to the parent. */
export type Emit = (message: ChildMessage) => void;

/** One sequence of the context with its chat (the template resolved once). */
interface Slot {
  readonly sequence: LlamaContextSequence;
  readonly chat: LlamaChat;
}

/** How often, at most, held-back tokens are reported as `alive`. */
const ALIVE_INTERVAL_MS = 1000;

const LOG_LEVELS: Partial<Record<LlamaLogLevel, 'debug' | 'info' | 'warn' | 'error'>> = {
  [LlamaLogLevel.fatal]: 'error',
  [LlamaLogLevel.error]: 'error',
  [LlamaLogLevel.warn]: 'warn',
  [LlamaLogLevel.info]: 'info',
};

function finishReason(stopReason: LlamaChatResponse['metadata']['stopReason']): FinishReason {
  switch (stopReason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stop';
    case 'functionCalls':
      return 'tool-calls';
    case 'maxTokens':
      return 'length';
    case 'abort':
      return 'abort';
    default:
      return 'other';
  }
}

/**
 * How many prompt tokens the model read for one answer, whether llama.cpp evaluated them now or reused
 * them from the sequence's cache: the tokens in the sequence once the answer ends, less the answer's
 * own. The token meter alone counts only the tokens evaluated now, so a question asked again, or a
 * conversation whose earlier turns are still cached, would report (almost) no input at all. Each output
 * token is one evaluation with logits: the prompt's last token, then every generated token but the
 * last, which is sampled and never evaluated. Never less than the meter's own input count (a context
 * shift during the answer erases tokens from the start of the sequence).
 */
export function promptTokens(
  tokensInSequence: number,
  used: { readonly usedInputTokens: number; readonly usedOutputTokens: number },
): number {
  if (used.usedOutputTokens === 0) return used.usedInputTokens;
  return Math.max(used.usedInputTokens, tokensInSequence - used.usedOutputTokens + 1);
}

/**
 * Threads of the persistent pool the preloaded `persistent-threadpool.c` attached to the context (it
 * sets this variable in the process's own environment, which `process.env` reads live); 0 when none.
 */
function attachedThreadpool(): number {
  const threads = Number(process.env['SWITCHBOARD_LLAMA_THREADPOOL'] ?? 0);
  return Number.isInteger(threads) && threads > 0 ? threads : 0;
}

/** The loaded model with one context of `parallel` sequences; generates answers on free sequences. */
export class LlamaEngine {
  readonly #llama: Llama;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #free: Slot[];
  readonly #streamIntervalMs: number;
  /** Grammars by their JSON schema's text: building one takes a few milliseconds, a grader reuses it. */
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();
  #embedding: Promise<LlamaEmbeddingContext> | undefined;

  private constructor(
    llama: Llama,
    model: LlamaModel,
    context: LlamaContext,
    slots: Slot[],
    streamIntervalMs: number,
  ) {
    this.#llama = llama;
    this.#model = model;
    this.#context = context;
    this.#free = slots;
    this.#streamIntervalMs = streamIntervalMs;
  }

  /** Load the model and create the context; llama.cpp's own log lines go to `emit` as `log` messages. */
  static async load(settings: ChildSettings, emit: Emit): Promise<LlamaEngine> {
    const llama = await getLlama({
      gpu: settings.gpu,
      build: 'never',
      maxThreads: settings.threads,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (text !== '') emit({ type: 'log', level: LOG_LEVELS[level] ?? 'debug', message: text });
      },
    });
    try {
      const model = await llama.loadModel({ modelPath: settings.modelPath });
      const context = await model.createContext({
        contextSize: settings.contextSize,
        sequences: settings.parallel,
        threads: settings.threads,
      });
      const slots: Slot[] = [];
      for (let index = 0; index < settings.parallel; index += 1) {
        const sequence = context.getSequence();
        slots.push({ sequence, chat: new LlamaChat({ contextSequence: sequence }) });
      }
      return new LlamaEngine(llama, model, context, slots, settings.streamIntervalMs);
    } catch (error) {
      await llama.dispose();
      throw error;
    }
  }

  /** The token count of each text with the model's own tokenizer (special tokens as text). */
  countTokens(texts: readonly string[]): number[] {
    return texts.map((text) => this.#model.tokenize(text).length);
  }

  /** One embedding per text from an embedding context made on first use (not normalized). */
  async embed(texts: readonly string[]): Promise<number[][]> {
    this.#embedding ??= this.#model.createEmbeddingContext({
      contextSize: Math.min(this.#context.contextSize, 2048),
    });
    const context = await this.#embedding;
    const vectors: number[][] = [];
    for (const text of texts) vectors.push([...(await context.getEmbeddingFor(text)).vector]);
    return vectors;
  }

  /** What the parent logs once the model is ready. */
  describe(): { chatWrapper: string; contextSize: number; gpu: string; threadpool: number } {
    return {
      chatWrapper: this.#free[0]?.chat.chatWrapper.wrapperName ?? 'unknown',
      contextSize: this.#context.contextSize,
      gpu: this.#llama.gpu === false ? 'cpu' : this.#llama.gpu,
      threadpool: attachedThreadpool(),
    };
  }

  #grammarFor(schema: GenerateRequest['responseSchema']): Promise<LlamaGrammar> | undefined {
    if (schema === undefined) return undefined;
    const key = JSON.stringify(schema);
    let grammar = this.#grammars.get(key);
    if (grammar === undefined) {
      // node-llama-cpp's schema type is narrower than JSON schema; an unsupported schema fails the request.
      grammar = this.#llama.createGrammarForJsonSchema(
        schema as Parameters<Llama['createGrammarForJsonSchema']>[0],
      );
      this.#grammars.set(key, grammar);
    }
    return grammar;
  }

  /**
   * Generate one answer: `delta`s as text arrives, then `tool-call`s, then one `finish` (or one `failed`).
   * Aborting `signal` stops generation and finishes with reason `abort`.
   */
  async generate(id: number, request: GenerateRequest, signal: AbortSignal, emit: Emit): Promise<void> {
    const slot = this.#free.pop();
    if (slot === undefined) {
      emit({ type: 'failed', id, message: 'every sequence of the local model is busy' });
      return;
    }
    const before = slot.sequence.tokenMeter.getState();
    const usage = (): Usage => {
      const used = slot.sequence.tokenMeter.diff(before);
      return {
        inputTokens: promptTokens(slot.sequence.nextTokenIndex, used),
        outputTokens: used.usedOutputTokens,
      };
    };
    let lastSent = Date.now();
    const deltas = new DeltaBatcher(this.#streamIntervalMs, (joined, chunks) =>
      emit({ type: 'delta', id, text: joined, chunks }),
    );
    try {
      const functions = request.tools.length > 0 ? toFunctions(request.tools) : undefined;
      const grammar = functions === undefined ? await this.#grammarFor(request.responseSchema) : undefined;
      const common = {
        signal,
        stopOnAbortSignal: true as const,
        maxTokens: request.maxOutputTokens ?? Math.floor(this.#context.contextSize / 2),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        onTextChunk: (chunk: string) => {
          if (chunk === '') return;
          lastSent = Date.now();
          deltas.push(chunk);
        },
        onToken: () => {
          const now = Date.now();
          if (now - lastSent < ALIVE_INTERVAL_MS) return;
          lastSent = now;
          emit({ type: 'alive', id });
        },
      };
      const history = toChatHistory(request.messages, request.tools);
      const response =
        functions !== undefined
          ? await slot.chat.generateResponse(history, {
              ...common,
              functions,
              ...(request.forceToolCall
                ? {
                    tokenBias: testingBias(this.#model, slot.chat.chatWrapper, request),
                    maxParallelFunctionCalls: 1,
                  }
                : {}),
            })
          : await slot.chat.generateResponse(history, {
              ...common,
              ...(grammar === undefined ? {} : { grammar }),
            });
      deltas.flush();
      const calls = response.functionCalls ?? [];
      for (const call of calls) {
        emit({ type: 'tool-call', id, name: call.functionName, arguments: call.params ?? {} });
      }
      // A template with parallel calls may stop on the token limit after complete calls: still tool calls.
      const reason = calls.length > 0 ? 'tool-calls' : finishReason(response.metadata.stopReason);
      emit({ type: 'finish', id, reason, usage: usage() });
    } catch (error) {
      deltas.flush();
      if (signal.aborted) emit({ type: 'finish', id, reason: 'abort', usage: usage() });
      else emit({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#free.push(slot);
    }
  }
}

/**
 * Testing only: force one tool call on a turn's first answer (random weights repeat a call in parallel
 * otherwise), forbid one on an answer after tool results.
 */
function testingBias(model: LlamaModel, chatWrapper: ChatWrapper, request: GenerateRequest) {
  return request.messages.at(-1)?.role === 'tool'
    ? forbidToolCallBias(model, chatWrapper)
    : forceToolCallBias(model, chatWrapper);
}
