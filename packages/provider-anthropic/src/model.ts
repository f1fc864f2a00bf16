import type Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import {
  brokenOffError,
  idleTimeoutError,
  invalidToolArgumentsError,
  type LanguageModel,
  type ModelCall,
  type ModelPart,
  type ModelRef,
  type ServerContext,
  type Usage,
  WatchedStream,
} from '@switchboard/core';
import { toFinishReason, toMessagesRequest } from './convert';
import { toModelError } from './errors';
import { ToolUseAccumulator } from './tool-uses';

/** Everything one model of the provider needs. */
export interface AnthropicModelSettings {
  readonly client: Anthropic;
  /** The provider name, the first half of the ref. */
  readonly provider: string;
  /** The model name the server knows, the second half of the ref. */
  readonly model: string;
  readonly locality: 'local' | 'cloud';
  /** The longest silence, waiting for the answer to start or between two events, before giving up. */
  readonly timeoutMs: number;
  /** How error messages name the server, for this model. */
  readonly server: ServerContext;
}

/** What the events of one answer add up to. */
class AnswerState {
  inputTokens = 0;
  outputTokens = 0;
  /** Set by `message_delta`: once known, the answer is whole even if the connection then fails. */
  stopReason: string | undefined;
  readonly toolUses = new ToolUseAccumulator();

  get usage(): Usage {
    return { inputTokens: this.inputTokens, outputTokens: this.outputTokens };
  }

  /** Take in one event; returns the text it adds, if any. */
  take(event: RawMessageStreamEvent): string | undefined {
    switch (event.type) {
      case 'message_start': {
        const usage = event.message.usage;
        // Cached prompt tokens are input too: the total is what the model read.
        this.inputTokens =
          usage.input_tokens +
          (usage.cache_creation_input_tokens ?? 0) +
          (usage.cache_read_input_tokens ?? 0);
        this.outputTokens = usage.output_tokens;
        return undefined;
      }
      case 'content_block_start':
        if (event.content_block.type === 'tool_use')
          this.toolUses.start(event.index, event.content_block.id, event.content_block.name);
        return undefined;
      case 'content_block_delta':
        if (event.delta.type === 'input_json_delta')
          this.toolUses.append(event.index, event.delta.partial_json);
        return event.delta.type === 'text_delta' && event.delta.text !== '' ? event.delta.text : undefined;
      case 'message_delta':
        this.outputTokens = event.usage.output_tokens;
        this.stopReason = event.delta.stop_reason ?? 'unknown';
        return undefined;
      default:
        return undefined;
    }
  }
}

/** One model served through the Messages API, streamed. */
export class AnthropicMessagesModel implements LanguageModel {
  readonly ref: ModelRef;
  readonly locality: 'local' | 'cloud';
  readonly #settings: AnthropicModelSettings;

  constructor(settings: AnthropicModelSettings) {
    this.ref = `${settings.provider}:${settings.model}`;
    this.locality = settings.locality;
    this.#settings = settings;
  }

  /**
   * Text deltas as they arrive, then the tool calls, then one `finish`; or one `error` part instead of
   * the finish. Never throws. Aborting `signal` aborts the HTTP request and ends with `finish: abort`.
   */
  async *stream(call: ModelCall, signal: AbortSignal): AsyncGenerator<ModelPart, void, undefined> {
    const state = new AnswerState();
    if (signal.aborted) {
      yield { type: 'finish', reason: 'abort', usage: state.usage };
      return;
    }
    const { client, model, timeoutMs, server } = this.#settings;
    const request = toMessagesRequest(model, call);
    const events = new WatchedStream(
      (requestSignal) => client.messages.create(request, { signal: requestSignal }),
      signal,
      timeoutMs,
    );
    for await (const event of events) {
      const text = state.take(event);
      if (text !== undefined) yield { type: 'text-delta', delta: text };
    }

    if (signal.aborted) {
      yield { type: 'finish', reason: 'abort', usage: state.usage };
      return;
    }
    // A failure after `message_delta` (a lost `message_stop`) still leaves a whole answer.
    if (state.stopReason === undefined) {
      const error = events.timedOut
        ? idleTimeoutError(server, timeoutMs)
        : events.failure === undefined
          ? brokenOffError(server)
          : toModelError(events.failure, server);
      yield { type: 'error', error };
      return;
    }
    const result = state.toolUses.finish();
    if (!result.ok) {
      yield { type: 'error', error: invalidToolArgumentsError(server, result.name) };
      return;
    }
    for (const toolCall of result.calls) yield { type: 'tool-call', call: toolCall };
    yield {
      type: 'finish',
      reason: toFinishReason(state.stopReason, result.calls.length > 0),
      usage: state.usage,
    };
  }
}
