import { describeError, EDIT_WINDOW_CLOSED, PlatformError, type RateCall } from '@switchboard/core';
import { type DeliveryContext, logFields } from './context';
import { now } from './pacer';
import type { RetryPolicy } from './types';

/** The retry limits used where options leave them out. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  maxTotalMs: 300_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
};

/** The platform error code adapters use for "message is not modified" (an edit to identical text). */
export const NOT_MODIFIED = 'not_modified';

/** What a failed platform call means for the next attempt. */
export type Failure =
  /** The platform already shows this text: as good as success. */
  | { readonly kind: 'not-modified' }
  /** Rate limited: try again after `waitMs`. */
  | { readonly kind: 'rate-limited'; readonly waitMs: number }
  /** The message still shows its text but can no longer be edited: the reply continues below it. */
  | { readonly kind: 'window-closed' }
  /** Worth another attempt after a backoff (server errors, network failures). */
  | { readonly kind: 'retryable' }
  /** The same call cannot succeed (message gone, text rejected). */
  | { readonly kind: 'fatal' };

/**
 * Classify a failed call. Errors that are not {@link PlatformError}s (a network error an adapter did
 * not wrap) count as retryable: the attempt limits still bound them.
 */
export function classifyFailure(error: unknown): Failure {
  if (!PlatformError.isInstance(error)) return { kind: 'retryable' };
  if (error.code === NOT_MODIFIED) return { kind: 'not-modified' };
  if (error.code === EDIT_WINDOW_CLOSED) return { kind: 'window-closed' };
  if (error.retryAfterMs !== undefined)
    return { kind: 'rate-limited', waitMs: Math.max(0, error.retryAfterMs) };
  return error.retryable ? { kind: 'retryable' } : { kind: 'fatal' };
}

/** The wait before attempt `attempt + 1` after a retryable failure: doubling from the base, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** A short description of a failure for logs. */
export function failureFields(error: unknown): object {
  return PlatformError.isInstance(error)
    ? { code: error.code, method: error.method, error: error.message }
    : { error: describeError(error) };
}

/**
 * Run one platform call through both gates, the request's {@link DeliveryContext.pacer} and then the
 * adapter's `rateGate`: wait on each, make the call, report a failure to each (`observe`) and tell each
 * the call is over (`finished`). The only place the engine paces a call. Typing is a courtesy outside
 * the request's own pace: only the adapter's gate sees it.
 */
export async function gated<T>(
  context: DeliveryContext,
  call: RateCall,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { address, signal } = context;
  const pacer = call === 'typing' ? undefined : context.pacer;
  const gate = context.adapter.rateGate;
  await pacer?.wait(address, signal);
  await gate?.wait(address, signal, call);
  try {
    return await run(signal);
  } catch (error) {
    if (!signal.aborted) {
      pacer?.observe(address, error);
      gate?.observe(address, error);
    }
    throw error;
  } finally {
    pacer?.finished();
    gate?.finished?.(address, call);
  }
}

/**
 * Run a platform call that must succeed (final text, approvals), paced like every other call of the
 * request: wait out each rate limit's retry-after, back off on other retryable failures, and give up after
 * `maxAttempts` or `maxTotalMs` by throwing the last error. Fatal failures throw at once, as do
 * "not modified" (callers that edit treat it as success before it gets here) and a closed edit window.
 */
export async function persist<T>(
  context: DeliveryContext,
  method: RateCall,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const policy = context.settings.retry;
  const startedAt = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await gated(context, method, call);
    } catch (error) {
      context.signal.throwIfAborted();
      const failure = classifyFailure(error);
      if (failure.kind !== 'rate-limited' && failure.kind !== 'retryable') throw error;
      const waitMs = failure.kind === 'rate-limited' ? failure.waitMs : backoffDelay(policy, attempt);
      if (attempt >= policy.maxAttempts || now() + waitMs - startedAt > policy.maxTotalMs) throw error;
      context.settings.onRetry({
        platform: context.adapter.platform,
        rateLimited: failure.kind === 'rate-limited',
      });
      context.logger.debug(
        logFields(context, { method, attempt, waitMs, ...failureFields(error) }),
        'platform call failed; retrying',
      );
      if (failure.kind === 'retryable') context.pacer.holdFor(waitMs);
    }
  }
}
