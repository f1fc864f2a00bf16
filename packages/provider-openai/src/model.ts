import {
  type LanguageModel,
  type ModelCall,
  ModelError,
  type ModelPart,
  type ModelRef,
  type Usage,
} from '@switchboard/core';
import type OpenAI from 'openai';
import type { CompletionUsage } from 'openai/resources/completions';
import { toChatRequest, toFinishReason, toUsage } from './convert';
import { type ErrorContext, serverName, timeoutError, toModelError, truncatedError } from './errors';
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

/** A stream that is waiting on the server; fires once the server has been silent for too long. */
class IdleTimer {
  readonly #ms: number;
  readonly #onFire: () => void;
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(ms: number, onFire: () => void) {
    this.#ms = ms;
    this.#onFire = onFire;
  }

  /** Start (or restart) counting silence. */
  arm(): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#onFire();
    }, this.#ms);
  }

  /** Stop counting, while we are not waiting on the server. */
  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
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
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = new IdleTimer(this.#settings.timeoutMs, () => controller.abort());
    const toolCalls = new ToolCallAccumulator();
    let finishReason: string | undefined;
    let usage: CompletionUsage | undefined;
    let failure: unknown;

    try {
      timer.arm();
      const request = toChatRequest(this.#settings.model, call);
      const chunks = await this.#settings.client.chat.completions.create(request, {
        signal: controller.signal,
      });
      timer.arm();
      for await (const chunk of chunks) {
        timer.disarm();
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.find((candidate) => candidate.index === 0);
        if (choice?.delta?.tool_calls) toolCalls.add(choice.delta.tool_calls);
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const text = choice?.delta?.content;
        if (text) yield { type: 'text-delta', delta: text };
        timer.arm();
      }
    } catch (error) {
      failure = error;
    } finally {
      timer.disarm();
      signal.removeEventListener('abort', onAbort);
      // Ends the HTTP request when the consumer stopped early or something failed; a no-op once complete.
      controller.abort();
    }

    if (signal.aborted) {
      yield aborted(toUsage(usage));
      return;
    }
    // A failure after the finish reason (a lost [DONE], a stalled usage chunk) still leaves a whole answer.
    if (finishReason === undefined) {
      if (timer.fired) {
        yield { type: 'error', error: timeoutError(this.#errors, this.#settings.timeoutMs) };
      } else if (failure !== undefined) {
        yield { type: 'error', error: toModelError(failure, this.#errors) };
      } else {
        yield { type: 'error', error: truncatedError(this.#errors) };
      }
      return;
    }
    const result = toolCalls.finish();
    if (!result.ok) {
      yield {
        type: 'error',
        error: new ModelError({
          code: 'invalid_tool_arguments',
          message: `${serverName(this.#errors).subject} sent arguments for the tool "${result.name}" that are not valid JSON; try again.`,
          provider: this.#settings.provider,
          retryable: true,
        }),
      };
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
