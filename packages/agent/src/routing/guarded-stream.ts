import {
  type LanguageModel,
  type ModelCall,
  ModelError,
  type ModelPart,
  parseModelRef,
} from '@switchboard/core';

/** How long a model may keep us waiting. */
export interface StreamTimeouts {
  /** From the call (or the last `queued` notice) to the first text or tool call. */
  readonly firstTokenMs: number;
  /** Between two parts once the answer has started. */
  readonly idleMs: number;
}

const TIMED_OUT = Symbol('timed out');

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
 * task stuck `running`. Ends with exactly one `finish` or `error`; never throws.
 */
export async function* guardedStream(
  model: LanguageModel,
  call: ModelCall,
  signal: AbortSignal,
  timeouts: StreamTimeouts,
): AsyncGenerator<ModelPart, void, undefined> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const iterator = model.stream(call, inner.signal)[Symbol.asyncIterator]();
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  const provider = parseModelRef(model.ref)?.provider ?? model.ref;
  try {
    while (true) {
      const limit = started ? timeouts.idleMs : timeouts.firstTokenMs;
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
      if (part.type === 'text-delta' || part.type === 'tool-call') started = true;
      yield part;
      if (part.type === 'finish' || part.type === 'error') return;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    inner.abort();
    void iterator.return?.()?.catch(() => {});
  }
}
