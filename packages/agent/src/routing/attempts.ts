import {
  type FinishReason,
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
import { readAttempt } from './attempt';
import type { CircuitBreaker } from './circuit-breaker';
import { FirstTokenBudget } from './first-token-budget';
import type { StreamTimeouts } from './guarded-stream';
import type { SpendGate } from './spend-gate';
import type { TaskClock } from './task-clock';

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
  /** Reserves each attempt's maximum cost before it starts (the daily cloud budget); none: no limit. */
  readonly budget?: SpendGate;
  /** The task's deadline, shared by all its runs; none: no deadline. */
  readonly deadline?: TaskClock;
}

/** What bounds every attempt of a task: its budget reservation and its deadline (ADR 0032). */
export type CallBounds = Pick<AttemptPlan, 'budget' | 'deadline'>;

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
  /** Why the model stopped the answer in `text` (`length`: it hit the output token limit). */
  readonly finishReason?: FinishReason;
  readonly error?: SwitchboardError;
}

/** What the runner is built from. */
export interface ModelRunnerDeps {
  readonly models: (ref: ModelRef) => LanguageModel | undefined;
  readonly breaker: CircuitBreaker;
  readonly timeouts: StreamTimeouts;
  /** How long one run may wait for first tokens, all its attempts together (ADR 0032). */
  readonly runFirstTokenMs: number;
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
  'task_deadline',
  'bad_request',
  'context_too_long',
  'model_not_found',
  'invalid_tool_arguments',
]);

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
    let budgetRefusal: string | undefined;
    let outOfTime = false;
    const firstToken = new FirstTokenBudget(this.#deps.runFirstTokenMs, this.#deps.now);

    while (index < plan.candidates.length && attempts < maxAttempts) {
      if (plan.deadline !== undefined && plan.deadline.leftMs() === 0) {
        lastError = plan.deadline.deadlineError(lastRef ?? 'box');
        break;
      }
      if (lastError !== undefined && firstToken.leftMs() === 0) {
        outOfTime = true;
        break;
      }
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
      const spend = await this.#reserve(plan, ref, provider);
      if (spend !== undefined && !spend.ok) {
        this.#deps.breaker.release(provider);
        skipped.push(`${ref} (${spend.reason})`);
        budgetRefusal = spend.message;
        await hooks.onEvent('skipped', { model: ref, reason: spend.reason });
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
      const attemptsLeft = Math.min(plan.candidates.length - index, maxAttempts - attempts + 1);
      const timeouts: StreamTimeouts = {
        ...this.#deps.timeouts,
        firstTokenMs: firstToken.shareMs(this.#deps.timeouts.firstTokenMs, attemptsLeft),
        afterQueuedMs: this.#deps.timeouts.firstTokenMs,
      };
      const clocks = { firstToken, ...(plan.deadline ? { task: plan.deadline } : {}) };
      const outcome = await readAttempt(model, plan.call, signal, timeouts, {
        hooks,
        streaming,
        clocks,
        onFirstToken: () => {
          firstTokenAt ??= this.#deps.now();
        },
      });
      await spend?.hold.settle(outcome.usage);
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
          ...(outcome.finishReason === undefined ? {} : { finishReason: outcome.finishReason }),
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
      if (error.code === 'task_deadline') break;

      const hasNext = index + 1 < plan.candidates.length;
      if (hasNext) {
        index += 1;
        continue;
      }
      const wait = retryAfterMs ?? 500 * 2 ** (attempts - 1);
      if (!retryable || attempts >= maxAttempts || wait > MAX_RETRY_WAIT_MS) break;
      if (firstToken.leftMs() === 0) {
        outOfTime = true;
        break;
      }
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

    const error =
      lastError?.code === 'task_deadline'
        ? lastError
        : lastError === undefined && budgetRefusal !== undefined
          ? new SwitchboardError('budget_exceeded', budgetRefusal)
          : this.#finalError(lastError, lastRef, skipped, attempts, outOfTime);
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

  /** The attempt's budget reservation; a store that fails frees the provider's probe before it throws. */
  async #reserve(plan: AttemptPlan, ref: ModelRef, provider: string) {
    if (plan.budget === undefined) return undefined;
    try {
      return await plan.budget.reserve(ref, plan.call);
    } catch (error) {
      this.#deps.breaker.release(provider);
      throw error;
    }
  }

  #finalError(
    lastError: SwitchboardError | undefined,
    lastRef: ModelRef | undefined,
    skipped: readonly string[],
    attempts: number,
    outOfTime: boolean,
  ): SwitchboardError {
    if (lastError === undefined || lastRef === undefined) {
      return new SwitchboardError(
        'all_models_unavailable',
        `No model could take the request right now: ${skipped.join(', ') || 'none configured'}. Try again shortly.`,
      );
    }
    const tried = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const gaveUp = outOfTime
      ? ` No model started answering within ${Math.round(this.#deps.runFirstTokenMs / 1000)} s; try again shortly.`
      : '';
    return new SwitchboardError(lastError.code, `${lastError.message}${tried}${gaveUp}`, {
      cause: lastError,
    });
  }
}
