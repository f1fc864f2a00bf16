import { PlatformError, type RateCall, type RateGate, type ReplyAddress, sleep } from '@switchboard/core';
import { decodeAddress } from './address';
import type { WorkspaceLimiter } from './rate-limit';

/** The Web API method each engine call starts with (the one a workspace budget may count). */
const METHOD_OF: Readonly<Record<RateCall, string>> = {
  post: 'chat.postMessage',
  edit: 'chat.update',
  preview: 'chat.update',
  append: 'chat.appendStream',
  typing: 'assistant.threads.setStatus',
};

/** Forget holds once this many channels are held (the oldest first). */
const MAX_HOLDS = 10_000;

/**
 * Slack's {@link RateGate}: before each engine call, the channel's 429 hold (a `Retry-After` Slack sent
 * for any call there) and the workspace's budget for the call's method ({@link WorkspaceLimiter}: Tier 3
 * `chat.update`, Tier 4 `chat.appendStream`) across every request in the workspace. The primitives
 * (`post`, `edit`, the stream writer's `append`) do not pace themselves.
 */
export class SlackRateGate implements RateGate {
  readonly #holds = new Map<string, number>();

  constructor(
    private readonly limiter: WorkspaceLimiter,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async wait(to: ReplyAddress, signal: AbortSignal, call: RateCall): Promise<void> {
    const place = placeOf(to);
    if (place === undefined) return;
    for (let held = this.#heldFor(place.key); held > 0; held = this.#heldFor(place.key))
      await sleep(Math.ceil(held), signal);
    const method = call === 'post' && place.replaces ? 'chat.update' : METHOD_OF[call];
    await this.limiter.take(place.team, method, signal);
  }

  observe(to: ReplyAddress, error: unknown): void {
    const place = placeOf(to);
    if (place === undefined || !PlatformError.isInstance(error) || error.retryAfterMs === undefined) return;
    const until = Math.max(this.#holds.get(place.key) ?? 0, this.clock() + error.retryAfterMs);
    this.#holds.delete(place.key);
    this.#holds.set(place.key, until);
    if (this.#holds.size > MAX_HOLDS) this.#holds.delete(this.#holds.keys().next().value as string);
  }

  #heldFor(key: string): number {
    const held = (this.#holds.get(key) ?? 0) - this.clock();
    if (held <= 0) this.#holds.delete(key);
    return held;
  }
}

/** Where a call lands: its workspace, its channel's hold key, and whether a post updates a button message. */
interface Place {
  readonly team: string;
  readonly key: string;
  readonly replaces: boolean;
}

function placeOf(to: ReplyAddress): Place | undefined {
  try {
    const { team, channel, replace } = decodeAddress(to, 'rateGate');
    return { team, key: `${team}:${channel}`, replaces: replace !== undefined };
  } catch {
    return undefined;
  }
}
