import { PlatformError, type RateGate, sleep } from '@switchboard/core';

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

/**
 * Paces one request's platform calls: the engine's own {@link RateGate}, consulted before the adapter's.
 * A call may start only when the previous one has finished and `intervalMs` has passed since it
 * finished; a rate limit's retry-after (observed) or a backoff pushes that moment further out. Measuring
 * from the finish (not the start) leaves room for network jitter: two requests never reach the platform
 * closer together than the interval, even when the first one travelled slowly. The adapter's gate paces
 * the platform's buckets across requests (Telegram's chats, Slack's workspaces, Discord's routes).
 */
export class Pacer implements RateGate {
  readonly #intervalMs: number;
  #readyAt = 0;

  constructor(intervalMs: number) {
    this.#intervalMs = Math.max(0, intervalMs);
  }

  /** True when a call may start now. */
  get isReady(): boolean {
    return now() >= this.#readyAt;
  }

  /** Resolves when a call may start; rejects when `signal` aborts. */
  async wait(_to: unknown, signal: AbortSignal): Promise<void> {
    // Timers may fire a millisecond early against the monotonic clock: check again until it has passed.
    for (let wait = this.#readyAt - now(); wait > 0; wait = this.#readyAt - now()) {
      await sleep(Math.ceil(wait), signal);
    }
  }

  /** A call failed: a rate limit holds the next one for its retry-after. */
  observe(_to: unknown, error: unknown): void {
    if (PlatformError.isInstance(error) && error.retryAfterMs !== undefined)
      this.holdFor(Math.max(0, error.retryAfterMs));
  }

  /** A call has just finished (whatever its outcome). */
  finished(): void {
    this.holdFor(this.#intervalMs);
  }

  /** Start no call for `ms` from now (a backoff). */
  holdFor(ms: number): void {
    this.#readyAt = Math.max(this.#readyAt, now() + ms);
  }
}
