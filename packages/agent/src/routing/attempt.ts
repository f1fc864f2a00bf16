import {
  type FinishReason,
  type LanguageModel,
  type ModelCall,
  ModelError,
  type ModelRef,
  parseModelRef,
  SwitchboardError,
  type ToolCall,
  type Usage,
} from '@switchboard/core';
import { completeUsage } from '../loop/usage-estimate';
import type { AttemptHooks } from './attempts';
import { guardedStream, type StreamClocks, type StreamTimeouts } from './guarded-stream';

/** How one provider attempt ended, with what it produced so far. */
export interface SingleOutcome {
  readonly kind: 'done' | 'cancelled' | 'error';
  readonly text: string;
  readonly toolCalls: ToolCall[];
  readonly usage: Usage | undefined;
  readonly shown: boolean;
  readonly finishReason?: FinishReason;
  readonly error?: SwitchboardError;
}

/** Where an attempt reports to, and whether its text reaches the user as it comes. */
export interface AttemptReporting {
  readonly hooks: AttemptHooks;
  /** Stream the text to the user (false: collect it; the caller delivers it whole). */
  readonly streaming: boolean;
  /** Called at the first text shown to the user. */
  readonly onFirstToken: () => void;
  /** The run's first-token budget and the task's deadline. */
  readonly clocks?: StreamClocks;
}

/** Any failure as a `SwitchboardError`; an unknown one is a retryable `provider_error` of `ref`. */
export function asModelError(error: unknown, ref: ModelRef): SwitchboardError {
  if (SwitchboardError.isInstance(error)) return error;
  return new ModelError({
    code: 'provider_error',
    message: `${ref} failed: ${error instanceof Error ? error.message : String(error)}`,
    provider: parseModelRef(ref)?.provider ?? ref,
    retryable: true,
    cause: error,
  });
}

/**
 * One provider attempt: read the model's stream (with our timeouts) to its one `finish` or `error`,
 * streaming text to the user when asked, and complete the usage the provider left out.
 */
export async function readAttempt(
  model: LanguageModel,
  call: ModelCall,
  signal: AbortSignal,
  timeouts: StreamTimeouts,
  { hooks, streaming, onFirstToken, clocks }: AttemptReporting,
): Promise<SingleOutcome> {
  let text = '';
  let shown = false;
  let usage: Usage | undefined;
  const toolCalls: ToolCall[] = [];
  try {
    for await (const part of guardedStream(model, call, signal, timeouts, clocks)) {
      switch (part.type) {
        case 'text-delta':
          if (part.delta === '') break;
          text += part.delta;
          if (streaming) {
            onFirstToken();
            shown = true;
            await hooks.onDelta(part.delta);
          }
          break;
        case 'tool-call':
          toolCalls.push(part.call);
          break;
        case 'queued':
          await hooks.onStatus(`waiting for the local model, #${part.position} in line…`);
          break;
        case 'finish':
          usage =
            part.reason === 'abort' && text === ''
              ? part.usage
              : completeUsage(part.usage, call, { text, toolCalls });
          if (part.reason === 'abort' || signal.aborted)
            return { kind: 'cancelled', text, toolCalls, usage, shown };
          return { kind: 'done', text, toolCalls, usage, shown, finishReason: part.reason };
        case 'error':
          if (signal.aborted) return { kind: 'cancelled', text, toolCalls, usage, shown };
          return { kind: 'error', text, toolCalls, usage, shown, error: part.error };
      }
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'cancelled', text, toolCalls, usage, shown };
    return { kind: 'error', text, toolCalls, usage, shown, error: asModelError(error, model.ref) };
  }
  return {
    kind: 'error',
    text,
    toolCalls,
    usage,
    shown,
    error: asModelError(new Error('the stream ended early'), model.ref),
  };
}
