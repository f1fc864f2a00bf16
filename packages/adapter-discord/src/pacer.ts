import { PlatformError, type RateGate, type ReplyAddress, sleep } from '@switchboard/core';

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

/**
 * The Discord adapter's {@link RateGate}: before a reply's next call, waits out the busiest bucket that
 * call may land in (the interaction's webhook routes, or the channel's message routes), as learned from
 * the headers by {@link RateLimitPacer}, and any retry-after a failed call reported.
 */
export class DiscordRateGate implements RateGate {
  readonly #holds = new Map<string, number>();

  constructor(
    private readonly pacer: RateLimitPacer,
    private readonly clock: () => number = Date.now,
  ) {}

  async wait(to: ReplyAddress, signal: AbortSignal): Promise<void> {
    for (let delay = this.#delay(to); delay > 0; delay = this.#delay(to)) await sleep(delay, signal);
  }

  observe(to: ReplyAddress, error: unknown): void {
    if (!PlatformError.isInstance(error) || error.retryAfterMs === undefined) return;
    const key = keyOf(to);
    this.#holds.set(key, Math.max(this.#holds.get(key) ?? 0, this.clock() + error.retryAfterMs));
    if (this.#holds.size > 10_000) this.#holds.delete(this.#holds.keys().next().value as string);
  }

  #delay(to: ReplyAddress): number {
    const key = keyOf(to);
    const held = (this.#holds.get(key) ?? 0) - this.clock();
    if (held <= 0) this.#holds.delete(key);
    const lanes = lanesOf(to).map((lane) => this.pacer.delayFor(lane));
    return Math.max(0, held, ...lanes);
  }
}

const SAMPLE_ID = '10000000000000000';

/** The buckets a reply's posts and edits land in. */
function lanesOf(to: ReplyAddress): string[] {
  const data = to.data;
  const channel = String(data['channelId'] ?? '');
  const channelLanes = [
    laneOf('POST', `/channels/${channel}/messages`),
    laneOf('PATCH', `/channels/${channel}/messages/${SAMPLE_ID}`),
  ];
  if (typeof data['token'] !== 'string' || typeof data['applicationId'] !== 'string') return channelLanes;
  const webhook = `/webhooks/${data['applicationId']}/${data['token']}`;
  return [
    ...channelLanes,
    laneOf('PATCH', `${webhook}/messages/@original`),
    laneOf('POST', webhook),
    laneOf('PATCH', `${webhook}/messages/${SAMPLE_ID}`),
  ];
}

function keyOf(to: ReplyAddress): string {
  return String(to.data['interactionId'] ?? to.data['channelId'] ?? '');
}
