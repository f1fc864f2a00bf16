import {
  invalidToolArgumentsError,
  type LanguageModel,
  type ModelCall,
  type ModelPart,
  type ModelRef,
  type Usage,
  WatchedStream,
} from '@switchboard/core';
import type OpenAI from 'openai';
import type { CompletionUsage } from 'openai/resources/completions';
import { toChatRequest, toFinishReason, toUsage } from './convert';
import { type ErrorContext, serverContext, timeoutError, toModelError, truncatedError } from './errors';
import { ToolCallAccumulator } from './tool-calls';

/** Everything one model of the provider needs. */
export interface OpenAIModelSettings {
  readonly client: OpenAI;
  /** The provider name, the first half of the ref. */
  readonly provider: string;
  /** The model name the server knows, the second half of the ref. */
  readonly model: string;
  readonly locality: 'local' | 'cloud';
  /** The longest silence, waiting for the answer to start or between two chunks, before giving up. */
  readonly timeoutMs: number;
  readonly errors: Omit<ErrorContext, 'model'>;
}

/** One model served through Chat Completions, streamed. */
export class OpenAIChatModel implements LanguageModel {
  readonly ref: ModelRef;
  readonly locality: 'local' | 'cloud';
  readonly #settings: OpenAIModelSettings;
  readonly #errors: ErrorContext;

  constructor(settings: OpenAIModelSettings) {
    this.ref = `${settings.provider}:${settings.model}`;
    this.locality = settings.locality;
    this.#settings = settings;
    this.#errors = { ...settings.errors, model: settings.model };
  }

  /**
   * Text deltas as they arrive, then the tool calls, then one `finish`; or one `error` part instead of
   * the finish. Never throws. Aborting `signal` aborts the HTTP request and ends with `finish: abort`.
   */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<ModelPart, void, undefined> {
    const aborted = (usage: Usage): ModelPart => ({ type: 'finish', reason: 'abort', usage });
    if (signal.aborted) {
      yield aborted(toUsage(undefined));
      return;
    }
    const toolCalls = new ToolCallAccumulator();
    let finishReason: string | undefined;
    let usage: CompletionUsage | undefined;
    const request = toChatRequest(this.#settings.model, call);
    const chunks = new WatchedStream(
      (requestSignal) => this.#settings.client.chat.completions.create(request, { signal: requestSignal }),
      signal,
      this.#settings.timeoutMs,
    );
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.find((candidate) => candidate.index === 0);
      if (choice?.delta?.tool_calls) toolCalls.add(choice.delta.tool_calls);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      const text = choice?.delta?.content;
      if (text) yield { type: 'text-delta', delta: text };
    }

    if (signal.aborted) {
      yield aborted(toUsage(usage));
      return;
    }
    // A failure after the finish reason (a lost [DONE], a stalled usage chunk) still leaves a whole answer.
    if (finishReason === undefined) {
      if (chunks.timedOut) {
        yield { type: 'error', error: timeoutError(this.#errors, this.#settings.timeoutMs) };
      } else if (chunks.failure !== undefined) {
        yield { type: 'error', error: toModelError(chunks.failure, this.#errors) };
      } else {
        yield { type: 'error', error: truncatedError(this.#errors) };
      }
      return;
    }
    const result = toolCalls.finish();
    if (!result.ok) {
      yield { type: 'error', error: invalidToolArgumentsError(serverContext(this.#errors), result.name) };
      return;
    }
    for (const toolCall of result.calls) yield { type: 'tool-call', call: toolCall };
    yield {
      type: 'finish',
      reason: toFinishReason(finishReason, result.calls.length > 0),
      usage: toUsage(usage),
    };
  }
}
