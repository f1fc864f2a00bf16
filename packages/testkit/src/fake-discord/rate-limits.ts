import { createHash } from 'node:crypto';

/** A per-route bucket: `limit` requests per `windowMs`, counted per major parameter (token or channel). */
export interface BucketSettings {
  readonly limit: number;
  readonly windowMs: number;
}

/** What the fake answers about one request's bucket. */
export interface BucketVerdict {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
  readonly retryAfterMs: number;
}

/** A 429 the test asked for. */
export interface InjectedLimit {
  readonly method: string | undefined;
  readonly path: RegExp;
  readonly retryAfterMs: number;
  readonly global: boolean;
  remaining: number;
}

interface Window {
  count: number;
  resetAt: number;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Fixed-window buckets that send the real `X-RateLimit-*` headers on every answer and a 429 with
 * `Retry-After` once a bucket is spent, so discord.js's own header-driven queueing runs against it.
 * Uses the real clock, never the fake one (rate limits are about wall time).
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly injected: InjectedLimit[] = [];

  constructor(readonly settings: BucketSettings) {}

  take(route: string, major: string, now = Date.now()): BucketVerdict {
    const key = `${route} ${major}`;
    let window = this.#windows.get(key);
    if (window === undefined || now >= window.resetAt) {
      window = { count: 0, resetAt: now + this.settings.windowMs };
      this.#windows.set(key, window);
    }
    const hash = createHash('sha1').update(route).digest('hex').slice(0, 16);
    const base = {
      'x-ratelimit-limit': String(this.settings.limit),
      'x-ratelimit-reset': seconds(window.resetAt),
      'x-ratelimit-reset-after': seconds(window.resetAt - now),
      'x-ratelimit-bucket': hash,
    };
    if (window.count >= this.settings.limit) {
      const retryAfterMs = window.resetAt - now;
      return {
        allowed: false,
        retryAfterMs,
        headers: {
          ...base,
          'x-ratelimit-remaining': '0',
          'retry-after': seconds(retryAfterMs),
          'x-ratelimit-scope': 'user',
        },
      };
    }
    window.count += 1;
    return {
      allowed: true,
      retryAfterMs: 0,
      headers: { ...base, 'x-ratelimit-remaining': String(this.settings.limit - window.count) },
    };
  }

  /** The injected 429 that applies to this request, if any (consumes one). */
  injectedFor(method: string, path: string): InjectedLimit | undefined {
    const limit = this.injected.find(
      (item) =>
        item.remaining > 0 && (item.method === undefined || item.method === method) && item.path.test(path),
    );
    if (limit) limit.remaining -= 1;
    return limit;
  }
}
