import {
  type LanguageModel,
  type ModelCall,
  ModelError,
  type ModelRef,
  parseModelRef,
  SwitchboardError,
  sleep,
  type ToolCall,
  type Usage,
} from '@switchboard/core';
import type { CircuitBreaker } from './circuit-breaker';
import { guardedStream, type StreamTimeouts } from './guarded-stream';

/** The most provider attempts one turn may make, fallbacks and retries together. */
export const MAX_ATTEMPTS = 3;
/** The longest we wait before retrying the same model (a longer `retry-after` means: fall back or fail). */
export const MAX_RETRY_WAIT_MS = 5_000;

/** Where the attempt loop reports what happens. */
export interface AttemptHooks {
  /** Answer text the user may see now. */
  onDelta(delta: string): Promise<void>;
  /** A status line: a fallback, a retry, a place in line. */
  onStatus(text: string): Promise<void>;
  /** A task event: `attempt-failed`, `fallback`, `retry`, `skipped`. */
  onEvent(type: string, data: Record<string, unknown>): Promise<void>;
}

/** One run: the models to try in order and the call to make. */
export interface AttemptPlan {
  readonly candidates: readonly ModelRef[];
  readonly call: ModelCall;
  /** Stream the first attempt's text to the user (false: collect it, the caller delivers the whole). */
  readonly stream: boolean;
  readonly maxAttempts?: number;
}

/** The tokens one attempt used, by model: a task's cost is the sum over its attempts. */
export interface AttemptUsage {
  readonly ref: ModelRef;
  readonly usage: Usage;
}

/** How a run ended. */
export interface AttemptResult {
  readonly kind: 'done' | 'cancelled' | 'error';
  /** The model that produced `text` (or the last one tried). */
  readonly model: ModelRef | undefined;
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usages: readonly AttemptUsage[];
  readonly attempts: number;
  /** `now()` when the first visible text arrived. */
  readonly firstTokenAt?: number;
  readonly error?: SwitchboardError;
}

/** What the runner is built from. */
export interface ModelRunnerDeps {
  readonly models: (ref: ModelRef) => LanguageModel | undefined;
  readonly breaker: CircuitBreaker;
  readonly timeouts: StreamTimeouts;
  readonly now: () => number;
  /** Waits between retries; tests pass a fast one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const PHRASES: Readonly<Record<string, string>> = {
  rate_limited: 'is rate-limiting',
  overloaded: 'is overloaded',
  timeout: 'timed out',
  connection_failed: 'lost the connection',
  provider_unavailable: 'is unavailable',
  local_model_crashed: 'crashed',
  auth_failed: 'rejected the key',
  malformed_response: 'sent a broken answer',
};

/** "openai:gpt-4o is overloaded" — how a failure reads in a status line. */
function failedPhrase(ref: ModelRef, error: SwitchboardError): string {
  return `${ref} ${PHRASES[error.code] ?? 'failed'}`;
}

/** Failures that say nothing about the provider's health (the request itself was the problem). */
const NOT_THE_PROVIDER = new Set([
  'bad_request',
  'context_too_long',
  'model_not_found',
  'invalid_tool_arguments',
]);

function asModelError(error: unknown, ref: ModelRef): SwitchboardError {
  if (SwitchboardError.isInstance(error)) return error;
  return new ModelError({
    code: 'provider_error',
    message: `${ref} failed: ${error instanceof Error ? error.message : String(error)}`,
    provider: parseModelRef(ref)?.provider ?? ref,
    retryable: true,
    cause: error,
  });
}

interface SingleOutcome {
  readonly kind: 'done' | 'cancelled' | 'error';
  readonly text: string;
  readonly toolCalls: ToolCall[];
  readonly usage: Usage | undefined;
  readonly shown: boolean;
  readonly error?: SwitchboardError;
}

/**
 * The one retry loop: try the candidates in order, at most {@link MAX_ATTEMPTS} provider attempts per
 * turn, skipping providers whose circuit is open, retrying the last candidate after a short wait when the
 * error is retryable, falling back with a status line otherwise. Text already shown is never repeated: once
 * an attempt that streamed text fails, later attempts are collected and delivered whole by the caller.
 */
export class ModelRunner {
  readonly #deps: ModelRunnerDeps;

  constructor(deps: ModelRunnerDeps) {
    this.#deps = deps;
  }

  get breaker(): CircuitBreaker {
    return this.#deps.breaker;
  }

