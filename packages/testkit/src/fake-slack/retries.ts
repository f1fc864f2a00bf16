import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryOptions, DeliveryResult, FakeSlack, SlackDelivery } from './types';

/**
 * Slack's waits before each retry of an Events API delivery that failed (no 2xx answer within 3 s, a
 * connection failure, or an HTTP error): at once, after one minute, after five minutes. Slack then gives
 * up. Tests and benchmarks usually pass these divided by some factor.
 */
export const SLACK_RETRY_DELAYS_MS: readonly number[] = [0, 60_000, 300_000];

/** Why Slack retried, as its `X-Slack-Retry-Reason` says. */
export type RetryReason = 'http_timeout' | 'connection_failed' | 'http_error';

/** One attempt of a retried delivery. */
export interface DeliveryAttempt {
  /** 0 for the first delivery, then 1, 2, 3 (`X-Slack-Retry-Num`). */
  readonly retryNum: number;
  /** `Date.now()` when the attempt started. */
  readonly at: number;
  /** The HTTP status, or 0 when there was no answer. */
  readonly status: number;
  /** Why the attempt failed; undefined when it was acknowledged. */
  readonly failure: RetryReason | undefined;
}

/** How a delivery ended after Slack's retries. */
export interface RetriedDelivery {
  /** True when some attempt got a 2xx within the deadline. */
  readonly acknowledged: boolean;
  readonly attempts: readonly DeliveryAttempt[];
}

/** Options of {@link deliverWithRetries}. */
export interface RetryOptions {
  /** Waits before each retry; default {@link SLACK_RETRY_DELAYS_MS}. Its length is the number of retries. */
  readonly delaysMs?: readonly number[];
  /** Stops retrying (the promise then resolves with the attempts made so far). */
  readonly signal?: AbortSignal;
  /** Extra options for every attempt (timestamps, signatures). */
  readonly delivery?: Omit<DeliveryOptions, 'retryNum' | 'retryReason'>;
}

function failureOf(result: DeliveryResult): RetryReason | undefined {
  if (result.timedOut) return 'http_timeout';
  return result.status >= 200 && result.status < 300 ? undefined : 'http_error';
}

/**
 * Deliver an event to the app as Slack does: sign and POST it, and while it fails, retry it (the same
 * body, with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`) after each of `delaysMs`.
 */
export async function deliverWithRetries(
  slack: Pick<FakeSlack, 'deliver'>,
  target: string,
  delivery: SlackDelivery,
  options: RetryOptions = {},
): Promise<RetriedDelivery> {
  const delays = options.delaysMs ?? SLACK_RETRY_DELAYS_MS;
  const attempts: DeliveryAttempt[] = [];
  let previous: RetryReason | undefined;
  for (let retryNum = 0; retryNum <= delays.length; retryNum += 1) {
    if (retryNum > 0) {
      const waited = await sleep(delays[retryNum - 1] ?? 0, true, { signal: options.signal }).catch(
        () => false,
      );
      if (!waited) break;
    }
    const at = Date.now();
    const retry = previous === undefined ? {} : { retryNum, retryReason: previous };
    let status = 0;
    let failure: RetryReason | undefined;
    try {
      const result = await slack.deliver(target, delivery, { ...options.delivery, ...retry });
      status = result.status;
      failure = failureOf(result);
    } catch {
      failure = 'connection_failed';
    }
    attempts.push({ retryNum, at, status, failure });
    if (failure === undefined) return { acknowledged: true, attempts };
    previous = failure;
    if (options.signal?.aborted) break;
  }
  return { acknowledged: false, attempts };
}
