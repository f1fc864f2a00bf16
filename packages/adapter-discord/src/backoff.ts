import { sleep } from '@switchboard/core';

/** Settings of {@link IdentifyBackoff}. */
export interface BackoffSettings {
  /** Discord allows one IDENTIFY per 5 s per concurrency bucket. */
  readonly spacingMs: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
  readonly clock?: () => number;
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Defaults: 5 s between identifies; backoff 1 s, 2 s, 4 s … up to 60 s while sessions keep failing. */
export const DEFAULT_BACKOFF: BackoffSettings = { spacingMs: 5000, baseMs: 1000, maxMs: 60_000 };

/**
 * discord.js's identify throttler, with exponential backoff. Every new session (IDENTIFY) counts
 * against Discord's daily session-start limit (1,000 a day), so when sessions keep failing to become
 * ready (invalid sessions, rate-limited closes) the wait doubles, with jitter, up to `maxMs`. READY
 * resets it. Resumes are not identifies and are never delayed here.
 */
export class IdentifyBackoff {
  #last = Number.NEGATIVE_INFINITY;
  #failures = 0;

  constructor(private readonly settings: BackoffSettings = DEFAULT_BACKOFF) {}

  /** How long the next identify would wait now. */
  nextDelay(): number {
    const now = (this.settings.clock ?? Date.now)();
    const random = this.settings.random ?? Math.random;
    const spacing = this.#last + this.settings.spacingMs - now;
    const backoff =
      this.#failures === 0
        ? 0
        : Math.min(this.settings.maxMs, this.settings.baseMs * 2 ** (this.#failures - 1)) *
          (0.5 + random() / 2);
    return Math.max(0, spacing, backoff);
  }

  /** Called by @discordjs/ws before each IDENTIFY. */
  async waitForIdentify(_shardId: number, signal: AbortSignal): Promise<void> {
    const delay = this.nextDelay();
    if (delay > 0) await (this.settings.wait ?? sleep)(delay, signal);
    this.#failures += 1;
    this.#last = (this.settings.clock ?? Date.now)();
  }

  /** A session became ready: the next failure starts from the base delay again. */
  succeeded(): void {
    this.#failures = 0;
  }
}
