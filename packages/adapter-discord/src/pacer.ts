interface LaneState {
  remaining: number;
  resetAt: number;
  lastAt: number;
}

/**
 * The rate-limit lane of a request: its route with ids generalised, plus its major parameter (the
 * webhook id and token, or the channel id), which is how Discord scopes its buckets.
 */
export function laneOf(method: string, path: string): string {
  const route = path.split('?')[0] ?? path;
  const webhook = /^\/webhooks\/(\d+)\/([^/]+)(.*)$/.exec(route);
  const channel = /^\/(channels|guilds)\/(\d+)(.*)$/.exec(route);
  const ids = (tail: string) => tail.replace(/\/\d{5,}/g, '/:id');
  if (webhook)
    return `${method.toUpperCase()} /webhooks/:id/:token${ids(webhook[3] ?? '')} ${webhook[1]}/${webhook[2]}`;
  if (channel) return `${method.toUpperCase()} /${channel[1]}/:id${ids(channel[3] ?? '')} ${channel[2]}`;
  return `${method.toUpperCase()} ${ids(route)} global`;
}

/**
 * Spreads requests over each bucket's window from the `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset-After` headers Discord sends: with 4 left and 5 s to the reset, the next edit waits
 * 1 s, so a stream edits steadily instead of bursting and then stalling.
 */
export class RateLimitPacer {
  readonly #lanes = new Map<string, LaneState>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Learn from one response's headers. */
  observe(method: string, path: string, headers: { get(name: string): string | null }): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
    if (
      headers.get('x-ratelimit-remaining') === null ||
      !Number.isFinite(remaining) ||
      !Number.isFinite(resetAfter)
    )
      return;
    const now = this.clock();
    const lane = laneOf(method, path);
    this.#lanes.set(lane, { remaining, resetAt: now + resetAfter * 1000, lastAt: now });
    if (this.#lanes.size > 10_000) this.#lanes.delete(this.#lanes.keys().next().value as string);
  }

  /** Milliseconds to wait before the next request in `lane`. */
  delayFor(lane: string): number {
    const state = this.#lanes.get(lane);
    if (state === undefined) return 0;
    const now = this.clock();
    if (now >= state.resetAt) {
      this.#lanes.delete(lane);
      return 0;
    }
    if (state.remaining <= 0) return state.resetAt - now;
    const spacing = (state.resetAt - state.lastAt) / (state.remaining + 1);
    return Math.max(0, state.lastAt + spacing - now);
  }
}
