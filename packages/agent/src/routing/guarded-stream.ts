import {
  type LanguageModel,
  type ModelCall,
  ModelError,
  type ModelPart,
  parseModelRef,
} from '@switchboard/core';
import type { FirstTokenBudget } from './first-token-budget';
import type { TaskClock } from './task-clock';

/** How long a model may keep us waiting. */
export interface StreamTimeouts {
  /** From the call to the first text or tool call (this attempt's share of the run's budget). */
  readonly firstTokenMs: number;
  /** Between two parts once the answer has started. */
  readonly idleMs: number;
  /** From a local model's `queued` notice to its next part; default {@link firstTokenMs}. */
  readonly afterQueuedMs?: number;
}

/** The clocks an attempt reports to and is stopped by; see ADR 0032. */
export interface StreamClocks {
  /** The run's first-token budget: told when this attempt waits for its first token. */
  readonly firstToken?: FirstTokenBudget;
  /** The task's deadline: a stream still running at it is stopped. */
  readonly task?: TaskClock;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Characters per token above which the box counts output by characters instead of by pieces. A token
 * averages 3 to 5 characters of prose, so this only trips on a provider that ignores the limit by far
 * while sending many tokens per piece.
 */
const MAX_CHARACTERS_PER_TOKEN = 16;

/**
 * The output tokens an answer has used so far, as the box counts them without a tokenizer: the text
 * pieces received (OpenAI-compatible servers and llama.cpp send one token per piece), or the characters
 * divided by {@link MAX_CHARACTERS_PER_TOKEN} when that is more. It never reaches a limit before an
 * honest provider does, so the provider's own `length` finish (with its usage) comes first.
 */
class OutputCount {
  #pieces = 0;
  #characters = 0;

  add(text: string): void {
    this.#pieces += 1;
    this.#characters += text.length;
  }

  get tokens(): number {
    return Math.max(this.#pieces, Math.ceil(this.#characters / MAX_CHARACTERS_PER_TOKEN));
  }
}

function timeoutError(model: LanguageModel, started: boolean, ms: number): ModelError {
  const seconds = Math.round(ms / 100) / 10;
  return new ModelError({
    code: 'timeout',
    message: started
      ? `${model.ref} went silent for ${seconds} s in the middle of the answer.`
      : `${model.ref} did not start answering within ${seconds} s.`,
    provider: parseModelRef(model.ref)?.provider ?? model.ref,
    retryable: true,
  });
}

/**
 * The model's stream with our own time-to-first-token and idle timeouts on top of the provider's, so a
 * provider that never answers, or stalls after 300 tokens, ends in one `timeout` error part instead of a
 * task stuck `running`; and with the call's `maxOutputTokens` enforced by the box: once the answer has
 * used them, the next text piece cancels the provider's stream and the answer ends with a `length`
 * finish, as if the provider had stopped it. A stream still running at the task deadline ends in a
 * `task_deadline` error. Ends with exactly one `finish` or `error`; never throws.
 */
export async function* guardedStream(
  model: LanguageModel,
  call: ModelCall,
  signal: AbortSignal,
  timeouts: StreamTimeouts,
  clocks: StreamClocks = {},
): AsyncGenerator<ModelPart, void, undefined> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const iterator = model.stream(call, inner.signal)[Symbol.asyncIterator]();
  let started = false;
  let queued = false;
  const output = new OutputCount();
  let timer: NodeJS.Timeout | undefined;
  const provider = parseModelRef(model.ref)?.provider ?? model.ref;
  clocks.firstToken?.startWaiting();
  try {
    while (true) {
      const partLimit = started
        ? timeouts.idleMs
        : queued
          ? (timeouts.afterQueuedMs ?? timeouts.firstTokenMs)
          : timeouts.firstTokenMs;
      const taskLeft =
        clocks.task === undefined || clocks.task.isQueued ? Number.POSITIVE_INFINITY : clocks.task.leftMs();
      const atDeadline = taskLeft <= partLimit;
      const limit = Math.min(partLimit, taskLeft);
      const expired = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), limit);
      });
      let next: IteratorResult<ModelPart> | typeof TIMED_OUT;
      try {
        next = await Promise.race([iterator.next(), expired]);
      } catch (error) {
        yield {
          type: 'error',
          error: new ModelError({
            code: 'provider_error',
            message: `${model.ref} failed: ${error instanceof Error ? error.message : String(error)}`,
            provider,
            retryable: true,
            cause: error,
          }),
        };
        return;
      } finally {
        clearTimeout(timer);
      }
      if (next === TIMED_OUT) {
        inner.abort();
        void iterator.return?.().catch(() => {});
        if (signal.aborted)
          yield { type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } };
        else if (atDeadline && clocks.task)
          yield { type: 'error', error: clocks.task.deadlineError(provider) };
        else yield { type: 'error', error: timeoutError(model, started, limit) };
        return;
      }
      if (next.done) {
        yield {
          type: 'error',
          error: new ModelError({
            code: 'connection_failed',
            message: `${model.ref} ended its answer without finishing it.`,
            provider,
            retryable: true,
          }),
        };
        return;
      }
      const part = next.value;
      if (part.type === 'queued') {
        queued = true;
        clocks.firstToken?.stopWaiting();
        clocks.task?.queued();
      } else clocks.task?.moving();
      if (part.type === 'text-delta' && part.delta !== '' && call.maxOutputTokens !== undefined) {
        if (output.tokens >= call.maxOutputTokens) {
          yield { type: 'finish', reason: 'length', usage: { inputTokens: 0, outputTokens: 0 } };
          return;
        }
        output.add(part.delta);
      }
      if (part.type === 'text-delta' || part.type === 'tool-call') {
        started = true;
        clocks.firstToken?.stopWaiting();
      }
      yield part;
      if (part.type === 'finish' || part.type === 'error') return;
    }
  } finally {
    clocks.firstToken?.stopWaiting();
    clocks.task?.moving();
    signal.removeEventListener('abort', onAbort);
    inner.abort();
    void iterator.return?.()?.catch(() => {});
  }
}