  async run(plan: AttemptPlan, signal: AbortSignal, hooks: AttemptHooks): Promise<AttemptResult> {
    const maxAttempts = plan.maxAttempts ?? MAX_ATTEMPTS;
    const usages: AttemptUsage[] = [];
    const skipped: string[] = [];
    let streaming = plan.stream;
    let attempts = 0;
    let index = 0;
    let firstTokenAt: number | undefined;
    let lastError: SwitchboardError | undefined;
    let lastRef: ModelRef | undefined;

    while (index < plan.candidates.length && attempts < maxAttempts) {
      const ref = plan.candidates[index] as ModelRef;
      const provider = parseModelRef(ref)?.provider ?? ref;
      const model = this.#deps.models(ref);
      if (model === undefined || !this.#deps.breaker.tryAcquire(provider)) {
        const why =
          model === undefined
            ? 'not configured'
            : `circuit open, retrying in ${Math.ceil(this.#deps.breaker.retryInMs(provider) / 1000)} s`;
        skipped.push(`${ref} (${why})`);
        await hooks.onEvent('skipped', { model: ref, reason: why });
        index += 1;
        continue;
      }
      if (lastRef !== undefined && lastError !== undefined && ref !== lastRef) {
        const note = streaming ? '' : ' (the whole answer appears when it is done)';
        await hooks.onStatus(`${failedPhrase(lastRef, lastError)}; answering with ${ref} instead${note}…`);
        await hooks.onEvent('fallback', { from: lastRef, to: ref, code: lastError.code });
      }
      attempts += 1;
      lastRef = ref;
      const outcome = await this.#attempt(model, plan.call, signal, hooks, streaming, () => {
        firstTokenAt ??= this.#deps.now();
      });
      if (outcome.usage) usages.push({ ref, usage: outcome.usage });
      if (outcome.kind === 'cancelled') {
        this.#deps.breaker.release(provider);
        return {
          kind: 'cancelled',
          model: ref,
          text: outcome.text,
          toolCalls: outcome.toolCalls,
          usages,
          attempts,
          ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
        };
      }
      if (outcome.kind === 'done') {
        this.#deps.breaker.recordSuccess(provider);
        return {
          kind: 'done',
          model: ref,
          text: outcome.text,
          toolCalls: outcome.toolCalls,
          usages,
          attempts,
          ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
        };
      }
      const error = outcome.error as SwitchboardError;
      lastError = error;
      const retryAfterMs = ModelError.isInstance(error) ? error.retryAfterMs : undefined;
      const retryable = ModelError.isInstance(error) && error.retryable;
      if (NOT_THE_PROVIDER.has(error.code)) this.#deps.breaker.release(provider);
      else
        this.#deps.breaker.recordFailure(
          provider,
          retryAfterMs,
          retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_WAIT_MS,
        );
      await hooks.onEvent('attempt-failed', {
        model: ref,
        attempt: attempts,
        code: error.code,
        message: error.message,
      });
      if (outcome.shown) streaming = false;

      const hasNext = index + 1 < plan.candidates.length;
      if (hasNext) {
        index += 1;
        continue;
      }
      const wait = retryAfterMs ?? 500 * 2 ** (attempts - 1);
      if (!retryable || attempts >= maxAttempts || wait > MAX_RETRY_WAIT_MS) break;
      await hooks.onStatus(
        `${failedPhrase(ref, error)}; trying again in ${Math.max(1, Math.round(wait / 1000))} s…`,
      );
      await hooks.onEvent('retry', { model: ref, attempt: attempts + 1, waitMs: wait });
      try {
        await (this.#deps.sleep ?? sleep)(wait, signal);
      } catch {
        return {
          kind: 'cancelled',
          model: ref,
          text: '',
          toolCalls: [],
          usages,
          attempts,
          ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
        };
      }
    }

    const error = this.#finalError(lastError, lastRef, skipped, attempts);
    return {
      kind: 'error',
      model: lastRef,
      text: '',
      toolCalls: [],
      usages,
      attempts,
      error,
      ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
    };
  }

  #finalError(
    lastError: SwitchboardError | undefined,
    lastRef: ModelRef | undefined,
    skipped: readonly string[],
    attempts: number,
  ): SwitchboardError {
    if (lastError === undefined || lastRef === undefined) {
      return new SwitchboardError(
        'all_models_unavailable',
        `No model could take the request right now: ${skipped.join(', ') || 'none configured'}. Try again shortly.`,
      );
    }
    const tried = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    return new SwitchboardError(lastError.code, `${lastError.message}${tried}`, { cause: lastError });
  }

  async #attempt(
    model: LanguageModel,
    call: ModelCall,
    signal: AbortSignal,
    hooks: AttemptHooks,
    streaming: boolean,
    onFirstToken: () => void,
  ): Promise<SingleOutcome> {
    let text = '';
    let shown = false;
    let usage: Usage | undefined;
    const toolCalls: ToolCall[] = [];
    try {
      for await (const part of guardedStream(model, call, signal, this.#deps.timeouts)) {
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
            usage = part.usage;
            if (part.reason === 'abort' || signal.aborted)
              return { kind: 'cancelled', text, toolCalls, usage, shown };
            return { kind: 'done', text, toolCalls, usage, shown };
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
}
