/** A rate: `perMinute` calls on average, with bursts up to `burst`. */
export interface Rate {
  readonly perMinute: number;
  readonly burst: number;
}

/**
 * Slack's per-workspace budgets for the methods the adapter calls repeatedly (api.slack.com rate limits:
 * Tier 3 "50+ per minute" for chat.update, Tier 4 "100+ per minute" for chat.appendStream).
 */
export const SLACK_RATES: Readonly<Record<string, Rate>> = {
  'chat.update': { perMinute: 50, burst: 20 },
  'chat.appendStream': { perMinute: 100, burst: 30 },
};

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** A token bucket: `take()` resolves when a token is free, first come first served. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #waiters: Waiter[] = [];
  readonly #perMs: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = rate.burst;
    this.#last = now();
    this.#perMs = rate.perMinute / 60_000;
  }

  /** Tokens available right now (fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** How many callers are waiting for a token. */
  get waiting(): number {
    return this.#waiters.length;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.rate.burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }

  /** Wait for a token; rejects with the signal's reason when aborted first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#waiters.indexOf(waiter);
          if (index !== -1) this.#waiters.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiters.length === 0) return;
    const wait = Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#refill();
      while (this.#waiters.length > 0 && this.#tokens >= 1) {
        const waiter = this.#waiters.shift() as Waiter;
        this.#tokens -= 1;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
      this.#schedule();
    }, wait);
    this.#timer.unref();
  }

  /** Reject every waiter (on shutdown). */
  close(reason: unknown): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }
}

/** One {@link TokenBucket} per workspace and method: Slack counts these budgets per workspace. */
export class WorkspaceLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rates: Readonly<Record<string, Rate>> = SLACK_RATES,
    private readonly now?: () => number,
  ) {}

  /** Wait for `method`'s budget in `team`; methods without a budget pass at once. */
  take(team: string, method: string, signal?: AbortSignal): Promise<void> {
    const rate = this.rates[method];
    if (rate === undefined) return Promise.resolve();
    const key = `${team}:${method}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(rate, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(signal);
  }

  close(reason: unknown): void {
    for (const bucket of this.#buckets.values()) bucket.close(reason);
    this.#buckets.clear();
  }
}
